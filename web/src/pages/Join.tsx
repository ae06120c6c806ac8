// 加入队伍 (public, on a phone): a resident scanned an invitation's QR code. They give their name,
// phone and a password, choose specialties and consent; the membership waits for a leader's or an
// officer's approval. Someone who already has an account signs in and accepts instead.
import { A, useParams } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createSignal, For, Match, Show, Switch } from "solid-js";
import { Checkbox } from "../components/Checkbox";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import { LangToggle } from "../components/TopBar";
import { AcceptTeamInviteDocument, JoinTeamDocument, PublicInviteDocument, type Specialty } from "../gql/graphql";
import { setToken, token } from "../lib/auth";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { TermsLinks } from "../components/TermsLinks";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { formatDateTime } from "../lib/time";

// Outside the page: signing in makes a new API client, and the page under it is made anew.
const [joined, setJoined] = createSignal<{ team: string; station: string } | null>(null);

export default function Join() {
  const params = useParams<{ code: string }>();
  const [invite, refetch] = createQuery({ query: PublicInviteDocument, variables: () => ({ code: params.code }) });
  const [p, setP] = createSignal({ name: "", displayName: "", phone: "", password: "", specialties: [] as Specialty[], acceptTerms: false });
  const set = (patch: Partial<ReturnType<typeof p>>) => setP({ ...p(), ...patch });
  const form = createFormState();
  const join = createAction(JoinTeamDocument, { pick: (d) => d.joinTeam, form, success: null });
  const accept = createAction(AcceptTeamInviteDocument, {
    pick: (d) => d.acceptTeamInvite, success: null,
    onSuccess: (r) => setJoined({ team: r.membership?.teamName ?? "", station: r.membership?.stationName ?? "" }),
  });

  async function submit() {
    const v = p();
    const r = await join.run({
      input: { code: params.code, name: v.name.trim(), displayName: v.displayName.trim() || null, phone: v.phone.trim(), password: v.password, specialties: v.specialties, acceptTerms: v.acceptTerms },
    });
    if (!r.ok) return;
    setJoined({ team: r.payload.membership?.teamName ?? "", station: r.payload.membership?.stationName ?? "" });
    // Signed in at once: the person sees their standing; the app takes them further once approved.
    if (r.payload.token) setToken(r.payload.token);
  }

  return (
    <main class="login join">
      <div class="spread">
        <h1>{tr("加入义警队伍", "Join a volunteer team")}</h1>
        <LangToggle />
      </div>
      <QueryView query={invite} select={(d) => d.teamInvite} retry={() => refetch({ requestPolicy: "network-only" })}
        notFound={<div class="alert" role="alert">{tr("邀请链接无效，请向队长或民警索取新的二维码", "This invitation is not valid: ask a leader or officer for a new QR code")}</div>}>
        {(inv) => (
          <Switch>
            <Match when={joined()}>
              {(j) => (
                <div class="notice" role="status" data-testid="join-pending">
                  <p>{tr(`已提交申请，加入${j().station}「${j().team}」。`, `Application sent to ${j().team}, ${j().station}.`)}</p>
                  <p>{tr("队长或民警审核通过后会通知您；之后即可认领班次。", "You will be told once a leader or officer approves it; then you can claim shifts.")}</p>
                  <A href="/">{tr("进入邻舍", "Open Linshe")}</A>
                </div>
              )}
            </Match>
            <Match when={inv().state !== "OPEN"}>
              <div class="alert" role="alert">{tr("该邀请已过期、已用完或已撤销，请向队长或民警索取新的二维码", "This invitation has expired, is used up or was revoked: ask for a new QR code")}</div>
            </Match>
            <Match when={inv().viewerStatus}>
              <div class="notice">
                <p>{tr(`您已在${inv().stationName}「${inv().teamName}」（${label("MembershipStatus", inv().viewerStatus)}）。`, `You are in ${inv().teamName} already (${label("MembershipStatus", inv().viewerStatus)}).`)}</p>
                <A href="/">{tr("进入邻舍", "Open Linshe")}</A>
              </div>
            </Match>
            <Match when={token()}>
              <div class="notice">
                <p>{tr(`您已登录。申请加入 ${inv().stationName}「${inv().teamName}」？队长或民警审核后生效。`, `You are signed in. Ask to join ${inv().teamName}, ${inv().stationName}? A leader or officer approves it.`)}</p>
                <button class="primary wide" disabled={accept.pending()} onClick={() => accept.run({ input: { code: params.code } })}>{tr("用当前账号申请加入", "Ask to join with this account")}</button>
              </div>
            </Match>
            <Match when={true}>
              <p>
                {tr(`邀请您加入 ${inv().stationName}「${inv().teamName}」`, `You are invited to ${inv().teamName}, ${inv().stationName}`)}
                <Show when={inv().squadName}>{tr(`（${inv().squadName}）`, ` (${inv().squadName})`)}</Show>
              </p>
              <p class="muted">{tr(`邀请有效期至 ${formatDateTime(inv().expiresAt)}`, `Valid until ${formatDateTime(inv().expiresAt)}`)}</p>
              <Form form={form} onSubmit={submit} label={tr("加入队伍", "Join the team")}>
                <Field name="name" label={tr("姓名（实名，仅民警可见）", "Legal name (officers only)")} required>
                  {(a) => <input {...a} autocomplete="name" value={p().name} onInput={(e) => set({ name: e.currentTarget.value })} />}
                </Field>
                <Field name="displayName" label={tr("显示名（队友看到的名字）", "Display name (what teammates see)")}>
                  {(a) => <input {...a} autocomplete="nickname" value={p().displayName} onInput={(e) => set({ displayName: e.currentTarget.value })} />}
                </Field>
                <Field name="phone" label={tr("手机号", "Phone")} required>
                  {(a) => <input {...a} type="tel" inputmode="numeric" autocomplete="tel" value={p().phone} onInput={(e) => set({ phone: e.currentTarget.value })} />}
                </Field>
                <Field name="password" label={tr("设置密码（至少8位）", "Choose a password (8+ characters)")} required>
                  {(a) => <input {...a} type="password" autocomplete="new-password" value={p().password} onInput={(e) => set({ password: e.currentTarget.value })} />}
                </Field>
                <fieldset class="plain-fieldset" data-field="specialties">
                  <legend>{tr("特长（可多选）", "Specialties (any)")}</legend>
                  <div class="checks">
                    <For each={values("Specialty")}>
                      {(sp) => (
                        <Checkbox checked={p().specialties.includes(sp)} onChange={(on) => set({ specialties: on ? [...p().specialties, sp] : p().specialties.filter((x) => x !== sp) })}>
                          {label("Specialty", sp)}
                        </Checkbox>
                      )}
                    </For>
                  </div>
                </fieldset>
                <div class="field" data-field="acceptTerms">
                  <Checkbox name="acceptTerms" testId="accept-terms" checked={p().acceptTerms} onChange={(on) => set({ acceptTerms: on })}>
                    {tr("我已阅读并同意《义警守则》和《隐私说明》：手机号和姓名仅我的队长和本所民警可见", "I accept the volunteers' rules and the privacy notice: my phone and name are seen by my leaders and the station's officers only")}
                  </Checkbox>
                  <TermsLinks />
                </div>
                <FormErrors />
                <p>
                  <Submit pending={join.pending()} busyText={tr("提交中…", "Sending…")} class="primary wide">{tr("申请加入", "Ask to join")}</Submit>
                </p>
              </Form>
              <p>
                <A href={`/login?next=${encodeURIComponent(`/join/${params.code}`)}`}>{tr("已有邻舍账号？登录后加入", "Already on Linshe? Sign in to join")}</A>
              </p>
            </Match>
          </Switch>
        )}
      </QueryView>
    </main>
  );
}
