// 巡防动态: a dedicated graphql-ws subscription that resumes from the last cursor after any drop,
// so the feed has no gaps (the server replays from `since`) and no duplicates (deduped by cursor).
import { print } from "graphql";
import { createClient } from "graphql-ws";
import { createMemo, createSignal, For, onCleanup, Show, createEffect } from "solid-js";
import { token } from "../auth";
import { useClient } from "@urql/solid";
import { PatrolLogDocument, PatrolWatchDocument, type PatrolWatchSubscription } from "../gql/graphql";
import { fmtClock, label, tr } from "../i18n";
import { useSession } from "../session";

type Event = PatrolWatchSubscription["patrolCheckIns"];
const QUERY = print(PatrolWatchDocument);

export default function Watch() {
  const s = useSession();
  const [events, setEvents] = createSignal<Event[]>([]);
  const [status, setStatus] = createSignal<"connecting" | "live" | "reconnecting">("connecting");
  const [error, setError] = createSignal<string | null>(null);
  const client = useClient();

  createEffect(() => {
    const stationId = s.stationId();
    if (!stationId) return;
    const key = `linshe.watch.${stationId}`;
    let last: string | null = localStorage.getItem(key);
    const seen = new Set<string>();
    setEvents([]);
    let stopped = false;
    let dispose: (() => void) | null = null;
    const ws = createClient({
      url: `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`,
      connectionParams: () => ({ authorization: `Bearer ${token()}` }),
      retryAttempts: 0,
      lazy: true,
      on: { connected: () => setStatus("live") },
    });
    // Resume exactly where we left off.
    const start = () => {
      if (stopped) return;
      dispose = ws.subscribe<PatrolWatchSubscription>(
        { query: QUERY, variables: { stationId, since: last } },
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
            if (code === 4403) return setError(tr("登录已失效，请重新登录", "Your session expired: sign in again"));
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
        .query(PatrolLogDocument, { stationId }, { requestPolicy: "network-only" })
        .toPromise()
        .then((r) => {
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

  const byGrid = createMemo(() => {
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
  });

  return (
    <section>
      <div class="spread">
        <h1>{tr("巡防动态", "Live patrol watch")}</h1>
        <span class={`badge ${status() === "live" ? "ok" : "warn"}`} role="status" data-testid="watch-status">
          {status() === "live" ? tr("实时", "Live") : status() === "connecting" ? tr("连接中", "Connecting") : tr("重连中", "Reconnecting")}
        </span>
      </div>
      <Show when={error()}><div class="alert" role="alert">{error()}</div></Show>
      <div class="grid2">
        <For each={byGrid()}>
          {([grid, c]) => (
            <div class="card">
              <strong>{grid}</strong>
              <div class="muted">
                {tr("签到", "In")} {c.in} · {tr("签退", "Out")} {c.out}
                <Show when={c.noShow}> · <span style={{ color: "var(--bad)" }}>{tr("缺勤", "No-show")} {c.noShow}</span></Show>
                <Show when={c.flagged}> · <span style={{ color: "var(--warn)" }}>{tr("定位异常", "Flagged")} {c.flagged}</span></Show>
              </div>
            </div>
          )}
        </For>
      </div>
      <ul class="feed card" aria-live="polite" data-testid="watch-feed">
        <For each={events()} fallback={<li class="muted">{tr("等待签到…", "Waiting for check-ins…")}</li>}>
          {(e) => (
            <li class={e.kind === "NO_SHOW" ? "noshow" : e.flagged ? "flagged" : ""}>
              <span class="seats">{fmtClock(e.at)}</span> <strong>{e.claim.volunteer.displayName}</strong> {label(e.kind)} · {e.shift.title}
              <Show when={e.shift.grid}> · {e.shift.grid!.name}</Show>
              <Show when={e.method}> · {label(e.method)}</Show>
              <Show when={e.flagged}> · <span class="badge warn">{tr("定位偏离网格", "GPS far from grid")}</span></Show>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
