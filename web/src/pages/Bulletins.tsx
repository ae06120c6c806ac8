// 警情提醒单: officers compose a notice for an audience (whole station, teams, squads, communities,
// partners) and follow who has read it; the station's people read them here.
import { A, useParams } from "@solidjs/router";
import { createQuery, useClient } from "@urql/solid";
import { createEffect, createSignal, For, on, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { Checkbox } from "../components/Checkbox";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { NotFound, QueryView } from "../components/QueryView";
import {
  AudienceOptionsDocument, BulletinDetailDocument, MarkNotificationsReadDocument, PublishBulletinDocument, StationBulletinsDocument, UnreadCountDocument, type BulletinCategory,
} from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction, createRequestKey } from "../lib/mutation";
import { isOfficer } from "../lib/roles";
import { useSession } from "../lib/session";
import { formatDateTime } from "../lib/time";
import { TableWrap } from "../components/TableWrap";

type Pick = { id: string; name: string };

function Choices(props: { legend: string; items: Pick[]; chosen: string[]; onChange: (ids: string[]) => void; name: string }) {
  return (
    <Show when={props.items.length}>
      <fieldset class="picker">
        <legend>{props.legend}</legend>
        <div class="row">
          <For each={props.items}>
            {(i) => (
              <Checkbox name={props.name} checked={props.chosen.includes(i.id)} onChange={(c) => props.onChange(c ? [...props.chosen, i.id] : props.chosen.filter((x) => x !== i.id))}>
                {i.name}
              </Checkbox>
            )}
          </For>
        </div>
      </fieldset>
    </Show>
  );
}

function Composer(props: { stationId: string; onSent: () => void }) {
  const [opts] = createQuery({ query: AudienceOptionsDocument, variables: () => ({ stationId: props.stationId }) });
  const station = () => (opts.data?.node?.__typename === "Station" ? opts.data.node : null);
  const form = createFormState();
  const blank = { title: "", body: "", category: "CASE_ALERT" as BulletinCategory, public: false, wholeStation: true, teamIds: [] as string[], squadIds: [] as string[], communityIds: [] as string[], partnerIds: [] as string[] };
  const [f, setF] = createSignal({ ...blank });
  const set = (p: Partial<typeof blank>) => setF({ ...f(), ...p });
  // One key per bulletin as composed: 发布 again after a lost answer tells nobody twice; an edit makes another.
  const requestId = createRequestKey(() => [f(), props.stationId]);
  const publish = createAction(PublishBulletinDocument, {
    pick: (d) => d.publishBulletin,
    form,
    success: (p) => tr(`已发送给 ${p.bulletin?.recipientCount ?? 0} 人`, `Sent to ${p.bulletin?.recipientCount ?? 0} people`),
    onSuccess: () => {
      setF({ ...blank });
      props.onSent();
    },
  });
  const teams = () => station()?.teams.edges.map((e) => ({ id: e.node.id, name: e.node.name })) ?? [];
  const squads = () => station()?.teams.edges.flatMap((e) => e.node.squads.edges.map((s) => ({ id: s.node.id, name: `${e.node.name}·${s.node.name}` }))) ?? [];
  return (
    <Form form={form} label={tr("发布警情提醒", "Publish a bulletin")} onSubmit={() => publish.run({ input: { stationId: props.stationId, title: f().title, body: f().body, category: f().category, public: f().public, audience: { wholeStation: f().wholeStation, teamIds: f().teamIds, squadIds: f().squadIds, communityIds: f().communityIds, partnerIds: f().partnerIds }, requestId: requestId() } })}>
      <Field name="title" label={tr("标题", "Title")} required>{(a) => <input {...a} maxlength="60" value={f().title} onInput={(e) => set({ title: e.currentTarget.value })} />}</Field>
      <Field name="category" label={tr("类别", "Category")}>
        {(a) => (
          <select {...a} value={f().category} onChange={(e) => set({ category: e.currentTarget.value as BulletinCategory })}>
            <For each={values("BulletinCategory")}>{(v) => <option value={v} selected={v === f().category}>{label("BulletinCategory", v)}</option>}</For>
          </select>
        )}
      </Field>
      <Field name="body" label={tr("内容", "Text")} required>{(a) => <textarea {...a} rows="5" maxlength="2000" value={f().body} onInput={(e) => set({ body: e.currentTarget.value })} />}</Field>
      <Field name="audience" label={tr("接收对象", "Who receives it")}>
        {(a) => (
          <div id={a.id} aria-describedby={a["aria-describedby"]}>
            <Checkbox checked={f().wholeStation} onChange={(c) => set({ wholeStation: c })}>{tr("全所义警", "Everyone at the station")}</Checkbox>
            <Show when={!f().wholeStation}>
              <Choices name="teams" legend={tr("队伍", "Teams")} items={teams()} chosen={f().teamIds} onChange={(ids) => set({ teamIds: ids })} />
              <Choices name="squads" legend={tr("特色小队", "Squads")} items={squads()} chosen={f().squadIds} onChange={(ids) => set({ squadIds: ids })} />
              <Choices name="communities" legend={tr("社区（按常驻网格）", "Communities (by home grid)")} items={station()?.communities.edges.map((e) => e.node) ?? []} chosen={f().communityIds} onChange={(ids) => set({ communityIds: ids })} />
              <Choices name="partners" legend={tr("共建单位", "Partners")} items={station()?.partners.edges.map((e) => e.node) ?? []} chosen={f().partnerIds} onChange={(ids) => set({ partnerIds: ids })} />
            </Show>
          </div>
        )}
      </Field>
      <Checkbox checked={f().public} onChange={(c) => set({ public: c })}>{tr("同时在公开表扬榜页面展示", "Also show on the public board page")}</Checkbox>
      <FormErrors />
      <p><Submit pending={publish.pending()}>{tr("发送", "Send")}</Submit></p>
    </Form>
  );
}

