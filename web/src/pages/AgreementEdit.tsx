// Either side of an agreement (the station's officers, the partner's contact): 修订 — a new version that
// both sides sign again — and 终止 with a reason. Officers: the partners, adding one, and appointing its
// 联络人 accounts (共建单位联络人: they sign agreements and fill rotation slots for the partner).
import { createQuery } from "@urql/solid";
import { createSignal, createUniqueId, For, Index, onMount, Show } from "solid-js";
import { Grant, Holders, PendingOffers } from "../components/Appointments";
import { promptDialog } from "../components/Dialog";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import {
  CreatePartnerDocument,
  PartnerAdminsDocument,
  ReviseAgreementDocument,
  TerminateAgreementDocument,
  type AgreementCardFragment,
  type ObligationKind,
  type ObligationPeriod,
  type PartnerKind,
  type PartnerRowFragment,
} from "../gql/graphql";
import { createFormState, wholeNumbers } from "../lib/form";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { fromLocalInput, shanghaiDay } from "../lib/time";
import { TableWrap } from "../components/TableWrap";

// Each option says whether it is selected: a select's value set before its options exist shows the first one.

/** An agreement runs to the start of the day after its last day: the last day people read and type. */
export const lastDay = (effectiveTo: string) => new Date(new Date(effectiveTo).getTime() - 1);
const dayStart = (day: string) => fromLocalInput(`${day}T00:00`);
const dayAfter = (day: string) => new Date(dayStart(day).getTime() + 86_400_000);

interface ObligationRow {
  kind: ObligationKind;
  quantity: string;
  period: ObligationPeriod;
  description: string;
  teamId: string | null;
  squadId: string | null;
}

export function AgreementActions(props: { a: AgreementCardFragment }) {
  const a = () => props.a;
  const [revising, setRevising] = createSignal(false);
  const terminate = createAction(TerminateAgreementDocument, { pick: (d) => d.terminateAgreement, success: () => tr("协议已终止，对方会看到终止原因", "Terminated; the other side sees the reason") });
  const open = () => a().viewerSide && a().status !== "TERMINATED" && a().status !== "EXPIRED";
  return (
    <Show when={open()}>
      <Show
        when={revising()}
        fallback={
          <div class="row">
            <button type="button" onClick={() => setRevising(true)}>{tr("修订协议", "Revise")}</button>
            <button
              type="button"
              class="danger"
              disabled={terminate.pending()}
              onClick={async () => {
                const reason = await promptDialog({
                  title: tr(`终止「${a().currentVersion.title}」？`, `Terminate “${a().currentVersion.title}”?`),
                  message: tr("终止后不能恢复，对方会收到终止原因", "This cannot be undone; the other side sees the reason"),
                  label: tr("终止原因", "Reason"),
                  confirm: tr("终止协议", "Terminate"),
                  cancel: tr("不终止", "Keep it"),
                });
                if (reason) await terminate.run({ input: { agreementId: a().id, reason } });
              }}
            >
              {tr("终止协议", "Terminate")}
            </button>
          </div>
        }
      >
        <ReviseAgreement a={a()} close={() => setRevising(false)} />
      </Show>
    </Show>
  );
}

