// pnpm tsx bench/profile.ts [board|shifts|claims] [--scale N] [--seconds S] [--node 22|current|PATH] [--callers=fn]
// CPU profile of Linshe's API process (as the bench runs it) during one load, start-up and warm-up left out:
//   board  — the public commendation board, first 20, executed (cache off), 20 connections
//   shifts — the shift board, first 50, signed in as a volunteer, 20 connections
//   claims — the claim storm: 1,000 volunteers claim one 10-seat shift at once
// Prints self time by layer (Prisma, pg, Pothos, graphql-js, yoga, GC, socket writes, …) and by
// function, and writes the summary to bench/results/profile-<page>-<time>.json.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import autocannon from "autocannon";
import pg from "pg";
import { repoRoot } from "../api/src/infra/migrations.js";
import { benchDatabase, benchServer } from "./db.js";
import { fixtures } from "./generate.js";
import { BOARD_GQL, SHIFTS_GQL } from "./queries.js";

// The token secret `pnpm bench` sets, for this process and the API's (read when config.ts loads).
process.env.AUTH_SECRET ||= "bench-secret";
const { benchToken, benchTokens } = await import("./tokens.js");
const { newShift, pct, stormLinshe, verifyStorm } = await import("./storm.js");

const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const which = (["board", "shifts", "claims"] as const).find((w) => args.includes(w)) ?? "shifts";
const SECONDS = Number(opt("seconds", "10"));
// The bench's Node 22 by default, as `pnpm bench throughput` and `claims` run the API.
const nodeOpt = opt("node", "22");
const node = nodeOpt === "current" ? process.execPath : nodeOpt === "22" ? path.join(repoRoot, "bench/postgraphile/node_modules/node/bin/node") : nodeOpt;
if (!existsSync(node)) throw new Error(`${node} not found (run \`pnpm bench throughput\` once to install the bench's Node 22)`);

const server = await benchServer();
const { url } = await benchDatabase(server.adminUrl, Number(opt("scale", "1")));
const fx = await fixtures(url);
const dir = `/tmp/linshe-prof-${which}`;
await rm(dir, { recursive: true, force: true });
const child = spawn(node, ["--max-semi-space-size=64", "--import", "tsx", path.join(repoRoot, "bench/app-process.ts")], {
  cwd: repoRoot,
  // As `pnpm bench` runs it; the board executed on every request (its cache is another page's story).
  env: { ...process.env, DATABASE_URL: url, DATABASE_POOL_SIZE: "10", NODE_ENV: "production", LINSHE_DEMO: "0", PUBLIC_CACHE_SECONDS: "0", ALLOW_ARBITRARY_OPERATIONS: "1" },
  stdio: ["ignore", "pipe", "inherit", "ipc"],
});
const appUrl = await new Promise<string>((r) => child.stdout!.on("data", (d: Buffer) => { const m = /LISTENING (\S+)/.exec(String(d)); if (m) r(m[1]!); }));
const stationId = Buffer.from(`Station:${fx.stationId}`).toString("base64");
await mkdir(dir, { recursive: true });
const profileFile = path.join(dir, `${which}.cpuprofile`);
/** Asks the API process to start or stop its CPU profile (bench/app-process.ts) and waits for the answer. */
const profiler = (type: "profile-start" | "profile-stop") =>
  new Promise<void>((resolve) => {
    child.once("message", () => resolve());
    child.send({ type, file: profileFile });
  });
let load: Record<string, unknown>;
if (which === "claims") {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const shiftId = await newShift(client, fx);
  const tokens = await benchTokens(url, fx.teamVolunteers.slice(0, 1000).map((p) => p.accountId));
  // Warm-up, as `pnpm bench claims` does: a whole storm on another fresh shift, not profiled.
  await stormLinshe(appUrl, await newShift(client, fx), tokens);
  await profiler("profile-start");
  const storm = await stormLinshe(appUrl, shiftId, tokens);
  await profiler("profile-stop");
  load = { claims_per_s: Math.round(1000 / storm.seconds), p50_ms: Math.round(pct(storm.latencies, 50)), p99_ms: Math.round(pct(storm.latencies, 99)), failed: storm.failures.size, ...(await verifyStorm(client, shiftId)) };
  await client.end();
} else {
  const token = await benchToken(url, fx.viewerAccountId);
  const body = JSON.stringify({ query: which === "board" ? BOARD_GQL : SHIFTS_GQL, variables: { stationId, first: which === "board" ? 20 : 50 } });
  const headers = { "content-type": "application/json", ...(which === "shifts" ? { authorization: `Bearer ${token}` } : {}) };
  await autocannon({ url: `${appUrl}/graphql`, method: "POST", connections: 20, duration: 3, headers, body }); // warm-up, not profiled
  await profiler("profile-start");
  const r = await autocannon({ url: `${appUrl}/graphql`, method: "POST", connections: 20, duration: SECONDS, headers, body });
  await profiler("profile-stop");
  load = { rps: r.requests.average, p50_ms: r.latency.p50, p99_ms: r.latency.p99, errors: r.errors + r.non2xx };
}
console.log(`${which} on ${node === process.execPath ? process.version : node}:`, load);
await new Promise((res) => { child.once("exit", res); child.kill("SIGTERM"); });
await server.stop();

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number; children?: number[] }
const prof = JSON.parse(await readFile(profileFile, "utf8")) as { nodes: ProfileNode[] };

