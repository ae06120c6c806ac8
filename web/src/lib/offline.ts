// Offline: the last answers of the few queries a volunteer needs at the post (who they are, their
// upcoming shifts with post codes), kept in localStorage per account and session, answered when the
// network is gone, and dropped whenever the token changes (sign-out, expiry, another person signing
// in): a shared phone never shows one person's data to the next.
import { makeResult, mapExchange, type Exchange, type Operation, type OperationResult } from "@urql/core";
import { createSignal } from "solid-js";

const PREFIX = "linshe.offline.";
/** Queries whose last answer is kept (by operation name). */
export const KEPT_QUERIES = new Set(["Viewer", "MyShifts"]);

interface Saved {
  /** The session (token `sid`) that saved it: another session of the same account does not read it. */
  sid: string;
  answers: Record<string, { savedAt: string; data: unknown }>;
}

/** The account (`sub`) and session (`sid`) a token names, read from its payload (not verified: only a key). */
export function tokenOwner(token: string | null): { sub: string; sid: string } | null {
  const payload = token?.split(".")[1];
  if (!payload) return null;
  try {
    const claims = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/"))) as { sub?: unknown; sid?: unknown };
    return typeof claims.sub === "string" && typeof claims.sid === "string" ? { sub: claims.sub, sid: claims.sid } : null;
  } catch {
    return null;
  }
}

const storage = () => (typeof localStorage !== "undefined" ? localStorage : null);

/** Drops every kept answer except the given account's (all of them when `keep` is null). */
export function forgetOfflineAnswers(keep: string | null = null) {
  const s = storage();
  if (!s) return;
  for (let i = s.length - 1; i >= 0; i--) {
    const k = s.key(i);
    if (k?.startsWith(PREFIX) && k !== PREFIX + keep) s.removeItem(k);
  }
}

function read(token: string | null): Saved | null {
  const owner = tokenOwner(token);
  const raw = owner && storage()?.getItem(PREFIX + owner.sub);
  if (!owner || !raw) return null;
  try {
    const saved = JSON.parse(raw) as Saved;
    return saved.sid === owner.sid ? saved : null;
  } catch {
    return null;
  }
}

export function saveAnswer(token: string | null, name: string, data: unknown) {
  const owner = tokenOwner(token);
  if (!owner) return;
  const saved = read(token) ?? { sid: owner.sid, answers: {} };
  saved.answers[name] = { savedAt: new Date().toISOString(), data };
  try {
    storage()?.setItem(PREFIX + owner.sub, JSON.stringify(saved));
  } catch {
    // Storage full or refused (private mode): offline copies are a convenience only.
  }
}

export function savedAnswer(token: string | null, name: string) {
  return read(token)?.answers[name] ?? null;
}

const [networkDown, setNetworkDown] = createSignal(false);
/** When the saved answers on screen were saved (the oldest shown), while the API cannot be reached. */
const [showingSavedAt, setShowingSavedAt] = createSignal<string | null>(null);
export { networkDown, showingSavedAt };

const nameOf = (op: Operation) =>
  op.query.definitions.find((d) => d.kind === "OperationDefinition")?.name?.value ?? "";

/**
 * Between the cache and the network: keeps the answers of KEPT_QUERIES and, when a query fails
 * because the network is gone, answers it with the kept copy instead of the error.
 */
export const offlineExchange = (token: string | null): Exchange =>
  mapExchange({
    onResult(result: OperationResult) {
      const op = result.operation;
      if (result.error?.networkError) setNetworkDown(true);
      else if (result.data || result.error?.graphQLErrors.length) {
        setNetworkDown(false);
        setShowingSavedAt(null);
      }
      if (op.kind !== "query" || !KEPT_QUERIES.has(nameOf(op))) return;
      if (result.data && !result.error) return void saveAnswer(token, nameOf(op), result.data);
      if (!result.error?.networkError) return;
      const saved = savedAnswer(token, nameOf(op));
      if (!saved) return;
      const prev = showingSavedAt();
      if (!prev || saved.savedAt < prev) setShowingSavedAt(saved.savedAt);
      return makeResult(op, { data: saved.data as Record<string, unknown> });
    },
  });