function ReviseAgreement(props: { a: AgreementCardFragment; close: () => void }) {
  const v = props.a.currentVersion;
  const [f, setF] = createSignal({ title: v.title, terms: v.terms, from: shanghaiDay(new Date(v.effectiveFrom)), to: shanghaiDay(lastDay(v.effectiveTo)), note: "" });
  const set = (p: Partial<ReturnType<typeof f>>) => setF({ ...f(), ...p });
  const [rows, setRows] = createSignal<ObligationRow[]>(
    v.obligations.map((o) => ({ kind: o.kind, quantity: String(o.quantity), period: o.period, description: o.description, teamId: o.team?.id ?? null, squadId: o.squad?.id ?? null })),
  );
  const setRow = (i: number, p: Partial<ObligationRow>) => setRows(rows().map((r, j) => (j === i ? { ...r, ...p } : r)));
  const form = createFormState();
  const revise = createAction(ReviseAgreementDocument, {
    pick: (d) => d.reviseAgreement,
    form,
    success: (p) => tr(`已修订为第 ${p.agreement?.currentVersionNumber ?? ""} 版，双方需重新签署`, `Now version ${p.agreement?.currentVersionNumber ?? ""}: both sides sign again`),
    onSuccess: props.close,
  });
  onMount(() => form.element?.querySelector("input")?.focus());
  const submit = () => {
    const quantities = wholeNumbers(form, Object.fromEntries(rows().map((r, i) => [`quantity-${i}`, r.quantity])));
    if (!quantities) return;
    const x = f();
    return revise.run({
      input: {
        agreementId: props.a.id,
        title: x.title.trim(),
        terms: x.terms.trim(),
        effectiveFrom: dayStart(x.from).toISOString(),
        effectiveTo: dayAfter(x.to).toISOString(),
        note: x.note.trim() || null,
        obligations: rows().map((r, i) => ({ kind: r.kind, quantity: quantities[`quantity-${i}`] ?? 0, period: r.period, description: r.description.trim() || null, teamId: r.teamId, squadId: r.squadId })),
      },
    });
  };
  return (
    <Form form={form} class="plain-form" label={tr("修订协议", "Revise the agreement")} testId="revise-agreement" onSubmit={submit}>
      <h3>{tr(`修订为第 ${props.a.currentVersionNumber + 1} 版`, `Revise into version ${props.a.currentVersionNumber + 1}`)}</h3>
      <p class="muted">{tr("修订后此前的签署失效，双方需签署新版本。", "Earlier signatures lapse: both sides sign the new version.")}</p>
      <div class="grid2">
        <Field name="title" label={tr("标题", "Title")} required>{(at) => <input {...at} maxLength={100} value={f().title} onInput={(e) => set({ title: e.currentTarget.value })} />}</Field>
        <Field name="note" label={tr("修订说明", "What changed")}>{(at) => <input {...at} maxLength={500} value={f().note} onInput={(e) => set({ note: e.currentTarget.value })} />}</Field>
        <Field name="effectiveFrom" label={tr("生效日期", "From")} required>{(at) => <input {...at} type="date" value={f().from} onInput={(e) => set({ from: e.currentTarget.value })} />}</Field>
        <Field name="effectiveTo" label={tr("截止日期（含当日）", "To (last day)")} required>{(at) => <input {...at} type="date" value={f().to} onInput={(e) => set({ to: e.currentTarget.value })} />}</Field>
      </div>
      <fieldset class="plain-fieldset" data-field="obligations">
        <legend>{tr("义务", "Obligations")}</legend>
        <Index each={rows()}>
          {(r, i) => (
            <div class="grid3 obligation" data-testid="obligation">
              <Field name={`kind-${i}`} label={tr(`义务 ${i + 1}`, `Obligation ${i + 1}`)}>
                {(at) => (
                  <select {...at} value={r().kind} onChange={(e) => setRow(i, { kind: e.currentTarget.value as ObligationKind })}>
                    <For each={values("ObligationKind")}>{(k) => <option value={k} selected={k === r().kind}>{label("ObligationKind", k)}</option>}</For>
                  </select>
                )}
              </Field>
              <Field name={`quantity-${i}`} label={tr("数量", "Quantity")}>{(at) => <input {...at} inputmode="numeric" maxLength={6} value={r().quantity} onInput={(e) => setRow(i, { quantity: e.currentTarget.value })} />}</Field>
              <Field name={`period-${i}`} label={tr("周期", "Period")}>
                {(at) => (
                  <select {...at} value={r().period} onChange={(e) => setRow(i, { period: e.currentTarget.value as ObligationPeriod })}>
                    <For each={values("ObligationPeriod")}>{(p) => <option value={p} selected={p === r().period}>{label("ObligationPeriod", p)}</option>}</For>
                  </select>
                )}
              </Field>
              <Field name={`description-${i}`} label={tr("说明", "Description")} class="span3">{(at) => <input {...at} maxLength={500} value={r().description} onInput={(e) => setRow(i, { description: e.currentTarget.value })} />}</Field>
              <Show when={rows().length > 1}>
                <p class="span3">
                  <button type="button" onClick={() => setRows(rows().filter((_, j) => j !== i))}>{tr(`删除义务 ${i + 1}`, `Remove obligation ${i + 1}`)}</button>
                </p>
              </Show>
            </div>
          )}
        </Index>
        <button type="button" onClick={() => setRows([...rows(), { kind: "PATROL_PERSON_SHIFTS", quantity: "1", period: "MONTH", description: "", teamId: null, squadId: null }])}>{tr("添加义务", "Add an obligation")}</button>
      </fieldset>
      <Field name="terms" label={tr("协议条款", "Terms")} required>{(at) => <textarea {...at} rows="6" maxLength={20000} value={f().terms} onInput={(e) => set({ terms: e.currentTarget.value })} />}</Field>
      <FormErrors />
      <div class="row">
        <Submit pending={revise.pending()}>{tr("提交修订", "Revise")}</Submit>
        <button type="button" onClick={props.close}>{tr("取消", "Cancel")}</button>
      </div>
    </Form>
  );
}

