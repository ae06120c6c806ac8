// 队伍与小队 (officers): teams, their specialty squads, and registering volunteers.
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import { confirmDialog } from "../components/Dialog";
import { Editor } from "../components/Editor";
import {
  CancelEnrollmentDocument,
  CreateSquadDocument,
  CreateTeamDocument,
  RegisterVolunteerDocument,
  RenewEnrollmentCodeDocument,
  StationEnrollmentsDocument,
  StationTeamsDocument,
  UpdateSquadDocument,
  UpdateTeamDocument,
  type Specialty,
  type StationTeamsQuery,
} from "../gql/graphql";
import { formatDateTime } from "../lib/time";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";

type Station = Extract<NonNullable<StationTeamsQuery["node"]>, { __typename: "Station" }>;
type Team = Station["teams"]["edges"][number]["node"];
type Squad = Team["squads"]["edges"][number]["node"];

function EditTeam(props: { team: Team; onChange: () => void }) {
  const [p, setP] = createSignal({ name: props.team.name, description: props.team.description });
  const form = createFormState();
  const update = createAction(UpdateTeamDocument, { pick: (d) => d.updateTeam, form, success: () => tr("队伍已保存", "Team saved"), onSuccess: props.onChange });
  return (
    <Editor label={tr("编辑队伍", "Edit team")}>
      <Form form={form} class="plain-form" label={tr(`编辑${props.team.name}`, `Edit ${props.team.name}`)} onSubmit={() => update.run({ input: { teamId: props.team.id, name: p().name.trim(), description: p().description.trim() } })}>
        <div class="grid2">
          <Field name="name" label={tr("队伍名称", "Team name")} required>{(a) => <input {...a} value={p().name} onInput={(e) => setP({ ...p(), name: e.currentTarget.value })} />}</Field>
          <Field name="description" label={tr("队伍简介", "Description")}>{(a) => <textarea {...a} rows="2" value={p().description} onInput={(e) => setP({ ...p(), description: e.currentTarget.value })} />}</Field>
        </div>
        <FormErrors />
        <Submit pending={update.pending()} class="">{tr("保存队伍", "Save team")}</Submit>
      </Form>
    </Editor>
  );
}

function EditSquad(props: { squad: Squad; onChange: () => void }) {
  const [p, setP] = createSignal({ name: props.squad.name, description: props.squad.description, specialty: props.squad.specialty });
  const form = createFormState();
  const update = createAction(UpdateSquadDocument, { pick: (d) => d.updateSquad, form, success: () => tr("小队已保存", "Squad saved"), onSuccess: props.onChange });
  return (
    <Editor label={tr(`编辑${props.squad.name}`, `Edit ${props.squad.name}`)}>
      <Form form={form} class="plain-form" label={tr(`编辑小队${props.squad.name}`, `Edit squad ${props.squad.name}`)}
        onSubmit={() => update.run({ input: { squadId: props.squad.id, name: p().name.trim(), description: p().description.trim(), specialty: p().specialty } })}>
        <div class="grid2">
          <Field name="name" label={tr("小队名称", "Squad name")} required>{(a) => <input {...a} value={p().name} onInput={(e) => setP({ ...p(), name: e.currentTarget.value })} />}</Field>
          <Field name="specialty" label={tr("专长", "Specialty")}>
            {(a) => (
              <select {...a} value={p().specialty} onChange={(e) => setP({ ...p(), specialty: e.currentTarget.value as Specialty })}>
                <For each={values("Specialty")}>{(sp) => <option value={sp} selected={sp === p().specialty}>{label("Specialty", sp)}</option>}</For>
              </select>
            )}
          </Field>
          <Field name="description" label={tr("小队简介", "Description")}>{(a) => <textarea {...a} rows="2" value={p().description} onInput={(e) => setP({ ...p(), description: e.currentTarget.value })} />}</Field>
        </div>
        <FormErrors />
        <Submit pending={update.pending()} class="">{tr("保存小队", "Save squad")}</Submit>
      </Form>
    </Editor>
  );
}

