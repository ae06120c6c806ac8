// 义警详情 (/members/:id): one volunteer at the viewer's station — the profile as the API masks it,
// teams and squads, points and the ledger, and an officer's account tools. Every control shows only
// when the API's viewerCan* field says the viewer may; the API decides again on each mutation.
import { useParams } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { confirmDialog, promptDialog } from "../components/Dialog";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { NotFound, QueryView } from "../components/QueryView";
import {
  AddSquadMemberDocument,
  AddTeamMemberDocument,
  AdjustPointsDocument,
  DisableAccountDocument,
  EnableAccountDocument,
  RemoveSquadMemberDocument,
  RemoveTeamMemberDocument,
  ResetVolunteerPasswordDocument,
  ReversePointsEntryDocument,
  SetSquadLeaderDocument,
  VolunteerDetailDocument,
  type MemberRole,
  type VolunteerDetailQuery,
} from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { createAction, newRequestId } from "../lib/mutation";
import { useSession } from "../lib/session";
import { formatDateTime } from "../lib/time";
import { TableWrap } from "../components/TableWrap";

type Person = Extract<NonNullable<VolunteerDetailQuery["volunteer"]>, { __typename: "Volunteer" }>;
type Station = Extract<NonNullable<VolunteerDetailQuery["station"]>, { __typename: "Station" }>;

function Profile(props: { v: Person }) {
  return (
    <section class="card" aria-labelledby="profile-h">
      <h2 id="profile-h">{tr("基本信息", "Profile")}</h2>
      <dl class="facts">
        <dt>{tr("姓名", "Legal name")}</dt><dd data-testid="legal-name">{props.v.name}</dd>
        <dt>{tr("手机号", "Phone")}</dt><dd data-testid="phone">{props.v.phone}</dd>
        <dt>{tr("身份证号", "ID number")}</dt><dd>{props.v.idNumber ?? "—"}</dd>
        <dt>{tr("专长", "Specialties")}</dt><dd>{props.v.specialties.map((s) => label("Specialty", s)).join("、") || "—"}</dd>
        <Show when={props.v.accountState}>
          <dt>{tr("账号", "Account")}</dt><dd data-testid="account-state">{label("AccountState", props.v.accountState)}</dd>
        </Show>
      </dl>
      <Show when={!props.v.viewerCanSeePersonalData}>
        <p class="muted">{tr("个人信息已按权限隐去部分内容", "Personal data is partly hidden for your role")}</p>
      </Show>
    </section>
  );
}

