// Open WebSockets and the sessions they were opened with. A socket whose session is revoked, whose
// account is disabled or whose session expires is closed (4401, or 4403 for a disabled account);
// one whose account's rights changed is closed with 1012 so the client reconnects with fresh rights.
// Revocations arrive over the pub/sub from any process at once; a sweep every few seconds re-checks
// the sessions in the database, so a revocation missed while the bus was away still closes the socket.
import type { WebSocket } from "ws";
import { config } from "../config.js";
import { prisma } from "../db.js";
import { pubsub, type Topics } from "../pubsub.js";

export const CLOSE = {
  /** The session ended: signed out, password changed or reset, expired. */
  UNAUTHORIZED: 4401,
  /** The account was disabled. */
  FORBIDDEN: 4403,
  /** The account's rights changed: reconnect to get the new ones. */
  RECONNECT: 1012,
} as const;

interface Entry {
  accountId: string;
  sessionId: string;
  timer: NodeJS.Timeout | null;
}

const sockets = new Map<WebSocket, Entry>();
export const socketSessionStats = { closed: 0 };

function close(socket: WebSocket, code: number, reason: string) {
  const entry = sockets.get(socket);
  if (entry?.timer) clearTimeout(entry.timer);
  sockets.delete(socket);
  socketSessionStats.closed++;
  try {
    socket.close(code, reason);
  } catch {
    socket.terminate();
  }
}

/** Registers an authenticated socket; it closes itself when the session expires. */
export function trackSocket(socket: WebSocket, accountId: string, sessionId: string, expiresAt: Date | null) {
  const ms = expiresAt ? expiresAt.getTime() - Date.now() : null;
  // setTimeout holds at most ~24.8 days; the sweep covers longer sessions.
  const timer = ms !== null && ms < 2 ** 31 - 1 ? setTimeout(() => close(socket, CLOSE.UNAUTHORIZED, "session expired"), Math.max(0, ms)) : null;
  timer?.unref();
  sockets.set(socket, { accountId, sessionId, timer });
  socket.once("close", () => {
    const e = sockets.get(socket);
    if (e?.timer) clearTimeout(e.timer);
    sockets.delete(socket);
  });
}

function onRevoked({ accountId, sessionIds, reason }: Topics["sessionsRevoked"][0]) {
  const ids = sessionIds ? new Set(sessionIds) : null;
  for (const [socket, e] of sockets) {
    if (e.accountId !== accountId || (ids && !ids.has(e.sessionId))) continue;
    if (reason === "ROLE_CHANGED") close(socket, CLOSE.RECONNECT, "rights changed");
    else if (reason === "DISABLED") close(socket, CLOSE.FORBIDDEN, "account disabled");
    else close(socket, CLOSE.UNAUTHORIZED, "session ended");
  }
}

/** Closes sockets whose session is no longer live, as the database says. */
export async function sweepSockets(): Promise<number> {
  if (!sockets.size) return 0;
  // Only the sockets open now: one that opens while the query runs is not in its answer (and was
  // checked when it connected). Found by the 15,000-socket call-up benchmark.
  const open = [...sockets];
  const ids = [...new Set(open.map(([, e]) => e.sessionId))];
  // Only the sessions that ended come back (none, usually): 15,000 live rows every few seconds cost
  // the process more than the sockets' own traffic.
  const ended = await prisma.$queryRaw<{ id: string; disabled: boolean }[]>`
    SELECT i.id::text AS id, COALESCE(a.disabled, false) AS disabled
    FROM unnest(${ids}::uuid[]) AS i(id)
    LEFT JOIN "Session" s ON s.id = i.id AND s."revokedAt" IS NULL AND s."expiresAt" > now()
    LEFT JOIN "Account" a ON a.id = s."accountId"
    WHERE s.id IS NULL OR a.disabled`;
  if (!ended.length) return 0;
  const state = new Map(ended.map((r) => [r.id, r.disabled]));
  let n = 0;
  for (const [socket, e] of open) {
    if (!sockets.has(socket)) continue;
    const disabled = state.get(e.sessionId);
    if (disabled === undefined) continue;
    if (disabled) close(socket, CLOSE.FORBIDDEN, "account disabled");
    else close(socket, CLOSE.UNAUTHORIZED, "session ended");
    n++;
  }
  return n;
}

/** Listens for revocations and sweeps every `intervalMs`; returns a stop function. */
export function startSocketSessions(intervalMs = config.socketSweepMs): () => void {
  let stopped = false;
  const iterator = pubsub.subscribe("sessionsRevoked")[Symbol.asyncIterator]();
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await iterator.next();
        if (done || stopped) return;
        onRevoked(value);
      }
    } catch (e) {
      console.error(`[sockets] revocation feed stopped: ${(e as Error).message}; the sweep still closes revoked sessions`);
    }
  })();
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepSockets()
      .catch((e) => console.error(`[sockets] sweep failed: ${(e as Error).message}`))
      .finally(() => (sweeping = false));
  }, intervalMs);
  timer.unref();
  return () => {
    stopped = true;
    clearInterval(timer);
    void iterator.return?.();
  };
}
