// 隐患处置 (officers; leaders and partners for what is assigned to them): the findings queue with
// filters, live updates, the numbers, assignment with a due date, referral, rejection and resolution.
import { useSearchParams } from "@solidjs/router";
import { createQuery, createSubscription } from "@urql/solid";
import { createEffect, createSignal, For, Show } from "solid-js";
import { Checkbox } from "../components/Checkbox";
import { promptDialog } from "../components/Dialog";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { PhotoPicker, problemOn } from "../components/PhotoPicker";
import { QueryView } from "../components/QueryView";
import { ReportCard } from "../components/ReportCard";
import {
  AssignPatrolReportDocument,
  FindingByIdDocument,
  FindingsDocument,
  FindingsSetupDocument,
  PatrolReportUpdatedDocument,
  ReferPatrolReportDocument,
  RejectPatrolReportDocument,
  ResolvePatrolReportDocument,
  type FindingsSetupQuery,
  type PatrolReportCardFragment,
  type PatrolReportCategory,
  type PatrolReportStatus,
} from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";
import { fromLocalInput } from "../lib/time";
import { CasePage } from "./Cases";

type Setup = Extract<NonNullable<FindingsSetupQuery["node"]>, { __typename: "Station" }>;
type Kind = "TEAM" | "OFFICER" | "PARTNER";

function AssignForm(props: { report: PatrolReportCardFragment; setup: Setup; done: () => void }) {
  const form = createFormState();
  const [kind, setKind] = createSignal<Kind>("TEAM");
  const [target, setTarget] = createSignal("");
  const [due, setDue] = createSignal("");
  const [note, setNote] = createSignal("");
  const options = () =>
    kind() === "TEAM"
      ? props.setup.teams.edges.map((e) => ({ id: e.node.id, name: e.node.name }))
      : kind() === "PARTNER"
        ? props.setup.partners.edges.map((e) => ({ id: e.node.id, name: e.node.name }))
        : (props.setup.assignableOfficers ?? []).map((o) => ({ id: o.id, name: o.displayName }));
  createEffect(() => setTarget(options()[0]?.id ?? ""));
  const assign = createAction(AssignPatrolReportDocument, { pick: (d) => d.assignPatrolReport, form, success: () => tr("已分派，上报人会收到通知", "Assigned; the reporter is told"), onSuccess: props.done });
  return (
    <Form
      form={form}
      class="plain-form"
      label={tr("分派", "Assign")}
      onSubmit={() =>
        assign.run({
          input: {
            reportId: props.report.id,
            teamId: kind() === "TEAM" ? target() : null,
            partnerId: kind() === "PARTNER" ? target() : null,
            officerId: kind() === "OFFICER" ? target() : null,
            // The end of the chosen day, Asia/Shanghai.
            dueAt: due() ? fromLocalInput(`${due()}T23:59`).toISOString() : null,
            note: note().trim() || null,
          },
        })
      }
    >
      <div class="grid2">
        <Field name="kind" label={tr("分派给", "Assign to")}>
          {(a) => (
            <select {...a} value={kind()} onChange={(e) => setKind(e.currentTarget.value as Kind)}>
              <option value="TEAM" selected={kind() === "TEAM"}>{tr("队伍（网格所属）", "A team (the grid's)")}</option>
              <option value="OFFICER" selected={kind() === "OFFICER"}>{tr("民警", "An officer")}</option>
              <option value="PARTNER" selected={kind() === "PARTNER"}>{tr("共建单位（如物业）", "A partner (e.g. property manager)")}</option>
            </select>
          )}
        </Field>
        <Field name="teamId" label={tr("处理人", "Assignee")} required>
          {(a) => (
            <select {...a} value={target()} onChange={(e) => setTarget(e.currentTarget.value)}>
              <For each={options()}>{(o) => <option value={o.id} selected={o.id === target()}>{o.name}</option>}</For>
            </select>
          )}
        </Field>
        <Field name="dueAt" label={tr("处理期限", "Due")}>
          {(a) => <input {...a} type="date" value={due()} onInput={(e) => setDue(e.currentTarget.value)} />}
        </Field>
        <Field name="note" label={tr("说明", "Note")}>
          {(a) => <input {...a} maxLength={500} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />}
        </Field>
      </div>
      <FormErrors />
      <Submit pending={assign.pending()}>{tr("分派", "Assign")}</Submit>
    </Form>
  );
}

