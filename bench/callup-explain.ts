// pnpm tsx bench/callup-explain.ts [--min-ms 50]: a call-up to the whole scale-1 station (as `pnpm bench
// callup` starts it, no sockets) with auto_explain on every connection: each statement slower than
// --min-ms is printed with its plan, actual times and trigger (foreign-key) times; then the
// officer's answer and the time until every notice is written.
import pg from "pg";
import { benchDatabase, benchServer } from "./db.js";

const args = process.argv.slice(2);
const minMs = args.includes("--min-ms") ? Number(args[args.indexOf("--min-ms") + 1]) : 50;
const { adminUrl, stop } = await benchServer();
const { url } = await benchDatabase(adminUrl, 1);
process.env.DATABASE_URL = url;
process.env.AUTH_SECRET ||= "bench-secret";
const { pool, prisma } = await import("../api/src/db.js");
pool.on("connect", (c) => {
  c.on("notice", (n) => console.log(`--- ${n.message}`));
  void c.query(`LOAD 'auto_explain'; SET auto_explain.log_min_duration = ${minMs}; SET auto_explain.log_analyze = on; SET auto_explain.log_triggers = on; SET auto_explain.log_nested_statements = on; SET auto_explain.log_level = notice`);
});
const { startMobilization } = await import("../api/src/modules/mobilization/mobilization.service.js");
const db = new pg.Client({ connectionString: url });
await db.connect();
await db.query(`UPDATE "Mobilization" SET status = 'CLOSED', "escalateAt" = NULL, notifying = false WHERE status = 'OPEN'`);
const station = (await db.query<{ stationId: string; accountId: string }>(`SELECT r."stationId", r."accountId" FROM "AccountRole" r JOIN "Team" t ON t."stationId" = r."stationId" AND t.name = '全市应急队（bench）' WHERE r.role = 'OFFICER' LIMIT 1`)).rows[0]!;
const grid = (await db.query<{ latitude: number; longitude: number }>(`SELECT latitude, longitude FROM "Grid" WHERE "stationId" = $1 ORDER BY id LIMIT 1`, [station.stationId])).rows[0]!;
const viewer = { accountId: station.accountId, sessionId: null, sessionExpiresAt: null, phone: "", displayName: "bench", volunteerId: null, isAdmin: false, regionAdminOf: new Set<string>(), regionStationIds: new Set<string>(), officerStationIds: new Set([station.stationId]), partnerAdminOf: new Map(), teams: new Map(), squads: new Map() };
// The first call-up warms the process (Prisma compiles each query shape once); the second is measured.
for (const run of ["warm-up", "measured"]) {
  await db.query(`UPDATE "Mobilization" SET status = 'CLOSED', "escalateAt" = NULL, notifying = false WHERE status = 'OPEN'`);
  if (run === "measured") console.log("=== measured call-up");
  const t0 = performance.now();
  const m = await startMobilization(viewer, { stationId: station.stationId, reason: "explain", place: "网格1", latitude: grid.latitude, longitude: grid.longitude, radiusMeters: 50_000, wanted: 500, escalateAfterMinutes: 30, specialties: [], squadIds: [] });
  const answer = performance.now() - t0;
  while ((await db.query(`SELECT notifying FROM "Mobilization" WHERE id = $1`, [m.id])).rows[0].notifying) await new Promise((r) => setTimeout(r, 20));
  console.log(JSON.stringify({ run, answer_ms: Math.round(answer), all_written_ms: Math.round(performance.now() - t0), told: (await db.query(`SELECT count(*)::int AS n FROM "Notification" WHERE "subjectId" = $1`, [m.id])).rows[0].n }));
}
await db.end();
await prisma.$disconnect();
await pool.end().catch(() => {});
await stop();
process.exit(0);
