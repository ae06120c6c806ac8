// 共建: fulfilment, agreements (sign the exact version), rotation slots for partner admins; planning for officers.
import { createQuery, useClient } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { confirmDialog } from "../components/Dialog";
import { QueryView } from "../components/QueryView";
import { SearchableSelect, type Option } from "../components/SearchableSelect";
import { CancelShiftClaimDocument, FillRotationSlotDocument, RotationClaimsDocument, ShiftBoardDocument, SignAgreementDocument, StationPartnersDocument, type AgreementCardFragment, type ShiftCardFragment } from "../gql/graphql";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { createAction } from "../lib/mutation";
import { assignablePeople } from "../lib/people";
import { useSession } from "../lib/session";
import { formatDate, formatDateTime } from "../lib/time";
import { AgreementActions, lastDay } from "./AgreementEdit";
import PartnerPlanning from "./PartnerPlanning";

function AgreementView(props: { a: AgreementCardFragment }) {
  const a = () => props.a;
  const v = () => a().currentVersion;
  const sign = createAction(SignAgreementDocument, { pick: (d) => d.signAgreement, success: (p) =>
      p.agreement?.status === "ACTIVE"
        ? tr("已签署，协议生效", "Signed: the agreement is active")
        : p.agreement?.status === "SCHEDULED"
          ? tr("已签署，到开始日期后生效", "Signed: in effect from its start date")
          : tr("已签署，等待对方签署", "Signed: waiting for the other side"),
  });
  return (
    <article class="card" data-testid="agreement">
      <div class="spread">
        <strong>{v().title}</strong>
        <Badge enum="AgreementStatus" value={a().status} />
      </div>
      <div class="muted">
        {a().partner.name} · {tr(`第 ${v().version} 版`, `Version ${v().version}`)} · {formatDate(v().effectiveFrom)} – {formatDate(lastDay(v().effectiveTo))}
      </div>
      <details>
        <summary>{tr("协议条款与义务", "Terms and obligations")}</summary>
        <p class="pre">{v().terms}</p>
        <ul>
          <For each={v().obligations}>{(o) => <li>{label("ObligationKind", o.kind)} {o.quantity} {label("ObligationPeriod", o.period)} <span class="muted">{o.description}</span></li>}</For>
        </ul>
        <div class="hash">SHA-256: {v().textHash}</div>
      </details>
      <div class="muted">
        <For each={v().signatures}>{(s) => <div>✔ {label("AgreementSide", s.side)} {tr(`已签署第 ${s.version} 版`, `signed version ${s.version}`)} · {formatDateTime(s.signedAt)}</div>}</For>
      </div>
      <Show when={a().status === "TERMINATED" && a().terminationReason}>
        <p class="muted">{tr("终止原因：", "Reason: ")}{a().terminationReason}</p>
      </Show>
      <Show when={a().viewerCanSign}>
        <p>
          <button
            type="button"
            class="primary"
            disabled={sign.pending()}
            onClick={async () => {
              const ok = await confirmDialog({
                title: tr(`以${label("AgreementSide", a().viewerSide)}身份签署第 ${v().version} 版？`, `Sign version ${v().version} for the ${label("AgreementSide", a().viewerSide)} side?`),
                message: `${v().title} · SHA-256 ${v().textHash.slice(0, 16)}…`,
                confirm: tr("签署", "Sign"),
              });
              if (ok) await sign.run({ input: { agreementId: a().id, version: v().version } });
            }}
          >
            {tr(`签署第 ${v().version} 版`, `Sign version ${v().version}`)}
          </button>
        </p>
      </Show>
      <AgreementActions a={a()} />
      <details>
        <summary>{tr("历史记录", "History")}</summary>
        <ul>
          <For each={a().history.edges}>{(e) => <li>{formatDateTime(e.node.at)} {label("AgreementEventKind", e.node.kind)} <Show when={e.node.version}>v{e.node.version}</Show> <Show when={e.node.side}>({label("AgreementSide", e.node.side)})</Show> {e.node.note}</li>}</For>
        </ul>
      </details>
    </article>
  );
}

type Pick = ReturnType<typeof createSignal<Option | null>>;

