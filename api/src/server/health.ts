// /livez: the process runs and its event loop answers (never touches the database).
// /readyz (and /health, its alias): ready to take traffic — not starting, migrating or draining, and
// the database answers on a connection of its own within a second (a saturated request pool does not
// make a healthy process look dead).
import type { ServerResponse } from "node:http";
import pg from "pg";
import { busConnected } from "../pubsub.js";
import { lifecycle } from "./lifecycle.js";

let probePool: pg.Pool | null = null;
let probing: Promise<boolean> | null = null;

function probe(): Promise<boolean> {
  probePool ??= new pg.Pool({
    connectionString: process.env.DATABASE_URL,
    max: 1,
    connectionTimeoutMillis: 1000,
    statement_timeout: 1000,
    query_timeout: 1500,
    idleTimeoutMillis: 30_000,
    application_name: "linshe-api-health",
  });
  probePool.on("error", () => {}); // a dropped idle connection is replaced at the next probe
  // Concurrent probes share one query.
  return (probing ??= probePool
    .query("SELECT 1")
    .then(() => true, () => false)
    .finally(() => (probing = null)));
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
}

export function livez(res: ServerResponse) {
  json(res, 200, { status: "ok" });
}

export async function readyz(res: ServerResponse) {
  if (lifecycle.phase !== "ready") return json(res, 503, { ok: false, status: lifecycle.phase });
  const database = (await probe()) ? "up" : "down";
  const bus = busConnected() ? "up" : "down";
  // Redis is best effort (docs/operations.md): its absence slows live events down, it does not make the process unready.
  json(res, database === "up" ? 200 : 503, { ok: database === "up", status: lifecycle.phase, database, bus });
}

export async function closeHealth(): Promise<void> {
  await probePool?.end().catch(() => {});
  probePool = null;
}
