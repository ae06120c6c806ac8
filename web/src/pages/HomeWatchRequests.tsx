// 长假照看 (officers; leaders see their team's): requests to approve (into HOME_WATCH shifts for the
// team of the address's grid) or decline, and the visits with problems first.
import { useSearchParams } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { Checkbox } from "../components/Checkbox";
import { promptDialog } from "../components/Dialog";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { PhotoStrip } from "../components/PhotoPicker";
import { QueryView } from "../components/QueryView";
import { ApproveHomeWatchRequestDocument, DeclineHomeWatchRequestDocument, HomeWatchRequestsDocument, type HomeWatchRequestCardFragment, type HomeWatchStatus } from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";
import { formatDate, formatDateTime } from "../lib/time";
import { CasePage } from "./Cases";

const WEEKDAYS: [number, string, string][] = [[1, "一", "Mon"], [2, "二", "Tue"], [3, "三", "Wed"], [4, "四", "Thu"], [5, "五", "Fri"], [6, "六", "Sat"], [7, "日", "Sun"]];
const TIMES = Array.from({ length: 28 }, (_, i) => `${String(7 + Math.floor(i / 2)).padStart(2, "0")}:${i % 2 ? "30" : "00"}`);

function ApproveForm(props: { r: HomeWatchRequestCardFragment; teams: { id: string; name: string }[]; grids: { id: string; name: string }[]; done: () => void }) {
  const form = createFormState();
  const [team, setTeam] = createSignal(props.r.suggestedTeam?.id ?? props.teams[0]?.id ?? "");
  const [grid, setGrid] = createSignal(props.r.grid?.id ?? "");
  const [days, setDays] = createSignal<number[]>([]);
  const [time, setTime] = createSignal("10:00");
  const approve = createAction(ApproveHomeWatchRequestDocument, {
    pick: (d) => d.approveHomeWatchRequest,
    form,
    success: (p) => tr(`已批准，生成${p.shiftCount}个照看班次`, `Approved: ${p.shiftCount} visits scheduled`),
    onSuccess: props.done,
  });
  const decline = createAction(DeclineHomeWatchRequestDocument, { pick: (d) => d.declineHomeWatchRequest, success: () => tr("已告知申请人", "The resident will see it"), onSuccess: props.done });
  return (
    <Form
      form={form}
      class="plain-form"
      label={tr("审批", "Decide")}
      onSubmit={() => approve.run({ input: { requestId: props.r.id, teamId: team() || null, gridId: grid() || null, weekdays: days(), visitTime: time() } })}
    >
      <div class="grid2">
        <Field name="teamId" label={tr("负责照看的队伍", "Visiting team")} required>
          {(a) => (
            <select {...a} value={team()} onChange={(e) => setTeam(e.currentTarget.value)}>
              <For each={props.teams}>{(t) => <option value={t.id} selected={t.id === team()}>{t.name}{t.id === props.r.suggestedTeam?.id ? tr("（网格所属）", " (the grid's)") : ""}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="gridId" label={tr("网格", "Grid")}>
          {(a) => (
            <select {...a} value={grid()} onChange={(e) => setGrid(e.currentTarget.value)}>
              <option value="" selected={!grid()}>{tr("未指定", "None")}</option>
              <For each={props.grids}>{(g) => <option value={g.id} selected={g.id === grid()}>{g.name}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="visitTime" label={tr("上门时间", "Visit time")}>
          {(a) => (
            <select {...a} value={time()} onChange={(e) => setTime(e.currentTarget.value)}>
              <For each={TIMES}>{(t) => <option value={t} selected={t === time()}>{t}</option>}</For>
            </select>
          )}
        </Field>
      </div>
      <fieldset class="plain-fieldset row" data-field="weekdays">
        <legend>{tr("照看日（不选即每天）", "Days (none: every day)")}</legend>
        <For each={WEEKDAYS}>
          {([n, zh, en]) => (
            <Checkbox checked={days().includes(n)} onChange={(on) => setDays(on ? [...days(), n] : days().filter((d) => d !== n))}>
              {tr(`周${zh}`, en)}
            </Checkbox>
          )}
        </For>
      </fieldset>
      <FormErrors />
      <div class="row">
        <Submit pending={approve.pending()}>{tr("批准并排班", "Approve and schedule")}</Submit>
        <button
          type="button"
          class="danger"
          disabled={decline.pending()}
          onClick={async () => {
            const reason = await promptDialog({ title: tr("不予安排", "Decline"), label: tr("原因（申请人凭确认码可见）", "Reason (the resident sees it)"), confirm: tr("确定", "Decline") });
            if (reason) await decline.run({ input: { requestId: props.r.id, reason } });
          }}
        >
          {tr("不予安排", "Decline")}
        </button>
      </div>
    </Form>
  );
}

function RequestCard(props: { r: HomeWatchRequestCardFragment; teams: { id: string; name: string }[]; grids: { id: string; name: string }[]; done: () => void; focused: boolean }) {
  const r = () => props.r;
  return (
    <article
      class="card"
      classList={{ focused: props.focused }}
      aria-current={props.focused ? "true" : undefined}
      data-testid="home-watch-request"
      ref={(el) => props.focused && queueMicrotask(() => el.scrollIntoView({ block: "start" }))}
    >
      <div class="spread">
        <strong>{r().name || tr("（已删除）", "(erased)")}</strong>
        <span class="row">
          <Show when={r().problemCount}>
            <Badge text={tr(`${r().problemCount}次发现问题`, `${r().problemCount} problem(s)`)} tone="bad" />
          </Show>
          <Badge enum="HomeWatchStatus" value={r().status} />
        </span>
      </div>
      <div>{formatDate(r().awayFrom)} — {formatDate(r().awayTo)}</div>
      <Show when={!r().erasedAt} fallback={<p class="muted">{tr("返回30天后，姓名、电话和地址已删除", "Name, phone and address erased 30 days after the return")}</p>}>
        <div>{r().address}</div>
        <div class="muted">
          {r().phone}
          <Show when={r().contactWhileAway}> · {tr("离家期间联系：", "While away: ")}{r().contactWhileAway}</Show>
        </div>
        <Show when={r().notes}><p class="muted pre">{r().notes}</p></Show>
      </Show>
      <div class="muted">
        {tr("申请于", "Asked")} {formatDateTime(r().createdAt)}
        <Show when={r().grid}> · {r().grid!.name}</Show>
        <Show when={r().team}> · {r().team!.name}</Show>
        <Show when={r().shifts.length}> · {tr(`${r().shifts.length}次照看`, `${r().shifts.length} visits`)}</Show>
      </div>
      <Show when={r().declineReason}><div class="alert">{tr("不予安排：", "Declined: ")}{r().declineReason}</div></Show>
      <Show when={r().visits.length}>
        <ul class="plain visits">
          <For each={r().visits}>
            {(v) => (
              <li class={v.result === "PROBLEM" ? "text-bad" : ""} data-testid="visit">
                {formatDateTime(v.visitedAt)} <Badge enum="HomeWatchResult" value={v.result} /> {v.visitorName}
                <Show when={v.note}> · {v.note}</Show>
                <PhotoStrip photos={v.photos} label={tr("照看照片", "Visit photos")} />
              </li>
            )}
          </For>
        </ul>
      </Show>
      <Show when={r().viewerCanDecide}>
        <ApproveForm r={r()} teams={props.teams} grids={props.grids} done={props.done} />
      </Show>
    </article>
  );
}

export default function HomeWatchRequests() {
  const s = useSession();
  // A problem's notification links here with ?request=: only approved requests have visits.
  const [params] = useSearchParams<{ request?: string }>();
  const [status, setStatus] = createSignal<HomeWatchStatus | null>(params.request ? "APPROVED" : "PENDING");
  const [q, refetch] = createQuery({ query: HomeWatchRequestsDocument, variables: () => ({ stationId: s.stationId()!, status: status() }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  return (
    <CasePage title={tr("长假照看", "Holiday home-watch")}>
      <p class="muted">
        {tr("居民通过公开页面申请：", "Residents ask on the public page: ")}
        <a href="/home-watch">/home-watch</a>
      </p>
      <div class="segmented" role="group" aria-label={tr("状态", "Status")}>
        <For each={[["PENDING", "待审批", "Pending"], ["APPROVED", "已安排", "Approved"], ["DECLINED", "未安排", "Declined"], [null, "全部", "All"]] as const}>
          {([v, zh, en]) => <button type="button" aria-pressed={status() === v} onClick={() => setStatus(v)}>{tr(zh, en)}</button>}
        </For>
      </div>
      <QueryView
        query={q}
        select={(d) => (d.node?.__typename === "Station" ? d.node : null)}
        retry={again}
      >
        {(st) => (
          <For each={st().homeWatchRequests.edges} fallback={<p class="muted">{tr("没有申请", "No requests")}</p>}>
            {(e) => <RequestCard r={e.node} teams={st().teams.edges.map((t) => t.node)} grids={st().grids.edges.map((g) => g.node)} done={again} focused={e.node.id === params.request} />}
          </For>
        )}
      </QueryView>
    </CasePage>
  );
}
