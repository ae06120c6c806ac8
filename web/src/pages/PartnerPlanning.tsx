// Officers: draft a co-building agreement and give upcoming shifts to partners in turn (轮流出人).
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Checkbox } from "../components/Checkbox";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { AssignRotationDocument, DraftAgreementDocument, ShiftBoardDocument, StationPartnerListDocument, type ObligationKind, type ObligationPeriod } from "../gql/graphql";
import { createFormState } from "../lib/form";
import { tr } from "../lib/i18n";
import { label, values } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { formatDateTime, fromLocalInput } from "../lib/time";
import { PartnerDirectory } from "./AgreementEdit";

export default function PartnerPlanning(props: { stationId: string; onChange: () => void }) {
  const [partnersQ, refetchPartners] = createQuery({ query: StationPartnerListDocument, variables: () => ({ stationId: props.stationId }) });
  const partners = () => (partnersQ.data?.node?.__typename === "Station" ? partnersQ.data.node.partners.edges.map((e) => e.node) : []);
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const blank = () => ({ partnerId: "", title: "", terms: "", from: `${year}-01-01`, to: `${year}-12-31`, kind: "PATROL_PERSON_SHIFTS" as ObligationKind, quantity: 8, period: "MONTH" as ObligationPeriod });
  const [f, setF] = createSignal(blank());
  const set = (p: Partial<ReturnType<typeof blank>>) => setF({ ...f(), ...p });
  const draftForm = createFormState();
  const draft = createAction(DraftAgreementDocument, {
    pick: (d) => d.draftAgreement,
    form: draftForm,
    success: () => tr("协议已起草，请签署并等待共建单位签署", "Drafted: sign it, then the partner signs"),
    onSuccess: () => (setF(blank()), props.onChange()),
  });

  const now = new Date();
  const [board, refetchBoard] = createQuery({ query: ShiftBoardDocument, variables: () => ({ stationId: props.stationId, from: now.toISOString(), to: new Date(now.getTime() + 14 * 86_400_000).toISOString() }) });
  const [picked, setPicked] = createSignal<string[]>([]);
  const [rotaPartners, setRotaPartners] = createSignal<string[]>([]);
  const rotaForm = createFormState();
  const assign = createAction(AssignRotationDocument, {
    pick: (d) => d.assignRotation,
    form: rotaForm,
    success: (p) => tr(`轮值已安排：${p.shifts?.length ?? 0} 个班次`, `Rotation assigned: ${p.shifts?.length ?? 0} shift(s)`),
    onSuccess: () => (setPicked([]), refetchBoard({ requestPolicy: "network-only" })),
  });

  return (
    <section>
      <PartnerDirectory stationId={props.stationId} partners={partners()} onChange={() => refetchPartners({ requestPolicy: "network-only" })} />
      <h2>{tr("起草共建协议", "Draft an agreement")}</h2>
      <Form
        form={draftForm}
        label={tr("起草共建协议", "Draft an agreement")}
        onSubmit={() => {
          const v = f();
          return draft.run({
            input: {
              partnerId: v.partnerId || partners()[0]!.id,
              title: v.title.trim(),
              terms: v.terms.trim(),
              effectiveFrom: fromLocalInput(`${v.from}T00:00`).toISOString(),
              effectiveTo: new Date(fromLocalInput(`${v.to}T00:00`).getTime() + 86_400_000).toISOString(),
              obligations: [{ kind: v.kind, quantity: Number(v.quantity), period: v.period }],
            },
          });
        }}
      >
        <div class="grid2">
          <Field name="partnerId" label={tr("共建单位", "Partner")}>
            {(a) => (
              <select {...a} value={f().partnerId || partners()[0]?.id || ""} onChange={(e) => set({ partnerId: e.currentTarget.value })}>
                <For each={partners()}>{(p) => <option value={p.id} selected={p.id === (f().partnerId || partners()[0]?.id || "")}>{p.name}</option>}</For>
              </select>
            )}
          </Field>
          <Field name="title" label={tr("标题", "Title")} required>{(a) => <input {...a} value={f().title} onInput={(e) => set({ title: e.currentTarget.value })} />}</Field>
          <Field name="effectiveFrom" label={tr("生效日期", "From")}>{(a) => <input {...a} type="date" value={f().from} onInput={(e) => set({ from: e.currentTarget.value })} />}</Field>
          <Field name="effectiveTo" label={tr("截止日期", "To")}>{(a) => <input {...a} type="date" value={f().to} onInput={(e) => set({ to: e.currentTarget.value })} />}</Field>
          <Field name="kind" label={tr("义务", "Obligation")}>
            {(a) => (
              <select {...a} value={f().kind} onChange={(e) => set({ kind: e.currentTarget.value as ObligationKind })}>
                <For each={values("ObligationKind")}>{(k) => <option value={k} selected={k === f().kind}>{label("ObligationKind", k)}</option>}</For>
              </select>
            )}
          </Field>
          <div class="row">
            <Field name="quantity" label={tr("数量", "Quantity")}>{(a) => <input {...a} type="number" min="1" class="narrow" value={f().quantity} onInput={(e) => set({ quantity: Number(e.currentTarget.value) })} />}</Field>
            <Field name="period" label={tr("周期", "Period")}>
              {(a) => (
                <select {...a} value={f().period} onChange={(e) => set({ period: e.currentTarget.value as ObligationPeriod })}>
                  <For each={values("ObligationPeriod")}>{(p) => <option value={p} selected={p === f().period}>{label("ObligationPeriod", p)}</option>}</For>
                </select>
              )}
            </Field>
          </div>
        </div>
        <Field name="terms" label={tr("协议条款", "Terms")} required>{(a) => <textarea {...a} value={f().terms} onInput={(e) => set({ terms: e.currentTarget.value })} />}</Field>
        <FormErrors />
        <p><Submit pending={draft.pending() || !partners().length}>{tr("起草", "Draft")}</Submit></p>
      </Form>

      <h2>{tr("安排轮值（轮流出人）", "Rotation (partners take turns)")}</h2>
      <Form form={rotaForm} label={tr("安排轮值", "Plan the rotation")} onSubmit={() => assign.run({ input: { stationId: props.stationId, partnerIds: rotaPartners(), shiftIds: picked() } })}>
        <p class="muted">{tr("选择单位和未来两周的班次，班次按时间依次分给各单位", "Pick partners and shifts of the next two weeks; shifts go to the partners in turn")}</p>
        <fieldset class="plain-fieldset" data-field="partnerIds">
          <legend>{tr("共建单位", "Partners")}</legend>
          <For each={partners()}>
            {(p) => (
              <Checkbox checked={rotaPartners().includes(p.id)} onChange={(v) => setRotaPartners(v ? [...rotaPartners(), p.id] : rotaPartners().filter((x) => x !== p.id))}>
                {p.name}
              </Checkbox>
            )}
          </For>
        </fieldset>
        <fieldset class="plain-fieldset" data-field="shiftIds">
          <legend>{tr("班次", "Shifts")}</legend>
          <For each={board.data?.shifts?.edges.filter((e) => e.node.status === "OPEN" && new Date(e.node.startsAt) > new Date())} fallback={<p class="muted">{tr("未来两周没有班次", "No shifts in the next two weeks")}</p>}>
            {(e) => (
              <Checkbox checked={picked().includes(e.node.id)} onChange={(v) => setPicked(v ? [...picked(), e.node.id] : picked().filter((x) => x !== e.node.id))}>
                {formatDateTime(e.node.startsAt)} {e.node.title} <Show when={e.node.rotationPartner}><span class="muted">→ {e.node.rotationPartner!.name}</span></Show>
              </Checkbox>
            )}
          </For>
        </fieldset>
        <FormErrors />
        <p>
          <button type="submit" class="primary" disabled={!picked().length || !rotaPartners().length || assign.pending()}>{tr("按顺序分配", "Assign in turn")}</button>
        </p>
      </Form>
    </section>
  );
}
