// pnpm tsx bench/callup-candidates.ts [--runs 4]: the call-up's candidate query (a whole scale-1 station,
// as `pnpm bench callup` calls it), fresh GPS check-ins looked up per volunteer (as before session 10)
// and as one set, interleaved; prints each run's time in ms.
import pg from "pg";
import { benchDatabase, benchServer } from "./db.js";

const args = process.argv.slice(2);
const runs = args.includes("--runs") ? Number(args[args.indexOf("--runs") + 1]) : 4;
const { adminUrl, stop } = await benchServer();
const { url } = await benchDatabase(adminUrl, 1);
const db = new pg.Client({ connectionString: url });
await db.connect();
const { stationId } = (await db.query<{ stationId: string }>(`SELECT "stationId" FROM "Team" WHERE name = '全市应急队（bench）'`)).rows[0]!;
const g = (await db.query<{ latitude: number; longitude: number }>(`SELECT latitude, longitude FROM "Grid" WHERE "stationId" = $1 ORDER BY id LIMIT 1`, [stationId])).rows[0]!;
const gps = {
  lateral: `LEFT JOIN LATERAL (
      SELECT c."checkInLat" AS lat, c."checkInLng" AS lng FROM "ShiftClaim" c
      WHERE c."volunteerId" = v.id AND c."checkedInAt" >= $4 AND c."checkInLat" IS NOT NULL AND c."checkInLng" IS NOT NULL
      ORDER BY c."checkedInAt" DESC LIMIT 1) gps ON true`,
  set: `LEFT JOIN (
      SELECT DISTINCT ON (c."volunteerId") c."volunteerId", c."checkInLat" AS lat, c."checkInLng" AS lng FROM "ShiftClaim" c
      WHERE c."checkedInAt" >= $4 AND c."checkInLat" IS NOT NULL AND c."checkInLng" IS NOT NULL
      ORDER BY c."volunteerId", c."checkedInAt" DESC) gps ON gps."volunteerId" = v.id`,
};
const sql = (join: string) => `
  SELECT array_agg(c."volunteerId" ORDER BY c.distance ASC NULLS LAST, c."volunteerId") AS ids, array_agg(c.distance ORDER BY c.distance ASC NULLS LAST, c."volunteerId") AS d FROM (
    SELECT "volunteerId", CASE WHEN lat IS NULL OR lng IS NULL THEN NULL ELSE round(2 * 6371000 * asin(sqrt(
      power(sin(radians(lat - $2) / 2), 2) + cos(radians($2)) * cos(radians(lat)) * power(sin(radians(lng - $3) / 2), 2))))::int END AS distance
    FROM (SELECT v.id AS "volunteerId", COALESCE(gps.lat, gr.latitude) AS lat, COALESCE(gps.lng, gr.longitude) AS lng
      FROM "Volunteer" v JOIN "Account" a ON a."volunteerId" = v.id AND NOT a.disabled
      LEFT JOIN "Grid" gr ON gr.id = v."homeGridId"
      ${join}
      WHERE v.status = 'ACTIVE' AND EXISTS (SELECT 1 FROM "TeamMembership" tm JOIN "Team" t ON t.id = tm."teamId" WHERE tm."volunteerId" = v.id AND t."stationId" = $1::uuid)) base) c
  WHERE distance <= 50000`;
const since = new Date(Date.now() - 3 * 3600_000);
const times: Record<string, number[]> = { lateral: [], set: [] };
const results: Record<string, string> = {};
for (let i = 0; i < runs; i++) {
  for (const k of ["lateral", "set"] as const) {
    const t = performance.now();
    const { rows } = await db.query(sql(gps[k]), [stationId, g.latitude, g.longitude, since]);
    times[k]!.push(Math.round(performance.now() - t));
    results[k] = JSON.stringify(rows[0]);
  }
}
console.log(JSON.stringify({ times, same_result: results.lateral === results.set, called: JSON.parse(results.set!).ids?.length }));
await db.end();
await stop();
