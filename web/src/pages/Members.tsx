// 队员 (officers and team leaders): applications to approve, invitations with a printable QR poster,
// importing a sheet (a preview of every bad row first, then all or nothing), and the member list.
import { A } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { Checkbox } from "../components/Checkbox";
import { confirmDialog } from "../components/Dialog";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import {
  AddSquadMembersDocument, ApproveMembershipDocument, CreateTeamInviteDocument, ExportVolunteersDocument, ImportVolunteersDocument, RejectMembershipDocument, RevokeTeamInviteDocument,
  SetVolunteerStatusDocument, StationMembersDocument, StationPeopleDocument, UpdateVolunteerDocument,
  type ImportVolunteersMutation, type MembershipStatus, type Specialty, type StationMembersQuery, type StationPeopleQuery,
} from "../gql/graphql";
import { createFormState } from "../lib/form";
import { download } from "../lib/download";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";
import { formatDateTime } from "../lib/time";
import { TableWrap } from "../components/TableWrap";

type Station = Extract<NonNullable<StationPeopleQuery["node"]>, { __typename: "Station" }>;
type Invite = Station["invites"] extends infer C ? (C extends { edges: (infer E)[] } ? E extends { node: infer N } ? N : never : never) : never;
type Report = NonNullable<NonNullable<ImportVolunteersMutation["importVolunteers"]>["report"]>;

const origin = () => location.origin;

function Pending(props: { station: Station; onChange: () => void }) {
  const [reason, setReason] = createSignal<Record<string, string>>({});
  const approve = createAction(ApproveMembershipDocument, { pick: (d) => d.approveMembership, success: () => tr("已通过，已通知本人", "Approved; the person is told"), onSuccess: props.onChange });
  const reject = createAction(RejectMembershipDocument, { pick: (d) => d.rejectMembership, success: () => tr("已拒绝，已通知本人", "Rejected; the person is told"), onSuccess: props.onChange });
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

function InviteCard(props: { invite: Invite; onRevoked: () => void }) {
  const revoke = createAction(RevokeTeamInviteDocument, { pick: (d) => d.revokeTeamInvite, success: () => tr("邀请已撤销，二维码不能再用", "Invitation revoked: the QR code no longer works"), onSuccess: props.onRevoked });
  const ask = async () => {
    const ok = await confirmDialog({
      title: tr("撤销这个邀请？", "Revoke this invitation?"),
      message: tr(`「${props.invite.team.name}」的二维码将立即失效，已提交的申请不受影响。`, `The QR code for ${props.invite.team.name} stops working at once; applications already made stay.`),
      confirm: tr("撤销", "Revoke"), danger: true,
    });
    if (ok) await revoke.run({ origin: origin(), input: { inviteId: props.invite.id } });
  };
  return (
    <article class="card invite-poster" data-testid="invite">
      <h3>{tr(`扫码加入「${props.invite.team.name}」`, `Scan to join ${props.invite.team.name}`)}<Show when={props.invite.squad}>{(q) => ` · ${q().name}`}</Show></h3>
      <div class="qr" role="img" aria-label={tr("加入队伍的二维码", "QR code to join")} innerHTML={props.invite.qrSvg} />
      <p><a href={props.invite.link} data-testid="invite-link">{props.invite.link}</a></p>
      <p class="muted no-print">
        <Badge enum="InviteState" value={props.invite.state} />{" "}
        {tr(`已使用 ${props.invite.uses}/${props.invite.maxUses} · 有效期至 ${formatDateTime(props.invite.expiresAt)}`, `Used ${props.invite.uses}/${props.invite.maxUses} · until ${formatDateTime(props.invite.expiresAt)}`)}
      </p>
      <div class="row no-print">
        <button onClick={() => window.print()}>{tr("打印海报", "Print poster")}</button>
        <Show when={props.invite.state === "OPEN"}>
          <button class="danger" disabled={revoke.pending()} onClick={ask}>{tr("撤销邀请", "Revoke")}</button>
        </Show>
      </div>
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
    pick: (d) => d.createTeamInvite, form, success: () => tr("邀请已生成", "Invitation created"),
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
            {(a) => <select {...a} value={teamId()} onChange={(e) => set({ teamId: e.currentTarget.value, squadId: "" })}><For each={teams()}>{(t) => <option value={t.id} selected={t.id === teamId()}>{t.name}</option>}</For></select>}
          </Field>
          <Field name="squadId" label={tr("小队（可选）", "Squad (optional)")}>
            {(a) => <select {...a} value={p().squadId} onChange={(e) => set({ squadId: e.currentTarget.value })}><option value="" selected={!p().squadId}>—</option><For each={squads()}>{(q) => <option value={q.id} selected={q.id === p().squadId}>{q.name}</option>}</For></select>}
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
      <Show when={made()}>{(i) => <InviteCard invite={i()} onRevoked={() => (setMade(null), props.onChange())} />}</Show>
      <For each={open()}>{(i) => <InviteCard invite={i} onRevoked={props.onChange} />}</For>
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
          {(a) => <select {...a} value={team()} onChange={(e) => (setTeamId(e.currentTarget.value), setPreviewed(false))}><For each={teams()}>{(t) => <option value={t.id} selected={t.id === team()}>{t.name}</option>}</For></select>}
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
                : // A row may have several errors: the rows are counted, not the errors.
                  tr(`读取 ${r().rowsRead} 行：${r().rowsToCreate} 行可导入，${r().rowsRead - r().rowsToCreate} 行有错误。未保存任何数据。`, `${r().rowsRead} rows read: ${r().rowsToCreate} good, ${r().rowsRead - r().rowsToCreate} with errors. Nothing saved.`)}
            </p>
            <Show when={r().errorCount > r().errors.length}>
              <p class="muted" data-testid="import-errors-more">{tr(`共 ${r().errorCount} 处错误，下表列出前 ${r().errors.length} 处。`, `${r().errorCount} errors in all; the first ${r().errors.length} are listed.`)}</p>
            </Show>
            <Show when={r().codesFile}>
              {(c) => <p><a class="button primary" href={codesHref()} download={c().filename} data-testid="codes-file">{tr("下载激活码表（仅此一次）", "Download the activation codes (once)")}</a></p>}
            </Show>
            <Show when={r().errors.length}>
              <TableWrap label={tr("有错误的行", "Rows with errors")}>
                <table data-testid="import-errors">
                  <caption>{tr("有错误的行（请修改表格后重新预览）", "Rows with errors (fix the sheet and preview again)")}</caption>
                  <thead><tr><th scope="col">{tr("行号", "Row")}</th><th scope="col">{tr("列", "Column")}</th><th scope="col">{tr("原因", "Reason")}</th></tr></thead>
                  <tbody><For each={r().errors}>{(e) => <tr><td>{e.row}</td><td>{e.column ?? "—"}</td><td>{e.message}</td></tr>}</For></tbody>
                </table>
              </TableWrap>
            </Show>
          </div>
        )}
      </Show>
    </Form>
  );
}

