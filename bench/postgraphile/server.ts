// PostGraphile v5 in library mode on node:http, production settings: the peer that `pnpm bench throughput`
// measures Linshe against. Reads DATABASE_URL and DATABASE_POOL_SIZE; prints LISTENING <url>.
import { readFile } from "node:fs/promises";
import { createServer } from "node:http";
import path from "node:path";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";
import pg from "pg";
import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";

const connectionString = process.env.DATABASE_URL!;
// The pages' functions (functions.sql), in place before the schema is introspected.
const setup = new pg.Client({ connectionString });
await setup.connect();
await setup.query(`BEGIN; ${await readFile(path.join(import.meta.dirname, "functions.sql"), "utf8")}; COMMIT;`);
await setup.end();

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  pgServices: [makePgService({ connectionString, schemas: ["public"], poolConfig: { max: Number(process.env.DATABASE_POOL_SIZE ?? 10) } })],
  grafserv: { graphiql: false, watch: false, graphqlPath: "/graphql" },
  grafast: { explain: false },
};
const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
await pgl.getSchemaResult(); // built before the first request is timed
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`LISTENING http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
});
process.on("SIGTERM", async () => {
  server.close();
  await pgl.release();
  process.exit(0);
});
