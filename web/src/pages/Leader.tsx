// 队长工作台: publish shifts, submit good deeds, compose and withdraw board editions.
import { useClient, createQuery, createSubscription } from "@urql/solid";
import { createEffect, createMemo, createSignal, For, on, Show } from "solid-js";
import { Checkbox } from "../components/Checkbox";
import { DateTimeInput } from "../components/DateTimeInput";
import { confirmDialog } from "../components/Dialog";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import { SearchableSelect, type Option } from "../components/SearchableSelect";
import {
  CreateShiftDocument,
  PublishCommendationBoardDocument,
  StationTeamsDocument,
  SubmitGoodDeedDocument,
  TeamCommendationsDocument,
  TeamUpdatedDocument,
  WithdrawCommendationBoardDocument,
  type GoodDeedCategory,
  type ShiftKind,
  type Specialty,
} from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { clearGoodDeedDraft, goodDeedDraft } from "../lib/goodDeedDraft";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { teamMembers } from "../lib/people";
import { useSession } from "../lib/session";
import { formatDate, formatDateTime, fromLocalInput, toLocalInput } from "../lib/time";

const WEEKDAYS: [string, string][] = [["周一", "Mon"], ["周二", "Tue"], ["周三", "Wed"], ["周四", "Thu"], ["周五", "Fri"], ["周六", "Sat"], ["周日", "Sun"]];

