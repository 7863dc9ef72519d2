#!/usr/bin/env python3
"""A minimal receiver of Sammen's webhooks, with Python's http.server and
`standardwebhooks` (pip install standardwebhooks): verifies each delivery's
signature, prints its event type and id, and answers 204 at once. A
delivery that fails verification gets 401. Put it behind your https server:
Sammen sends only to https URLs.

Usage: SAMMEN_WEBHOOK_SECRET=whsec_… python3 examples/webhook_receiver.py [PORT]
(PORT defaults to 8000; it listens on 127.0.0.1.)
"""

import json
import os
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError

WEBHOOK = Webhook(os.environ["SAMMEN_WEBHOOK_SECRET"])
SEEN = set()  # webhook-ids already handled; keep these in your database


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            # The raw bytes as received: parsing and re-serialising would change them.
            event = WEBHOOK.verify(body, dict(self.headers))
        except WebhookVerificationError as error:
            print(f"rejected: {error}", flush=True)
            self.send_response(401)
            self.end_headers()
            return
        webhook_id = self.headers["webhook-id"]
        if webhook_id in SEEN:
            print(f"duplicate {webhook_id}", flush=True)
        else:
            SEEN.add(webhook_id)
            # Queue the real work (fetch the object with event["data"]["fetch"])
            # and answer first: a slow answer counts as a failure and is retried.
            print(f"{event['type']} {webhook_id} {json.dumps(event['data'])}", flush=True)
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 8000
    server = ThreadingHTTPServer(("127.0.0.1", port), Receiver)
    print(f"listening on http://127.0.0.1:{port}/", flush=True)
    server.serve_forever()
