// PostGraphile v5 in library mode on node:http, production settings: the peer that `pnpm bench throughput`
// measures Linshe against. Reads DATABASE_URL and DATABASE_POOL_SIZE; prints LISTENING <url>.
// PGL_PROCESSES=N (N > 1): N processes on one port through node:cluster, the pool split between them, as
// Linshe's BENCH_PROCESSES (bench/app-process.ts) runs; the primary prints their pids ("WORKERS a,b").
import cluster from "node:cluster";
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
const processes = Number(process.env.PGL_PROCESSES ?? "1");
if (cluster.isPrimary) {
  // The pages' functions (functions.sql), in place before the schema is introspected (once, by the primary).
  const setup = new pg.Client({ connectionString });
  await setup.connect();
  await setup.query(`BEGIN; ${await readFile(path.join(import.meta.dirname, "functions.sql"), "utf8")}; COMMIT;`);
  await setup.end();
}
if (processes > 1 && cluster.isPrimary) {
  const workers = Array.from({ length: processes }, () => cluster.fork());
  const urls = await Promise.all(
    workers.map((w) => new Promise<string>((resolve, reject) => {
      w.on("message", (m: { type: string; url?: string }) => m.type === "listening" && resolve(m.url!));
      w.once("exit", (c) => reject(new Error(`worker exited ${c}`)));
    })),
  );
  if (new Set(urls).size !== 1) throw new Error(`workers on different ports: ${urls.join(" ")}`);
  process.stdout.write(`WORKERS ${workers.map((w) => w.process.pid).join(",")}\nLISTENING ${urls[0]}\n`);
  process.on("SIGTERM", async () => {
    await Promise.all(workers.map((w) => new Promise((r) => (w.once("exit", r), w.process.kill("SIGTERM")))));
    process.exit(0);
  });
} else await serve();

async function serve() {
  const preset: GraphileConfig.Preset = {
    extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
    pgServices: [makePgService({ connectionString, schemas: ["public"], poolConfig: { max: Math.ceil(Number(process.env.DATABASE_POOL_SIZE ?? 10) / processes) } })],
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
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    if (cluster.isWorker) process.send!({ type: "listening", url });
    else process.stdout.write(`LISTENING ${url}\n`);
  });
  process.on("SIGTERM", async () => {
    server.close();
    await pgl.release();
    process.exit(0);
  });
}
