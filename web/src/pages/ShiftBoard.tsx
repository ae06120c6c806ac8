import { A } from "@solidjs/router";
import { createMutation, createQuery, createSubscription } from "@urql/solid";
import { createMemo, createSignal, For, Show } from "solid-js";
import { CancelShiftClaimDocument, ClaimShiftDocument, ShiftBoardDocument, ShiftUpdatedDocument, StationTeamsDocument, type ShiftCardFragment, type ShiftKind } from "../gql/graphql";
import { fmtDateTime, fmtTime, label, tr } from "../i18n";
import { useSession } from "../session";
import { Badge, ErrorBox, Loading, statusKind, UserErrors, type UserErrorLike } from "../ui";

const KINDS: ShiftKind[] = ["PATROL", "NIGHT_PATROL", "PUBLICITY", "EVENT_SECURITY", "HOME_WATCH"];
const RANGES = [
  { key: "today", zh: "今天", en: "Today", days: 1 },
  { key: "week", zh: "7天内", en: "Next 7 days", days: 7 },
  { key: "month", zh: "30天内", en: "Next 30 days", days: 30 },
];

/** Keeps a shift's seat counts live while it is on screen. */
function LiveSeats(props: { shiftId: string }) {
  createSubscription({ query: ShiftUpdatedDocument, variables: () => ({ shiftId: props.shiftId }) });
  return null;
}

export function ShiftCardView(props: { shift: ShiftCardFragment }) {
  const s = () => props.shift;
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const [claimState, claim] = createMutation(ClaimShiftDocument);
  const [cancelState, cancel] = createMutation(CancelShiftClaimDocument);
  const mine = () => s().viewerClaim;
  const active = () => mine() && (mine()!.status === "CONFIRMED" || mine()!.status === "WAITLISTED");
  return (
    <article class="card" aria-label={s().title} data-testid="shift-card">
      <LiveSeats shiftId={s().id} />
      <div class="spread">
        <strong>{s().title}</strong>
        <span class="muted">
          {label(s().kind)}
          <Show when={s().isJointPatrol}> · {tr("警民共巡", "Joint patrol")}</Show>
        </span>
      </div>
      <div>
        {fmtDateTime(s().startsAt)}–{fmtTime(s().endsAt)} · {s().grid?.name ?? s().place}
      </div>
      <div class="muted">
        {s().team.name}
        <Show when={s().squad}> · {s().squad!.name}</Show>
        <Show when={s().requiredSpecialty}> · {tr("需要", "Needs")} {label(s().requiredSpecialty)}</Show>
        <Show when={s().rotationPartner}> · {tr("轮值单位", "Rotation")}: {s().rotationPartner!.name}</Show>
      </div>
      <div class="spread" style={{ "margin-top": ".5rem" }}>
        <span>
          <span class="seats" data-testid="seats">{s().seatsTaken}/{s().capacity}</span> {tr("已确认", "confirmed")}
          <Show when={s().waitlistLength > 0}> · {tr("候补", "waitlist")} {s().waitlistLength}</Show>
          <Show when={s().status !== "OPEN"}> <Badge value={s().status} kind={statusKind(s().status)} /></Show>
        </span>
        <span class="row">
          <Show when={mine() && mine()!.status !== "CANCELLED"}>
            <Badge value={mine()!.status} kind={statusKind(mine()!.status)} />
            <Show when={mine()!.status === "WAITLISTED"}>
              <span class="muted">{tr(`第${mine()!.waitlistPosition}位`, `#${mine()!.waitlistPosition}`)}</span>
            </Show>
          </Show>
          <Show when={s().viewerCanClaim}>
            <button
              class="primary"
              disabled={claimState.fetching}
              onClick={async () => {
                const r = await claim({ input: { shiftId: s().id } });
                setErrors(r.data?.claimShift?.userErrors ?? (r.error ? [{ code: "NETWORK", message: r.error.message }] : []));
              }}
            >
              {s().seatsLeft > 0 ? tr("认领", "Claim") : tr("排候补", "Join waitlist")}
            </button>
          </Show>
          <Show when={active() && !mine()!.checkedInAt}>
            <button
              disabled={cancelState.fetching}
              onClick={async () => {
                if (!confirm(tr("确定取消认领？", "Cancel your claim?"))) return;
                const r = await cancel({ input: { claimId: mine()!.id } });
                setErrors(r.data?.cancelShiftClaim?.userErrors ?? []);
              }}
            >
              {tr("取消认领", "Cancel")}
            </button>
          </Show>
          <Show when={s().viewerCanManage}>
            <A class="button" href={`/shifts/${encodeURIComponent(s().id)}`}>{tr("名单", "Roster")}</A>
          </Show>
        </span>
      </div>
      <UserErrors errors={errors()} />
    </article>
  );
}

