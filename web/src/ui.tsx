import { For, Show, type JSX } from "solid-js";
import type { CombinedError } from "@urql/core";
import { label, tr } from "./i18n";

export interface UserErrorLike {
  code: string;
  message: string;
  field?: ReadonlyArray<string> | null;
}

export function Loading() {
  return <p class="muted" role="status">{tr("加载中…", "Loading…")}</p>;
}

export function ErrorBox(props: { error?: CombinedError | string | null }) {
  const text = () => {
    const e = props.error;
    if (!e) return null;
    if (typeof e === "string") return e;
    if (e.networkError) return tr("网络连接失败，请稍后重试", "Network error, please retry");
    return e.graphQLErrors.map((g) => g.message).join("；") || e.message;
  };
  return (
    <Show when={text()}>
      <div class="alert" role="alert">{text()}</div>
    </Show>
  );
}

export function UserErrors(props: { errors?: ReadonlyArray<UserErrorLike> | null }) {
  return (
    <Show when={props.errors?.length}>
      <div class="alert" role="alert">
        <For each={props.errors}>{(e) => <div>{e.message}</div>}</For>
      </div>
    </Show>
  );
}

export function Badge(props: { value: string | null | undefined; kind?: "ok" | "warn" | "bad" }) {
  return <span class={`badge ${props.kind ?? ""}`}>{label(props.value)}</span>;
}

export function statusKind(s: string | null | undefined): "ok" | "warn" | "bad" | undefined {
  if (!s) return undefined;
  if (["CONFIRMED", "COMPLETED", "ACTIVE", "APPROVED", "ON_TRACK", "CHECKED_IN", "CHECKED_OUT"].includes(s)) return "ok";
  if (["WAITLISTED", "AWAITING_SIGNATURES", "SUBMITTED", "AT_RISK", "DRAFT"].includes(s)) return "warn";
  if (["CANCELLED", "NO_SHOW", "REJECTED", "MISSED", "TERMINATED", "EXPIRED"].includes(s)) return "bad";
  return undefined;
}

export function Field(props: { label: string; children: JSX.Element; hint?: string }) {
  return (
    <div>
      <label>
        {props.label}
        {props.children}
      </label>
      <Show when={props.hint}>
        <div class="muted">{props.hint}</div>
      </Show>
    </div>
  );
}

/** Shanghai-local "YYYY-MM-DDTHH:mm" for <input type="datetime-local"> and back. */
export function toLocalInput(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16);
}
export function fromLocalInput(v: string): Date {
  return new Date(new Date(`${v}:00Z`).getTime() - 8 * 3600_000);
}
