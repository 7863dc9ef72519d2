// A minimal receiver of Sammen's webhooks with node:http and node:crypto
// only (Node 18+), verifying the Standard Webhooks signature by hand: prints
// each delivery's event type and id and answers 204 at once; a delivery
// that fails verification gets 401. Put it behind your https server: Sammen
// sends only to https URLs.
// Usage: SAMMEN_WEBHOOK_SECRET=whsec_… node examples/webhook_receiver.mjs [PORT]
// (PORT defaults to 8000; it listens on 127.0.0.1.)
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import { pathToFileURL } from 'node:url';

const TOLERANCE_SECONDS = 5 * 60;

// True when `body` (the raw bytes, a Buffer) carries a valid signature by
// `secret` (`whsec_…`). `headers` are Node's, with lower-case names.
export function verify(secret, headers, body, nowSeconds = Date.now() / 1000) {
  const id = headers['webhook-id'];
  const timestamp = headers['webhook-timestamp'];
  const signatures = headers['webhook-signature'];
  if (!id || !timestamp || !signatures || !/^\d+$/.test(timestamp)) return false;
  // A delivery from more than 5 minutes ago or ahead may be a replay.
  if (Math.abs(nowSeconds - Number(timestamp)) > TOLERANCE_SECONDS) return false;
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${id}.${timestamp}.`).update(body).digest();
  // Several space-separated signatures during a secret rotation: any one will do.
  return signatures.split(' ').some((versioned) => {
    const [version, signature] = versioned.split(',');
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const seen = new Set(); // webhook-ids already handled; keep these in your database

function receive(secret, request, response) {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks);
    if (request.method !== 'POST' || !verify(secret, request.headers, body)) {
      console.log('rejected');
      response.writeHead(401).end();
      return;
    }
    const id = request.headers['webhook-id'];
    if (seen.has(id)) {
      console.log(`duplicate ${id}`);
    } else {
      seen.add(id);
      const event = JSON.parse(body.toString('utf8'));
      // Queue the real work (fetch the object with event.data.fetch) and
      // answer first: a slow answer counts as a failure and is retried.
      console.log(`${event.type} ${id} ${JSON.stringify(event.data)}`);
    }
    response.writeHead(204).end();
  });
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const secret = process.env.SAMMEN_WEBHOOK_SECRET;
  if (!secret?.startsWith('whsec_')) throw new Error('set SAMMEN_WEBHOOK_SECRET to the endpoint\'s whsec_… secret');
  const port = Number(process.argv[2] ?? 8000);
  createServer((request, response) => receive(secret, request, response)).listen(port, '127.0.0.1', () => {
    console.log(`listening on http://127.0.0.1:${port}/`);
  });
}
