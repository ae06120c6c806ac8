import { Show } from "solid-js";
import { label, toneOf, type EnumName, type Tone } from "../lib/labels";

/** A status or kind in a pill: an enum value by its label, or a plain text with a tone. */
export function Badge<N extends EnumName>(props: { enum?: N; value?: string | null; text?: string; tone?: Tone }) {
  const text = () => props.text ?? (props.enum ? label(props.enum, props.value as never) : (props.value ?? ""));
  return (
    <Show when={text()}>
      <span class={`badge ${props.tone ?? toneOf(props.value) ?? ""}`}>{text()}</span>
    </Show>
  );
}
