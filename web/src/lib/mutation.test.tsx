// The one mutation helper: network failure, busy, userErrors and success all end as they must.
import { Client } from "@urql/core";
import { render, screen, waitFor } from "@solidjs/testing-library";
import { createRoot } from "solid-js";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { Field, Form, FormErrors } from "../components/Field";
import { ToastHost, toast } from "../components/Toast";
import { RegisterVolunteerDocument } from "../gql/graphql";
import { setToken, token } from "./auth";
import { networkExchanges } from "./client";
import { createFormState } from "./form";
import { createAction, type ActionResult } from "./mutation";

type Answer = { status?: number; body?: unknown; fail?: boolean; text?: string };

function fakeFetch(answers: Answer[]) {
  const calls: RequestInit[] = [];
  const fn = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    calls.push(init ?? {});
    const a = answers[Math.min(calls.length - 1, answers.length - 1)]!;
    if (a.fail) throw new TypeError("Failed to fetch");
    if (a.text !== undefined) return new Response(a.text, { status: a.status ?? 200, headers: { "content-type": "text/plain", "retry-after": "1" } });
    return new Response(JSON.stringify(a.body ?? {}), { status: a.status ?? 200, headers: { "content-type": "application/json", ...(a.status === 503 ? { "retry-after": "1" } : {}) } });
  });
  return { fn, calls };
}

const clientWith = (fetch: typeof globalThis.fetch) => new Client({ url: "http://api.test/graphql", exchanges: networkExchanges(null), fetch });

const payload = (p: Record<string, unknown>) => ({ data: { registerVolunteer: { __typename: "RegisterVolunteerPayload", volunteer: null, userErrors: [], ...p } } });
const vars = { input: { teamId: "t", name: "方晓燕", phone: "12345" } };

function setup(answers: Answer[], withForm = false) {
  const f = fakeFetch(answers);
  const onSuccess = vi.fn();
  let action!: ReturnType<typeof createAction<any, any, any>>;
  let form: ReturnType<typeof createFormState> | undefined;
  render(() => {
    form = withForm ? createFormState() : undefined;
    action = createAction(RegisterVolunteerDocument, { client: clientWith(f.fn as never), pick: (d) => d.registerVolunteer, form, success: () => "义警已登记", onSuccess });
    return (
      <>
        {withForm ? (
          <Form form={form!} onSubmit={() => {}}>
            <Field name="phone" label="手机号">{(a) => <input {...a} />}</Field>
            <FormErrors />
          </Form>
        ) : null}
        <ToastHost />
      </>
    );
  });
  return { ...f, onSuccess, run: () => action.run(vars) as Promise<ActionResult<any>>, action: () => action, form: () => form! };
}

beforeEach(() => {
  Element.prototype.scrollIntoView = vi.fn();
});
afterEach(() => setToken(null));