function Memberships(props: { v: Person; station: Station; onChange: () => void }) {
  const v = () => props.v;
  const teams = () => v().teams.edges.map((e) => e.node);
  const squads = () => v().squads.edges.map((e) => e.node);
  const activeTeamIds = () => new Set(teams().filter((m) => m.status === "ACTIVE").map((m) => m.team.id));
  const inTeam = (teamId: string) => teams().some((m) => m.team.id === teamId && m.status !== "LEFT");
  const inSquad = (squadId: string) => squads().some((m) => m.squad.id === squadId);
  const stationTeams = () => props.station.teams.edges.map((e) => e.node);
  const teamChoices = () => stationTeams().filter((t) => !inTeam(t.id));
  const squadChoices = () =>
    stationTeams()
      .filter((t) => t.viewerCanManage && activeTeamIds().has(t.id))
      .flatMap((t) => t.squads.edges.map((q) => ({ id: q.node.id, name: `${t.name} · ${q.node.name}` })))
      .filter((q) => !inSquad(q.id));

  const [team, setTeam] = createSignal({ teamId: "", role: "MEMBER" as MemberRole });
  const [squadId, setSquadId] = createSignal("");
  const teamForm = createFormState();
  const squadForm = createFormState();
  const addTeam = createAction(AddTeamMemberDocument, { pick: (d) => d.addTeamMember, form: teamForm, success: () => tr("已加入队伍", "Added to the team"), onSuccess: () => (setTeam({ teamId: "", role: "MEMBER" }), props.onChange()) });
  const setRole = createAction(AddTeamMemberDocument, { pick: (d) => d.addTeamMember, success: () => tr("角色已更改", "Role changed"), onSuccess: props.onChange });
  const removeTeam = createAction(RemoveTeamMemberDocument, { pick: (d) => d.removeTeamMember, success: () => tr("已移出队伍", "Removed from the team"), onSuccess: props.onChange });
  const addSquad = createAction(AddSquadMemberDocument, { pick: (d) => d.addSquadMember, form: squadForm, success: () => tr("已加入小队", "Added to the squad"), onSuccess: () => (setSquadId(""), props.onChange()) });
  const removeSquad = createAction(RemoveSquadMemberDocument, { pick: (d) => d.removeSquadMember, success: () => tr("已移出小队", "Removed from the squad"), onSuccess: props.onChange });
  const setLeader = createAction(SetSquadLeaderDocument, { pick: (d) => d.setSquadLeader, success: () => tr("已任命为小队长", "Now the squad's leader"), onSuccess: props.onChange });

  const teamId = () => team().teamId || teamChoices()[0]?.id || "";
  const chosenSquad = () => squadId() || squadChoices()[0]?.id || "";
  const leave = async (teamId: string, name: string) => {
    if (await confirmDialog({ title: tr(`将${v().displayName}移出${name}？`, `Remove ${v().displayName} from ${name}?`), message: tr("同时退出该队伍的小队。", "They also leave the team's squads."), confirm: tr("移出", "Remove"), danger: true }))
      await removeTeam.run({ input: { teamId, volunteerId: v().id } });
  };
  const leaveSquad = async (squadId: string, name: string) => {
    if (await confirmDialog({ title: tr(`将${v().displayName}移出${name}？`, `Remove ${v().displayName} from ${name}?`), confirm: tr("移出", "Remove"), danger: true }))
      await removeSquad.run({ input: { squadId, volunteerId: v().id } });
  };

  return (
    <section class="card" aria-labelledby="teams-h">
      <h2 id="teams-h">{tr("队伍与小队", "Teams and squads")}</h2>
      <ul class="plain-list" data-testid="teams">
        <For each={teams()} fallback={<li class="muted">{tr("不在本所任何队伍", "In no team of this station")}</li>}>
          {(m) => (
            <li class="row">
              <strong>{m.team.name}</strong>
              <span>{label("MemberRole", m.role)}</span>
              <Badge enum="MembershipStatus" value={m.status} />
              <Show when={m.statusReason}><span class="muted">{m.statusReason}</span></Show>
              <Show when={m.viewerCanSetRole && m.status === "ACTIVE"}>
                <button type="button" disabled={setRole.pending()} onClick={() => setRole.run({ input: { teamId: m.team.id, volunteerId: v().id, role: m.role === "LEADER" ? "MEMBER" : "LEADER" } })}>
                  {m.role === "LEADER" ? tr("改为队员", "Make member") : tr("设为队长", "Make leader")}
                </button>
              </Show>
              <Show when={m.viewerCanRemove && m.status !== "LEFT"}>
                <button type="button" class="danger" disabled={removeTeam.pending()} onClick={() => leave(m.team.id, m.team.name)}>{tr("移出队伍", "Remove")}</button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <h3>{tr("小队", "Squads")}</h3>
      <ul class="plain-list" data-testid="squads">
        <For each={squads()} fallback={<li class="muted">{tr("不在任何小队", "In no squad")}</li>}>
          {(m) => (
            <li class="row">
              <strong>{m.squad.name}</strong>
              <span>{m.role === "LEADER" ? tr("小队长", "Squad leader") : tr("队员", "Member")}</span>
              <Show when={m.viewerCanSetLeader && m.role !== "LEADER"}>
                <button type="button" disabled={setLeader.pending()} onClick={() => setLeader.run({ input: { squadId: m.squad.id, volunteerId: v().id } })}>{tr("设为小队长", "Make squad leader")}</button>
              </Show>
              <Show when={m.viewerCanRemove}>
                <button type="button" class="danger" disabled={removeSquad.pending()} onClick={() => leaveSquad(m.squad.id, m.squad.name)}>{tr("移出小队", "Remove")}</button>
              </Show>
            </li>
          )}
        </For>
      </ul>
      <Show when={props.station.viewerIsOfficer && teamChoices().length}>
        <Form form={teamForm} class="plain-form" label={tr("加入队伍", "Add to a team")} onSubmit={() => addTeam.run({ input: { teamId: teamId(), volunteerId: v().id, role: team().role } })}>
          <div class="grid2">
            <Field name="teamId" label={tr("队伍", "Team")}>
              {(a) => <select {...a} value={teamId()} onChange={(e) => setTeam({ ...team(), teamId: e.currentTarget.value })}><For each={teamChoices()}>{(t) => <option value={t.id} selected={t.id === teamId()}>{t.name}</option>}</For></select>}
            </Field>
            <Field name="role" label={tr("角色", "Role")}>
              {(a) => (
                <select {...a} value={team().role} onChange={(e) => setTeam({ ...team(), role: e.currentTarget.value as MemberRole })}>
                  <option value="MEMBER" selected={team().role === "MEMBER"}>{label("MemberRole", "MEMBER")}</option>
                  <option value="LEADER" selected={team().role === "LEADER"}>{label("MemberRole", "LEADER")}</option>
                </select>
              )}
            </Field>
          </div>
          <FormErrors />
          <Submit pending={addTeam.pending()} class="">{tr("加入队伍", "Add to team")}</Submit>
        </Form>
      </Show>
      <Show when={squadChoices().length}>
        <Form form={squadForm} class="plain-form" label={tr("加入小队", "Add to a squad")} onSubmit={() => addSquad.run({ input: { squadId: chosenSquad(), volunteerId: v().id } })}>
          <Field name="squadId" label={tr("小队", "Squad")}>
            {(a) => <select {...a} value={chosenSquad()} onChange={(e) => setSquadId(e.currentTarget.value)}><For each={squadChoices()}>{(q) => <option value={q.id} selected={q.id === chosenSquad()}>{q.name}</option>}</For></select>}
          </Field>
          <FormErrors />
          <Submit pending={addSquad.pending()} class="">{tr("加入小队", "Add to squad")}</Submit>
        </Form>
      </Show>
    </section>
  );
}

function Points(props: { v: Person; stationId: string; onChange: () => void }) {
  const account = () => props.v.points;
  const [p, setP] = createSignal({ amount: "", note: "" });
  // One key per intended adjustment: a second tap or a retry after a lost answer adds nothing; an edit is a new intent.
  const [requestId, setRequestId] = createSignal(newRequestId());
  const form = createFormState();
  const adjust = createAction(AdjustPointsDocument, { pick: (d) => d.adjustPoints, form, success: () => tr("积分已调整", "Points adjusted"), onSuccess: () => (setP({ amount: "", note: "" }), setRequestId(newRequestId()), props.onChange()) });
  const reverse = createAction(ReversePointsEntryDocument, { pick: (d) => d.reversePointsEntry, success: () => tr("已冲正", "Reversed"), onSuccess: props.onChange });
  const undo = async (entryId: string) => {
    const note = await promptDialog({ title: tr("冲正这笔积分", "Reverse this entry"), label: tr("冲正原因", "Reason"), confirm: tr("冲正", "Reverse") });
    if (note) await reverse.run({ input: { entryId, note } });
  };
  return (
    <Show when={account()}>
      {(a) => (
        <section class="card" aria-labelledby="points-h">
          <h2 id="points-h">{tr("积分", "Points")}</h2>
          <p>{tr("本所积分余额：", "Balance at this station: ")}<strong data-testid="balance">{a().balance}</strong></p>
          <Show when={a().viewerCanAdjust}>
            <Form form={form} class="plain-form" label={tr("调整积分", "Adjust points")} onSubmit={() => adjust.run({ input: { volunteerId: props.v.id, stationId: props.stationId, amount: Math.trunc(Number(p().amount)), note: p().note.trim(), requestId: requestId() } })}>
              <div class="grid2">
                <Field name="amount" label={tr("积分（扣减填负数）", "Points (negative to deduct)")} required>
                  {(f) => <input {...f} type="number" step="1" inputmode="numeric" value={p().amount} onInput={(e) => (setP({ ...p(), amount: e.currentTarget.value }), setRequestId(newRequestId()))} />}
                </Field>
                <Field name="note" label={tr("原因", "Reason")} required>{(f) => <input {...f} value={p().note} onInput={(e) => (setP({ ...p(), note: e.currentTarget.value }), setRequestId(newRequestId()))} />}</Field>
              </div>
              <FormErrors />
              <Submit pending={adjust.pending()} class="">{tr("调整积分", "Adjust points")}</Submit>
            </Form>
          </Show>
          <TableWrap label={tr("积分明细", "Ledger")}>
            <table data-testid="ledger">
              <caption class="sr-only">{tr("积分明细", "Ledger")}</caption>
              <thead><tr><th scope="col">{tr("时间", "When")}</th><th scope="col">{tr("积分", "Points")}</th><th scope="col">{tr("事由", "Reason")}</th><th scope="col"><span class="sr-only">{tr("操作", "Actions")}</span></th></tr></thead>
              <tbody>
                <For each={a().entries.edges.map((e) => e.node)} fallback={<tr><td colspan="4" class="muted">{tr("还没有积分记录", "No entries yet")}</td></tr>}>
                  {(e) => (
                    <tr>
                      <td>{formatDateTime(e.createdAt)}</td>
                      <td>{e.amount > 0 ? `+${e.amount}` : e.amount}</td>
                      <td>{label("PointsReason", e.reason)}{e.note ? ` · ${e.note}` : ""}<Show when={e.reversedBy}> <span class="muted">{tr("（已冲正）", "(reversed)")}</span></Show></td>
                      <td>
                        <Show when={e.viewerCanReverse}>
                          <button type="button" disabled={reverse.pending()} onClick={() => undo(e.id)}>{tr("冲正", "Reverse")}</button>
                        </Show>
                      </td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </TableWrap>
        </section>
      )}
    </Show>
  );
}

function AccountTools(props: { v: Person; onChange: () => void }) {
  const v = () => props.v;
  const [code, setCode] = createSignal<{ code: string; expiresAt: string | null } | null>(null);
  const reset = createAction(ResetVolunteerPasswordDocument, {
    pick: (d) => d.resetVolunteerPassword,
    success: () => tr("已生成重置码，请交给本人", "Reset code issued: give it to the person"),
    onSuccess: (r) => (setCode(r.code ? { code: r.code, expiresAt: r.expiresAt ?? null } : null), props.onChange()),
  });
  const disable = createAction(DisableAccountDocument, { pick: (d) => d.disableAccount, success: () => tr("账号已停用，已登出其所有设备", "Account disabled; signed out everywhere"), onSuccess: props.onChange });
  const enable = createAction(EnableAccountDocument, { pick: (d) => d.enableAccount, success: () => tr("账号已恢复", "Account enabled"), onSuccess: props.onChange });
  const askReset = async () => {
    if (await confirmDialog({ title: tr(`重置${v().displayName}的密码？`, `Reset ${v().displayName}'s password?`), message: tr("将生成一次性重置码，本人用它在“激活账号”页设置新密码。", "A one-time code is issued; the person sets a new password with it on the activation page."), confirm: tr("重置密码", "Reset password") }))
      await reset.run({ input: { volunteerId: v().id } });
  };
  const askDisable = async () => {
    const reason = await promptDialog({ title: tr(`停用${v().displayName}的账号？`, `Disable ${v().displayName}'s account?`), message: tr("停用后立即登出其所有设备，无法登录。", "They are signed out everywhere at once and cannot sign in."), label: tr("停用原因", "Reason"), confirm: tr("停用", "Disable") });
    if (reason) await disable.run({ input: { volunteerId: v().id, reason } });
  };
  return (
    <Show when={v().viewerCanManageAccount}>
      <section class="card" aria-labelledby="account-h">
        <h2 id="account-h">{tr("账号管理", "Account")}</h2>
        <div class="row">
          <Show when={v().accountState !== "NONE"}>
            <button type="button" disabled={reset.pending()} onClick={askReset}>{tr("重置密码", "Reset password")}</button>
          </Show>
          <Show when={v().accountState === "DISABLED"} fallback={<Show when={v().accountState !== "NONE"}><button type="button" class="danger" disabled={disable.pending()} onClick={askDisable}>{tr("停用账号", "Disable account")}</button></Show>}>
            <button type="button" disabled={enable.pending()} onClick={() => enable.run({ input: { volunteerId: v().id } })}>{tr("恢复账号", "Enable account")}</button>
          </Show>
        </div>
        <Show when={code()}>
          {(c) => (
            <div class="notice" role="status">
              {tr("重置码（仅显示一次，请交给本人在“激活账号”页设置新密码）：", "Reset code (shown once; the person sets a new password with it on the activation page): ")}
              <strong data-testid="reset-code" class="one-time-code">{c().code}</strong>
              <Show when={c().expiresAt}> <span class="muted">{tr("有效期至 ", "valid until ")}{formatDateTime(c().expiresAt!)}</span></Show>
            </div>
          )}
        </Show>
      </section>
    </Show>
  );
}

export default function Member() {
  const params = useParams();
  const s = useSession();
  const [q, refetch] = createQuery({
    query: VolunteerDetailDocument,
    variables: () => ({ volunteerId: decodeURIComponent(params.id!), stationId: s.stationId()! }),
    pause: () => !s.stationId(),
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  return (
    <section>
      <p><a href="/members">{tr("← 队员名册", "← Members")}</a></p>
      <QueryView
        query={q}
        select={(d) => (d.volunteer?.__typename === "Volunteer" && d.station?.__typename === "Station" ? { v: d.volunteer, station: d.station } : null)}
        retry={again}
        notFound={<NotFound message={tr("没有找到这名义警，或你无权查看", "No such volunteer, or not yours to see")} />}
      >
        {(d) => (
          <>
            <h1>{d().v.displayName}</h1>
            <Profile v={d().v} />
            <Memberships v={d().v} station={d().station} onChange={again} />
            <Points v={d().v} stationId={s.stationId()!} onChange={again} />
            <AccountTools v={d().v} onChange={again} />
          </>
        )}
      </QueryView>
    </section>
  );
}
