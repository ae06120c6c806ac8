// 队伍与小队 (officers): teams, their specialty squads, and registering volunteers.
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import { CreateSquadDocument, CreateTeamDocument, RegisterVolunteerDocument, StationTeamsDocument, type Specialty, type StationTeamsQuery } from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";

type Station = Extract<NonNullable<StationTeamsQuery["node"]>, { __typename: "Station" }>;
type Team = Station["teams"]["edges"][number]["node"];

function TeamCard(props: { team: Team; onChange: () => void }) {
  const [name, setName] = createSignal("");
  const [specialty, setSpecialty] = createSignal<Specialty>("COMMUNITY_GRID");
  const form = createFormState();
  const createSquad = createAction(CreateSquadDocument, { pick: (d) => d.createSquad, form, success: tr("小队已创建", "Squad created"), onSuccess: () => (setName(""), props.onChange()) });
  const squads = () => props.team.squads.edges.map((q) => (q.node.name === label("Specialty", q.node.specialty) ? q.node.name : `${q.node.name}（${label("Specialty", q.node.specialty)}）`)).join("、");
  return (
    <article class="card">
      <strong>{props.team.name}</strong>
      <div class="muted">{squads() || tr("暂无小队", "No squads")}</div>
      <Show when={props.team.viewerCanManage}>
        <Form form={form} class="plain-form" label={tr(`为${props.team.name}添加小队`, `Add a squad to ${props.team.name}`)} onSubmit={() => createSquad.run({ input: { teamId: props.team.id, name: name().trim(), specialty: specialty() } })}>
          <div class="grid2">
            <Field name="name" label={tr("新小队名称", "New squad")} required>{(a) => <input {...a} value={name()} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
            <Field name="specialty" label={tr("专长", "Specialty")}>
              {(a) => (
                <select {...a} value={specialty()} onChange={(e) => setSpecialty(e.currentTarget.value as Specialty)}>
                  <For each={values("Specialty")}>{(sp) => <option value={sp}>{label("Specialty", sp)}</option>}</For>
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
              <For each={props.station.teams.edges}>{(t) => <option value={t.node.id}>{t.node.name}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="squadIds" label={tr("小队", "Squad")}>
          {(a) => (
            <select {...a} value={p().squadId} onChange={(e) => set({ squadId: e.currentTarget.value })}>
              <option value="">—</option>
              <For each={squadsOf(teamId())}>{(q) => <option value={q.id}>{q.name}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="name" label={tr("姓名", "Legal name")} required>{(a) => <input {...a} autocomplete="off" value={p().name} onInput={(e) => set({ name: e.currentTarget.value })} />}</Field>
        <Field name="displayName" label={tr("显示名", "Display name")}>{(a) => <input {...a} autocomplete="off" value={p().displayName} onInput={(e) => set({ displayName: e.currentTarget.value })} />}</Field>
        <Field name="phone" label={tr("手机号", "Phone")} required>{(a) => <input {...a} inputmode="numeric" autocomplete="off" value={p().phone} onInput={(e) => set({ phone: e.currentTarget.value })} />}</Field>
        <Field name="specialties" label={tr("专长", "Specialty")}>
          {(a) => (
            <select {...a} value={p().specialty} onChange={(e) => set({ specialty: e.currentTarget.value as Specialty | "" })}>
              <option value="">—</option>
              <For each={values("Specialty")}>{(sp) => <option value={sp}>{label("Specialty", sp)}</option>}</For>
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
  const teamForm = createFormState();
  const createTeam = createAction(CreateTeamDocument, { pick: (d) => d.createTeam, form: teamForm, success: tr("队伍已创建", "Team created"), onSuccess: () => (setTeamName(""), again()) });
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
              <RegisterVolunteer station={station()} onChange={again} />
            </Show>
          </>
        )}
      </QueryView>
    </section>
  );
}