describe("createAction", () => {
  it("a network failure is a failure: no success toast, no onSuccess, an error toast that says no answer came (not that nothing was saved)", async () => {
    const s = setup([{ fail: true }]);
    const r = await s.run();
    expect(r).toMatchObject({ ok: false, reason: "network" });
    expect(s.onSuccess).not.toHaveBeenCalled();
    expect(screen.queryByTestId("toast-success")).toBeNull();
    const text = (await screen.findByTestId("toast-error")).textContent;
    expect(text).toContain("网络连接失败");
    expect(text).toContain("没有收到回复");
  });

  it("a busy answer is reported and the mutation is not retried", async () => {
    const s = setup([{ status: 503, body: { errors: [{ message: "busy", extensions: { code: "SERVICE_UNAVAILABLE" } }] } }, { body: payload({}) }]);
    const r = await s.run();
    expect(r).toMatchObject({ ok: false, reason: "busy" });
    await new Promise((res) => setTimeout(res, 1500));
    expect(s.fn).toHaveBeenCalledTimes(1);
    expect((await screen.findByTestId("toast-error")).textContent).toContain("服务繁忙");
  });

  it("a plain HTTP 503 (a proxy's page, no GraphQL body) is busy too", async () => {
    const s = setup([{ status: 503, text: "Service Unavailable" }]);
    expect(await s.run()).toMatchObject({ ok: false, reason: "busy" });
    expect(s.fn).toHaveBeenCalledTimes(1);
  });

  it("an unexplained GraphQL error is a failure, and the toast does not claim nothing was saved (the change may have committed)", async () => {
    const s = setup([{ body: { data: null, errors: [{ message: "Unexpected error." }] } }]);
    expect(await s.run()).toMatchObject({ ok: false, reason: "server" });
    expect(s.onSuccess).not.toHaveBeenCalled();
    const text = (await screen.findByTestId("toast-error")).textContent;
    expect(text).toContain("查看是否已保存");
    expect(text).not.toContain("没有完成");
  });

  it("userErrors go to their fields, the rest above the button; the first is scrolled into view", async () => {
    const s = setup([{ body: payload({ userErrors: [{ code: "VALIDATION", message: "手机号格式不正确", field: ["input", "phone"] }, { code: "CONFLICT", message: "该队伍已满", field: null }] }) }], true);
    const r = await s.run();
    expect(r).toMatchObject({ ok: false, reason: "user" });
    const input = screen.getByLabelText("手机号");
    await waitFor(() => expect(input.getAttribute("aria-invalid")).toBe("true"));
    expect(screen.getByText("手机号格式不正确", { selector: ".field-error" })).toBeTruthy();
    expect(document.querySelector(".form-errors")!.textContent).toContain("该队伍已满");
    await waitFor(() => expect(Element.prototype.scrollIntoView).toHaveBeenCalled());
    expect((Element.prototype.scrollIntoView as ReturnType<typeof vi.fn>).mock.contexts[0]).toBe(input);
    expect(s.onSuccess).not.toHaveBeenCalled();
  });

  it("success: a toast, onSuccess, and the form's old errors cleared", async () => {
    const s = setup([{ body: payload({ userErrors: [{ code: "VALIDATION", message: "手机号格式不正确", field: ["input", "phone"] }] }) }, { body: payload({ volunteer: { __typename: "Volunteer", id: "v1", displayName: "方晓燕", phone: "13712345678" } }) }], true);
    await s.run();
    const r = await s.run();
    expect(r.ok).toBe(true);
    expect(s.onSuccess).toHaveBeenCalledTimes(1);
    expect((await screen.findByTestId("toast-success")).textContent).toContain("义警已登记");
    expect(s.form().errors()).toEqual({});
  });

  it("a second click while the first is on its way sends nothing", async () => {
    const s = setup([{ body: payload({}) }]);
    const [a, b] = await Promise.all([s.run(), s.run()]);
    expect(a.ok).toBe(true);
    expect(b).toMatchObject({ ok: false, reason: "pending" });
    expect(s.fn).toHaveBeenCalledTimes(1);
  });

  it("an UNAUTHENTICATED answer ends the session", async () => {
    setToken("old-token");
    const s = setup([{ body: payload({ userErrors: [{ code: "UNAUTHENTICATED", message: "请先登录", field: null }] }) }]);
    await s.run();
    expect(token()).toBeNull();
  });

  it("an UNAUTHENTICATED about an input (a wrong current password) keeps the session", async () => {
    setToken("old-token");
    const s = setup([{ body: payload({ userErrors: [{ code: "UNAUTHENTICATED", message: "当前密码不正确", field: ["input", "currentPassword"] }] }) }]);
    const r = await s.run();
    expect(r).toMatchObject({ ok: false, reason: "user" });
    expect(token()).toBe("old-token");
  });
});

describe("queries on a busy API", () => {
  it("retry by themselves until the API answers", async () => {
    const f = fakeFetch([{ status: 503, body: { errors: [{ message: "busy", extensions: { code: "SERVICE_UNAVAILABLE" } }] } }, { body: { data: { viewer: null } } }]);
    const client = clientWith(f.fn as never);
    const { ViewerDocument } = await import("../gql/graphql");
    const r = await createRoot(() => client.query(ViewerDocument, {}).toPromise());
    expect(r.error).toBeUndefined();
    expect(r.data).toEqual({ viewer: null });
    expect(f.fn).toHaveBeenCalledTimes(2);
  });
});

void toast;
