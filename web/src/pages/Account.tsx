// 账号与安全: the signed-in person's own account — change the password, sign out everywhere, accept or
// decline a station's registration of their phone. (Activation with a code is the public /activate.)
import { useNavigate } from "@solidjs/router";
import { createQuery, useClient } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { confirmDialog } from "../components/Dialog";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import { toast } from "../components/Toast";
import { AcceptEnrollmentDocument, ChangePasswordDocument, CloseMyAccountDocument, ConfirmRoleOfferDocument, MyDataExportDocument, DeclineEnrollmentDocument, MyAccountDocument, type MyAccountQuery, SignOutEverywhereDocument } from "../gql/graphql";
import { signOut } from "../lib/auth";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";
import { formatDate, shanghaiDay } from "../lib/time";
import { download } from "../lib/download";
import { label } from "../lib/labels";

/** The API's rule (api/src/modules/volunteer/volunteer.mutations.ts `password`), checked here first. */
const MIN_PASSWORD = 8;

function ChangePassword() {
  const [current, setCurrent] = createSignal("");
  const [next, setNext] = createSignal("");
  const [repeat, setRepeat] = createSignal("");
  const [done, setDone] = createSignal<number | null>(null);
  const form = createFormState();
  const change = createAction(ChangePasswordDocument, { pick: (d) => d.changePassword, form, success: () => tr("密码已修改", "Password changed") });

  async function submit() {
    setDone(null);
    const wrong = (field: string, message: string) => {
      form.setUserErrors([{ code: "VALIDATION", message, field: ["input", field] }]);
      form.reveal();
    };
    if (next().length < MIN_PASSWORD) return wrong("newPassword", tr(`新密码至少${MIN_PASSWORD}位`, `The new password needs at least ${MIN_PASSWORD} characters`));
    if (next() === current()) return wrong("newPassword", tr("新密码不能与当前密码相同", "The new password must differ from the current one"));
    if (next() !== repeat()) return wrong("repeatPassword", tr("两次输入的新密码不一致", "The two new passwords differ"));
    const r = await change.run({ input: { currentPassword: current(), newPassword: next() } });
    if (!r.ok) return;
    setCurrent("");
    setNext("");
    setRepeat("");
    setDone(r.payload.sessionsEnded ?? 0);
  }

  return (
    <Form form={form} onSubmit={submit} label={tr("修改密码", "Change password")} testId="change-password">
      <h2>{tr("修改密码", "Change password")}</h2>
      <Field name="currentPassword" label={tr("当前密码", "Current password")} required>
        {(a) => <input {...a} type="password" autocomplete="current-password" value={current()} onInput={(e) => setCurrent(e.currentTarget.value)} />}
      </Field>
      <Field name="newPassword" label={tr("新密码", "New password")} hint={tr(`至少${MIN_PASSWORD}位`, `At least ${MIN_PASSWORD} characters`)} required>
        {(a) => <input {...a} type="password" autocomplete="new-password" value={next()} onInput={(e) => setNext(e.currentTarget.value)} />}
      </Field>
      <Field name="repeatPassword" label={tr("再次输入新密码", "Repeat the new password")} required>
        {(a) => <input {...a} type="password" autocomplete="new-password" value={repeat()} onInput={(e) => setRepeat(e.currentTarget.value)} />}
      </Field>
      <p class="muted">{tr("修改后，您在其他手机或电脑上的登录会全部退出，本设备保持登录。", "Afterwards every other phone or computer you are signed in on is signed out; this one stays signed in.")}</p>
      <FormErrors />
      <Show when={done() !== null}>
        <p class="notice" role="status" data-testid="password-changed">
          {tr(`密码已修改，已退出其他设备上的 ${done()} 个登录。`, `Password changed: ${done()} other sign-ins ended.`)}
        </p>
      </Show>
      <p>
        <Submit pending={change.pending()} busyText={tr("保存中…", "Saving…")}>{tr("修改密码", "Change password")}</Submit>
      </p>
    </Form>
  );
}

