// Hand-written reads for the hot pages (issue 20): one statement over the pool Prisma uses, prepared
// once per connection (a named statement), counted like Prisma's statements.
import pg from "pg";
import { config } from "./config.js";
import { getDatamodel } from "./generated/pothos-prisma-types.js";
import { pool, sqlStats } from "./db.js";
import { log } from "./log.js";
import { metrics } from "./metrics.js";

/** Prisma stores DateTime as `timestamp(3)` in UTC: read it as UTC whatever the process's zone. */
const UTC_TIMESTAMP = 1114;
const types = {
  getTypeParser: ((oid: number, format?: string) =>
    oid === UTC_TIMESTAMP ? (s: string) => new Date(`${s.replace(" ", "T")}Z`) : pg.types.getTypeParser(oid, format as "text")) as typeof pg.types.getTypeParser,
};

/**
 * Timestamps as the text `Date.prototype.toISOString` writes (which the DateTime scalar passes on),
 * made from PostgreSQL's own text: no Date per value, and no to_char in SQL (about 4 µs of the
 * backend's CPU per value; 42 values a board page). PostgreSQL writes `timestamp(3)` as
 * "YYYY-MM-DD HH:MM:SS" with 0–3 fraction digits (DateStyle ISO, as pg's own parser assumes).
 */
export const isoText = (s: string) => `${s.slice(0, 10)}T${s.slice(11, 19)}${s.length === 19 ? ".000" : s.slice(19).padEnd(4, "0")}Z`;
export const isoTypes = {
  getTypeParser: ((oid: number, format?: string) => (oid === UTC_TIMESTAMP ? isoText : pg.types.getTypeParser(oid, format as "text"))) as typeof pg.types.getTypeParser,
};

const dateFields = new Map<string, string[]>();
/**
 * A row a statement returned as JSON (`to_jsonb`), with its model's DateTime fields made Dates as Prisma
 * returns them; which fields those are comes from the schema. JSON writes `timestamp(3)` as UTC text
 * without a zone.
 */
export function reviveDates<T>(model: string, row: Record<string, unknown>): T {
  let fields = dateFields.get(model);
  if (!fields) dateFields.set(model, (fields = getDatamodel().datamodel.models[model as keyof ReturnType<typeof getDatamodel>["datamodel"]["models"]]!.fields.filter((f) => f.type === "DateTime").map((f) => f.name)));
  for (const f of fields) if (typeof row[f] === "string") row[f] = new Date(`${row[f] as string}Z`);
  return row as T;
}

export async function readRows<T>(name: string, text: string, values: unknown[], parsers: typeof types = types): Promise<T[]> {
  sqlStats.statements++;
  metrics.sqlStatements.inc({ source: "reads" });
  if (config.logSql) log.info({ sql: text }, "sql");
  // query_timeout: a connection gone silent ends in an error (and is dropped by the pool) instead of
  // a wait without end; the viewer's lookups, one statement out at a time, would all wait behind it.
  const query: pg.QueryConfig & { query_timeout: number } = { name, text, values, types: parsers, query_timeout: config.db.queryTimeoutMs };
  const r = await pool.query<T & pg.QueryResultRow>(query);
  return r.rows;
}
