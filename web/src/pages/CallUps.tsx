// 一键召集: the officer's composer (place from the device's location or a grid) and list; a call-up's
// page is the live responder board for who runs it and the one-tap answer for a volunteer called.
import { A, useNavigate, useParams } from "@solidjs/router";
import { createQuery, createSubscription, useClient } from "@urql/solid";
import { createEffect, createMemo, createSignal, For, on, onCleanup, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { CallUpAnswer } from "../components/CallUpAnswer";
import { Checkbox } from "../components/Checkbox";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { NotFound, QueryView } from "../components/QueryView";
import { toast } from "../components/Toast";
import {
  AudienceOptionsDocument, CloseMobilizationDocument, MobilizationBoardDocument, MobilizationRespondersDocument, MobilizationUpdatedDocument, StartMobilizationDocument,
  StationMobilizationsDocument, type MobilizationOutcome, type MobilizationUpdatedSubscription, type Specialty,
} from "../gql/graphql";
import { createFormState } from "../lib/form";
import { goodDeedDraft, saveGoodDeedDraft } from "../lib/goodDeedDraft";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction, createRequestKey } from "../lib/mutation";
import { isOfficer } from "../lib/roles";
import { useSession } from "../lib/session";
import { formatDateTime, formatTime } from "../lib/time";
import { TableWrap } from "../components/TableWrap";

