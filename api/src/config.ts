// Settings read from the environment once; documented in README.md.
const env = process.env;

function int(name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === "") return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
}

const production = env.NODE_ENV === "production";
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
  maxDepth: int("GRAPHQL_MAX_DEPTH", 16),
  logSql: env.LOG_SQL === "1",
  /** How long an anonymous public board answer may be reused (0 turns the cache off). */
  publicCacheSeconds: int("PUBLIC_CACHE_SECONDS", 30),
  /** How often each process re-checks the sessions of its open WebSockets (revocations also arrive at once over the pub/sub). */
  socketSweepMs: int("SOCKET_SWEEP_MS", 3000),
  /** Bounded waits (docs/operations.md): every wait on the database ends with a retryable error. */
  db: {
    poolSize: int("DATABASE_POOL_SIZE", 10),
    /** Longest wait for a free connection of the pool (pg `connectionTimeoutMillis`). */
    poolTimeoutMs: int("DATABASE_POOL_TIMEOUT_MS", 10_000),
    statementTimeoutMs: int("DATABASE_STATEMENT_TIMEOUT_MS", 15_000),
    /** Longest wait for a row lock, e.g. a claim behind another transaction holding the shift. */
    lockTimeoutMs: int("DATABASE_LOCK_TIMEOUT_MS", 5_000),
    idleInTransactionTimeoutMs: int("DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS", 15_000),
    /** Longest interactive transaction (Prisma `timeout`); at least one statement's timeout. */
    transactionTimeoutMs: int("DATABASE_TRANSACTION_TIMEOUT_MS", 20_000),
  },
  /** In-flight requests get this long to finish on SIGTERM / SIGINT. */
  shutdownGraceSeconds: int("SHUTDOWN_GRACE_SECONDS", 10),
  /** `Retry-After` of a 503 answer. */
  retryAfterSeconds: int("RETRY_AFTER_SECONDS", 5),
  /** Bearer token for /metrics; unset: /metrics is off. */
  metricsToken: env.METRICS_TOKEN || undefined,
  /** The web app's public address, for invitation links and QR posters (else the address the officer's browser uses). */
  publicUrl: (env.PUBLIC_URL || "").replace(/\/+$/, "") || null,
  /** Largest uploaded file (volunteer import sheets), bytes. */
  maxUploadBytes: int("MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
  /** pino level: fatal, error, warn, info, debug, trace or silent. */
  logLevel: env.LOG_LEVEL || "info",
  /** How often each process reads new stored events (patrol log …) while it also waits for pub/sub hints. */
  eventsPollMs: Math.max(50, int("EVENTS_POLL_MS", 1000)),
};

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
