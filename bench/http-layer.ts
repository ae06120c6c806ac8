// AUTH_SECRET=bench-secret pnpm tsx bench/http-layer.ts [node binary] [rounds]: the board (first 20, public, cache off)
// through yoga and through a bare node:http handler running the same envelop (bench/http-layer-process.ts),
// in one API process, interleaved: the server CPU per request that yoga's HTTP layer costs.
import { spawn } from "node:child_process";
import { readFile } from "node:fs/promises";
import { loadavg } from "node:os";
import autocannon from "autocannon";
import { benchDatabase, benchServer } from "./db.js";
import { fixtures } from "./generate.js";
import { BOARD_GQL } from "./queries.js";
const server = await benchServer();
const { url } = await benchDatabase(server.adminUrl, 1);
const fx = await fixtures(url);
const body = JSON.stringify({ query: BOARD_GQL, variables: { stationId: Buffer.from(`Station:${fx.stationId}`).toString("base64"), first: 20 } });
const headers = { "content-type": "application/json" };
const cpu = async (pid: number) => { const f = (await readFile(`/proc/${pid}/stat`, "utf8")).split(") ")[1]!.split(" "); return (Number(f[11]) + Number(f[12])) / 100; };
const child = spawn(process.argv[2] ?? process.execPath, ["--max-semi-space-size=64", "--import", "tsx", "bench/http-layer-process.ts"], { env: { ...process.env, DATABASE_URL: url, DATABASE_POOL_SIZE: "10", NODE_ENV: "production", LINSHE_DEMO: "0", PUBLIC_CACHE_SECONDS: "0", ALLOW_ARBITRARY_OPERATIONS: "1" }, stdio: ["ignore", "pipe", "inherit"] });
let out = "";
await new Promise<void>((r) => child.stdout!.on("data", (d: Buffer) => { out += d; if (/LISTENING/.test(out)) r(); }));
const urls = { yoga: /LISTENING (\S+)/.exec(out)![1]!, fast: /FAST (\S+)/.exec(out)![1]!, bare: /BARE (\S+)/.exec(out)![1]! };
const a = await (await fetch(`${urls.yoga}/graphql`, { method: "POST", headers, body })).json();
const b = await (await fetch(`${urls.fast}/graphql`, { method: "POST", headers, body })).json();
if (JSON.stringify(a) !== JSON.stringify(b) || !a.data) throw new Error(`different answers: ${JSON.stringify(a).slice(0, 200)}`);
for (const u of Object.values(urls)) await autocannon({ url: `${u}/graphql`, method: "POST", connections: 20, duration: 3, headers, body });
const res: Record<string, number[]> = { yoga: [], fast: [], bare: [] };
const ROUNDS = Number(process.argv[3] ?? "6");
const kinds = ["yoga", "fast", "bare"] as const;
for (let i = 0; i < ROUNDS; i++) for (const k of kinds.map((_, j) => kinds[(i + j) % 3]!)) {
  const c0 = await cpu(child.pid!);
  const r = await autocannon({ url: `${urls[k]}/graphql`, method: "POST", connections: 20, duration: 5, headers, body });
  const ms = ((await cpu(child.pid!)) - c0) * 1000 / r.requests.total;
  res[k]!.push(ms);
  console.log(`${k} round ${i}: ${r.requests.average} req/s, ${ms.toFixed(2)} ms CPU/request, errors ${r.errors + r.non2xx}, load ${loadavg()[0]!.toFixed(1)}`);
}
const med = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
console.log(`median ms CPU/request: yoga ${med(res.yoga!).toFixed(2)}, bare http with headers, log line and metric ${med(res.fast!).toFixed(2)}, bare http without them ${med(res.bare!).toFixed(2)}`);
// Per round the three ran next to each other: the differences within a round are steadier than the medians.
const d = (k: "fast" | "bare") => med(res.yoga!.map((y, i) => y - res[k]![i]!)).toFixed(2);
console.log(`median of the per-round differences: yoga − bare with them ${d("fast")} ms, yoga − bare without them ${d("bare")} ms`);
child.kill("SIGTERM");
await server.stop();
process.exit(0);
