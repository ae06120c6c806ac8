// Appointing people to a granted role by phone (区域管理员 and 社区民警 on /county, 共建单位联络人 on the partner
// directory): who holds it, with 撤销/解除; appointments waiting for the person's 确认码, with 撤回; and the
// form, which shows once the code to hand over (a new account's activation code, or the 确认码).
import { createSignal, For, Show, type JSX } from "solid-js";
import { confirmDialog } from "./Dialog";
import { Field, Form, FormErrors, Submit } from "./Field";
import { GrantRoleDocument, RevokeRoleDocument, WithdrawRoleOfferDocument } from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { createAction } from "../lib/mutation";

/** The word for ending a role: 撤销 (default) or, say, 解除; each in both languages. */
export interface Verb {
  zh: string;
  en: string;
}
const REVOKE: Verb = { zh: "撤销", en: "Revoke" };

/** People holding a granted role, each with 撤销 where the viewer may revoke it (after a confirmation). */
export function Holders(props: { label: string; holders: { id: string; displayName: string; activated: boolean; viewerCanRevoke: boolean }[]; what: string; verb?: Verb; onChange: () => void }) {
  const verb = () => props.verb ?? REVOKE;
  const revoke = createAction(RevokeRoleDocument, { pick: (d) => d.revokeRole, success: () => tr(`已${verb().zh}任命`, "Appointment ended"), onSuccess: props.onChange });
  const ask = async (h: { id: string; displayName: string }) => {
    const ok = await confirmDialog({
      title: tr(`${verb().zh}${h.displayName}的${props.what}任命？`, `${verb().en} ${h.displayName}'s appointment as ${props.what}?`),
      message: tr("其打开的会话将立即失去该权限。", "Their open sessions lose the role at once."),
      confirm: tr(verb().zh, verb().en),
      danger: true,
    });
    if (ok) await revoke.run({ input: { assignmentId: h.id } });
  };
  return (
    <div class="muted" data-testid="holders">
      {props.label}
      <Show when={props.holders.length} fallback="—">
        <ul class="plain-list">
          <For each={props.holders}>
            {(h) => (
              <li class="row">
                <span>{h.displayName}{h.activated ? "" : tr("（待激活）", " (not activated)")}</span>
                <Show when={h.viewerCanRevoke}>
                  <button type="button" class="danger" disabled={revoke.pending()} onClick={() => ask(h)} aria-label={tr(`${verb().zh}${h.displayName}`, `${verb().en} ${h.displayName}`)}>{tr(verb().zh, verb().en)}</button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
    </div>
  );
}

/**
 * Appointments waiting for the person's 确认码: shown to whoever may withdraw them. The API lists the oldest 50;
 * `total` (roleOfferCount) says how many there are, and the rest are said to be there rather than left out silently.
 */
export function PendingOffers(props: { offers: { id: string; displayName: string; viewerCanWithdraw: boolean }[]; total?: number | null; what: string; onChange: () => void }) {
  const withdraw = createAction(WithdrawRoleOfferDocument, { pick: (d) => d.withdrawRoleOffer, success: () => tr("已撤回任命", "Appointment withdrawn"), onSuccess: props.onChange });
  const ask = async (o: { id: string; displayName: string }) => {
    const ok = await confirmDialog({
      title: tr(`撤回对${o.displayName}的${props.what}任命？`, `Withdraw the appointment of ${o.displayName} as ${props.what}?`),
      message: tr("交给本人的确认码将失效。", "The code handed to the person stops working."),
      confirm: tr("撤回", "Withdraw"),
      danger: true,
    });
    if (!ok) return;
    const r = await withdraw.run({ input: { offerId: o.id } });
    // Confirmed by the person or withdrawn by someone else meanwhile: the list is stale, so it is read again.
    if (!r.ok && r.reason === "user") props.onChange();
  };
  const more = () => Math.max(0, (props.total ?? 0) - props.offers.length);
  return (
    <Show when={props.offers.length || more()}>
      <div class="muted" data-testid="pending-offers">
        {tr("待本人确认：", "Waiting for the person: ")}
        <ul class="plain-list">
          <For each={props.offers}>
            {(o) => (
              <li class="row">
                <span>{o.displayName}{tr("（待确认）", " (to confirm)")}</span>
                <Show when={o.viewerCanWithdraw}>
                  <button type="button" class="danger" disabled={withdraw.pending()} onClick={() => ask(o)} aria-label={tr(`撤回对${o.displayName}的任命`, `Withdraw ${o.displayName}'s appointment`)}>{tr("撤回", "Withdraw")}</button>
                </Show>
              </li>
            )}
          </For>
        </ul>
        <Show when={more()}>
          <p data-testid="pending-offers-more">{tr(`另有 ${more()} 条未显示`, `${more()} more not shown`)}</p>
        </Show>
      </div>
    </Show>
  );
}

/**
 * The code a grant hands over, shown once: a new account's activation code, or, for an account someone uses
 * already, the confirmation code that account enters before the role takes effect.
 */
function Issued(props: { issued: Issue | null }) {
  return (
    <Show when={props.issued}>
      {(i) => (
        <div class="notice" role="status">
          {i().confirm
            ? tr(
                `${i().name} 的手机号已有账号：任命待本人确认。请把确认码当面交给本人，本人登录后在“账号”页输入，任命才生效（仅显示一次）：`,
                `${i().name}'s phone has an account already: the appointment waits for the person. Hand them this code in person; they enter it under Account (shown once): `,
              )
            : tr(`${i().name} 的激活码（仅显示一次，请交给本人在“激活账号”页使用）：`, `Activation code for ${i().name} (shown once): `)}
          <strong data-testid="activation-code">{i().code}</strong>
        </div>
      )}
    </Show>
  );
}

/** A code handed over; `offerId` when it is an appointment's 确认码 (which a withdrawal makes worthless). */
type Issue = { name: string; code: string; confirm: boolean; offerId: string | null };

export type GrantPlace = { role: "REGION_ADMIN"; regionId: string } | { role: "OFFICER"; stationId: string } | { role: "PARTNER_ADMIN"; partnerId: string };

/** 任命 by phone: the name is the new account's, or, for an account in use (which keeps its own), the pending appointment's. */
export function Grant(props: {
  place: GrantPlace;
  title: string;
  heading?: boolean;
  nameHint?: JSX.Element;
  initial?: { phone: string; displayName: string };
  /** The place's pending appointments as listed: a 确认码 whose appointment left the list (withdrawn, confirmed) is no longer shown. */
  pending?: { id: string }[];
  onChange: () => void;
}) {
  // The starting values only (a partner's recorded contact, say); after a grant the form is empty.
  const [p, setP] = createSignal(props.initial ?? { phone: "", displayName: "" });
  const [issued, setIssued] = createSignal<Issue | null>(null);
  // Hidden once the list, having shown the appointment, no longer does (not before the list is read again).
  let listed = false;
  const shown = () => {
    const i = issued();
    if (!i?.offerId || !props.pending) return i;
    if (props.pending.some((o) => o.id === i.offerId)) listed = true;
    else if (listed) return null;
    return i;
  };
  const form = createFormState();
  const grant = createAction(GrantRoleDocument, {
    pick: (d) => d.grantRole, form, success: (r) => (r.confirmationNeeded ? tr("已任命，待本人确认", "Appointed: waiting for the person") : tr("已任命", "Appointed")),
    onSuccess: (r) => {
      const name = r.assignment?.displayName ?? p().displayName.trim();
      listed = false;
      setIssued(r.activationCode ? { name, code: r.activationCode, confirm: r.confirmationNeeded, offerId: r.offer?.id ?? null } : null);
      setP({ phone: "", displayName: "" });
      props.onChange();
    },
  });
  const place = () => ({ regionId: null, stationId: null, partnerId: null, ...props.place });
  return (
    <Form form={form} class="plain-form" label={props.title} onSubmit={() => grant.run({ input: { ...place(), phone: p().phone.trim(), displayName: p().displayName.trim() } })}>
      <Show when={props.heading !== false}><h4>{props.title}</h4></Show>
      <div class="grid2">
        <Field name="phone" label={tr("手机号", "Phone")} required>{(a) => <input {...a} type="tel" inputmode="numeric" autocomplete="off" value={p().phone} onInput={(e) => setP({ ...p(), phone: e.currentTarget.value })} />}</Field>
        <Field name="displayName" label={tr("姓名", "Name")} hint={props.nameHint} required>{(a) => <input {...a} autocomplete="off" value={p().displayName} onInput={(e) => setP({ ...p(), displayName: e.currentTarget.value })} />}</Field>
      </div>
      <FormErrors />
      <Submit pending={grant.pending()} class="">{tr("任命", "Appoint")}</Submit>
      <Issued issued={shown()} />
    </Form>
  );
}
