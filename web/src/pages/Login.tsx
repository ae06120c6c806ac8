import { useNavigate } from "@solidjs/router";
import { createMutation } from "@urql/solid";
import { createSignal, Show } from "solid-js";
import { setToken } from "../auth";
import { SignInDocument } from "../gql/graphql";
import { lang, setLang, tr } from "../i18n";
import { ErrorBox, UserErrors, type UserErrorLike } from "../ui";

export default function Login() {
  const [phone, setPhone] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const [state, signIn] = createMutation(SignInDocument);
  const navigate = useNavigate();

  async function submit(e: Event) {
    e.preventDefault();
    const res = await signIn({ input: { phone: phone().trim(), password: password() } });
    const p = res.data?.signIn;
    setErrors(p?.userErrors ?? []);
    if (p?.token) {
      setToken(p.token);
      navigate("/", { replace: true });
    }
  }

  return (
    <main style={{ "max-width": "26rem" }}>
      <div class="spread">
        <h1>邻舍 Linshe</h1>
        <button onClick={() => setLang(lang() === "zh" ? "en" : "zh")}>{lang() === "zh" ? "English" : "中文"}</button>
      </div>
      <p class="muted">{tr("义警巡防平台 · 府山、长庆等枫桥式派出所", "Volunteer police platform for Fengqiao-style stations")}</p>
      <form class="card" onSubmit={submit} aria-label={tr("登录", "Sign in")}>
        <label for="phone">{tr("手机号", "Phone")}</label>
        <input id="phone" name="phone" inputmode="numeric" autocomplete="username" required value={phone()} onInput={(e) => setPhone(e.currentTarget.value)} />
        <label for="password">{tr("密码", "Password")}</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
        <UserErrors errors={errors()} />
        <ErrorBox error={state.error} />
        <p>
          <button class="primary" type="submit" disabled={state.fetching} style={{ width: "100%" }}>
            <Show when={!state.fetching} fallback={tr("登录中…", "Signing in…")}>{tr("登录", "Sign in")}</Show>
          </button>
        </p>
      </form>
      <p>
        <a href="/board">{tr("查看表扬榜（无需登录）", "Commendation board (no sign-in)")}</a>
      </p>
    </main>
  );
}
