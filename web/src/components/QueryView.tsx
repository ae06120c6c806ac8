// Every state of a query, once: loading, failed (with a retry), empty, not found, or the data.
// Never "加载中…" after the request has failed, and never an error and "加载中…" at once.
import type { CombinedError } from "@urql/core";
import { createMemo, Match, Show, Switch, type Accessor, type JSX } from "solid-js";
import { busy, isBusyError } from "../lib/busy";
import { tr } from "../lib/i18n";

export interface QueryLike<D> {
  data?: D;
  error?: CombinedError;
  fetching: boolean;
}

/** What to tell a person about a failed request. */
export function errorText(error: CombinedError | null | undefined): string {
  if (!error) return "";
  if (isBusyError(error)) return tr("服务繁忙，请稍后重试", "Service busy, please try again shortly");
  if (error.networkError) return tr("网络连接失败，请检查网络后重试", "Network error: check the connection and retry");
  const messages = error.graphQLErrors.map((g) => g.message).filter((m) => m && m !== "Unexpected error.");
  return messages.join("；") || tr("出错了，请稍后重试", "Something went wrong, please retry");
}

export function Loading(props: { text?: string }) {
  return (
    <p class="muted loading" role="status">
      {busy() ? tr("服务繁忙，正在重试…", "Service busy, retrying…") : (props.text ?? tr("加载中…", "Loading…"))}
    </p>
  );
}

export function ErrorView(props: { error: CombinedError | string; retry?: () => void }) {
  return (
    <div class="alert error-view" role="alert">
      <span>{typeof props.error === "string" ? props.error : errorText(props.error)}</span>
      <Show when={props.retry}>
        <button type="button" onClick={() => props.retry!()}>{tr("重试", "Retry")}</button>
      </Show>
    </div>
  );
}

/**
 * 没有找到 as a page of its own (an unknown address, or a call-up, bulletin or person that is not
 * there or not the viewer's): with the page's heading, which the found page would have had.
 */
export function NotFound(props: { message?: string }) {
  return (
    <>
      <h1>{tr("没有找到", "Not found")}</h1>
      <p class="muted" role="status">{props.message ?? tr("没有这个页面，或你无权查看", "No such page, or not yours to see")}</p>
      <p><a href="/">{tr("返回首页", "Back to the start")}</a></p>
    </>
  );
}

export function QueryView<D, T = D>(props: {
  query: QueryLike<D>;
  /** The part of the answer the page shows; null/undefined means "not found". */
  select?: (data: D) => T | null | undefined;
  retry: () => void;
  /** Is the selected value empty? Then `empty` shows instead of the children. */
  isEmpty?: (value: T) => boolean;
  empty?: JSX.Element;
  notFound?: JSX.Element;
  loading?: JSX.Element;
  children: (value: Accessor<T>) => JSX.Element;
}) {
  const value = createMemo(() => {
    const d = props.query.data;
    if (d === undefined || d === null) return undefined;
    return props.select ? props.select(d) : (d as unknown as T);
  });
  const state = createMemo(() => {
    const v = value();
    if (v !== undefined && v !== null) return props.isEmpty?.(v) ? "empty" : "data";
    if (props.query.error) return "error";
    if (props.query.data !== undefined && props.query.data !== null && !props.query.fetching) return "notFound";
    return "loading";
  });
  return (
    <Switch>
      <Match when={state() === "data"}>
        <Show when={props.query.error}>
          <ErrorView error={props.query.error!} retry={props.retry} />
        </Show>
        {props.children(value as Accessor<T>)}
      </Match>
      <Match when={state() === "empty"}>
        {props.empty ?? <p class="muted empty">{tr("暂无内容", "Nothing here yet")}</p>}
      </Match>
      <Match when={state() === "error"}>
        <ErrorView error={props.query.error!} retry={props.retry} />
      </Match>
      <Match when={state() === "notFound"}>
        {props.notFound ?? <p class="muted" role="status">{tr("没有找到", "Not found")}</p>}
      </Match>
      <Match when={state() === "loading"}>{props.loading ?? <Loading />}</Match>
    </Switch>
  );
}
