// AUTH_SECRET=bench-secret pnpm tsx bench/storm-stats.ts [socket,http,fetch,socket-new,http-new] [rounds]
// The claim storm of `pnpm bench claims` on one warm API process, storms back to back (each client in
// turn), and per storm: claims/s, p50/p99, CPU ms per claim of the bench process, the API process and
// PostgreSQL's backends (from /proc), and the statements the API sent by source (from /metrics).
// STORM_ENV='{"LOG_SQL":"1"}' STORM_LOG=file writes the API's log (with LOG_SQL, every statement) to file.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import path from "node:path";
import pg from "pg";
import { benchDatabase, benchServer } from "./db.js";
import { fixtures } from "./generate.js";
process.env.AUTH_SECRET ||= "bench-secret";
const { benchTokens } = await import("./tokens.js");
const { dropConnections, newShift, pct, stormLinshe, verifyStorm } = await import("./storm.js");
type StormClient = import("./storm.js").StormClient;
const root = process.cwd();
const server = await benchServer();
const { url } = await benchDatabase(server.adminUrl, 1);
const fx = await fixtures(url);
// STORM_NODE=22: the API on the bench's Node 22 (bench/postgraphile), as `pnpm bench claims` runs it.
const node = process.env.STORM_NODE === "22" ? path.join(root, "bench/postgraphile/node_modules/node/bin/node") : process.env.STORM_NODE || process.execPath;
const child = spawn(node, ["--max-semi-space-size=64", "--import", "tsx", path.join(root, "bench/app-process.ts")], {
  cwd: root,
  env: { ...process.env, DATABASE_URL: url, DATABASE_POOL_SIZE: "10", NODE_ENV: "production", LINSHE_DEMO: "0", PUBLIC_CACHE_SECONDS: "0", ALLOW_ARBITRARY_OPERATIONS: "1", METRICS_TOKEN: "m", ...(process.env.STORM_ENV ? JSON.parse(process.env.STORM_ENV) : {}) },
  stdio: ["ignore", "pipe", "inherit", "ipc"],
});
const appUrl = await new Promise<string>((r) => child.stdout!.on("data", (d: Buffer) => { const m = /LISTENING (\S+)/.exec(String(d)); if (m) r(m[1]!); }));
if (process.env.STORM_LOG) { const { createWriteStream } = await import("node:fs"); const w = createWriteStream(process.env.STORM_LOG); child.stdout!.pipe(w); }
const cpuSeconds = async (pid: number) => { const f = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) / 100; };
const client = new pg.Client({ connectionString: url });
await client.connect();
const tokens = await benchTokens(url, fx.teamVolunteers.slice(0, 1000).map((p) => p.accountId));
// A mode ending in "-new" (socket-new, http-new) closes the kept connections before each of its storms.
const modes = (process.argv[2] ?? "socket").split(",");
const via = (mode: string) => mode.replace(/-new$/, "") as StormClient;
for (const mode of modes) await stormLinshe(appUrl, await newShift(client, fx), tokens, via(mode));
const metrics = async () => {
  const t = await (await fetch(`${appUrl}/metrics`, { headers: { authorization: "Bearer m" } })).text();
  const out: Record<string, number> = {};
  for (const m of t.matchAll(/^linshe_sql_statements_total\{source="(\w+)"\} (\d+)/gm)) out[m[1]!] = Number(m[2]);
  return out;
};
const pgCpu = async () => {
  const pids = (await client.query("SELECT pid FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()")).rows.map((r) => r.pid as number);
  let s = 0;
  for (const p of pids) s += await cpuSeconds(p).catch(() => 0);
  return s;
};
for (let round = 0; round < Number(process.argv[3] ?? 2); round++) {
  for (const mode of modes) {
    const sid = await newShift(client, fx);
    const m0 = await metrics();
    const pg0 = await pgCpu();
    const a = await cpuSeconds(child.pid!);
    const mine = process.cpuUsage();
    if (mode.endsWith("-new")) dropConnections();
    const s = await stormLinshe(appUrl, sid, tokens, via(mode));
    const u = process.cpuUsage(mine);
    const api = ((await cpuSeconds(child.pid!)) - a) * 1000 / 1000;
    const pgMs = ((await pgCpu()) - pg0);
    const m1 = await metrics();
    const stm = Object.fromEntries(Object.entries(m1).map(([k, v]) => [k, v - (m0[k] ?? 0)]));
    const v = await verifyStorm(client, sid);
    console.log(`${mode}: ${Math.round(1000 / s.seconds)} claims/s, p50 ${Math.round(pct(s.latencies, 50))} p99 ${Math.round(pct(s.latencies, 99))} ms, bench ${((u.user + u.system) / 1000 / 1000).toFixed(2)} ms/claim, API ${api.toFixed(2)} ms/claim, PG ${pgMs.toFixed(2)} ms/claim, stmts ${JSON.stringify(stm)}, failed ${[...s.failures.values()].reduce((x, y) => x + y, 0)} ${JSON.stringify(v)} load ${loadavg()[0]!.toFixed(1)}`);
  }
}
child.kill("SIGTERM");
await client.end();
await server.stop();
process.exit(0);
