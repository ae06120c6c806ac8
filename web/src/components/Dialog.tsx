// In-page dialogs instead of the browser's confirm()/prompt(): they follow the app's language and
// styling, are modal, close with Esc, and return a promise.
import { createSignal, createUniqueId, onCleanup, onMount, Show } from "solid-js";
import { tr } from "../lib/i18n";

interface Request {
  title: string;
  message?: string;
  confirm: string;
  cancel: string;
  danger: boolean;
  /** set for a prompt: the input's label */
  input?: { label: string; required: boolean };
  resolve: (value: string | boolean | null) => void;
}

const [current, setCurrent] = createSignal<Request | null>(null);

export function confirmDialog(o: { title: string; message?: string; confirm?: string; cancel?: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => {
    current()?.resolve(null);
    setCurrent({ title: o.title, message: o.message, confirm: o.confirm ?? tr("确定", "OK"), cancel: o.cancel ?? tr("取消", "Cancel"), danger: !!o.danger, resolve: (v) => resolve(v === true) });
  });
}

/** Closes an open dialog as if cancelled (the person changed: it was the previous one's question). */
export function closeDialogs() {
  current()?.resolve(null);
  setCurrent(null);
}

export function promptDialog(o: { title: string; label: string; message?: string; confirm?: string; cancel?: string; required?: boolean }): Promise<string | null> {
  return new Promise((resolve) => {
    current()?.resolve(null);
    setCurrent({
      title: o.title,
      message: o.message,
      confirm: o.confirm ?? tr("确定", "OK"),
      cancel: o.cancel ?? tr("取消", "Cancel"),
      danger: false,
      input: { label: o.label, required: o.required ?? true },
      resolve: (v) => resolve(typeof v === "string" ? v : null),
    });
  });
}

function DialogBox(props: { req: Request }) {
  const id = createUniqueId();
  const [value, setValue] = createSignal("");
  const [tried, setTried] = createSignal(false);
  let box!: HTMLDivElement;
  const before = document.activeElement as HTMLElement | null;
  const close = (v: string | boolean | null) => {
    setCurrent(null);
    props.req.resolve(v);
    before?.focus?.();
  };
  const submit = (e: Event) => {
    e.preventDefault();
    if (props.req.input) {
      setTried(true);
      if (props.req.input.required && !value().trim()) return;
      close(value().trim());
    } else close(true);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.preventDefault();
      close(props.req.input ? null : false);
    }
    if (e.key === "Tab") {
      // Keep the focus inside the dialog.
      const f = [...box.querySelectorAll<HTMLElement>("input, textarea, button")].filter((x) => !x.hasAttribute("disabled"));
      if (!f.length) return;
      const first = f[0]!, last = f[f.length - 1]!;
      if (e.shiftKey && document.activeElement === first) (e.preventDefault(), last.focus());
      else if (!e.shiftKey && document.activeElement === last) (e.preventDefault(), first.focus());
    }
  };
  onMount(() => {
    // A dangerous question starts on 取消: a second Enter (or a held one) after the one that submitted the form
    // that asked must not answer it (WAI-ARIA: focus the least destructive action).
    const start = props.req.danger && !props.req.input ? "button[type=button]" : "button[type=submit]";
    (box.querySelector<HTMLElement>("input, textarea") ?? box.querySelector<HTMLElement>(start))?.focus();
    document.addEventListener("keydown", onKey);
  });
  onCleanup(() => document.removeEventListener("keydown", onKey));
  const missing = () => tried() && !!props.req.input?.required && !value().trim();
  return (
    // No closing by a tap beside the box: the second tap of a double tap on the button that opened it lands
    // there (a sign or cancel dialog flashed and was gone), and a slip would drop a typed reason. 取消 and Esc close.
    <div class="dialog-backdrop">
      <div ref={box} class="dialog" role="dialog" aria-modal="true" aria-labelledby={`${id}-t`} aria-describedby={props.req.message ? `${id}-m` : undefined}>
        <form onSubmit={submit}>
          <h2 id={`${id}-t`}>{props.req.title}</h2>
          <Show when={props.req.message}>
            <p id={`${id}-m`}>{props.req.message}</p>
          </Show>
          <Show when={props.req.input}>
            <label for={`${id}-i`}>{props.req.input!.label}</label>
            <textarea id={`${id}-i`} rows="3" value={value()} aria-invalid={missing() ? "true" : undefined} aria-describedby={missing() ? `${id}-e` : undefined} onInput={(e) => setValue(e.currentTarget.value)} />
            <Show when={missing()}>
              <div id={`${id}-e`} class="field-error">{tr("请填写", "Required")}</div>
            </Show>
          </Show>
          <div class="dialog-actions">
            <button type="button" onClick={() => close(props.req.input ? null : false)}>{props.req.cancel}</button>
            <button type="submit" class={props.req.danger ? "primary danger" : "primary"}>{props.req.confirm}</button>
          </div>
        </form>
      </div>
    </div>
  );
}

export function DialogHost() {
  return (
    <Show when={current()} keyed>
      {(req) => <DialogBox req={req} />}
    </Show>
  );
}
