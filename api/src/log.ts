// Structured JSON logs (pino) on stdout. Personal data never goes in: requests are logged by
// operation name, account id, duration and error codes, never by variables; errors by type, code and
// the first line of their message with long digit runs (phone and ID numbers) blanked.
import { PothosValidationError } from "@pothos/core";
import { pino } from "pino";
import { config } from "./config.js";
import { unavailableReason } from "./graphql/unavailable.js";

const options = {
  level: config.logLevel,
  base: { service: "linshe-api", pid: process.pid },
  timestamp: pino.stdTimeFunctions.isoTime,
  formatters: { level: (label: string) => ({ level: label }) },
};

/**
 * stdout written asynchronously: a line goes out at once when no write is in flight, and the lines
 * logged meanwhile go together in the next write (under a claim storm, one write for many request lines
 * instead of a write syscall per line, ~3 % of the API's CPU). pino writes what is queued synchronously
 * when the process exits (process.exit, an uncaught exception); only SIGKILL or an abort can lose the
 * lines of the write in flight and those queued behind it.
 */
const stdout = pino.destination({ dest: 1, sync: false });

export const log = pino({
  ...options,
  // Defence in depth: nothing should log these, and if something does they are blanked.
  redact: {
    paths: ["authorization", "*.authorization", "password", "*.password", "phone", "*.phone", "idNumber", "*.idNumber", "legalName", "*.legalName", "variables", "*.variables"],
    censor: "[redacted]",
  },
}, stdout);

/**
 * The per-request line (server/observability.ts), on the same stream: its fields are fixed and never
 * personal data (`RequestLine`), so it skips the redaction pass that every other line pays.
 */
export const requestLog = pino(options, stdout);

const DIGITS = /\d{6,}[\dXx]?/g;
const ROOT = new URL("../../", import.meta.url).pathname;

/** Blanks digit runs long enough to be a phone or ID number. */
export function scrub(text: string): string {
  return text.replace(DIGITS, "[redacted]");
}

/** What a log line may say about an error: its kind, code and first message line, no data it carried. */
export function safeError(e: unknown): Record<string, unknown> {
  if (!(e instanceof Error)) return { type: typeof e, message: scrub(String(e)).slice(0, 300) };
  const code = (e as { code?: unknown }).code;
  const line = e.message.split("\n").find((l) => l.trim() !== "" && !/^Invalid `.*` invocation/.test(l.trim())) ?? "";
  const frames = (e.stack ?? "")
    .split("\n")
    .filter((l) => /^\s+at /.test(l))
    .slice(0, 8)
    .map((l) => scrub(l.trim().replace(/\/[^ ()]*\/node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?/g, "node_modules/").replace(ROOT, "")));
  const cause = (e as { cause?: unknown }).cause;
  return {
    type: e.name && e.name !== "Error" ? e.name : Object.prototype.toString.call(e).slice(8, -1),
    ...(code !== undefined ? { code: String(code) } : {}),
    message: scrub(line.trim()).slice(0, 300),
    ...(frames.length ? { stack: frames } : {}),
    ...(cause instanceof Error ? { cause: safeError(cause) } : {}),
  };
}

/**
 * Logs at most one line per `key` every `everyMs` (a Redis or database outage would otherwise write
 * one line per retry), with the number of lines left out since.
 */
const lastLogged = new Map<string, { at: number; suppressed: number }>();
export function logThrottled(level: "warn" | "error", key: string, fields: Record<string, unknown>, message: string, everyMs = 10_000) {
  const now = Date.now();
  const seen = lastLogged.get(key);
  if (seen && now - seen.at < everyMs) {
    seen.suppressed++;
    return;
  }
  lastLogged.set(key, { at: now, suppressed: 0 });
  log[level]({ ...fields, ...(seen?.suppressed ? { suppressed: seen.suppressed } : {}) }, message);
}

/** yoga's logger interface on top of pino, errors made safe. */
export const yogaLogger = {
  debug: (...args: unknown[]) => log.debug({ yoga: args.map(describe) }, "yoga"),
  info: (...args: unknown[]) => log.info({ yoga: args.map(describe) }, "yoga"),
  warn: (...args: unknown[]) => log.warn({ yoga: args.map(describe) }, "yoga"),
  error: (...args: unknown[]) => {
    const err = args.find((a) => a instanceof Error);
    const reason = err && unavailableReason(err);
    // Expected under load or during an outage: one short line (the metric counts them by reason).
    if (reason) {
      const { stack: _stack, ...short } = safeError(unwrap(err));
      return logThrottled("warn", `unavailable-${reason}`, { reason, err: short }, "answered SERVICE_UNAVAILABLE", 1000);
    }
    const path = (err as { path?: unknown } | undefined)?.path;
    // A cursor of another kind of list (maskError answers it 游标无效, BAD_USER_INPUT): the caller's
    // mistake, which anyone may send on the public board, not an error of ours with its stack.
    const inner = err && unwrap(err);
    if (inner instanceof PothosValidationError && /cursor/i.test(inner.message)) return log.debug({ path, reason: scrub(inner.message).slice(0, 100) }, "cursor refused");
    log.error(err ? { err: safeError(unwrap(err)), ...(path ? { path } : {}) } : { yoga: args.map(describe) }, "unexpected error (masked for the client)");
  },
};

function describe(a: unknown): unknown {
  return a instanceof Error ? safeError(a) : typeof a === "string" ? scrub(a).slice(0, 300) : "[object]";
}

/** A GraphQLError wrapping a resolver's error: log the resolver's error. */
function unwrap(e: unknown): unknown {
  const original = (e as { originalError?: unknown }).originalError;
  return original instanceof Error ? unwrap(original) : e;
}