/** 待激活登记: registrations waiting for their owners; a new code (shown once) or cancelling one. */
function PendingEnrollments(props: { stationId: string; refresh: number }) {
  const [q, refetch] = createQuery({ query: StationEnrollmentsDocument, variables: () => (props.refresh, { stationId: props.stationId }), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [issued, setIssued] = createSignal<{ name: string; code: string } | null>(null);
  const renew = createAction(RenewEnrollmentCodeDocument, {
    pick: (d) => d.renewEnrollmentCode,
    success: () => tr("已生成新激活码", "New activation code issued"),
    onSuccess: (r) => (setIssued(r.activationCode && r.enrollment ? { name: r.enrollment.displayName, code: r.activationCode } : null), again()),
  });
  const cancel = createAction(CancelEnrollmentDocument, { pick: (d) => d.cancelEnrollment, success: () => tr("登记已撤销", "Registration cancelled"), onSuccess: again });
  const ask = async (id: string, name: string) => {
    if (await confirmDialog({ title: tr(`撤销对${name}的登记？`, `Cancel the registration of ${name}?`), message: tr("激活码随即失效。", "Its activation code stops working."), confirm: tr("撤销登记", "Cancel registration"), danger: true }))
      await cancel.run({ input: { enrollmentId: id } });
  };
  return (
    <section class="card" aria-labelledby="enrollments-h">
      <h2 id="enrollments-h">{tr("待激活登记", "Registrations waiting")}</h2>
      <Show when={issued()}>
        {(i) => (
          <div class="notice" role="status">
            {tr(`${i().name} 的新激活码（仅显示一次）：`, `New activation code for ${i().name} (shown once): `)}
            <strong data-testid="renewed-code" class="one-time-code">{i().code}</strong>
          </div>
        )}
      </Show>
      <QueryView query={q} select={(d) => (d.node?.__typename === "Station" ? (d.node.enrollments?.edges.map((e) => e.node) ?? []) : null)} retry={again} isEmpty={(l) => l.length === 0} empty={<p class="muted">{tr("没有待激活的登记", "None waiting")}</p>}>
        {(list) => (
          <ul class="plain-list" data-testid="enrollments">
            <For each={list()}>
              {(e) => (
                <li class="row">
                  <strong>{e.displayName}</strong>
                  <span>{e.phone}</span>
                  <span class="muted">{e.team.name} · {tr("激活码有效期至 ", "code valid until ")}{formatDateTime(e.expiresAt)}</span>
                  <button type="button" disabled={renew.pending()} onClick={() => renew.run({ input: { enrollmentId: e.id } })} aria-label={tr(`为${e.displayName}重新生成激活码`, `New code for ${e.displayName}`)}>{tr("重新生成激活码", "New code")}</button>
                  <button type="button" class="danger" disabled={cancel.pending()} onClick={() => ask(e.id, e.displayName)} aria-label={tr(`撤销${e.displayName}的登记`, `Cancel ${e.displayName}'s registration`)}>{tr("撤销登记", "Cancel")}</button>
                </li>
              )}
            </For>
          </ul>
        )}
      </QueryView>
    </section>
  );
}

function TeamCard(props: { team: Team; onChange: () => void }) {
  const [name, setName] = createSignal("");
  const [specialty, setSpecialty] = createSignal<Specialty>("COMMUNITY_GRID");
  const form = createFormState();
  const createSquad = createAction(CreateSquadDocument, { pick: (d) => d.createSquad, form, success: () => tr("小队已创建", "Squad created"), onSuccess: () => (setName(""), props.onChange()) });
  const squads = () => props.team.squads.edges.map((q) => (q.node.name === label("Specialty", q.node.specialty) ? q.node.name : `${q.node.name}（${label("Specialty", q.node.specialty)}）`)).join("、");
  return (
    <article class="card">
      <strong>{props.team.name}</strong>
      <div class="muted">{squads() || tr("暂无小队", "No squads")}</div>
      <Show when={props.team.viewerCanManage}><EditTeam team={props.team} onChange={props.onChange} /></Show>
      <For each={props.team.squads.edges.filter((q) => q.node.viewerCanManage)}>{(q) => <EditSquad squad={q.node} onChange={props.onChange} />}</For>
      <Show when={props.team.viewerCanManage}>
        <Form form={form} class="plain-form" label={tr(`为${props.team.name}添加小队`, `Add a squad to ${props.team.name}`)} onSubmit={() => createSquad.run({ input: { teamId: props.team.id, name: name().trim(), specialty: specialty() } })}>
          <div class="grid2">
            <Field name="name" label={tr("新小队名称", "New squad")} required>{(a) => <input {...a} value={name()} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
            <Field name="specialty" label={tr("专长", "Specialty")}>
              {(a) => (
                <select {...a} value={specialty()} onChange={(e) => setSpecialty(e.currentTarget.value as Specialty)}>
                  <For each={values("Specialty")}>{(sp) => <option value={sp} selected={sp === specialty()}>{label("Specialty", sp)}</option>}</For>
                </select>
              )}
            </Field>
          </div>
          <FormErrors />
          <Submit pending={createSquad.pending()} class="">{tr("添加小队", "Add squad")}</Submit>
        </Form>
      </Show>
    </article>
  );
}

function RegisterVolunteer(props: { station: Station; onChange: () => void }) {
  const firstTeam = () => props.station.teams.edges[0]?.node.id ?? "";
  const blank = () => ({ teamId: "", squadId: "", name: "", displayName: "", phone: "", specialty: "" as Specialty | "" });
  // The activation code is shown once: it stays on screen until the next registration.
  const [issued, setIssued] = createSignal<{ name: string; code: string } | null>(null);
  const [p, setP] = createSignal(blank());
  const set = (patch: Partial<ReturnType<typeof blank>>) => setP({ ...p(), ...patch });
  const teamId = () => p().teamId || firstTeam();
  const squadsOf = (id: string) => props.station.teams.edges.find((e) => e.node.id === id)?.node.squads.edges.map((e) => e.node) ?? [];
  const form = createFormState();
  const register = createAction(RegisterVolunteerDocument, {
    pick: (d) => d.registerVolunteer,
    form,
    success: (r) => tr(`已登记：${r.enrollment?.displayName ?? ""}，请把激活码交给本人`, `Registered: ${r.enrollment?.displayName ?? ""}. Give the activation code to the person`),
    onSuccess: (r) => {
      setIssued(r.activationCode && r.enrollment ? { name: r.enrollment.displayName, code: r.activationCode } : null);
      setP({ ...blank(), teamId: p().teamId });
      props.onChange();
    },
  });
  return (
    <Form
      form={form}
      label={tr("登记义警", "Register a volunteer")}
      onSubmit={() => {
        const v = p();
        return register.run({
          input: {
            teamId: teamId(),
            squadIds: v.squadId ? [v.squadId] : [],
            name: v.name.trim(),
            displayName: v.displayName.trim() || null,
            phone: v.phone.trim(),
            specialties: v.specialty ? [v.specialty] : [],
          },
        });
      }}
    >
      <h2>{tr("登记义警", "Register a volunteer")}</h2>
      <div class="grid2">
        <Field name="teamId" label={tr("队伍", "Team")}>
          {(a) => (
            <select {...a} value={teamId()} onChange={(e) => set({ teamId: e.currentTarget.value, squadId: "" })}>
              <For each={props.station.teams.edges}>{(t) => <option value={t.node.id} selected={t.node.id === teamId()}>{t.node.name}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="squadIds" label={tr("小队", "Squad")}>
          {(a) => (
            <select {...a} value={p().squadId} onChange={(e) => set({ squadId: e.currentTarget.value })}>
              <option value="" selected={!p().squadId}>—</option>
              <For each={squadsOf(teamId())}>{(q) => <option value={q.id} selected={q.id === p().squadId}>{q.name}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="name" label={tr("姓名", "Legal name")} required>{(a) => <input {...a} autocomplete="off" value={p().name} onInput={(e) => set({ name: e.currentTarget.value })} />}</Field>
        <Field name="displayName" label={tr("显示名", "Display name")}>{(a) => <input {...a} autocomplete="off" value={p().displayName} onInput={(e) => set({ displayName: e.currentTarget.value })} />}</Field>
        <Field name="phone" label={tr("手机号", "Phone")} required>{(a) => <input {...a} inputmode="numeric" autocomplete="off" value={p().phone} onInput={(e) => set({ phone: e.currentTarget.value })} />}</Field>
        <Field name="specialties" label={tr("专长", "Specialty")}>
          {(a) => (
            <select {...a} value={p().specialty} onChange={(e) => set({ specialty: e.currentTarget.value as Specialty | "" })}>
              <option value="" selected={!p().specialty}>—</option>
              <For each={values("Specialty")}>{(sp) => <option value={sp} selected={sp === p().specialty}>{label("Specialty", sp)}</option>}</For>
            </select>
          )}
        </Field>
      </div>
      <p class="muted">{tr("本人用激活码在“激活账号”页设置密码并同意规则后即加入队伍；已在邻舍登记过的人登录后接受邀请。", "The person joins by activating with the code (setting a password and accepting the rules); someone already on Linshe signs in and accepts.")}</p>
      <Show when={issued()}>
        {(i) => (
          <div class="notice" role="status">
            {tr(`${i().name} 的激活码（仅显示一次）：`, `Activation code for ${i().name} (shown once): `)}
            <strong data-testid="activation-code" class="one-time-code">{i().code}</strong>
          </div>
        )}
      </Show>
      <FormErrors />
      <p><Submit pending={register.pending()}>{tr("登记", "Register")}</Submit></p>
    </Form>
  );
}

export default function Teams() {
  const s = useSession();
  const [q, refetch] = createQuery({ query: StationTeamsDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const [teamName, setTeamName] = createSignal("");
  const [registered, setRegistered] = createSignal(0);
  const teamForm = createFormState();
  const createTeam = createAction(CreateTeamDocument, { pick: (d) => d.createTeam, form: teamForm, success: () => tr("队伍已创建", "Team created"), onSuccess: () => (setTeamName(""), again()) });
  return (
    <section>
      <h1>{tr("队伍与小队", "Teams and squads")}</h1>
      <QueryView query={q} select={(d) => (d.node?.__typename === "Station" ? d.node : null)} retry={again}>
        {(station) => (
          <>
            <For each={station().teams.edges}>{(t) => <TeamCard team={t.node} onChange={again} />}</For>
            <Show when={station().viewerIsOfficer}>
              <Form form={teamForm} label={tr("创建队伍", "Create a team")} onSubmit={() => createTeam.run({ input: { stationId: s.stationId()!, name: teamName().trim() } })}>
                <Field name="name" label={tr("新队伍名称", "New team")} hint={tr("如 红枫义警", "e.g. 红枫义警")} required>
                  {(a) => <input {...a} value={teamName()} onInput={(e) => setTeamName(e.currentTarget.value)} />}
                </Field>
                <FormErrors />
                <Submit pending={createTeam.pending()} class="">{tr("创建队伍", "Create team")}</Submit>
              </Form>
              <RegisterVolunteer station={station()} onChange={() => (again(), setRegistered(registered() + 1))} />
              <PendingEnrollments stationId={s.stationId()!} refresh={registered()} />
            </Show>
          </>
        )}
      </QueryView>
    </section>
  );
}