function SignOutEverywhere() {
  const navigate = useNavigate();
  const everywhere = createAction(SignOutEverywhereDocument, { pick: (d) => d.signOutEverywhere, success: null });
  async function run() {
    const sure = await confirmDialog({
      title: tr("在所有设备上退出？", "Sign out on every device?"),
      message: tr("您在所有手机和电脑上的登录（包括本设备）都会立即结束，需要重新登录；日历订阅链接也会更换，请在日历中重新订阅。", "Every sign-in of yours, this one included, ends at once; you will need to sign in again. The calendar link changes too: subscribe again in your calendar."),
      confirm: tr("全部退出", "Sign out everywhere"),
      danger: true,
    });
    if (!sure) return;
    const r = await everywhere.run({ input: {} });
    if (!r.ok) return;
    // After signOut: a change of token clears the toasts, and this one was gone before it was seen.
    signOut();
    toast.success(tr(`已在所有设备上退出（${r.payload.sessionsEnded ?? 0} 个登录）`, `Signed out everywhere (${r.payload.sessionsEnded ?? 0} sign-ins)`));
    navigate("/login", { replace: true });
  }
  return (
    <div class="card">
      <h2>{tr("在所有设备上退出", "Sign out everywhere")}</h2>
      <p class="muted">{tr("手机丢失或怀疑密码泄露时使用；之后请修改密码。", "Use it when a phone is lost or the password may be known; then change the password.")}</p>
      <button type="button" class="danger" disabled={everywhere.pending()} onClick={() => void run()}>
        {tr("在所有设备上退出", "Sign out everywhere")}
      </button>
    </div>
  );
}

/** 下载我的数据: a copy of everything Linshe holds about the person, as a JSON file. */
function MyData() {
  const client = useClient();
  const [busy, setBusy] = createSignal(false);
  async function run() {
    setBusy(true);
    try {
      const r = await client.query(MyDataExportDocument, {}, { requestPolicy: "network-only" }).toPromise();
      const json = r.data?.viewer?.dataExport;
      if (!json) return void toast.error(tr("下载失败，请重试", "Download failed: please retry"));
      download(new Blob([json], { type: "application/json;charset=utf-8" }), `邻舍-我的数据-${shanghaiDay(new Date())}.json`);
    } finally {
      setBusy(false);
    }
  }
  return (
    <div class="card">
      <h2>{tr("我的数据", "My data")}</h2>
      <p class="muted">{tr("下载邻舍保存的您的全部信息：账号、义警资料、队伍、班次、积分、好人好事、上报和消息。", "Download everything Linshe holds about you: account, volunteer record, teams, shifts, points, good deeds, reports and messages.")}</p>
      <button type="button" disabled={busy()} aria-busy={busy() ? "true" : undefined} onClick={() => void run()}>
        {busy() ? tr("准备中…", "Preparing…") : tr("下载我的数据", "Download my data")}
      </button>
    </div>
  );
}

