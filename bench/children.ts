// The bench's API (and other) processes: started with the flags `pnpm start` gives the API, ready when they
// print LISTENING, and never outliving the bench, also when a check fails.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { repoRoot } from "../api/src/infra/migrations.js";

const children = new Set<ChildProcess>();
process.on("exit", () => children.forEach((c) => c.kill("SIGTERM")));

export function startChild(script: string, env: Record<string, string>, node = process.execPath): Promise<{ url: string; child: ChildProcess; pids: number[] }> {
  // The young generation `pnpm start` gives the API (package.json): GraphQL allocates many short-lived objects.
  const child = spawn(node, ["--expose-gc", "--max-semi-space-size=64", "--import", "tsx", path.join(repoRoot, script)], {
    cwd: repoRoot,
    env: { ...process.env, ...env, NODE_ENV: "production", AUTH_SECRET: "bench-secret", LINSHE_DEMO: "0" },
    stdio: ["ignore", "pipe", "inherit", "ipc"],
  });
  children.add(child);
  child.once("exit", () => children.delete(child));
  return new Promise((resolve, reject) => {
    let out = "";
    // Read to the end (a full pipe would stop the server), but keep only what comes before LISTENING:
    // the request log lines of a run are megabytes.
    child.stdout!.on("data", (d: Buffer) => {
      if (out.includes("LISTENING")) return;
      out += d;
      const m = /LISTENING (\S+)/.exec(out);
      // A cluster (bench/app-process.ts, BENCH_PROCESSES): the primary and its workers do the work.
      const workers = /WORKERS (\S+)/.exec(out)?.[1]?.split(",").map(Number) ?? [];
      if (m) resolve({ url: m[1]!, child, pids: [child.pid!, ...workers] });
    });
    child.once("exit", (c) => reject(new Error(`${script} exited ${c}`)));
  });
}
export const stop = (c: ChildProcess) => new Promise<void>((r) => (c.exitCode !== null ? r() : (c.once("exit", () => r()), c.kill("SIGTERM"))));
