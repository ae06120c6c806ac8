// Caps on WebSockets, per process: a browser page of a foreign origin may not open one, one address
// opens at most WS_MAX_SOCKETS_PER_ADDRESS, one socket runs at most WS_MAX_SUBSCRIPTIONS_PER_SOCKET
// operations at a time and one address at most WS_MAX_SUBSCRIPTIONS_PER_ADDRESS over all its sockets.
import type { IncomingMessage } from "node:http";
import { GraphQLError } from "graphql";
import type { Context as SocketContext } from "graphql-ws";
import type { WebSocket } from "ws";
import { config } from "../config.js";
import { msg } from "../i18n.js";
import { clientAddress, originAllowed } from "../server/security.js";

const caps = config.sockets;
const socketsByAddress = new Map<string, number>();
/** Initialised sockets by address: their `subscriptions` are the operations running on them. */
const contextsByAddress = new Map<string, Set<SocketContext>>();

const addressOf = (req: IncomingMessage) => clientAddress(req) ?? "unknown";

/** Why a WebSocket handshake is refused (403 foreign origin, 429 too many sockets), or null. */
export function admitSocket(req: IncomingMessage): { status: number; reason: string } | null {
  const origin = req.headers.origin;
  if (origin !== undefined && !originAllowed(req, origin)) return { status: 403, reason: "Forbidden origin" };
  if ((socketsByAddress.get(addressOf(req)) ?? 0) >= caps.maxSocketsPerAddress) return { status: 429, reason: "Too many connections" };
  return null;
}

/** Counts an open socket under its address until it closes. */
export function countSocket(socket: WebSocket, req: IncomingMessage): void {
  const address = addressOf(req);
  socketsByAddress.set(address, (socketsByAddress.get(address) ?? 0) + 1);
  socket.once("close", () => {
    const n = (socketsByAddress.get(address) ?? 1) - 1;
    if (n > 0) socketsByAddress.set(address, n);
    else socketsByAddress.delete(address);
  });
}

type Extra = { request: IncomingMessage };

/** Every initialised socket of this process (bench/callup-floor.ts writes to them directly). */
export function* socketContexts(): Generator<SocketContext> {
  for (const set of contextsByAddress.values()) yield* set;
}

export function rememberSocketContext(ctx: SocketContext<Record<string, unknown>, Extra>): void {
  const address = addressOf(ctx.extra.request);
  let set = contextsByAddress.get(address);
  if (!set) contextsByAddress.set(address, (set = new Set()));
  set.add(ctx as SocketContext);
}

export function forgetSocketContext(ctx: SocketContext<Record<string, unknown>, Extra>): void {
  const address = addressOf(ctx.extra.request);
  const set = contextsByAddress.get(address);
  set?.delete(ctx as SocketContext);
  if (set && !set.size) contextsByAddress.delete(address);
}

const running = (ctx: SocketContext) => Object.keys(ctx.subscriptions).length;

/** An error when the socket or its address runs too many operations already (this one counted). */
export function admitSubscription(ctx: SocketContext<Record<string, unknown>, Extra>): GraphQLError | null {
  const tooMany = (n: number) =>
    new GraphQLError(msg(`订阅过多：最多${n}个，请先取消不用的订阅`, `Too many subscriptions: at most ${n}; end some first`), { extensions: { code: "RATE_LIMITED", limit: n } });
  if (running(ctx as SocketContext) > caps.maxSubscriptionsPerSocket) return tooMany(caps.maxSubscriptionsPerSocket);
  let total = 0;
  for (const other of contextsByAddress.get(addressOf(ctx.extra.request)) ?? []) total += running(other);
  return total > caps.maxSubscriptionsPerAddress ? tooMany(caps.maxSubscriptionsPerAddress) : null;
}