/** 注销账号: with the password, after saying what goes and what stays; the person holding a role is told to have it revoked first. */
function CloseAccount() {
  const navigate = useNavigate();
  const [password, setPassword] = createSignal("");
  const form = createFormState();
  const close = createAction(CloseMyAccountDocument, { pick: (d) => d.closeMyAccount, form, success: null });
  async function submit() {
    const sure = await confirmDialog({
      title: tr("注销账号？", "Close your account?"),
      message: tr(
        "注销后您将退出所有队伍，已认领的未开始班次会让给候补；姓名、手机号、身份证号和消息将被删除，无法恢复。已完成的班次、时长、积分和好人好事会以“已注销”保留。",
        "You leave every team and your seats on shifts not yet started go to the waitlist; your name, phone, ID number and messages are erased for good. Past shifts, hours, points and good deeds stay under “closed”.",
      ),
      confirm: tr("注销", "Close account"),
      danger: true,
    });
    if (!sure) return;
    const r = await close.run({ input: { password: password() } });
    if (!r.ok) return;
    signOut();
    toast.success(tr("账号已注销", "Your account is closed"));
    navigate("/login", { replace: true });
  }
  return (
    <Form form={form} onSubmit={submit} label={tr("注销账号", "Close account")} testId="close-account">
      <h2>{tr("注销账号", "Close account")}</h2>
      <p class="muted">
        {tr("不再参加义警时使用：删除您的个人信息，手机号可重新注册。担任民警、联络人等职务的，请先请任命人撤销任命。", "When you stop volunteering: your personal data is erased and the phone may register again. If you hold a role (officer, partner contact), have it revoked first.")}
      </p>
      <Field name="password" label={tr("当前密码", "Current password")} required>
        {(a) => <input {...a} type="password" autocomplete="current-password" value={password()} onInput={(e) => setPassword(e.currentTarget.value)} />}
      </Field>
      <FormErrors />
      <p>
        <Submit pending={close.pending()} class="danger">{tr("注销账号", "Close account")}</Submit>
      </p>
    </Form>
  );
}

type Pending = NonNullable<NonNullable<MyAccountQuery["viewer"]>["pendingEnrollments"]>[number];

/** One station's registration: accepted with the code the station handed over, which proves the phone is the person's. */
function PendingEnrollment(props: { e: Pending; after: () => void; again: () => void }) {
  const [code, setCode] = createSignal("");
  const form = createFormState();
  const accept = createAction(AcceptEnrollmentDocument, { pick: (d) => d.acceptEnrollment, form, success: () => tr("已加入", "Joined"), onSuccess: props.after });
  const decline = createAction(DeclineEnrollmentDocument, { pick: (d) => d.declineEnrollment, form, success: () => tr("已拒绝", "Declined"), onSuccess: props.again });
  const e = props.e;
  return (
    <div class="card" data-testid="pending-enrollment">
      <p>
        {tr(`${e.stationName}以「${e.displayName}」登记了您的手机号，邀请您加入义警队伍。`, `${e.stationName} registered your phone as “${e.displayName}” and invites you to join.`)}
      </p>
      <p class="muted">{tr(`${formatDate(e.createdAt)} 登记，${formatDate(e.expiresAt)} 前有效`, `Registered ${formatDate(e.createdAt)}, valid until ${formatDate(e.expiresAt)}`)}</p>
      <Form form={form} class="" onSubmit={() => accept.run({ input: { enrollmentId: e.id, code: code().trim() } })} label={tr(`接受${e.stationName}的登记`, `Accept ${e.stationName}'s registration`)}>
        <Field
          name="code"
          label={tr("激活码", "Activation code")}
          hint={tr(
            `登记时${e.stationName}交给您的激活码，证明这个手机号是您本人的；接受或拒绝都需要它。如遗失，请联系该派出所重发`,
            `The code ${e.stationName} gave you when it registered you: it proves the phone is yours, to accept or to decline. Lost it? Ask the station for a new one`,
          )}
          required
        >
          {(a) => <input {...a} autocomplete="one-time-code" autocapitalize="characters" value={code()} onInput={(ev) => setCode(ev.currentTarget.value)} />}
        </Field>
        <FormErrors />
        <div class="row">
          <Submit pending={accept.pending() || decline.pending()} class="primary">{tr("接受", "Accept")}</Submit>
          <button
            type="button"
            disabled={accept.pending() || decline.pending()}
            onClick={async () => {
              // Declining takes the code too: anyone may have opened this account with the phone.
              if (!form.validate()) return form.reveal();
              if (await confirmDialog({ title: tr(`拒绝${e.stationName}的登记？`, `Decline ${e.stationName}'s registration?`), confirm: tr("拒绝", "Decline"), danger: true }))
                await decline.run({ input: { enrollmentId: e.id, code: code().trim() } });
            }}
          >
            {tr("拒绝", "Decline")}
          </button>
        </div>
      </Form>
    </div>
  );
}

