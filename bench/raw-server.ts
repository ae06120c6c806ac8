// The floor for this stack: the same reads answered by hand-written SQL over pg and node:http,
// with the same token check and the same JSON shape as Linshe's GraphQL responses.
import { createServer } from "node:http";
import pg from "pg";
import { bearer, verifyToken } from "../api/src/auth/tokens.js";
import { BOARD_SQL, SHIFTS_SQL } from "./queries.js";

const decodeGlobalID = (g: string) => ({ id: Buffer.from(g, "base64").toString().split(":")[1]! });
const encodeGlobalID = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 10) });
pool.on("error", () => {}); // idle connections closed at shutdown

const server = createServer((req, res) => {
  let body = "";
  req.on("data", (c) => (body += c));
  req.on("end", async () => {
    try {
      const { query, variables } = JSON.parse(body) as { query: string; variables: { stationId: string; first: number } };
      const stationId = decodeGlobalID(variables.stationId).id;
      let data: unknown;
      if (query.includes("commendationBoard")) {
        const { rows } = await pool.query(BOARD_SQL, [stationId, variables.first]);
        data = { commendationBoard: { edges: rows.map((r) => ({ node: { ...r, occurredAt: r.occurredAt.toISOString() } })) } };
      } else {
        const claims = verifyToken(bearer(req.headers.authorization) ?? "");
        if (!claims) return void res.writeHead(401).end();
        const account = await pool.query<{ volunteerId: string }>(`SELECT "volunteerId" FROM "Account" WHERE id = $1`, [claims.sub]);
        const { rows } = await pool.query(SHIFTS_SQL, [stationId, variables.first, account.rows[0]?.volunteerId ?? null]);
        data = {
          shifts: {
            edges: rows.map((r) => ({
              node: {
                id: encodeGlobalID("Shift", r.id),
                title: r.title,
                startsAt: r.startsAt.toISOString(),
                seatsTaken: r.seatsTaken,
                seatsLeft: r.seatsLeft,
                waitlistLength: r.waitlistLength,
                team: { name: r.team },
                squad: r.squad ? { name: r.squad } : null,
                grid: r.grid ? { name: r.grid } : null,
                viewerClaim: r.claimStatus ? { status: r.claimStatus, waitlistPosition: r.waitlistPosition } : null,
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
