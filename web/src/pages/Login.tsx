// Sign in: then to the page that was asked for (?next=), else the role's home ("/" decides).
import { useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal, Show } from "solid-js";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { LangToggle } from "../components/TopBar";
import { SignInDocument } from "../gql/graphql";
import { expired, safeNext, setToken } from "../lib/auth";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { createAction } from "../lib/mutation";

export default function Login() {
  const [phone, setPhone] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const form = createFormState();
  const signIn = createAction(SignInDocument, { pick: (d) => d.signIn, form, success: null });

  async function submit() {
    const r = await signIn.run({ input: { phone: phone().trim(), password: password() } });
    if (!r.ok || !r.payload.token) return;
    const next = safeNext(typeof params.next === "string" ? params.next : null) ?? "/";
    // The token first: the app makes a client for it; then the router goes on (it outlives the client).
    setToken(r.payload.token);
    navigate(next, { replace: true });
  }

  return (
    <main class="login">
      <div class="spread">
        <h1>邻舍 Linshe</h1>
        <LangToggle />
      </div>
      <p class="muted">{tr("义警巡防平台 · 府山、长庆等枫桥式派出所", "Volunteer police platform for Fengqiao-style stations")}</p>
      <Show when={expired()}>
        <div class="alert" role="alert">{tr("登录已过期，请重新登录", "Your session has expired: please sign in again")}</div>
      </Show>
      <Form form={form} onSubmit={submit} label={tr("登录", "Sign in")}>
        <Field name="phone" label={tr("手机号", "Phone")} required>
          {(a) => <input {...a} inputmode="numeric" autocomplete="username" value={phone()} onInput={(e) => setPhone(e.currentTarget.value)} />}
        </Field>
        <Field name="password" label={tr("密码", "Password")} required>
          {(a) => <input {...a} type="password" autocomplete="current-password" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />}
        </Field>
        <FormErrors />
        <p>
          <Submit pending={signIn.pending()} busyText={tr("登录中…", "Signing in…")} class="primary wide">
            {tr("登录", "Sign in")}
          </Submit>
        </p>
      </Form>
      <p class="muted" data-testid="how-to-join">
        {tr(
          "还没有账号？义警由派出所民警或队长邀请加入：请向他们索取加入链接或激活码。",
          "No account yet? Volunteers join when a station officer or a team leader invites them: ask them for a join link or an activation code.",
        )}
      </p>
      <p class="row">
        <a class="button" href="/activate">{tr("有激活码？激活账号", "Have an activation code? Activate")}</a>
        <a class="button" href="/board">{tr("查看表扬榜（无需登录）", "Commendation board (no sign-in)")}</a>
      </p>
    </main>
  );
}
