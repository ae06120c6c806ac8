import { createMutation, createQuery } from "@urql/solid";
import { createMemo, createSignal, For, Show } from "solid-js";
import {
  CreateShiftDocument,
  PublishCommendationBoardDocument,
  StationTeamsDocument,
  SubmitGoodDeedDocument,
  TeamCommendationsDocument,
  TeamMembersDocument,
  WithdrawCommendationBoardDocument,
  type GoodDeedCategory,
  type ShiftKind,
  type Specialty,
} from "../gql/graphql";
import { fmtDate, fmtDateTime, label, tr } from "../i18n";
import { useSession } from "../session";
import { ErrorBox, Field, fromLocalInput, Loading, toLocalInput, UserErrors, type UserErrorLike } from "../ui";

const KINDS: ShiftKind[] = ["PATROL", "NIGHT_PATROL", "PUBLICITY", "EVENT_SECURITY", "HOME_WATCH"];
const SPECIALTIES: Specialty[] = ["MEDICAL_GUARD", "HIGH_RISE", "CAMPUS_SECURITY", "COMMUNITY_GRID", "ANTI_FRAUD", "MEDIATION", "NIGHT_PATROL", "TRAFFIC"];
const CATEGORIES: GoodDeedCategory[] = ["HEROIC_ACT", "LOST_PROPERTY_RETURNED", "HELPING_ELDERLY", "FRAUD_PREVENTED", "DISPUTE_MEDIATED", "HAZARD_FOUND", "OTHER"];
const WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"];

