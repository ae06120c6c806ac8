// The one way pages run a mutation. Network failures, "busy", unexpected errors and the payload's
// userErrors all end the same way: a typed result, errors on their fields (the first scrolled into
// view), and a toast. Success is reported only when the API answered without errors.
import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import type { AnyVariables, Client, OperationResult } from "@urql/core";
import { useClient } from "@urql/solid";
import { createEffect, createSignal, on, type Accessor } from "solid-js";
import { toast } from "../components/Toast";
import { expireSession } from "./auth";
import { isBusyError } from "./busy";
import type { FormState, UserError } from "./form";
import { tr } from "./i18n";

export interface Payload {
  userErrors: ReadonlyArray<UserError>;
}

export type ActionResult<P> =
  | { ok: true; payload: P }
  /** network: no answer; busy: the API asked to come back later; server: an error the API did not explain;
   *  user: the payload's userErrors; pending: the same action is still running (a second click). */
  | { ok: false; reason: "network" | "busy" | "server" | "user" | "pending"; errors: ReadonlyArray<UserError>; payload?: P };

export interface ActionOptions<D, P> {
  /** The mutation's payload in the answer, e.g. `(d) => d.createShift`. */
  pick: (data: D) => P | null | undefined;
  /** The toast on success; null for none. */
  success?: ((payload: P) => string) | null;
  /** Put the userErrors on this form's fields. */
  form?: FormState;
  onSuccess?: (payload: P) => void;
  /** The client to use (tests); the app's by default. */
  client?: Client;
}

export interface Action<V, P> {
  run: (variables: V) => Promise<ActionResult<P>>;
  pending: Accessor<boolean>;
}

export const MESSAGES = {
  // The request may have arrived before the line broke: say no answer came, not that nothing was saved (a
  // form with a request key sends the same change again on retry, which the API answers with the first).
  network: () => tr("网络连接失败，没有收到回复，请检查网络后重试", "Network error: no answer came back. Check the connection and try again"),
  busy: () => tr("服务繁忙，请稍后重试", "Service busy, please try again shortly"),
  // An error in the answer may come after the change committed (a field of the payload): the person looks first.
  server: () => tr("服务器出错，请刷新页面查看是否已保存，再决定是否重试", "Server error: reload the page to see whether it was saved before trying again"),
};

export function createAction<D, V extends AnyVariables, P extends Payload>(doc: TypedDocumentNode<D, V>, opts: ActionOptions<D, P>): Action<V, P> {
  const client = opts.client ?? useClient();
  const [pending, setPending] = createSignal(false);

  function fail(reason: "network" | "busy" | "server" | "user", errors: ReadonlyArray<UserError>, payload?: P): ActionResult<P> {
    // The session is over only when the error is about it; one on a field is about the input
    // (changePassword's wrong current password), and signing the person out for it would be wrong.
    if (errors.some((e) => e.code === "UNAUTHENTICATED" && !e.field?.length)) expireSession();
    const form = opts.form;
    if (form) {
      form.setUserErrors(errors);
      form.reveal();
    }
    toast.error(errors[0]?.message ?? MESSAGES[reason === "user" ? "server" : reason]());
    return { ok: false, reason, errors, payload };
  }

  function settle(r: OperationResult<D, V>): ActionResult<P> {
    const payload = r.data ? opts.pick(r.data) : null;
    if (r.error && !payload) {
      if (isBusyError(r.error)) return fail("busy", [{ code: "SERVICE_UNAVAILABLE", message: MESSAGES.busy() }]);
      if (r.error.networkError) return fail("network", [{ code: "NETWORK", message: MESSAGES.network() }]);
      const unauth = r.error.graphQLErrors.some((g) => g.extensions?.code === "UNAUTHENTICATED");
      return fail("server", [{ code: unauth ? "UNAUTHENTICATED" : "INTERNAL", message: MESSAGES.server() }]);
    }
    if (!payload) return fail("server", [{ code: "INTERNAL", message: MESSAGES.server() }]);
    if (payload.userErrors.length) return fail("user", payload.userErrors, payload);
    opts.form?.clear();
    const msg = opts.success?.(payload);
    if (msg) toast.success(msg);
    opts.onSuccess?.(payload);
    return { ok: true, payload };
  }

  async function run(variables: V): Promise<ActionResult<P>> {
    if (pending()) return { ok: false, reason: "pending", errors: [] };
    setPending(true);
    try {
      // network-only: a mutation's answer is never a cached one.
      return settle(await client.mutation(doc, variables, { requestPolicy: "network-only" }).toPromise());
    } catch {
      return fail("network", [{ code: "NETWORK", message: MESSAGES.network() }]);
    } finally {
      setPending(false);
    }
  }

  return { run, pending };
}

/**
 * A key for one intended change (the API answers a repeat with the first result): made when the form
 * opens and again after success. getRandomValues works on plain http too, unlike randomUUID.
 */
export function newRequestId(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * The key of a form's change as filled in: the same when it is sent again after a lost answer, a new one
 * whenever anything `source` reads changes (a field, the station, the form cleared after success).
 */
export function createRequestKey(source: () => unknown): Accessor<string> {
  const [key, setKey] = createSignal(newRequestId());
  createEffect(on(source, () => setKey(newRequestId()), { defer: true }));
  return key;
}