function ResolveForm(props: { report: PatrolReportCardFragment; done: () => void }) {
  const form = createFormState();
  const [note, setNote] = createSignal("");
  const [photos, setPhotos] = createSignal<File[]>([]);
  const resolve = createAction(ResolvePatrolReportDocument, { pick: (d) => d.resolvePatrolReport, form, success: () => tr("已办结，上报人会收到通知", "Resolved; the reporter is told"), onSuccess: props.done });
  return (
    <Form form={form} class="plain-form" label={tr("办结", "Resolve")} onSubmit={() => resolve.run({ input: { reportId: props.report.id, note: note().trim(), photos: photos() } })}>
      <Field name="note" label={tr("处理结果", "What was done")} required>
        {(a) => <textarea {...a} maxLength={2000} value={note()} onInput={(e) => setNote(e.currentTarget.value)} />}
      </Field>
      <Field name="photos" label={tr("整改照片", "Photos after")}>
        {(a) => <PhotoPicker {...a} files={photos()} onChange={setPhotos} onProblem={problemOn(form, "photos")} />}
      </Field>
      <FormErrors />
      <Submit pending={resolve.pending()} busyText={tr("上传中…", "Uploading…")}>{tr("办结", "Resolve")}</Submit>
    </Form>
  );
}

function Actions(props: { report: PatrolReportCardFragment; setup: Setup | null; done: () => void }) {
  const [open, setOpen] = createSignal<"assign" | "resolve" | null>(null);
  const refer = createAction(ReferPatrolReportDocument, { pick: (d) => d.referPatrolReport, success: () => tr("已移交", "Referred"), onSuccess: props.done });
  const reject = createAction(RejectPatrolReportDocument, { pick: (d) => d.rejectPatrolReport, success: () => tr("已标记为不予受理", "Rejected"), onSuccess: props.done });
  return (
    <Show when={props.report.viewerCanTriage || props.report.viewerCanResolve}>
      <div class="row actions">
        <Show when={props.report.viewerCanTriage && props.setup}>
          <button type="button" class="primary" aria-expanded={open() === "assign"} onClick={() => setOpen(open() === "assign" ? null : "assign")}>
            {props.report.status === "ASSIGNED" ? tr("改派", "Reassign") : tr("分派", "Assign")}
          </button>
        </Show>
        <Show when={props.report.viewerCanResolve}>
          <button type="button" class="primary" aria-expanded={open() === "resolve"} onClick={() => setOpen(open() === "resolve" ? null : "resolve")}>{tr("办结", "Resolve")}</button>
        </Show>
        <Show when={props.report.viewerCanTriage}>
          <button
            type="button"
            disabled={refer.pending()}
            onClick={async () => {
              const department = await promptDialog({ title: tr("移交其他部门", "Refer to another department"), label: tr("部门名称（如：交警大队、城管）", "Department (e.g. traffic police)"), confirm: tr("移交", "Refer") });
              if (department) await refer.run({ input: { reportId: props.report.id, department } });
            }}
          >
            {tr("移交", "Refer")}
          </button>
          <button
            type="button"
            class="danger"
            disabled={reject.pending()}
            onClick={async () => {
              const reason = await promptDialog({ title: tr("不予受理", "Reject"), label: tr("原因（上报人会看到）", "Reason (the reporter sees it)"), confirm: tr("确定", "Reject") });
              if (reason) await reject.run({ input: { reportId: props.report.id, reason } });
            }}
          >
            {tr("不予受理", "Reject")}
          </button>
        </Show>
      </div>
      <Show when={open() === "assign" && props.setup}>
        <AssignForm report={props.report} setup={props.setup!} done={() => (setOpen(null), props.done())} />
      </Show>
      <Show when={open() === "resolve"}>
        <ResolveForm report={props.report} done={() => (setOpen(null), props.done())} />
      </Show>
    </Show>
  );
}