export default function Bulletins() {
  const s = useSession();
  const [q, refetch] = createQuery({ query: StationBulletinsDocument, variables: () => ({ stationId: s.stationId() ?? "", officer: isOfficer(s.viewer()) }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const station = () => (q.data?.node?.__typename === "Station" ? q.data.node : null);
  return (
    <section>
      <h1>{tr("警情提醒", "Bulletins")}</h1>
      <Show when={station()?.viewerIsOfficer && s.stationId()}>
        <details class="card">
          <summary>{tr("发布新的提醒", "New bulletin")}</summary>
          <Composer stationId={s.stationId()!} onSent={again} />
        </details>
      </Show>
      <QueryView query={q} select={(d) => (d.node?.__typename === "Station" ? d.node.bulletins.edges : null)} retry={again} isEmpty={(e) => !e.length} empty={<p class="muted empty">{tr("暂无提醒", "No bulletins yet")}</p>}>
        {(edges) => (
          <For each={edges()}>
            {(e) => (
              <article class="card">
                <div class="spread">
                  <Badge enum="BulletinCategory" value={e.node.category} />
                  <span class="muted">{formatDateTime(e.node.publishedAt)}</span>
                </div>
                <h2 class="card-title"><A href={`/bulletins/${e.node.id}`}>{e.node.title}</A></h2>
                <p class="pre clamp">{e.node.body}</p>
                <Show when={e.node.readStats}>
                  {(st) => <p class="muted">{tr(`发送 ${st().recipients} 人 · 已读 ${st().read} · 未读 ${st().unread}`, `Sent to ${st().recipients} · read ${st().read} · unread ${st().unread}`)} · {e.node.audience}<Show when={e.node.public}> · {tr("公开", "Public")}</Show></p>}
                </Show>
              </article>
            )}
          </For>
        )}
      </QueryView>
    </section>
  );
}

export function BulletinDetail() {
  const params = useParams();
  const s = useSession();
  const [q, refetch] = createQuery({ query: BulletinDetailDocument, variables: () => ({ id: params.id!, officer: isOfficer(s.viewer()) }), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  // Reading the bulletin here is reading its notice, however the person came (the station's list, a link):
  // the badge and the officer's read count follow.
  const client = useClient();
  const marked = new Set<string>();
  createEffect(() => {
    const n = q.data?.node?.__typename === "Bulletin" ? q.data.node.viewerNotification : null;
    if (!n || n.read || marked.has(n.id)) return;
    marked.add(n.id);
    void client.mutation(MarkNotificationsReadDocument, { input: { ids: [n.id] } }).toPromise().then(() => client.query(UnreadCountDocument, {}, { requestPolicy: "network-only" }).toPromise());
  });
  return (
    <section>
      <QueryView query={q} select={(d) => (d.node?.__typename === "Bulletin" ? d.node : null)} retry={again} notFound={<NotFound message={tr("没有这条提醒，或你无权查看", "No such bulletin, or not yours to see")} />}>
        {(b) => (
          <>
            <h1>{b().title}</h1>
            <p class="row"><Badge enum="BulletinCategory" value={b().category} /> <span class="muted">{formatDateTime(b().publishedAt)}</span></p>
            <p class="pre card">{b().body}</p>
            <Show when={b().readStats}>
              {(st) => (
                <>
                  <h2>{tr("阅读情况", "Reads")}</h2>
                  <div class="stats">
                    <div class="stat"><b>{st().recipients}</b>{tr("接收", "Received")}</div>
                    <div class="stat"><b>{st().read}</b>{tr("已读", "Read")}</div>
                    <div class="stat"><b>{st().unread}</b>{tr("未读", "Unread")}</div>
                  </div>
                  <Show when={st().byTeam.length + st().byPartner.length}>
                    <TableWrap label={tr("按队伍和单位的阅读情况", "Reads by team and partner")}>
                      <table>
                        <thead><tr><th scope="col">{tr("队伍 / 单位", "Team / partner")}</th><th scope="col">{tr("接收", "Received")}</th><th scope="col">{tr("已读", "Read")}</th></tr></thead>
                        <tbody>
                          <For each={[...st().byTeam, ...st().byPartner]}>{(g) => <tr><th scope="row">{g.name}</th><td>{g.recipients}</td><td>{g.read}</td></tr>}</For>
                        </tbody>
                      </table>
                    </TableWrap>
                  </Show>
                  <h2>{tr("尚未阅读", "Not read yet")}</h2>
                  <p>
                    {st().notReadBy.edges.map((e) => (e.node.adminOf ? tr(`${e.node.displayName}（${e.node.adminOf.name}联络人）`, `${e.node.displayName} (contact of ${e.node.adminOf.name})`) : e.node.displayName)).join(tr("、", ", ")) || tr("全部已读", "Everyone has read it")}
                    <Show when={st().notReadBy.pageInfo.hasNextPage}>{tr(`…等 ${st().unread} 人未读`, `… ${st().unread} in all have not read it`)}</Show>
                  </p>
                </>
              )}
            </Show>
          </>
        )}
      </QueryView>
    </section>
  );
}