type MembersPage = NonNullable<Extract<NonNullable<StationMembersQuery["node"]>, { __typename: "Station" }>["volunteers"]>;
type Row = MembersPage["edges"][number];

/** A file the API sent (base64) saved by the browser as a download. */
function downloadFile(file: { filename: string; contentType: string; base64: string }) {
  const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
  download(new Blob([bytes], { type: file.contentType }), file.filename);
}

/** 编辑: one person's squads at this station and specialties (officers). */
function EditMember(props: { row: Row; station: Station; onClose: () => void; onSaved: () => void }) {
  const teamIds = () => new Set(props.row.memberships.map((m) => m.team.id));
  const squads = () => props.station.teams.edges.filter((t) => teamIds().has(t.node.id)).flatMap((t) => t.node.squads.edges.map((e) => ({ ...e.node, team: t.node.name })));
  const [picked, setPicked] = createSignal(new Set(props.row.squads.map((q) => q.id)));
  const [specialties, setSpecialties] = createSignal(new Set<Specialty>(props.row.node.specialties));
  const toggle = <T,>(set: Set<T>, v: T, on: boolean) => {
    const next = new Set(set);
    if (on) next.add(v);
    else next.delete(v);
    return next;
  };
  const form = createFormState();
  const save = createAction(UpdateVolunteerDocument, {
    pick: (d) => d.updateVolunteer, form, success: () => tr(`已保存「${props.row.node.displayName}」`, `Saved ${props.row.node.displayName}`),
    onSuccess: () => (props.onSaved(), props.onClose()),
  });
  return (
    <Form form={form} label={tr(`编辑 ${props.row.node.displayName}`, `Edit ${props.row.node.displayName}`)} testId="edit-member" onSubmit={() => save.run({
      input: { stationId: props.station.id, volunteerId: props.row.node.id, squadIds: [...picked()], specialties: [...specialties()] },
    })}>
      <h3>{tr(`编辑「${props.row.node.displayName}」`, `Edit ${props.row.node.displayName}`)}</h3>
      <Field name="squadIds" label={tr("小队", "Squads")}>
        {(a) => (
          <fieldset id={a.id} class="row" aria-invalid={a["aria-invalid"]} aria-describedby={a["aria-describedby"]}>
            <legend class="sr-only">{tr("小队", "Squads")}</legend>
            <Show when={squads().length} fallback={<span class="muted">{tr("所在队伍没有小队", "No squads in the person's teams")}</span>}>
              <For each={squads()}>{(q) => <Checkbox checked={picked().has(q.id)} onChange={(on) => setPicked(toggle(picked(), q.id, on))}>{`${q.team} · ${q.name}`}</Checkbox>}</For>
            </Show>
          </fieldset>
        )}
      </Field>
      <Field name="specialties" label={tr("特长", "Specialties")}>
        {(a) => (
          <fieldset id={a.id} class="row" aria-invalid={a["aria-invalid"]} aria-describedby={a["aria-describedby"]}>
            <legend class="sr-only">{tr("特长", "Specialties")}</legend>
            <For each={values("Specialty")}>{(v) => <Checkbox checked={specialties().has(v)} onChange={(on) => setSpecialties(toggle(specialties(), v, on))}>{label("Specialty", v)}</Checkbox>}</For>
          </fieldset>
        )}
      </Field>
      <FormErrors />
      <div class="row">
        <Submit pending={save.pending()}>{tr("保存", "Save")}</Submit>
        <button type="button" onClick={props.onClose}>{tr("取消", "Cancel")}</button>
      </div>
    </Form>
  );
}

