import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { FillRotationSlotDocument, PartnerPeopleDocument, ShiftBoardDocument, SignAgreementDocument, StationPartnersDocument, type AgreementCardFragment } from "../gql/graphql";
import { fmtDate, fmtDateTime, label, tr } from "../i18n";
import { useSession } from "../session";
import { Badge, ErrorBox, Loading, statusKind, UserErrors, type UserErrorLike } from "../ui";
import PartnerPlanning from "./PartnerPlanning";

function AgreementView(props: { a: AgreementCardFragment; onChange: () => void }) {
  const a = () => props.a;
  const v = () => a().currentVersion;
  const [state, sign] = createMutation(SignAgreementDocument);
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  return (
    <article class="card" data-testid="agreement">
      <div class="spread">
        <strong>{v().title}</strong>
        <Badge value={a().status} kind={statusKind(a().status)} />
      </div>
      <div class="muted">
        {a().partner.name} · {tr(`第 ${v().version} 版`, `Version ${v().version}`)} · {fmtDate(v().effectiveFrom)} – {fmtDate(v().effectiveTo)}
      </div>
      <details>
        <summary>{tr("协议条款与义务", "Terms and obligations")}</summary>
        <p style={{ "white-space": "pre-wrap" }}>{v().terms}</p>
        <ul>
          <For each={v().obligations}>{(o) => <li>{label(o.kind)} {o.quantity} {label(o.period)} <span class="muted">{o.description}</span></li>}</For>
        </ul>
        <div class="hash">SHA-256: {v().textHash}</div>
      </details>
      <div class="muted">
        <For each={v().signatures}>{(s) => <div>✔ {label(s.side)} {tr("已签署第", "signed version")} {s.version} {tr("版", "")} · {fmtDateTime(s.signedAt)}</div>}</For>
      </div>
      <Show when={a().viewerCanSign}>
        <p>
          <button class="primary" disabled={state.fetching} onClick={async () => {
            if (!confirm(tr(`确认以${label(a().viewerSide)}身份签署第 ${v().version} 版？`, `Sign version ${v().version} for the ${label(a().viewerSide)} side?`))) return;
            const res = await sign({ input: { agreementId: a().id, version: v().version } });
            setErrors(res.data?.signAgreement?.userErrors ?? []);
            props.onChange();
          }}>
            {tr(`签署第 ${v().version} 版`, `Sign version ${v().version}`)}
          </button>
        </p>
      </Show>
      <UserErrors errors={errors()} />
      <details>
        <summary>{tr("历史记录", "History")}</summary>
        <ul>
          <For each={a().history.edges}>{(e) => <li>{fmtDateTime(e.node.at)} {label(e.node.kind)} <Show when={e.node.version}>v{e.node.version}</Show> <Show when={e.node.side}>({label(e.node.side)})</Show> {e.node.note}</li>}</For>
        </ul>
      </details>
    </article>
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
  const [people] = createQuery({ query: PartnerPeopleDocument, variables: () => ({ partnerId: props.partnerId }) });
  const mine = () => board.data?.shifts?.edges.map((e) => e.node).filter((sh) => sh.rotationPartner?.id === props.partnerId) ?? [];
  const volunteers = () => (people.data?.node?.__typename === "Partner" ? (people.data.node.volunteers?.edges.map((e) => e.node) ?? []) : []);
  const [, fill] = createMutation(FillRotationSlotDocument);
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  return (
    <section>
      <h2>{tr("轮值班次", "Rotation slots")}</h2>
      <UserErrors errors={errors()} />
      <For each={mine()} fallback={<p class="muted">{tr("近期没有分配给本单位的班次", "No shifts given to your organization soon")}</p>}>
        {(sh) => {
          const [pick, setPick] = createSignal("");
          return (
            <div class="card spread">
              <span>{sh.title} · {fmtDateTime(sh.startsAt)} · <span class="seats">{sh.seatsTaken}/{sh.capacity}</span></span>
              <span class="row">
                <select style={{ width: "12rem" }} value={pick()} onChange={(e) => setPick(e.currentTarget.value)} aria-label={tr("选择本单位人员", "Choose a person")}>
                  <option value="">{tr("选择人员…", "Choose…")}</option>
                  <For each={volunteers()}>{(p) => <option value={p.id}>{p.displayName}</option>}</For>
                </select>
                <button disabled={!pick()} onClick={async () => {
                  const res = await fill({ input: { shiftId: sh.id, volunteerId: pick() } });
                  setErrors(res.data?.fillRotationSlot?.userErrors ?? []);
                  refetch({ requestPolicy: "network-only" });
                }}>{tr("安排", "Assign")}</button>
              </span>
            </div>
          );
        }}
      </For>
    </section>
  );
}

export default function Partners() {
  const s = useSession();
  const [q, refetch] = createQuery({ query: StationPartnersDocument, variables: () => ({ stationId: s.stationId()! }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const station = () => (q.data?.node?.__typename === "Station" ? q.data.node : null);
  const myPartner = () => s.viewer()?.roles.find((r) => r.role === "PARTNER_ADMIN" && r.station?.id === s.stationId())?.partner ?? null;
  return (
    <section>
      <h1>{station()?.viewerIsOfficer ? tr("共建单位履约", "Partner fulfilment") : myPartner()?.name ?? tr("共建", "Co-building")}</h1>
      <ErrorBox error={q.error} />
      <Show when={station()} fallback={<Loading />}>
        <h2>{tr("本期履约", "Fulfilment this period")}</h2>
        <For each={station()!.partnerFulfilment.edges} fallback={<p class="muted">{tr("暂无生效协议", "No active agreements")}</p>}>
          {(e, i) => (
            <div class="card" data-testid="fulfilment">
              <div class="spread">
                <strong>{i() + 1}. {e.node.partner.name}</strong>
                <span class="seats">{e.node.percent ?? "—"}%</span>
              </div>
              <table>
                <tbody>
                  <For each={e.node.obligations}>
                    {(o) => (
                      <tr>
                        <td>{label(o.kind)} <span class="muted">{label(o.period)}</span></td>
                        <td>{o.delivered ?? "—"} / {o.promised}</td>
                        <td><Show when={o.status} fallback={<span class="muted">{tr("不可量化", "not measured")}</span>}><Badge value={o.status} kind={statusKind(o.status)} /></Show></td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </div>
          )}
        </For>
        <h2>{tr("共建协议", "Agreements")}</h2>
        <For each={station()!.agreements.edges} fallback={<p class="muted">{tr("暂无协议", "No agreements")}</p>}>
          {(e) => <AgreementView a={e.node} onChange={() => refetch({ requestPolicy: "network-only" })} />}
        </For>
        <Show when={myPartner()}>
          <RotationSlots partnerId={myPartner()!.id} />
        </Show>
        <Show when={station()!.viewerIsOfficer}>
          <PartnerPlanning stationId={s.stationId()!} onChange={() => refetch({ requestPolicy: "network-only" })} />
        </Show>
      </Show>
    </section>
  );
}
