// Runs the graphql-http audit suite (the GraphQL-over-HTTP spec's server
// audits) against a running Sammen and exits 1 unless every audit passes.
// Usage: node graphql-http-audit.mjs http://127.0.0.1:PORT/graphql
import { serverAudits } from 'graphql-http';

const url = process.argv[2];
const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  results.push({ audit, result: await audit.fn() });
}
let failed = 0;
for (const { audit, result } of results) {
  const ok = result.status === 'ok';
  if (!ok) failed += 1;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${audit.id} ${audit.name}${ok ? '' : ` — ${result.reason}`}`);
}
const by = (level) => results.filter(({ audit }) => audit.name.startsWith(level));
for (const level of ['MUST', 'SHOULD', 'MAY']) {
  const all = by(level);
  console.log(`${level}: ${all.filter(({ result }) => result.status === 'ok').length}/${all.length}`);
}
console.log(`${results.length - failed}/${results.length} audits pass`);
process.exit(failed === 0 ? 0 : 1);
