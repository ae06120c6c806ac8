// `pnpm start`: database (embedded PostgreSQL unless DATABASE_URL is set), the server (listening, not
// ready), migrations, demo seed (LINSHE_DEMO=1, the default of `pnpm start`), then ready. SIGTERM and
// SIGINT stop it gracefully (api/src/server/shutdown.ts) with exit code 0.
import path from "node:path";
import { applyMigrations, repoRoot } from "./infra/migrations.js";
import type { RunningPostgres } from "./infra/postgres.js";
import pg from "pg";
import { log, safeError } from "./log.js";
import { metrics } from "./metrics.js";

// A rejection nobody handled is a bug to fix, not a reason to drop every connection of the process.
process.on("unhandledRejection", (e) => {
  metrics.unhandledRejections.inc();
  log.error({ err: safeError(e) }, "unhandled promise rejection");
});

let embedded: RunningPostgres | undefined;
if (!process.env.DATABASE_URL) {
  // Loaded only when used: its server runs in a child process that stops after our drain.
  const { ensureDatabase, startEmbeddedPostgres } = await import("./infra/postgres.js");
  const dir = path.join(repoRoot, ".data/pg");
  log.info(`starting embedded PostgreSQL (data in ${path.relative(process.cwd(), dir) || dir})`);
  embedded = await startEmbeddedPostgres({ dir, persistent: true });
  await ensureDatabase(embedded.url, "linshe");
  process.env.DATABASE_URL = embedded.databaseUrl("linshe");
}

// Import after DATABASE_URL is settled: db.ts reads it once.
const { buildApp } = await import("./app.js");
const { installShutdown } = await import("./server/shutdown.js");
const { lifecycle } = await import("./server/lifecycle.js");

// Listening first: /livez answers and /readyz says "migrating" while the schema is brought up to date.
const app = await (await buildApp()).start(undefined, undefined, { ready: false });
let stopSweeper: () => Promise<void> = async () => {};
installShutdown({ app, stopSweeper: () => stopSweeper(), embedded });

lifecycle.phase = "migrating";
const applied = await oneAtATime(process.env.DATABASE_URL!, () => applyMigrations(process.env.DATABASE_URL!));
if (applied.length) log.info({ migrations: applied }, "migrations applied");
if (process.env.LINSHE_DEMO === "1") {
  const { seedDemo } = await import("./seed/demo.js");
  await seedDemo((m) => log.info(m));
}
if (lifecycle.phase === "migrating") {
  await app.ready();
  // Every process sweeps; the sweep is safe to run concurrently (see closeFinishedShifts).
  const { startShiftSweeper } = await import("./modules/shift/checkin.service.js");
  const stopShifts = startShiftSweeper();
  // Every process sends SMS from the shared outbox (rows are claimed with SKIP LOCKED).
  const { startSmsSender } = await import("./modules/notification/sms.service.js");
  const stopSms = startSmsSender();
  stopSweeper = async () => {
    await Promise.all([stopShifts(), stopSms()]);
  };
  log.info({ port: app.port }, `Linshe 邻舍 is running: http://localhost:${app.port}/  (GraphQL: /graphql, health: /livez /readyz)`);
}

/** Several processes starting together migrate one after the other (a session advisory lock). */
async function oneAtATime<T>(url: string, work: () => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, application_name: "linshe-migrate" });
  await client.connect();
  try {
    await client.query("SELECT pg_advisory_lock(hashtext('linshe:migrations'))");
    return await work();
  } finally {
    await client.end().catch(() => {});
  }
}