/** The layer a sampled frame belongs to, from its package (or Node's own modules). */
const SOCKET_WRITES = new Set(["writev", "writeUtf8String", "writeBuffer", "writeLatin1String", "writeAsciiString", "writeUcs2String", "_writeGeneric", "_writev"]);
function layerOf(f: ProfileNode["callFrame"]): string {
  const fn = f.functionName;
  if (fn === "(garbage collector)") return "GC";
  if (fn === "(idle)") return "(idle)";
  if (fn === "(program)") return "V8 (program: compiling, ICs, runtime)";
  if (SOCKET_WRITES.has(fn)) return "socket writes";
  if (f.url.startsWith("wasm://")) return "Prisma runtime (incl. query compiler wasm, adapter-pg)";
  const m = /node_modules\/(@[^/]+\/[^/]+|[^/]+)\/(?!.*node_modules\/)/.exec(f.url);
  const pkg = m?.[1] ?? "";
  if (pkg.startsWith("@prisma/")) return "Prisma runtime (incl. query compiler wasm, adapter-pg)";
  if (/^(pg|pg-protocol|pg-types|pg-pool|pg-connection-string|postgres-array|postgres-date|postgres-bytea|postgres-interval|pgpass|split2)$/.test(pkg)) return "pg driver";
  if (pkg === "@pothos/plugin-scope-auth") return "Pothos scope-auth";
  if (pkg.startsWith("@pothos/")) return "Pothos (core, prisma plugin, relay, selection mapper)";
  if (pkg === "graphql" || pkg.startsWith("@graphql-tools/")) return "GraphQL executor (graphql-js, @graphql-tools/executor)";
  if (pkg === "graphql-yoga" || pkg.startsWith("@graphql-yoga/") || pkg.startsWith("@whatwg-node/") || pkg.startsWith("@envelop/")) return "yoga (HTTP, envelop, whatwg-node)";
  if (pkg === "dataloader") return "dataloader";
  if (pkg) return `other package: ${pkg}`;
  if (f.url.includes("/api/src/")) return "Linshe's own code (api/src)";
  if (f.url.startsWith("node:") || f.url === "" ) return f.url ? "Node core (http, net, streams, timers)" : "native (JSON, crypto, builtins)";
  return `other: ${f.url}`;
}
const busy = prof.nodes.filter((n) => n.callFrame.functionName !== "(idle)").reduce((s, n) => s + n.hitCount, 0);
const sum = (key: (n: ProfileNode) => string) => {
  const m = new Map<string, number>();
  for (const n of prof.nodes) if (n.callFrame.functionName !== "(idle)" && n.hitCount) m.set(key(n), (m.get(key(n)) ?? 0) + n.hitCount);
  return [...m].sort((a, b) => b[1] - a[1]).map(([name, hits]) => ({ name, pct: Math.round((hits / busy) * 1000) / 10 }));
};
const short = (url: string) => url.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, "").replace("file://" + repoRoot, "");
const layers = sum((n) => layerOf(n.callFrame));
const functions = sum((n) => `${n.callFrame.functionName || "(anon)"} ${short(n.callFrame.url)}:${n.callFrame.lineNumber} [${layerOf(n.callFrame)}]`).slice(0, 40);
// Node's own modules, builtins and socket writes, charged to the nearest caller in a package or in api/src.
const parentOf = new Map<number, number>();
for (const n of prof.nodes) for (const c of n.children ?? []) parentOf.set(c, n.id);
const nodeById = new Map(prof.nodes.map((n) => [n.id, n]));
const generic = (l: string) => /^(Node core|native|socket writes|V8)/.test(l);
const byCaller = sum((n) => {
  const own = layerOf(n.callFrame);
  if (!generic(own)) return "-";
  for (let p = parentOf.get(n.id); p !== undefined; p = parentOf.get(p)) {
    const l = layerOf(nodeById.get(p)!.callFrame);
    if (!generic(l)) return `${own} ← ${l}`;
  }
  return `${own} ← (event loop, no package caller)`;
}).filter((x) => x.name !== "-");
const idle = prof.nodes.filter((n) => n.callFrame.functionName === "(idle)").reduce((s, n) => s + n.hitCount, 0);
const show = (xs: { name: string; pct: number }[]) => xs.map((x) => `${x.pct.toFixed(1).padStart(5)}%  ${x.name}`).join("\n");
console.log(`\nSelf time by layer (share of the process's busy samples; idle ${Math.round((idle / (idle + busy)) * 100)}% of all):\n` + show(layers));
console.log("\nNode core, builtins and socket writes by the layer that called them:\n" + show(byCaller.slice(0, 15)));
console.log("\nBy function:\n" + show(functions));
const target = args.find((a) => a.startsWith("--callers="))?.slice(10);
if (target) {
  const parent = new Map<number, number>();
  for (const n of prof.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const chains = new Map<string, number>();
  for (const n of prof.nodes) {
    if (n.callFrame.functionName !== target || !n.hitCount) continue;
    const chain: string[] = [];
    for (let p = parent.get(n.id); p !== undefined && chain.length < 8; p = parent.get(p)) chain.push(byId.get(p)!.callFrame.functionName || "(anon)");
    chains.set(chain.join(" < "), (chains.get(chain.join(" < ")) ?? 0) + n.hitCount);
  }
  console.log(`\nCallers of ${target}:\n` + [...chains].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([c, h]) => `${((h / busy) * 100).toFixed(1)}%  ${c}`).join("\n"));
}
await mkdir(path.join(repoRoot, "bench/results"), { recursive: true });
const out = path.join(repoRoot, "bench/results", `profile-${which}-${Date.now()}.json`);
await writeFile(out, JSON.stringify({ date: new Date().toISOString(), page: which, node: node === process.execPath ? process.version : node, load, idle_share: idle / (idle + busy), layers, node_core_by_caller: byCaller, functions, cpuprofile: profileFile }, null, 2));
console.log(`\nWrote ${path.relative(process.cwd(), out)}; the full profile: ${profileFile} (open in Chrome DevTools)`);
process.exit(0);
