// 激活账号 (public): a person registered by an officer, imported from a sheet or granted a role by phone
// got a one-time code; with it they choose their own password and consent, and are signed in.
import { A, useNavigate, useSearchParams } from "@solidjs/router";
import { createSignal } from "solid-js";
import { Checkbox } from "../components/Checkbox";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { LangToggle } from "../components/TopBar";
import { ActivateAccountDocument } from "../gql/graphql";
import { setToken } from "../lib/auth";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { TermsLinks } from "../components/TermsLinks";
import { createAction } from "../lib/mutation";

export default function Activate() {
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const [p, setP] = createSignal({ phone: typeof params.phone === "string" ? params.phone : "", code: "", password: "", acceptTerms: false });
  const set = (patch: Partial<ReturnType<typeof p>>) => setP({ ...p(), ...patch });
  const form = createFormState();
  const activate = createAction(ActivateAccountDocument, { pick: (d) => d.activateAccount, form, success: () => tr("账号已激活", "Account activated") });

  async function submit() {
    const v = p();
    const r = await activate.run({ input: { phone: v.phone.trim(), code: v.code.trim(), password: v.password, acceptTerms: v.acceptTerms } });
    if (!r.ok || !r.payload.token) return;
    setToken(r.payload.token);
    navigate("/", { replace: true });
  }

  return (
    <main class="login">
      <div class="spread">
        <h1>{tr("激活账号", "Activate your account")}</h1>
        <LangToggle />
      </div>
      <p class="muted">{tr("用民警或管理员给您的激活码设置自己的密码。", "Use the code an officer or admin gave you to choose your own password.")}</p>
      <Form form={form} onSubmit={submit} label={tr("激活账号", "Activate")}>
        <Field name="phone" label={tr("手机号", "Phone")} required>
          {(a) => <input {...a} type="tel" inputmode="numeric" autocomplete="username" value={p().phone} onInput={(e) => set({ phone: e.currentTarget.value })} />}
        </Field>
        <Field name="code" label={tr("激活码", "Activation code")} required>
          {(a) => <input {...a} autocomplete="one-time-code" value={p().code} onInput={(e) => set({ code: e.currentTarget.value })} />}
        </Field>
        <Field name="password" label={tr("设置密码（至少8位）", "Choose a password (8+ characters)")} required>
          {(a) => <input {...a} type="password" autocomplete="new-password" value={p().password} onInput={(e) => set({ password: e.currentTarget.value })} />}
        </Field>
        <Checkbox name="acceptTerms" testId="accept-terms" checked={p().acceptTerms} onChange={(on) => set({ acceptTerms: on })}>
          {tr("我已阅读并同意《义警守则》和《隐私说明》", "I accept the rules and the privacy notice")}
        </Checkbox>
        <TermsLinks />
        <FormErrors />
        <p>
          <Submit pending={activate.pending()} class="primary wide">{tr("激活并登录", "Activate and sign in")}</Submit>
        </p>
      </Form>
      <p><A class="tap" href="/login">{tr("已激活？去登录", "Activated already? Sign in")}</A></p>
    </main>
  );
}
