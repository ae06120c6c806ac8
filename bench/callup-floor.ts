// AUTH_SECRET=bench-secret pnpm tsx bench/callup-floor.ts [--rounds 3] [--online 15000]: what delivering a
// call-up costs on this machine when nothing is written. The same 2 API processes (one Redis) and the same
// 15,000 phones as `pnpm bench callup` (bench/callup-clients.ts); the latest call-up to ≥ --online people
// in the bench database (run `pnpm bench callup --scale 1` once first) is delivered again, interleaved:
//   replay — the real path: each process's notification reader is moved back to just before the
//            call-up's first row and reads, routes and answers its rows as if they had just committed
//            (the stored-stream reader, the subscription's iterators, the direct answer, graphql-ws);
//   wave   — a "deliver first" design: each process reads the call-up's recipients as ONE row (as a stored
//            wave event would be read: account, notification id, body) and hands each local subscriber its
//            notice through the subscription's own queue (the iterators, the direct answer, graphql-ws);
//   raw    — the bare minimum: each process writes, per socket, the same notification as a graphql-ws
//            `next` serialized beforehand (one `ws` send each, no reader, no iterator, no framing of ours).
// Per round: receipt p50/p99/last from the moment the processes are told, each API process's CPU per
// delivery, the bench process's (the phones') CPU per receipt and the bench PostgreSQL's CPU (all its processes).
import type { ChildProcess } from "node:child_process";
import { startChild } from "./children.js";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { repoRoot } from "../api/src/infra/migrations.js";
import { openSubscribers } from "./callup-clients.js";
import { benchDatabase, benchServer } from "./db.js";
import { pct } from "./storm.js";
import { benchTokens } from "./tokens.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const ROUNDS = Number(opt("rounds", "3"));
const ONLINE = Number(opt("online", "15000"));
// --profile: a CPU profile of both API processes over each replay and wave (bench/results/callup-floor-<round>-<kind>-<i>.cpuprofile).
const PROFILE = args.includes("--profile");
// --kinds replay,wave,raw: which deliveries, in this order (reversed every other round).
if (process.env.AUTH_SECRET !== "bench-secret") throw new Error("run with AUTH_SECRET=bench-secret (the bench's tokens are signed with it)");

const startApp = (env: Record<string, string>) => startChild("bench/app-process.ts", env);
const ask = <T>(child: ChildProcess, message: object, reply: string) =>
  new Promise<T>((resolve) => {
    const on = (m: { type: string }) => {
      if (m.type !== reply) return;
      child.off("message", on);
      resolve(m as T);
    };
    child.on("message", on);
    child.send(message);
  });
const cpuOfPid = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) * 10;
};
const cpuMs = (child: ChildProcess) => cpuOfPid(child.pid!);
// The bench's embedded PostgreSQL: its postmaster and every backend (0 when DATABASE_URL points elsewhere).
const postmasterPid = () => {
  try {
    return Number(readFileSync(path.join(repoRoot, ".data/bench-pg/postmaster.pid"), "utf8").split("\n")[0]);
  } catch {
    return 0;
  }
};
const pgCpuMs = () => {
  const postmaster = postmasterPid();
  if (!postmaster) return 0;
  let sum = 0;
  for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
      if (Number(pid) === postmaster || Number(f[1]) === postmaster) sum += (Number(f[11]) + Number(f[12])) * 10;
    } catch {
      // gone meanwhile
    }
  }
  return sum;
};

const { adminUrl, stop } = await benchServer();
const { url } = await benchDatabase(adminUrl, 1);
const db = new pg.Client({ connectionString: url });
await db.connect();
const callUp = (
  await db.query<{ subjectId: string; n: number }>(
    `SELECT "subjectId"::text AS "subjectId", count(*)::int AS n FROM "Notification" WHERE kind = 'MOBILIZATION' GROUP BY 1 HAVING count(*) >= $1 ORDER BY max(id) DESC LIMIT 1`,
    [ONLINE],
  )
).rows[0];
if (!callUp) throw new Error(`no call-up to ${ONLINE} people in the bench database: run \`pnpm bench callup --scale 1\` first`);
// Just before the call-up's first row in commit order: the reader reads it and everything after.
const first = (await db.query<{ xid: string; id: string }>(`SELECT xid::text, id::text FROM "Notification" WHERE "subjectId" = $1 ORDER BY xid, id LIMIT 1`, [callUp.subjectId])).rows[0]!;
const after = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Notification" WHERE (xid, id) >= ($1::bigint, $2::bigint)`, [first.xid, first.id])).rows[0]!.n;
const people = (await db.query<{ accountId: string }>(`SELECT "accountId"::text AS "accountId" FROM "Notification" WHERE "subjectId" = $1 ORDER BY "accountId" LIMIT $2`, [callUp.subjectId, ONLINE])).rows;
const tokens = await benchTokens(url, people.map((p) => p.accountId));
console.log(`call-up ${callUp.subjectId}: ${callUp.n} notices, ${after} rows from its first on; ${people.length} phones`);

