// Rate limits (rate-limiter-flexible: counters in memory, or in Redis with REDIS_URL so that every API
// process shares them; while Redis is away each process falls back to its own memory counters).
//
// Secrets people type (passwords, one-time codes) are guessed per phone and per client address: each
// attempt is counted before the secret is checked, a right one gives its count back. After
// RATE_LIMIT_PHONE_FAILURES attempts in the window the phone is locked, and the right secret does not
// get in either; each further lock of the same phone within a day lasts twice as long. Mutations are
// counted per signed-in account.
import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from "rate-limiter-flexible";
import { config } from "../config.js";
import { UserFacingError } from "../graphql/errors.js";
import { msg } from "../i18n.js";
import { logThrottled, safeError } from "../log.js";

let redis: Redis | null = null;
function store(): Redis | null {
  if (!config.redisUrl) return null;
  if (!redis) {
    // Fail fast while Redis is away (no offline queue): the memory counters take over meanwhile.
    redis = new Redis(config.redisUrl, { retryStrategy: (n) => Math.min(100 * n, 2000), maxRetriesPerRequest: 1, enableOfflineQueue: false });
    redis.on("error", (e) => logThrottled("warn", "redis-rate-limits", { err: safeError(e) }, `redis rate limits: ${e.message}`));
  }
  return redis;
}

/**
 * Connects to Redis before the process reports ready (or gives up after `timeoutMs`): counters taken
 * while it is still connecting would land in this process's memory only.
 */
export async function rateLimitsReady(timeoutMs = 5000): Promise<void> {
  const client = store();
  if (!client || client.status === "ready") return;
  await new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      client.off("ready", done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    timer.unref();
    client.once("ready", done);
  });
}

function limiter(name: string, points: number, duration: number): RateLimiterAbstract {
  const memory = new RateLimiterMemory({ keyPrefix: `rl:${name}`, points, duration });
  const client = store();
  if (!client) return memory;
  return new RateLimiterRedis({ storeClient: client, keyPrefix: `linshe:rl:${name}`, points, duration, insuranceLimiter: memory, rejectIfRedisNotReady: true });
}

const limits = config.rateLimits;
const created = new Map<string, RateLimiterAbstract>();
function get(name: string, points: number, duration: number) {
  let l = created.get(name);
  if (!l) created.set(name, (l = limiter(name, points, duration)));
  return l;
}

/**
 * What a secret guards and who guesses it: `subject` is what the secret opens (a phone for sign-in and
 * activation, an account for its current password, a registration for the code its phone's account
 * answers it with, an account for the codes of the appointments offered to it, a claim for its post code),
 * `address` who is guessing (the client address; for post codes the signed-in account, whatever address it uses).
 *
 * `answer` is counted apart from `activate` although both guess a registration's code: anyone may type
 * wrong codes for a phone on the public /activate, and that must not lock the phone's own account out of
 * accepting, declining or confirming (only that account can answer, so its own misses lock it). A
 * registration's answers count per registration, not per account: anyone may open an account with a
 * phone on a join page, and closing it and opening another must not buy fresh guesses.
 */
export type SecretKind = "signIn" | "activate" | "answer" | "changePassword" | "postCode";

const subjectFailures = (kind: SecretKind) => (kind === "postCode" ? limits.postCodeFailures : limits.phoneFailures);
const addressFailures = (kind: SecretKind) => (kind === "postCode" ? limits.postCodeAccountFailures : limits.addressFailures);
const byPhone = (kind: SecretKind) => get(`${kind}:phone`, subjectFailures(kind), limits.windowSeconds);
const byAddress = (kind: SecretKind) => get(`${kind}:address`, addressFailures(kind), limits.windowSeconds);
/** How many times a key was locked today: each lock lasts twice the one before. */
const locks = (kind: SecretKind) => get(`${kind}:locks`, 1_000_000, 24 * 3600);
const mutations = () => get("mutations", limits.mutationsPerMinute, 60);

const seconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));