/** Officers: the station's partners with their contacts, and adding one. */
export function PartnerDirectory(props: { stationId: string; partners: PartnerRowFragment[]; onChange: () => void }) {
  const blank = () => ({ name: "", kind: "ENTERPRISE" as PartnerKind, contactName: "", contactPhone: "" });
  const [f, setF] = createSignal(blank());
  const set = (p: Partial<ReturnType<typeof blank>>) => setF({ ...f(), ...p });
  const form = createFormState();
  const create = createAction(CreatePartnerDocument, {
    pick: (d) => d.createPartner,
    form,
    success: (p) => tr(`已添加共建单位：${p.partner?.name ?? ""}`, `Partner added: ${p.partner?.name ?? ""}`),
    onSuccess: () => (setF(blank()), props.onChange()),
  });
  return (
    <section>
      <h2>{tr("共建单位", "Partners")}</h2>
      <TableWrap class="card" label={tr("共建单位", "Partners")}>
        <table>
          {/* Two columns, the kind under the name and the phone under the contact: three left each a few letters at 360 px. */}
          <thead><tr><th>{tr("单位", "Partner")}</th><th>{tr("联络人", "Contact")}</th></tr></thead>
          <tbody>
            <For each={props.partners} fallback={<tr><td colSpan={2} class="muted">{tr("还没有共建单位", "No partners yet")}</td></tr>}>
              {(p) => (
                <tr data-testid="partner-row">
                  <td>{p.name}<div class="muted">{label("PartnerKind", p.kind)}</div></td>
                  <td>{p.contactName || "—"}<Show when={p.contactPhone}><div><a class="tel" href={`tel:${p.contactPhone}`}>{p.contactPhone}</a></div></Show></td>
                </tr>
              )}
            </For>
          </tbody>
        </table>
      </TableWrap>
      <Show when={props.partners.some((p) => p.viewerCanGrantAdmin)}>
        <h3>{tr("联络人账号", "Partner admin accounts")}</h3>
        <p class="muted">{tr("联络人账号可代表本单位签署协议、安排轮值人员。按手机号任命：新手机号会得到激活码，已有账号须本人用确认码确认。", "A partner admin signs agreements and fills rotation slots for the partner. Appoint by phone: a new phone gets an activation code; an account in use confirms with a code.")}</p>
        <For each={props.partners.filter((p) => p.viewerCanGrantAdmin)}>{(p) => <PartnerAdmins partner={p} />}</For>
      </Show>
      <Form
        form={form}
        label={tr("添加共建单位", "Add a partner")}
        testId="create-partner"
        onSubmit={() => {
          const v = f();
          return create.run({ input: { stationId: props.stationId, name: v.name.trim(), kind: v.kind, contactName: v.contactName.trim() || null, contactPhone: v.contactPhone.trim() || null } });
        }}
      >
        <h3>{tr("添加共建单位", "Add a partner")}</h3>
        <div class="grid2">
          <Field name="name" label={tr("单位名称", "Name")} required>{(a) => <input {...a} maxLength={80} value={f().name} onInput={(e) => set({ name: e.currentTarget.value })} />}</Field>
          <Field name="kind" label={tr("单位类型", "Kind")}>
            {(a) => (
              <select {...a} value={f().kind} onChange={(e) => set({ kind: e.currentTarget.value as PartnerKind })}>
                <For each={values("PartnerKind")}>{(k) => <option value={k} selected={k === f().kind}>{label("PartnerKind", k)}</option>}</For>
              </select>
            )}
          </Field>
          <Field name="contactName" label={tr("联络人", "Contact person")}>{(a) => <input {...a} maxLength={40} autocomplete="off" value={f().contactName} onInput={(e) => set({ contactName: e.currentTarget.value })} />}</Field>
          <Field name="contactPhone" label={tr("联络电话", "Contact phone")}>{(a) => <input {...a} type="tel" inputmode="tel" autocomplete="off" maxLength={20} value={f().contactPhone} onInput={(e) => set({ contactPhone: e.currentTarget.value })} />}</Field>
        </div>
        <FormErrors />
        <p><Submit pending={create.pending()}>{tr("添加", "Add")}</Submit></p>
      </Form>
    </section>
  );
}