function RotationSlot(props: { shift: ShiftCardFragment; partnerId: string; pick: Pick; onDone: () => void }) {
  const client = useClient();
  // Held by the list, per shift: a refetch of the board re-creates this card, and the person picked must survive it.
  const [pick, setPick] = props.pick;
  const [going, refetchGoing] = createQuery({ query: RotationClaimsDocument, variables: () => ({ shiftId: props.shift.id }), requestPolicy: "cache-and-network" });
  const fill = createAction(FillRotationSlotDocument, {
    pick: (d) => d.fillRotationSlot,
    success: () => tr("已安排", "Assigned"),
    onSuccess: () => (setPick(null), refetchGoing({ requestPolicy: "network-only" }), props.onDone()),
  });
  // 取消安排: the contact takes back someone sent by mistake (before the shift starts); they are told.
  const cancel = createAction(CancelShiftClaimDocument, {
    pick: (d) => d.cancelShiftClaim,
    success: () => tr("已取消安排", "Assignment cancelled"),
    onSuccess: () => (refetchGoing({ requestPolicy: "network-only" }), props.onDone()),
  });
  const people = assignablePeople(client, () => props.shift.id, true);
  const sh = () => props.shift;
  const claims = () => (going.data?.node?.__typename === "Shift" ? (going.data.node.rotationClaims?.edges.map((e) => e.node) ?? []) : []);
  return (
    <div class="card" data-testid="rotation-slot">
      <div>{sh().title} · {formatDateTime(sh().startsAt)} · <span class="seats">{sh().seatsTaken}/{sh().capacity}</span></div>
      {/* Who of the partner's people is on it: the contact sees whom they sent. */}
      <Show when={claims().length}>
        <ul class="plain" data-testid="rotation-claims" aria-label={tr("本单位已安排", "Your people on it")}>
          <For each={claims()}>
            {(c) => (
              <li class="row">
                <span class="grow">{c.volunteer.displayName} <Badge enum="ClaimStatus" value={c.status} /></span>
                {/* Once the shift has started only its leader may take someone off (the API says so too). */}
                <Show when={c.viewerCanCancel && (c.status === "CONFIRMED" || c.status === "WAITLISTED") && new Date(sh().startsAt) > new Date()}>
                  <button
                    type="button"
                    disabled={cancel.pending()}
                    onClick={async () => {
                      if (await confirmDialog({ title: tr(`取消 ${c.volunteer.displayName} 的安排？`, `Take ${c.volunteer.displayName} off this shift?`), message: tr("本人会收到通知。", "They will be told."), confirm: tr("取消安排", "Cancel assignment"), cancel: tr("保留", "Keep them"), danger: true }))
                        await cancel.run({ input: { claimId: c.id } });
                    }}
                  >
                    {tr("取消安排", "Cancel")}
                  </button>
                </Show>
              </li>
            )}
          </For>
        </ul>
      </Show>
      <div class="row">
        <div class="grow">
          <SearchableSelect load={people} value={pick()} onChange={setPick} aria-label={tr("选择本单位人员", "Choose a person")} />
        </div>
        <button type="button" disabled={!pick() || fill.pending()} onClick={() => void fill.run({ input: { shiftId: sh().id, volunteerId: pick()!.id } })}>{tr("安排", "Assign")}</button>
      </div>
    </div>
  );
}

function RotationSlots(props: { partnerId: string }) {
  const s = useSession();
  const now = new Date();
  const [board, refetch] = createQuery({
    query: ShiftBoardDocument,
    variables: () => ({ stationId: s.stationId()!, from: now.toISOString(), to: new Date(now.getTime() + 30 * 86_400_000).toISOString() }),
    pause: () => !s.stationId(),
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const picks = new Map<string, Pick>();
  const pickFor = (shiftId: string) => {
    let p = picks.get(shiftId);
    if (!p) picks.set(shiftId, (p = createSignal<Option | null>(null)));
    return p;
  };
  return (
    <section>
      <h2>{tr("轮值班次", "Rotation slots")}</h2>
      <QueryView
        query={board}
        select={(d) => d.shifts?.edges.map((e) => e.node).filter((sh) => sh.rotationPartner?.id === props.partnerId) ?? null}
        retry={again}
        isEmpty={(l) => !l.length}
        empty={<p class="muted">{tr("近期没有分配给本单位的班次", "No shifts given to your organization soon")}</p>}
      >
        {(mine) => <For each={mine()}>{(sh) => <RotationSlot shift={sh} partnerId={props.partnerId} pick={pickFor(sh.id)} onDone={again} />}</For>}
      </QueryView>
    </section>
  );
}

export default function Partners() {
  const s = useSession();
  const [q, refetch] = createQuery({ query: StationPartnersDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const again = () => refetch({ requestPolicy: "network-only" });
  const station = () => (q.data?.node?.__typename === "Station" ? q.data.node : null);
  const myPartner = () => s.viewer()?.roles.find((r) => r.role === "PARTNER_ADMIN" && r.station?.id === s.stationId())?.partner ?? null;
  return (
    <section>
      <h1>{station()?.viewerIsOfficer ? tr("共建单位履约", "Partner fulfilment") : (myPartner()?.name ?? tr("共建", "Co-building"))}</h1>
      <QueryView query={q} select={(d) => (d.node?.__typename === "Station" ? d.node : null)} retry={again}>
        {(st) => (
          <>
            <h2>{tr("本期履约", "Fulfilment this period")}</h2>
            <For each={st().partnerFulfilment.edges} fallback={<p class="muted">{tr("暂无生效协议", "No active agreements")}</p>}>
              {(e) => (
                <div class="card" data-testid="fulfilment">
                  <div class="spread">
                    <strong>{e.node.partner.name}</strong>
                    <span class="seats">{e.node.percent ?? "—"}%</span>
                  </div>
                  <table>
                    <tbody>
                      <For each={e.node.obligations}>
                        {(o) => (
                          <tr>
                            <td>{label("ObligationKind", o.kind)} <span class="muted">{label("ObligationPeriod", o.period)}</span></td>
                            <td class="seats">{o.delivered ?? "—"} / {o.promised}</td>
                            <td><Show when={o.status} fallback={<span class="muted">{tr("不可量化", "not measured")}</span>}><Badge enum="FulfilmentStatus" value={o.status} /></Show></td>
                          </tr>
                        )}
                      </For>
                    </tbody>
                  </table>
                </div>
              )}
            </For>
            <h2>{tr("共建协议", "Agreements")}</h2>
            <For each={st().agreements.edges} fallback={<p class="muted">{tr("暂无协议", "No agreements")}</p>}>
              {(e) => <AgreementView a={e.node} />}
            </For>
            <Show when={myPartner()}>
              <RotationSlots partnerId={myPartner()!.id} />
            </Show>
            <Show when={st().viewerIsOfficer}>
              <PartnerPlanning stationId={s.stationId()!} onChange={again} />
            </Show>
          </>
        )}
      </QueryView>
    </section>
  );
}
