// 班次: the station's shifts with filters, claim / waitlist / cancel, live seat counts.
import { A } from "@solidjs/router";
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from "solid-js";
import { AfterTask } from "../components/AfterTask";
import { Badge } from "../components/Badge";
import { Checkbox } from "../components/Checkbox";
import { confirmDialog } from "../components/Dialog";
import { QueryView } from "../components/QueryView";
import { CancelShiftClaimDocument, ClaimShiftDocument, ShiftBoardDocument, ShiftsUpdatedDocument, ShiftUpdatedDocument, StationTeamsDocument, type ShiftCardFragment, type ShiftKind } from "../gql/graphql";
import { dotted, tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";
import { formatSpan } from "../lib/time";
import { token } from "../lib/auth";
import { afterIdle } from "../lib/idle";
import { createQuery, createSubscription } from "../lib/query";
import { FIRST_RANGE, rangeWindow, rememberBoardStation, takeEarlyWindow, type Range } from "../lib/early-board";

const RANGES = [
  { key: "today", zh: "今天", en: "Today" },
  { key: "week", zh: "7天内", en: "7 days" },
  { key: "month", zh: "30天内", en: "30 days" },
] as const satisfies readonly { key: Range; zh: string; en: string }[];
export { rangeWindow };

/** Keeps one shift's seat counts live (the roster page). */
function LiveSeats(props: { shiftId: string }) {
  createSubscription({ query: ShiftUpdatedDocument, variables: () => ({ shiftId: props.shiftId }) });
  return null;
}

/**
 * Keeps the seat counts of the board's shifts live over one subscription (graphcache updates the cards).
 * It starts once the browser is idle: opening the socket is not part of drawing the first cards.
 */
function LiveBoard(props: { shiftIds: string[] }) {
  const idle = afterIdle();
  createSubscription({ query: ShiftsUpdatedDocument, variables: () => ({ shiftIds: props.shiftIds }), pause: () => !idle() || props.shiftIds.length === 0 });
  return null;
}

/**
 * How many of `total` cards to show: the first with the answer, then a few more after each paint, so
 * no task draws many cards at once (a phone's CPU is slow: a task over 50 ms blocks taps).
 */
export function createStagedCount(total: () => number, first = 1, step = 2) {
  const [shown, setShown] = createSignal(first);
  createEffect(() => {
    if (shown() >= total()) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // After the next paint, not before it (a timer alone may run before the frame is drawn).
    const frame = requestAnimationFrame(() => (timer = setTimeout(() => setShown((n) => n + step))));
    onCleanup(() => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    });
  });
  return shown;
}

