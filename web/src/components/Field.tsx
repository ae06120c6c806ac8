// A label, its input and the input's error, tied together for screen readers; <Form> gives fields
// their errors and checks required ones before it submits.
import { createUniqueId, onCleanup, Show, type JSX } from "solid-js";
import { FormContext, useForm, type FormState } from "../lib/form";
import { tr } from "../lib/i18n";

export interface FieldAttrs {
  id: string;
  name: string;
  "aria-invalid"?: "true";
  "aria-describedby"?: string;
  "aria-required"?: "true";
}

export function Field(props: { name: string; label: string; hint?: JSX.Element; required?: boolean; class?: string; children: (attrs: FieldAttrs) => JSX.Element }) {
  const form = useForm();
  const id = `f-${props.name}-${createUniqueId()}`;
  if (form) onCleanup(form.register(props.name, { id, label: props.label, required: !!props.required }));
  const error = () => form?.errors()[props.name];
  const described = () => [error() ? `${id}-error` : null, props.hint ? `${id}-hint` : null].filter(Boolean).join(" ") || undefined;
  return (
    <div class={`field ${props.class ?? ""}`} data-field={props.name} onInput={() => form?.clearField(props.name)} onChange={() => form?.clearField(props.name)}>
      <label for={id}>
        {props.label}
        <Show when={props.required}>
          <span class="required" aria-hidden="true"> *</span>
        </Show>
      </label>
      {props.children({
        id,
        name: props.name,
        get "aria-invalid"() {
          return error() ? ("true" as const) : undefined;
        },
        get "aria-describedby"() {
          return described();
        },
        "aria-required": props.required ? "true" : undefined,
      })}
      <Show when={props.hint}>
        <div id={`${id}-hint`} class="muted">{props.hint}</div>
      </Show>
      <Show when={error()}>
        <div id={`${id}-error`} class="field-error">{error()}</div>
      </Show>
    </div>
  );
}

/** Errors that belong to no field, where the eye is: just above the submit button. */
export function FormErrors(props: { form?: FormState }) {
  const form = props.form ?? useForm();
  return (
    <Show when={form?.general().length}>
      <div class="alert form-errors" role="alert">
        {form!.general().map((m) => (
          <div>{m}</div>
        ))}
      </div>
    </Show>
  );
}

/** A form with a FormState: fields get their errors; required fields are checked before onSubmit runs. */
export function Form(props: { form: FormState; onSubmit: () => void | Promise<unknown>; label?: string; class?: string; children: JSX.Element; testId?: string }) {
  return (
    <FormContext.Provider value={props.form}>
      <form
        ref={(el) => (props.form.element = el)}
        class={props.class ?? "card"}
        aria-label={props.label}
        data-testid={props.testId}
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (!props.form.validate()) return props.form.reveal();
          void props.onSubmit();
        }}
      >
        {props.children}
      </form>
    </FormContext.Provider>
  );
}

/** The submit button: disabled and saying so while the form is being sent. */
export function Submit(props: { pending: boolean; children: JSX.Element; busyText?: string; class?: string }) {
  return (
    <button type="submit" class={props.class ?? "primary"} disabled={props.pending} aria-busy={props.pending ? "true" : undefined}>
      <Show when={!props.pending} fallback={props.busyText ?? tr("提交中…", "Sending…")}>
        {props.children}
      </Show>
    </button>
  );
}
