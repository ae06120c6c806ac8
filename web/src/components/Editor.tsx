// A form that appears only when asked for, so that a card lists its things and not a form for each.
import { createSignal, Show, type JSX } from "solid-js";
import { tr } from "../lib/i18n";

export function Editor(props: { label: string; children: JSX.Element }) {
  const [open, setOpen] = createSignal(false);
  return (
    <>
      <button type="button" aria-expanded={open()} onClick={() => setOpen(!open())}>{open() ? tr("收起", "Close") : props.label}</button>
      <Show when={open()}>{props.children}</Show>
    </>
  );
}
