// pnpm tsx bench/callup-write-floor.ts [--rounds 3]: PostgreSQL's time to write a call-up's 15,000 people
// (responder, notification, SMS row each: the statement `tellNext` runs, fed from arrays instead of the
// call queue) in ONE transaction against TWO transactions of half each on two connections at once;
// interleaved. Each run writes a copy of the latest call-up of the bench database (run `pnpm bench callup
// --scale 1` first) and deletes it afterwards (not timed). Prints wall time to the last commit and the
// PostgreSQL backends' CPU (from /proc: the bench's embedded PostgreSQL runs on this machine).
import { readFileSync } from "node:fs";
import os from "node:os";
import pg from "pg";
import { MSG_SEPARATOR } from "../api/src/i18n.js";
import { benchDatabase, benchServer } from "./db.js";

const args = process.argv.slice(2);
const ROUNDS = args.includes("--rounds") ? Number(args[args.indexOf("--rounds") + 1]) : 3;
const { adminUrl, stop } = await benchServer();
const { url } = await benchDatabase(adminUrl, 1);
const connect = async () => {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  const pid = (await c.query<{ pid: number }>(`SELECT pg_backend_pid() AS pid`)).rows[0]!.pid;
  return { c, pid };
};
const conns = [await connect(), await connect()];
const db = conns[0]!.c;
const source = (await db.query<{ id: string }>(`SELECT "mobilizationId"::text AS id FROM "MobilizationResponder" GROUP BY 1 HAVING count(*) >= 15000 ORDER BY max("notifiedAt") DESC LIMIT 1`)).rows[0];
if (!source) throw new Error("no call-up to 15,000 in the bench database: run `pnpm bench callup --scale 1` first");
// The people in calling order, as the queue holds them.
const people = (await db.query<{ v: string; d: number | null }>(`SELECT "volunteerId"::text AS v, "distanceMeters" AS d FROM "MobilizationResponder" WHERE "mobilizationId" = $1 ORDER BY "distanceMeters" ASC NULLS LAST, "volunteerId"`, [source.id])).rows;
const m = (await db.query(`SELECT "stationId"::text AS "stationId", reason, wanted FROM "Mobilization" WHERE id = $1`, [source.id])).rows[0];
const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
};

// tellNext's statement (mobilization.service.ts, notifyUrgent), the queue replaced by arrays.
const WRITE = `
  WITH q AS (SELECT u.v, u.d, u.i FROM unnest($2::uuid[], $3::float8[]) WITH ORDINALITY u(v, d, i)),
  responders AS (
    INSERT INTO "MobilizationResponder" (id, "mobilizationId", "volunteerId", wave, "distanceMeters", "notifiedAt")
    SELECT linshe_uuid7(), $1::uuid, q.v, 1, q.d, now() FROM q ORDER BY q.i
    ON CONFLICT ("mobilizationId", "volunteerId") DO NOTHING
    RETURNING "volunteerId", "distanceMeters"
  ),
  r AS (
    SELECT a.id AS "accountId", '网格1，距您约' || round(r."distanceMeters")::int || '米。需要500人，请立即回复能否前往' || $5 || 'Grid 1, about ' || round(r."distanceMeters")::int || ' m from you. 500 needed: please answer now whether you can come' AS body
    FROM responders r JOIN "Account" a ON a."volunteerId" = r."volunteerId" AND NOT a.disabled
    ORDER BY r."distanceMeters" ASC NULLS LAST, r."volunteerId"
  ),
  created AS (
    INSERT INTO "Notification" ("accountId", "stationId", kind, title, body, link, "subjectType", "subjectId", silent, "readAt", "createdAt")
    SELECT r."accountId", $4::uuid, 'MOBILIZATION', '一键召集：floor', r.body, '/callups/x', 'Mobilization', $1::uuid, false, NULL, now() FROM r
    RETURNING id, "accountId"
  ),
  sms AS (
    INSERT INTO "SmsMessage" ("notificationId", "accountId", "stationId", kind, urgent, "nextAttemptAt", status)
    SELECT c.id, c."accountId", $4::uuid, 'MOBILIZATION', true, now(), 'FAILED'
    FROM created c LEFT JOIN "NotificationSettings" s ON s."accountId" = c."accountId"
    WHERE CASE WHEN s."accountId" IS NULL THEN true ELSE 'MOBILIZATION' = ANY(s."smsOn") END
  )
  SELECT count(*)::int AS told FROM created`;

async function copyCallUp(): Promise<string> {
  await db.query(`CREATE TEMP TABLE IF NOT EXISTS floor_m AS SELECT * FROM "Mobilization" LIMIT 0`);
  await db.query(`TRUNCATE floor_m`);
  await db.query(`INSERT INTO floor_m SELECT * FROM "Mobilization" WHERE id = $1`, [source!.id]);
  const id = (await db.query<{ id: string }>(`UPDATE floor_m SET id = gen_random_uuid(), status = 'CLOSED', "escalateAt" = NULL, notifying = false RETURNING id::text`)).rows[0]!.id;
  await db.query(`INSERT INTO "Mobilization" SELECT * FROM floor_m`);
  return id;
}
async function cleanUp(id: string) {
  await db.query(`DELETE FROM "SmsMessage" WHERE "notificationId" IN (SELECT id FROM "Notification" WHERE "subjectId" = $1)`, [id]);
  await db.query(`DELETE FROM "Notification" WHERE "subjectId" = $1`, [id]);
  await db.query(`DELETE FROM "MobilizationResponder" WHERE "mobilizationId" = $1`, [id]);
  await db.query(`DELETE FROM "Mobilization" WHERE id = $1`, [id]);
  await db.query(`VACUUM "Notification", "SmsMessage", "MobilizationResponder"`);
}
async function write(parts: number) {
  const id = await copyCallUp();
  await new Promise((r) => setTimeout(r, 500));
  const load = os.loadavg()[0]!;
  const cpu0 = conns.map((c) => cpuMs(c.pid));
  const t0 = performance.now();
  const size = Math.ceil(people.length / parts);
  const commits = await Promise.all(
    Array.from({ length: parts }, async (_x, k) => {
      const { c } = conns[k]!;
      const slice = people.slice(k * size, (k + 1) * size);
      await c.query("BEGIN");
      const told = (await c.query<{ told: number }>(WRITE, [id, slice.map((p) => p.v), slice.map((p) => p.d), m.stationId, MSG_SEPARATOR])).rows[0]!.told;
      await c.query("COMMIT");
      return { told, ms: Math.round(performance.now() - t0) };
    }),
  );
  const wall = Math.round(performance.now() - t0);
  const cpu = conns.map((c, i) => cpuMs(c.pid) - cpu0[i]!);
  const told = commits.reduce((a, b) => a + b.told, 0);
  console.log(JSON.stringify({ transactions: parts, load: Math.round(load * 10) / 10, told, commits_ms: commits.map((x) => x.ms), wall_ms: wall, pg_cpu_ms: cpu.slice(0, parts), pg_cpu_ms_per_person: Math.round((cpu.reduce((a, b) => a + b, 0) / told) * 1000) / 1000 }));
  await cleanUp(id);
}

await write(1); // warm-up
for (let r = 0; r < ROUNDS; r++) for (const parts of r % 2 ? [2, 1] : [1, 2]) await write(parts);
for (const { c } of conns) await c.end();
await stop();
process.exit(0);
