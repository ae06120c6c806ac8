// The floor for this stack: the same reads answered by hand-written SQL over pg and node:http,
// with the same token check and the same JSON shape as Linshe's GraphQL responses. Prepared
// statements (named), as PostGraphile's are.
import { createServer } from "node:http";
import pg from "pg";
import { bearer, verifyToken } from "../api/src/auth/tokens.js";
import { BOARD_SQL, SHIFTS_SQL } from "./queries.js";

const decodeGlobalID = (g: string) => ({ id: Buffer.from(g, "base64").toString().split(":")[1]! });
const encodeGlobalID = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");
/** Pothos' cursor of a connection ordered by id. */
const cursor = (id: string) => Buffer.from(`GPC:S:${id}`).toString("base64");
/** The shift board's keyset cursor (api/src/graphql/list-cursor.ts): its station, then the row's start and id. */
const shiftCursor = (stationId: string, r: { startsAt: Date; id: string }) =>
  Buffer.from(`GPC:T:${JSON.stringify([`S:${stationId}`, `D:${r.startsAt.getTime()}`, `S:${r.id}`])}`).toString("base64");

// Generic plans: PostgreSQL would otherwise plan the shift board afresh on every call (its joins
// cost more to plan than to run), so the floor would not be one.
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10), options: "-c plan_cache_mode=force_generic_plan" });
pool.on("error", () => {}); // idle connections closed at shutdown

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", async () => {
    try {
      const { query, variables } = JSON.parse(body) as { query: string; variables: { stationId: string; first: number } };
      const stationId = decodeGlobalID(variables.stationId).id;
      let data: unknown;
      const iso = (d: Date | null) => (d ? d.toISOString() : null);
      const named = (type: string, id: string | null, name: string | null) => (id ? { id: encodeGlobalID(type, id), name } : null);
      if (query.includes("commendationBoard")) {
        const { rows } = await pool.query({ name: "board", text: BOARD_SQL, values: [stationId, variables.first + 1] });
        const page = rows.slice(0, variables.first);
        data = {
          commendationBoard: {
            pageInfo: { hasNextPage: rows.length > variables.first, endCursor: page.length ? cursor(page.at(-1).id) : null },
            edges: page.map((r) => ({
              node: { ...r, id: encodeGlobalID("CommendationBoardEntry", r.id), occurredAt: iso(r.occurredAt), publishedAt: iso(r.publishedAt), timesCommended: r.timesCommended },
            })),
          },
        };
      } else {
        const claims = verifyToken(bearer(req.headers.authorization) ?? "");
        if (!claims) return void res.writeHead(401).end();
        const { rows } = await pool.query({ name: "shifts", text: SHIFTS_SQL, values: [stationId, variables.first + 1, claims.sub] });
        const page = rows.slice(0, variables.first);
        data = {
          shifts: {
            pageInfo: { hasNextPage: rows.length > variables.first, endCursor: page.length ? shiftCursor(stationId, page.at(-1)) : null },
            edges: page.map((r) => ({
              node: {
                id: encodeGlobalID("Shift", r.id),
                kind: r.kind,
                title: r.title,
                status: r.status,
                place: r.place,
                route: r.route,
                startsAt: iso(r.startsAt),
                endsAt: iso(r.endsAt),
                capacity: r.capacity,
                seatsTaken: r.seatsTaken,
                seatsLeft: r.seatsLeft,
                waitlistLength: r.waitlistLength,
                requiredSpecialty: r.requiredSpecialty,
                isJointPatrol: r.isJointPatrol,
                jointOfficerName: r.jointOfficerName,
                cancelReason: r.cancelReason,
                team: named("Team", r.teamId, r.team),
                squad: named("Squad", r.squadId, r.squad),
                grid: named("Grid", r.gridId, r.grid),
                rotationPartner: named("Partner", r.partnerId, r.partner),
                viewerCanClaim: r.canClaim,
                viewerCanManage: r.canManage,
                viewerClaim: r.claimId
                  ? { id: encodeGlobalID("ShiftClaim", r.claimId), status: r.claimStatus, waitlistPosition: r.waitlistPosition, checkedInAt: iso(r.checkedInAt), checkedOutAt: iso(r.checkedOutAt) }
                  : null,
              },
            })),
          },
        };
      }
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ data }));
    } catch (e) {
      res.writeHead(500).end(String(e));
    }
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`LISTENING http://127.0.0.1:${(server.address() as { port: number }).port}\n`);
});
