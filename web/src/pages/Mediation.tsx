// 警民联调 (officers; mediators see their own cases): the record (success rate, open cases by age),
// the mediators residents choose from, the cases, and opening a case.
import { A } from "@solidjs/router";
import { createQuery, useClient } from "@urql/solid";
import { createSignal, For, Index, onMount, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { Checkbox } from "../components/Checkbox";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import { SearchableSelect, type Option } from "../components/SearchableSelect";
import { CreateMediatorDocument, MediationDocument, UpdateMediatorDocument, OpenMediationCaseDocument, type MediationField, type MediationPartyRole, type MediationQuery, type MediationSource } from "../gql/graphql";
import { createFormState, wholeNumbers } from "../lib/form";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { teamMembers } from "../lib/people";
import { useSession } from "../lib/session";
import { formatDate } from "../lib/time";
import { CasePage } from "./Cases";

type Mediator = MediationQuery["mediators"]["edges"][number]["node"];
const percent = (r: number | null | undefined) => (r == null ? "—" : `${Math.round(r * 1000) / 10}%`);

function MediatorCard(props: { m: Mediator }) {
  const m = () => props.m;
  const [editing, setEditing] = createSignal(false);
  return (
    <article class="card" data-testid="mediator">
      <div class="spread">
        <strong>{m().displayName}</strong>
        <span class="muted">{m().title}</span>
      </div>
      <div class="muted">
        {tr(`调解${m().years}年`, `${m().years} years`)} · {m().fields.map((f) => label("MediationField", f)).join("、")}
        <Show when={!m().active}> · <Badge text={tr("暂停接案", "Not taking cases")} tone="bad" /></Show>
        <Show when={!m().atStation}> · <Badge text={tr("已离队或被暂停，不在警调超市", "Suspended or gone from the station: not on the public list")} tone="bad" /></Show>
      </div>
      <div>
        {tr("在办", "Open")} {m().openCases} · {tr("结案", "Closed")} {m().closedCases} · {tr("成功率", "Success")} <strong>{percent(m().successRate)}</strong>
      </div>
      <Show when={m().bio}><p class="muted">{m().bio}</p></Show>
      <Show when={m().viewerCanManage}>
        <Show when={editing()} fallback={<button type="button" onClick={() => setEditing(true)} aria-label={tr(`编辑调解员：${m().displayName}`, `Edit mediator: ${m().displayName}`)}>{tr("编辑", "Edit")}</button>}>
          <EditMediator m={m()} close={() => setEditing(false)} />
        </Show>
      </Show>
    </article>
  );
}

/** 调解员资料 and whether residents can choose them now (active). */
function EditMediator(props: { m: Mediator; close: () => void }) {
  const m = props.m;
  const [f, setF] = createSignal({ displayName: m.displayName, title: m.title, years: String(m.years), bio: m.bio, fields: [...m.fields], active: m.active });
  const set = (p: Partial<ReturnType<typeof f>>) => setF({ ...f(), ...p });
  const form = createFormState();
  const update = createAction(UpdateMediatorDocument, { pick: (d) => d.updateMediator, form, success: () => tr("调解员资料已保存", "Mediator saved"), onSuccess: props.close });
  onMount(() => form.element?.querySelector("input")?.focus());
  return (
    <Form
      form={form}
      class="plain-form"
      label={tr(`编辑调解员：${m.displayName}`, `Edit mediator: ${m.displayName}`)}
      testId="edit-mediator"
      onSubmit={() => {
        const n = wholeNumbers(form, { years: f().years });
        if (!n) return;
        const v = f();
        return update.run({ input: { mediatorId: m.id, displayName: v.displayName.trim(), title: v.title.trim(), years: n.years, bio: v.bio.trim(), fields: v.fields, active: v.active } });
      }}
    >
      <div class="grid2">
        <Field name="displayName" label={tr("公开称呼", "Public name")} required>{(a) => <input {...a} maxLength={20} value={f().displayName} onInput={(e) => set({ displayName: e.currentTarget.value })} />}</Field>
        <Field name="title" label={tr("身份", "Title")}>{(a) => <input {...a} maxLength={30} value={f().title} onInput={(e) => set({ title: e.currentTarget.value })} />}</Field>
        <Field name="years" label={tr("调解年限", "Years")}>{(a) => <input {...a} inputmode="numeric" maxLength={3} value={f().years} onInput={(e) => set({ years: e.currentTarget.value })} />}</Field>
      </div>
      <Field name="bio" label={tr("简介", "About")}>{(a) => <textarea {...a} maxLength={500} value={f().bio} onInput={(e) => set({ bio: e.currentTarget.value })} />}</Field>
      <fieldset class="plain-fieldset row" data-field="fields">
        <legend>{tr("擅长领域", "Fields")}</legend>
        <For each={values("MediationField")}>
          {(x) => <Checkbox checked={f().fields.includes(x)} onChange={(on) => set({ fields: on ? [...f().fields, x] : f().fields.filter((y) => y !== x) })}>{label("MediationField", x)}</Checkbox>}
        </For>
      </fieldset>
      <div data-field="active">
        <Checkbox checked={f().active} onChange={(on) => set({ active: on })}>{tr("接受群众选择（取消则从警调超市暂时下架）", "Residents may choose them (untick to take them off the list for now)")}</Checkbox>
      </div>
      <FormErrors />
      <div class="row">
        <Submit pending={update.pending()}>{tr("保存", "Save")}</Submit>
        <button type="button" onClick={props.close}>{tr("取消", "Cancel")}</button>
      </div>
    </Form>
  );
}

interface PartyRow {
  name: string;
  phone: string;
  role: MediationPartyRole;
}

function OpenCaseForm(props: { mediators: Mediator[]; done: () => void }) {
  const s = useSession();
  const form = createFormState();
  const [category, setCategory] = createSignal<MediationField>("NEIGHBOUR");
  const [source, setSource] = createSignal<MediationSource>("RESIDENT");
  const [summary, setSummary] = createSignal("");
  const [parties, setParties] = createSignal<PartyRow[]>([{ name: "", phone: "", role: "APPLICANT" }, { name: "", phone: "", role: "RESPONDENT" }]);
  const [chosen, setChosen] = createSignal<string[]>([]);
  const setParty = (i: number, p: Partial<PartyRow>) => setParties(parties().map((x, j) => (j === i ? { ...x, ...p } : x)));
  const open = createAction(OpenMediationCaseDocument, {
    pick: (d) => d.openMediationCase,
    form,
    success: () => tr("已受理，调解员会收到通知", "Case opened; the mediators are told"),
    onSuccess: () => (setSummary(""), setChosen([]), props.done()),
  });
  return (
    <Form
      form={form}
      label={tr("受理调解", "Open a case")}
      testId="open-case"
      onSubmit={() =>
        open.run({
          input: {
            stationId: s.stationId()!,
            category: category(),
            source: source(),
            summary: summary().trim(),
            parties: parties()
              .filter((p) => p.name.trim())
              .map((p) => ({ name: p.name.trim(), phone: p.phone.trim() || null, role: p.role })),
            mediatorIds: chosen(),
          },
        })
      }
    >
      <div class="grid2">
        <Field name="category" label={tr("纠纷类别", "Kind of dispute")}>
          {(a) => (
            <select {...a} value={category()} onChange={(e) => setCategory(e.currentTarget.value as MediationField)}>
              <For each={values("MediationField")}>{(v) => <option value={v} selected={v === category()}>{label("MediationField", v)}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="source" label={tr("来源", "Source")}>
          {(a) => (
            <select {...a} value={source()} onChange={(e) => setSource(e.currentTarget.value as MediationSource)}>
              <For each={values("MediationSource")}>{(v) => <option value={v} selected={v === source()}>{label("MediationSource", v)}</option>}</For>
            </select>
          )}
        </Field>
      </div>
      <Field name="summary" label={tr("案情简述", "Summary")} required>
        {(a) => <textarea {...a} maxLength={2000} value={summary()} onInput={(e) => setSummary(e.currentTarget.value)} />}
      </Field>
      <fieldset class="plain-fieldset">
        <legend>{tr("当事人（姓名、电话仅本案调解员和民警可见）", "Parties (name and phone: only the case's mediators and officers see them)")}</legend>
        <Index each={parties()}>
          {(p, i) => (
            <div class="grid3 party">
              <div>
                <label for={`party-name-${i}`}>{tr(`当事人${i + 1}姓名`, `Party ${i + 1} name`)}</label>
                <input id={`party-name-${i}`} maxLength={30} value={p().name} onInput={(e) => setParty(i, { name: e.currentTarget.value })} />
              </div>
              <div>
                <label for={`party-phone-${i}`}>{tr("电话", "Phone")}</label>
                <input id={`party-phone-${i}`} inputmode="tel" maxLength={11} value={p().phone} onInput={(e) => setParty(i, { phone: e.currentTarget.value })} />
              </div>
              <div>
                <label for={`party-role-${i}`}>{tr("身份", "Role")}</label>
                <select id={`party-role-${i}`} value={p().role} onChange={(e) => setParty(i, { role: e.currentTarget.value as MediationPartyRole })}>
                  <For each={values("MediationPartyRole")}>{(v) => <option value={v} selected={v === p().role}>{label("MediationPartyRole", v)}</option>}</For>
                </select>
              </div>
            </div>
          )}
        </Index>
        <button type="button" onClick={() => setParties([...parties(), { name: "", phone: "", role: "OTHER" }])}>{tr("添加当事人", "Add a party")}</button>
      </fieldset>
      <fieldset class="plain-fieldset" data-field="mediatorIds">
        <legend>{tr("调解员（群众可自选）", "Mediators (the resident's choice)")}</legend>
        <For each={props.mediators.filter((m) => m.active && m.atStation)}>
          {(m) => (
            <Checkbox checked={chosen().includes(m.id)} onChange={(on) => setChosen(on ? [...chosen(), m.id] : chosen().filter((x) => x !== m.id))}>
              {m.displayName} <span class="muted">{m.title}</span>
            </Checkbox>
          )}
        </For>
      </fieldset>
      <FormErrors />
      <Submit pending={open.pending()}>{tr("受理", "Open case")}</Submit>
    </Form>
  );
}

function AddMediatorForm(props: { teams: { id: string; name: string }[]; done: () => void }) {
  const s = useSession();
  const client = useClient();
  const form = createFormState();
  const [who, setWho] = createSignal<"VOLUNTEER" | "NAMED">("VOLUNTEER");
  const [team, setTeam] = createSignal(props.teams[0]?.id ?? "");
  const [person, setPerson] = createSignal<Option | null>(null);
  const [name, setName] = createSignal("");
  const [title, setTitle] = createSignal("");
  const [years, setYears] = createSignal(0);
  const [fields, setFields] = createSignal<MediationField[]>([]);
  const people = teamMembers(client, s.stationId, team);
  const create = createAction(CreateMediatorDocument, {
    pick: (d) => d.createMediator,
    form,
    success: () => tr("已添加调解员", "Mediator added"),
    onSuccess: () => (setName(""), setTitle(""), setPerson(null), props.done()),
  });
  return (
    <Form
      form={form}
      label={tr("添加调解员", "Add a mediator")}
      onSubmit={() =>
        create.run({
          input: {
            stationId: s.stationId()!,
            volunteerId: who() === "VOLUNTEER" ? (person()?.id ?? null) : null,
            displayName: name().trim() || null,
            title: title().trim() || null,
            years: years(),
            fields: fields(),
          },
        })
      }
    >
      <div class="segmented" role="group" aria-label={tr("调解员来源", "Who")}>
        <button type="button" aria-pressed={who() === "VOLUNTEER"} onClick={() => setWho("VOLUNTEER")}>{tr("本所义警", "A volunteer")}</button>
        <button type="button" aria-pressed={who() === "NAMED"} onClick={() => setWho("NAMED")}>{tr("具名人士", "A named person")}</button>
      </div>
      <Show when={who() === "VOLUNTEER"}>
        <p class="muted">{tr("须有“矛盾调解”专长；公开称呼默认为其昵称。", "Needs the mediation specialty; shown by their display name unless you give another.")}</p>
        <div class="grid2">
          <div class="field">
            <label for="mediator-team">{tr("队伍", "Team")}</label>
            <select id="mediator-team" value={team()} onChange={(e) => (setTeam(e.currentTarget.value), setPerson(null))}>
              <For each={props.teams}>{(t) => <option value={t.id} selected={t.id === team()}>{t.name}</option>}</For>
            </select>
          </div>
          <Field name="volunteerId" label={tr("义警", "Volunteer")} required>
            {(a) => <SearchableSelect {...a} load={people} value={person()} onChange={setPerson} />}
          </Field>
        </div>
      </Show>
      <div class="grid2">
        <Field name="displayName" label={tr("公开称呼", "Public name")} required={who() === "NAMED"}>{(a) => <input {...a} maxLength={20} value={name()} onInput={(e) => setName(e.currentTarget.value)} />}</Field>
        <Field name="title" label={tr("身份", "Title")}>{(a) => <input {...a} maxLength={30} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} placeholder={tr("如：退休法官、老娘舅", "e.g. retired judge")} />}</Field>
        <Field name="years" label={tr("调解年限", "Years")}>{(a) => <input {...a} type="number" min="0" max="80" value={years()} onInput={(e) => setYears(Number(e.currentTarget.value))} />}</Field>
      </div>
      <fieldset class="plain-fieldset row">
        <legend>{tr("擅长领域", "Fields")}</legend>
        <For each={values("MediationField")}>
          {(f) => <Checkbox checked={fields().includes(f)} onChange={(on) => setFields(on ? [...fields(), f] : fields().filter((x) => x !== f))}>{label("MediationField", f)}</Checkbox>}
        </For>
      </fieldset>
      <FormErrors />
      <Submit pending={create.pending()}>{tr("添加", "Add")}</Submit>
    </Form>
  );
}

export default function Mediation() {
  const s = useSession();
  const [q, refetch] = createQuery({ query: MediationDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const station = () => (q.data?.node?.__typename === "Station" ? q.data.node : null);
  return (
    <CasePage title={tr("警民联调", "Mediation")}>
      <QueryView query={q} select={(d) => (d.node?.__typename === "Station" ? d : null)} retry={again}>
        {(d) => (
          <>
            <Show when={station()?.mediationStats}>
              {(st) => (
                <div class="card stats" data-testid="mediation-stats">
                  <div class="row stat-row">
                    <span>{tr("调解成功率", "Success rate")} <strong data-testid="success-rate">{percent(st().successRate)}</strong></span>
                    <span>{tr("结案", "Closed")} <strong>{st().closed}</strong></span>
                    <span>{tr("成功", "Settled")} <strong>{st().succeeded}</strong></span>
                    <span>{tr("在办", "Open")} <strong>{st().open}</strong></span>
                  </div>
                  <div class="muted">
                    {tr("在办案件按时长：", "Open cases by age: ")}
                    {st().openByAge.map((a) => `${label("CaseAgeBucket", a.bucket)} ${a.count}`).join(" · ")}
                  </div>
                </div>
              )}
            </Show>
            <h2>{tr("调解案件", "Cases")}</h2>
            <For each={station()!.mediationCases.edges} fallback={<p class="muted">{tr("暂无案件", "No cases")}</p>}>
              {(e) => (
                <div class="card" data-testid="case">
                  <div class="spread">
                    <A href={`/cases/mediation/${encodeURIComponent(e.node.id)}`}>{label("MediationField", e.node.category)}：{e.node.erasedAt ? tr("（案情已按保留期限删除）", "(details erased after the retention period)") : e.node.summary.slice(0, 30)}</A>
                    <Badge enum={e.node.outcome ? "MediationOutcome" : "MediationStatus"} value={e.node.outcome ?? e.node.status} />
                  </div>
                  <div class="muted">
                    {formatDate(e.node.openedAt)} · {tr(`${e.node.ageDays}天`, `${e.node.ageDays} days`)} · {e.node.mediators.map((m) => m.displayName).join("、")}
                  </div>
                </div>
              )}
            </For>
            <Show when={station()!.viewerCanOpenMediationCase}>
              <h2>{tr("受理调解", "Open a case")}</h2>
              <OpenCaseForm mediators={d().mediators.edges.map((e) => e.node)} done={again} />
            </Show>
            <h2>{tr("调解员（警调超市）", "Mediators")}</h2>
            <div class="grid2">
              <For each={d().mediators.edges} fallback={<p class="muted">{tr("还没有调解员", "No mediators yet")}</p>}>{(e) => <MediatorCard m={e.node} />}</For>
            </div>
            <Show when={station()!.viewerCanOpenMediationCase}>
              <h2>{tr("添加调解员", "Add a mediator")}</h2>
              <AddMediatorForm teams={station()!.teams.edges.map((e) => e.node)} done={again} />
            </Show>
          </>
        )}
      </QueryView>
    </CasePage>
  );
}