function Composer(props: { stationId: string }) {
  const navigate = useNavigate();
  const [opts] = createQuery({ query: AudienceOptionsDocument, variables: () => ({ stationId: props.stationId }) });
  const station = () => (opts.data?.node?.__typename === "Station" ? opts.data.node : null);
  const grids = () => station()?.grids.edges.map((e) => e.node).filter((g) => g.latitude != null && g.longitude != null) ?? [];
  const form = createFormState();
  const [f, setF] = createSignal({ reason: "", description: "", place: "", latitude: null as number | null, longitude: null as number | null, specialties: [] as Specialty[], squadIds: [] as string[], radiusMeters: 1000, wanted: 10, escalateAfterMinutes: 10 });
  const set = (p: Partial<ReturnType<typeof f>>) => setF({ ...f(), ...p });
  // One key per call-up as composed: 发起召集 again after a lost answer calls nobody twice; an edit makes another.
  const requestId = createRequestKey(() => [f(), props.stationId]);
  const start = createAction(StartMobilizationDocument, {
    pick: (d) => d.startMobilization,
    form,
    success: () => tr("召集已发出", "Call-up sent"),
    onSuccess: (p) => p.mobilization && navigate(`/callups/${p.mobilization.id}`),
  });
  const locate = () => {
    if (!navigator.geolocation) return toast.error(tr("此设备无法定位，请选择网格", "No location on this device: choose a grid"));
    navigator.geolocation.getCurrentPosition(
      (pos) => set({ latitude: pos.coords.latitude, longitude: pos.coords.longitude, place: f().place || tr("民警当前位置", "Officer's location") }),
      () => toast.error(tr("定位失败，请选择网格", "Could not get the location: choose a grid")),
      { enableHighAccuracy: true, timeout: 10_000 },
    );
  };
  const squads = () => station()?.teams.edges.flatMap((e) => e.node.squads.edges.map((s) => ({ id: s.node.id, name: `${e.node.name}·${s.node.name}` }))) ?? [];
  return (
    <Form
      form={form}
      label={tr("发起一键召集", "Start a call-up")}
      onSubmit={() => {
        const v = f();
        if (v.latitude == null || v.longitude == null) {
          form.setUserErrors([{ code: "VALIDATION", message: tr("请用当前位置或选择网格确定地点", "Use your location or choose a grid"), field: ["input", "latitude"] }]);
          form.reveal();
          return;
        }
        return start.run({ input: { stationId: props.stationId, reason: v.reason, description: v.description || null, place: v.place, latitude: v.latitude, longitude: v.longitude, specialties: v.specialties, squadIds: v.squadIds, radiusMeters: v.radiusMeters, wanted: v.wanted, escalateAfterMinutes: v.escalateAfterMinutes, requestId: requestId() } });
      }}
    >
      <Field name="reason" label={tr("事由", "Reason")} required>{(a) => <input {...a} maxlength="60" placeholder={tr("如：寻找走失老人", "e.g. missing elderly person")} value={f().reason} onInput={(e) => set({ reason: e.currentTarget.value })} />}</Field>
      <Field name="description" label={tr("情况说明", "Details")}>{(a) => <textarea {...a} rows="3" maxlength="1000" value={f().description} onInput={(e) => set({ description: e.currentTarget.value })} />}</Field>
      <Field name="place" label={tr("地点", "Place")} required>{(a) => <input {...a} maxlength="120" value={f().place} onInput={(e) => set({ place: e.currentTarget.value })} />}</Field>
      <Field name="latitude" label={tr("位置", "Location")} hint={f().latitude != null ? `${f().latitude!.toFixed(5)}, ${f().longitude!.toFixed(5)}` : tr("尚未确定", "Not set yet")}>
        {(a) => (
          <div class="row" id={a.id}>
            <button type="button" onClick={locate}>{tr("使用当前位置", "Use my location")}</button>
            <label class="sr-only" for="callup-grid">{tr("或选择网格", "Or a grid")}</label>
            <select id="callup-grid" onChange={(e) => { const g = grids().find((x) => x.id === e.currentTarget.value); if (g) set({ latitude: g.latitude!, longitude: g.longitude!, place: f().place || g.name }); }}>
              <option value="">{tr("或选择网格…", "Or choose a grid…")}</option>
              <For each={grids()}>{(g) => <option value={g.id}>{g.name}</option>}</For>
            </select>
          </div>
        )}
      </Field>
      <fieldset class="picker">
        <legend>{tr("需要的专长（不选则不限）", "Specialties needed (none: anyone)")}</legend>
        <div class="row">
          <For each={values("Specialty")}>{(sp) => <Checkbox checked={f().specialties.includes(sp)} onChange={(c) => set({ specialties: c ? [...f().specialties, sp] : f().specialties.filter((x) => x !== sp) })}>{label("Specialty", sp)}</Checkbox>}</For>
        </div>
      </fieldset>
      <Show when={squads().length}>
        <fieldset class="picker">
          <legend>{tr("召集小队", "Squads")}</legend>
          <div class="row">
            <For each={squads()}>{(sq) => <Checkbox checked={f().squadIds.includes(sq.id)} onChange={(c) => set({ squadIds: c ? [...f().squadIds, sq.id] : f().squadIds.filter((x) => x !== sq.id) })}>{sq.name}</Checkbox>}</For>
          </div>
        </fieldset>
      </Show>
      <div class="row">
        <Field name="wanted" label={tr("需要人数", "People needed")} required>{(a) => <input {...a} type="number" min="1" max="500" value={f().wanted} onInput={(e) => set({ wanted: Number(e.currentTarget.value) })} />}</Field>
        <Field name="radiusMeters" label={tr("首轮半径（米）", "First radius (m)")} required>{(a) => <input {...a} type="number" min="100" max="50000" step="100" value={f().radiusMeters} onInput={(e) => set({ radiusMeters: Number(e.currentTarget.value) })} />}</Field>
        <Field name="escalateAfterMinutes" label={tr("无人响应几分钟后扩大", "Widen after (min)")} required>{(a) => <input {...a} type="number" min="1" max="240" value={f().escalateAfterMinutes} onInput={(e) => set({ escalateAfterMinutes: Number(e.currentTarget.value) })} />}</Field>
      </div>
      <FormErrors />
      <p><Submit pending={start.pending()} class="danger">{tr("立即召集", "Call up now")}</Submit></p>
    </Form>
  );
}

