// pnpm tsx bench/profile.ts [board|shifts] [--scale N]: CPU profile of the API process under the
// scenario 1 load; prints the top functions by self time (for finding where a request's CPU goes).
import { spawn } from "node:child_process";
import { readdir, readFile, rm } from "node:fs/promises";
import path from "node:path";
import autocannon from "autocannon";
import { benchToken } from "./tokens.js";
import { repoRoot } from "../api/src/infra/migrations.js";
import { benchDatabase, benchServer } from "./db.js";
import { fixtures } from "./generate.js";
import { BOARD_GQL, SHIFTS_GQL } from "./queries.js";

const which = process.argv[2] === "board" ? "board" : "shifts";
const server = await benchServer();
const { url } = await benchDatabase(server.adminUrl, 1);
const fx = await fixtures(url);
const token = await benchToken(url, fx.viewerAccountId);
const dir = "/tmp/linshe-prof";
await rm(dir, { recursive: true, force: true });
const child = spawn(process.execPath, ["--cpu-prof", `--cpu-prof-dir=${dir}`, "--max-semi-space-size=64", "--import", "tsx", path.join(repoRoot, "bench/app-process.ts")], {
  cwd: repoRoot,
  env: { ...process.env, DATABASE_URL: url, NODE_ENV: "production", LINSHE_DEMO: "0" },
  stdio: ["ignore", "pipe", "inherit", "ipc"],
});
const appUrl = await new Promise<string>((r) => child.stdout!.on("data", (d: Buffer) => { const m = /LISTENING (\S+)/.exec(String(d)); if (m) r(m[1]!); }));
const body = JSON.stringify({ query: which === "board" ? BOARD_GQL : SHIFTS_GQL, variables: { stationId: Buffer.from(`Station:${fx.stationId}`).toString("base64"), first: which === "board" ? 20 : 50 } });
const r = await autocannon({ url: `${appUrl}/graphql`, method: "POST", connections: 20, duration: 10, headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body });
console.log(`${which}: ${r.requests.average} req/s, errors ${r.errors + r.non2xx}`);
await new Promise((res) => { child.once("exit", res); child.kill("SIGTERM"); });
await server.stop();
const file = (await readdir(dir))[0]!;
const prof = JSON.parse(await readFile(path.join(dir, file), "utf8")) as { nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount: number }[] };
const total = prof.nodes.reduce((n, x) => n + x.hitCount, 0);
const byFn = new Map<string, number>();
const byFile = new Map<string, number>();
for (const n of prof.nodes) {
  const f = n.callFrame.url.replace(/^.*node_modules\/\.pnpm\/([^/]+)\/node_modules\//, "").replace("file://" + repoRoot, "");
  const key = `${n.callFrame.functionName || "(anon)"} ${f}:${n.callFrame.lineNumber}`;
  byFn.set(key, (byFn.get(key) ?? 0) + n.hitCount);
  const pkg = f.split("/").slice(0, f.startsWith("@") ? 2 : 1).join("/") || n.callFrame.functionName;
  byFile.set(pkg, (byFile.get(pkg) ?? 0) + n.hitCount);
}
const top = (m: Map<string, number>, k: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, k).map(([name, hits]) => `${((hits / total) * 100).toFixed(1).padStart(5)}%  ${name}`).join("\n");
console.log("By package:\n" + top(byFile, 25));
console.log("\nBy function:\n" + top(byFn, 40));
const target = process.argv.find((a) => a.startsWith("--callers="))?.slice(10);
if (target) {
  const full = prof as unknown as { nodes: { id: number; children?: number[]; callFrame: { functionName: string; url: string }; hitCount: number }[] };
  const parent = new Map<number, number>();
  for (const n of full.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const byId = new Map(full.nodes.map((n) => [n.id, n]));
  const chains = new Map<string, number>();
  for (const n of full.nodes) {
    if (n.callFrame.functionName !== target || !n.hitCount) continue;
    const chain: string[] = [];
    for (let p = parent.get(n.id); p !== undefined && chain.length < 8; p = parent.get(p)) chain.push(byId.get(p)!.callFrame.functionName || "(anon)");
    chains.set(chain.join(" < "), (chains.get(chain.join(" < ")) ?? 0) + n.hitCount);
  }
  console.log(`\nCallers of ${target}:\n` + [...chains].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([c, h]) => `${((h / total) * 100).toFixed(1)}%  ${c}`).join("\n"));
}
