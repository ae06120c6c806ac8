// Linshe's API in its own process for the benchmarks; answers {type:"memory"} over IPC.
const { buildApp } = await import("../api/src/app.js");
const app = await (await buildApp()).start(0, "127.0.0.1");
// The call-up benchmark measures the SMS outbox too: each process sends, as `pnpm start` does.
if (process.env.BENCH_SMS === "1") (await import("../api/src/modules/notification/sms.service.js")).startSmsSender(200);
process.stdout.write(`LISTENING ${app.url}\n`);
process.on("message", (m: { type: string }) => {
  if (m.type === "memory") {
    globalThis.gc?.();
    process.send?.({ type: "memory", rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });
  }
});
process.on("SIGTERM", async () => {
  await app.stop();
  process.exit(0);
});
