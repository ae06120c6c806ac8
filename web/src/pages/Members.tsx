// 队员 (officers and team leaders): applications to approve, invitations with a printable QR poster,
// importing a sheet (a preview of every bad row first, then all or nothing), and the member list.
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import {
  ApproveMembershipDocument, CreateTeamInviteDocument, ImportVolunteersDocument, RejectMembershipDocument, StationMembersDocument, StationPeopleDocument,
  type ImportVolunteersMutation, type MembershipStatus, type StationPeopleQuery,
} from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";
import { formatDateTime } from "../lib/time";

type Station = Extract<NonNullable<StationPeopleQuery["node"]>, { __typename: "Station" }>;
type Invite = Station["invites"] extends infer C ? (C extends { edges: (infer E)[] } ? E extends { node: infer N } ? N : never : never) : never;
type Report = NonNullable<NonNullable<ImportVolunteersMutation["importVolunteers"]>["report"]>;

const origin = () => location.origin;

function Pending(props: { station: Station; onChange: () => void }) {
  const [reason, setReason] = createSignal<Record<string, string>>({});
  const approve = createAction(ApproveMembershipDocument, { pick: (d) => d.approveMembership, success: tr("已通过，已通知本人", "Approved; the person is told"), onSuccess: props.onChange });
  const reject = createAction(RejectMembershipDocument, { pick: (d) => d.rejectMembership, success: tr("已拒绝，已通知本人", "Rejected; the person is told"), onSuccess: props.onChange });
  const list = () => props.station.pendingMemberships?.edges.map((e) => e.node) ?? [];
  return (
    <section class="card" aria-labelledby="pending-h">
      <h2 id="pending-h">{tr(`待审核申请（${props.station.pendingMemberships?.totalCount ?? 0}）`, `Applications (${props.station.pendingMemberships?.totalCount ?? 0})`)}</h2>
      <Show when={list().length} fallback={<p class="muted">{tr("暂无待审核的申请", "No applications waiting")}</p>}>
        <ul class="plain-list">
          <For each={list()}>
            {(m) => (
              <li data-testid="pending-row">
                <strong>{m.volunteer.displayName}</strong> · {m.teamName} · <span class="muted">{formatDateTime(m.joinedAt)}</span>
                <div class="muted">{m.volunteer.specialties.map((s) => label("Specialty", s)).join("、")}</div>
                <Show when={m.viewerCanDecide}>
                  <div class="row">
                    <button class="primary" disabled={approve.pending()} onClick={() => approve.run({ input: { membershipId: m.id } })}>{tr("通过", "Approve")}</button>
                    <label class="sr-only" for={`reason-${m.id}`}>{tr("拒绝理由", "Reason")}</label>
                    <input id={`reason-${m.id}`} placeholder={tr("拒绝理由", "Reason")} value={reason()[m.id] ?? ""} onInput={(e) => setReason({ ...reason(), [m.id]: e.currentTarget.value })} />
                    <button disabled={reject.pending()} onClick={() => reject.run({ input: { membershipId: m.id, reason: (reason()[m.id] ?? "").trim() } })}>{tr("拒绝", "Reject")}</button>
                  </div>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </section>
  );
}

function InviteCard(props: { invite: Invite }) {
  return (
    <article class="card invite-poster" data-testid="invite">
      <h3>{tr(`扫码加入「${props.invite.team.name}」`, `Scan to join ${props.invite.team.name}`)}<Show when={props.invite.squad}>{(q) => ` · ${q().name}`}</Show></h3>
      <div class="qr" role="img" aria-label={tr("加入队伍的二维码", "QR code to join")} innerHTML={props.invite.qrSvg} />
      <p><a href={props.invite.link} data-testid="invite-link">{props.invite.link}</a></p>
      <p class="muted no-print">
        <Badge enum="InviteState" value={props.invite.state} />{" "}
        {tr(`已使用 ${props.invite.uses}/${props.invite.maxUses} · 有效期至 ${formatDateTime(props.invite.expiresAt)}`, `Used ${props.invite.uses}/${props.invite.maxUses} · until ${formatDateTime(props.invite.expiresAt)}`)}
      </p>
      <button class="no-print" onClick={() => window.print()}>{tr("打印海报", "Print poster")}</button>
    </article>
  );
}

function Invites(props: { station: Station; onChange: () => void }) {
  const teams = () => props.station.teams.edges.map((e) => e.node).filter((t) => t.viewerCanManage || props.station.viewerIsOfficer);
  const [p, setP] = createSignal({ teamId: "", squadId: "", days: "30", maxUses: "200" });
  const set = (patch: Partial<ReturnType<typeof p>>) => setP({ ...p(), ...patch });
  const teamId = () => p().teamId || teams()[0]?.id || "";
  const squads = () => teams().find((t) => t.id === teamId())?.squads.edges.map((e) => e.node) ?? [];
  const [made, setMade] = createSignal<Invite | null>(null);
  const form = createFormState();
  const create = createAction(CreateTeamInviteDocument, {
    pick: (d) => d.createTeamInvite, form, success: tr("邀请已生成", "Invitation created"),
    onSuccess: (r) => (setMade(r.invite ?? null), props.onChange()),
  });
  const open = () => (props.station.invites?.edges.map((e) => e.node) ?? []).filter((i) => i.state === "OPEN" && i.id !== made()?.id);
  return (
    <section aria-labelledby="invite-h">
      <Form form={form} label={tr("生成邀请", "Create an invitation")} onSubmit={() => create.run({
        origin: origin(),
        input: { teamId: teamId(), squadId: p().squadId || null, maxUses: Number(p().maxUses), expiresAt: new Date(Date.now() + Number(p().days) * 86_400_000).toISOString() },
      })}>
        <h2 id="invite-h">{tr("邀请加入（二维码）", "Invite by QR code")}</h2>
        <div class="grid2">
          <Field name="teamId" label={tr("队伍", "Team")}>
            {(a) => <select {...a} value={teamId()} onChange={(e) => set({ teamId: e.currentTarget.value, squadId: "" })}><For each={teams()}>{(t) => <option value={t.id}>{t.name}</option>}</For></select>}
          </Field>
          <Field name="squadId" label={tr("小队（可选）", "Squad (optional)")}>
            {(a) => <select {...a} value={p().squadId} onChange={(e) => set({ squadId: e.currentTarget.value })}><option value="">—</option><For each={squads()}>{(q) => <option value={q.id}>{q.name}</option>}</For></select>}
          </Field>
          <Field name="expiresAt" label={tr("有效天数", "Valid for (days)")} required>
            {(a) => <input {...a} type="number" min="1" max="365" value={p().days} onInput={(e) => set({ days: e.currentTarget.value })} />}
          </Field>
          <Field name="maxUses" label={tr("可用人数", "Uses")} required>
            {(a) => <input {...a} type="number" min="1" max="10000" value={p().maxUses} onInput={(e) => set({ maxUses: e.currentTarget.value })} />}
          </Field>
        </div>
        <FormErrors />
        <Submit pending={create.pending()}>{tr("生成二维码", "Create QR code")}</Submit>
      </Form>
      <Show when={made()}>{(i) => <InviteCard invite={i()} />}</Show>
      <For each={open()}>{(i) => <InviteCard invite={i} />}</For>
    </section>
  );
}

function Import(props: { station: Station; onChange: () => void }) {
  const teams = () => props.station.teams.edges.map((e) => e.node);
  const [teamId, setTeamId] = createSignal("");
  const [file, setFile] = createSignal<File | null>(null);
  const [report, setReport] = createSignal<Report | null>(null);
  const [previewed, setPreviewed] = createSignal(false);
  const team = () => teamId() || teams()[0]?.id || "";
  const form = createFormState();
  const preview = createAction(ImportVolunteersDocument, { pick: (d) => d.importVolunteers, form, success: null, onSuccess: (r) => (setReport(r.report ?? null), setPreviewed(true)) });
  const commit = createAction(ImportVolunteersDocument, {
    pick: (d) => d.importVolunteers, form,
    success: (r) => tr(`已导入 ${r.report?.created ?? 0} 人，请下载激活码表`, `Imported ${r.report?.created ?? 0}: download the activation codes`),
    onSuccess: (r) => (setReport(r.report ?? null), props.onChange()),
  });
  const run = async (dryRun: boolean) => {
    const f = file();
    if (!f) return form.setUserErrors([{ code: "VALIDATION", message: tr("请选择表格文件", "Choose a sheet"), field: ["input", "file"] }]);
    const r = await (dryRun ? preview : commit).run({ input: { teamId: team(), file: f, dryRun } });
    if (!r.ok && r.payload?.report) setReport(r.payload.report);
  };
  const codesHref = () => {
    const c = report()?.codesFile;
    return c ? `data:${c.contentType};base64,${c.base64}` : "";
  };
  return (
    <Form form={form} label={tr("批量导入", "Import")} onSubmit={() => run(true)} testId="import-form">
      <h2>{tr("批量导入义警", "Import volunteers")}</h2>
      <p class="muted">{tr("表格（.xlsx 或 .csv）第一行为列名：姓名、手机号（必填），显示名、身份证号、小队、特长、共建单位（选填）。先预览，全部无误后才能导入；导入要么全部成功，要么一个也不保存。", "A sheet (.xlsx or .csv) whose first row names the columns: 姓名, 手机号 (required), 显示名, 身份证号, 小队, 特长, 共建单位. Preview first; the import saves everyone or no one.")}</p>
      <div class="grid2">
        <Field name="teamId" label={tr("导入到队伍", "Into team")}>
          {(a) => <select {...a} value={team()} onChange={(e) => (setTeamId(e.currentTarget.value), setPreviewed(false))}><For each={teams()}>{(t) => <option value={t.id}>{t.name}</option>}</For></select>}
        </Field>
        <Field name="file" label={tr("表格文件", "Sheet")} required>
          {(a) => <input {...a} type="file" accept=".xlsx,.csv" onChange={(e) => (setFile(e.currentTarget.files?.[0] ?? null), setReport(null), setPreviewed(false))} />}
        </Field>
      </div>
      <FormErrors />
      <div class="row">
        <Submit pending={preview.pending()} busyText={tr("检查中…", "Checking…")} class="">{tr("预览检查", "Preview")}</Submit>
        <button type="button" class="primary" disabled={!previewed() || !!report()?.errorCount || !report()?.rowsToCreate || !!report()?.committed || commit.pending()} onClick={() => run(false)}>
          {commit.pending() ? tr("导入中…", "Importing…") : tr("确认导入", "Import")}
        </button>
      </div>
      <Show when={report()}>
        {(r) => (
          <div data-testid="import-report">
            <p role="status">
              {r().committed
                ? tr(`已导入 ${r().created} 人（共读取 ${r().rowsRead} 行），每人一个激活码，待本人激活。`, `Imported ${r().created} of ${r().rowsRead} rows; each has an activation code.`)
                : tr(`读取 ${r().rowsRead} 行：${r().rowsToCreate} 行可导入，${r().errorCount} 行有错误。未保存任何数据。`, `${r().rowsRead} rows read: ${r().rowsToCreate} good, ${r().errorCount} errors. Nothing saved.`)}
            </p>
            <Show when={r().codesFile}>
              {(c) => <p><a class="button primary" href={codesHref()} download={c().filename} data-testid="codes-file">{tr("下载激活码表（仅此一次）", "Download the activation codes (once)")}</a></p>}
            </Show>
            <Show when={r().errors.length}>
              <div class="table-wrap">
                <table data-testid="import-errors">
                  <caption>{tr("有错误的行（请修改表格后重新预览）", "Rows with errors (fix the sheet and preview again)")}</caption>
                  <thead><tr><th scope="col">{tr("行号", "Row")}</th><th scope="col">{tr("列", "Column")}</th><th scope="col">{tr("原因", "Reason")}</th></tr></thead>
                  <tbody><For each={r().errors}>{(e) => <tr><td>{e.row}</td><td>{e.column ?? "—"}</td><td>{e.message}</td></tr>}</For></tbody>
                </table>
              </div>
            </Show>
          </div>
        )}
      </Show>
    </Form>
  );
}

function MemberList(props: { stationId: string }) {
  const [search, setSearch] = createSignal("");
  const [status, setStatus] = createSignal<MembershipStatus | "">("");
  const [first, setFirst] = createSignal(50);
  const [list, refetch] = createQuery({
    query: StationMembersDocument,
    variables: () => ({ stationId: props.stationId, search: search().trim() || null, status: status() || null, first: first() }),
    requestPolicy: "cache-and-network",
  });
  return (
    <section class="card" aria-labelledby="members-h">
      <h2 id="members-h">{tr("队员名册", "Member list")}</h2>
      <div class="grid2">
        <div class="field"><label for="member-search">{tr("搜索姓名或手机尾号", "Search name or phone digits")}</label><input id="member-search" type="search" value={search()} onInput={(e) => (setSearch(e.currentTarget.value), setFirst(50))} /></div>
        <div class="field"><label for="member-status">{tr("状态", "Status")}</label>
          <select id="member-status" value={status()} onChange={(e) => setStatus(e.currentTarget.value as MembershipStatus | "")}><option value="">{tr("全部", "All")}</option><For each={values("MembershipStatus")}>{(s) => <option value={s}>{label("MembershipStatus", s)}</option>}</For></select>
        </div>
      </div>
      <QueryView query={list} select={(d) => (d.node?.__typename === "Station" ? d.node.volunteers : null)} retry={() => refetch({ requestPolicy: "network-only" })}>
        {(v) => (
          <>
            <p class="muted" data-testid="member-total">{tr(`共 ${v().totalCount} 人`, `${v().totalCount} people`)}</p>
            <div class="table-wrap">
              <table>
                <thead><tr><th scope="col">{tr("显示名", "Name")}</th><th scope="col">{tr("姓名", "Legal name")}</th><th scope="col">{tr("手机号", "Phone")}</th><th scope="col">{tr("队伍", "Team")}</th><th scope="col">{tr("小队", "Squads")}</th><th scope="col">{tr("特长", "Specialties")}</th></tr></thead>
                <tbody>
                  <For each={v().edges}>
                    {(e) => (
                      <tr>
                        <td>{e.node.displayName}</td><td>{e.node.name ?? "—"}</td><td>{e.node.phone ?? "—"}</td>
                        <td>{e.memberships.map((m) => `${m.team.name}（${label("MembershipStatus", m.status)}）`).join("、")}</td>
                        <td>{e.squads.map((q) => q.name).join("、")}</td>
                        <td>{e.node.specialties.map((s) => label("Specialty", s)).join("、")}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
            <Show when={v().pageInfo.hasNextPage && first() < 100}><button onClick={() => setFirst(100)}>{tr("显示更多", "Show more")}</button></Show>
          </>
        )}
      </QueryView>
    </section>
  );
}

export default function Members() {
  const s = useSession();
  const [people, refetch] = createQuery({ query: StationPeopleDocument, variables: () => ({ stationId: s.stationId()!, origin: origin() }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  return (
    <>
      <h1>{tr("队员", "Members")}</h1>
      <QueryView query={people} select={(d) => (d.node?.__typename === "Station" ? d.node : null)} retry={again}>
        {(st) => (
          <>
            <Pending station={st()} onChange={again} />
            <Invites station={st()} onChange={again} />
            <Show when={st().viewerIsOfficer}>
              <Import station={st()} onChange={again} />
            </Show>
            <MemberList stationId={st().id} />
          </>
        )}
      </QueryView>
    </>
  );
}
