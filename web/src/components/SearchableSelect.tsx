// Pick one item out of a long paged list (a team's 200+ members): type to search, load more at the end.
// It takes a query function, so the search can move to the server (a `search` argument) without
// changing the component; `searchPages` searches an existing connection on the client meanwhile.
import { createSignal, createUniqueId, For, onCleanup, Show } from "solid-js";
import { tr } from "../lib/i18n";

export interface Option {
  id: string;
  label: string;
  /** a second line: squad, partner … */
  detail?: string;
}
export interface OptionPage {
  items: Option[];
  hasNextPage: boolean;
  endCursor: string | null;
}
/** One page of options matching `search`, after the cursor `after`. */
export type LoadOptions = (search: string, after: string | null) => Promise<OptionPage>;

/**
 * Client-side search over a paged connection: fetches pages (`after` cursors) and keeps the items
 * whose label or detail contains the text, until `want` matches or `maxPages` pages per call.
 */
export function searchPages(fetchPage: (after: string | null) => Promise<OptionPage>, want = 20, maxPages = 5): LoadOptions {
  return async (search, after) => {
    const needle = search.trim().toLowerCase();
    const items: Option[] = [];
    let cursor = after;
    for (let n = 0; n < maxPages; n++) {
      const page = await fetchPage(cursor);
      for (const o of page.items) if (!needle || o.label.toLowerCase().includes(needle) || o.detail?.toLowerCase().includes(needle)) items.push(o);
      cursor = page.endCursor;
      if (!page.hasNextPage) return { items, hasNextPage: false, endCursor: cursor };
      if (items.length >= want) break;
    }
    return { items, hasNextPage: true, endCursor: cursor };
  };
}

export function SearchableSelect(props: {
  load: LoadOptions;
  value: Option | null;
  onChange: (option: Option | null) => void;
  id?: string;
  placeholder?: string;
  /** an option meaning "none" (e.g. 集体), shown first */
  noneLabel?: string;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
  "aria-label"?: string;
  testId?: string;
}) {
  const uid = createUniqueId();
  const listId = `${props.id ?? uid}-list`;
  const [open, setOpen] = createSignal(false);
  const [text, setText] = createSignal<string | null>(null);
  const [items, setItems] = createSignal<Option[]>([]);
  const [more, setMore] = createSignal<string | null>(null);
  const [loading, setLoading] = createSignal(false);
  const [failed, setFailed] = createSignal(false);
  const [active, setActive] = createSignal(-1);
  let request = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  onCleanup(() => clearTimeout(timer));

  const shown = () => (text() ?? props.value?.label ?? "");
  const choices = (): Option[] => (props.noneLabel ? [{ id: "", label: props.noneLabel }, ...items()] : items());

  async function fetchPage(append: boolean) {
    const mine = ++request;
    setLoading(true);
    setFailed(false);
    try {
      const page = await props.load(text() ?? "", append ? more() : null);
      if (mine !== request) return;
      setItems(append ? [...items(), ...page.items] : page.items);
      setMore(page.hasNextPage ? page.endCursor : null);
    } catch {
      if (mine === request) setFailed(true);
    } finally {
      if (mine === request) setLoading(false);
    }
  }

  function show() {
    if (open()) return;
    setOpen(true);
    setActive(-1);
    void fetchPage(false);
  }
  function choose(o: Option) {
    props.onChange(o.id ? o : null);
    setText(null);
    setOpen(false);
  }
  function onKey(e: KeyboardEvent) {
    const list = choices();
    if (e.key === "ArrowDown") {
      e.preventDefault();
      if (!open()) return show();
      setActive(Math.min(active() + 1, list.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setActive(Math.max(active() - 1, 0));
    } else if (e.key === "Enter" && open() && active() >= 0 && list[active()]) {
      e.preventDefault();
      choose(list[active()]!);
    } else if (e.key === "Escape" && open()) {
      e.preventDefault();
      setText(null);
      setOpen(false);
    }
  }

  return (
    <div class="combo" data-testid={props.testId}>
      <input
        id={props.id}
        type="text"
        role="combobox"
        autocomplete="off"
        aria-autocomplete="list"
        aria-expanded={open() ? "true" : "false"}
        aria-controls={listId}
        aria-activedescendant={open() && active() >= 0 ? `${listId}-${active()}` : undefined}
        aria-invalid={props["aria-invalid"]}
        aria-describedby={props["aria-describedby"]}
        aria-label={props["aria-label"]}
        placeholder={props.placeholder ?? tr("输入姓名搜索", "Type a name to search")}
        value={shown()}
        onFocus={show}
        onClick={show}
        onKeyDown={onKey}
        onInput={(e) => {
          setText(e.currentTarget.value);
          setOpen(true);
          setActive(-1);
          clearTimeout(timer);
          timer = setTimeout(() => void fetchPage(false), 200);
        }}
        onBlur={() => {
          setOpen(false);
          setText(null);
        }}
      />
      <Show when={open()}>
        {/* mousedown keeps the focus in the input, so a click chooses before blur closes the list */}
        <div class="combo-pop" onMouseDown={(e) => e.preventDefault()}>
          <ul id={listId} role="listbox" aria-label={props["aria-label"] ?? tr("选项", "Options")}>
            <For each={choices()}>
              {(o, i) => (
                <li id={`${listId}-${i()}`} role="option" aria-selected={props.value?.id === o.id || (!props.value && !o.id) ? "true" : "false"} classList={{ active: active() === i() }} onClick={() => choose(o)}>
                  {o.label}
                  <Show when={o.detail}>
                    <span class="muted"> · {o.detail}</span>
                  </Show>
                </li>
              )}
            </For>
          </ul>
          <Show when={loading()}>
            <p class="muted combo-note" role="status">{tr("加载中…", "Loading…")}</p>
          </Show>
          <Show when={failed()}>
            <p class="combo-note" role="alert">
              {tr("加载失败", "Could not load")} <button type="button" onClick={() => void fetchPage(items().length > 0)}>{tr("重试", "Retry")}</button>
            </p>
          </Show>
          <Show when={!loading() && !failed() && !items().length}>
            <p class="muted combo-note">{tr("没有匹配的人", "No match")}</p>
          </Show>
          <Show when={!loading() && more()}>
            <button type="button" class="combo-more" onClick={() => void fetchPage(true)}>{tr("加载更多", "Load more")}</button>
          </Show>
        </div>
      </Show>
    </div>
  );
}
