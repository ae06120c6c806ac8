// pnpm tsx bench/ab.ts <rootA> <rootB> [--page board|shifts] [--seconds 5] [--rounds 4]
// Interleaved A/B of two checkouts of Linshe (A, B, A, B …) on the bench's database: req/s and the
// API process's CPU ms per request (from /proc), for comparing a change with its base on a busy machine.
import { spawn, type ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import path from "node:path";
import autocannon from "autocannon";
import { benchDatabase, benchServer } from "./db.js";
import { fixtures } from "./generate.js";
import { BOARD_GQL, SHIFTS_GQL } from "./queries.js";

process.env.AUTH_SECRET ||= "bench-secret";
const { benchToken } = await import("./tokens.js");
const args = process.argv.slice(2);
const opt = (name: string, fallback: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : fallback);
const roots = args.filter((a, i) => !a.startsWith("--") && !args[i - 1]?.startsWith("--")).map((r) => path.resolve(r));
const page = opt("page", "board");
const SECONDS = Number(opt("seconds", "5"));
const ROUNDS = Number(opt("rounds", "4"));

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
const apps: { root: string; child: ChildProcess; url: string }[] = [];
for (const root of roots) {
  const child = spawn(process.execPath, ["--max-semi-space-size=64", "--import", "tsx", path.join(root, "bench/app-process.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, DATABASE_POOL_SIZE: "10", NODE_ENV: "production", LINSHE_DEMO: "0", PUBLIC_CACHE_SECONDS: "0", ALLOW_ARBITRARY_OPERATIONS: "1" },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  const appUrl = await new Promise<string>((r) => child.stdout!.on("data", (d: Buffer) => { const m = /LISTENING (\S+)/.exec(String(d)); if (m) r(m[1]!); }));
  const first = await (await fetch(`${appUrl}/graphql`, { method: "POST", headers, body })).json();
  if (!first.data) throw new Error(`${root}: ${JSON.stringify(first).slice(0, 300)}`);
  await autocannon({ url: `${appUrl}/graphql`, method: "POST", connections: 20, duration: 3, headers, body });
  apps.push({ root, child, url: appUrl });
}
const results = new Map<string, { rps: number; cpu: number }[]>(roots.map((r) => [r, []]));
for (let round = 0; round < ROUNDS; round++) {
  for (const app of round % 2 ? [...apps].reverse() : apps) {
    const before = await cpuSeconds(app.child.pid!);
    const r = await autocannon({ url: `${app.url}/graphql`, method: "POST", connections: 20, duration: SECONDS, headers, body });
    const cpu = ((await cpuSeconds(app.child.pid!)) - before) * 1000 / r.requests.total;
    results.get(app.root)!.push({ rps: r.requests.average, cpu });
    console.log(`${path.basename(app.root)} round ${round}: ${r.requests.average} req/s, ${cpu.toFixed(2)} ms CPU/request, errors ${r.errors + r.non2xx}, load ${loadavg()[0]!.toFixed(1)}`);
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [root, rs] of results) console.log(`${path.basename(root)}: median ${median(rs.map((r) => r.rps))} req/s, ${median(rs.map((r) => r.cpu)).toFixed(2)} ms CPU/request`);
for (const app of apps) app.child.kill("SIGTERM");
await server.stop();
process.exit(0);
