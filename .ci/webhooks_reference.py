#!/usr/bin/env python3
"""Checks Sammen's webhook deliveries against `standardwebhooks`, the
reference implementation of the Standard Webhooks specification, and the
receivers in examples/ against the same server.

Against a server started with `--demo --webhook-allow-loopback` at
SAMMEN_URL, as an organisation admin of Peer-netværket Danmark:
- `webhookEventTypes` lists the documented event types, described in
  English and, with `Accept-Language: nb-NO`, otherwise;
- an endpoint at an http:// address that is not loopback is refused;
- an endpoint at a receiver on 127.0.0.1 gets `sendTestWebhook`'s delivery,
  whose `webhook-id` is the delivery's id and which the reference library
  verifies with the endpoint's secret, and not with another secret nor
  with one byte of the body changed; the delivery is then SUCCEEDED;
- after `rotateWebhookSecret` a delivery carries two signatures and
  verifies with the new secret and with the old one;
- examples/webhook_receiver.py (and .mjs, where node is installed) accept
  a body signed here with hmac and refuse a changed one, an old one and
  one signed with another secret; then each receives a test delivery from
  the server and answers 204, and the Python one, started with the wrong
  secret, answers 401, which fails the delivery without a retry.

Usage: SAMMEN_URL=http://127.0.0.1:PORT python3 .ci/webhooks_reference.py
(with `standardwebhooks` installed); exits 1 on any failure.
"""

import base64
import hashlib
import hmac
import json
import os
import queue
import re
import secrets
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from importlib import metadata
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

ROOT = Path(__file__).resolve().parent.parent
URL = os.environ.get("SAMMEN_URL", "http://127.0.0.1:8080")
EMAIL, PASSWORD = "mette@peer-netvaerket.example", "sammen-demo"
EVENT_TYPES = [
    "document.created", "document.updated", "document.shared", "document.unshared",
    "document.version_added", "document.linked", "training.created", "training.updated",
    "training.document_attached", "training.shared", "training.unshared", "training.linked",
    "training.offering_scheduled", "training.offering_updated", "training.offering_cancelled",
    "translation.saved", "project.created", "project.updated", "project.status_changed",
    "participant.added", "participant.removed", "member.added", "member.removed",
    "deliverable.created", "deliverable.updated", "deliverable.status_changed",
    "deliverable.document_linked", "milestone.created", "milestone.reached",
]
WAIT_SECONDS = 30
ENDPOINT = "secret endpoint { id url eventTypes paused version previousSecretExpiresAt }"
DELIVERY = "id eventType subjectType subjectId status attempts lastStatusCode lastError nextAttemptAt lastAttemptAt createdAt"


class Failure(Exception):
    pass


def check(condition, what):
    if not condition:
        raise Failure(what)
    print(f"ok   {what}")


def gql(query, variables=None, token=None, language="en-US"):
    request = urllib.request.Request(
        f"{URL}/graphql", data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json", "Accept-Language": language,
                 **({"Authorization": f"Bearer {token}"} if token else {})})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.load(reply)


def data(query, variables=None, token=None, language="en-US"):
    body = gql(query, variables, token, language)
    if body.get("errors"):
        raise Failure(f"{query.split('(')[0].strip()}: {json.dumps(body['errors'])}")
    return body["data"]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def new_secret():
    return "whsec_" + base64.b64encode(secrets.token_bytes(32)).decode()


def sign(secret, msg_id, timestamp, body):
    key = base64.b64decode(secret.removeprefix("whsec_"))
    digest = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


class Recorder:
    """An HTTP receiver on 127.0.0.1 that records every request and answers 204."""

    def __init__(self):
        self.requests = []
        self.arrived = threading.Condition()
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
                    body = b""
                    while size := int(self.rfile.readline().split(b";")[0], 16):
                        body += self.rfile.read(size)
                        self.rfile.readline()
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                else:
                    body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                with recorder.arrived:
                    recorder.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                    recorder.arrived.notify_all()
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def wait_for(self, msg_id):
        """The first request whose webhook-id is msg_id, waiting up to WAIT_SECONDS."""
        deadline = time.monotonic() + WAIT_SECONDS
        with self.arrived:
            while True:
                for request in self.requests:
                    if {k.lower(): v for k, v in request["headers"].items()}.get("webhook-id") == msg_id:
                        return request
                left = deadline - time.monotonic()
                if left <= 0:
                    raise Failure(f"no delivery {msg_id} reached the receiver within {WAIT_SECONDS} s "
                                  f"({len(self.requests)} other requests did)")
                self.arrived.wait(left)


