// Counts the SQL statements PostGraphile sends (every query of every pg
// client), and answers the count at http://127.0.0.1:$COUNT_PORT/ for
// bench/compare.py. Preloaded with `node --require`.
const pg = require("pg");
const http = require("http");

let statements = 0;
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  statements += 1;
  return query.apply(this, args);
};
http
  .createServer((_request, response) => response.end(String(statements)))
  .listen(Number(process.env.COUNT_PORT), "127.0.0.1");
