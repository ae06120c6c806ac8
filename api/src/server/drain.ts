// Graceful stop of the HTTP and WebSocket server: readiness turns 503, the listener closes (no new
// connections), requests in flight finish within the grace period, then every WebSocket is closed
// with 1012 (service restart) so clients reconnect — to another process — and resume from their
// cursor. Queries and mutations sent over a WebSocket count as in flight too (`track`): their socket
// stays open until they have answered. Whatever is still open at the deadline is cut.
import type { Server } from "node:http";
import type { WebSocketServer } from "ws";
import { log } from "../log.js";
import { metrics, onScrape } from "../metrics.js";
import { lifecycle } from "./lifecycle.js";

export const CLOSE_SERVICE_RESTART = 1012;
/** A socket that could not be admitted because the database is away: the client retries. */
export const CLOSE_TRY_AGAIN_LATER = 1013;

export function drainer(server: Server, wss: WebSocketServer) {
  let inFlight = 0;
  server.on("request", (_req, res) => {
    inFlight++;
    res.once("close", () => inFlight--);
  });
  onScrape(() => metrics.sockets.set(wss.clients.size));

  const until = async (done: () => boolean, deadline: number, tick?: () => void) => {
    while (!done() && Date.now() < deadline) {
      tick?.();
      await new Promise((r) => setTimeout(r, 25));
    }
    return done();
  };

  /** Counts an operation running over a WebSocket as in flight until it settles. */
  const track = <T>(p: Promise<T>): Promise<T> => {
    inFlight++;
    return p.finally(() => inFlight--);
  };

  const drain = async function drain(graceMs: number): Promise<void> {
    if (lifecycle.phase !== "stopped") lifecycle.phase = "draining";
    const deadline = Date.now() + graceMs;
    const closed = new Promise<void>((r) => server.close(() => r()));
    const waited = inFlight;
    // Keep-alive connections with nothing in flight are closed as they become idle.
    const finished = await until(() => inFlight === 0, deadline, () => server.closeIdleConnections());
    log.info({ waitedFor: waited, cut: inFlight }, finished ? "drain: requests in flight finished" : "drain: grace period over, cutting requests");
    for (const ws of wss.clients) ws.close(CLOSE_SERVICE_RESTART, "service restarting");
    await until(() => wss.clients.size === 0, Math.max(deadline, Date.now() + 1000));
    for (const ws of wss.clients) ws.terminate();
    server.closeAllConnections();
    await new Promise<void>((r) => wss.close(() => r()));
    await closed;
    lifecycle.phase = "stopped";
  };
  return Object.assign(drain, { track });
}
