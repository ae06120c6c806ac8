// The event bus for subscriptions: in-process, and across API processes through Redis when
// REDIS_URL is set. Services publish only after their write has committed.
//
// The bus is best effort; the stored event streams (api/src/events/stored-stream.ts) are the truth.
// No process stops because Redis is away: publishes that fail are counted and logged, both clients
// reconnect by themselves (ioredis), and a local subscriber still gets this process's own events.
// Each process subscribes once to one Redis channel per topic and routes by id locally, so a new
// subscription listens the moment it is created (no SUBSCRIBE round trip per shift or station).
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { config } from "./config.js";
import { eventQueue, type EventQueue } from "./events/queue.js";
import { log, logThrottled, safeError } from "./log.js";
import { metrics } from "./metrics.js";

export type Topics = {
  /** A team, its squads or its members changed. */
  teamUpdated: [teamId: string, payload: { teamId: string }];
  /** Seats, waitlist or status of a shift changed. */
  shiftUpdated: [shiftId: string, payload: { shiftId: string }];
  /** A board edition of the station was published or withdrawn. */
  commendationBoardUpdated: [stationId: string, payload: { stationId: string; editionId: string }];
  /** Anything the public board of the station shows changed: every process drops its cached answers. */
  publicBoardChanged: [payload: { stationId: string }];
  /**
   * Sessions ended (all of the account's when `sessionIds` is null), or the account's rights changed:
   * every process closes the matching WebSockets.
   */
  sessionsRevoked: [payload: { accountId: string; sessionIds: string[] | null; reason: "SIGNED_OUT" | "PASSWORD_CHANGED" | "DISABLED" | "RESET" | "ROLE_CHANGED" }];
  /** A stored stream has new rows: its readers read now instead of at their next tick. */
  streamHint: [payload: { stream: string }];
};


type Topic = keyof Topics;
type IdOf<K extends Topic> = Topics[K] extends [infer Id, unknown] ? [id: Id] : [];
type PayloadOf<K extends Topic> = Topics[K] extends [unknown, infer P] ? P : Topics[K] extends [infer P] ? P : never;

const TOPICS: Topic[] = ["teamUpdated", "shiftUpdated", "commendationBoardUpdated", "publicBoardChanged", "sessionsRevoked", "streamHint"];
const CHANNEL_PREFIX = "linshe:";
/** Tells this process's own messages apart when Redis echoes them back. */
const origin = randomUUID();

const listeners = new Map<string, Set<EventQueue<unknown>>>();
const keyOf = (topic: string, id: string | undefined) => (id === undefined ? topic : `${topic}\u0000${id}`);

function deliver(topic: string, id: string | undefined, payload: unknown) {
  for (const q of listeners.get(keyOf(topic, id)) ?? []) q.push(payload);
}

interface Wire {
  o: string;
  i?: string;
  p: unknown;
}

let publisher: Redis | null = null;
let subscriber: Redis | null = null;
let subscribed: Promise<void> = Promise.resolve();
let connected = !config.redisUrl;
const resumeCallbacks: (() => void)[] = [];

function connectRedis(url: string) {
  // Reconnect forever, at most every 2 s. The publisher fails fast while disconnected instead of
  // queueing (a publish is a hint; an outage must not pile them up in memory).
  const retryStrategy = (attempt: number) => Math.min(100 * attempt, 2000);
  publisher = new Redis(url, { retryStrategy, maxRetriesPerRequest: 1, enableOfflineQueue: false, lazyConnect: false });
  subscriber = new Redis(url, { retryStrategy, maxRetriesPerRequest: null, lazyConnect: false });
  for (const [name, client] of [["publisher", publisher], ["subscriber", subscriber]] as const) {
    client.on("error", (e) => logThrottled("warn", `redis-${name}`, { err: safeError(e) }, `redis ${name}: ${e.message}`));
    client.on("reconnecting", () => metrics.busReconnects.inc());
  }
  metrics.busConnected.set(0);
  let wasDown = false;
  subscriber.on("close", () => {
    connected = false;
    metrics.busConnected.set(0);
    wasDown = true;
  });
  subscriber.on("ready", () => {
    connected = true;
    metrics.busConnected.set(1);
    if (wasDown) {
      wasDown = false;
      log.info("redis subscriber reconnected: readers catch up from the database");
      // Hints and board invalidations sent meanwhile are lost: whoever keeps state from them catches up.
      for (const cb of resumeCallbacks) cb();
    }
  });
  subscriber.on("message", (channel: string, message: string) => {
    try {
      const wire = JSON.parse(message) as Wire;
      if (wire.o === origin) return; // delivered locally when published
      deliver(channel.slice(CHANNEL_PREFIX.length), wire.i, wire.p);
    } catch (e) {
      logThrottled("warn", "redis-message", { err: safeError(e) }, "redis: unreadable message");
    }
  });
  // ioredis subscribes again after every reconnect (autoResubscribe).
  subscribed = subscriber.subscribe(...TOPICS.map((t) => CHANNEL_PREFIX + t)).then(
    () => undefined,
    (e) => logThrottled("warn", "redis-subscribe", { err: safeError(e) }, "redis: subscribe failed; retried on reconnect"),
  );
}