export default function ShiftBoard() {
  const session = useSession();
  const [range, setRange] = createSignal("week");
  const [teamId, setTeamId] = createSignal<string>("");
  const [squadId, setSquadId] = createSignal<string>("");
  const [kind, setKind] = createSignal<string>("");
  const [teams] = createQuery({ query: StationTeamsDocument, variables: () => ({ stationId: session.stationId()! }), pause: () => !session.stationId() });
  const station = () => (teams.data?.node?.__typename === "Station" ? teams.data.node : null);
  const squads = createMemo(() => station()?.teams.edges.find((e) => e.node.id === teamId())?.node.squads.edges.map((e) => e.node) ?? []);
  const window = createMemo(() => {
    const days = RANGES.find((r) => r.key === range())!.days;
    const now = new Date();
    return { from: now.toISOString(), to: new Date(now.getTime() + days * 86_400_000).toISOString() };
  });
  const [board] = createQuery({
    query: ShiftBoardDocument,
    variables: () => ({
      stationId: session.stationId()!,
      teamId: teamId() || null,
      squadId: squadId() || null,
      kind: (kind() || null) as ShiftKind | null,
      ...window(),
    }),
    pause: () => !session.stationId(),
    requestPolicy: "cache-and-network",
  });
  return (
    <section>
      <h1>{tr("巡逻班次", "Patrol shifts")}</h1>
      <div class="card grid2" role="group" aria-label={tr("筛选", "Filters")}>
        <div>
          <label for="range">{tr("日期", "Dates")}</label>
          <select id="range" value={range()} onChange={(e) => setRange(e.currentTarget.value)}>
            <For each={RANGES}>{(r) => <option value={r.key}>{tr(r.zh, r.en)}</option>}</For>
          </select>
        </div>
        <div>
          <label for="kind">{tr("类型", "Kind")}</label>
          <select id="kind" value={kind()} onChange={(e) => setKind(e.currentTarget.value)}>
            <option value="">{tr("全部", "All")}</option>
            <For each={KINDS}>{(k) => <option value={k}>{label(k)}</option>}</For>
          </select>
        </div>
        <div>
          <label for="team">{tr("队伍", "Team")}</label>
          <select id="team" value={teamId()} onChange={(e) => { setTeamId(e.currentTarget.value); setSquadId(""); }}>
            <option value="">{tr("全部", "All")}</option>
            <For each={station()?.teams.edges}>{(t) => <option value={t.node.id}>{t.node.name}</option>}</For>
          </select>
        </div>
        <div>
          <label for="squad">{tr("小队", "Squad")}</label>
          <select id="squad" value={squadId()} disabled={!teamId()} onChange={(e) => setSquadId(e.currentTarget.value)}>
            <option value="">{tr("全部", "All")}</option>
            <For each={squads()}>{(q) => <option value={q.id}>{q.name}</option>}</For>
          </select>
        </div>
      </div>
      <ErrorBox error={board.error} />
      <Show when={board.data} fallback={<Loading />}>
        <Show when={board.data!.shifts?.edges.length} fallback={<p class="muted">{tr("这段时间没有班次", "No shifts in this period")}</p>}>
          <For each={board.data!.shifts?.edges}>{(e) => <ShiftCardView shift={e.node} />}</For>
        </Show>
      </Show>
    </section>
  );
}
