// 队伍与小队 (officers): teams, their specialty squads, and registering volunteers.
import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { CreateSquadDocument, CreateTeamDocument, RegisterVolunteerDocument, StationTeamsDocument, type Specialty } from "../gql/graphql";
import { label, tr } from "../i18n";
import { useSession } from "../session";
import { ErrorBox, Field, Loading, UserErrors, type UserErrorLike } from "../ui";

const SPECIALTIES: Specialty[] = ["MEDICAL_GUARD", "HIGH_RISE", "CAMPUS_SECURITY", "COMMUNITY_GRID", "ANTI_FRAUD", "MEDIATION", "NIGHT_PATROL", "TRAFFIC"];

export default function Teams() {
  const s = useSession();
  const [q, refetch] = createQuery({ query: StationTeamsDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const station = () => (q.data?.node?.__typename === "Station" ? q.data.node : null);
  const [, createTeam] = createMutation(CreateTeamDocument);
  const [, createSquad] = createMutation(CreateSquadDocument);
  const [regState, register] = createMutation(RegisterVolunteerDocument);
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const [message, setMessage] = createSignal<string | null>(null);
  const [teamName, setTeamName] = createSignal("");
  const [person, setPerson] = createSignal({ teamId: "", squadId: "", name: "", displayName: "", phone: "", specialty: "" });
  const setP = (patch: Partial<ReturnType<typeof person>>) => setPerson({ ...person(), ...patch });
  const done = (errs: ReadonlyArray<UserErrorLike> | undefined, ok: string) => {
    setErrors(errs ?? []);
    setMessage(errs?.length ? null : ok);
    if (!errs?.length) refetch({ requestPolicy: "network-only" });
  };
  const squadsOf = (teamId: string) => station()?.teams.edges.find((e) => e.node.id === teamId)?.node.squads.edges.map((e) => e.node) ?? [];
  return (
    <section>
      <h1>{tr("队伍与小队", "Teams and squads")}</h1>
      <ErrorBox error={q.error} />
      <UserErrors errors={errors()} />
      <Show when={message()}><div class="notice" role="status">{message()}</div></Show>
      <Show when={station()} fallback={<Loading />}>
        <For each={station()!.teams.edges}>
          {(t) => {
            const [squadName, setSquadName] = createSignal("");
            const [specialty, setSpecialty] = createSignal<Specialty>("COMMUNITY_GRID");
            return (
              <article class="card">
                <strong>{t.node.name}</strong>
                <div class="muted">{t.node.squads.edges.map((q) => (q.node.name === label(q.node.specialty) ? q.node.name : `${q.node.name}（${label(q.node.specialty)}）`)).join("、") || tr("暂无小队", "No squads")}</div>
                <Show when={t.node.viewerCanManage}>
                  <div class="row" style={{ "margin-top": ".5rem" }}>
                    <input style={{ "max-width": "12rem" }} placeholder={tr("新小队名称", "New squad")} aria-label={tr("新小队名称", "New squad")} value={squadName()} onInput={(e) => setSquadName(e.currentTarget.value)} />
                    <select style={{ "max-width": "10rem" }} aria-label={tr("专长", "Specialty")} value={specialty()} onChange={(e) => setSpecialty(e.currentTarget.value as Specialty)}>
                      <For each={SPECIALTIES}>{(sp) => <option value={sp}>{label(sp)}</option>}</For>
                    </select>
                    <button onClick={async () => done((await createSquad({ input: { teamId: t.node.id, name: squadName(), specialty: specialty() } })).data?.createSquad?.userErrors, tr("小队已创建", "Squad created"))}>
                      {tr("添加小队", "Add squad")}
                    </button>
                  </div>
                </Show>
              </article>
            );
          }}
        </For>
        <Show when={station()!.viewerIsOfficer}>
          <div class="card row">
            <input style={{ "max-width": "16rem" }} placeholder={tr("新队伍名称，如 红枫义警", "New team, e.g. 红枫义警")} aria-label={tr("新队伍名称", "New team")} value={teamName()} onInput={(e) => setTeamName(e.currentTarget.value)} />
            <button onClick={async () => done((await createTeam({ input: { stationId: s.stationId()!, name: teamName() } })).data?.createTeam?.userErrors, tr("队伍已创建", "Team created"))}>{tr("创建队伍", "Create team")}</button>
          </div>
          <form class="card" aria-label={tr("登记义警", "Register a volunteer")} onSubmit={async (e) => {
            e.preventDefault();
            const p = person();
            const res = await register({
              input: {
                teamId: p.teamId || station()!.teams.edges[0]!.node.id,
                squadIds: p.squadId ? [p.squadId] : [],
                name: p.name,
                displayName: p.displayName || null,
                phone: p.phone,
                specialties: p.specialty ? [p.specialty as Specialty] : [],
              },
            });
            const code = res.data?.registerVolunteer?.activationCode;
            done(
              res.data?.registerVolunteer?.userErrors,
              tr(`已登记。激活码 ${code}（仅显示一次）：请交给本人，本人激活后即加入队伍。`, `Registered. Activation code ${code} (shown once): give it to the person, who joins by activating.`),
            );
          }}>
            <h2>{tr("登记义警", "Register a volunteer")}</h2>
            <div class="grid2">
              <Field label={tr("队伍", "Team")}>
                <select value={person().teamId || station()!.teams.edges[0]?.node.id || ""} onChange={(e) => setP({ teamId: e.currentTarget.value, squadId: "" })}>
                  <For each={station()!.teams.edges}>{(t) => <option value={t.node.id}>{t.node.name}</option>}</For>
                </select>
              </Field>
              <Field label={tr("小队", "Squad")}>
                <select value={person().squadId} onChange={(e) => setP({ squadId: e.currentTarget.value })}>
                  <option value="">—</option>
                  <For each={squadsOf(person().teamId || station()!.teams.edges[0]?.node.id || "")}>{(q) => <option value={q.id}>{q.name}</option>}</For>
                </select>
              </Field>
              <Field label={tr("姓名", "Legal name")}><input required value={person().name} onInput={(e) => setP({ name: e.currentTarget.value })} /></Field>
              <Field label={tr("显示名", "Display name")}><input value={person().displayName} onInput={(e) => setP({ displayName: e.currentTarget.value })} /></Field>
              <Field label={tr("手机号", "Phone")}><input required inputmode="numeric" value={person().phone} onInput={(e) => setP({ phone: e.currentTarget.value })} /></Field>
              <Field label={tr("专长", "Specialty")}>
                <select value={person().specialty} onChange={(e) => setP({ specialty: e.currentTarget.value })}>
                  <option value="">—</option>
                  <For each={SPECIALTIES}>{(sp) => <option value={sp}>{label(sp)}</option>}</For>
                </select>
              </Field>
            </div>
            <p><button class="primary" type="submit" disabled={regState.fetching}>{tr("登记", "Register")}</button></p>
          </form>
        </Show>
      </Show>
    </section>
  );
}