if (config.redisUrl) connectRedis(config.redisUrl);
else metrics.busConnected.set(1);

export const pubsub = {
  /** Delivers to this process's subscribers at once and, with Redis, to the other processes. Never throws. */
  publish<K extends Topic>(topic: K, ...args: Topics[K]): void {
    const [id, payload] = args.length === 2 ? [args[0] as string, args[1]] : [undefined, args[0]];
    metrics.eventsPublished.inc({ topic });
    deliver(topic, id, payload);
    if (!publisher) return;
    const wire: Wire = id === undefined ? { o: origin, p: payload } : { o: origin, i: id, p: payload };
    publisher.publish(CHANNEL_PREFIX + topic, JSON.stringify(wire)).catch((e: Error) => {
      metrics.busPublishFailures.inc();
      logThrottled("warn", "redis-publish", { err: safeError(e), topic }, "redis publish failed (best effort; stored streams catch up by polling)");
    });
  },

  /** Listens from this call on; `return()` stops listening at once. */
  subscribe<K extends Topic>(topic: K, ...id: IdOf<K>): AsyncIterableIterator<PayloadOf<K>> {
    const key = keyOf(topic, id[0] as string | undefined);
    const queue: EventQueue<unknown> = eventQueue(() => {
      const set = listeners.get(key);
      set?.delete(queue);
      if (set && !set.size) listeners.delete(key);
    });
    let set = listeners.get(key);
    if (!set) listeners.set(key, (set = new Set()));
    set.add(queue);
    return queue as EventQueue<PayloadOf<K>>;
  },

  /** One listener for many ids of a topic (a board's visible shifts): one iterator, one queue. */
  subscribeMany<K extends Topic>(topic: K, ids: readonly string[]): AsyncIterableIterator<PayloadOf<K>> {
    const keys = [...new Set(ids)].map((id) => keyOf(topic, id));
    const queue: EventQueue<unknown> = eventQueue(() => {
      for (const key of keys) {
        const set = listeners.get(key);
        set?.delete(queue);
        if (set && !set.size) listeners.delete(key);
      }
    });
    for (const key of keys) {
      let set = listeners.get(key);
      if (!set) listeners.set(key, (set = new Set()));
      set.add(queue);
    }
    return queue as EventQueue<PayloadOf<K>>;
  },
};

/** Whether events of other processes reach this one through Redis now (always true without Redis). */
export function busConnected(): boolean {
  return connected;
}

/** Called when Redis is back after an outage (messages of the outage are lost). */
export function onBusResume(cb: () => void): void {
  resumeCallbacks.push(cb);
}

/**
 * Resolves once this process listens on Redis, or after `timeoutMs` when Redis is away (then the
 * process starts anyway: ioredis subscribes when it connects).
 */
export async function busReady(timeoutMs = 3000): Promise<boolean> {
  if (!subscriber) return true;
  let timer: NodeJS.Timeout | undefined;
  const ok = await Promise.race([
    subscribed.then(() => subscriber?.status === "ready"),
    new Promise<boolean>((r) => (timer = setTimeout(() => r(false), timeoutMs))),
  ]);
  clearTimeout(timer);
  if (!ok) log.warn("redis is not reachable yet: starting anyway (events from other processes arrive through the database meanwhile)");
  return ok;
}

export async function closePubSub(): Promise<void> {
  const clients = [publisher, subscriber].filter((c): c is Redis => c !== null);
  publisher = subscriber = null;
  await Promise.all(
    clients.map(async (c) => {
      try {
        if (c.status === "ready") await c.quit();
        else c.disconnect();
      } catch {
        c.disconnect();
      }
    }),
  );
}