/** 批量操作 on the selected rows: status with a reason (officers), joining a squad (officers, team leaders). */
function BulkBar(props: { station: Station; ids: string[]; squads: { id: string; name: string }[]; onDone: () => void }) {
  const [status, setStatus] = createSignal<"ACTIVE" | "SUSPENDED" | "LEFT">("SUSPENDED");
  const [reason, setReason] = createSignal("");
  const [squadId, setSquadId] = createSignal("");
  const statusForm = createFormState();
  const squadForm = createFormState();
  const setStatusAction = createAction(SetVolunteerStatusDocument, {
    pick: (d) => d.setVolunteerStatus, form: statusForm,
    success: (r) => tr(`已将 ${r.changed ?? 0} 人设为「${label("MembershipStatus", status())}」，已通知本人`, `${r.changed ?? 0} set to ${label("MembershipStatus", status())}; each is told`),
    onSuccess: () => (setReason(""), props.onDone()),
  });
  const add = createAction(AddSquadMembersDocument, {
    pick: (d) => d.addSquadMembers, form: squadForm,
    success: (r) => tr(`${r.added ?? 0} 人加入「${r.squad?.name ?? ""}」`, `${r.added ?? 0} joined ${r.squad?.name ?? ""}`),
    onSuccess: props.onDone,
  });
  return (
    <section class="card bulk-bar" aria-labelledby="bulk-h" data-testid="bulk-bar">
      <h3 id="bulk-h">{tr(`已选 ${props.ids.length} 人`, `${props.ids.length} selected`)}</h3>
      <div class="grid2">
        <Show when={props.station.viewerIsOfficer}>
          <Form form={statusForm} class="" label={tr("更改状态", "Change status")} testId="bulk-status" onSubmit={() => setStatusAction.run({
            input: { stationId: props.station.id, volunteerIds: props.ids, status: status(), reason: reason().trim() },
          })}>
            <Field name="status" label={tr("状态", "Status")}>
              {(a) => <select {...a} value={status()} onChange={(e) => setStatus(e.currentTarget.value as "ACTIVE")}><For each={["ACTIVE", "SUSPENDED", "LEFT"] as const}>{(v) => <option value={v} selected={v === status()}>{label("MembershipStatus", v)}</option>}</For></select>}
            </Field>
            <Field name="reason" label={tr("原因（本人会收到）", "Reason (the person is told)")} required>
              {(a) => <textarea {...a} rows="2" maxLength={200} value={reason()} onInput={(e) => setReason(e.currentTarget.value)} />}
            </Field>
            <FormErrors />
            <Submit pending={setStatusAction.pending()}>{tr("更改状态", "Change status")}</Submit>
          </Form>
        </Show>
        <Show when={props.squads.length}>
          <Form form={squadForm} class="" label={tr("加入小队", "Add to a squad")} testId="bulk-squad" onSubmit={() => add.run({ input: { squadId: squadId(), volunteerIds: props.ids } })}>
            <Field name="squadId" label={tr("小队", "Squad")} required>
              {(a) => <select {...a} value={squadId()} onChange={(e) => setSquadId(e.currentTarget.value)}><option value="" selected={!squadId()}>{tr("请选择", "Choose")}</option><For each={props.squads}>{(q) => <option value={q.id} selected={q.id === squadId()}>{q.name}</option>}</For></select>}
            </Field>
            <FormErrors />
            <Submit pending={add.pending()}>{tr("加入小队", "Add to squad")}</Submit>
          </Form>
        </Show>
      </div>
    </section>
  );
}

