// pnpm bench [generate|throughput|sql|claims|fanout|callup|growth|stats|all] [--scale N] [--scales 1,10] [--seconds S] [--connections C] [--runs R]
//   [--subscribers N,M] [--node 22|current|PATH] (throughput, claims: 22 by default) [--quiet 0.8] [--quiet-wait 120] [--pages board,board-nocache,shifts]
//   [--linshe-processes N[,M]] (throughput: Linshe as N processes on one port and one Redis, its CPU summed over
//   them; with M too, a second Linshe of M processes (cache off) runs interleaved with the first as "linshe2";
//   claims: Linshe as N processes, the pool of 10 split between them) [--linshe-reuse-port] (throughput: those N
//   processes on one port by SO_REUSEPORT instead of node:cluster) [--pgl-processes N] (throughput: PostGraphile
//   as N processes on one port too, measured as "pgl2" in the same rounds) [--warm] (callup: the processes deliver
//   the previous call-up once more before the measured one, nothing written)
// Ratios are measured side by side in one run; medians over repeated runs. Results: bench/results/*.json.
import { spawnSync, type ChildProcess } from "node:child_process";
import { startChild, stop } from "./children.js";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { createClient } from "graphql-ws";
import { openSubscribers } from "./callup-clients.js";
import pg from "pg";
import WebSocket from "ws";
import { benchToken, benchTokens } from "./tokens.js";
import { repoRoot } from "../api/src/infra/migrations.js";
import { benchDatabase, benchServer, markGenerated } from "./db.js";
import { fixtures, generate, makeIds } from "./generate.js";
import { newShift, pct, stormLinshe, verifyStorm, type StormClient } from "./storm.js";
import { BOARD_GQL, CLAIM_SQL, PGL_BOARD_GQL, PGL_SHIFTS_GQL, SHIFTS_GQL } from "./queries.js";

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1]! : fallback;
};
const scenario = args.find((a) => !a.startsWith("--") && !args[args.indexOf(a) - 1]?.startsWith("--")) ?? "all";
const SECONDS = Number(opt("seconds", "10"));
const CONNECTIONS = Number(opt("connections", "20"));
const RUNS = Number(opt("runs", "3"));
const results: Record<string, unknown> = {
  date: new Date().toISOString(),
  machine: `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.cpus()[0]?.model}, node ${process.version}`,
  // The machine is shared: how busy it was when the run began.
  load_average_at_start: os.loadavg().map((x) => Math.round(x * 100) / 100),
};
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");

// PostGraphile v5 and the Node 22 it needs (it fails on Node 20) live in bench/postgraphile, a package
// outside the workspace, installed from its lockfile on first use.
const PGL_DIR = path.join(repoRoot, "bench/postgraphile");
const NODE_22 = path.join(PGL_DIR, "node_modules/node/bin/node");
function ensurePostGraphile() {
  if (existsSync(path.join(PGL_DIR, "node_modules/postgraphile")) && existsSync(NODE_22)) return;
  console.log("Installing PostGraphile and Node 22 into bench/postgraphile (once) …");
  const r = spawnSync("pnpm", ["install", "--ignore-workspace", "--frozen-lockfile"], { cwd: PGL_DIR, stdio: "inherit" });
  if (r.status !== 0) throw new Error("installing bench/postgraphile failed");
}
/** The Node the servers run on: `--node 22` (the bench's Node 22, PostGraphile's), `current`, or a path. */
function serverNode(fallback: "22" | "current"): string {
  const choice = opt("node", fallback);
  if (choice === "current") return process.execPath;
  if (choice === "22") {
    ensurePostGraphile();
    return NODE_22;
  }
  return choice;
}
const nodeVersion = (bin: string) => spawnSync(bin, ["--version"], { encoding: "utf8" }).stdout.trim();


async function prepare(scale: number) {
  const server = await benchServer();
  const { url, fresh } = await benchDatabase(server.adminUrl, scale);
  let fx;
  if (fresh) {
    const t0 = Date.now();
    const g = await generate(url, scale);
    await markGenerated(url);
    console.log(`Generated scale ${scale} in ${((Date.now() - t0) / 1000).toFixed(1)} s:`, g.counts);
    results[`data_s${scale}`] = { ...g.counts, seconds: (Date.now() - t0) / 1000 };
    fx = g;
  } else fx = await fixtures(url);
  if (process.env.AUTH_SECRET !== "bench-secret") throw new Error("run through `pnpm bench` (it sets AUTH_SECRET for all processes)");
  const token = await benchToken(url, fx.viewerAccountId);
  return { server, url, fx, token };
}

/** Share of the machine's CPU time that was idle over `ms` (from /proc/stat). */
async function idleShare(ms = 1000): Promise<number> {
  const sample = async () => {
    const cpu = (await readFile("/proc/stat", "utf8")).split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
    return { idle: cpu[3]! + cpu[4]!, total: cpu.reduce((a, b) => a + b, 0) };
  };
  const a = await sample();
  await new Promise((r) => setTimeout(r, ms));
  const b = await sample();
  return (b.idle - a.idle) / Math.max(1, b.total - a.total);
}
/**
 * The machine is shared with other work: wait (up to --quiet-wait seconds) until at least --quiet of
 * its CPU is idle while the bench's own servers are idle, so that a run starts on a quiet machine.
 */
const QUIET = Number(opt("quiet", "0.8"));
const QUIET_WAIT_MS = Number(opt("quiet-wait", "120")) * 1000;
async function waitForQuiet(): Promise<number> {
  const until = Date.now() + QUIET_WAIT_MS;
  let idle = await idleShare();
  while (idle < QUIET && Date.now() < until) idle = await idleShare(2000);
  return Math.round(idle * 100) / 100;
}

/**
 * CPU seconds (user + system) a process has used (from /proc), without its reaped children: a
 * PostgreSQL backend that a pool closes in one server's run would otherwise land there whole, in the
 * postmaster's children's time, however long it had served another server.
 */
async function cpuSeconds(pid: number): Promise<number> {
  try {
    const f = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" ");
    // Fields 14–15 of stat (utime, stime) are 11–12 after the command name.
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return -1; // gone meanwhile
  }
}
/** The PostgreSQL server's processes (postmaster and its children), when it runs on this machine. */
async function postgresPids(url: string): Promise<(() => Promise<number[]>) | null> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const dir = (await c.query<{ data_directory: string }>("SHOW data_directory")).rows[0]!.data_directory;
    const postmaster = Number((await readFile(path.join(dir, "postmaster.pid"), "utf8")).split("\n")[0]);
    return async () => {
      const kids = [];
      for (const e of await readdir("/proc")) {
        if (!/^\d+$/.test(e)) continue;
        const stat = await readFile(`/proc/${e}/stat`, "utf8").catch(() => "");
        if (Number(stat.split(") ")[1]?.split(" ")[1]) === postmaster) kids.push(Number(e));
      }
      return [postmaster, ...kids];
    };
  } catch {
    return null; // another machine's server: its CPU is not measured
  } finally {
    await c.end();
  }
}

/**
 * One load run. Besides req/s, the CPU the server process and PostgreSQL spent per request: on this
 * shared machine other work takes cores away during a run, so req/s moves with it, while the CPU a
 * request costs moves much less.
 */