const { startRedis } = await import("../test/support/processes.js");
const redis = await startRedis();
const env = {
  WS_MAX_SOCKETS_PER_ADDRESS: "100000",
  WS_MAX_SUBSCRIPTIONS_PER_ADDRESS: "1000000",
  WS_MAX_SUBSCRIPTIONS_PER_SOCKET: "1000",
  ALLOW_ARBITRARY_OPERATIONS: "1",
  DATABASE_URL: url,
  DATABASE_POOL_SIZE: "10",
  REDIS_URL: redis.url,
  BENCH_SMS: "0",
  LOG_LEVEL: "warn",
  METRICS_TOKEN: "bench-metrics",
};
const apps = [await startApp(env), await startApp(env)];
const delivered = async (app: { url: string }) => {
  const text = await (await fetch(`${app.url}/metrics`, { headers: { authorization: "Bearer bench-metrics" } })).text();
  return text.split("\n").filter((l) => l.startsWith('linshe_events_delivered_total{stream="notifications"')).map((l) => Number(l.split(" ").pop())).reduce((a, b) => a + b, 0);
};

let received = new Map<number, number>();
let t0 = 0;
const { sockets, online, stats } = await openSubscribers(apps.map((a) => a.url), tokens, 250, (i, n) => {
  if (n.kind === "MOBILIZATION" && !received.has(i)) received.set(i, Date.now() - t0);
});
await new Promise((r) => setTimeout(r, 3000));
console.log(`${online.size} online`);

let rounds = 0;
async function round(kind: "replay" | "wave" | "raw") {
  received = new Map();
  const expected = online.size;
  let counts: number[];
  let readMs: number[] | null = null;
  let pushed: Promise<void> = Promise.resolve();
  if (kind === "raw") counts = (await Promise.all(apps.map((a) => ask<{ count: number }>(a.child, { type: "floor-raw-prepare", subjectId: callUp!.subjectId }, "floor-raw-prepared")))).map((r) => r.count);
  else if (kind === "replay") counts = await Promise.all(apps.map(delivered));
  else counts = [0, 0];
  globalThis.gc?.();
  await new Promise((r) => setTimeout(r, 1000));
  const load = os.loadavg()[0]!;
  const profiling = PROFILE && kind !== "raw";
  if (profiling) await Promise.all(apps.map((a) => ask(a.child, { type: "profile-start" }, "profile-started")));
  const cpu0 = apps.map((a) => cpuMs(a.child));
  const bench0 = process.cpuUsage();
  const pg0 = pgCpuMs();
  t0 = Date.now();
  if (kind === "raw") apps.forEach((a) => a.child.send({ type: "floor-raw-send" }));
  else if (kind === "wave")
    pushed = Promise.all(apps.map((a) => ask<{ count: number; readMs: number }>(a.child, { type: "floor-wave", subjectId: callUp!.subjectId }, "floor-wave-pushed"))).then((r) => {
        counts = r.map((x) => x.count);
        readMs = r.map((x) => x.readMs);
      });
  else {
    await Promise.all(apps.map((a) => ask(a.child, { type: "floor-replay", xid: first.xid, id: String(BigInt(first.id) - 1n) }, "floor-replay-started")));
  }
  const deadline = Date.now() + 60_000;
  while (received.size < expected && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  const wall = Date.now() - t0;
  // The processes' CPU until the last receipt (and whatever of the reader's tail is done by then).
  const api = apps.map((a, i) => cpuMs(a.child) - cpu0[i]!);
  const bench = process.cpuUsage(bench0);
  await pushed;
  const pgCpu = pgCpuMs() - pg0;
  if (profiling) {
    await mkdir(path.join(repoRoot, "bench/results"), { recursive: true });
    await Promise.all(apps.map((a, i) => ask(a.child, { type: "profile-stop", file: path.join(repoRoot, `bench/results/callup-floor-${rounds}-${kind}-${i}.cpuprofile`) }, "profile-written")));
  }
  rounds++;
  if (kind === "replay") counts = (await Promise.all(apps.map(delivered))).map((d, i) => d - counts[i]!);
  const times = [...received.values()];
  const row = {
    kind,
    load: Math.round(load * 10) / 10,
    received: received.size,
    of: expected,
    delivered: counts,
    p50_ms: times.length ? pct(times, 50) : null,
    p99_ms: times.length ? pct(times, 99) : null,
    last_ms: wall,
    api_cpu_ms: api,
    api_cpu_ms_per_delivery: api.map((c, i) => Math.round((c / Math.max(1, counts[i]!)) * 1000) / 1000),
    pg_cpu_ms: pgCpu,
    ...(readMs ? { wave_read_ms: readMs } : {}),
    phones_cpu_ms: Math.round((bench.user + bench.system) / 1000),
    phones_cpu_ms_per_receipt: Math.round(((bench.user + bench.system) / 1000 / Math.max(1, received.size)) * 1000) / 1000,
  };
  console.log(JSON.stringify(row));
  await new Promise((r) => setTimeout(r, 3000));
  return row;
}

const rows = [];
const KINDS = opt("kinds", "replay,wave,raw").split(",") as ("replay" | "wave" | "raw")[];
for (let r = 0; r < ROUNDS; r++) for (const kind of r % 2 ? [...KINDS].reverse() : KINDS) rows.push(await round(kind));
console.table(rows.map((r) => ({ ...r, delivered: r.delivered.join("/"), api_cpu_ms: r.api_cpu_ms.join("/"), api_cpu_ms_per_delivery: r.api_cpu_ms_per_delivery.join("/") })));
console.log(JSON.stringify({ errors: stats.errors, completes: stats.completes, reconnects: stats.reconnects, still_online: online.size }));
for (const s of sockets) void s.dispose();
await Promise.all(apps.map((a) => new Promise<void>((r) => (a.child.once("exit", () => r()), a.child.kill("SIGTERM")))));
await db.end();
await redis.stop();
await stop();
process.exit(0);
