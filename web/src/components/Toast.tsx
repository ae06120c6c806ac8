// Success and failure where the eye is: a message fixed at the bottom of the screen, whatever was scrolled.
import { createSignal, For } from "solid-js";
import { tr } from "../lib/i18n";

export interface ToastItem {
  id: number;
  kind: "success" | "error" | "info";
  text: string;
}

const [items, setItems] = createSignal<ToastItem[]>([]);
let nextId = 1;

function push(kind: ToastItem["kind"], text: string, ms: number) {
  const id = nextId++;
  // One message of a kind at a time: a second click does not stack copies.
  setItems((list) => [...list.filter((t) => t.text !== text), { id, kind, text }].slice(-3));
  if (ms > 0) setTimeout(() => dismiss(id), ms);
  return id;
}
export function dismiss(id: number) {
  setItems((list) => list.filter((t) => t.id !== id));
}

export const toast = {
  success: (text: string) => push("success", text, 5000),
  error: (text: string) => push("error", text, 9000),
  info: (text: string) => push("info", text, 5000),
  clear: () => setItems([]),
  items,
};

export function ToastHost() {
  return (
    <div class="toasts" data-testid="toasts">
      <For each={items()}>
        {(t) => (
          <div class={`toast ${t.kind}`} role={t.kind === "error" ? "alert" : "status"} data-testid={`toast-${t.kind}`}>
            <span>{t.text}</span>
            <button type="button" class="toast-close" onClick={() => dismiss(t.id)}>
              <span aria-hidden="true">×</span>
              <span class="sr-only">{tr("关闭", "Close")}</span>
            </button>
          </div>
        )}
      </For>
    </div>
  );
}