async function cannon(url: string, query: string, variables: Record<string, unknown>, token: string | null, cpu?: { server: number[]; pg: (() => Promise<number[]>) | null }) {
  const idleBefore = await waitForQuiet();
  // PostgreSQL's backends come and go (pools close idle connections): a backend new in the run counts
  // from zero; one that ended during the run is left out.
  const pgSnapshot = async () =>
    new Map((await Promise.all((cpu?.pg ? await cpu.pg() : []).map(async (p) => [p, await cpuSeconds(p)] as const))).filter(([, t]) => t >= 0));
  const pgBefore = await pgSnapshot();
  const serverCpu = async (pids: number[]) => (await Promise.all(pids.map(cpuSeconds))).reduce((a, b) => a + b, 0);
  const serverBefore = cpu ? await serverCpu(cpu.server) : 0;
  const r = await autocannon({
    url: `${url}/graphql`,
    method: "POST",
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const pgAfter = await pgSnapshot();
  const pgSeconds = [...pgAfter].reduce((s, [p, t]) => s + t - (pgBefore.get(p) ?? 0), 0);
  const before = cpu ? { server: serverBefore, pg: 0 } : null;
  const after = cpu ? { server: await serverCpu(cpu.server), pg: pgSeconds } : null;
  const perRequest = (k: "server" | "pg") => (before && after && r.requests.total ? Math.round(((after[k] - before[k]) / r.requests.total) * 1e5) / 100 : null);
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx,
    idleBefore,
    serverCpuMs: perRequest("server"),
    pgCpuMs: cpu?.pg ? perRequest("pg") : null,
  };
}

type Run = Awaited<ReturnType<typeof cannon>>;
type Who = "linshe" | "linshe2" | "pgl" | "pgl2" | "raw";
/** One row per edge with the fields all three servers return, ids decoded, times as ISO instants. */
function normalise(page: { pageInfo: { hasNextPage: boolean }; edges: { node: Record<string, unknown> }[] }) {
  // Linshe's global ids are base64 "Type:uuid", PostGraphile's base64 '["Type","uuid"]'; a uuid stays a uuid.
  const id = (v: unknown) => {
    if (typeof v !== "string" || /^[0-9a-f-]{36}$/.test(v)) return v;
    const s = Buffer.from(v, "base64").toString();
    return s.startsWith("[") ? (JSON.parse(s) as string[])[1] : s.slice(s.indexOf(":") + 1);
  };
  // PostGraphile prints `timestamp` columns without a zone; Prisma stores them as UTC.
  const time = (v: unknown) => (typeof v === "string" ? new Date(/Z|[+-]\d\d:\d\d$/.test(v) ? v : `${v}Z`).toISOString() : v);
  const named = (v: unknown) => (v ? [id((v as { id: string }).id), (v as { name: string }).name] : null);
  return {
    hasNextPage: page.pageInfo.hasNextPage,
    rows: page.edges.map(({ node: n }) =>
      "displayName" in n
        ? [id(n.rowId ?? n.id), n.displayName, n.legalName, n.teamName, n.squadName, n.category, n.title, n.story, n.place, time(n.occurredAt), n.editionTitle, time(n.publishedAt), n.timesCommended]
        : [
            id(n.rowId ?? n.id), n.kind, n.title, n.status, n.place, n.route, time(n.startsAt), time(n.endsAt), n.capacity, n.seatsTaken ?? n.confirmedCount, n.seatsLeft,
            n.waitlistLength ?? n.waitlistCount, n.requiredSpecialty, n.isJointPatrol, n.jointOfficerName, n.cancelReason, named(n.team), named(n.squad), named(n.grid),
            named(n.rotationPartner), n.viewerCanClaim, n.viewerCanManage,
            n.viewerClaim ? ((c) => [id(c.id), c.status, c.waitlistPosition, time(c.checkedInAt), time(c.checkedOutAt)])(n.viewerClaim as Record<string, unknown>) : null,
          ],
    ),
  };
}

async function throughput(scale: number) {
  const { server, url, fx, token } = await prepare(scale);
  // The bench's documents are not the web's trusted ones (production mode refuses them otherwise).
  const env = { DATABASE_URL: url, DATABASE_POOL_SIZE: "10", ALLOW_ARBITRARY_OPERATIONS: "1" };
  // --linshe-processes 2: Linshe as one process per core, as it would be deployed on more than one: on
  // one port (node:cluster) and one Redis, with the pool of 10 split between them (PostGraphile's is 10).
  // --linshe-processes 1,2: both, interleaved in the same rounds (the second as "linshe2", cache off).
  const [processes, processes2] = opt("linshe-processes", "1").split(",").map(Number) as [number, number | undefined];
  const redis = processes > 1 || (processes2 ?? 1) > 1 ? await (await import("../test/support/processes.js")).startRedis() : null;
  // --linshe-reuse-port: the N processes each listen on the port with SO_REUSEPORT (REUSE_PORT=1 of `pnpm
  // start`, Node 22), the kernel spreading the connections, instead of node:cluster's primary handing them out.
  const reuse = args.includes("--linshe-reuse-port");
  const envFor = (n: number) => (n > 1 ? { ...env, BENCH_PROCESSES: String(n), REDIS_URL: redis!.url, DATABASE_POOL_SIZE: String(Math.ceil(10 / n)), ...(reuse ? { BENCH_REUSE_PORT: "1" } : {}) } : env);
  const linsheEnv = envFor(processes);
  results.linshe_processes = processes2 ? [processes, processes2] : processes;
  if (reuse) results.linshe_reuse_port = true;
  // All servers on one Node (PostGraphile needs 22) with the same flags, pool of 10 each.
  const node = serverNode("22");
  ensurePostGraphile();
  results.server_node = { linshe_and_raw: nodeVersion(node), postgraphile: nodeVersion(NODE_22) };
  // Linshe as deployed, Linshe with the public board cache off (the cost of executing it), the raw floor, PostGraphile.
  const [app, uncached, raw, pgl] = await Promise.all([
    startChild("bench/app-process.ts", linsheEnv, node),
    startChild("bench/app-process.ts", { ...linsheEnv, PUBLIC_CACHE_SECONDS: "0" }, node),
    startChild("bench/raw-server.ts", env, node),
    startChild("bench/postgraphile/server.ts", env, NODE_22),
  ]);
  const second = processes2 ? await startChild("bench/app-process.ts", { ...envFor(processes2), PUBLIC_CACHE_SECONDS: "0" }, node) : null;
  // --pgl-processes N: PostGraphile as N processes on one port (node:cluster, the pool of 10 split) as well,
  // measured in the same rounds as "pgl2": Linshe as one process per core against PostGraphile run alike.
  const pglProcesses = Number(opt("pgl-processes", "0"));
  const pgl2 = pglProcesses > 1 ? await startChild("bench/postgraphile/server.ts", { ...env, PGL_PROCESSES: String(pglProcesses) }, NODE_22) : null;
  if (pgl2) results.postgraphile_processes = [1, pglProcesses];
  const stationId = gid("Station", fx.stationId);
  // A second volunteer, with a claim on the first page, for checking viewerClaim too (not measured).
  const probe = new pg.Client({ connectionString: url });
  await probe.connect();
  const claimant = (
    await probe.query<{ id: string }>(
      `SELECT a.id FROM (SELECT id FROM "Shift" WHERE "stationId" = $1 AND "endsAt" > now() ORDER BY "startsAt", id LIMIT 50) s
       JOIN "ShiftClaim" c ON c."shiftId" = s.id JOIN "Account" a ON a."volunteerId" = c."volunteerId" ORDER BY a.phone LIMIT 1`,
      [fx.stationId],
    )
  ).rows[0]!.id;
  await probe.end();
  const tokens = new Map([[claimant, await benchToken(url, claimant)]]);
  const pgPids = await postgresPids(url);
  const rows: Record<string, unknown>[] = [];
  // The board as a public screen reads it (no sign-in); the shift board as a signed-in volunteer.
  const cases = [
    ["board (first 20), public", "board", 20, false, app],
    ["board (first 20), public, cache off", "board", 20, false, uncached],
    ["shift board (first 50), signed in", "shifts", 50, true, app],
  ] as const;
  // --pages board,board-nocache,shifts: only some of them (all by default).
  const pages = opt("pages", "board,board-nocache,shifts").split(",");
  const picked = cases.filter((_c, i) => pages.includes(["board", "board-nocache", "shifts"][i]!));
  for (const [name, page, first, signedIn, linsheApp] of picked) {
    // The second Linshe (--linshe-processes N,M) where its cache being off changes nothing: not the cached board.
    const both = second && linsheApp === uncached ? second : second && page === "shifts" ? second : null;
    const request = (who: Who, accountId = fx.viewerAccountId) => {
      const viewerToken = signedIn ? (accountId === fx.viewerAccountId ? token : tokens.get(accountId)!) : null;
      return who === "pgl" || who === "pgl2"
        ? { query: page === "board" ? PGL_BOARD_GQL : PGL_SHIFTS_GQL, variables: { stationId: fx.stationId, first, ...(signedIn ? { viewer: accountId } : {}) }, token: null }
        : { query: page === "board" ? BOARD_GQL : SHIFTS_GQL, variables: { stationId, first }, token: viewerToken };
    };
    const servers: Record<Who, string> = { linshe: linsheApp.url, linshe2: both?.url ?? "", pgl: pgl.url, pgl2: pgl2?.url ?? "", raw: raw.url };
    // Same answer from all three before measuring: Linshe and raw byte for byte, PostGraphile by its rows.
    for (const viewer of signedIn ? [fx.viewerAccountId, claimant] : [fx.viewerAccountId]) {
      const answers: Record<string, string> = {};
      for (const who of [...(both ? ["linshe", "linshe2", "raw", "pgl"] : ["linshe", "raw", "pgl"]), ...(pgl2 ? ["pgl2"] : [])] as Who[]) {
        const r = request(who, viewer);
        const res = await fetch(`${servers[who]}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...(r.token ? { authorization: `Bearer ${r.token}` } : {}) }, body: JSON.stringify({ query: r.query, variables: r.variables }) });
        answers[who] = await res.text();
      }
      if (answers.linshe !== answers.raw || (both && answers.linshe2 !== answers.linshe)) {
        const [l, r] = [answers.linshe!, both && answers.linshe2 !== answers.linshe ? answers.linshe2! : answers.raw!];
        let i = 0;
        while (i < l.length && l[i] === r[i]) i++;
        throw new Error(`${name}: Linshe and raw disagree at character ${i}:\n${l.slice(Math.max(0, i - 150), i + 150)}\n${r.slice(Math.max(0, i - 150), i + 150)}`);
      }
      if (pgl2 && answers.pgl2 !== answers.pgl) throw new Error(`${name}: PostGraphile as ${pglProcesses} processes answers otherwise`);
      const parsed = Object.fromEntries(Object.entries(answers).map(([k, v]) => [k, (JSON.parse(v) as { data: Record<string, Parameters<typeof normalise>[0]> }).data]));
      const [a, p] = [normalise(Object.values(parsed.linshe!)[0]!), normalise(Object.values(parsed.pgl!)[0]!)];
      if (JSON.stringify(a) !== JSON.stringify(p)) {
        const i = a.rows.findIndex((row, k) => JSON.stringify(row) !== JSON.stringify(p.rows[k]));
        throw new Error(`${name}: Linshe and PostGraphile disagree (viewer ${viewer}), row ${i}:\n${JSON.stringify(a.rows[i])}\n${JSON.stringify(p.rows[i])}`);
      }
      if (a.rows.length !== first) throw new Error(`${name}: ${a.rows.length} rows`);
    }
    const pids: Record<Who, number[]> = { linshe: linsheApp.pids, linshe2: both?.pids ?? [], pgl: pgl.pids, pgl2: pgl2?.pids ?? [], raw: raw.pids };
    const load = (who: Who) => {
      const r = request(who);
      return cannon(servers[who], r.query, r.variables, r.token, { server: pids[who], pg: pgPids });
    };
    const order: Who[] = [...(both ? ["linshe", "linshe2", "pgl", "raw"] : ["linshe", "pgl", "raw"]), ...(pgl2 ? ["pgl2"] : [])] as Who[];
    const runs: Record<Who, Run[]> = { linshe: [], linshe2: [], pgl: [], pgl2: [], raw: [] };
    for (const who of order) await load(who); // warm-up
    // Interleaved, each round starting with another server.
    for (let i = 0; i < RUNS; i++) for (let k = 0; k < order.length; k++) {
      const who = order[(i + k) % order.length]!;
      runs[who].push(await load(who));
    }
    const med = (who: Who, f: "rps" | "p50" | "p99") => median(runs[who].map((r) => r[f]));
    const cpuMs = (who: Who, f: "serverCpuMs" | "pgCpuMs") => (runs[who].every((r) => r[f] !== null) ? median(runs[who].map((r) => r[f]!)) : null);
    const total = (who: Who) => ((s, p) => (s === null ? null : Math.round((s + (p ?? 0)) * 100) / 100))(cpuMs(who, "serverCpuMs"), cpuMs(who, "pgCpuMs"));
    const row = {
      scenario: name,
      scale,
      linshe_rps: med("linshe", "rps"),
      postgraphile_rps: med("pgl", "rps"),
      raw_rps: med("raw", "rps"),
      linshe_vs_postgraphile: Math.round((med("linshe", "rps") / med("pgl", "rps")) * 100) / 100,
      ...(both ? { linshe2_rps: med("linshe2", "rps"), linshe2_vs_postgraphile: Math.round((med("linshe2", "rps") / med("pgl", "rps")) * 100) / 100, linshe2_cpu_ms: total("linshe2") } : {}),
      ...(pgl2 ? { postgraphile2_rps: med("pgl2", "rps"), postgraphile2_cpu_ms: total("pgl2"), ...(both ? { linshe2_vs_postgraphile2: Math.round((med("linshe2", "rps") / med("pgl2", "rps")) * 100) / 100 } : {}) } : {}),
      ratio: Math.round((med("linshe", "rps") / med("raw", "rps")) * 100) / 100,
      linshe_p50_ms: med("linshe", "p50"),
      linshe_p99_ms: med("linshe", "p99"),
      postgraphile_p50_ms: med("pgl", "p50"),
      postgraphile_p99_ms: med("pgl", "p99"),
      raw_p50_ms: med("raw", "p50"),
      raw_p99_ms: med("raw", "p99"),
      // CPU per request (ms), the server process + PostgreSQL's processes; and Linshe's against PostGraphile's by it.
      linshe_cpu_ms: total("linshe"),
      postgraphile_cpu_ms: total("pgl"),
      raw_cpu_ms: total("raw"),
      linshe_vs_postgraphile_by_cpu: ((l, p) => (l && p ? Math.round((p / l) * 100) / 100 : null))(total("linshe"), total("pgl")),
      cpu_split_ms: Object.fromEntries(order.map((w) => [w, { server: cpuMs(w, "serverCpuMs"), postgres: cpuMs(w, "pgCpuMs") }])),
      errors: Object.values(runs).flat().reduce((n, r) => n + r.errors, 0),
      rows: first,
      runs_rps: Object.fromEntries(order.map((w) => [w, runs[w].map((r) => Math.round(r.rps))])),
      idle_before_runs: Object.fromEntries(order.map((w) => [w, runs[w].map((r) => r.idleBefore)])),
    };
    rows.push(row);
  }
  console.table(rows.map(({ runs_rps: _, idle_before_runs: __, cpu_split_ms: ___, ...r }) => r));
  for (const r of rows) console.log(r.scenario, "CPU ms per request (server, PostgreSQL):", JSON.stringify(r.cpu_split_ms), "req/s per run:", JSON.stringify(r.runs_rps));
  await Promise.all([stop(app.child), stop(uncached.child), stop(raw.child), stop(pgl.child), ...(second ? [stop(second.child)] : []), ...(pgl2 ? [stop(pgl2.child)] : [])]);
  await redis?.stop();
  await server.stop();
  return rows;
}

async function sqlPerRequest(scale: number) {
  const { server, url, fx, token } = await prepare(scale);
  // This scenario runs the API in the bench process; the settings are put back for the scenarios after it.
  const saved = { DATABASE_URL: process.env.DATABASE_URL, PUBLIC_CACHE_SECONDS: process.env.PUBLIC_CACHE_SECONDS };
  process.env.DATABASE_URL = url;
  process.env.PUBLIC_CACHE_SECONDS = "0"; // statements of executing the query, not of a cache hit
  const { buildApp } = await import("../api/src/app.js");
  const { sqlStats, prisma } = await import("../api/src/db.js");
  // Linshe's own statements, to EXPLAIN them as PostgreSQL runs them.
  let captured: { query: string; params: string }[] | null = null;
  prisma.$on("query", (e) => captured?.push({ query: e.query, params: e.params }));
  const linsheStatements: Record<string, { query: string; params: string }[]> = {};
  const app = await (await buildApp()).start(0, "127.0.0.1");
  const rows = [];
  for (const [name, query, viewer] of [["board (public)", BOARD_GQL, null], ["board (signed in)", BOARD_GQL, token], ["shift board", SHIFTS_GQL, token]] as const) {
    const counts: Record<number, number> = {};
    for (const first of [10, 100]) {
      const before = sqlStats.statements;
      captured = [];
      const res = await fetch(`${app.url}/graphql`, { method: "POST", headers: { "content-type": "application/json", ...(viewer ? { authorization: `Bearer ${viewer}` } : {}) }, body: JSON.stringify({ query, variables: { stationId: gid("Station", fx.stationId), first } }) });
      const body = (await res.json()) as { errors?: unknown };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      counts[first] = sqlStats.statements - before;
      if (first === 10) linsheStatements[name] = captured;
      captured = null;
    }
    rows.push({ scenario: name, statements_first_10: counts[10], statements_first_100: counts[100], bounded: counts[10] === counts[100] });
  }
  // One claim of a fresh shift by a team member, as in the claim storm: the statements it sends.
  const pgc = new pg.Client({ connectionString: url });
  await pgc.connect();
  const shiftId = await newShift(pgc, fx);
  await pgc.end();
  const claimant = fx.teamVolunteers[1]!;
  const before = sqlStats.statements;
  captured = [];
  const claimRes = await fetch(`${app.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${await benchToken(url, claimant.accountId)}` },
    body: JSON.stringify({ query: `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { claim { status } userErrors { code message } } }`, variables: { input: { shiftId: gid("Shift", shiftId) } } }),
  });
  const claimBody = (await claimRes.json()) as { data?: { claimShift: { claim: { status: string } | null } } };
  if (claimBody.data?.claimShift.claim?.status !== "CONFIRMED") throw new Error(`claim: ${JSON.stringify(claimBody)}`);
  const claimStatements = captured.map((c) => c.query.replace(/\s+/g, " ").slice(0, 100));
  captured = null;
  rows.push({ scenario: "claimShift (one claim, fresh shift)", statements: sqlStats.statements - before, transaction_statements: claimStatements.length });
  console.log("claimShift's statements:\n" + claimStatements.map((q, i) => `  ${i + 1}. ${q}`).join("\n"));
  // The plans behind them.
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const { BOARD_SQL, SHIFTS_SQL } = await import("./queries.js");
  const plans: Record<string, string> = {};
  for (const [name, sql, params] of [["board", BOARD_SQL, [fx.stationId, 21]], ["shift board", SHIFTS_SQL, [fx.stationId, 51, fx.viewerAccountId]]] as const) {
    plans[`raw: ${name}`] = (await client.query(`EXPLAIN ANALYZE ${sql}`, [...params])).rows.map((r) => r["QUERY PLAN"]).join("\n");
  }
  for (const [name, statements] of Object.entries(linsheStatements)) {
    for (const [i, st] of statements.entries()) {
      const plan = (await client.query(`EXPLAIN ANALYZE ${st.query}`, JSON.parse(st.params) as unknown[])).rows.map((r) => r["QUERY PLAN"]).join("\n");
      plans[`linshe: ${name} #${i + 1}`] = plan;
    }
  }
  for (const [name, plan] of Object.entries(plans)) {
    const lines = plan.split("\n");
    const seq = lines.map((l) => /Seq Scan on (\S+).*actual time=\S+ rows=(\d+)/.exec(l)).filter((m) => m).map((m) => `${m![1]} (${m![2]} rows)`);
    console.log(`${name}: ${lines.find((l) => l.startsWith("Planning Time"))}, ${lines.find((l) => l.startsWith("Execution Time"))}${seq.length ? `; sequential scans: ${seq.join(", ")}` : ""}`);
  }
  await client.end();
  console.table(rows);
  await app.stop();
  const { disconnect } = await import("../api/src/db.js");
  await disconnect();
  await server.stop();
  for (const [k, v] of Object.entries(saved)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return { rows, plans };
}

async function claimStorm(scale: number) {
  const { server, url, fx } = await prepare(scale);
  // The storm's trimmed claimShift document is not among the web's trusted ones.
  // --linshe-processes 2: one API process per core and one Redis, the pool of 10 split between them (the
  // raw statement's pool is 10), as a deployment on more than one core would run. --balance ports (the
  // default): each process on its own port, the storm's clients taking turns between them as a load
  // balancer in front would; --balance cluster: one port through node:cluster (its primary accepts every
  // connection and hands it to a worker over IPC).
  const processes = Number(opt("linshe-processes", "1"));
  const balance = opt("balance", "ports");
  const redis = processes > 1 ? await (await import("../test/support/processes.js")).startRedis() : null;
  const env = {
    DATABASE_URL: url,
    ALLOW_ARBITRARY_OPERATIONS: "1",
    ...(redis ? { REDIS_URL: redis.url, DATABASE_POOL_SIZE: String(Math.ceil(10 / processes)) } : { DATABASE_POOL_SIZE: "10" }),
  };
  // On the bench's Node 22, as `pnpm bench throughput` runs every server (`--node current`: this Node):
  // 0.72–0.77 against 0.89–0.92 ms of API CPU per claim on Node 20 (session 12).
  const node = serverNode("22");
  const apps =
    processes > 1 && balance === "ports"
      ? await Promise.all(Array.from({ length: processes }, () => startChild("bench/app-process.ts", env, node)))
      : [await startChild("bench/app-process.ts", processes > 1 ? { ...env, BENCH_PROCESSES: String(processes) } : env, node)];
  // Per process (a cluster's primary first, then its workers), to see where the CPU of each setup goes.
  const apiSecondsEach = () => Promise.all(apps.flatMap((a) => a.pids).map(cpuSeconds));
  /** The storm over the processes' ports: client i to process i mod n (one port: all to it). */
  const stormApps = async (shiftId: string, tokens: string[], via: StormClient) => {
    const parts = await Promise.all(apps.map((a, k) => stormLinshe(a.url, shiftId, tokens.filter((_, i) => i % apps.length === k), via)));
    const failures = new Map<string, number>();
    for (const p of parts) for (const [m, n] of p.failures) failures.set(m, (failures.get(m) ?? 0) + n);
    return { latencies: parts.flatMap((p) => p.latencies), seconds: Math.max(...parts.map((p) => p.seconds)), failures };
  };
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const people = fx.teamVolunteers.slice(0, 1000);
  const summary = (lat: number[], secs: number) => ({
    claims_per_s: Math.round(people.length / secs),
    p50_ms: Math.round(pct(lat, 50)),
    p99_ms: Math.round(pct(lat, 99)),
    total_s: Math.round(secs * 100) / 100,
  });

  const tokens = await benchTokens(url, people.map((p) => p.accountId));
  // Both paths warm first (JIT, the pools' connections, modules loaded on first use): a popular shift
  // opens on a running server. A whole storm on another fresh shift each, not measured.
  // The bench's HTTP client: kept raw sockets and one pre-built Buffer per claim (`--client socket`, the
  // default, bench/socket-client.ts), `--client http` (node:http with a keep-alive agent, sessions 10–11)
  // or `--client fetch` (global fetch, before session 10): the client shares the 2 cores with the API.
  const via = opt("client", "socket") as StormClient;
  if (!["socket", "http", "fetch"].includes(via)) throw new Error(`--client ${via}: socket, http or fetch`);
  await stormApps(await newShift(client, fx), tokens, via);

  // Linshe over HTTP.
  const idleLinshe = await waitForQuiet();
  const shiftA = await newShift(client, fx);
  const apiCpu = await apiSecondsEach();
  const benchCpu = process.cpuUsage();
  const storm = await stormApps(shiftA, tokens, via);
  const perProcess = (await apiSecondsEach()).map((s, i) => Math.round((s - apiCpu[i]!) * 1000 / people.length * 100) / 100);
  if (perProcess.length > 1) console.log(`API CPU ms per claim by process (a cluster's primary first): ${perProcess.join(" / ")}`);
  const cpu = { api_cpu_ms_per_claim: Math.round(perProcess.reduce((a, b) => a + b, 0) * 100) / 100, bench_cpu_ms_per_claim: Math.round((process.cpuUsage(benchCpu).user + process.cpuUsage(benchCpu).system) / 1000 / people.length * 100) / 100 };
  if (storm.failures.size) console.log("Claims that failed:", Object.fromEntries(storm.failures));
  const linshe = { failed: [...storm.failures.values()].reduce((a, b) => a + b, 0), ...(await verifyStorm(client, shiftA)), ...summary(storm.latencies, storm.seconds), ...cpu, idle_before: idleLinshe };

  // The same claim as one raw SQL statement.
  const idleRaw = await waitForQuiet();
  const shiftB = await newShift(client, fx);
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  pool.on("error", () => {});
  const warm = await newShift(client, fx);
  await Promise.all(people.map((p) => pool.query(CLAIM_SQL, [warm, p.volunteerId])));
  const t1 = performance.now();
  const rawLat = await Promise.all(
    people.map(async (p) => {
      const s = performance.now();
      await pool.query(CLAIM_SQL, [shiftB, p.volunteerId]);
      return performance.now() - s;
    }),
  );
  const rawSecs = (performance.now() - t1) / 1000;
  const raw = { failed: 0, ...(await verifyStorm(client, shiftB)), ...summary(rawLat, rawSecs), idle_before: idleRaw };
  await pool.end();
  await client.end();
  const rows = [
    { path: `Linshe claimShift over HTTP${processes > 1 ? `, ${processes} processes (${balance === "ports" ? "own ports" : "node:cluster"})` : ""}`, ...linshe },
    { path: "raw SQL, one statement", ...raw },
    { path: "Linshe ÷ raw (throughput)", claims_per_s: Math.round((linshe.claims_per_s / raw.claims_per_s) * 100) / 100 },
  ];
  console.table(rows);
  for (const a of apps) await stop(a.child);
  await redis?.stop();
  await server.stop();
  return rows;
}

/**
 * Every simulated phone or dashboard connects from 127.0.0.1: the per-address socket caps (issue 13)
 * are for one real address, and the fan-out multiplexes 100 dashboards per socket, so the benchmarks
 * lift them.
 */
const SOCKET_CAPS_LIFTED = { WS_MAX_SOCKETS_PER_ADDRESS: "100000", WS_MAX_SUBSCRIPTIONS_PER_ADDRESS: "1000000", WS_MAX_SUBSCRIPTIONS_PER_SOCKET: "1000" };

async function fanout(scale: number) {
  const { server, url, fx } = await prepare(scale);
  const app = await startChild("bench/app-process.ts", { DATABASE_URL: url, DATABASE_POOL_SIZE: "10", ALLOW_ARBITRARY_OPERATIONS: "1", ...SOCKET_CAPS_LIFTED }, serverNode("current"));
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const officer = (await client.query<{ id: string }>(`SELECT "accountId" AS id FROM "AccountRole" WHERE role = 'OFFICER' AND "stationId" = $1 ORDER BY "accountId" LIMIT 1`, [fx.stationId])).rows[0]!.id;
  const officerToken = await benchToken(url, officer);
  // Dashboards are spread over this many officers of the station (each viewer's results are executed apart).
  const VIEWERS = Number(opt("viewers", "1"));
  const viewerTokens = [officerToken];
  for (let k = 1; k < VIEWERS; k++) {
    const phone = String(19900000000 + k);
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Account" (id, phone, "passwordHash", "displayName") VALUES (gen_random_uuid(), $1, 'bench-no-password', $2)
       ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone RETURNING id`,
      [phone, `值班民警${k}`],
    );
    await client.query(`INSERT INTO "AccountRole" (id, "accountId", role, "stationId") SELECT gen_random_uuid(), $1, 'OFFICER', $2 WHERE NOT EXISTS (SELECT 1 FROM "AccountRole" WHERE "accountId" = $1 AND role = 'OFFICER')`, [rows[0]!.id, fx.stationId]);
    viewerTokens.push(await benchToken(url, rows[0]!.id));
  }
  const memory = () =>
    new Promise<{ rss: number; heapUsed: number }>((resolve) => {
      app.child.once("message", (m: { rss: number; heapUsed: number }) => resolve(m));
      app.child.send({ type: "memory" });
    });
  const rows = [];
  for (const n of opt("subscribers", "1000,2000").split(",").map(Number)) {
    const before = await memory();
    const clients = Array.from({ length: Math.ceil(n / 100) }, (_, c) =>
      createClient({ url: `${app.url.replace("http", "ws")}/graphql`, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${viewerTokens[c % VIEWERS]}` }, retryAttempts: 0 }),
    );
    // 100 subscriptions share each socket (graphql-ws multiplexes), as many dashboards' tabs would.
    const deliveries: number[] = [];
    let errors = 0;
    // A run whose subscriptions are all refused says why instead of printing only a count.
    let firstError: string | undefined;
    const subs: (() => void)[] = [];
    for (let i = 0; i < n; i++) {
      const c = clients[Math.floor(i / 100)]!;
      subs.push(
        c.subscribe(
          { query: `subscription ($s: ID!) { patrolCheckIns(stationId: $s) { cursor at kind claim { volunteer { displayName } } shift { title grid { name } } } }`, variables: { s: gid("Station", fx.stationId) } },
          {
            next: (r) => (r.errors ? (errors++, (firstError ??= JSON.stringify(r.errors).slice(0, 300))) : deliveries.push(Date.now() - new Date((r.data as { patrolCheckIns: { at: string } }).patrolCheckIns.at).getTime())),
            error: (e) => (errors++, (firstError ??= String(e instanceof Error ? e.message : JSON.stringify(e)).slice(0, 300))),
            complete: () => {},
          },
        ),
      );
    }
    await new Promise((r) => setTimeout(r, 2000 + n));
    const after = await memory();
    // Check-ins on a shift starting soon.
    const id = makeIds(Date.now());
    const shiftId = id();
    await client.query(
      `INSERT INTO "Shift" (id, "stationId", "teamId", kind, title, "startsAt", "endsAt", capacity, "postCode", "createdById", "updatedAt", "confirmedCount")
       VALUES ($1, $2, $3, 'PATROL', '扇出测试', now() + interval '10 minutes', now() + interval '2 hours', 20, '123456', $4, now(), 20)`,
      [shiftId, fx.stationId, fx.teamId, officer],
    );
    const claimIds = [];
    for (const p of fx.teamVolunteers.slice(0, 10)) {
      const cid = id();
      await client.query(`INSERT INTO "ShiftClaim" (id, "shiftId", "volunteerId", status, "updatedAt") VALUES ($1, $2, $3, 'CONFIRMED', now())`, [cid, shiftId, p.volunteerId]);
      claimIds.push(cid);
    }
    const EVENTS = 10;
    for (const cid of claimIds.slice(0, EVENTS)) {
      await fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${officerToken}` },
        body: JSON.stringify({ query: `mutation ($i: CheckInInput!) { checkIn(input: $i) { userErrors { code } } }`, variables: { i: { claimId: gid("ShiftClaim", cid), method: "LEADER" } } }),
      });
      await new Promise((r) => setTimeout(r, 200));
    }
    const deadline = Date.now() + 60_000;
    while (deliveries.length < n * EVENTS && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    rows.push({
      subscribers: n,
      viewers: VIEWERS,
      events: EVENTS,
      delivered: deliveries.length,
      expected: n * EVENTS,
      p50_ms: deliveries.length ? pct(deliveries, 50) : null,
      p99_ms: deliveries.length ? pct(deliveries, 99) : null,
      errors,
      kib_per_subscriber: Math.round((after.heapUsed - before.heapUsed) / n / 1024 * 10) / 10,
    });
    if (firstError) console.error(`fanout: ${errors} subscription errors, the first: ${firstError}`);
    subs.forEach((s) => s());
    await Promise.all(clients.map((c) => c.dispose()));
    await new Promise((r) => setTimeout(r, 1000));
  }
  console.table(rows);
  await client.end();
  await stop(app.child);
  await server.stop();
  return rows;
}

const scale = Number(opt("scale", "1"));
const out: Record<string, unknown> = {};
/**
 * 一键召集 to 15,000 online volunteers (scale 1): every volunteer of the data joins one county-wide
 * team of station 0 and keeps its own graphql-ws socket and `notificationReceived` subscription,
 * spread over 2 API processes on one Redis. One officer starts a call-up with a radius that holds
 * everyone; measured: how many receive it, start-to-receipt p50/p99, the SMS outbox drained by both
 * processes against a local gateway, and memory.
 */
async function callup(scale: number) {
  const { server, url, fx } = await prepare(scale);
  const { startRedis } = await import("../test/support/processes.js");
  const redis = await startRedis();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // The county-wide team, every volunteer with an account in it, home grids at station 0 (idempotent).
  const team = (
    await client.query<{ id: string }>(
      `INSERT INTO "Team" (id, "stationId", name, "updatedAt") VALUES (gen_random_uuid(), $1, '全市应急队（bench）', now())
       ON CONFLICT ("stationId", name) DO UPDATE SET name = EXCLUDED.name RETURNING id`,
      [fx.stationId],
    )
  ).rows[0]!.id;
  // In chunks: each new membership takes an advisory lock (the first-join trigger), and 15,000 of them
  // in one transaction exceed max_locks_per_transaction on a fresh database.
  for (;;) {
    const { rowCount } = await client.query(
      `INSERT INTO "TeamMembership" (id, "teamId", "volunteerId") SELECT gen_random_uuid(), $1, a."volunteerId" FROM "Account" a
       WHERE a."volunteerId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "TeamMembership" m WHERE m."teamId" = $1 AND m."volunteerId" = a."volunteerId")
       LIMIT 1000 ON CONFLICT ("teamId", "volunteerId") DO NOTHING`,
      [team],
    );
    if (!rowCount) break;
  }
  const grids = (await client.query<{ id: string; latitude: number; longitude: number }>(`SELECT id, latitude, longitude FROM "Grid" WHERE "stationId" = $1 ORDER BY id`, [fx.stationId])).rows;
  await client.query(`UPDATE "Volunteer" v SET "homeGridId" = ($1::uuid[])[1 + abs(hashtext(v.id::text)) % $2] WHERE v.status = 'ACTIVE'`, [grids.map((g) => g.id), grids.length]);
  await client.query(`UPDATE "Station" SET "smsDailyBudget" = 100000 WHERE id = $1`, [fx.stationId]);
  // Each run sends 15,000: earlier runs of the same (Shanghai) day must not have used the budget up.
  await client.query(`DELETE FROM "SmsBudgetDay" WHERE "stationId" = $1`, [fx.stationId]);
  // Runs with BENCH_SMS=0 leave their SMS due: they would take this run's sends (and budget).
  await client.query(`UPDATE "SmsMessage" SET status = 'FAILED', "lastError" = 'bench: an earlier run' WHERE status IN ('PENDING', 'SENDING')`);
  await client.query(`UPDATE "Mobilization" SET status = 'CLOSED', "escalateAt" = NULL WHERE status = 'OPEN'`);
  const people = (
    await client.query<{ accountId: string }>(
      `SELECT a.id AS "accountId" FROM "Account" a JOIN "Volunteer" v ON v.id = a."volunteerId" WHERE v.status = 'ACTIVE' AND NOT a.disabled ORDER BY a.id LIMIT $1`,
      [Number(opt("online", "15000"))],
    )
  ).rows;
  const officer = (await client.query<{ id: string }>(`SELECT "accountId" AS id FROM "AccountRole" WHERE role = 'OFFICER' AND "stationId" = $1 LIMIT 1`, [fx.stationId])).rows[0]!.id;
  const officerToken = await benchToken(url, officer);
  const tokens = await benchTokens(url, people.map((p) => p.accountId));

  // A local SMS gateway that answers at once (the outbox's own pace is what is measured).
  let gatewayHits = 0;
  const { createServer } = await import("node:http");
  const gateway = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      gatewayHits++;
      res.writeHead(200, { "content-type": "application/json" }).end(`{"id":"${gatewayHits}"}`);
    });
  });
  await new Promise<void>((r) => gateway.listen(0, "127.0.0.1", () => r()));
  const smsUrl = `http://127.0.0.1:${(gateway.address() as { port: number }).port}/sms`;
  const env = {
    ...SOCKET_CAPS_LIFTED,
    // The bench's own documents (a trimmed inbox subscription) are not among the web's trusted ones.
    ALLOW_ARBITRARY_OPERATIONS: "1",
    DATABASE_URL: url,
    DATABASE_POOL_SIZE: "10",
    REDIS_URL: redis.url,
    BENCH_SMS: process.env.BENCH_SMS ?? "1",
    SMS_PROVIDER: "http",
    SMS_HTTP_URL: smsUrl,
    LOG_LEVEL: "warn",
    METRICS_TOKEN: "bench-metrics",
  };
  const apps = [await startChild("bench/app-process.ts", env), await startChild("bench/app-process.ts", env)];
  const memory = (app: { child: ChildProcess }) =>
    new Promise<{ rss: number; heapUsed: number }>((resolve) => {
      app.child.once("message", (m: { rss: number; heapUsed: number }) => resolve(m));
      app.child.send({ type: "memory" });
    });
  const before = await Promise.all(apps.map(memory));

  // One socket and one subscription per volunteer, half on each process; connected in batches.
  const received = new Map<number, number>();
  let duplicates = 0;
  const firstNotice = new Map<number, unknown>();
  let t0 = 0;
  const warmed = new Set<number>();
  const { sockets, online, stats: clientStats } = await openSubscribers(apps.map((a) => a.url), tokens, Number(opt("batch", "250")), (i, n) => {
    if (n.kind !== "MOBILIZATION") return;
    if (!t0) warmed.add(i);
    else if (!received.has(i)) received.set(i, Date.now() - t0);
    else {
      duplicates++; // told twice: the announcement and a stored row, or two processes
      if (duplicates === 1) console.error("told twice:", i, JSON.stringify(n), JSON.stringify(firstNotice.get(i)));
    }
    if (t0 && !firstNotice.has(i)) firstNotice.set(i, n);
  });
  await new Promise((r) => setTimeout(r, 3000));
  const onlineMemory = await Promise.all(apps.map(memory));
  const onlineAtStart = online.size;
  // What each process counts: its subscriptions at the start, its deliveries at the end.
  const gauge = async (app: { url: string }, name: string) => {
    const text = await (await fetch(`${app.url}/metrics`, { headers: { authorization: "Bearer bench-metrics" } })).text();
    return text.split("\n").filter((l) => l.startsWith(name)).map((l) => Number(l.split(" ").pop())).reduce((a, b) => a + b, 0);
  };
  const subscriptionsAtStart = await Promise.all(apps.map((a) => gauge(a, "linshe_subscriptions")));
  // --warm: the processes first deliver the previous call-up's rows again (bench/app-process.ts
  // floor-replay, nothing written), so the measured call-up runs through code already optimized, as
  // in a server that has delivered notifications before; a fresh process delivers it about twice as
  // slowly (docs/performance.md, session 12).
  let warmUp: { replayed: number; ms: number } | null = null;
  if (args.includes("--warm")) {
    const first = (await client.query<{ xid: string; id: string }>(`SELECT xid::text, id::text FROM "Notification" WHERE kind = 'MOBILIZATION' AND "subjectId" = (SELECT "subjectId" FROM "Notification" WHERE kind = 'MOBILIZATION' ORDER BY id DESC LIMIT 1) ORDER BY xid, id LIMIT 1`)).rows[0];
    if (!first) throw new Error("--warm needs an earlier call-up in the bench database: run `pnpm bench callup` once without it");
    const w0 = Date.now();
    await Promise.all(apps.map((a) => new Promise<void>((resolve) => {
      a.child.once("message", () => resolve());
      a.child.send({ type: "floor-replay", xid: first.xid, id: String(BigInt(first.id) - 1n) });
    })));
    const until = Date.now() + 60_000;
    while (warmed.size < online.size && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    warmUp = { replayed: warmed.size, ms: Date.now() - w0 };
    await new Promise((r) => setTimeout(r, 2000));
  }

  // Deliveries of the warm-up are not the call-up's.
  const deliveredBefore = await Promise.all(apps.map((a) => gauge(a, 'linshe_events_delivered_total{stream="notifications"')));
  const g = grids[0]!;
  // --profile: a CPU profile of both API processes over the call-up (bench/results/callup-<i>.cpuprofile).
  const profiling = args.includes("--profile");
  const profiler = (app: { child: ChildProcess }, type: string, file = "") =>
    new Promise<void>((resolve) => {
      app.child.once("message", () => resolve());
      app.child.send({ type, file });
    });
  if (profiling) {
    await mkdir(path.join(repoRoot, "bench/results"), { recursive: true });
    await Promise.all(apps.map((a) => profiler(a, "profile-start")));
  }
  // The API processes' CPU from the start to the last receipt (utime + stime, clock ticks of 10 ms).
  const { readFileSync } = await import("node:fs");
  const cpuMs = (app: { child: ChildProcess }) => {
    const fields = readFileSync(`/proc/${app.child.pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  };
  const cpuAtStart = apps.map(cpuMs);
  t0 = Date.now();
  if (process.env.BENCH_TRACE) console.error(`TRACE t0 ${t0}`);
  const res = await fetch(`${apps[0]!.url}/graphql`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${officerToken}` },
    body: JSON.stringify({
      query: `mutation ($i: StartMobilizationInput!) { startMobilization(input: $i) { mobilization { id counts { called } } userErrors { code message } } }`,
      variables: { i: { stationId: gid("Station", fx.stationId), reason: "压力测试召集", place: "网格1", latitude: g.latitude, longitude: g.longitude, radiusMeters: 50_000, wanted: 500, escalateAfterMinutes: 30 } },
    }),
  });
  const answer = (await res.json()) as { data?: { startMobilization: { mobilization: { id: string; counts: { called: number } } | null; userErrors: unknown[] } } };
  if (!answer.data) throw new Error(`startMobilization failed (HTTP ${res.status}): ${JSON.stringify(answer)}`);
  const mutationMs = Date.now() - t0;
  if (process.env.BENCH_TRACE) {
    const cpu0 = process.cpuUsage();
    const w0 = Date.now();
    const timer = setInterval(() => console.error(`TRACE bench ${Date.now()} received ${received.size} cpu% ${Math.round(((process.cpuUsage(cpu0).user + process.cpuUsage(cpu0).system) / 1000 / Math.max(1, Date.now() - w0)) * 100)}`), 250);
    setTimeout(() => clearInterval(timer), 15_000);
  }
  const called = answer.data.startMobilization.mobilization?.counts.called ?? 0;
  if (!called) console.error(JSON.stringify(answer));
  const deadline = Date.now() + 60_000;
  while (received.size < onlineAtStart && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  const lastReceipt = Math.max(...received.values());
  const apiCpuMs = apps.map((a, i) => cpuMs(a) - cpuAtStart[i]!);
  if (profiling) await Promise.all(apps.map((a, i) => profiler(a, "profile-stop", path.join(repoRoot, `bench/results/callup-${i}.cpuprofile`))));
  const after = await Promise.all(apps.map(memory));
  const deliveredLive = (await Promise.all(apps.map((a) => gauge(a, 'linshe_events_delivered_total{stream="notifications"')))).map((d, i) => d - deliveredBefore[i]!);
  // Who got nothing: their notifications by writing transaction (a lost batch shows as one xid).
  const mobilizationId = answer.data.startMobilization.mobilization?.id;
  const missing = people.filter((_p, i) => online.has(i) && !received.has(i)).map((p) => p.accountId);
  const missingByXid = missing.length && mobilizationId
    ? (await client.query(`SELECT xid::text, min(id)::text AS min_id, max(id)::text AS max_id, count(*)::int AS n FROM "Notification" WHERE "subjectId" = $1 AND "accountId" = ANY($2::uuid[]) GROUP BY 1 ORDER BY 1`, [Buffer.from(mobilizationId, "base64").toString().split(":").pop(), missing])).rows
    : [];
  if (missing.length) console.error("missing by xid", JSON.stringify(missingByXid), "all by xid", JSON.stringify((await client.query(`SELECT xid::text, min(id)::text AS min_id, max(id)::text AS max_id, count(*)::int AS n FROM "Notification" WHERE "subjectId" = $1 GROUP BY 1 ORDER BY 1`, [Buffer.from(mobilizationId!, "base64").toString().split(":").pop()])).rows));

  // The outbox: both processes' senders drain it.
  const smsStart = Date.now();
  const outbox = async () => (await client.query<{ status: string; n: number }>(`SELECT status::text, count(*)::int AS n FROM "SmsMessage" WHERE kind = 'MOBILIZATION' AND "createdAt" >= to_timestamp($1 / 1000.0) AT TIME ZONE 'UTC' GROUP BY 1`, [t0 - 1000])).rows;
  let sent = 0;
  let total = 0;
  // BENCH_SMS=0: no process sends (the delivery measured alone).
  const smsDeadline = Date.now() + (env.BENCH_SMS === "1" ? 300_000 : 0);
  for (;;) {
    const rows = await outbox();
    total = rows.reduce((a, r) => a + r.n, 0);
    sent = rows.find((r) => r.status === "SENT")?.n ?? 0;
    if ((total && sent >= total) || Date.now() > smsDeadline) break;
    await new Promise((r) => setTimeout(r, 500));
  }
  const smsSeconds = (Date.now() - t0) / 1000;
  const times = [...received.values()];
  const row = {
    online: onlineAtStart,
    reconnects: clientStats.reconnects,
    processes: 2,
    called,
    received: received.size,
    // Counted until the SMS outbox drained: by then every batch of rows is stored.
    told_twice: duplicates,
    received_per_process: [0, 1].map((p) => [...received.keys()].filter((i) => i % 2 === p).length),
    subscriptions_at_start: subscriptionsAtStart,
    warm_up: warmUp ? `${warmUp.replayed} in ${warmUp.ms} ms` : "no",
    delivered_per_process: deliveredLive,
    errors: clientStats.errors,
    completes: clientStats.completes,
    still_online: online.size,
    mutation_ms: mutationMs,
    api_cpu_ms: apiCpuMs,
    // Each process reads every row and delivers to its own subscribers.
    api_cpu_ms_per_delivery: deliveredLive.map((d, i) => (d ? Math.round((apiCpuMs[i]! / d) * 1000) / 1000 : null)),
    p50_ms: times.length ? pct(times, 50) : null,
    p99_ms: times.length ? pct(times, 99) : null,
    last_ms: times.length ? lastReceipt : null,
    sms_queued: total,
    sms_sent: sent,
    sms_per_second: Math.round(sent / smsSeconds),
    sms_drain_s_after_receipts: Math.round((Date.now() - smsStart) / 100) / 10,
    gateway_requests: gatewayHits,
    rss_mib_before: before.map((m) => Math.round(m.rss / 2 ** 20)),
    rss_mib_online: onlineMemory.map((m) => Math.round(m.rss / 2 ** 20)),
    rss_mib_after: after.map((m) => Math.round(m.rss / 2 ** 20)),
    heap_kib_per_subscriber: Math.round(((onlineMemory[0]!.heapUsed + onlineMemory[1]!.heapUsed - before[0]!.heapUsed - before[1]!.heapUsed) / tokens.length / 1024) * 10) / 10,
  };
  console.table([row]);
  for (const s of sockets) void s.dispose();
  await Promise.all(apps.map((a) => stop(a.child)));
  gateway.close();
  await client.end();
  await redis.stop();
  await server.stop();
  return row;
}

/**
 * Issue 19's figures (`pnpm bench stats --scale N`): against Linshe as `pnpm start` runs it, the web's
 * own trusted documents (by hash, as /statistics and /watch send them), one request at a time per
 * connection: a station's statistics for the last 30 days as that station's officer, a region's for
 * the year of generated shifts (26 weeks back, 26 ahead) as its region admin, and /watch's first load
 * (CommandView, then the open call-ups it asks for alongside). The requests cycle over --stations
 * stations (and their regions) so one station's pages in PostgreSQL's cache do not stand for all.
 */
async function stats(scale: number) {
  const { server, url, fx } = await prepare(scale);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  // Stations spread over the data, and an officer for each (idempotent); the region admins exist.
  const STATIONS = Number(opt("stations", "20"));
  const picked = (
    await client.query<{ id: string; regionId: string }>(
      `SELECT id, "regionId" FROM (SELECT id, "regionId", row_number() OVER (ORDER BY substring(name from 4)::int) AS k, count(*) OVER () AS n FROM "Station" WHERE name LIKE '派出所%') s
       WHERE (k - 1) % greatest(1, n / $1) = 0 ORDER BY k LIMIT $1`,
      [STATIONS],
    )
  ).rows;
  const officers: string[] = [];
  for (const [k, st] of picked.entries()) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "Account" (id, phone, "passwordHash", "displayName") VALUES (gen_random_uuid(), $1, 'bench-no-password', $2)
       ON CONFLICT (phone) DO UPDATE SET phone = EXCLUDED.phone RETURNING id`,
      [String(19700000000 + k), `统计民警${k}`],
    );
    await client.query(
      `INSERT INTO "AccountRole" (id, "accountId", role, "stationId") SELECT gen_random_uuid(), $1, 'OFFICER', $2
       WHERE NOT EXISTS (SELECT 1 FROM "AccountRole" WHERE "accountId" = $1 AND role = 'OFFICER' AND "stationId" = $2)`,
      [rows[0]!.id, st.id],
    );
    officers.push(rows[0]!.id);
  }
  const regionIds = [...new Set(picked.map((s) => s.regionId))];
  const admins = (await client.query<{ accountId: string; regionId: string }>(`SELECT DISTINCT ON ("regionId") "accountId", "regionId" FROM "AccountRole" WHERE role = 'REGION_ADMIN' AND "regionId" = ANY($1::uuid[]) ORDER BY "regionId", "accountId"`, [regionIds])).rows;
  if (admins.length !== regionIds.length) throw new Error("a region without its admin: regenerate the data (--regenerate)");
  const stationsPerRegion = (await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM "Station" WHERE "regionId" = $1`, [regionIds[0]])).rows[0]!.n;
  await client.end();
  const officerTokens = await benchTokens(url, officers);
  const adminTokens = new Map((await benchTokens(url, admins.map((a) => a.accountId))).map((t, i) => [admins[i]!.regionId, t]));

  // The web's documents, by the hash it sends.
  const manifest = JSON.parse(await readFile(path.join(repoRoot, "web/src/gql/persisted-documents.json"), "utf8")) as Record<string, string>;
  const hashOf = (name: string) => {
    const hit = Object.entries(manifest).find(([, doc]) => doc.startsWith(`query ${name}(`));
    if (!hit) throw new Error(`${name} is not among the web's trusted documents`);
    return hit[0];
  };
  const DAY = 86_400_000;
  const now = Date.now();
  const month = { from: new Date(now - 30 * DAY).toISOString(), to: new Date(now).toISOString() };
  const year = { from: new Date(now - 182 * DAY).toISOString(), to: new Date(now + 182 * DAY).toISOString() };
  const cases = [
    { name: "stationStatistics, 30 days, officer", op: "StationStatistics", request: (k: number) => ({ token: officerTokens[k % picked.length]!, variables: { stationId: gid("Station", picked[k % picked.length]!.id), ...month } }), check: (d: any) => d.stationStatistics?.shiftsPublished > 0 },
    { name: `regionStatistics, 364 days, region admin (${stationsPerRegion} stations)`, op: "RegionStatistics", request: (k: number) => ({ token: adminTokens.get(regionIds[k % regionIds.length]!)!, variables: { regionId: gid("Region", regionIds[k % regionIds.length]!), ...year } }), check: (d: any) => d.regionStatistics?.stations.length === stationsPerRegion },
    { name: "/watch first load: CommandView, officer", op: "CommandView", request: (k: number) => ({ token: officerTokens[k % picked.length]!, variables: { stationId: gid("Station", picked[k % picked.length]!.id) } }), check: (d: any) => d.commandView?.length >= 9 },
    { name: "/watch first load: CommandCallUps, officer", op: "CommandCallUps", request: (k: number) => ({ token: officerTokens[k % picked.length]!, variables: { stationId: gid("Station", picked[k % picked.length]!.id) } }), check: (d: any) => Array.isArray(d.mobilizations?.edges) },
  ] as const;
  // --only StationStatistics,CommandView: some of them.
  const only = opt("only", "").split(",").filter(Boolean);
  const app = await startChild("bench/app-process.ts", { DATABASE_URL: url, LOG_LEVEL: "warn" }, serverNode("current"));
  const pgPids = await postgresPids(url);
  // CPU per request (server process + PostgreSQL's backends, from /proc): on this shared machine
  // latency moves with the other work, the CPU a request costs much less.
  const pgCpu = async () => (await Promise.all((pgPids ? await pgPids() : []).map(cpuSeconds))).filter((t) => t >= 0).reduce((a, b) => a + b, 0);
  const REQUESTS = Number(opt("requests", "200"));
  const rows = [];
  for (const c of cases.filter((x) => !only.length || only.includes(x.op))) {
    const hash = hashOf(c.op);
    const once = async (k: number) => {
      const { token, variables } = c.request(k);
      const t0 = performance.now();
      const res = await fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ operationName: c.op, variables, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } }),
      });
      const body = (await res.json()) as { data?: unknown; errors?: unknown };
      const ms = performance.now() - t0;
      if (body.errors || !c.check(body.data)) throw new Error(`${c.name}: ${JSON.stringify(body).slice(0, 500)}`);
      return { ms, bytes: JSON.stringify(body).length };
    };
    // Warm-up: each station (or region) once, not counted.
    for (let k = 0; k < picked.length; k++) await once(k);
    const idleBefore = await waitForQuiet();
    const latencies: number[] = [];
    let bytes = 0;
    let next = 0;
    const t0 = performance.now();
    const cpuBefore = { server: await cpuSeconds(app.child.pid!), pg: await pgCpu() };
    await Promise.all(
      Array.from({ length: CONNECTIONS_STATS }, async () => {
        while (next < REQUESTS) {
          const r = await once(next++);
          latencies.push(r.ms);
          bytes = Math.max(bytes, r.bytes);
        }
      }),
    );
    const cpuMs = (after: number, before: number) => Math.round(((after - before) / latencies.length) * 1e4) / 10;
    const cpu = { server: cpuMs(await cpuSeconds(app.child.pid!), cpuBefore.server), pg: cpuMs(await pgCpu(), cpuBefore.pg) };
    const row = {
      query: c.name,
      scale,
      requests: latencies.length,
      connections: CONNECTIONS_STATS,
      p50_ms: Math.round(pct(latencies, 50) * 10) / 10,
      p99_ms: Math.round(pct(latencies, 99) * 10) / 10,
      max_ms: Math.round(Math.max(...latencies) * 10) / 10,
      req_per_s: Math.round((latencies.length / ((performance.now() - t0) / 1000)) * 10) / 10,
      server_cpu_ms: cpu.server,
      pg_cpu_ms: pgPids ? cpu.pg : null,
      largest_answer_kib: Math.round(bytes / 102.4) / 10,
      idle_before: idleBefore,
      load_average: os.loadavg().map((x) => Math.round(x * 100) / 100),
    };
    console.log(JSON.stringify(row));
    rows.push(row);
  }
  console.table(rows.map(({ load_average: _, ...r }) => r));
  console.log(`uptime load average at the end: ${os.loadavg().map((x) => x.toFixed(2)).join(", ")}`);
  await stop(app.child);
  await server.stop();
  return { stations: picked.length, regions: regionIds.length, stationsPerRegion, month, year, rows };
}
// One request at a time per connection; 1 = a single user's latency.
const CONNECTIONS_STATS = Number(opt("connections", "1"));

if (scenario === "generate") await (await prepare(scale)).server.stop();
if (scenario === "stats") out.stats = await stats(scale);
if (scenario === "throughput" || scenario === "all") out.throughput = await throughput(scale);
if (scenario === "sql" || scenario === "all") out.sql = await sqlPerRequest(scale);
if (scenario === "claims" || scenario === "all") out.claims = await claimStorm(scale);
if (scenario === "fanout" || scenario === "all") out.fanout = await fanout(scale);
if (scenario === "callup") out.callup = await callup(scale);
if (scenario === "growth") {
  const growth = [];
  for (const s of opt("scales", "1,10").split(",").map(Number)) growth.push(...(await throughput(s)));
  out.growth = growth;
  console.table(growth);
}
await mkdir(path.join(repoRoot, "bench/results"), { recursive: true });
const file = path.join(repoRoot, "bench/results", `${scenario}-s${scale}-${Date.now()}.json`);
await writeFile(file, JSON.stringify({ ...results, ...out }, null, 2));
console.log(`Wrote ${path.relative(process.cwd(), file)}`);
process.exit(0);
