// Officers: draft a co-building agreement and give upcoming shifts to partners in turn (轮流出人).
import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { AssignRotationDocument, DraftAgreementDocument, ShiftBoardDocument, StationPartnerListDocument, type ObligationKind, type ObligationPeriod } from "../gql/graphql";
import { fmtDateTime, label, tr } from "../i18n";
import { Field, fromLocalInput, UserErrors, type UserErrorLike } from "../ui";

const KINDS: ObligationKind[] = ["PATROL_PERSON_SHIFTS", "PATROL_HOURS", "PUBLICITY_EVENTS", "VENUE", "OTHER"];
const PERIODS: ObligationPeriod[] = ["MONTH", "QUARTER", "YEAR"];

export default function PartnerPlanning(props: { stationId: string; onChange: () => void }) {
  const [partnersQ] = createQuery({ query: StationPartnerListDocument, variables: () => ({ stationId: props.stationId }) });
  const partners = () => (partnersQ.data?.node?.__typename === "Station" ? partnersQ.data.node.partners.edges.map((e) => e.node) : []);
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const [f, setF] = createSignal({ partnerId: "", title: "", terms: "", from: `${year}-01-01`, to: `${year}-12-31`, kind: "PATROL_PERSON_SHIFTS" as ObligationKind, quantity: 8, period: "MONTH" as ObligationPeriod });
  const set = (p: Partial<ReturnType<typeof f>>) => setF({ ...f(), ...p });
  const [draftState, draft] = createMutation(DraftAgreementDocument);
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const [message, setMessage] = createSignal<string | null>(null);

  const now = new Date();
  const [board] = createQuery({ query: ShiftBoardDocument, variables: () => ({ stationId: props.stationId, from: now.toISOString(), to: new Date(now.getTime() + 14 * 86_400_000).toISOString() }) });
  const [picked, setPicked] = createSignal<string[]>([]);
  const [rotaPartners, setRotaPartners] = createSignal<string[]>([]);
  const [, assign] = createMutation(AssignRotationDocument);

  return (
    <section>
      <h2>{tr("起草共建协议", "Draft an agreement")}</h2>
      <form class="card" aria-label={tr("起草共建协议", "Draft an agreement")} onSubmit={async (e) => {
        e.preventDefault();
        const v = f();
        const res = await draft({
          input: {
            partnerId: v.partnerId || partners()[0]!.id,
            title: v.title,
            terms: v.terms,
            effectiveFrom: fromLocalInput(`${v.from}T00:00`).toISOString(),
            effectiveTo: new Date(fromLocalInput(`${v.to}T00:00`).getTime() + 86_400_000).toISOString(),
            obligations: [{ kind: v.kind, quantity: Number(v.quantity), period: v.period }],
          },
        });
        setErrors(res.data?.draftAgreement?.userErrors ?? []);
        if (res.data?.draftAgreement?.agreement) {
          setMessage(tr("协议已起草，请签署并等待共建单位签署", "Drafted: sign it, then the partner signs"));
          props.onChange();
        }
      }}>
        <div class="grid2">
          <Field label={tr("共建单位", "Partner")}>
            <select value={f().partnerId || partners()[0]?.id || ""} onChange={(e) => set({ partnerId: e.currentTarget.value })}>
              <For each={partners()}>{(p) => <option value={p.id}>{p.name}</option>}</For>
            </select>
          </Field>
          <Field label={tr("标题", "Title")}><input required value={f().title} onInput={(e) => set({ title: e.currentTarget.value })} /></Field>
          <Field label={tr("生效日期", "From")}><input type="date" value={f().from} onInput={(e) => set({ from: e.currentTarget.value })} /></Field>
          <Field label={tr("截止日期", "To")}><input type="date" value={f().to} onInput={(e) => set({ to: e.currentTarget.value })} /></Field>
          <Field label={tr("义务", "Obligation")}>
            <select value={f().kind} onChange={(e) => set({ kind: e.currentTarget.value as ObligationKind })}>
              <For each={KINDS}>{(k) => <option value={k}>{label(k)}</option>}</For>
            </select>
          </Field>
          <div class="row">
            <Field label={tr("数量", "Quantity")}><input type="number" min="1" style={{ width: "6rem" }} value={f().quantity} onInput={(e) => set({ quantity: Number(e.currentTarget.value) })} /></Field>
            <Field label={tr("周期", "Period")}>
              <select value={f().period} onChange={(e) => set({ period: e.currentTarget.value as ObligationPeriod })}>
                <For each={PERIODS}>{(p) => <option value={p}>{label(p)}</option>}</For>
              </select>
            </Field>
          </div>
        </div>
        <Field label={tr("协议条款", "Terms")}><textarea required value={f().terms} onInput={(e) => set({ terms: e.currentTarget.value })} /></Field>
        <UserErrors errors={errors()} />
        <Show when={message()}><div class="notice" role="status">{message()}</div></Show>
        <p><button class="primary" type="submit" disabled={draftState.fetching || !partners().length}>{tr("起草", "Draft")}</button></p>
      </form>

      <h2>{tr("安排轮值（轮流出人）", "Rotation (partners take turns)")}</h2>
      <div class="card">
        <p class="muted">{tr("选择单位和未来两周的班次，班次按时间依次分给各单位", "Pick partners and shifts of the next two weeks; shifts go to the partners in turn")}</p>
        <div class="row">
          <For each={partners()}>
            {(p) => (
              <label class="row" style={{ "font-weight": 400 }}>
                <input type="checkbox" style={{ width: "auto", "min-height": "auto" }} checked={rotaPartners().includes(p.id)} onChange={(e) => setRotaPartners(e.currentTarget.checked ? [...rotaPartners(), p.id] : rotaPartners().filter((x) => x !== p.id))} />
                {p.name}
              </label>
            )}
          </For>
        </div>
        <For each={board.data?.shifts?.edges}>
          {(e) => (
            <label class="row" style={{ "font-weight": 400 }}>
              <input type="checkbox" style={{ width: "auto", "min-height": "auto" }} checked={picked().includes(e.node.id)} onChange={(ev) => setPicked(ev.currentTarget.checked ? [...picked(), e.node.id] : picked().filter((x) => x !== e.node.id))} />
              {fmtDateTime(e.node.startsAt)} {e.node.title} <Show when={e.node.rotationPartner}><span class="muted">→ {e.node.rotationPartner!.name}</span></Show>
            </label>
          )}
        </For>
        <p>
          <button disabled={!picked().length || !rotaPartners().length} onClick={async () => {
            const res = await assign({ input: { stationId: props.stationId, partnerIds: rotaPartners(), shiftIds: picked() } });
            setErrors(res.data?.assignRotation?.userErrors ?? []);
            if (res.data?.assignRotation?.shifts) setMessage(tr("轮值已安排", "Rotation assigned"));
          }}>
            {tr("按顺序分配", "Assign in turn")}
          </button>
        </p>
      </div>
    </section>
  );
}