type Offer = NonNullable<MyAccountQuery["viewer"]>["pendingRoleOffers"][number];

/** A role granted to this account: it takes effect with the code the person who appointed them handed over. */
function PendingRoleOffer(props: { o: Offer; after: () => void }) {
  const [code, setCode] = createSignal("");
  const form = createFormState();
  const confirm = createAction(ConfirmRoleOfferDocument, { pick: (d) => d.confirmRoleOffer, form, success: () => tr("任命已生效", "The role is yours now"), onSuccess: props.after });
  const o = props.o;
  const what = () => tr(`${o.placeName}${label("Role", o.role)}`, `${label("Role", o.role)} of ${o.placeName}`);
  return (
    <div class="card" data-testid="pending-role">
      <p>{tr(`您被任命为${what()}，待您确认。`, `You are appointed ${what()}: confirm it.`)}</p>
      <p class="muted">{tr(`${formatDate(o.expiresAt)} 前有效`, `Valid until ${formatDate(o.expiresAt)}`)}</p>
      <Form form={form} class="" onSubmit={() => confirm.run({ input: { offerId: o.id, code: code().trim() } })} label={tr(`确认任命：${what()}`, `Confirm: ${what()}`)}>
        <Field name="code" label={tr("确认码", "Confirmation code")} hint={tr("任命人当面交给您的确认码，证明这个账号是您本人的", "The code the person who appointed you handed you: it proves this account is yours")} required>
          {(a) => <input {...a} autocomplete="one-time-code" autocapitalize="characters" value={code()} onInput={(ev) => setCode(ev.currentTarget.value)} />}
        </Field>
        <FormErrors />
        <Submit pending={confirm.pending()} class="primary">{tr("确认任命", "Confirm")}</Submit>
      </Form>
    </div>
  );
}

export default function Account() {
  const s = useSession();
  const [q, refetch] = createQuery({ query: MyAccountDocument, requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  // Accepting makes the person a volunteer of a team: the header's tabs change, so the viewer is asked again.
  const after = () => {
    again();
    s.refetch();
  };

  return (
    <section>
      <h1>{tr("账号与安全", "Account and security")}</h1>
      <div class="card">
        <div class="spread">
          <span>{tr("姓名", "Name")}</span>
          <strong>{s.viewer()?.displayName}</strong>
        </div>
        <div class="spread">
          <span>{tr("手机号", "Phone")}</span>
          <span>{s.viewer()?.phone}</span>
        </div>
      </div>

      <Show when={q.data?.viewer?.pendingRoleOffers.length}>
        <h2>{tr("待确认的任命", "Appointments waiting for you")}</h2>
        <For each={q.data?.viewer?.pendingRoleOffers ?? []}>{(o) => <PendingRoleOffer o={o} after={after} />}</For>
      </Show>

      <h2>{tr("待确认的登记", "Registrations waiting for you")}</h2>
      <QueryView
        query={q}
        select={(d) => d.viewer?.pendingEnrollments ?? null}
        retry={again}
        isEmpty={(list) => !list.length}
        empty={<p class="muted empty">{tr("没有待确认的登记", "No registrations waiting")}</p>}
      >
        {(list) => (
          <For each={list()}>{(e) => <PendingEnrollment e={e} after={after} again={again} />}</For>
        )}
      </QueryView>
      <p class="muted">
        {tr("收到派出所给的激活码？", "Got an activation code from a station?")} <a class="tap" href="/activate">{tr("我有激活码", "I have an activation code")}</a>
      </p>

      <ChangePassword />
      <SignOutEverywhere />
      <MyData />
      <CloseAccount />
    </section>
  );
}
