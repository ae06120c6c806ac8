// urql with graphcache (normalized by Relay IDs, optimistic seat counts), busy-aware retries for
// queries, the UI language on every request, and graphql-ws subscriptions. Operations go out as the
// hash of a trusted document (the API runs only those in production): @urql/exchange-persisted,
// urql's own exchange for persisted operations, with the hash codegen compiled into each document.
import { Client, fetchExchange, makeOperation, mapExchange, subscriptionExchange, type Exchange, type Operation } from "@urql/core";
import { cacheExchange, type Cache } from "@urql/exchange-graphcache";
import { persistedExchange } from "@urql/exchange-persisted";
import { retryExchange } from "@urql/exchange-retry";
import { createClient as createWS } from "graphql-ws";
import { createEffect, createRoot, on } from "solid-js";
import { pipe, tap } from "wonka";
import { expireSession } from "./auth";
import { BUSY_RETRY, isBusyError, isUnauthenticated, setBusy } from "./busy";
import { lang, locale } from "./i18n";
import { offlineExchange } from "./offline";

/** Every object with an `id` is an entity; others (payloads, edges, errors) are embedded. */
const keys = new Proxy({} as Record<string, (data: Record<string, unknown>) => string | null>, {
  get: () => (data: Record<string, unknown>) => (typeof data.id === "string" ? data.id : null),
});

const SEATS = `fragment OptimisticSeats on Shift { id seatsTaken seatsLeft waitlistLength capacity }`;

function seats(cache: Cache, shiftId: string) {
  return cache.readFragment(SEATS as never, { id: shiftId }) as { seatsTaken: number; seatsLeft: number; waitlistLength: number; capacity: number } | null;
}

export const wsUrl = () => `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;

/** The API refuses requests without it that a browser could send across origins (yoga's CSRF prevention). */
export const CSRF_HEADER = "x-graphql-yoga-csrf";

/** Headers of every HTTP request: the token, the UI language (the API's messages follow it), the CSRF header. */
export function requestHeaders(token: string | null): Record<string, string> {
  const h: Record<string, string> = { "accept-language": locale(), [CSRF_HEADER]: "1" };
  if (token) h.authorization = `Bearer ${token}`;
  return h;
}

/** The socket's connection_init payload. */
export const connectionParams = (token: string | null) => ({ ...(token ? { authorization: `Bearer ${token}` } : {}), locale: locale() });

/** Watches every result: the busy banner, and a held token the API refuses. */
export const watchExchange = (token: string | null): Exchange =>
  mapExchange({
    onResult(result) {
      setBusy(isBusyError(result.error));
      if (token && isUnauthenticated(result.error)) expireSession();
    },
  });

/**
 * The API writes some texts (notices, messages) in the language asked for, and the cache keeps them:
 * after a switch of language the queries on screen are asked again from the network (the cache's
 * entities then hold the new texts for every view of them).
 */
export function languageExchange(): { exchange: Exchange; askAgain: () => void } {
  const active = new Map<number, Operation>();
  let client: Client | null = null;
  const exchange: Exchange = ({ forward, client: c }) => {
    client = c;
    return (ops$) =>
      forward(
        pipe(
          ops$,
          tap((op) => {
            if (op.kind === "query") active.set(op.key, op);
            else if (op.kind === "teardown") active.delete(op.key);
          }),
        ),
      );
  };
  const askAgain = () => {
    for (const op of active.values()) client?.reexecuteOperation(makeOperation("query", op, { ...op.context, requestPolicy: "network-only" }));
  };
  return { exchange, askAgain };
}

/** The trusted document's hash, compiled into each generated document (web/codegen.ts). */
const documentHash = async (_query: string, document: unknown) => (document as { __meta__?: { hash?: string } }).__meta__?.hash ?? "";

/** Queries, mutations and subscriptions by hash. A hash the API does not know is sent again as text, which only development accepts (a server started before the last codegen). */
export const trustedDocuments = (): Exchange =>
  persistedExchange({ enforcePersistedQueries: false, enableForMutation: true, enableForSubscriptions: true, preferGetForPersistedQueries: false, generateHash: documentHash });

/** The exchanges between the cache and the network (exported for the component tests). */
export const networkExchanges = (token: string | null): Exchange[] => [offlineExchange(token), retryExchange(BUSY_RETRY), watchExchange(token), trustedDocuments(), fetchExchange];

export function createApiClient(token: string | null) {
  let socket: WebSocket | null = null;
  let socketLocale = "";
  // The socket closed with subscriptions open (a switch of language, the network): live events sent
  // meanwhile were not heard (the streams resume from now), so the queries on screen ask again.
  let interrupted = false;
  const ws = createWS({
    url: wsUrl(),
    connectionParams: () => {
      const params = connectionParams(token);
      socketLocale = params.locale;
      return params;
    },
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (n) => new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** n, 10_000))),
    on: {
      connected: (s) => {
        socket = s as WebSocket;
        // The language was switched while this socket was opening: it speaks the old one.
        if (socketLocale !== locale()) socket.close(4205, "Client Restart");
        else if (interrupted) {
          interrupted = false;
          language.askAgain();
        }
      },
      closed: (e) => {
        // 1000: closed because no subscription is left (lazy); 4403: the token was refused (expired or revoked).
        const code = (e as CloseEvent)?.code;
        if (code !== 1000) interrupted = true;
        if (code === 4403) expireSession();
      },
    },
  });
  const language = languageExchange();
  const client = new Client({
    url: "/graphql",
    fetchOptions: (): RequestInit => ({ headers: requestHeaders(token) }),
    exchanges: [
      language.exchange,
      cacheExchange({
        keys,
        optimistic: {
          // The seat count moves the moment the volunteer taps; the server's answer replaces it.
          claimShift: (args, cache) => {
            const shiftId = (args.input as { shiftId: string }).shiftId;
            const s = seats(cache, shiftId);
            if (!s) return null as never;
            const seat = s.seatsLeft > 0;
            return {
              __typename: "ClaimShiftPayload",
              claim: null,
              userErrors: [],
              shift: {
                __typename: "Shift",
                id: shiftId,
                seatsTaken: seat ? s.seatsTaken + 1 : s.seatsTaken,
                seatsLeft: seat ? s.seatsLeft - 1 : 0,
                waitlistLength: seat ? s.waitlistLength : s.waitlistLength + 1,
                capacity: s.capacity,
                viewerCanClaim: false,
              },
            } as never;
          },
        },
      }),
      ...networkExchanges(token),
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? "" }, sink) }),
        }),
      }),
    ],
  });
  // A switch of language: the socket reconnects with the new `locale` (its subscriptions resume by
  // themselves; 4205 is graphql-ws's "client restart", not fatal) and the queries on screen ask again.
  const stopWatching = createRoot((dispose) => {
    createEffect(
      on(
        lang,
        () => {
          if (socket?.readyState === WebSocket.OPEN) socket.close(4205, "Client Restart");
          language.askAgain();
        },
        { defer: true },
      ),
    );
    return dispose;
  });
  return {
    client,
    dispose: () => {
      stopWatching();
      void ws.dispose();
    },
  };
}
