// `pnpm start`: database (embedded PostgreSQL unless DATABASE_URL is set), migrations, demo seed
// (LINSHE_DEMO=1, the default of `pnpm start`), then the API and web app on PORT.
import path from "node:path";
import { applyMigrations, repoRoot } from "./infra/migrations.js";
import { ensureDatabase, startEmbeddedPostgres, type RunningPostgres } from "./infra/postgres.js";

let embedded: RunningPostgres | undefined;
if (!process.env.DATABASE_URL) {
  const dir = path.join(repoRoot, ".data/pg");
  console.log(`Starting embedded PostgreSQL (data in ${path.relative(process.cwd(), dir) || dir}) …`);
  embedded = await startEmbeddedPostgres({ dir, persistent: true });
  await ensureDatabase(embedded.url, "linshe");
  process.env.DATABASE_URL = embedded.databaseUrl("linshe");
}

const applied = await applyMigrations(process.env.DATABASE_URL!);
if (applied.length) console.log(`Migrations applied: ${applied.join(", ")}`);

// Import after DATABASE_URL is settled: db.ts reads it once.
const { buildApp } = await import("./app.js");
const { disconnect } = await import("./db.js");
if (process.env.LINSHE_DEMO === "1") {
  const { seedDemo } = await import("./seed/demo.js");
  await seedDemo();
}

const app = await (await buildApp()).start();
// Every process sweeps; the sweep is safe to run concurrently (see closeFinishedShifts).
const { startShiftSweeper } = await import("./modules/shift/checkin.service.js");
const stopSweeper = startShiftSweeper();
console.log(`Linshe 邻舍 is running: http://localhost:${app.port}/  (GraphQL: /graphql, health: /health)`);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping …`);
  stopSweeper();
  await app.stop().catch(() => {});
  await disconnect();
  await embedded?.stop().catch(() => {});
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
