// Settings read from the environment once; documented in README.md.
const env = process.env;

function int(name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

function list(name: string): string[] {
  return (env[name] ?? "")
    .split(",")
    .map((s) => s.trim().replace(/\/+$/, ""))
    .filter(Boolean);
}

const production = env.NODE_ENV === "production";
/** The repository's own folder (config.ts is api/src/config.ts). */
const root = decodeURIComponent(new URL("../../", import.meta.url).pathname);
const DEV_SECRET = "linshe-development-secret-do-not-use-in-production";
if (production && !env.AUTH_SECRET) throw new Error("AUTH_SECRET must be set when NODE_ENV=production");

export const config = {
  production,
  port: int("PORT", 4000),
  authSecret: env.AUTH_SECRET || DEV_SECRET,
  /** Token lifetime in seconds (default 7 days: volunteers sign in on their phones). */
  tokenTtlSeconds: int("TOKEN_TTL_SECONDS", 7 * 24 * 3600),
  redisUrl: env.REDIS_URL || undefined,
  /** GraphiQL at /graphql: on in development, off in production unless GRAPHIQL=1. */
  graphiql: env.GRAPHIQL ? env.GRAPHIQL === "1" : !production,
  /**
   * Limits every operation meets before it runs (graphql-armor, api/src/graphql/limits.ts). The web
   * app's own operations stay within half of each (test/limits.test.ts measures them).
   */
  limits: {
    maxTokens: int("GRAPHQL_MAX_TOKENS", 1000),
    maxAliases: int("GRAPHQL_MAX_ALIASES", 15),
    maxDepth: int("GRAPHQL_MAX_DEPTH", 16),
    maxDirectives: int("GRAPHQL_MAX_DIRECTIVES", 50),
    maxCost: int("GRAPHQL_MAX_COST", 250_000),
  },
  /** Request bodies over this many bytes get 413 before they are parsed (also the largest WebSocket message); multipart requests have MAX_UPLOAD_BODY_BYTES. */
  maxBodyBytes: int("MAX_BODY_BYTES", 1024 * 1024),
  /** The same for multipart requests (photo uploads): six photos of 10 MB each and the operation. */
  maxUploadBodyBytes: int("MAX_UPLOAD_BODY_BYTES", 61 * 1024 * 1024),
  /**
   * Proxies in front of the API (0: none). With N, the client's address is the N-th entry from the
   * right of X-Forwarded-For and X-Forwarded-Proto says whether the client came over TLS (HSTS).
   */
  trustProxy: int("TRUST_PROXY", 0),
  /** Origins besides the API's own that browsers may call it from (CORS, CSRF and WebSocket checks). */
  corsOrigins: list("CORS_ORIGINS"),
  /** Production runs only the web app's trusted documents unless API integrators need any document. */
  allowArbitraryOperations: production ? env.ALLOW_ARBITRARY_OPERATIONS === "1" : env.ALLOW_ARBITRARY_OPERATIONS !== "0",
  /** Schema introspection and "Did you mean" hints: off in production unless GRAPHQL_INTROSPECTION=1. */
  introspection: env.GRAPHQL_INTROSPECTION ? env.GRAPHQL_INTROSPECTION === "1" : !production,
  /** Counters in memory, or in Redis with REDIS_URL so that every process shares them. */
  rateLimits: {
    /** Failed sign-ins (or activation codes) per phone within the window before it locks. */
    phoneFailures: int("RATE_LIMIT_PHONE_FAILURES", 5),
    /** Failed sign-ins or activations from one client address within the window before it locks. */
    addressFailures: int("RATE_LIMIT_ADDRESS_FAILURES", 50),
    /** Wrong post codes (QR check-in) per claim, and per account over all its claims, within the window. */
    postCodeFailures: int("RATE_LIMIT_POST_CODE_FAILURES", 5),
    postCodeAccountFailures: int("RATE_LIMIT_POST_CODE_ACCOUNT_FAILURES", 20),
    windowSeconds: int("RATE_LIMIT_WINDOW_SECONDS", 15 * 60),
    /** A lock lasts the window, doubling with each further lock of the same key, up to this. */
    maxLockSeconds: int("RATE_LIMIT_MAX_LOCK_SECONDS", 24 * 3600),
    /** Mutations (each mutation field, aliases included) per signed-in account per minute. */
    mutationsPerMinute: int("RATE_LIMIT_MUTATIONS_PER_MINUTE", 120),
  },
  /** Caps on WebSockets (per process). */
  sockets: {
    maxSubscriptionsPerSocket: int("WS_MAX_SUBSCRIPTIONS_PER_SOCKET", 50),
    maxSocketsPerAddress: int("WS_MAX_SOCKETS_PER_ADDRESS", 50),
    maxSubscriptionsPerAddress: int("WS_MAX_SUBSCRIPTIONS_PER_ADDRESS", 500),
  },
  logSql: env.LOG_SQL === "1",
  /** Each stored-stream read of notifications to stderr (head, horizon, rows, rows with a local subscriber): diagnosing the call-up bench. */
  eventsTrace: env.EVENTS_TRACE === "1",
  /** How long an anonymous public board answer may be reused (0 turns the cache off). */
  publicCacheSeconds: int("PUBLIC_CACHE_SECONDS", 30),
  /** How often each process re-checks the sessions of its open WebSockets (revocations also arrive at once over the pub/sub). */
  socketSweepMs: int("SOCKET_SWEEP_MS", 3000),
  /**
   * A wave of up to this many people has its notices stored with the call-up itself; a larger one is
   * told at once by its announcement and stored after the commit in batches from this size up.
   */
  callUpNoticeBatch: int("CALLUP_NOTICE_BATCH", 1000),
  /**
   * Before storing a large wave's notices, the process lets its own reader hand the announcement to
   * its phones first, waiting at most this long: the writing would take the same cores.
   */
  callUpStoreYieldMs: int("CALLUP_STORE_YIELD_MS", 2000),
  /** The batches double from CALLUP_NOTICE_BATCH up to this many. */
  callUpNoticeBatchMax: int("CALLUP_NOTICE_BATCH_MAX", 16_000),
  /**
   * Ping interval of each WebSocket (graphql-ws keep-alive; a socket that misses a pong is closed).
   * 30 s instead of graphql-ws's 12 s: at 7,500 sockets a process sent 625 pings a second, more frames
   * than a call-up's notifications; proxies' idle timeouts are 60 s.
   */
  socketKeepAliveMs: int("SOCKET_KEEPALIVE_MS", 30_000),
  /** Bounded waits (docs/operations.md): every wait on the database ends with a retryable error. */
  db: {
    poolSize: int("DATABASE_POOL_SIZE", 10),
    /** Longest wait for a free connection of the pool (pg `connectionTimeoutMillis`). */
    poolTimeoutMs: int("DATABASE_POOL_TIMEOUT_MS", 10_000),
    statementTimeoutMs: int("DATABASE_STATEMENT_TIMEOUT_MS", 15_000),
    /**
     * Longest wait for a hand-written read's answer (pg `query_timeout`, db-read.ts): a connection
     * gone silent (network cut, failover without a reset) never hears the server's statement timeout.
     */
    queryTimeoutMs: int("DATABASE_QUERY_TIMEOUT_MS", 20_000),
    /** Longest wait for a row lock, e.g. a claim behind another transaction holding the shift. */
    lockTimeoutMs: int("DATABASE_LOCK_TIMEOUT_MS", 5_000),
    idleInTransactionTimeoutMs: int("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 15_000),
    /** Longest interactive transaction (Prisma `timeout`); at least one statement's timeout. */
    transactionTimeoutMs: int("DATABASE_TRANSACTION_TIMEOUT_MS", 20_000),
  },
  /** In-flight requests get this long to finish on SIGTERM / SIGINT. */
  shutdownGraceSeconds: int("SHUTDOWN_GRACE_SECONDS", 10),
  /** Idle time a kept HTTP connection stays open: above a load balancer's idle timeout (60 s in nginx and ALB), so the balancer closes first. */
  httpKeepAliveSeconds: int("HTTP_KEEP_ALIVE_SECONDS", 65),
  /**
   * REUSE_PORT=1: listen with SO_REUSEPORT, so that several API processes started on one PORT share it
   * and the kernel spreads new connections between them (Node ≥ 22.12 on Linux; refused elsewhere).
   */
  reusePort: env.REUSE_PORT === "1",
  /** `Retry-After` of a 503 answer. */
  retryAfterSeconds: int("RETRY_AFTER_SECONDS", 5),
  /** Bearer token for /metrics; unset: /metrics is off. */
  metricsToken: env.METRICS_TOKEN || undefined,
  /** Largest volunteer import sheet, bytes (the multipart parser holds every file to MAX_PHOTO_BYTES too). */
  maxUploadBytes: int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: env.LOG_LEVEL || "info",
  /** How often each process reads new stored events (patrol log …) while it also waits for pub/sub hints. */
  eventsPollMs: Math.max(50, int("EVENTS_POLL_MS", 1000)),
  /** Where photos are stored on local disk (api/src/media/storage.ts). */
  uploadDir: env.UPLOAD_DIR || `${root}.data/uploads`,
  /** Lifetime of a signed photo URL. */
  mediaUrlTtlSeconds: Math.max(10, int("MEDIA_URL_TTL_SECONDS", 300)),
  /** Photos one account may store per hour (api/src/media/photos.ts); 0: no quota. */
  photoUploadsPerHour: int("PHOTO_UPLOADS_PER_HOUR", 60),
  /** Public home-watch requests per client address and hour (api/src/modules/homewatch/rate-limit.ts). */
  homeWatchRequestsPerHour: int("HOME_WATCH_REQUESTS_PER_HOUR", 5),
  /** Confirmation-code look-ups per client address and hour. */
  homeWatchLookupsPerHour: int("HOME_WATCH_LOOKUPS_PER_HOUR", 30),
  /** SMS: `log` (default: the log says what would be sent, phone masked) or `http` (a gateway). */
  sms: {
    provider: (env.SMS_PROVIDER || "log") as "log" | "http",
    httpUrl: env.SMS_HTTP_URL || undefined,
    httpToken: env.SMS_HTTP_TOKEN || undefined,
    /** Template ids per notification kind, `MOBILIZATION=SMS_1,SHIFT_REMINDER=SMS_2` */
    templates: Object.fromEntries((env.SMS_TEMPLATES || "").split(",").filter((p) => p.includes("=")).map((p) => p.split("=").map((x) => x.trim()) as [string, string])),
    /** How often each process looks for SMS to send (a new notification also wakes it). */
    pollMs: Math.max(100, int("SMS_POLL_MS", 2000)),
    /** Attempts before a message is marked FAILED. */
    maxAttempts: Math.max(1, int("SMS_MAX_ATTEMPTS", 6)),
    /** First retry delay; doubles each attempt (with jitter), at most an hour. */
    backoffMs: int("SMS_BACKOFF_MS", 30_000),
    /** Each batch waits up to this long while this process delivers a burst of notices live (a call-up's). */
    yieldMs: int("SMS_YIELD_MS", 3000),
  },
  /** Shown in the calendar feed URL, SMS links, invitation links and QR posters; default: the address the request came to. */
  publicUrl: env.PUBLIC_URL?.replace(/\/$/, "") || undefined,
};

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
