// A shift's page: the detail everyone who may see it reads (place, route, briefing, contact, who is going,
// claim or the reason not), and for leaders and officers the 名单: post code, assign, 代签到, remove, cancel.
import { A, useParams } from "@solidjs/router";
import { createQuery, useClient } from "@urql/solid";
import { createEffect, createSignal, For, onCleanup, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { confirmDialog, promptDialog } from "../components/Dialog";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { HomeWatchVisitLog } from "../components/HomeWatchVisitLog";
import { QueryView } from "../components/QueryView";
import { SearchableSelect, type Option } from "../components/SearchableSelect";
import { AssignShiftDocument, CancelShiftClaimDocument, CancelShiftDocument, CheckInDocument, CheckOutDocument, ShiftDetailDocument, ShiftRosterDocument, type ApplyTo, type ShiftDetailQuery } from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { assignablePeople } from "../lib/people";
import { refreshOnReturn } from "../lib/refresh";
import { formatSpan, formatTime } from "../lib/time";
import { ShiftCardView } from "./ShiftBoard";
import { EditShift } from "./ShiftEdit";
import { TableWrap } from "../components/TableWrap";

type Detail = Extract<NonNullable<ShiftDetailQuery["node"]>, { __typename: "Shift" }>;

function Contact(props: { shift: Detail }) {
  const c = () => props.shift.contact;
  return (
    <div class="card" data-testid="shift-contact">
      <h2>{tr("联系方式", "Contact")}</h2>
      <Show when={c().leaderName}>
        <p>
          {c().leaderRole === "SQUAD_LEADER" ? tr("小队长", "Squad leader") : tr("队长", "Team leader")}：{c().leaderName}
          <Show when={c().viewerCanCallLeader} fallback={<span class="muted"> · {tr("未公开手机号", "phone not shared")}</span>}>
            {" · "}<a class="tel" href={`tel:${c().leaderPhone}`}>{c().leaderPhone}</a>
          </Show>
        </p>
      </Show>
      <p>
        {c().stationName}
        <Show when={c().stationPhone}> · {tr("值班电话", "Duty phone")} <a class="tel" href={`tel:${c().stationPhone}`}>{c().stationPhone}</a></Show>
      </p>
      <Show when={c().stationAddress}><p class="muted">{c().stationAddress}</p></Show>
    </div>
  );
}

function Going(props: { shift: Detail }) {
  return (
    <Show when={props.shift.going}>
      {(g) => (
        <div class="card" data-testid="shift-going">
          <h2>{tr("同行队员", "Who is going")} ({g().edges.length})</h2>
          <Show when={g().edges.length} fallback={<p class="muted">{tr("还没有人认领，来做第一个吧", "Nobody yet: be the first")}</p>}>
            <ul class="chips">
              <For each={g().edges}>{(e) => <li>{e.node.displayName}<Show when={e.node.isViewer}> ({tr("我", "me")})</Show></li>}</For>
            </ul>
          </Show>
        </div>
      )}
    </Show>
  );
}

export default function ShiftPage() {
  const params = useParams();
  const [q, refetch] = createQuery({ query: ShiftDetailDocument, variables: () => ({ id: decodeURIComponent(params.id!) }), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [editing, setEditing] = createSignal(false);
  // Editable until it starts (the API says the same); cancellable until it ends.
  const editable = (s: Detail) => s.viewerCanManage && s.status === "OPEN" && new Date(s.startsAt).getTime() > Date.now();
  return (
    <section>
      <QueryView query={q} select={(d) => (d.node?.__typename === "Shift" ? d.node : null)} retry={again} notFound={<><h1>{tr("班次", "Shift")}</h1><p class="muted" role="status">{tr("没有找到这个班次，或你无权查看", "No such shift, or not yours to see")}</p></>}>
        {(s) => (
          <>
            <h1>{s().title}</h1>
            <ShiftCardView shift={s()} onChange={again} live onPage />
            <div class="card" data-testid="shift-detail">
              <dl class="facts">
                <dt>{tr("时间", "When")}</dt><dd>{formatSpan(s().startsAt, s().endsAt)}</dd>
                <dt>{tr("地点", "Where")}</dt><dd>{[s().grid?.name, s().place].filter(Boolean).join(" · ") || "—"}</dd>
                <Show when={s().route}><dt>{tr("路线", "Route")}</dt><dd>{s().route}</dd></Show>
                <dt>{tr("类型", "Kind")}</dt><dd>{label("ShiftKind", s().kind)}<Show when={s().isJointPatrol}> · {tr("警民共巡", "Joint patrol")}{s().jointOfficerName ? `（${s().jointOfficerName}）` : ""}</Show></dd>
              </dl>
              <h2>{tr("任务说明", "Briefing")}</h2>
              <p class="prewrap">{s().notes || tr("带好义警马甲和手电，按时到岗。", "Wear the vest, bring a torch, be on time.")}</p>
            </div>
            <Contact shift={s()} />
            <Going shift={s()} />
            <Show when={s().kind === "HOME_WATCH"}>
              <div class="card"><HomeWatchVisitLog shiftId={s().id} /></div>
            </Show>
            <Show when={editable(s())}>
              <Show when={editing()} fallback={<p><button type="button" onClick={() => setEditing(true)}>{tr("修改班次", "Edit the shift")}</button></p>}>
                <EditShift shift={s()} close={() => setEditing(false)} done={again} />
              </Show>
            </Show>
            <Show when={s().viewerCanManage}>
              <ManageRoster shiftId={s().id} teamId={s().team.id} open={s().status === "OPEN"} recurring={s().isRecurring} checkInOpensAt={s().checkInOpensAt} endsAt={s().endsAt} onChange={again} />
            </Show>
          </>
        )}
      </QueryView>
    </section>
  );
}

/**
 * Calls `refresh` just after check-in opens and just after it closes (within a day from now): the API offers
 * 代签到 only in between, and a roster opened before the window would otherwise never show the button.
 */
function refreshAtCheckInEdges(times: () => { checkInOpensAt: string; endsAt: string }, refresh: () => void) {
  createEffect(() => {
    // Check-in opens at the API's checkInOpensAt and closes at the end.
    const edges = [new Date(times().checkInOpensAt).getTime(), new Date(times().endsAt).getTime()];
    // A second after the edge (the API's clock decides); setTimeout overflows beyond 24.8 days, and a day is plenty.
    const timers = edges.map((t) => t + 1000 - Date.now()).filter((ms) => ms > 0 && ms <= 86_400_000).map((ms) => setTimeout(refresh, ms));
    onCleanup(() => timers.forEach(clearTimeout));
  });
}

function ManageRoster(props: { shiftId: string; teamId: string; open: boolean; recurring: boolean; checkInOpensAt: string; endsAt: string; onChange: () => void }) {
  const client = useClient();
  const [q, refetch] = createQuery({ query: ShiftRosterDocument, variables: () => ({ id: props.shiftId }), requestPolicy: "cache-and-network" });
  const again = () => (refetch({ requestPolicy: "network-only" }), props.onChange());
  // 代签到 depends on the time: read the roster again when check-in opens or closes, and on coming back to the app.
  const reread = () => refetch({ requestPolicy: "network-only" });
  refreshAtCheckInEdges(() => ({ checkInOpensAt: props.checkInOpensAt, endsAt: props.endsAt }), reread);
  refreshOnReturn(reread);
  const [pick, setPick] = createSignal<Option | null>(null);
  const form = createFormState();
  const assign = createAction(AssignShiftDocument, { pick: (d) => d.assignShift, form, success: () => tr("已安排", "Assigned"), onSuccess: () => (setPick(null), again()) });
  const remove = createAction(CancelShiftClaimDocument, { pick: (d) => d.cancelShiftClaim, success: () => tr("已移除", "Removed"), onSuccess: again });
  const checkIn = createAction(CheckInDocument, { pick: (d) => d.checkIn, success: () => tr("已代签到", "Checked in"), onSuccess: again });
  const checkOut = createAction(CheckOutDocument, { pick: (d) => d.checkOut, success: () => tr("已代签退", "Checked out"), onSuccess: again });
  const cancelShift = createAction(CancelShiftDocument, {
    pick: (d) => d.cancelShift,
    success: (p) => ((p.shifts?.length ?? 0) > 1 ? tr(`已取消 ${p.shifts!.length} 个班次，已通知队员`, `${p.shifts!.length} shifts cancelled; people were told`) : tr("班次已取消，已通知队员", "Shift cancelled; people were told")),
    onSuccess: again,
  });
  const cancel = async (applyTo: ApplyTo) => {
    const series = applyTo === "FUTURE_SHIFTS";
    const reason = await promptDialog({
      title: series ? tr("取消这个班次及以后每周的班次？", "Cancel this shift and the later ones of its series?") : tr("取消这个班次？", "Cancel this shift?"),
      message: tr("已认领的队员会收到通知", "Everyone on it is told"),
      label: tr("取消原因", "Reason for cancelling"),
      confirm: series ? tr("取消本次及以后", "Cancel them") : tr("取消班次", "Cancel shift"),
      cancel: tr("不取消", "Keep it"),
    });
    if (reason) await cancelShift.run({ input: { shiftId: props.shiftId, reason, applyTo } });
  };
  const people = assignablePeople(client, () => props.shiftId);
  return (
    <QueryView query={q} select={(d) => (d.node?.__typename === "Shift" ? d.node : null)} retry={again}>
      {(r) => {
        const s = () => ({ ...r(), status: props.open ? "OPEN" : "DONE" });
        return (
          <>
            <h2>{tr("名单", "Roster")}</h2>
            <Show when={s().postCode}>
              <div class="card spread">
                <span>{tr("岗点码（打印张贴于岗点）", "Post code (print it at the post)")}: <strong class="seats post-code">{s().postCode}</strong></span>
                <A class="button primary" href={`/shifts/${encodeURIComponent(s().id)}/poster`}>{tr("打印二维码海报", "Print the QR poster")}</A>
              </div>
            </Show>
            <Form form={form} label={tr("安排队员", "Assign a volunteer")} onSubmit={() => (pick() ? assign.run({ input: { shiftId: s().id, volunteerId: pick()!.id } }) : undefined)}>
              <Field name="volunteerId" label={tr("安排队员", "Assign a volunteer")}>
                {(a) => <SearchableSelect {...a} load={people} value={pick()} onChange={setPick} testId="assign-volunteer" />}
              </Field>
              <FormErrors />
              <div class="row">
                <Submit pending={assign.pending()}>{tr("安排", "Assign")}</Submit>
                <Show when={s().status === "OPEN"}>
                  <button type="button" class="danger" disabled={cancelShift.pending()} onClick={() => void cancel("THIS_SHIFT")}>
                    {props.recurring ? tr("取消本次", "Cancel this one") : tr("取消班次", "Cancel shift")}
                  </button>
                  <Show when={props.recurring}>
                    <button type="button" class="danger" disabled={cancelShift.pending()} onClick={() => void cancel("FUTURE_SHIFTS")}>
                      {tr("取消本次及以后", "Cancel this and later ones")}
                    </button>
                  </Show>
                </Show>
              </div>
            </Form>
            {/* The window as the API states it (checkInOpensAt to the end), not its rule restated. */}
            <p class="muted" data-testid="check-in-window">{tr(`代签到时段：${formatSpan(props.checkInOpensAt, props.endsAt)}`, `Check in for others: ${formatSpan(props.checkInOpensAt, props.endsAt)}`)}</p>
            <TableWrap class="card" label={tr("认领名单", "Who claimed")}>
              <table>
                <thead><tr><th>{tr("队员", "Volunteer")}</th><th>{tr("状态", "Status")}</th><th>{tr("签到", "Check-in")}</th></tr></thead>
                <tbody>
                  <For each={s().claims?.edges} fallback={<tr><td colSpan={3} class="muted">{tr("还没有人认领", "Nobody yet")}</td></tr>}>
                    {(e) => (
                      <tr>
                        {/* The actions sit under the person: a fourth column left every cell a few letters wide at 360 px. */}
                        <td>
                          {e.node.volunteer.displayName}
                          <div class="muted">{e.node.volunteer.phone}</div>
                          <div class="row">
                            {/* Not once checked in: the check-in's answer sets checkedInAt before the roster is read again. */}
                            <Show when={e.node.viewerCanCheckInFor && !e.node.checkedInAt}>
                              <button type="button" disabled={checkIn.pending()} onClick={() => void checkIn.run({ input: { claimId: e.node.id, method: "LEADER" } })}>{tr("代签到", "Check in")}</button>
                            </Show>
                            <Show when={e.node.checkedInAt && !e.node.checkedOutAt}>
                              <button type="button" disabled={checkOut.pending()} onClick={() => void checkOut.run({ input: { claimId: e.node.id, method: "LEADER" } })}>{tr("代签退", "Check out")}</button>
                            </Show>
                            <Show when={(e.node.status === "CONFIRMED" || e.node.status === "WAITLISTED") && !e.node.checkedInAt}>
                              <button
                                type="button"
                                disabled={remove.pending()}
                                onClick={async () => {
                                  if (await confirmDialog({ title: tr(`把 ${e.node.volunteer.displayName} 移出班次？`, `Take ${e.node.volunteer.displayName} off the shift?`), confirm: tr("移除", "Remove"), danger: true }))
                                    await remove.run({ input: { claimId: e.node.id } });
                                }}
                              >
                                {tr("移除", "Remove")}
                              </button>
                            </Show>
                          </div>
                        </td>
                        <td>
                          <Badge enum="ClaimStatus" value={e.node.status} />
                          <Show when={e.node.waitlistPosition}> #{e.node.waitlistPosition}</Show>
                        </td>
                        <td>
                          {e.node.checkedInAt ? formatTime(e.node.checkedInAt) : "—"}
                          <Show when={e.node.checkInFlagged}> <span class="badge warn">{tr("偏远", "far")}</span></Show>
                          <Show when={e.node.checkedOutAt}> → {formatTime(e.node.checkedOutAt!)}</Show>
                        </td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </TableWrap>
          </>
        );
      }}
    </QueryView>
  );
}
