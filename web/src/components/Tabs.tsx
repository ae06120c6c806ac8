// Tabs as the ARIA tabs pattern has them: one tab stop (the chosen tab), arrow keys, Home and End
// move and choose, and the panel is named by its tab.
import { createUniqueId, For, type JSX } from "solid-js";

export function Tabs<K extends string>(props: { label: string; tabs: { key: K; label: string }[]; value: K; onChange: (key: K) => void; children: JSX.Element }) {
  const id = createUniqueId();
  let list: HTMLDivElement | undefined;
  const choose = (i: number) => {
    const n = props.tabs.length;
    const t = props.tabs[(i + n) % n]!;
    props.onChange(t.key);
    list?.querySelector<HTMLElement>(`#${CSS.escape(`${id}-${t.key}`)}`)?.focus();
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const i = props.tabs.findIndex((t) => t.key === props.value);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: props.tabs.length - 1 }[e.key];
    if (to === undefined) return;
    e.preventDefault();
    choose(to);
  };
  return (
    <>
      <div class="segmented" role="tablist" aria-label={props.label} ref={list} onKeyDown={onKeyDown}>
        <For each={props.tabs}>
          {(t) => (
            <button
              type="button"
              role="tab"
              id={`${id}-${t.key}`}
              aria-controls={`${id}-panel`}
              aria-selected={props.value === t.key ? "true" : "false"}
              tabindex={props.value === t.key ? 0 : -1}
              onClick={() => props.onChange(t.key)}
            >
              {t.label}
            </button>
          )}
        </For>
      </div>
      <div role="tabpanel" id={`${id}-panel`} aria-labelledby={`${id}-${props.value}`}>
        {props.children}
      </div>
    </>
  );
}
