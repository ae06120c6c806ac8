// The API's "busy" answer (HTTP 503 with Retry-After, or a GraphQL error SERVICE_UNAVAILABLE):
// queries retry by themselves while a banner says so; mutations are never retried automatically.
import type { CombinedError, Operation } from "@urql/core";
import { createSignal } from "solid-js";

const [busy, setBusy] = createSignal(false);
export { busy, setBusy };

export function isBusyError(error: CombinedError | null | undefined): boolean {
  if (!error) return false;
  if (error.response && (error.response as Response).status === 503) return true;
  return error.graphQLErrors.some((e) => e.extensions?.code === "SERVICE_UNAVAILABLE");
}

export const isUnauthenticated = (error: CombinedError | null | undefined) =>
  !!error?.graphQLErrors.some((e) => e.extensions?.code === "UNAUTHENTICATED");

/** retryExchange's rule: only queries, only on "busy". */
export const retryBusyQueries = (error: CombinedError, operation: Operation) => operation.kind === "query" && isBusyError(error);

/** The retry schedule for busy queries: about 1 s, 2 s, 4 s … up to 15 s, eight tries. */
export const BUSY_RETRY = { initialDelayMs: 1000, maxDelayMs: 15_000, randomDelay: true, maxNumberAttempts: 8, retryIf: retryBusyQueries };
