#!/usr/bin/env python3
"""Webhook delivery figures against a running Sammen server started with
`--demo --webhook-allow-loopback`: deliveries per second to a loopback
receiver (a backlog drained after the endpoint is resumed), and the delay
from a change's commit to the first attempt at its delivery (p50/p99).
Standard library only.

Usage: webhooks.py BASE_URL [--changes N] [--documents D] [--paced N] [--pid PID]

With `--pid` (the server's process id) it also reports the server's CPU
time per delivery while the backlog drains, from /proc.
"""

import os

import argparse
import json
import statistics
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def gql(base, query, variables=None, token=None):
    request = urllib.request.Request(
        base + "/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}).encode(),
        headers={"Content-Type": "application/json"},
    )
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=30) as response:
        body = json.load(response)
    if body.get("errors"):
        raise RuntimeError(body["errors"])
    return body["data"]


class Receiver(BaseHTTPRequestHandler):
    arrivals = []  # (monotonic-free wall time, webhook-id, payload)
    lock = threading.Lock()

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", 0)))
        now = time.time()
        with Receiver.lock:
            Receiver.arrivals.append((now, self.headers.get("webhook-id"), json.loads(body)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def cpu_seconds(pid):
    if not pid:
        return 0.0
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("base")
    parser.add_argument("--changes", type=int, default=2000)
    parser.add_argument("--documents", type=int, default=50)
    parser.add_argument("--paced", type=int, default=300, help="changes made one by one for the delay figure")
    parser.add_argument("--pid", type=int, help="the server's process id, for its CPU time")
    args = parser.parse_args()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hooks"

    token = gql(args.base, 'mutation { login(email: "mette@peer-netvaerket.example", password: "sammen-demo") { token } }')["login"]["token"]
    created = gql(
        args.base,
        "mutation($i: CreateWebhookEndpointInput!) { createWebhookEndpoint(input: $i) { endpoint { id version } } }",
        {"i": {"url": url, "eventTypes": ["document.updated"]}},
        token,
    )["createWebhookEndpoint"]["endpoint"]
    endpoint, version = created["id"], created["version"]
    docs = [
        gql(args.base, "mutation($t: String!) { createDocument(input: {kind: REPORT, title: $t}) { id } }", {"t": f"Bench {n}"}, token)["createDocument"]["id"]
        for n in range(args.documents)
    ]
    versions = {doc: 1 for doc in docs}

    def change(doc):
        v = versions[doc]
        out = gql(
            args.base,
            "mutation($i: UpdateDocumentInput!) { updateDocument(input: $i) { version } }",
            {"i": {"id": doc, "expectedVersion": v, "title": f"Bench v{v + 1}"}},
            token,
        )
        versions[doc] = out["updateDocument"]["version"]

    def set_paused(paused):
        nonlocal version
        version = gql(
            args.base,
            "mutation($i: UpdateWebhookEndpointInput!) { updateWebhookEndpoint(input: $i) { version } }",
            {"i": {"id": endpoint, "expectedVersion": version, "paused": paused}},
            token,
        )["updateWebhookEndpoint"]["version"]

    # 1. Throughput: a backlog of N deliveries, drained after resuming.
    set_paused(True)
    per_doc = args.changes // len(docs)
    with ThreadPoolExecutor(max_workers=min(8, len(docs))) as pool:
        list(pool.map(lambda doc: [change(doc) for _ in range(per_doc)], docs))
    backlog = per_doc * len(docs)
    Receiver.arrivals.clear()
    started = time.time()
    cpu_before = cpu_seconds(args.pid)
    set_paused(False)
    while len(Receiver.arrivals) < backlog:
        if time.time() - started > 600:
            raise SystemExit(f"only {len(Receiver.arrivals)} of {backlog} arrived")
        time.sleep(0.01)
    drained = Receiver.arrivals[backlog - 1][0] - started
    cpu = cpu_seconds(args.pid) - cpu_before
    per = f", server CPU {cpu * 1000 / backlog:.2f} ms per delivery" if args.pid else ""
    print(f"backlog of {backlog} deliveries ({len(docs)} documents, 4 at once per endpoint): "
          f"{drained:.2f} s, {backlog / drained:.0f} deliveries/s{per}")

    # 2. Delay: changes one by one; commit (the event's time) to arrival.
    Receiver.arrivals.clear()
    for n in range(args.paced):
        change(docs[n % len(docs)])
        time.sleep(0.02)
    deadline = time.time() + 60
    while len(Receiver.arrivals) < args.paced and time.time() < deadline:
        time.sleep(0.01)
    delays = []
    for arrived, _, payload in Receiver.arrivals:
        at = datetime.fromisoformat(payload["timestamp"].replace("Z", "+00:00")).timestamp()
        delays.append((arrived - at) * 1000)
    print(f"commit to first attempt, {len(delays)} changes one at a time: "
          f"p50 {statistics.median(delays):.1f} ms, p99 {percentile(delays, 99):.1f} ms, max {max(delays):.1f} ms")


if __name__ == "__main__":
    main()