/** A shift's card; `live` follows its seat counts by itself (the board follows all its cards at once). */
/** `onPage`: the card sits on the shift's own page, so its title is not a link to where the reader is. */
export function ShiftCardView(props: { shift: ShiftCardFragment; onChange?: () => void; live?: boolean; onPage?: boolean }) {
  const s = () => props.shift;
  const claim = createAction(ClaimShiftDocument, {
    pick: (d) => d.claimShift,
    success: (p) => (p.claim?.status === "WAITLISTED" ? tr(`已排候补第 ${p.claim.waitlistPosition ?? ""} 位`, `On the waitlist, #${p.claim.waitlistPosition ?? ""}`) : tr("认领成功", "Claimed")),
    onSuccess: () => props.onChange?.(),
  });
  const cancel = createAction(CancelShiftClaimDocument, { pick: (d) => d.cancelShiftClaim, success: () => tr("已取消认领", "Claim cancelled"), onSuccess: () => props.onChange?.() });
  const mine = () => s().viewerClaim;
  const active = () => mine() && (mine()!.status === "CONFIRMED" || mine()!.status === "WAITLISTED");
  return (
    <article class="card" aria-label={s().title} data-testid="shift-card">
      <Show when={props.live}>
        <LiveSeats shiftId={s().id} />
      </Show>
      <div class="spread">
        <Show when={!props.onPage} fallback={<strong class="card-title">{s().title}</strong>}>
          <A href={`/shifts/${encodeURIComponent(s().id)}`} class="card-title"><strong>{s().title}</strong></A>
        </Show>
        <span class="muted">
          {label("ShiftKind", s().kind)}
          <Show when={s().isJointPatrol}> · {tr("警民共巡", "Joint patrol")}</Show>
        </span>
      </div>
      <div>{dotted(formatSpan(s().startsAt, s().endsAt), s().grid?.name || s().place)}</div>
      <div class="muted">
        {s().team.name}
        <Show when={s().squad}> · {s().squad!.name}</Show>
        <Show when={s().requiredSpecialty}> · {tr("需要", "Needs")} {label("Specialty", s().requiredSpecialty)}</Show>
        <Show when={s().rotationPartner}> · {tr("轮值单位", "Rotation")}: {s().rotationPartner!.name}</Show>
      </div>
      <div class="spread gap-above">
        <span>
          <span class="seats" data-testid="seats">{s().seatsTaken}/{s().capacity}</span> {tr("已确认", "confirmed")}
          <Show when={s().waitlistLength > 0}> · {tr("候补", "waitlist")} {s().waitlistLength}</Show>
          <Show when={s().status !== "OPEN"}> <Badge enum="ShiftStatus" value={s().status} /></Show>
        </span>
        <span class="row">
          <Show when={mine() && mine()!.status !== "CANCELLED"}>
            <Badge enum="ClaimStatus" value={mine()!.status} />
            <Show when={mine()!.status === "WAITLISTED"}>
              <span class="muted">{tr(`第${mine()!.waitlistPosition}位`, `#${mine()!.waitlistPosition}`)}</span>
            </Show>
          </Show>
          <Show when={s().viewerCanClaim}>
            <button class="primary" disabled={claim.pending()} onClick={() => void claim.run({ input: { shiftId: s().id } })}>
              {s().seatsLeft > 0 ? tr("认领", "Claim") : tr("排候补", "Join waitlist")}
            </button>
          </Show>
          <Show when={active() && !mine()!.checkedInAt}>
            <button
              disabled={cancel.pending()}
              onClick={async () => {
                if (await confirmDialog({ title: tr("确定取消认领？", "Cancel your claim?"), message: s().title, confirm: tr("取消认领", "Cancel claim"), cancel: tr("保留", "Keep it"), danger: true }))
                  await cancel.run({ input: { claimId: mine()!.id } });
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
      <Show when={!s().viewerCanClaim && s().viewerClaimBlocker && s().viewerClaimBlocker !== "ALREADY_CLAIMED" && !s().viewerCanManage}>
        <p class="muted" data-testid="claim-blocker">{tr("不能认领：", "Can't claim: ")}{label("ClaimBlocker", s().viewerClaimBlocker)}</p>
      </Show>
    </article>
  );
}

const sameIds = (a: string[], b: string[]) => a.length === b.length && a.every((id, i) => id === b[i]);

type BoardFilter = { stationId: string; teamId: string | null; squadId: string | null; kind: ShiftKind | null; onlyMyTeams: true | null; from: string; to: string };

/** One page of the board (30 shifts); the last page offers the next, so every shift of the period can be reached. */
function BoardPage(props: { filter: BoardFilter; after: string | null; last: boolean; early: boolean; onMore: (cursor: string) => void }) {
  const [board, refetch] = createQuery({
    query: ShiftBoardDocument,
    variables: () => ({ ...props.filter, after: props.after }),
    // The start-up request (lib/early-board) is this one: its answer, not a second request.
    requestPolicy: props.early ? "cache-first" : "cache-and-network",
  });
  return (
    <QueryView
      query={board}
      select={(d) => d.shifts ?? null}
      retry={() => refetch({ requestPolicy: "network-only" })}
      isEmpty={(c) => c.edges.length === 0 && !props.after}
      empty={<p class="muted">{props.filter.onlyMyTeams ? tr("你的队伍和小队这段时间没有班次", "No shifts of your teams and squads in this period") : tr("这段时间没有班次", "No shifts in this period")}</p>}
    >
      {(page) => {
        const shown = createStagedCount(() => page().edges.length);
        // Cards by shift id: an answer with new seat counts updates the cards, it does not draw them anew.
        const ids = createMemo(() => page().edges.map((e) => e.node.id), [], { equals: sameIds });
        const byId = createMemo(() => new Map(page().edges.map((e) => [e.node.id, e.node])));
        return (
          <>
            <LiveBoard shiftIds={ids()} />
            <For each={ids().slice(0, shown())}>{(id) => <ShiftCardView shift={byId().get(id)!} />}</For>
            <Show when={props.last && page().pageInfo.hasNextPage && page().pageInfo.endCursor}>
              <button type="button" class="more" data-testid="board-more" onClick={() => props.onMore(page().pageInfo.endCursor!)}>{tr("加载更多", "Load more")}</button>
            </Show>
          </>
        );
      }}
    </QueryView>
  );
}

export default function ShiftBoard() {
  const session = useSession();
  const [range, setRange] = createSignal<Range>(FIRST_RANGE);
  const [teamId, setTeamId] = createSignal<string>("");
  const [squadId, setSquadId] = createSignal<string>("");
  const [kind, setKind] = createSignal<ShiftKind | "">("");
  // A volunteer sees every shift of the station, most of them often other squads'; this keeps theirs.
  const [onlyMine, setOnlyMine] = createSignal(false);
  // The teams fill the filters' selects: asked for when the filters are first opened, not with the board.
  const [filtersOpened, setFiltersOpened] = createSignal(false);
  const [teams] = createQuery({ query: StationTeamsDocument, variables: () => ({ stationId: session.stationId()! }), pause: () => !session.stationId() || !filtersOpened() });
  const station = () => (teams.data?.node?.__typename === "Station" ? teams.data.node : null);
  const squads = createMemo(() => station()?.teams.edges.find((e) => e.node.id === teamId())?.node.squads.edges.map((e) => e.node) ?? []);
  // The first window is the start-up request's, when there was one for this station (same variables).
  let early = session.stationId() ? takeEarlyWindow(session.stationId()!) : null;
  const earlyFrom = early?.from;
  const window = createMemo(() => {
    const w = early && range() === FIRST_RANGE ? early : rangeWindow(range());
    early = null;
    return w;
  });
  createEffect(() => {
    const id = session.stationId();
    if (id) rememberBoardStation(token(), id);
  });
  const filter = createMemo((): BoardFilter | null => {
    const stationId = session.stationId();
    return stationId ? { stationId, teamId: teamId() || null, squadId: squadId() || null, kind: kind() || null, onlyMyTeams: onlyMine() || null, ...window() } : null;
  });
  // The pages asked for so far (by cursor); another period or filter starts from the first again.
  const [pages, setPages] = createSignal<(string | null)[]>([null]);
  createEffect(on(filter, () => setPages([null]), { defer: true }));
  const filtered = () => !!(teamId() || squadId() || kind());
  return (
    <section>
      <h1>{tr("巡逻班次", "Patrol shifts")}</h1>
      <div class="segmented" role="group" aria-label={tr("日期", "Dates")}>
        <For each={RANGES}>
          {(r) => (
            <button type="button" aria-pressed={range() === r.key ? "true" : "false"} onClick={() => setRange(r.key)}>
              {tr(r.zh, r.en)}
            </button>
          )}
        </For>
      </div>
      {/* In sight, not inside 筛选: a new volunteer's board is mostly other squads' shifts. */}
      <Show when={session.viewer()?.volunteer}>
        <Checkbox checked={onlyMine()} onChange={setOnlyMine} testId="only-my-teams">{tr("只看我的队伍和小队的班次", "Only my teams' and squads' shifts")}</Checkbox>
      </Show>
      <details class="card filters" on:toggle={(e) => e.currentTarget.open && setFiltersOpened(true)}>
        <summary>{tr("筛选", "Filters")}<Show when={filtered()}> · {tr("已筛选", "on")}</Show></summary>
        <div class="grid2">
          <div>
            <label for="kind">{tr("类型", "Kind")}</label>
            <select id="kind" value={kind()} onChange={(e) => setKind(e.currentTarget.value as ShiftKind | "")}>
              <option value="" selected={!kind()}>{tr("全部", "All")}</option>
              <For each={values("ShiftKind")}>{(k) => <option value={k} selected={k === kind()}>{label("ShiftKind", k)}</option>}</For>
            </select>
          </div>
          <div>
            <label for="team">{tr("队伍", "Team")}</label>
            <select id="team" value={teamId()} onChange={(e) => { setTeamId(e.currentTarget.value); setSquadId(""); }}>
              <option value="" selected={!teamId()}>{tr("全部", "All")}</option>
              <For each={station()?.teams.edges}>{(t) => <option value={t.node.id} selected={t.node.id === teamId()}>{t.node.name}</option>}</For>
            </select>
          </div>
          <div>
            <label for="squad">{tr("小队", "Squad")}</label>
            <select id="squad" value={squadId()} disabled={!teamId()} onChange={(e) => setSquadId(e.currentTarget.value)}>
              <option value="" selected={!squadId()}>{tr("全部", "All")}</option>
              <For each={squads()}>{(q) => <option value={q.id} selected={q.id === squadId()}>{q.name}</option>}</For>
            </select>
          </div>
        </div>
      </details>
      {/* The cards start in the task after the page's frame. */}
      <AfterTask>
        <Show when={filter()} keyed>
          {(f) => <For each={pages()}>{(after, i) => <BoardPage filter={f} after={after} last={i() === pages().length - 1} early={after === null && !f.teamId && !f.squadId && !f.kind && !f.onlyMyTeams && f.from === earlyFrom} onMore={(c) => setPages([...pages(), c])} />}</For>}
        </Show>
      </AfterTask>
    </section>
  );
}
