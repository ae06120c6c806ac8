// Events for subscriptions. In-process by default; Redis when REDIS_URL is set, so several API
// processes can serve one station. Services publish only after their write has committed.
import { createRedisEventTarget } from "@graphql-yoga/redis-event-target";
import { createPubSub } from "graphql-yoga";
import { Redis } from "ioredis";
import { config } from "./config.js";

export type Topics = {
  /** A team, its squads or its members changed. */
  teamUpdated: [teamId: string, payload: { teamId: string }];
  /** Seats, waitlist or status of a shift changed. */
  shiftUpdated: [shiftId: string, payload: { shiftId: string }];
  /** A patrol log entry was stored; `id` is its cursor. */
  patrolEvent: [stationId: string, payload: PatrolEventMessage];
  /** A volunteer's claim changed without them asking (promoted, shift cancelled, assigned, removed). */
  claimNotice: [volunteerId: string, payload: { claimId: string; reason: ClaimNoticeReason }];
  /** A board edition of the station was published or withdrawn. */
  commendationBoardUpdated: [stationId: string, payload: { stationId: string; editionId: string }];
  /** Anything the public board of the station shows changed: every process drops its cached answers. */
  publicBoardChanged: [payload: { stationId: string }];
  /**
   * Sessions ended (all of the account's when `sessionIds` is null), or the account's rights changed:
   * every process closes the matching WebSockets.
   */
  sessionsRevoked: [payload: { accountId: string; sessionIds: string[] | null; reason: "SIGNED_OUT" | "PASSWORD_CHANGED" | "DISABLED" | "RESET" | "ROLE_CHANGED" }];
};

export type ClaimNoticeReason = "PROMOTED" | "SHIFT_CANCELLED" | "ASSIGNED" | "REMOVED" | "SHIFT_CHANGED";

export interface PatrolEventMessage {
  id: string;
  teamId: string;
}

let redisClients: Redis[] = [];

function create() {
  if (!config.redisUrl) return createPubSub<Topics>();
  const publishClient = new Redis(config.redisUrl, { lazyConnect: false, maxRetriesPerRequest: 3 });
  const subscribeClient = new Redis(config.redisUrl, { lazyConnect: false });
  redisClients = [publishClient, subscribeClient];
  return createPubSub<Topics>({ eventTarget: createRedisEventTarget({ publishClient, subscribeClient }) });
}

export const pubsub = create();

export async function closePubSub(): Promise<void> {
  await Promise.all(redisClients.map((c) => c.quit().catch(() => c.disconnect())));
  redisClients = [];
}