function PublishShift(props: { teamId: string; squads: { id: string; name: string }[]; grids: { id: string; name: string }[] }) {
  const blank = () => {
    const start = new Date(Math.ceil(Date.now() / 3600_000) * 3600_000 + 24 * 3600_000);
    return {
      title: "",
      kind: "PATROL" as ShiftKind,
      squadId: "",
      gridId: "",
      place: "",
      startsAt: toLocalInput(start),
      endsAt: toLocalInput(new Date(start.getTime() + 2 * 3600_000)),
      capacity: 6,
      requiredSpecialty: "" as Specialty | "",
      repeat: false,
      weekdays: [] as number[],
      until: toLocalInput(new Date(start.getTime() + 28 * 86_400_000)).slice(0, 10),
    };
  };
  const [f, setF] = createSignal(blank());
  const set = (patch: Partial<ReturnType<typeof blank>>) => setF({ ...f(), ...patch });
  const form = createFormState();
  const create = createAction(CreateShiftDocument, {
    pick: (d) => d.createShift,
    form,
    success: (p) => tr(`已发布 ${p.shifts?.length ?? 0} 个班次`, `Published ${p.shifts?.length ?? 0} shift(s)`),
    onSuccess: () => setF(blank()),
  });
  const preview = (v: string) => (v ? formatDateTime(fromLocalInput(v)) : "");
  return (
    <Form
      form={form}
      label={tr("发布班次", "Publish a shift")}
      onSubmit={() => {
        const v = f();
        return create.run({
          input: {
            teamId: props.teamId,
            title: v.title.trim(),
            kind: v.kind,
            squadId: v.squadId || null,
            gridId: v.gridId || null,
            place: v.place || null,
            startsAt: fromLocalInput(v.startsAt).toISOString(),
            endsAt: fromLocalInput(v.endsAt).toISOString(),
            capacity: Number(v.capacity),
            requiredSpecialty: v.requiredSpecialty || null,
            repeat: v.repeat ? { weekdays: v.weekdays, until: fromLocalInput(`${v.until}T23:59`).toISOString() } : null,
          },
        });
      }}
    >
      <h2>{tr("发布班次", "Publish a shift")}</h2>
      <div class="grid2">
        <Field name="title" label={tr("标题", "Title")} required>{(a) => <input {...a} value={f().title} onInput={(e) => set({ title: e.currentTarget.value })} />}</Field>
        <Field name="kind" label={tr("类型", "Kind")}>
          {(a) => (
            <select {...a} value={f().kind} onChange={(e) => set({ kind: e.currentTarget.value as ShiftKind })}>
              <For each={values("ShiftKind")}>{(k) => <option value={k} selected={k === f().kind}>{label("ShiftKind", k)}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="startsAt" label={tr("开始", "Starts")} required hint={preview(f().startsAt)}>{(a) => <DateTimeInput {...a} timeLabel={tr("开始时间", "Start time")} value={f().startsAt} onChange={(v) => set({ startsAt: v })} />}</Field>
        <Field name="endsAt" label={tr("结束", "Ends")} required hint={preview(f().endsAt)}>{(a) => <DateTimeInput {...a} timeLabel={tr("结束时间", "End time")} value={f().endsAt} onChange={(v) => set({ endsAt: v })} />}</Field>
        <Field name="capacity" label={tr("名额", "Seats")} required>{(a) => <input {...a} type="number" min="1" max="500" value={f().capacity} onInput={(e) => set({ capacity: Number(e.currentTarget.value) })} />}</Field>
        <Field name="squadId" label={tr("小队", "Squad")}>
          {(a) => (
            <select {...a} value={f().squadId} onChange={(e) => set({ squadId: e.currentTarget.value })}>
              <option value="" selected={!f().squadId}>{tr("全队", "Whole team")}</option>
              <For each={props.squads}>{(q) => <option value={q.id} selected={q.id === f().squadId}>{q.name}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="gridId" label={tr("网格", "Grid")}>
          {(a) => (
            <select {...a} value={f().gridId} onChange={(e) => set({ gridId: e.currentTarget.value })}>
              <option value="" selected={!f().gridId}>—</option>
              <For each={props.grids}>{(g) => <option value={g.id} selected={g.id === f().gridId}>{g.name}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="requiredSpecialty" label={tr("需要专长", "Required specialty")}>
          {(a) => (
            <select {...a} value={f().requiredSpecialty} onChange={(e) => set({ requiredSpecialty: e.currentTarget.value as Specialty | "" })}>
              <option value="" selected={!f().requiredSpecialty}>{tr("不限", "Any")}</option>
              <For each={values("Specialty")}>{(s) => <option value={s} selected={s === f().requiredSpecialty}>{label("Specialty", s)}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="place" label={tr("地点", "Place")}>{(a) => <input {...a} value={f().place} onInput={(e) => set({ place: e.currentTarget.value })} />}</Field>
      </div>
      <Checkbox checked={f().repeat} onChange={(v) => set({ repeat: v })}>{tr("每周重复", "Repeat weekly")}</Checkbox>
      <Show when={f().repeat}>
        <fieldset class="row plain-fieldset" data-field="weekdays">
          <legend class="muted">{tr("星期", "Weekdays")}</legend>
          <For each={WEEKDAYS}>
            {(d, i) => (
              <Checkbox checked={f().weekdays.includes(i() + 1)} onChange={(v) => set({ weekdays: v ? [...f().weekdays, i() + 1] : f().weekdays.filter((x) => x !== i() + 1) })}>
                {tr(d[0], d[1])}
              </Checkbox>
            )}
          </For>
        </fieldset>
        <Field name="until" label={tr("重复至", "Until")}>{(a) => <input {...a} type="date" value={f().until} onInput={(e) => set({ until: e.currentTarget.value })} />}</Field>
      </Show>
      <FormErrors />
      <p><Submit pending={create.pending()}>{tr("发布", "Publish")}</Submit></p>
    </Form>
  );
}

function SubmitDeed(props: { teamId: string; squads: { id: string; name: string }[] }) {
  const client = useClient();
  const blank = () => ({ volunteer: null as Option | null, squadId: "", category: "HELPING_ELDERLY" as GoodDeedCategory, title: "", story: "", occurredAt: toLocalInput(new Date()).slice(0, 10), place: "" });
  // A call-up just closed offers a draft for its responders: the form opens with it.
  const draft = goodDeedDraft();
  const fromDraft = draft && (!draft.teamId || draft.teamId === props.teamId);
  const [f, setF] = createSignal(
    fromDraft ? { ...blank(), category: "OTHER" as GoodDeedCategory, title: draft.title, story: draft.story, place: draft.place, occurredAt: toLocalInput(new Date(draft.occurredAt)).slice(0, 10) } : blank(),
  );
  const set = (patch: Partial<ReturnType<typeof blank>>) => setF({ ...f(), ...patch });
  const form = createFormState();
  const submit = createAction(SubmitGoodDeedDocument, { pick: (d) => d.submitGoodDeed, form, success: () => tr("已提交，等待民警审核", "Submitted for review"), onSuccess: () => {
    if (fromDraft) clearGoodDeedDraft();
    setF(blank());
  } });
  const session = useSession();
  const people = teamMembers(client, session.stationId, () => props.teamId);
  return (
    <Form
      form={form}
      label={tr("提交好人好事", "Submit a good deed")}
      onSubmit={() => {
        const v = f();
        return submit.run({
          input: {
            teamId: props.teamId,
            volunteerId: v.volunteer?.id ?? null,
            squadId: v.squadId || null,
            category: v.category,
            title: v.title.trim(),
            story: v.story.trim(),
            place: v.place || null,
            occurredAt: fromLocalInput(`${v.occurredAt}T12:00`).toISOString(),
          },
        });
      }}
    >
      <h2>{tr("提交好人好事", "Submit a good deed")}</h2>
      <div class="grid2">
        <Field name="volunteerId" label={tr("义警（留空为集体）", "Volunteer (empty: collective)")}>
          {(a) => <SearchableSelect {...a} load={people} value={f().volunteer} onChange={(o) => set({ volunteer: o })} noneLabel={tr("集体", "Collective")} testId="deed-volunteer" />}
        </Field>
        <Field name="squadId" label={tr("小队", "Squad")}>
          {(a) => (
            <select {...a} value={f().squadId} onChange={(e) => set({ squadId: e.currentTarget.value })}>
              <option value="" selected={!f().squadId}>—</option>
              <For each={props.squads}>{(q) => <option value={q.id} selected={q.id === f().squadId}>{q.name}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="category" label={tr("类别", "Category")}>
          {(a) => (
            <select {...a} value={f().category} onChange={(e) => set({ category: e.currentTarget.value as GoodDeedCategory })}>
              <For each={values("GoodDeedCategory")}>{(c) => <option value={c} selected={c === f().category}>{label("GoodDeedCategory", c)}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="occurredAt" label={tr("日期", "Date")}>{(a) => <input {...a} type="date" value={f().occurredAt} onInput={(e) => set({ occurredAt: e.currentTarget.value })} />}</Field>
      </div>
      <Field name="title" label={tr("标题", "Title")} required>{(a) => <input {...a} value={f().title} onInput={(e) => set({ title: e.currentTarget.value })} />}</Field>
      <Field name="story" label={tr("事迹", "Story")} required>{(a) => <textarea {...a} value={f().story} onInput={(e) => set({ story: e.currentTarget.value })} />}</Field>
      <FormErrors />
      <p><Submit pending={submit.pending()}>{tr("提交", "Submit")}</Submit></p>
    </Form>
  );
}

function ComposeBoard(props: { teamId: string }) {
  const [q, refetch] = createQuery({ query: TeamCommendationsDocument, variables: () => ({ teamId: props.teamId }), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const month = new Date(Date.now() + 8 * 3600_000);
  const defaultTitle = `${month.getUTCFullYear()}年${month.getUTCMonth() + 1}月 表扬榜`;
  const [title, setTitle] = createSignal(defaultTitle);
  const [picked, setPicked] = createSignal<string[]>([]);
  const form = createFormState();
  const publish = createAction(PublishCommendationBoardDocument, {
    pick: (d) => d.publishCommendationBoard,
    form,
    success: () => tr("表扬榜已发布", "Board published"),
    onSuccess: () => {
      setPicked([]);
      setTitle(defaultTitle);
      again();
    },
  });
  const withdraw = createAction(WithdrawCommendationBoardDocument, { pick: (d) => d.withdrawCommendationBoard, success: () => tr("已撤回", "Withdrawn"), onSuccess: again });
  return (
    <section class="card" aria-label={tr("发布表扬榜", "Publish the board")}>
      <h2>{tr("发布表扬榜", "Publish the commendation board")}</h2>
      <QueryView query={q} select={(d) => (d.node?.__typename === "Team" ? d.node : null)} retry={again}>
        {(team) => (
          <>
            <Form form={form} class="plain-form" onSubmit={() => publish.run({ input: { teamId: props.teamId, title: title().trim(), commendationIds: picked() } })}>
              <Field name="title" label={tr("标题", "Title")} required>{(a) => <input {...a} value={title()} onInput={(e) => setTitle(e.currentTarget.value)} />}</Field>
              <p class="muted">{tr("选择要上榜的表扬", "Choose the commendations")}</p>
              <For each={team().commendations.edges} fallback={<p class="muted">{tr("暂无已通过的表扬", "No approved commendations yet")}</p>}>
                {(e) => (
                  <Checkbox checked={picked().includes(e.node.id)} onChange={(v) => setPicked(v ? [...picked(), e.node.id] : picked().filter((x) => x !== e.node.id))}>
                    {e.node.goodDeed.volunteer?.displayName ?? tr("集体", "Collective")} · {e.node.goodDeed.title}{" "}
                    <span class="muted">({label("GoodDeedCategory", e.node.goodDeed.category)}, {formatDate(e.node.approvedAt)})</span>
                  </Checkbox>
                )}
              </For>
              <FormErrors />
              <p>
                <button type="submit" class="primary" disabled={publish.pending() || !picked().length}>{tr("发布表扬榜", "Publish board")}</button>
              </p>
            </Form>
            <h2>{tr("已发布", "Published editions")}</h2>
            <For each={team().boardEditions.edges} fallback={<p class="muted">{tr("还没有发布过", "None yet")}</p>}>
              {(e) => (
                <div class="spread edition">
                  <span>
                    {e.node.title} <span class="muted">{formatDateTime(e.node.publishedAt)}</span>{" "}
                    <Show when={e.node.withdrawnAt}><span class="badge bad">{tr("已撤回", "Withdrawn")}</span></Show>
                  </span>
                  <Show when={e.node.viewerCanWithdraw}>
                    <button
                      type="button"
                      disabled={withdraw.pending()}
                      onClick={async () => {
                        if (await confirmDialog({ title: tr(`撤回「${e.node.title}」？`, `Withdraw “${e.node.title}”?`), message: tr("撤回后公开表扬榜不再显示这一期", "The public board stops showing this edition"), confirm: tr("撤回", "Withdraw"), danger: true }))
                          await withdraw.run({ input: { editionId: e.node.id } });
                      }}
                    >
                      {tr("撤回", "Withdraw")}
                    </button>
                  </Show>
                </div>
              )}
            </For>
          </>
        )}
      </QueryView>
    </section>
  );
}

/** Refetches the desk when the team, its squads or its members change (an officer at another desk). */
function FollowTeam(props: { teamId: string; onChange: () => void }) {
  const [live] = createSubscription({ query: TeamUpdatedDocument, variables: () => ({ teamId: props.teamId }) });
  createEffect(on(() => live.data, (d) => d && props.onChange(), { defer: true }));
  return null;
}

export default function Leader() {
  const s = useSession();
  const [q, refetch] = createQuery({ query: StationTeamsDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId() });
  const [teamId, setTeamId] = createSignal<string>(goodDeedDraft()?.teamId ?? "");
  const managed = (d: NonNullable<typeof q.data>) => (d.node?.__typename === "Station" ? d.node : null);
  return (
    <section>
      <h1>{tr("队长工作台", "Leader desk")}</h1>
      <QueryView query={q} select={managed} retry={() => refetch({ requestPolicy: "network-only" })}>
        {(station) => {
          const teams = createMemo(() => station().teams.edges.map((e) => e.node).filter((t) => t.viewerCanManage));
          const team = () => teams().find((t) => t.id === teamId()) ?? teams()[0];
          return (
            <Show when={team()} fallback={<p class="muted">{tr("你还没有可管理的队伍", "You lead no team here")}</p>}>
              <Show when={teams().length > 1}>
                <label for="lead-team">{tr("队伍", "Team")}</label>
                <select id="lead-team" value={team()!.id} onChange={(e) => setTeamId(e.currentTarget.value)}>
                  <For each={teams()}>{(t) => <option value={t.id} selected={t.id === team()!.id}>{t.name}</option>}</For>
                </select>
              </Show>
              <p class="muted">{team()!.name} · <a href="/shifts">{tr("查看班次与名单", "Shifts and rosters")}</a></p>
              <Show when={team()!.id} keyed>
                {(id) => (
                  <>
                    <FollowTeam teamId={id} onChange={() => refetch({ requestPolicy: "network-only" })} />
                    <PublishShift teamId={id} squads={team()!.squads.edges.map((e) => e.node)} grids={station().grids.edges.map((e) => e.node)} />
                    <SubmitDeed teamId={id} squads={team()!.squads.edges.map((e) => e.node)} />
                    <ComposeBoard teamId={id} />
                  </>
                )}
              </Show>
            </Show>
          );
        }}
      </QueryView>
    </section>
  );
}