export default function CallUps() {
  const s = useSession();
  const [q, refetch] = createQuery({ query: StationMobilizationsDocument, variables: () => ({ stationId: s.stationId() ?? "" }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  return (
    <section>
      <h1>{tr("一键召集", "Call-ups")}</h1>
      <Show when={s.stationId() && q.data?.station?.__typename === "Station" && q.data.station.viewerCanMobilize}>
        <details class="card" open={s.has("OFFICER")}>
          <summary>{tr("发起召集", "New call-up")}</summary>
          <Composer stationId={s.stationId()!} />
        </details>
      </Show>
      <h2>{tr("最近的召集", "Recent call-ups")}</h2>
      <QueryView query={q} select={(d) => d.mobilizations?.edges ?? null} retry={() => refetch({ requestPolicy: "network-only" })} isEmpty={(e) => !e.length} empty={<p class="muted empty">{tr("暂无召集", "No call-ups yet")}</p>}>
        {(edges) => (
          <For each={edges()}>
            {(e) => (
              <article class="card">
                <div class="spread">
                  <A href={`/callups/${e.node.id}`}><strong>{e.node.reason}</strong></A>
                  <Badge enum="MobilizationStatus" value={e.node.status} tone={e.node.status === "OPEN" ? "bad" : undefined} />
                </div>
                <p class="muted">{e.node.place} · {formatDateTime(e.node.startedAt)} · {tr(`已响应 ${e.node.counts.accepted}/${e.node.wanted}，已通知 ${e.node.counts.called}`, `${e.node.counts.accepted}/${e.node.wanted} coming, ${e.node.counts.called} called`)}</p>
              </article>
            )}
          </For>
        )}
      </QueryView>
    </section>
  );
}

type ResponderEdge = { node: { id: string; displayName: string; phone: string; response: string; etaMinutes?: number | null; distanceMeters?: number | null; wave: number } };
type ResponderPage = { edges: ResponderEdge[]; pageInfo: { hasNextPage: boolean; endCursor?: string | null } };
/** Later pages are read again at most this often while answers come in. */
const REFRESH_MS = 2000;

const distance = (m: number | null | undefined) =>
  m == null ? tr("未知", "unknown") : m < 1000 ? tr(`${m} 米`, `${m} m`) : tr(`${(m / 1000).toFixed(1)} 公里`, `${(m / 1000).toFixed(1)} km`);

export function CallUp() {
  const params = useParams();
  const navigate = useNavigate();
  const s = useSession();
  // A leader who started it runs it too (viewerCanManage): once the first answer says so, the
  // responders are asked for as well (asking before would be refused for the other leaders).
  const [manages, setManages] = createSignal(false);
  const [q, refetch] = createQuery({ query: MobilizationBoardDocument, variables: () => ({ id: params.id!, officer: isOfficer(s.viewer()) || manages() }), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const m = () => (q.data?.node?.__typename === "Mobilization" ? q.data.node : null);
  createEffect(() => m()?.viewerCanManage && setManages(true));
  // The board follows every answer and wave live (only who runs the call-up may subscribe).
  const [live] = createSubscription<MobilizationUpdatedSubscription, MobilizationUpdatedSubscription>({ query: MobilizationUpdatedDocument, variables: () => ({ mobilizationId: params.id! }), pause: () => !m()?.viewerCanManage }, (_p, d) => d);
  // The last live update is kept when another call-up is opened on the same page, until that one's first.
  const update = () => {
    const u = live.data?.mobilizationUpdated;
    return u?.id === params.id ? u : null;
  };
  const board = () => update() ?? m();
  const firstPage = (): ResponderPage | null => update()?.responders ?? (m() as { responders?: ResponderPage | null } | null)?.responders ?? null;
  // 加载更多: the pages after the first, each read from the end of the one before. An answer moves its row
  // (accepted first, declined last), so after live updates the loaded pages are read again from the first
  // page's end, at most every REFRESH_MS; a row is shown once. The counts above are the whole call-up's.
  const client = useClient();
  const [more, setMore] = createSignal<ResponderPage[]>([]);
  const [loading, setLoading] = createSignal(false);
  let queue: Promise<unknown> = Promise.resolve();
  const serially = (f: () => Promise<void>) => (queue = queue.then(f, f));
  const readPages = async (count: number, from: ResponderPage | null): Promise<ResponderPage[] | null> => {
    const pages: ResponderPage[] = [];
    let prev = from;
    while (pages.length < count && prev?.pageInfo.hasNextPage && prev.pageInfo.endCursor) {
      const r = await client.query(MobilizationRespondersDocument, { id: params.id!, after: prev.pageInfo.endCursor }, { requestPolicy: "network-only" }).toPromise();
      const page = r.data?.node?.__typename === "Mobilization" ? r.data.node.responders : null;
      if (!page) {
        toast.error(r.error?.graphQLErrors[0]?.message ?? tr("加载失败，请重试", "Could not load: try again"));
        return null;
      }
      pages.push(page);
      prev = page;
    }
    return pages;
  };
  const loadMore = () =>
    serially(async () => {
      const id = params.id;
      setLoading(true);
      const next = await readPages(1, more().at(-1) ?? firstPage());
      setLoading(false);
      if (next && id === params.id) setMore([...more(), ...next]);
    });
  const reload = () =>
    serially(async () => {
      const id = params.id;
      if (!more().length) return;
      const pages = await readPages(more().length, firstPage());
      if (pages && id === params.id) setMore(pages);
    });
  let timer: ReturnType<typeof setTimeout> | undefined;
  createEffect(on(() => live.data, () => {
    if (timer || !more().length) return;
    timer = setTimeout(() => { timer = undefined; void reload(); }, REFRESH_MS);
  }, { defer: true }));
  onCleanup(() => clearTimeout(timer));
  // Another call-up on the same page (a link from a notice): its board starts again from the first page.
  createEffect(on(() => params.id, () => setMore([]), { defer: true }));
  const responders = createMemo(() => {
    const seen = new Set<string>();
    return [firstPage(), ...more()].flatMap((p) => p?.edges ?? []).filter((e) => !seen.has(e.node.id) && !!seen.add(e.node.id));
  });
  const hasMore = () => (more().at(-1) ?? firstPage())?.pageInfo.hasNextPage ?? false;
  const [outcome, setOutcome] = createSignal<MobilizationOutcome>("RESOLVED");
  const [note, setNote] = createSignal("");
  const [draftHere, setDraftHere] = createSignal(goodDeedDraft()?.mobilizationId === params.id);
  const close = createAction(CloseMobilizationDocument, {
    pick: (d) => d.closeMobilization,
    success: () => tr("召集已结束，已通知所有人", "Closed: everyone was told"),
    onSuccess: (p) => {
      again();
      if (p.goodDeedDraft) {
        const d = p.goodDeedDraft;
        saveGoodDeedDraft({ mobilizationId: m()!.id, teamId: d.teamId, title: d.title, story: d.story, place: d.place, occurredAt: d.occurredAt });
        setDraftHere(true);
      }
    },
  });
  return (
    <section>
      <QueryView query={q} select={(d) => (d.node?.__typename === "Mobilization" ? d.node : null)} retry={again} notFound={<NotFound message={tr("没有这次召集，或你无权查看", "No such call-up, or not yours to see")} />}>
        {() => (
          <>
            <h1>{tr("召集", "Call-up")}：{board()!.reason}</h1>
            <p class="row"><Badge enum="MobilizationStatus" value={board()!.status} tone={board()!.status === "OPEN" ? "bad" : undefined} /> <span>{board()!.place}</span> <span class="muted">{formatDateTime(board()!.startedAt)}</span></p>
            <Show when={m()!.description}><p class="pre">{m()!.description}</p></Show>
            <Show when={m()!.viewerResponse}>
              {(r) => (
                <div class="card notice urgent">
                  <p>{tr("你距现场", "Distance")}：{distance(r().distanceMeters)}</p>
                  <CallUpAnswer mobilizationId={m()!.id} current={r().response} closed={board()!.status !== "OPEN"} onAnswered={again} />
                </div>
              )}
            </Show>
            <Show when={m()!.viewerCanManage}>
              <div class="stats" aria-live="polite" data-testid="callup-counts">
                <div class="stat"><b>{board()!.counts.accepted}/{board()!.counts.wanted}</b>{tr("前往 / 需要", "Coming / needed")}</div>
                <div class="stat"><b>{board()!.counts.pending}</b>{tr("未回复", "No answer")}</div>
                <div class="stat"><b>{board()!.counts.declined}</b>{tr("无法前往", "Declined")}</div>
                <div class="stat"><b>{board()!.counts.called}</b>{tr("已通知", "Called")}</div>
              </div>
              <p class="muted">
                <For each={board()!.waves}>{(w) => <span>{tr(`第${w.number}波`, `Wave ${w.number}`)} {formatTime(w.calledAt)} · {w.radiusMeters ? `${w.radiusMeters} m` : tr("全所", "whole station")} · {w.calledCount}{tr("人", "")}{w.escalation ? tr("（自动扩大）", " (escalated)") : ""}；</span>}</For>
                <Show when={board()!.escalateAt && board()!.status === "OPEN"}> {tr("人数不足时将于", "Next wave at")} {formatTime(board()!.escalateAt!)} {tr("扩大范围", "if too few")}</Show>
              </p>
              <TableWrap label={tr("响应名单", "Responders")}>
                <table class="responders" data-testid="responders">
                  <thead><tr><th scope="col">{tr("义警", "Volunteer")}</th><th scope="col">{tr("电话", "Phone")}</th><th scope="col">{tr("回复", "Answer")}</th><th scope="col">{tr("预计到达", "ETA")}</th><th scope="col">{tr("距离", "Distance")}</th></tr></thead>
                  <tbody>
                    <For each={responders()}>
                      {(e) => (
                        <tr>
                          <th scope="row">{e.node.displayName}</th>
                          <td><Show when={!e.node.phone.includes("*")} fallback={e.node.phone}><a class="tel" href={`tel:${e.node.phone}`}>{e.node.phone}</a></Show></td>
                          <td><Badge enum="MobilizationResponse" value={e.node.response} tone={e.node.response === "ACCEPTED" ? "ok" : e.node.response === "DECLINED" ? "bad" : undefined} /></td>
                          <td>{e.node.etaMinutes != null ? tr(`${e.node.etaMinutes} 分钟`, `${e.node.etaMinutes} min`) : "—"}</td>
                          <td>{distance(e.node.distanceMeters)}</td>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </TableWrap>
              <Show when={hasMore()}>
                <p class="row">
                  <span class="muted">{tr(`已显示 ${responders().length} / ${board()!.counts.called} 人`, `Showing ${responders().length} of ${board()!.counts.called}`)}</span>
                  <button type="button" class="more" data-testid="responders-more" disabled={loading()} onClick={() => void loadMore()}>{tr("加载更多", "Load more")}</button>
                </p>
              </Show>
              <Show when={board()!.status === "OPEN"}>
                <form class="row card" onSubmit={(e) => { e.preventDefault(); void close.run({ input: { mobilizationId: m()!.id, outcome: outcome(), note: note().trim() || null } }); }}>
                  <label for="outcome">{tr("结束召集", "Close")}</label>
                  <select id="outcome" value={outcome()} onChange={(e) => setOutcome(e.currentTarget.value as MobilizationOutcome)}>
                    <For each={values("MobilizationOutcome")}>{(o) => <option value={o} selected={o === outcome()}>{label("MobilizationOutcome", o)}</option>}</For>
                  </select>
                  <label for="close-note">{tr("结束说明", "Note")}</label>
                  <input id="close-note" maxlength="500" placeholder={tr("如：已找到老人，平安送回", "e.g. found and brought home")} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />
                  <button type="submit" class="primary" disabled={close.pending()}>{tr("结束并通知所有人", "Close and tell everyone")}</button>
                </form>
              </Show>
              <Show when={board()!.status === "CLOSED" && draftHere()}>
                <p><button type="button" onClick={() => navigate("/lead")}>{tr("为响应的义警提交好人好事", "Submit a good deed for the responders")}</button></p>
              </Show>
            </Show>
          </>
        )}
      </QueryView>
    </section>
  );
}
