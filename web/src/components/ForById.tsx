import { createMemo, For, Show, type JSX } from "solid-js";

/**
 * A list kept by row id: a refetch (new objects for the same rows) updates each row in place instead
 * of making it again, so what a row holds — an open QR scanner, a typed code — survives the refetch.
 */
export function ForById<T extends { id: string }>(props: { each: readonly T[]; children: (item: () => T) => JSX.Element }) {
  const byId = createMemo(() => new Map(props.each.map((x) => [x.id, x])));
  const ids = createMemo(() => props.each.map((x) => x.id));
  return <For each={ids()}>{(id) => <Show when={byId().get(id)}>{(item) => props.children(item)}</Show>}</For>;
}