function MemberList(props: { station: Station }) {
  const officer = () => props.station.viewerIsOfficer;
  const allTeams = () => props.station.teams.edges.map((e) => e.node);
  // A team leader's list is their own team's (the API answers only that).
  const teams = () => (officer() ? allTeams() : allTeams().filter((t) => t.viewerCanManage));
  const [search, setSearch] = createSignal("");
  const [teamPick, setTeamPick] = createSignal("");
  const [squadId, setSquadId] = createSignal("");
  const [specialty, setSpecialty] = createSignal<Specialty | "">("");
  const [status, setStatus] = createSignal<MembershipStatus>("ACTIVE");
  const [first, setFirst] = createSignal(50);
  const [selected, setSelected] = createSignal<Set<string>>(new Set());
  const [editing, setEditing] = createSignal<Row | null>(null);
  const teamId = () => teamPick() || (officer() ? "" : (teams()[0]?.id ?? ""));
  const squadsOf = (ts: typeof allTeams extends () => infer T ? T : never) => ts.flatMap((t) => t.squads.edges.map((e) => ({ id: e.node.id, name: `${t.name} · ${e.node.name}` })));
  const filterSquads = () => squadsOf(teamId() ? teams().filter((t) => t.id === teamId()) : teams());
  const manageable = () => squadsOf(allTeams().filter((t) => officer() || t.viewerCanManage));
  const statuses = (): MembershipStatus[] => (officer() ? values("MembershipStatus") : ["ACTIVE", "PENDING"]);
  const filter = () => ({ search: search().trim() || null, teamId: teamId() || null, squadId: squadId() || null, specialty: specialty() || null, status: status() });
  // A changed filter starts again from the first page with nothing selected.
  const refilter = (f: () => void) => (f(), setFirst(50), setSelected(new Set<string>()));
  const [list, refetch] = createQuery({
    query: StationMembersDocument,
    variables: () => ({ stationId: props.station.id, ...filter(), first: first() }),
    requestPolicy: "cache-and-network",
  });
  const again = () => (setSelected(new Set<string>()), refetch({ requestPolicy: "network-only" }));
  const toggle = (id: string, on: boolean) => {
    const next = new Set(selected());
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const exporter = createAction(ExportVolunteersDocument, {
    pick: (d) => d.exportVolunteers,
    success: (r) => tr(`已导出 ${r.rowCount ?? 0} 人`, `Exported ${r.rowCount ?? 0}`),
    onSuccess: (r) => r.file && downloadFile(r.file),
  });
  return (
    <section class="card" aria-labelledby="members-h">
      <div class="row spread">
        <h2 id="members-h">{tr("队员名册", "Member list")}</h2>
        <Show when={officer()}>
          <button type="button" disabled={exporter.pending()} aria-busy={exporter.pending() ? "true" : undefined} onClick={() => exporter.run({ input: { stationId: props.station.id, ...filter() } })} data-testid="export">
            {exporter.pending() ? tr("导出中…", "Exporting…") : tr("导出 Excel", "Export .xlsx")}
          </button>
        </Show>
      </div>
      <div class="grid2">
        <div class="field"><label for="member-search">{tr("搜索姓名或手机尾号", "Search name or phone digits")}</label><input id="member-search" type="search" value={search()} onInput={(e) => refilter(() => setSearch(e.currentTarget.value))} /></div>
        <div class="field"><label for="member-team">{tr("队伍", "Team")}</label>
          <select id="member-team" value={teamId()} onChange={(e) => refilter(() => (setTeamPick(e.currentTarget.value), setSquadId("")))}>
            <Show when={officer()}><option value="" selected={!teamId()}>{tr("全部队伍", "All teams")}</option></Show>
            <For each={teams()}>{(t) => <option value={t.id} selected={t.id === teamId()}>{t.name}</option>}</For>
          </select>
        </div>
        <div class="field"><label for="member-squad">{tr("小队", "Squad")}</label>
          <select id="member-squad" value={squadId()} onChange={(e) => refilter(() => setSquadId(e.currentTarget.value))}><option value="" selected={!squadId()}>{tr("全部小队", "All squads")}</option><For each={filterSquads()}>{(q) => <option value={q.id} selected={q.id === squadId()}>{q.name}</option>}</For></select>
        </div>
        <div class="field"><label for="member-specialty">{tr("特长", "Specialty")}</label>
          <select id="member-specialty" value={specialty()} onChange={(e) => refilter(() => setSpecialty(e.currentTarget.value as Specialty | ""))}><option value="" selected={!specialty()}>{tr("全部特长", "Any")}</option><For each={values("Specialty")}>{(v) => <option value={v} selected={v === specialty()}>{label("Specialty", v)}</option>}</For></select>
        </div>
        <div class="field"><label for="member-status">{tr("状态", "Status")}</label>
          <select id="member-status" value={status()} onChange={(e) => refilter(() => setStatus(e.currentTarget.value as MembershipStatus))}><For each={statuses()}>{(s) => <option value={s} selected={s === status()}>{label("MembershipStatus", s)}</option>}</For></select>
        </div>
      </div>
      <Show when={selected().size}>
        <BulkBar station={props.station} ids={[...selected()]} squads={manageable()} onDone={again} />
      </Show>
      <Show when={editing()} keyed>{(r) => <EditMember row={r} station={props.station} onClose={() => setEditing(null)} onSaved={again} />}</Show>
      <QueryView query={list} select={(d) => (d.node?.__typename === "Station" ? d.node.volunteers : null)} retry={() => refetch({ requestPolicy: "network-only" })}>
        {(v) => {
          const ids = () => v().edges.map((e) => e.node.id);
          const all = () => ids().length > 0 && ids().every((id) => selected().has(id));
          return (
            <>
              <p class="muted" data-testid="member-total">{tr(`共 ${v().totalCount} 人`, `${v().totalCount} people`)}</p>
              <TableWrap label={tr("队员名单", "Members")}>
                <table class="member-table" data-testid="member-table">
                  <thead>
                    <tr>
                      <th scope="col"><Checkbox checked={all()} onChange={(on) => setSelected(on ? new Set(ids()) : new Set<string>())}><span class="sr-only">{tr("全选本页", "Select the page")}</span></Checkbox></th>
                      <th scope="col">{tr("显示名", "Name")}</th><th scope="col">{tr("姓名", "Legal name")}</th><th scope="col">{tr("手机号", "Phone")}</th><th scope="col">{tr("队伍", "Team")}</th><th scope="col">{tr("小队", "Squads")}</th><th scope="col">{tr("特长", "Specialties")}</th>
                      <Show when={officer()}><th scope="col"><span class="sr-only">{tr("操作", "Actions")}</span></th></Show>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={v().edges}>
                      {(e) => (
                        <tr data-testid="member-row">
                          <td><Checkbox checked={selected().has(e.node.id)} onChange={(on) => toggle(e.node.id, on)}><span class="sr-only">{tr(`选择 ${e.node.displayName}`, `Select ${e.node.displayName}`)}</span></Checkbox></td>
                          <td><A href={`/members/${encodeURIComponent(e.node.id)}`}>{e.node.displayName}</A></td><td>{e.node.name ?? "—"}</td><td>{e.node.phone ?? "—"}</td>
                          <td>{e.memberships.map((m) => `${m.team.name}（${label("MembershipStatus", m.status)}）`).join("、")}</td>
                          <td>{e.squads.map((q) => q.name).join("、")}</td>
                          <td>{e.node.specialties.map((s) => label("Specialty", s)).join("、")}</td>
                          <Show when={officer()}><td><button type="button" onClick={() => setEditing(e)} aria-label={tr(`编辑 ${e.node.displayName}`, `Edit ${e.node.displayName}`)}>{tr("编辑", "Edit")}</button></td></Show>
                        </tr>
                      )}
                    </For>
                  </tbody>
                </table>
              </TableWrap>
              <Show when={v().pageInfo.hasNextPage && first() < 100}><button onClick={() => setFirst(100)}>{tr("显示更多", "Show more")}</button></Show>
            </>
          );
        }}
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
            <MemberList station={st()} />
          </>
        )}
      </QueryView>
    </>
  );
}
