// Linshe's API in its own process for the benchmarks; answers over IPC:
//   {type:"memory"} → heap after a GC;  {type:"profile-start"} / {type:"profile-stop", file} → a CPU
//   profile of just that window (bench/profile.ts), without the start-up that --cpu-prof would include.
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

const { buildApp } = await import("../api/src/app.js");
const app = await (await buildApp()).start(0, "127.0.0.1");
// The call-up benchmark measures the SMS outbox too: each process sends, as `pnpm start` does.
if (process.env.BENCH_SMS === "1") (await import("../api/src/modules/notification/sms.service.js")).startSmsSender(200);
process.stdout.write(`LISTENING ${app.url}\n`);
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
