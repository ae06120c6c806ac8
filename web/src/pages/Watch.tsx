// 巡防动态 (officers, team leaders): counts per grid and the live feed (lib/patrolFeed).
import { useClient } from "@urql/solid";
import { For, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { createPatrolFeed } from "../lib/patrolFeed";
import { useSession } from "../lib/session";
import { formatClock } from "../lib/time";

export default function Watch() {
  const s = useSession();
  const feed = createPatrolFeed(s.stationId, useClient());
  return (
    <section>
      <div class="spread">
        <h1>{tr("巡防动态", "Live patrol watch")}</h1>
        <span class={`badge ${feed.status() === "live" ? "ok" : "warn"}`} role="status" data-testid="watch-status">
          {feed.status() === "live" ? tr("实时", "Live") : feed.status() === "connecting" ? tr("连接中", "Connecting") : tr("重连中", "Reconnecting")}
        </span>
      </div>
      <Show when={feed.error()}>
        <div class="alert" role="alert">{feed.error()}</div>
      </Show>
      <div class="grid2">
        <For each={feed.byGrid()}>
          {([grid, c]) => (
            <div class="card">
              <strong>{grid}</strong>
              <div class="muted">
                {tr("签到", "In")} {c.in} · {tr("签退", "Out")} {c.out}
                <Show when={c.noShow}> · <span class="text-bad">{tr("缺勤", "No-show")} {c.noShow}</span></Show>
                <Show when={c.flagged}> · <span class="text-warn">{tr("定位异常", "Flagged")} {c.flagged}</span></Show>
              </div>
            </div>
          )}
        </For>
      </div>
      <ul class="feed card" aria-live="polite" data-testid="watch-feed">
        <For each={feed.events()} fallback={<li class="muted">{tr("等待签到…", "Waiting for check-ins…")}</li>}>
          {(e) => (
            <li class={e.kind === "NO_SHOW" ? "noshow" : e.flagged ? "flagged" : ""}>
              <span class="seats">{formatClock(e.at)}</span> <strong>{e.claim.volunteer.displayName}</strong> {label("PatrolEventKind", e.kind)} · {e.shift.title}
              <Show when={e.shift.grid}> · {e.shift.grid!.name}</Show>
              <Show when={e.method}> · {label("CheckInMethod", e.method)}</Show>
              <Show when={e.flagged}> · <Badge text={tr("定位偏离网格", "GPS far from grid")} tone="warn" /></Show>
            </li>
          )}
        </For>
      </ul>
    </section>
  );
}
