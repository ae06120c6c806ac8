// pnpm tsx bench/stream-read.ts [--runs 3]: the notification reader's CPU over the latest call-up's
// 15,000 rows of the bench database, read in windows of 500 as before session 10 (every row whole) and
// as now (positions and keys, then whole rows only for keys subscribed here: half of them, as with
// 2 processes). Prints the reading process's CPU (user + system) and the wall time per pass, interleaved.
import pg from "pg";
import { benchDatabase, benchServer } from "./db.js";

const args = process.argv.slice(2);
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 3;
const { adminUrl, stop } = await benchServer();
const { url } = await benchDatabase(adminUrl, 1);
const db = new pg.Client({ connectionString: url });
await db.connect();
const { subjectId } = (await db.query(`SELECT "subjectId" FROM "Notification" WHERE kind = 'MOBILIZATION' ORDER BY id DESC LIMIT 1`)).rows[0];
const { min, max } = (await db.query(`SELECT min(id)::text AS min, max(id)::text AS max FROM "Notification" WHERE "subjectId" = $1`, [subjectId])).rows[0];
const first = (await db.query(`SELECT xid::text AS xid FROM "Notification" WHERE id = $1`, [min])).rows[0].xid;
const cols = `"accountId"::text AS key, "stationId"::text AS "stationId", "kind"::text AS "kind", "title"::text AS "title", "body"::text AS "body", "link"::text AS "link", "subjectType"::text AS "subjectType", "subjectId"::text AS "subjectId", "silent"::text AS "silent", "createdAt"::text AS "createdAt"`;
const window = (select: string) => `SELECT ${select} FROM "Notification" WHERE (xid, id) > ($1::bigint, $2::bigint) AND id <= ${max} ORDER BY "Notification".xid, "Notification".id LIMIT 500`;
const wholeSql = window(`id::text AS id, xid::text AS xid, ${cols}`);
const keysSql = window(`id::text AS id, xid::text AS xid, "accountId"::text AS key`);
const rowsSql = `SELECT id::text AS id, xid::text AS xid, ${cols} FROM "Notification" WHERE id = ANY($1::bigint[])`;
// "Subscribed here": every other account, as the bench spreads them over 2 processes.
const local = new Set((await db.query(`SELECT "accountId"::text AS a FROM "Notification" WHERE "subjectId" = $1 ORDER BY "accountId"`, [subjectId])).rows.filter((_r, i) => i % 2 === 0).map((r) => r.a));
async function pass(kind: "whole" | "keys") {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let head = { xid: String(BigInt(first) - 1n), id: "0" };
  let routed = 0;
  for (;;) {
    const { rows } = await db.query(kind === "whole" ? wholeSql : keysSql, [head.xid, head.id]);
    if (!rows.length) break;
    if (kind === "whole") routed += rows.filter((r) => local.has(r.key)).length;
    else {
      const ids = rows.filter((r) => local.has(r.key)).map((r) => r.id);
      routed += (await db.query(rowsSql, [ids])).rows.length;
    }
    head = { xid: rows.at(-1).xid, id: rows.at(-1).id };
  }
  const cpu = process.cpuUsage(c0);
  return { kind, routed, cpu_ms: Math.round((cpu.user + cpu.system) / 1000), wall_ms: Math.round(performance.now() - t0) };
}
await pass("whole"); // warm the cache
for (let i = 0; i < runs; i++) for (const k of ["whole", "keys"] as const) console.log(JSON.stringify(await pass(k)));
await db.end();
await stop();
