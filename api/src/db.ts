// The one Prisma client. It reads DATABASE_URL when first imported: entry points (main.ts,
// the test setup) decide the database before they import the app.
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "./generated/prisma/client.js";
import { config } from "./config.js";

const url = process.env.DATABASE_URL;
if (!url) throw new Error("DATABASE_URL is not set (main.ts and the tests set it before importing db.ts)");

export const pool = new pg.Pool({ connectionString: url, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
// An idle connection the server closes (restart, failover) must not crash the process: the pool
// drops it and opens a new one on demand.
pool.on("error", (e) => console.error(`[db] idle connection closed: ${e.message}`));

export const prisma = new PrismaClient({
  adapter: new PrismaPg(pool),
  log: [{ emit: "event", level: "query" }],
});

/** Statements sent to PostgreSQL by Prisma since start; tests and benchmarks read deltas. */
export const sqlStats = { statements: 0 };
prisma.$on("query", (e) => {
  sqlStats.statements++;
  if (config.logSql) console.log(`[sql] ${e.duration}ms ${e.query}`);
});

/** Interactive transactions wait for row locks under load (claim storms): generous limits. */
export const TX = { maxWait: 30_000, timeout: 30_000 } as const;

export type Db = typeof prisma;
export type Tx = Parameters<Parameters<typeof prisma.$transaction>[0]>[0];

export async function disconnect(): Promise<void> {
  await prisma.$disconnect();
  await pool.end().catch(() => {});
}
