// What a process starts before it reports ready, and stops after its server has drained.
import { closePubSub, busReady } from "../pubsub.js";
import { startStoredStreams, stopStoredStreams } from "../events/stored-stream.js";
import { closeHealth } from "./health.js";
import { closeRateLimits, rateLimitsReady } from "./rate-limits.js";
import { lifecycle } from "./lifecycle.js";

/** Listens on Redis, connects the rate limits' store (or gives up waiting after a few seconds), starts the stored-event readers, ready. */
export async function startServing(): Promise<void> {
  await Promise.all([busReady(), rateLimitsReady()]);
  await startStoredStreams();
  lifecycle.phase = "ready";
}

export async function stopServing(): Promise<void> {
  await stopStoredStreams();
  await closePubSub();
  await closeRateLimits();
  await closeHealth();
}
