// Linshe's API in its own process for the benchmarks; answers over IPC:
//   {type:"memory"} → heap after a GC;  {type:"profile-start"} / {type:"profile-stop", file} → a CPU
//   profile of just that window (bench/profile.ts), without the start-up that --cpu-prof would include.
//   BENCH_PROCESSES=N (N > 1): N API processes sharing one port through node:cluster (the primary hands
//   each new connection to the next worker), as one process per core would be deployed; the primary
//   prints their pids ("WORKERS a,b") so that the bench counts their CPU. Give them REDIS_URL.
import cluster from "node:cluster";
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

const processes = Number(process.env.BENCH_PROCESSES ?? "1");
if (processes > 1 && cluster.isPrimary) {
  const workers = Array.from({ length: processes }, () => cluster.fork());
  const urls = await Promise.all(
    workers.map((w) => new Promise<string>((resolve, reject) => {
      w.on("message", (m: { type: string; url?: string }) => m.type === "listening" && resolve(m.url!));
      w.once("exit", (c) => reject(new Error(`worker exited ${c}`)));
    })),
  );
  if (new Set(urls).size !== 1) throw new Error(`workers on different ports: ${urls.join(" ")}`);
  process.stdout.write(`WORKERS ${workers.map((w) => w.process.pid).join(",")}\nLISTENING ${urls[0]}\n`);
  process.on("SIGTERM", async () => {
    await Promise.all(workers.map((w) => new Promise((r) => (w.once("exit", r), w.process.kill("SIGTERM")))));
    process.exit(0);
  });
} else await serve();

async function serve() {
  const { buildApp } = await import("../api/src/app.js");
  const app = await (await buildApp()).start(0, "127.0.0.1");
  // The call-up benchmark measures the SMS outbox too: each process sends, as `pnpm start` does.
  if (process.env.BENCH_SMS === "1") (await import("../api/src/modules/notification/sms.service.js")).startSmsSender(200);
  // A worker's stdout is the primary's: it reports over IPC instead (port 0 is the same port in every worker).
  if (cluster.isWorker) process.send!({ type: "listening", url: app.url });
  else process.stdout.write(`LISTENING ${app.url}\n`);
  let profiler: Session | null = null;
  process.on("message", async (m: { type: string; file?: string }) => {
    if (m.type === "memory") {
      globalThis.gc?.();
      process.send?.({ type: "memory", rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
    } else if (m.type === "profile-start") {
      profiler = new Session();
      profiler.connect();
      await profiler.post("Profiler.enable");
      await profiler.post("Profiler.setSamplingInterval", { interval: 1000 });
      await profiler.post("Profiler.start");
      process.send?.({ type: "profile-started" });
    } else if (m.type === "profile-stop" && profiler) {
      const { profile } = await profiler.post("Profiler.stop");
      await writeFile(m.file!, JSON.stringify(profile));
      profiler.disconnect();
      profiler = null;
      process.send?.({ type: "profile-written" });
    }
  });
  process.on("SIGTERM", async () => {
    await app.stop();
    process.exit(0);
  });
}
