// A form's errors: each shown beside its field, the rest above the submit button, the first scrolled
// into view. Errors come from the API's `userErrors { code message field }` or from a required field left empty.
import { createContext, createSignal, useContext, type Accessor } from "solid-js";
import { tr } from "./i18n";

export interface UserError {
  code: string;
  message: string;
  field?: ReadonlyArray<string> | null;
}

interface Registered {
  id: string;
  label: string;
  required: boolean;
}

export interface FormState {
  /** field name → message */
  errors: Accessor<Readonly<Record<string, string>>>;
  /** errors no field of this form shows */
  general: Accessor<readonly string[]>;
  setUserErrors(errors: ReadonlyArray<UserError>): void;
  clear(): void;
  clearField(name: string): void;
  register(name: string, f: Registered): () => void;
  /** Required fields left empty → their errors; true when none. */
  validate(): boolean;
  /** The form element (set by <Form>), where errors are looked for. */
  element?: HTMLElement;
  /** Scroll the first error into view and focus its field. */
  reveal(): void;
}

/**
 * The field a user error points at: its path's last name (`["input", "phone"]` → `phone`); an item of
 * a list belongs to the list's field (`["input", "photos", "1"]` → `photos`).
 */
export const fieldOf = (e: UserError) => [...(e.field ?? [])].reverse().find((p) => !/^\d+$/.test(p)) ?? null;

export function createFormState(): FormState {
  const [errors, setErrors] = createSignal<Record<string, string>>({});
  const [general, setGeneral] = createSignal<string[]>([]);
  const fields = new Map<string, Registered>();
  const state: FormState = {
    errors,
    general,
    setUserErrors(list) {
      const byField: Record<string, string> = {};
      const rest: string[] = [];
      for (const e of list) {
        const name = fieldOf(e);
        if (name && fields.has(name) && !byField[name]) byField[name] = e.message;
        else rest.push(e.message);
      }
      setErrors(byField);
      setGeneral(rest);
    },
    clear() {
      setErrors({});
      setGeneral([]);
    },
    clearField(name) {
      if (errors()[name]) {
        const { [name]: _gone, ...rest } = errors();
        setErrors(rest);
      }
    },
    register(name, f) {
      fields.set(name, f);
      return () => fields.delete(name);
    },
    validate() {
      const missing: Record<string, string> = {};
      for (const [name, f] of fields) {
        if (!f.required) continue;
        const el = (state.element ?? document).querySelector<HTMLInputElement>(`[id="${f.id}"]`);
        if (el && !el.value.trim()) missing[name] = tr(`请填写${f.label}`, `${f.label} is required`);
      }
      setErrors(missing);
      setGeneral([]);
      return Object.keys(missing).length === 0;
    },
    reveal() {
      // After the DOM shows the errors.
      queueMicrotask(() => {
        const root = state.element ?? document;
        const first = root.querySelector<HTMLElement>('[aria-invalid="true"], .form-errors');
        if (!first) return;
        first.scrollIntoView?.({ block: "center", behavior: "smooth" });
        if (first.matches("input, select, textarea")) first.focus({ preventScroll: true });
      });
    },
  };
  return state;
}

export const FormContext = createContext<FormState>();
export const useForm = () => useContext(FormContext);

/** A whole number typed into a text field: null when left empty, NaN when it is not a whole number. */
export function wholeNumber(text: string): number | null {
  const t = text.trim().replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0));
  if (!t) return null;
  return /^-?\d+$/.test(t) ? Number(t) : NaN;
}

/**
 * Whole-number fields checked before sending: each bad one gets "请输入整数" beside it (and the first
 * is revealed). Returns the numbers, or null when one was bad.
 */
export function wholeNumbers<K extends string>(form: FormState, texts: Record<K, string>): Record<K, number | null> | null {
  const out = {} as Record<K, number | null>;
  const bad: UserError[] = [];
  for (const [name, text] of Object.entries(texts) as [K, string][]) {
    const n = wholeNumber(text);
    if (Number.isNaN(n)) bad.push({ code: "VALIDATION", message: tr("请输入整数", "Enter a whole number"), field: ["input", name] });
    out[name] = n;
  }
  if (!bad.length) return out;
  form.setUserErrors(bad);
  form.reveal();
  return null;
}
