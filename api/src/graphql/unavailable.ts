// A database that is away, saturated or holding a lock too long is not a bug: such failures answer
// HTTP 503 with `Retry-After` and one GraphQL error `{ extensions: { code: "SERVICE_UNAVAILABLE" } }`
// (queries and mutations alike: a mutation that got it was rolled back). Everything else unexpected
// stays masked as before. The exact shape: docs/operations.md.
import { PothosValidationError } from "@pothos/core";
import { GraphQLError } from "graphql";
import { maskError as yogaMaskError, type Plugin } from "graphql-yoga";
import { config } from "../config.js";
import { localeFrom, msg } from "../i18n.js";
import { notThisListsCursor } from "./list-cursor.js";
import { localizeResult } from "./localize.js";
import { metrics } from "../metrics.js";

export const SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE";
/** Written in both languages (i18n.ts); answers carry the client's (`localizeUnavailable`, subscriptions). */
export const UNAVAILABLE_MESSAGE = msg("服务繁忙，请稍后重试", "Service busy, please retry shortly");

export type UnavailableReason = "pool_timeout" | "lock_timeout" | "statement_timeout" | "transaction_timeout" | "unreachable" | "conflict" | "starting" | "draining";

// SQLSTATEs: 55P03 lock_not_available, 57014 query_canceled (statement_timeout), 25P03 idle in
// transaction timeout, 40001/40P01 serialization failure/deadlock (after the service's retries),
// 53300 too many connections, 57P01-57P03 server shutting down or starting, 08xxx connection errors.
const BY_SQLSTATE: Record<string, UnavailableReason> = {
  "55P03": "lock_timeout",
  "57014": "statement_timeout",
  "25P03": "transaction_timeout",
  "40001": "conflict",
  "40P01": "conflict",
  "53300": "unreachable",
  "57P01": "unreachable",
  "57P02": "unreachable",
  "57P03": "unreachable",
};
// Prisma: P1001 cannot reach, P1002/P1008 timed out, P1017 server closed the connection, P2024 pool
// timeout, P2028 transaction API (expired or could not start in time), P2034 write conflict/deadlock.
const BY_PRISMA_CODE: Record<string, UnavailableReason> = {
  P1001: "unreachable",
  P1002: "unreachable",
  P1008: "statement_timeout",
  P1017: "unreachable",
  P2024: "pool_timeout",
  P2028: "transaction_timeout",
  P2034: "conflict",
};
const BY_ADAPTER_KIND: Record<string, UnavailableReason> = {
  DatabaseNotReachable: "unreachable",
  ConnectionClosed: "unreachable",
  SocketTimeout: "unreachable",
  TooManyConnections: "unreachable",
  TransactionWriteConflict: "conflict",
};
const BY_MESSAGE: [RegExp, UnavailableReason][] = [
  [/timeout exceeded when trying to connect/i, "pool_timeout"],
  [/Connection terminated|not queryable|Connection closed|connection error|server closed the connection/i, "unreachable"],
  [/ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH/, "unreachable"],
  [/Cannot use a pool after calling end/i, "draining"],
  [/Query read timeout/, "unreachable"], // pg's query_timeout (db-read.ts): the connection went silent
];
const NODE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "EHOSTUNREACH", "ENOTFOUND"]);

/** Why `e` is a transient unavailability of the database, or null when it is something else. */
export function unavailableReason(e: unknown, depth = 0): UnavailableReason | null {
  if (!e || typeof e !== "object" || depth > 6) return null;
  const err = e as { code?: unknown; message?: unknown; kind?: unknown; meta?: { driverAdapterError?: { cause?: unknown } }; cause?: unknown; originalError?: unknown };
  if (e instanceof GraphQLError && e.extensions?.code === SERVICE_UNAVAILABLE) return "unreachable";
  const code = typeof err.code === "string" ? err.code : undefined;
  if (code && BY_PRISMA_CODE[code]) return BY_PRISMA_CODE[code]!;
  if (code && BY_SQLSTATE[code]) return BY_SQLSTATE[code]!;
  if (code && (code.startsWith("08") && code.length === 5)) return "unreachable";
  if (code && NODE_CODES.has(code)) return "unreachable";
  if (typeof err.kind === "string" && BY_ADAPTER_KIND[err.kind]) return BY_ADAPTER_KIND[err.kind]!;
  for (const inner of [err.meta?.driverAdapterError?.cause, err.meta?.driverAdapterError, err.cause, err.originalError]) {
    const r = unavailableReason(inner, depth + 1);
    if (r) return r;
  }
  // P2010 (raw query failed) carries the SQLSTATE only in its message when the adapter's error is absent.
  if (typeof err.message === "string") {
    const sqlstate = /Code: `([0-9A-Z]{5})`/.exec(err.message)?.[1];
    if (sqlstate && BY_SQLSTATE[sqlstate]) return BY_SQLSTATE[sqlstate]!;
    for (const [re, reason] of BY_MESSAGE) if (re.test(err.message)) return reason;
  }
  return null;
}

/** The error clients get; `http` makes yoga answer 503 with Retry-After (yoga strips it from the body). */
export function serviceUnavailable(reason: UnavailableReason, opts: { http?: boolean; path?: readonly (string | number)[] } = {}): GraphQLError {
  return new GraphQLError(UNAVAILABLE_MESSAGE, {
    path: opts.path,
    extensions: {
      code: SERVICE_UNAVAILABLE,
      retryAfterSeconds: config.retryAfterSeconds,
      ...(opts.http === false ? {} : { http: { status: 503, headers: { "Retry-After": String(config.retryAfterSeconds) } } }),
    },
  });
}

/**
 * yoga's `maskedErrors.maskError`: database unavailability becomes SERVICE_UNAVAILABLE, anything
 * else unexpected is masked by yoga's own rule. Also used for subscription events (no `http`).
 */
export function maskError(error: unknown, message: string, isDev?: boolean, http = true): Error {
  const reason = unavailableReason(error);
  if (reason) {
    metrics.unavailable.inc({ reason });
    return serviceUnavailable(reason, { http, path: error instanceof GraphQLError ? error.path : undefined });
  }
  return cursorRefusal(error) ?? yogaMaskError(error, message, isDev);
}

/**
 * A cursor of the right shape for another kind of list (validCursor checks the shape only): Pothos
 * refuses it while resolving, in English and untyped. The caller's mistake: BAD_USER_INPUT.
 */
function cursorRefusal(error: unknown): GraphQLError | null {
  if (!(error instanceof GraphQLError) || !(error.originalError instanceof PothosValidationError) || !/cursor/i.test(error.originalError.message)) return null;
  return notThisListsCursor(error);
}

/**
 * The 503 can be decided outside execution (the context's database read, a pool timeout), where the
 * per-execution localization does not reach: its message is put in the client's language here.
 */
export function localizeUnavailable(): Plugin {
  return {
    onResultProcess({ request, result, setResult }) {
      if (Array.isArray(result) || !("errors" in result) || !result.errors?.some((e) => e.extensions?.code === SERVICE_UNAVAILABLE)) return;
      setResult(localizeResult(result, localeFrom(request.headers.get("accept-language"))));
    },
  };
}
