// The one Prisma client. It reads DATABASE_URL when first imported: entry points (main.ts,
// the test setup) decide the database before they import the app.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.js";
import { config } from "./config.js";
import { log, safeError } from "./log.js";
import { metrics, onScrape } from "./metrics.js";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is not set (main.ts and the tests set it before importing db.ts)");

/**
 * Every wait is bounded: for a free connection (connectionTimeoutMillis), for a statement, for a row
 * lock, and for a transaction left idle. Each ends in an error that answers SERVICE_UNAVAILABLE
 * (api/src/server/unavailable.ts) instead of stalling the process.
 */
function poolConfig(max: number): pg.PoolConfig {
  return {
    connectionString: url,
    max,
    connectionTimeoutMillis: config.db.poolTimeoutMs,
    statement_timeout: config.db.statementTimeoutMs,
    lock_timeout: config.db.lockTimeoutMs,
    idle_in_transaction_session_timeout: config.db.idleInTransactionTimeoutMs,
    application_name: "linshe-api",
    // DateTime columns are timestamp(3) holding UTC: SQL comparing them with now() must run in UTC,
    // whatever zone the database server was set up with (a zone west of UTC kept ended sessions alive).
    options: "-c TimeZone=UTC",
  };
}

export const pool = new pg.Pool(poolConfig(config.db.poolSize));
// An idle connection the server closes (restart, failover) must not crash the process: the pool
// drops it and opens a new one on demand.
pool.on("error", (e) => log.warn({ err: safeError(e) }, "database: idle connection closed"));

/**
 * The stored-event readers' own connection (api/src/events/stored-stream.ts): events keep flowing
 * when requests have taken every connection of the main pool.
 */
export const eventsPool = new pg.Pool({ ...poolConfig(1), application_name: "linshe-api-events" });
eventsPool.on("error", (e) => log.warn({ err: safeError(e) }, "database: idle events connection closed"));

onScrape(() => {
  metrics.pool.set({ state: "in_use" }, pool.totalCount - pool.idleCount);
  metrics.pool.set({ state: "idle" }, pool.idleCount);
  metrics.pool.set({ state: "waiting" }, pool.waitingCount);
});

/**
 * Interactive transactions: wait for a connection no longer than the pool does, and run at most
 * DATABASE_TRANSACTION_TIMEOUT_MS (≥ one statement's timeout, so a slow statement is reported as such).
 */
export const TX = {
  maxWait: config.db.poolTimeoutMs,
  timeout: Math.max(config.db.transactionTimeoutMs, config.db.statementTimeoutMs + 1000),
} as const;

export const prisma = new PrismaClient({
  adapter: new PrismaPg(pool),
  log: [{ emit: "event", level: "query" }],
  // Messages without the invocation's arguments: they may hold personal data and reach the logs.
  errorFormat: "minimal",
  transactionOptions: TX,
});

/** Statements sent to PostgreSQL by Prisma since start; tests and benchmarks read deltas. */
export const sqlStats = { statements: 0 };
prisma.$on("query", (e) => {
  sqlStats.statements++;
  metrics.sqlStatements.inc({ source: "prisma" });
  if (config.logSql) log.info({ ms: e.duration, sql: e.query }, "sql");
});

export type Db = typeof prisma;
export type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

export async function disconnect(): Promise<void> {
  await prisma.$disconnect();
  await Promise.all([pool.end().catch(() => {}), eventsPool.end().catch(() => {})]);
}
