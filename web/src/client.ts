// urql with graphcache (normalized by Relay IDs, optimistic seat counts) and graphql-ws subscriptions.
import { Client, fetchExchange, subscriptionExchange } from "@urql/core";
import { cacheExchange, type Cache } from "@urql/exchange-graphcache";
import { createClient as createWS } from "graphql-ws";
import { setToken } from "./auth";

/** Every object with an `id` is an entity; others (payloads, edges, errors) are embedded. */
const keys = new Proxy({} as Record<string, (data: Record<string, unknown>) => string | null>, {
  get: () => (data: Record<string, unknown>) => (typeof data.id === "string" ? data.id : null),
});

const SEATS = `fragment OptimisticSeats on Shift { id seatsTaken seatsLeft waitlistLength capacity }`;

function seats(cache: Cache, shiftId: string) {
  return cache.readFragment(SEATS as never, { id: shiftId }) as { seatsTaken: number; seatsLeft: number; waitlistLength: number; capacity: number } | null;
}

export function createApiClient(token: string | null) {
  const wsUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
  const ws = createWS({
    url: wsUrl,
    connectionParams: () => (token ? { authorization: `Bearer ${token}` } : {}),
    lazy: true,
    retryAttempts: Infinity,
    shouldRetry: () => true,
    retryWait: async (n) => new Promise((r) => setTimeout(r, Math.min(1000 * 2 ** n, 10_000))),
    on: {
      closed: (e) => {
        // 4403: the token was refused (expired or revoked): sign out.
        if ((e as CloseEvent)?.code === 4403) setToken(null);
      },
    },
  });
  const client = new Client({
    url: "/graphql",
    fetchOptions: (): RequestInit => ({ headers: token ? { authorization: `Bearer ${token}` } : ({} as Record<string, string>) }),
    exchanges: [
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
      fetchExchange,
      subscriptionExchange({
        forwardSubscription: (request) => ({
          subscribe: (sink) => ({ unsubscribe: ws.subscribe({ ...request, query: request.query ?? "" }, sink) }),
        }),
      }),
    ],
  });
  return { client, dispose: () => ws.dispose() };
}