function Stats(props: { setup: Setup }) {
  const st = () => props.setup.patrolReportStats;
  return (
    <Show when={st()}>
      <div class="card stats" data-testid="report-stats">
        <div class="row stat-row">
          <span>{tr("近一年", "Past year")} <strong>{st()!.total}</strong></span>
          <span>{tr("待办", "Open")} <strong>{st()!.open}</strong></span>
          <span>{tr("逾期", "Overdue")} <strong class={st()!.overdue ? "text-bad" : ""}>{st()!.overdue}</strong></span>
          <span>{tr("已办结", "Resolved")} <strong>{st()!.resolved}</strong></span>
          <span>{tr("办结用时中位数", "Median time to resolve")} <strong>{st()!.medianHoursToResolve == null ? "—" : tr(`${st()!.medianHoursToResolve}小时`, `${st()!.medianHoursToResolve} h`)}</strong></span>
        </div>
        <details>
          <summary>{tr("按类别和网格", "By category and grid")}</summary>
          <div class="grid2">
            <table>
              <caption class="sr-only">{tr("按类别", "By category")}</caption>
              <thead><tr><th scope="col">{tr("类别", "Category")}</th><th scope="col">{tr("数量", "Count")}</th><th scope="col">{tr("待办", "Open")}</th></tr></thead>
              <tbody><For each={st()!.byCategory}>{(c) => <tr><td>{label("PatrolReportCategory", c.category)}</td><td>{c.count}</td><td>{c.open}</td></tr>}</For></tbody>
            </table>
            <table>
              <caption class="sr-only">{tr("按网格", "By grid")}</caption>
              <thead><tr><th scope="col">{tr("网格", "Grid")}</th><th scope="col">{tr("数量", "Count")}</th><th scope="col">{tr("待办", "Open")}</th></tr></thead>
              <tbody><For each={st()!.byGrid}>{(g) => <tr><td>{g.gridName ?? tr("未分网格", "No grid")}</td><td>{g.count}</td><td>{g.open}</td></tr>}</For></tbody>
            </table>
          </div>
        </details>
      </div>
    </Show>
  );
}

/** `?report=` holds a global ID; links written before carried the database ID. */
function reportGlobalId(param: string | undefined): string | null {
  if (!param) return null;
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(param) ? btoa(`PatrolReport:${param}`) : param;
}

