// A separate API process for multi-process tests: DATABASE_URL and REDIS_URL come from the parent.
const { buildApp } = await import("../../api/src/app.js");
const app = await (await buildApp()).start(0, "127.0.0.1");
process.stdout.write(`LISTENING ${app.url}\n`);
process.on("SIGTERM", async () => {
  await app.stop();
  process.exit(0);
});
