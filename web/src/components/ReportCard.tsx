// One patrol report as everyone sees it: what was found, its photos, where it stands and its outcome
// (闭环), with the step-by-step history. Pages add their actions below it.
import { createSignal, For, Show, type JSX } from "solid-js";
import type { PatrolReportCardFragment } from "../gql/graphql";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { formatDate, formatDateTime } from "../lib/time";
import { Badge } from "./Badge";
import { PhotoStrip } from "./PhotoPicker";

export function ReportCard(props: { report: PatrolReportCardFragment; showReporter?: boolean; children?: JSX.Element }) {
  const r = () => props.report;
  return (
    <article class="card report" data-testid="report" data-status={r().status}>
      <div class="spread">
        <strong>{label("PatrolReportCategory", r().category)}</strong>
        <span class="row">
          <Show when={r().overdue}>
            <Badge text={tr("已逾期", "Overdue")} tone="bad" />
          </Show>
          <Badge enum="PatrolReportStatus" value={r().status} />
        </span>
      </div>
      <LongText text={r().description} />
      <div class="muted">
        {formatDateTime(r().createdAt)}
        <Show when={r().place}> · {r().place}</Show>
        <Show when={r().grid}> · {r().grid!.name}</Show>
        <Show when={props.showReporter}> · {tr("上报人", "By")} {r().reporterName}</Show>
      </div>
      <PhotoStrip photos={r().photos} label={tr("现场照片", "Photos")} />
      <Show when={r().assigneeName}>
        <div>
          {tr("处理：", "Handled by: ")}
          {label("PatrolReportAssigneeKind", r().assigneeKind)} {r().assigneeName}
          <Show when={r().dueAt}> · {tr("期限", "due")} {formatDate(r().dueAt!)}</Show>
        </div>
      </Show>
      <Show when={r().status === "RESOLVED"}>
        <div class="notice" data-testid="outcome">
          <strong>{tr("办结：", "Resolved: ")}</strong>
          {r().resolutionNote}
          <PhotoStrip photos={r().resolutionPhotos} label={tr("整改照片", "After")} />
        </div>
      </Show>
      <Show when={r().status === "REFERRED"}>
        <div class="notice" data-testid="outcome">
          <strong>{tr("已移交：", "Referred to: ")}</strong>
          {r().referredTo}
          <Show when={r().resolutionNote}> — {r().resolutionNote}</Show>
        </div>
      </Show>
      <Show when={r().status === "REJECTED"}>
        <div class="alert" data-testid="outcome">
          <strong>{tr("不予受理：", "Rejected: ")}</strong>
          {r().rejectReason}
        </div>
      </Show>
      <details class="history">
        <summary>{tr("处理经过", "History")}</summary>
        <ol class="plain">
          <For each={r().history}>
            {(h) => (
              <li>
                {formatDateTime(h.at)} {label("PatrolReportEventKind", h.kind)}
                <Show when={h.actorName}> · {h.actorName}</Show>
                <Show when={h.note}> · {h.note}</Show>
              </li>
            )}
          </For>
        </ol>
      </details>
      {props.children}
    </article>
  );
}

/** A long description (up to 2,000 characters) shows its first lines in a list, the rest on a tap. */
export function LongText(props: { text: string }) {
  const [open, setOpen] = createSignal(false);
  const long = () => props.text.length > LONG || props.text.split("\n").length > 4;
  return (
    <>
      <p class={long() && !open() ? "pre clamp" : "pre"} data-testid="report-text">{props.text}</p>
      <Show when={long()}>
        <button type="button" aria-expanded={open() ? "true" : "false"} onClick={() => setOpen(!open())}>
          {open() ? tr("收起", "Show less") : tr("展开全文", "Show all")}
        </button>
      </Show>
    </>
  );
}
/** About four lines of Chinese on a 360 px phone. */
const LONG = 80;
