// Skeleton of the web app: sign in and see who you are. The full app follows the web issue.
import { createSignal, Show, For } from "solid-js";
import { render } from "solid-js/web";

const SIGN_IN = `mutation SignIn($input: SignInInput!) {
  signIn(input: $input) { token viewer { phone roleNames volunteer { displayName } stations { name } } userErrors { code message field } }
}`;

interface ViewerInfo {
  phone: string;
  roleNames: string[];
  volunteer: { displayName: string } | null;
  stations: { name: string }[];
}

const ROLE_LABEL: Record<string, string> = {
  VOLUNTEER: "义警 Volunteer",
  LEADER: "队长 Leader",
  OFFICER: "民警 Officer",
  PARTNER_ADMIN: "共建单位 Partner",
  ADMIN: "管理员 Admin",
};

function App() {
  const [phone, setPhone] = createSignal("");
  const [password, setPassword] = createSignal("");
  const [error, setError] = createSignal<string | null>(null);
  const [busy, setBusy] = createSignal(false);
  const [viewer, setViewer] = createSignal<ViewerInfo | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await fetch("/graphql", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ query: SIGN_IN, variables: { input: { phone: phone(), password: password() } } }),
      });
      const body = await res.json();
      const payload = body.data?.signIn;
      if (!payload) throw new Error(body.errors?.[0]?.message ?? "请求失败 Request failed");
      if (payload.userErrors.length) setError(payload.userErrors.map((u: { message: string }) => u.message).join("; "));
      else {
        localStorage.setItem("linshe.token", payload.token);
        setViewer(payload.viewer);
      }
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <main style={{ "font-family": "system-ui, sans-serif", "max-width": "28rem", margin: "2rem auto", padding: "0 1rem" }}>
      <h1>邻舍 Linshe</h1>
      <p>义警巡防平台 · Volunteer police platform</p>
      <Show
        when={viewer()}
        fallback={
          <form onSubmit={submit} aria-label="登录 Sign in">
            <p>
              <label>
                手机号 Phone
                <br />
                <input name="phone" inputmode="numeric" autocomplete="username" value={phone()} onInput={(e) => setPhone(e.currentTarget.value)} />
              </label>
            </p>
            <p>
              <label>
                密码 Password
                <br />
                <input name="password" type="password" autocomplete="current-password" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />
              </label>
            </p>
            <Show when={error()}>
              <p role="alert" style={{ color: "#b00020" }}>{error()}</p>
            </Show>
            <button type="submit" disabled={busy()}>{busy() ? "登录中…" : "登录 Sign in"}</button>
          </form>
        }
      >
        {(v) => (
          <section>
            <h2>{v().volunteer?.displayName ?? v().phone}</h2>
            <ul>
              <For each={v().roleNames}>{(r) => <li>{ROLE_LABEL[r] ?? r}</li>}</For>
            </ul>
            <p>{v().stations.map((s) => s.name).join("、")}</p>
          </section>
        )}
      </Show>
    </main>
  );
}

render(() => <App />, document.getElementById("root")!);