/** The recorded contact, to start the form with, when their phone is a mobile number (often a landline: then nothing). */
const contactOf = (p: PartnerRowFragment) => {
  const phone = p.contactPhone.replace(/[\s-]/g, "");
  return /^1\d{10}$/.test(phone) ? { phone, displayName: p.contactName } : undefined;
};

/** One partner's 联络人 accounts, opened on demand (its own query): who holds it (解除), who is yet to confirm (撤回), and 任命. */
function PartnerAdmins(props: { partner: PartnerRowFragment }) {
  const [open, setOpen] = createSignal(false);
  const panel = createUniqueId();
  return (
    <section class="card" data-testid="partner-admins" aria-label={tr(`${props.partner.name}联络人账号`, `${props.partner.name}: admin accounts`)}>
      <div class="spread">
        <h4>{props.partner.name}</h4>
        <button type="button" aria-expanded={open()} aria-controls={panel} onClick={() => setOpen(!open())}>
          {open() ? tr("收起", "Close") : tr("联络人账号", "Admin accounts")}
        </button>
      </div>
      <div id={panel}>
        <Show when={open()}>
          <PartnerAdminsPanel partner={props.partner} />
        </Show>
      </div>
    </section>
  );
}

function PartnerAdminsPanel(props: { partner: PartnerRowFragment }) {
  const [q, refetch] = createQuery({ query: PartnerAdminsDocument, variables: () => ({ partnerId: props.partner.id }), requestPolicy: "cache-and-network" });
  const partner = () => (q.data?.node?.__typename === "Partner" ? q.data.node : null);
  const changed = () => refetch({ requestPolicy: "network-only" });
  const what = () => tr("联络人", "partner admin");
  return (
    <>
      <Show when={partner()} fallback={<p class="muted">{q.error ? tr("加载失败，请重试", "Could not load: try again") : tr("加载中…", "Loading…")}</p>}>
        {(pa) => (
          <>
            <Holders label={tr("联络人：", "Admins: ")} what={what()} verb={{ zh: "解除", en: "Remove" }} holders={(pa().admins?.edges ?? []).map((e) => e.node)} onChange={changed} />
            <PendingOffers offers={pa().roleOffers ?? []} total={pa().roleOfferCount} what={what()} onChange={changed} />
          </>
        )}
      </Show>
      <Grant
        place={{ role: "PARTNER_ADMIN", partnerId: props.partner.id }}
        title={tr(`任命${props.partner.name}联络人`, `Appoint an admin of ${props.partner.name}`)}
        heading={false}
        initial={contactOf(props.partner)}
        nameHint={tr("新账号使用此姓名；已有账号时，待确认名单也以此姓名列出", "The new account's name; for an account in use, the name the pending list shows")}
        pending={partner()?.roleOffers ?? undefined}
        onChange={changed}
      />
    </>
  );
}