export default function Findings() {
  const s = useSession();
  const [status, setStatus] = createSignal<"OPEN" | "ALL" | PatrolReportStatus>("OPEN");
  const [category, setCategory] = createSignal<PatrolReportCategory | "">("");
  const [grid, setGrid] = createSignal("");
  const [overdue, setOverdue] = createSignal(false);
  const vars = () => ({
    stationId: s.stationId()!,
    status: status() === "OPEN" ? (["NEW", "ASSIGNED"] as PatrolReportStatus[]) : status() === "ALL" ? null : [status() as PatrolReportStatus],
    category: category() || null,
    gridId: grid() || null,
    overdue: overdue() || null,
  });
  const [list, refetchList] = createQuery({ query: FindingsDocument, variables: vars, pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const [setup, refetchSetup] = createQuery({ query: FindingsSetupDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const again = () => {
    refetchList({ requestPolicy: "network-only" });
    refetchSetup({ requestPolicy: "network-only" });
    if (linkedId()) refetchLinked({ requestPolicy: "network-only" });
  };
  const setupData = () => (setup.data?.node?.__typename === "Station" ? setup.data.node : null);
  // A notification links here with ?report=: that finding comes first, whatever the filters show.
  const [params] = useSearchParams<{ report?: string }>();
  const linkedId = () => reportGlobalId(params.report);
  const [linked, refetchLinked] = createQuery({ query: FindingByIdDocument, variables: () => ({ id: linkedId()! }), pause: () => !linkedId(), requestPolicy: "cache-and-network" });
  const linkedReport = () => (linked.data?.node?.__typename === "PatrolReport" ? linked.data.node : null);
  // The live command view: officers follow every new finding and triage step.
  const [live] = createSubscription({ query: PatrolReportUpdatedDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !setupData()?.viewerCanTriageReports });
  createEffect(() => {
    if (live.data?.patrolReportUpdated.cursor) again();
  });

  return (
    <CasePage title={tr("隐患处置", "Findings")}>
      <Show when={linkedReport()}>
        {(r) => (
          <section aria-labelledby="linked-h" class="focused" ref={(el) => queueMicrotask(() => el.scrollIntoView({ block: "start" }))}>
            <h2 id="linked-h">{tr("通知中的隐患", "The finding from your notification")}</h2>
            <ReportCard report={r()} showReporter>
              <Actions report={r()} setup={setupData()} done={again} />
            </ReportCard>
          </section>
        )}
      </Show>
      <Show when={linkedId() && (linked.data || linked.error) && !linked.fetching && !linkedReport()}>
        <p class="notice" role="status">{tr("通知中的隐患已不存在或你无权查看。", "The finding from your notification no longer exists or is not yours to see.")}</p>
      </Show>
      <Show when={setupData()}>{(st) => <Stats setup={st()} />}</Show>
      <details class="filters card" open>
        <summary>{tr("筛选", "Filters")}</summary>
        <div class="grid2">
          <div class="field">
            <label for="f-status">{tr("状态", "Status")}</label>
            <select id="f-status" value={status()} onChange={(e) => setStatus(e.currentTarget.value as never)}>
              <option value="OPEN" selected={status() === "OPEN"}>{tr("待处理（待分派、处理中）", "Open (new, assigned)")}</option>
              <option value="ALL" selected={status() === "ALL"}>{tr("全部", "All")}</option>
              <For each={values("PatrolReportStatus")}>{(v) => <option value={v} selected={v === status()}>{label("PatrolReportStatus", v)}</option>}</For>
            </select>
          </div>
          <div class="field">
            <label for="f-category">{tr("类别", "Category")}</label>
            <select id="f-category" value={category()} onChange={(e) => setCategory(e.currentTarget.value as never)}>
              <option value="" selected={!category()}>{tr("全部类别", "All categories")}</option>
              <For each={values("PatrolReportCategory")}>{(v) => <option value={v} selected={v === category()}>{label("PatrolReportCategory", v)}</option>}</For>
            </select>
          </div>
          <div class="field">
            <label for="f-grid">{tr("网格", "Grid")}</label>
            <select id="f-grid" value={grid()} onChange={(e) => setGrid(e.currentTarget.value)}>
              <option value="" selected={!grid()}>{tr("全部网格", "All grids")}</option>
              <For each={setupData()?.grids.edges ?? []}>{(g) => <option value={g.node.id} selected={g.node.id === grid()}>{g.node.name}</option>}</For>
            </select>
          </div>
          <Checkbox checked={overdue()} onChange={setOverdue}>{tr("只看逾期", "Overdue only")}</Checkbox>
        </div>
      </details>
      <QueryView
        query={list}
        select={(d) => (d.node?.__typename === "Station" ? d.node.patrolReports.edges : null)}
        retry={again}
        isEmpty={(l) => !l.length}
        empty={<p class="muted">{tr("没有符合条件的隐患", "No findings match")}</p>}
      >
        {(edges) => (
          <For each={edges().filter((e) => e.node.id !== linkedReport()?.id)}>
            {(e) => (
              <ReportCard report={e.node} showReporter>
                <Actions report={e.node} setup={setupData()} done={again} />
              </ReportCard>
            )}
          </For>
        )}
      </QueryView>
    </CasePage>
  );
}