/** RATE_LIMITED as a userError, with the seconds to wait in its message. */
export class RateLimitedError extends UserFacingError {
  constructor(
    readonly retryAfterSeconds: number,
    field: string[] | null = null,
    /** This attempt started a lock of the phone (the audit log records it). */
    readonly lockedPhone = false,
  ) {
    super("RATE_LIMITED", msg(`尝试次数过多，请${retryAfterSeconds}秒后再试`, `Too many attempts: try again in ${retryAfterSeconds} seconds`), field);
  }
}

/** A rejection of rate-limiter-flexible is its result (over the limit); anything else is a store error. */
const over = (e: unknown): RateLimiterRes | null => (e instanceof RateLimiterRes ? e : null);

export interface Attempt {
  /** The secret was right: the phone's failures are forgotten and the address's attempt given back. */
  succeeded(): Promise<void>;
}

/**
 * Counts an attempt at a secret for `phone` from `address`; throws RATE_LIMITED (a userError with the
 * seconds to wait) when either is locked, before the secret is looked at.
 */
export async function attemptSecret(kind: SecretKind, phone: string, address: string | null, field = ["input", "phone"]): Promise<Attempt> {
  const phoneLimiter = byPhone(kind);
  const addressLimiter = byAddress(kind);
  const [phoneRes, addressRes] = await Promise.allSettled([phoneLimiter.consume(phone), address ? addressLimiter.consume(address) : Promise.resolve(null)]);
  for (const r of [phoneRes, addressRes]) {
    if (r.status === "rejected" && !over(r.reason)) throw r.reason; // the store failed without its fallback
  }
  const phoneOver = phoneRes.status === "rejected" ? over(phoneRes.reason) : null;
  const addressOver = addressRes.status === "rejected" ? over(addressRes.reason) : null;
  let lockedPhone = false;
  if (phoneOver) {
    let waitMs = phoneOver.msBeforeNext;
    // The attempt that went one over starts the lock: the window, doubled for each earlier lock today.
    if (phoneOver.consumedPoints === subjectFailures(kind) + 1) {
      const n = (await locks(kind).consume(phone)).consumedPoints;
      const lockSeconds = Math.min(limits.windowSeconds * 2 ** (n - 1), Math.max(limits.maxLockSeconds, limits.windowSeconds));
      await phoneLimiter.block(phone, lockSeconds);
      waitMs = lockSeconds * 1000;
      lockedPhone = true;
    }
    throw new RateLimitedError(seconds(Math.max(waitMs, addressOver?.msBeforeNext ?? 0)), field, lockedPhone);
  }
  if (addressOver) throw new RateLimitedError(seconds(addressOver.msBeforeNext), field);
  return {
    async succeeded() {
      await Promise.all([phoneLimiter.delete(phone), address ? addressLimiter.reward(address) : null]).catch((e) =>
        logThrottled("warn", "rate-limit-reset", { err: safeError(e) }, "rate limits: could not reset a counter"),
      );
    },
  };
}

/**
 * Forgets the failures (and any lock) of `subject`: its secret was replaced by a new one handed over in person
 * (a registration's renewed code), so misses at the old one say nothing about the new. The count of today's
 * locks stays, so that locks still double.
 */
export async function forgetSecretFailures(kind: SecretKind, subject: string): Promise<void> {
  await byPhone(kind)
    .delete(subject)
    .catch((e) => logThrottled("warn", "rate-limit-reset", { err: safeError(e) }, "rate limits: could not reset a counter"));
}

/** Counts `n` mutations of an account; resolves to the seconds to wait when over the limit, else null. */
export async function countMutations(accountId: string, n: number): Promise<number | null> {
  if (n <= 0) return null;
  try {
    await mutations().consume(accountId, n);
    return null;
  } catch (e) {
    const res = over(e);
    if (!res) throw e;
    return seconds(res.msBeforeNext);
  }
}

export async function closeRateLimits(): Promise<void> {
  const client = redis;
  redis = null;
  created.clear();
  if (!client) return;
  try {
    if (client.status === "ready") await client.quit();
    else client.disconnect();
  } catch {
    client.disconnect();
  }
}
