// PostGraphile v5 over Sammen's PostgreSQL database, for bench/compare.py:
// the amber preset, with PgIndexBehaviorsPlugin disabled so that lists can
// be ordered (and nested lists fetched) by the same columns as Sammen's
// without an index on each. DATABASE_URL, SCHEMA and PORT come from the
// environment.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";

export default {
  extends: [PostGraphileAmberPreset],
  disablePlugins: ["PgIndexBehaviorsPlugin"],
  pgServices: [
    makePgService({
      connectionString: process.env.DATABASE_URL,
      schemas: [process.env.SCHEMA || "public"],
    }),
  ],
  grafserv: {
    port: Number(process.env.PORT || 15678),
    host: "127.0.0.1",
    graphqlPath: "/graphql",
  },
  grafast: { explain: false },
};
