// 审计日志: who did what, when and from where at the officer's station, newest first. The API decides
// what the viewer may read (their station's entries); the page only asks for the station chosen in the
// header. Action names come from the API (`auditActions`, the log's one list), in the reader's language.
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { QueryView } from "../components/QueryView";
import { AuditActionsDocument, AuditLogDocument } from "../gql/graphql";
import { tr } from "../lib/i18n";
import { useSession } from "../lib/session";
import { formatDateTime, fromLocalInput } from "../lib/time";

interface Filter {
  stationId: string;
  action: string | null;
  from: string | null;
  to: string | null;
}

/** One page of entries; the last page offers the next (each page is its own query, so earlier pages stay). */
function Entries(props: { filter: Filter; after: string | null; onMore: (cursor: string) => void; last: boolean }) {
  const [q, refetch] = createQuery({ query: AuditLogDocument, variables: () => ({ ...props.filter, after: props.after }) });
  return (
    <QueryView
      query={q}
      select={(d) => d.auditLog}
      retry={() => refetch({ requestPolicy: "network-only" })}
      isEmpty={(log) => !log.edges.length && !props.after}
      empty={<p class="muted empty">{tr("这段时间没有记录", "No entries for this period")}</p>}
    >
      {(log) => (
        <>
          <For each={log().edges}>
            {(e) => (
              <article class="card audit-entry" data-testid="audit-entry">
                <div class="spread">
                  <strong>{e.node.actionLabel}</strong>
                  <time class="muted" dateTime={e.node.at}>{formatDateTime(e.node.at)}</time>
                </div>
                <p class="audit-summary">{e.node.summary || "—"}</p>
                <dl class="audit-meta muted">
                  <div><dt>{tr("操作人", "By")}</dt><dd>{e.node.actorName ?? tr("系统或未登录", "System or anonymous")}</dd></div>
                  <Show when={e.node.targetLabel}><div><dt>{tr("对象", "Target")}</dt><dd>{e.node.targetLabel}{e.node.targetName ? ` · ${e.node.targetName}` : ""}</dd></div></Show>
                  <div><dt>{tr("来源地址", "Client address")}</dt><dd>{e.node.clientAddress ?? "—"}</dd></div>
                </dl>
              </article>
            )}
          </For>
          <Show when={props.last && log().pageInfo.hasNextPage && log().pageInfo.endCursor}>
            <button type="button" class="more" onClick={() => props.onMore(log().pageInfo.endCursor!)}>{tr("加载更多", "Load more")}</button>
          </Show>
        </>
      )}
    </QueryView>
  );
}

export default function Audit() {
  const s = useSession();
  const [actions] = createQuery({ query: AuditActionsDocument });
  const [action, setAction] = createSignal("");
  const [from, setFrom] = createSignal("");
  const [to, setTo] = createSignal("");
  const [pages, setPages] = createSignal<(string | null)[]>([null]);
  const filter = (): Filter | null => {
    const stationId = s.stationId();
    if (!stationId) return null;
    return {
      stationId,
      action: action() || null,
      from: from() ? fromLocalInput(`${from()}T00:00`).toISOString() : null,
      // The end day counts whole: entries before the next day's midnight.
      to: to() ? new Date(fromLocalInput(`${to()}T00:00`).getTime() + 86_400_000).toISOString() : null,
    };
  };
  // A new filter starts from the newest entry again.
  const refilter = (f: () => void) => {
    f();
    setPages([null]);
  };
  return (
    <section>
      <h1>{tr("审计日志", "Audit log")}</h1>
      <p class="muted">{tr("本所的登录、权限变更、积分调整、协议签署和导出等操作记录（时间为北京时间）", "Sign-ins, role changes, points adjustments, agreements and exports at this station (Beijing time)")}</p>
      <form class="audit-filters" role="search" aria-label={tr("筛选", "Filter")} onSubmit={(e) => e.preventDefault()}>
        <label>
          {tr("操作", "Action")}
          <select value={action()} onChange={(e) => refilter(() => setAction(e.currentTarget.value))} data-testid="audit-action">
            <option value="" selected={!action()}>{tr("全部操作", "All actions")}</option>
            <For each={actions.data?.auditActions ?? []}>{(a) => <option value={a.action} selected={a.action === action()}>{a.label}</option>}</For>
          </select>
        </label>
        <label>
          {tr("开始日期", "From")}
          <input type="date" value={from()} onChange={(e) => refilter(() => setFrom(e.currentTarget.value))} data-testid="audit-from" />
        </label>
        <label>
          {tr("结束日期", "To")}
          <input type="date" value={to()} onChange={(e) => refilter(() => setTo(e.currentTarget.value))} data-testid="audit-to" />
        </label>
      </form>
      <Show when={filter()} keyed fallback={<p class="muted">{tr("没有可查看的派出所", "No station to show")}</p>}>
        {(f) => (
          <For each={pages()}>
            {(after, i) => <Entries filter={f} after={after} last={i() === pages().length - 1} onMore={(c) => setPages([...pages(), c])} />}
          </For>
        )}
      </Show>
    </section>
  );
}
