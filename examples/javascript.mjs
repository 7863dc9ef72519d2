// A partner system's first afternoon, in JavaScript with fetch (Node 18+ or
// a browser): sign in once as a person, make an API token for the system,
// then page through documents, read training in Norwegian, download a file,
// and handle errors by their code.
// Usage: SAMMEN_URL=http://127.0.0.1:8080 SAMMEN_EMAIL=partner@example.org \
//        SAMMEN_PASSWORD=sammen-demo node examples/javascript.mjs
import assert from 'node:assert/strict';

const url = process.env.SAMMEN_URL ?? 'http://127.0.0.1:8080';

class SammenError extends Error {
  constructor(error) {
    super(error.message);
    this.code = error.extensions?.code;
    this.field = error.extensions?.field;
  }
}

async function gql(query, { variables = {}, token, language = 'en-US' } = {}) {
  const headers = { 'Content-Type': 'application/json', 'Accept-Language': language };
  if (token) headers.Authorization = `Bearer ${token}`;
  const reply = await fetch(`${url}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  const body = await reply.json();
  if (body.errors?.length) throw new SammenError(body.errors[0]);
  return body.data;
}

const session = (await gql('mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }', {
  variables: { e: process.env.SAMMEN_EMAIL, p: process.env.SAMMEN_PASSWORD },
})).login.token;
const token = (await gql('mutation { createApiToken(name: "javascript example", scope: READ) { token } }', { token: session }))
  .createApiToken.token;

let after = null;
let seen = 0;
let page;
do {
  page = (await gql(
    'query($after: String) { documents(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { title } } }',
    { variables: { after }, token },
  )).documents;
  for (const document of page.nodes) console.log('document:', document.title);
  seen += page.nodes.length;
  after = page.pageInfo.endCursor;
} while (page.pageInfo.hasNextPage);
assert.equal(seen, page.totalCount);

const training = await gql('{ trainingMaterials(first: 3) { nodes { title } } }', { token, language: 'nb-NO' });
for (const material of training.trainingMaterials.nodes) console.log('kurs:', material.title);

const nodes = (await gql('{ documents(first: 20) { nodes { currentVersion { downloadUrl size } } } }', { token })).documents.nodes;
const version = nodes.map((n) => n.currentVersion).find(Boolean);
const file = await fetch(url + version.downloadUrl, { headers: { Authorization: `Bearer ${token}` } });
assert.equal(file.status, 200);
const bytes = new Uint8Array(await file.arrayBuffer());
assert.equal(bytes.length, version.size);
console.log(`downloaded ${bytes.length} bytes`);

try {
  await gql('{ project(id: "not-an-id") { title } }', { token });
  assert.fail('expected an error');
} catch (error) {
  assert.ok(error instanceof SammenError, String(error));
  assert.equal(error.code, 'BAD_USER_INPUT');
  assert.equal(error.field, 'id');
  console.log(`error: ${error.code} at ${error.field}: ${error.message}`);
}
