// 巡防动态: a dedicated graphql-ws subscription that resumes from the last cursor after any drop, so
// the feed has no gaps (the server replays from `since`) and no duplicates (deduped by cursor).
import type { Client } from "@urql/core";
import { print } from "graphql";
import { createClient } from "graphql-ws";
import { createEffect, createSignal, onCleanup, type Accessor } from "solid-js";
import { PatrolLogDocument, PatrolWatchDocument, type PatrolWatchSubscription } from "../gql/graphql";
import { expireSession, token } from "./auth";
import { connectionParams, wsUrl } from "./client";
import { tr } from "./i18n";

export type PatrolEvent = PatrolWatchSubscription["patrolCheckIns"];
export type FeedStatus = "connecting" | "live" | "reconnecting";
const QUERY = print(PatrolWatchDocument);

export function createPatrolFeed(stationId: Accessor<string | null>, client: Client) {
  const [events, setEvents] = createSignal<PatrolEvent[]>([]);
  const [status, setStatus] = createSignal<FeedStatus>("connecting");
  const [error, setError] = createSignal<string | null>(null);

  createEffect(() => {
    const station = stationId();
    if (!station) return;
    const key = `linshe.watch.${station}`;
    let last: string | null = localStorage.getItem(key);
    const seen = new Set<string>();
    setEvents([]);
    setError(null);
    setStatus("connecting");
    let stopped = false;
    let dispose: (() => void) | null = null;
    const ws = createClient({
      url: wsUrl(),
      connectionParams: () => connectionParams(token()),
      retryAttempts: 0,
      lazy: true,
      on: {
        connected: () => {
          setStatus("live");
          setError(null);
        },
      },
    });
    // Resume exactly where we left off.
    const start = () => {
      if (stopped) return;
      dispose = ws.subscribe<PatrolWatchSubscription>(
        { query: QUERY, variables: { stationId: station, since: last } },
        {
          next: (r) => {
            const e = r.data?.patrolCheckIns;
            if (r.errors?.length) setError(r.errors.map((x) => x.message).join("；"));
            if (!e || seen.has(e.cursor)) return;
            seen.add(e.cursor);
            last = e.cursor;
            localStorage.setItem(key, e.cursor);
            setEvents((prev) => [e, ...prev].slice(0, 500));
          },
          error: (err) => {
            setStatus("reconnecting");
            const code = (err as CloseEvent)?.code;
            if (code === 4403) return expireSession();
            if (Array.isArray(err)) return setError(err.map((x: { message: string }) => x.message).join("；"));
            setTimeout(start, 2000);
          },
          complete: () => {
            if (!stopped) {
              setStatus("reconnecting");
              setTimeout(start, 1000);
            }
          },
        },
      );
    };
    // Opened afresh: show the latest 50 entries, then follow from the newest of them (no full replay).
    if (last) start();
    else
      void client
        .query(PatrolLogDocument, { stationId: station }, { requestPolicy: "network-only" })
        .toPromise()
        .then((r) => {
          if (stopped) return;
          if (r.error && !r.data) {
            setStatus("reconnecting");
            setError(r.error.networkError ? tr("网络连接失败，正在重试…", "Network error, retrying…") : r.error.graphQLErrors.map((g) => g.message).join("；"));
            if (r.error.networkError) setTimeout(() => !stopped && (last = null, start()), 2000);
            return;
          }
          const log = r.data?.node?.__typename === "Station" ? (r.data.node.patrolLog?.edges.map((e) => e.node) ?? []) : [];
          for (const e of log) seen.add(e.cursor);
          setEvents(log);
          last = log[0]?.cursor ?? "0";
          localStorage.setItem(key, last);
          start();
        });
    onCleanup(() => {
      stopped = true;
      dispose?.();
      void ws.dispose();
    });
  });

  /** Counts per grid: check-ins, check-outs, no-shows, flagged locations. */
  const byGrid = () => {
    const m = new Map<string, { in: number; out: number; noShow: number; flagged: number }>();
    for (const e of events()) {
      const g = e.shift.grid?.name ?? tr("未分网格", "No grid");
      const c = m.get(g) ?? { in: 0, out: 0, noShow: 0, flagged: 0 };
      if (e.kind === "CHECKED_IN") c.in++;
      if (e.kind === "CHECKED_OUT") c.out++;
      if (e.kind === "NO_SHOW") c.noShow++;
      if (e.flagged) c.flagged++;
      m.set(g, c);
    }
    return [...m.entries()];
  };

  return { events, status, error, byGrid };
}
