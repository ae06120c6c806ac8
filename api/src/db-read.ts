// Hand-written reads for the hot pages (issue 20): one statement over the pool Prisma uses, prepared
// once per connection (a named statement), counted like Prisma's statements.
import pg from "pg";
import { config } from "./config.js";
import { pool, sqlStats } from "./db.js";
import { log } from "./log.js";
import { metrics } from "./metrics.js";

/** Prisma stores DateTime as `timestamp(3)` in UTC: read it as UTC whatever the process's zone. */
const UTC_TIMESTAMP = 1114;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === UTC_TIMESTAMP ? (s: string) => new Date(`${s.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

export async function readRows<T>(name: string, text: string, values: unknown[]): Promise<T[]> {
  sqlStats.statements++;
  metrics.sqlStatements.inc({ source: "reads" });
  if (config.logSql) log.info({ sql: text }, "sql");
  const r = await pool.query<T & pg.QueryResultRow>({ name, text, values, types });
  return r.rows;
}
