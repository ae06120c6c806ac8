// The claim storm (scenario 3): 1,000 distinct volunteers claim one 10-seat shift at once, over
// Linshe's HTTP API. Shared by `pnpm bench claims` and `bench/profile.ts claims`.
import http from "node:http";
import type pg from "pg";
import { makeIds, type Generated } from "./generate.js";
import { KeptSockets } from "./socket-client.js";

const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");
export const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

/** A 10-seat shift in a slot of its own, past the generated year and earlier runs, so no claim overlaps another. */
export async function newShift(client: pg.Client, fx: Omit<Generated, "counts">) {
  const sid = makeIds(Date.now() + Math.floor(Math.random() * 1e9))();
  await client.query(
    `INSERT INTO "Shift" (id, "stationId", "teamId", kind, title, "startsAt", "endsAt", capacity, "postCode", "createdById", "updatedAt")
     VALUES ($1, $2, $3, 'PATROL', '抢班测试', $5::timestamp, $5::timestamp + interval '2 hours', 10, '123456', $4, now())`,
    [sid, fx.stationId, fx.teamId, fx.viewerAccountId, new Date(Date.now() + 400 * 86_400_000 + Math.floor(Math.random() * 1e6) * 3 * 3600_000)],
  );
  return sid;
}

/**
 * `node:http` (`--client http`): global `fetch` (undici's) cost the bench process ~1 ms of CPU per claim,
 * on the same 2 cores as the API and PostgreSQL; node:http with a keep-alive agent sends the same
 * requests for about a third of that. The agent keeps a storm's connections for the next one, as
 * phones and a load balancer keep theirs open, but closes them after 60 s idle: the server closes them
 * after 65 s (HTTP_KEEP_ALIVE_SECONDS), and a request sent on a connection the server is closing fails.
 * It keeps at most 256 idle (`maxFreeSockets`), so 744 claims of a storm come on new connections; left so
 * that `--client http` measures what sessions 10–11 did. The default is `socket` (bench/socket-client.ts).
 */
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity, timeout: 60_000 });
export type StormClient = "socket" | "http" | "fetch";
/** The lean client's kept connections, per server (bench/socket-client.ts): a storm's serve the next. */
const kept = new Map<string, KeptSockets>();
/** Closes the kept connections of both clients: the next storm connects afresh, as phones that were not connected. */
export function dropConnections() {
  for (const k of kept.values()) k.close();
  agent.destroy();
}
export const keptSockets = (url: URL) => {
  let k = kept.get(url.host);
  if (!k) kept.set(url.host, (k = new KeptSockets(url.hostname, Number(url.port))));
  return k;
};

function post(url: URL, headers: Record<string, string>, body: string, retry = true): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: "POST", agent, headers: { ...headers, "content-length": String(Buffer.byteLength(body)) } }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (d: string) => (text += d));
      res.on("end", () => resolve(text));
      res.on("error", reject);
    });
    req.on("error", (e: NodeJS.ErrnoException) => {
      // A kept connection the server closed as the request left: it never reached the API (Node's
      // documented case for `reusedSocket`), so send it once more.
      if (retry && req.reusedSocket && e.code === "ECONNRESET") resolve(post(url, headers, body, false));
      else reject(e);
    });
    req.end(body);
  });
}

/**
 * Every volunteer (by sign-in token, bench/tokens.ts) claims `shiftId` at once; latency per claim from
 * sending to the parsed answer. `socket` (the default) sends each claim as one Buffer built beforehand.
 */
export async function stormLinshe(appUrl: string, shiftId: string, tokens: string[], client: StormClient = "socket") {
  const failures = new Map<string, number>();
  const mutation = `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { claim { status } userErrors { code message } } }`;
  const url = new URL(`${appUrl}/graphql`);
  const payload = JSON.stringify({ query: mutation, variables: { input: { shiftId: gid("Shift", shiftId) } } });
  const sockets = client === "socket" ? keptSockets(url) : null;
  const requests = sockets ? tokens.map((t) => KeptSockets.build(`POST /graphql HTTP/1.1\r\nhost: ${url.host}\r\ncontent-type: application/json\r\nauthorization: Bearer ${t}`, payload)) : [];
  const t0 = performance.now();
  const latencies = await Promise.all(
    tokens.map(async (t, i) => {
      const s = performance.now();
      const headers = { "content-type": "application/json", authorization: `Bearer ${t}` };
      const text =
        sockets ? (await sockets.request(requests[i]!)).body
        : client === "http" ? await post(url, headers, payload)
        : await (await fetch(url, { method: "POST", headers, body: payload })).text();
      const body = JSON.parse(text) as { errors?: { message: string }[]; data?: { claimShift?: { userErrors: { code: string; message: string }[] } } };
      const problem = body.errors?.[0]?.message ?? body.data?.claimShift?.userErrors[0]?.message.split(":")[0];
      if (problem) failures.set(problem, (failures.get(problem) ?? 0) + 1);
      return performance.now() - s;
    }),
  );
  return { seconds: (performance.now() - t0) / 1000, latencies, failures };
}

/** Seats and waitlist of a shift after a storm: 10 confirmed, the rest waitlisted 1..n in order. */
export async function verifyStorm(client: pg.Client, shiftId: string) {
  const { rows } = await client.query<{ status: string; seq: number | null }>(`SELECT status, "waitlistSeq" AS seq FROM "ShiftClaim" WHERE "shiftId" = $1 ORDER BY "waitlistSeq"`, [shiftId]);
  const waiting = rows.filter((r) => r.status === "WAITLISTED").map((r) => r.seq);
  const fifo = waiting.every((s, i) => s === i + 1);
  return { confirmed: rows.filter((r) => r.status === "CONFIRMED").length, waitlisted: waiting.length, fifo };
}