def delivery_state(token, endpoint_id, msg_id, until):
    """The delivery's fields once until(delivery) holds, polling up to WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        endpoint = data(f"""query($id: ID!) {{ webhookEndpoint(id: $id) {{
                              deliveries(first: 20) {{ nodes {{ {DELIVERY} }} }} }} }}""",
                        {"id": endpoint_id}, token)["webhookEndpoint"]
        found = [d for d in endpoint["deliveries"]["nodes"] if d["id"] == msg_id]
        if found and until(found[0]):
            return found[0]
        if time.monotonic() > deadline:
            raise Failure(f"delivery {msg_id} did not reach the expected state within {WAIT_SECONDS} s: "
                          f"{json.dumps(found)}")
        time.sleep(0.2)


def create_endpoint(token, url, event_types=EVENT_TYPES, description="webhooks_reference.py"):
    return data(f"""mutation($input: CreateWebhookEndpointInput!) {{
                      createWebhookEndpoint(input: $input) {{ {ENDPOINT} }} }}""",
                {"input": {"url": url, "eventTypes": event_types, "description": description}},
                token)["createWebhookEndpoint"]


def send_test(token, endpoint_id):
    return data(f"mutation($id: ID!) {{ sendTestWebhook(endpointId: $id) {{ {DELIVERY} }} }}",
                {"id": endpoint_id}, token)["sendTestWebhook"]


def delete_endpoint(token, endpoint_id):
    deleted = data("mutation($id: ID!) { deleteWebhookEndpoint(id: $id) }", {"id": endpoint_id},
                   token)["deleteWebhookEndpoint"]
    check(deleted == endpoint_id, f"deleteWebhookEndpoint returns the endpoint's id ({endpoint_id})")


def verified(secret, request, which):
    """The payload standardwebhooks verifies with secret, or a Failure saying why not."""
    try:
        return Webhook(secret).verify(request["body"], request["headers"])
    except WebhookVerificationError as error:
        raise Failure(f"standardwebhooks does not verify the delivery with {which}: {error}; "
                      f"headers {json.dumps(request['headers'])}, body {request['body'][:300]!r}") from None


def raises(verify):
    try:
        verify()
    except WebhookVerificationError:
        return True
    return False


def lower(headers):
    return {k.lower(): v for k, v in headers.items()}


def event_types(token):
    english = data("{ webhookEventTypes { name description } }", token=token)["webhookEventTypes"]
    norwegian = data("{ webhookEventTypes { name description } }", token=token,
                     language="nb-NO")["webhookEventTypes"]
    names = {t["name"] for t in english}
    check(set(EVENT_TYPES) <= names, f"webhookEventTypes lists the {len(EVENT_TYPES)} documented event types")
    check(all(t["description"] for t in english), "every event type has a description")
    by_name = {t["name"]: t["description"] for t in english}
    check(any(by_name.get(t["name"]) != t["description"] for t in norwegian),
          "descriptions follow Accept-Language (nb-NO differs from en-US)")


def refuses_plain_http(token):
    # .invalid never resolves (RFC 2606): nothing is sent anywhere even if this were accepted.
    url = "http://sammen-webhooks-reference.invalid/hooks"
    body = gql("""mutation($input: CreateWebhookEndpointInput!) {
                    createWebhookEndpoint(input: $input) { endpoint { id } } }""",
               {"input": {"url": url, "eventTypes": ["document.created"]}}, token)
    created = (body.get("data") or {}).get("createWebhookEndpoint")
    if created:
        delete_endpoint(token, created["endpoint"]["id"])
    errors = body.get("errors") or []
    check(not created and errors,
          f"an http:// endpoint that is not loopback is refused ({errors[0]['extensions'].get('code') if errors else 'accepted'})")


def reference(token, recorder):
    """The delivery, signed and verified per the reference implementation; then a rotation."""
    url = f"http://127.0.0.1:{recorder.port}/hooks"
    created = create_endpoint(token, url)
    secret, endpoint = created["secret"], created["endpoint"]
    check(re.fullmatch(r"whsec_[A-Za-z0-9+/]+={0,2}", secret)
          and len(base64.b64decode(secret.removeprefix("whsec_"))) == 32,
          "the secret is whsec_ and 32 bytes in base64")
    check(endpoint["url"] == url and sorted(endpoint["eventTypes"]) == sorted(EVENT_TYPES)
          and endpoint["paused"] is False, "the endpoint has the URL and event types asked for, not paused")
    endpoint_id = endpoint["id"]

    sent = send_test(token, endpoint_id)
    check(re.fullmatch(r"msg_[0-9a-f]{32}", sent["id"]) and sent["eventType"] == "webhook.test",
          f"sendTestWebhook queues a webhook.test delivery {sent['id']}")
    request = recorder.wait_for(sent["id"])
    headers = lower(request["headers"])
    check(request["path"] == "/hooks", "it is POSTed to the endpoint's URL")
    check(headers.get("content-type", "").startswith("application/json"), "Content-Type: application/json")
    check(headers["webhook-id"] == sent["id"], "its webhook-id is the id sendTestWebhook reported")
    check(re.fullmatch(r"\d+", headers.get("webhook-timestamp", "")) is not None,
          "webhook-timestamp is unix seconds")
    check(len(headers.get("webhook-signature", "").split(" ")) == 1, "one signature before any rotation")
    payload = verified(secret, request, "the secret")
    check(payload["type"] == "webhook.test" and "timestamp" in payload and isinstance(payload.get("data"), dict),
          "standardwebhooks verifies it with the secret: {type: webhook.test, timestamp, data}")
    check(raises(lambda: Webhook(new_secret()).verify(request["body"], request["headers"])),
          "verification with another whsec_ secret fails")
    body = bytearray(request["body"])
    at = next(i for i, b in enumerate(body) if chr(b).isalpha())
    body[at] ^= 0x20  # one letter's case: still valid UTF-8, one byte changed
    check(raises(lambda: Webhook(secret).verify(bytes(body), request["headers"])),
          "verification of the body with one byte changed fails")
    done = delivery_state(token, endpoint_id, sent["id"], lambda d: d["status"] != "PENDING")
    check(done["status"] == "SUCCEEDED" and done["attempts"] == 1 and done["lastStatusCode"] == 204,
          f"the delivery is SUCCEEDED after one attempt with 204 ({done['status']}, "
          f"{done['attempts']}, {done['lastStatusCode']})")

    rotated = data(f"mutation($id: ID!) {{ rotateWebhookSecret(id: $id) {{ {ENDPOINT} }} }}",
                   {"id": endpoint_id}, token)["rotateWebhookSecret"]
    new = rotated["secret"]
    check(new.startswith("whsec_") and new != secret, "rotateWebhookSecret returns a new secret")
    expires = datetime.fromisoformat(rotated["endpoint"]["previousSecretExpiresAt"].replace("Z", "+00:00"))
    in_a_day = datetime.now(timezone.utc) + timedelta(hours=24)
    check(abs(expires - in_a_day) < timedelta(minutes=10), f"the old secret signs until about 24 h from now ({expires})")
    again = send_test(token, endpoint_id)
    check(again["id"] != sent["id"], "a second test delivery has an id of its own")
    request = recorder.wait_for(again["id"])
    signatures = lower(request["headers"])["webhook-signature"].split(" ")
    check(len(signatures) == 2 and all(s.startswith("v1,") for s in signatures),
          "after the rotation webhook-signature carries two v1 signatures")
    check(verified(new, request, "the new secret")["type"] == "webhook.test",
          "standardwebhooks verifies it with the new secret")
    check(verified(secret, request, "the old secret")["type"] == "webhook.test",
          "standardwebhooks verifies it with the old secret")
    check(raises(lambda: Webhook(new_secret()).verify(request["body"], request["headers"])),
          "and not with a third secret")
    delete_endpoint(token, endpoint_id)


class Example:
    """One of examples/webhook_receiver.*, running on a free port with a secret."""

    def __init__(self, command, port, secret):
        self.port = port
        self.name = Path(command[-1]).name
        self.process = subprocess.Popen(
            [*command, str(self.port)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, "SAMMEN_WEBHOOK_SECRET": secret})
        self.lines = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line.rstrip("\n")) for line in self.process.stdout],
                         daemon=True).start()
        self.expect(lambda line: line.startswith("listening on"), "starts")

    def expect(self, matches, what):
        deadline = time.monotonic() + WAIT_SECONDS
        seen = []
        while time.monotonic() < deadline:
            try:
                line = self.lines.get(timeout=0.2)
            except queue.Empty:
                if self.process.poll() is not None:
                    break
                continue
            seen.append(line)
            if matches(line):
                print(f"ok   {self.name} {what}")
                return line
        raise Failure(f"{self.name} did not print what shows it {what}; it printed {seen}")

    def post(self, body, headers):
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}/hooks", data=body, method="POST",
                                         headers={"Content-Type": "application/json", **headers})
        try:
            with urllib.request.urlopen(request, timeout=10) as reply:
                return reply.status
        except urllib.error.HTTPError as error:
            return error.code

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)


def offline(example, secret):
    """Signatures made here with hmac: accepted as made, refused when anything is off."""
    msg_id = "msg_" + secrets.token_hex(16)
    now = int(time.time())
    body = json.dumps({"type": "document.updated", "timestamp": "2026-11-30T17:45:02.123Z",
                       "data": {"id": "0193", "subjectType": "Document", "title": "Søren"}},
                      ensure_ascii=False).encode()

    def headers(signature, timestamp=now, id_=msg_id):
        return {"webhook-id": id_, "webhook-timestamp": str(timestamp), "webhook-signature": signature}

    good = sign(secret, msg_id, now, body)
    check(example.post(body, headers(good)) == 204, f"{example.name} accepts a body signed with hmac here")
    example.expect(lambda line: line.startswith(f"document.updated {msg_id}"), "prints the type and id")
    check(example.post(body, headers(good)) == 204, f"{example.name} answers 204 to the same webhook-id again")
    example.expect(lambda line: line == f"duplicate {msg_id}", "notices the duplicate")
    check(example.post(body.replace(b"0193", b"0194"), headers(good)) == 401,
          f"{example.name} refuses the body with one byte changed")
    check(example.post(body, headers(sign(new_secret(), msg_id, now, body))) == 401,
          f"{example.name} refuses a signature by another secret")
    old = now - 6 * 60
    check(example.post(body, headers(sign(secret, msg_id, old, body), old)) == 401,
          f"{example.name} refuses a timestamp 6 minutes old")
    other = "msg_" + secrets.token_hex(16)
    both = f"{sign(new_secret(), other, now, body)} {sign(secret, other, now, body)}"
    check(example.post(body, headers(both, id_=other)) == 204,
          f"{example.name} accepts when any one of two signatures matches")
    example.expect(lambda line: line.startswith(f"document.updated {other}"), "prints it")


def examples(token):
    commands = [[sys.executable, "examples/webhook_receiver.py"]]
    if shutil.which("node"):
        commands.append(["node", "examples/webhook_receiver.mjs"])
    else:
        print("node is missing here; examples/webhook_receiver.mjs skipped")
    for command in commands:
        port = free_port()
        placeholder = new_secret()
        example = Example(command, port, placeholder)
        try:
            offline(example, placeholder)
            example.stop()
            endpoint = create_endpoint(token, f"http://127.0.0.1:{port}/hooks", ["document.created"],
                                       f"{example.name} (webhooks_reference.py)")
            example = Example(command, port, endpoint["secret"])
            sent = send_test(token, endpoint["endpoint"]["id"])
            example.expect(lambda line: line.startswith(f"webhook.test {sent['id']}"),
                           "prints the server's test delivery")
            done = delivery_state(token, endpoint["endpoint"]["id"], sent["id"], lambda d: d["status"] != "PENDING")
            check(done["status"] == "SUCCEEDED" and done["lastStatusCode"] == 204,
                  f"the delivery to {example.name} is SUCCEEDED with 204")
        finally:
            example.stop()
        if command[-1].endswith(".py"):
            # The same endpoint, the receiver holding a wrong secret: 401, not retried.
            example = Example(command, port, new_secret())
            try:
                sent = send_test(token, endpoint["endpoint"]["id"])
                example.expect(lambda line: line.startswith("rejected"), "rejects a delivery it cannot verify")
                done = delivery_state(token, endpoint["endpoint"]["id"], sent["id"],
                                      lambda d: d["status"] != "PENDING")
                check(done["status"] == "FAILED" and done["attempts"] == 1 and done["lastStatusCode"] == 401,
                      f"a 401 answer fails the delivery without a retry ({done['status']}, {done['attempts']}, "
                      f"{done['lastStatusCode']})")
            finally:
                example.stop()
        delete_endpoint(token, endpoint["endpoint"]["id"])


def main():
    token = data("mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                 {"e": EMAIL, "p": PASSWORD})["login"]["token"]
    event_types(token)
    refuses_plain_http(token)
    recorder = Recorder()
    reference(token, recorder)
    examples(token)
    print(f"webhooks: deliveries verify with standardwebhooks {metadata.version('standardwebhooks')} "
          "before and after a secret rotation; the example receivers agree")


if __name__ == "__main__":
    try:
        main()
    except Failure as failure:
        print(f"FAIL {failure}")
        sys.exit(1)
    except Exception as error:  # noqa: BLE001 - any other error fails the check too, with its cause
        print(f"FAIL {type(error).__name__}: {error}")
        raise
