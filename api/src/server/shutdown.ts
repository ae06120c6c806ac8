// SIGTERM / SIGINT: readiness 503, no new connections, requests in flight finish (at most
// SHUTDOWN_GRACE_SECONDS), WebSockets close with 1012, the sweeper finishes its run and stops, the
// pool drains, the embedded PostgreSQL (if any) stops last; exit code 0. A repeated signal does not
// cut the drain short (a terminal's Ctrl-C reaches the process twice under `pnpm start`: directly and
// relayed by tsx); a drain that hangs past the grace period plus 10 s exits with code 1.
import type { App } from "../app.js";
import { config } from "../config.js";
import type { RunningPostgres } from "../infra/postgres.js";
import { log, safeError } from "../log.js";
import { lifecycle } from "./lifecycle.js";

export function installShutdown(parts: { app: App; stopSweeper: () => Promise<void>; embedded?: RunningPostgres }): void {
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    const graceMs = config.shutdownGraceSeconds * 1000;
    log.info({ signal, graceMs }, "shutdown: draining");
    lifecycle.phase = "draining";
    setTimeout(() => {
      log.error("shutdown: still not done 10 s after the grace period; exiting");
      process.exit(1);
    }, graceMs + 10_000).unref();
    const step = async (name: string, run: () => Promise<void>) => {
      try {
        await run();
      } catch (e) {
        log.warn({ err: safeError(e), step: name }, "shutdown step failed");
      }
    };
    await Promise.all([step("server", () => parts.app.stop(graceMs)), step("sweeper", parts.stopSweeper)]);
    const { disconnect } = await import("../db.js");
    await step("database pool", disconnect);
    if (parts.embedded) await step("embedded PostgreSQL", () => parts.embedded!.stop());
    log.info("shutdown: done");
    process.exit(0);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}
