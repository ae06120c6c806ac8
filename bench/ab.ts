// pnpm tsx bench/ab.ts <rootA> <rootB> [--page board|shifts|claims] [--seconds 5] [--rounds 4] [--node 22]
// Interleaved A/B of two checkouts of Linshe (A, B, A, B …) on the bench's database: req/s and the
// API process's CPU ms per request (from /proc), for comparing a change with its base on a busy machine.
// --page claims: the claim storm of `pnpm bench claims` (1,000 volunteers, one fresh 10-seat shift per
// run), after a warm-up storm; each round also runs the raw statement (÷ raw per round). A root
// written `path@2` runs 2 API processes on one Redis, the clients taking turns between them; `path+NAME=value`
// (repeatable, after any `@N`) sets an environment variable for that entry's API processes only, so
// one checkout can be compared with itself under two settings.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { benchDatabase, benchServer } from "./db.js";
import { fixtures } from "./generate.js";
import pg from "pg";
import { BOARD_GQL, CLAIM_SQL, SHIFTS_GQL } from "./queries.js";
import { newShift, pct, stormLinshe, verifyStorm } from "./storm.js";

process.env.AUTH_SECRET ||= "bench-secret";
const { benchToken, benchTokens } = await import("./tokens.js");
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const specs = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--"));
const entries = specs.map((spec) => {
  const [where, ...vars] = spec.split("+");
  const root = path.resolve(where!.replace(/@\d+$/, ""));
  const env = Object.fromEntries(vars.map((v) => [v.slice(0, v.indexOf("=")), v.slice(v.indexOf("=") + 1)]));
  return { root, n: Number(/@(\d+)$/.exec(where!)?.[1] ?? "1"), env, label: `${path.basename(root)}${/@\d+$/.exec(where!)?.[0] ?? ""}${vars.map((v) => `+${v}`).join("")}` };
});
const page = opt("page", "board");
const SECONDS = Number(opt("seconds", "5"));
const ROUNDS = Number(opt("rounds", "4"));
// `--node 22`: the API processes on the bench's Node 22 (as `pnpm bench throughput` runs them), else this Node.
const nodeOpt = opt("node", "current");
const node = nodeOpt === "current" ? process.execPath : nodeOpt === "22" ? path.resolve(import.meta.dirname, "postgraphile/node_modules/node/bin/node") : nodeOpt;

const server = await benchServer();
const { url } = await benchDatabase(server.adminUrl, 1);
const fx = await fixtures(url);
const stationId = Buffer.from(`Station:${fx.stationId}`).toString("base64");
const token = await benchToken(url, fx.viewerAccountId);
const body = JSON.stringify({ query: page === "board" ? BOARD_GQL : SHIFTS_GQL, variables: { stationId, first: page === "board" ? 20 : 50 } });
const headers = { "content-type": "application/json", ...(page === "shifts" ? { authorization: `Bearer ${token}` } : {}) };

