// A table that may be wider than a phone scrolls sideways inside this frame, never the page. The frame is a
// labelled region that takes the keyboard's focus, so someone without a pointer can scroll it too (axe:
// scrollable-region-focusable); whether it overflows depends on the data of the day, so it always can.
import type { JSX } from "solid-js";

export function TableWrap(props: { label: string; class?: string; children: JSX.Element }) {
  return (
    <div class={props.class ? `table-wrap ${props.class}` : "table-wrap"} role="region" aria-label={props.label} tabindex="0">
      {props.children}
    </div>
  );
}