function PublishShift(props: { teamId: string; squads: { id: string; name: string }[]; grids: { id: string; name: string }[] }) {
  const start = new Date(Math.ceil(Date.now() / 3600_000) * 3600_000 + 24 * 3600_000);
  const [f, setF] = createSignal({
    title: "",
    kind: "PATROL" as ShiftKind,
    squadId: "",
    gridId: "",
    place: "",
    startsAt: toLocalInput(start),
    endsAt: toLocalInput(new Date(start.getTime() + 2 * 3600_000)),
    capacity: 6,
    requiredSpecialty: "",
    repeat: false,
    weekdays: [] as number[],
    until: toLocalInput(new Date(start.getTime() + 28 * 86_400_000)).slice(0, 10),
  });
  const set = (patch: Partial<ReturnType<typeof f>>) => setF({ ...f(), ...patch });
  const [state, create] = createMutation(CreateShiftDocument);
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const [done, setDone] = createSignal<string | null>(null);
  async function submit(e: Event) {
    e.preventDefault();
    const v = f();
    const res = await create({
      input: {
        teamId: props.teamId,
        title: v.title,
        kind: v.kind,
        squadId: v.squadId || null,
        gridId: v.gridId || null,
        place: v.place || null,
        startsAt: fromLocalInput(v.startsAt).toISOString(),
        endsAt: fromLocalInput(v.endsAt).toISOString(),
        capacity: Number(v.capacity),
        requiredSpecialty: (v.requiredSpecialty || null) as Specialty | null,
        repeat: v.repeat ? { weekdays: v.weekdays, until: fromLocalInput(`${v.until}T23:59`).toISOString() } : null,
      },
    });
    const p = res.data?.createShift;
    setErrors(p?.userErrors ?? []);
    if (p?.shifts?.length) setDone(tr(`已发布 ${p.shifts.length} 个班次`, `Published ${p.shifts.length} shift(s)`));
  }
  return (
    <form class="card" onSubmit={submit} aria-label={tr("发布班次", "Publish a shift")}>
      <h2>{tr("发布班次", "Publish a shift")}</h2>
      <div class="grid2">
        <Field label={tr("标题", "Title")}><input name="title" required value={f().title} onInput={(e) => set({ title: e.currentTarget.value })} /></Field>
        <Field label={tr("类型", "Kind")}>
          <select value={f().kind} onChange={(e) => set({ kind: e.currentTarget.value as ShiftKind })}>
            <For each={KINDS}>{(k) => <option value={k}>{label(k)}</option>}</For>
          </select>
        </Field>
        <Field label={tr("开始", "Starts")}><input name="startsAt" type="datetime-local" required value={f().startsAt} onInput={(e) => set({ startsAt: e.currentTarget.value })} /></Field>
        <Field label={tr("结束", "Ends")}><input name="endsAt" type="datetime-local" required value={f().endsAt} onInput={(e) => set({ endsAt: e.currentTarget.value })} /></Field>
        <Field label={tr("名额", "Seats")}><input name="capacity" type="number" min="1" max="500" value={f().capacity} onInput={(e) => set({ capacity: Number(e.currentTarget.value) })} /></Field>
        <Field label={tr("小队", "Squad")}>
          <select value={f().squadId} onChange={(e) => set({ squadId: e.currentTarget.value })}>
            <option value="">{tr("全队", "Whole team")}</option>
            <For each={props.squads}>{(q) => <option value={q.id}>{q.name}</option>}</For>
          </select>
        </Field>
        <Field label={tr("网格", "Grid")}>
          <select value={f().gridId} onChange={(e) => set({ gridId: e.currentTarget.value })}>
            <option value="">—</option>
            <For each={props.grids}>{(g) => <option value={g.id}>{g.name}</option>}</For>
          </select>
        </Field>
        <Field label={tr("需要专长", "Required specialty")}>
          <select value={f().requiredSpecialty} onChange={(e) => set({ requiredSpecialty: e.currentTarget.value })}>
            <option value="">{tr("不限", "Any")}</option>
            <For each={SPECIALTIES}>{(s) => <option value={s}>{label(s)}</option>}</For>
          </select>
        </Field>
        <Field label={tr("地点", "Place")}><input value={f().place} onInput={(e) => set({ place: e.currentTarget.value })} /></Field>
      </div>
      <label class="row" style={{ "font-weight": 400 }}>
        <input type="checkbox" style={{ width: "auto", "min-height": "auto" }} checked={f().repeat} onChange={(e) => set({ repeat: e.currentTarget.checked })} />
        {tr("每周重复", "Repeat weekly")}
      </label>
      <Show when={f().repeat}>
        <fieldset class="row" style={{ border: "none", padding: 0 }}>
          <legend class="muted">{tr("星期", "Weekdays")}</legend>
          <For each={WEEKDAYS}>
            {(d, i) => (
              <label class="row" style={{ "font-weight": 400 }}>
                <input
                  type="checkbox"
                  style={{ width: "auto", "min-height": "auto" }}
                  checked={f().weekdays.includes(i() + 1)}
                  onChange={(e) => set({ weekdays: e.currentTarget.checked ? [...f().weekdays, i() + 1] : f().weekdays.filter((x) => x !== i() + 1) })}
                />
                {tr(`周${d}`, ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"][i()]!)}
              </label>
            )}
          </For>
        </fieldset>
        <Field label={tr("重复至", "Until")}><input type="date" value={f().until} onInput={(e) => set({ until: e.currentTarget.value })} /></Field>
      </Show>
      <UserErrors errors={errors()} />
      <Show when={done()}><div class="notice" role="status">{done()}</div></Show>
      <p><button class="primary" type="submit" disabled={state.fetching}>{tr("发布", "Publish")}</button></p>
    </form>
  );
}

function SubmitDeed(props: { teamId: string; squads: { id: string; name: string }[] }) {
  const [members] = createQuery({ query: TeamMembersDocument, variables: () => ({ teamId: props.teamId }) });
  const people = () => (members.data?.node?.__typename === "Team" ? members.data.node.members.edges.map((e) => e.node.volunteer) : []);
  const [f, setF] = createSignal({ volunteerId: "", squadId: "", category: "HELPING_ELDERLY" as GoodDeedCategory, title: "", story: "", occurredAt: toLocalInput(new Date()).slice(0, 10), place: "" });
  const set = (patch: Partial<ReturnType<typeof f>>) => setF({ ...f(), ...patch });
  const [state, submit] = createMutation(SubmitGoodDeedDocument);
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const [done, setDone] = createSignal(false);
  return (
    <form class="card" aria-label={tr("提交好人好事", "Submit a good deed")} onSubmit={async (e) => {
      e.preventDefault();
      const v = f();
      const res = await submit({
        input: {
          teamId: props.teamId,
          volunteerId: v.volunteerId || null,
          squadId: v.squadId || null,
          category: v.category,
          title: v.title,
          story: v.story,
          place: v.place || null,
          occurredAt: fromLocalInput(`${v.occurredAt}T12:00`).toISOString(),
        },
      });
      setErrors(res.data?.submitGoodDeed?.userErrors ?? []);
      setDone(!!res.data?.submitGoodDeed?.goodDeed);
    }}>
      <h2>{tr("提交好人好事", "Submit a good deed")}</h2>
      <div class="grid2">
        <Field label={tr("义警（留空为集体）", "Volunteer (empty: collective)")}>
          <select value={f().volunteerId} onChange={(e) => set({ volunteerId: e.currentTarget.value })}>
            <option value="">{tr("集体", "Collective")}</option>
            <For each={people()}>{(p) => <option value={p.id}>{p.displayName}</option>}</For>
          </select>
        </Field>
        <Field label={tr("小队", "Squad")}>
          <select value={f().squadId} onChange={(e) => set({ squadId: e.currentTarget.value })}>
            <option value="">—</option>
            <For each={props.squads}>{(q) => <option value={q.id}>{q.name}</option>}</For>
          </select>
        </Field>
        <Field label={tr("类别", "Category")}>
          <select value={f().category} onChange={(e) => set({ category: e.currentTarget.value as GoodDeedCategory })}>
            <For each={CATEGORIES}>{(c) => <option value={c}>{label(c)}</option>}</For>
          </select>
        </Field>
        <Field label={tr("日期", "Date")}><input type="date" value={f().occurredAt} onInput={(e) => set({ occurredAt: e.currentTarget.value })} /></Field>
      </div>
      <Field label={tr("标题", "Title")}><input required value={f().title} onInput={(e) => set({ title: e.currentTarget.value })} /></Field>
      <Field label={tr("事迹", "Story")}><textarea required value={f().story} onInput={(e) => set({ story: e.currentTarget.value })} /></Field>
      <UserErrors errors={errors()} />
      <Show when={done()}><div class="notice" role="status">{tr("已提交，等待民警审核", "Submitted for review")}</div></Show>
      <p><button class="primary" type="submit" disabled={state.fetching}>{tr("提交", "Submit")}</button></p>
    </form>
  );
}

function ComposeBoard(props: { teamId: string }) {
  const [q, refetch] = createQuery({ query: TeamCommendationsDocument, variables: () => ({ teamId: props.teamId }), requestPolicy: "cache-and-network" });
  const team = () => (q.data?.node?.__typename === "Team" ? q.data.node : null);
  const month = new Date(Date.now() + 8 * 3600_000);
  const [title, setTitle] = createSignal(`${month.getUTCFullYear()}年${month.getUTCMonth() + 1}月 表扬榜`);
  const [picked, setPicked] = createSignal<string[]>([]);
  const [state, publish] = createMutation(PublishCommendationBoardDocument);
  const [, withdraw] = createMutation(WithdrawCommendationBoardDocument);
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const [done, setDone] = createSignal(false);
  return (
    <section class="card" aria-label={tr("发布表扬榜", "Publish the board")}>
      <h2>{tr("发布表扬榜", "Publish the commendation board")}</h2>
      <Show when={team()} fallback={<Loading />}>
        <Field label={tr("标题", "Title")}><input name="boardTitle" value={title()} onInput={(e) => setTitle(e.currentTarget.value)} /></Field>
        <p class="muted">{tr("选择要上榜的表扬", "Choose the commendations")}</p>
        <For each={team()!.commendations.edges} fallback={<p class="muted">{tr("暂无已通过的表扬", "No approved commendations yet")}</p>}>
          {(e) => (
            <label class="row" style={{ "font-weight": 400 }}>
              <input
                type="checkbox"
                style={{ width: "auto", "min-height": "auto" }}
                checked={picked().includes(e.node.id)}
                onChange={(ev) => setPicked(ev.currentTarget.checked ? [...picked(), e.node.id] : picked().filter((x) => x !== e.node.id))}
              />
              {e.node.goodDeed.volunteer?.displayName ?? tr("集体", "Collective")} · {e.node.goodDeed.title} <span class="muted">({label(e.node.goodDeed.category)}, {fmtDate(e.node.approvedAt)})</span>
            </label>
          )}
        </For>
        <UserErrors errors={errors()} />
        <Show when={done()}><div class="notice" role="status">{tr("表扬榜已发布", "Board published")}</div></Show>
        <p>
          <button class="primary" disabled={state.fetching || !picked().length} onClick={async () => {
            const res = await publish({ input: { teamId: props.teamId, title: title(), commendationIds: picked() } });
            setErrors(res.data?.publishCommendationBoard?.userErrors ?? []);
            if (res.data?.publishCommendationBoard?.edition) {
              setDone(true);
              setPicked([]);
              refetch({ requestPolicy: "network-only" });
            }
          }}>
            {tr("发布表扬榜", "Publish board")}
          </button>
        </p>
        <h2>{tr("已发布", "Published editions")}</h2>
        <For each={team()!.boardEditions.edges}>
          {(e) => (
            <div class="spread">
              <span>{e.node.title} <span class="muted">{fmtDateTime(e.node.publishedAt)}</span> <Show when={e.node.withdrawnAt}><span class="badge bad">{tr("已撤回", "Withdrawn")}</span></Show></span>
              <Show when={e.node.viewerCanWithdraw}>
                <button onClick={async () => { await withdraw({ input: { editionId: e.node.id } }); refetch({ requestPolicy: "network-only" }); }}>{tr("撤回", "Withdraw")}</button>
              </Show>
            </div>
          )}
        </For>
      </Show>
    </section>
  );
}

export default function Leader() {
  const s = useSession();
  const [q] = createQuery({ query: StationTeamsDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId() });
  const station = () => (q.data?.node?.__typename === "Station" ? q.data.node : null);
  const teams = createMemo(() => station()?.teams.edges.map((e) => e.node).filter((t) => t.viewerCanManage) ?? []);
  const [teamId, setTeamId] = createSignal<string>("");
  const team = () => teams().find((t) => t.id === teamId()) ?? teams()[0];
  return (
    <section>
      <h1>{tr("队长工作台", "Leader desk")}</h1>
      <ErrorBox error={q.error} />
      <Show when={station()} fallback={<Loading />}>
        <Show when={team()} fallback={<p class="muted">{tr("你还没有可管理的队伍", "You lead no team here")}</p>}>
          <Show when={teams().length > 1}>
            <Field label={tr("队伍", "Team")}>
              <select value={team()!.id} onChange={(e) => setTeamId(e.currentTarget.value)}>
                <For each={teams()}>{(t) => <option value={t.id}>{t.name}</option>}</For>
              </select>
            </Field>
          </Show>
          <p class="muted">{team()!.name} · <a href="/shifts">{tr("查看班次与名单", "Shifts and rosters")}</a></p>
          <PublishShift teamId={team()!.id} squads={team()!.squads.edges.map((e) => e.node)} grids={station()!.grids.edges.map((e) => e.node)} />
          <SubmitDeed teamId={team()!.id} squads={team()!.squads.edges.map((e) => e.node)} />
          <ComposeBoard teamId={team()!.id} />
        </Show>
      </Show>
    </section>
  );
}