async function cpuSeconds(pid: number) {
  const f = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
  return (Number(f[11]) + Number(f[12])) / 100;
}
/** Context switches of the processes' threads so far (voluntary: waited for I/O; the others: preempted). */
async function switches(pids: number[]) {
  let n = 0;
  for (const pid of pids) {
    const status = await readFile(`/proc/${pid}/status`, "utf8");
    for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) n += Number(m[1]);
  }
  return n;
}
if (page === "claims") {
  await claimsAB();
  await server.stop();
  process.exit(0);
}
// Board and shifts: `path@2` is one port shared by 2 processes (node:cluster, bench/app-process.ts) on one
// Redis, the pool of 10 split between them; the CPU is summed over the primary and its workers.
const redis = entries.some((e) => e.n > 1) ? await (await import("../test/support/processes.js")).startRedis() : null;
const apps: { root: string; label: string; child: ChildProcess; url: string; pids: number[] }[] = [];
for (const { root, n, label, env } of entries) {
  const cluster = n > 1 ? { BENCH_PROCESSES: String(n), REDIS_URL: redis!.url, DATABASE_POOL_SIZE: String(Math.ceil(10 / n)) } : {};
  const child = spawn(node, ["--max-semi-space-size=64", "--import", "tsx", path.join(root, "bench/app-process.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, DATABASE_POOL_SIZE: "10", NODE_ENV: "production", LINSHE_DEMO: "0", PUBLIC_CACHE_SECONDS: "0", ALLOW_ARBITRARY_OPERATIONS: "1", ...cluster, ...env },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  let out = "";
  const appUrl = await new Promise<string>((r) => child.stdout!.on("data", (d: Buffer) => { if (out.includes("LISTENING")) return; out += d; const m = /LISTENING (\S+)/.exec(out); if (m) r(m[1]!); }));
  const pids = [child.pid!, ...(/WORKERS (\S+)/.exec(out)?.[1]?.split(",").map(Number) ?? [])];
  if (pids.length !== (n > 1 ? n + 1 : 1)) throw new Error(`${label}: ${n} processes asked, pids ${pids.join(",")} (does that checkout's app-process.ts know BENCH_PROCESSES?)`);
  const first = await (await fetch(`${appUrl}/graphql`, { method: "POST", headers, body })).json();
  if (!first.data) throw new Error(`${root}: ${JSON.stringify(first).slice(0, 300)}`);
  await autocannon({ url: `${appUrl}/graphql`, method: "POST", connections: 20, duration: 3, headers, body });
  apps.push({ root, label, child, url: appUrl, pids });
}
const results = new Map<string, { rps: number; cpu: number }[]>(apps.map((a) => [a.label, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const app of round % 2 ? [...apps].reverse() : apps) {
    const before = await Promise.all(app.pids.map(cpuSeconds));
    const switchesBefore = await switches(app.pids);
    const r = await autocannon({ url: `${app.url}/graphql`, method: "POST", connections: 20, duration: SECONDS, headers, body });
    const used = (await Promise.all(app.pids.map(cpuSeconds))).map((c, i) => c - before[i]!);
    const switched = ((await switches(app.pids)) - switchesBefore) / r.requests.total;
    const cpu = used.reduce((a, b) => a + b, 0) * 1000 / r.requests.total;
    results.get(app.label)!.push({ rps: r.requests.average, cpu });
    // Several processes: each one's share of the CPU (the primary first), to see how evenly they were given the work.
    const split = used.length > 1 ? ` (by process ${used.map((u) => u.toFixed(2)).join(" / ")} s)` : "";
    console.log(`${app.label} round ${round}: ${r.requests.average} req/s, ${cpu.toFixed(2)} ms CPU/request${split}, ${switched.toFixed(2)} context switches/request, errors ${r.errors + r.non2xx}, load ${loadavg()[0]!.toFixed(1)}`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [label, rs] of results) console.log(`${label}: median ${median(rs.map((r) => r.rps))} req/s, ${median(rs.map((r) => r.cpu)).toFixed(2)} ms CPU/request`);
for (const app of apps) app.child.kill("SIGTERM");
await redis?.stop();
await server.stop();
process.exit(0);

async function startApp(root: string, env: Record<string, string>) {
  const child = spawn(node, ["--max-semi-space-size=64", "--import", "tsx", path.join(root, "bench/app-process.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, DATABASE_POOL_SIZE: "10", NODE_ENV: "production", LINSHE_DEMO: "0", PUBLIC_CACHE_SECONDS: "0", ALLOW_ARBITRARY_OPERATIONS: "1", ...env },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const appUrl = await new Promise<string>((r) => child.stdout!.on("data", (d: Buffer) => { const m = /LISTENING (\S+)/.exec(String(d)); if (m) r(m[1]!); }));
  return { child, url: appUrl };
}

async function claimsAB() {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const people = fx.teamVolunteers.slice(0, 1000);
  const tokens = await benchTokens(url, people.map((p) => p.accountId));
  const redisNeeded = entries.some((e) => e.n > 1);
  const redis = redisNeeded ? await (await import("../test/support/processes.js")).startRedis() : null;
  const setups: { label: string; procs: { child: ChildProcess; url: string }[] }[] = [];
  for (const { root, n, label, env } of entries) {
    const procs = [];
    for (let k = 0; k < n; k++) procs.push(await startApp(root, { ...env, ...(redis ? { REDIS_URL: redis.url } : {}) }));
    // Warm-up (JIT, pools, lazily loaded modules): a whole storm on another fresh shift, not measured.
    const warm = await newShift(client, fx);
    await Promise.all(procs.map((p, k) => stormLinshe(p.url, warm, tokens.filter((_, i) => i % procs.length === k))));
    setups.push({ label, procs });
  }
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => {});
  const committedXacts = async () => {
    await client.query("SELECT pg_stat_clear_snapshot()");
    return Number((await client.query(`SELECT xact_commit + xact_rollback AS n FROM pg_stat_database WHERE datname = current_database()`)).rows[0].n);
  };
  const rawStorm = async () => {
    const sid = await newShift(client, fx);
    const t0 = performance.now();
    await Promise.all(people.map((p) => pool.query(CLAIM_SQL, [sid, p.volunteerId])));
    return people.length / ((performance.now() - t0) / 1000);
  };
  await rawStorm(); // warm-up
  const rows = new Map<string, { cps: number; ratio: number; p50: number; p99: number; cpu: number; client: number }[]>(entries.map((e) => [e.label, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of round % 2 ? [...setups].reverse() : setups) {
      const sid = await newShift(client, fx);
      const xacts = await committedXacts();
      const before = await Promise.all(s.procs.map((p) => cpuSeconds(p.child.pid!)));
      const mine = process.cpuUsage();
      const n = s.procs.length;
      const t0 = performance.now();
      const parts = await Promise.all(s.procs.map((p, k) => stormLinshe(p.url, sid, tokens.filter((_, i) => i % n === k))));
      const secs = (performance.now() - t0) / 1000;
      const clientMs = (process.cpuUsage(mine).user + process.cpuUsage(mine).system) / 1000 / people.length;
      const after = await Promise.all(s.procs.map((p) => cpuSeconds(p.child.pid!)));
      const cpu = (after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0)) * 1000 / people.length;
      const lat = parts.flatMap((p) => p.latencies);
      const failed = parts.reduce((a, p) => a + [...p.failures.values()].reduce((x, y) => x + y, 0), 0);
      // Statements outside a transaction commit one each: the viewer lookups plus the batches, a count
      // that does not move with the machine's load (statistics reach pg_stat_database within ~1 s).
      await new Promise((r) => setTimeout(r, 1500));
      const xact = (await committedXacts()) - xacts;
      const v = await verifyStorm(client, sid);
      if (failed || v.confirmed !== 10 || v.waitlisted !== 990 || !v.fifo) throw new Error(`${s.label}: ${failed} failed, ${JSON.stringify(v)} ${JSON.stringify(parts.map((p) => Object.fromEntries(p.failures)))}`);
      const raw = await rawStorm();
      const r = { cps: Math.round(people.length / secs), ratio: Math.round((people.length / secs / raw) * 100) / 100, p50: Math.round(pct(lat, 50)), p99: Math.round(pct(lat, 99)), cpu, client: clientMs };
      rows.get(s.label)!.push(r);
      console.log(`${s.label} round ${round}: ${r.cps} claims/s (raw ${Math.round(raw)}, ÷ raw ${r.ratio}), p50 ${r.p50} / p99 ${r.p99} ms, API CPU ${cpu.toFixed(2)} ms/claim, ${xact} transactions, bench process ${clientMs.toFixed(2)} ms/claim (incl. the raw run's), load ${loadavg()[0]!.toFixed(1)}`);
    }
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  for (const [label, rs] of rows) {
    console.log(`${label}: median ${median(rs.map((r) => r.cps))} claims/s, ÷ raw ${median(rs.map((r) => r.ratio))}, p50 ${median(rs.map((r) => r.p50))} / p99 ${median(rs.map((r) => r.p99))} ms, API CPU ${median(rs.map((r) => r.cpu)).toFixed(2)} ms/claim`);
  }
  await pool.end();
  await client.end();
  for (const s of setups) for (const p of s.procs) p.child.kill("SIGTERM");
  await redis?.stop();
}
