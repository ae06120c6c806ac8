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
};

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
