import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import {
  ApproveGoodDeedDocument,
  CreateRewardDocument,
  GoodDeedsDocument,
  MarkRedemptionHandedOutDocument,
  RejectGoodDeedDocument,
  StationAdminDocument,
  UpdatePointsRulesDocument,
} from "../gql/graphql";
import { fmtDate, fmtDateTime, tr } from "../i18n";
import { useSession } from "../session";
import { Badge, ErrorBox, Field, Loading, UserErrors, type UserErrorLike } from "../ui";

export default function Review() {
  const s = useSession();
  const vars = () => ({ stationId: s.stationId()! });
  const [deeds, refetchDeeds] = createQuery({ query: GoodDeedsDocument, variables: () => ({ ...vars(), status: "SUBMITTED" as const }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const [admin, refetchAdmin] = createQuery({ query: StationAdminDocument, variables: vars, pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const [, approve] = createMutation(ApproveGoodDeedDocument);
  const [, reject] = createMutation(RejectGoodDeedDocument);
  const [, rules] = createMutation(UpdatePointsRulesDocument);
  const [, createReward] = createMutation(CreateRewardDocument);
  const [, handOut] = createMutation(MarkRedemptionHandedOutDocument);
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const station = () => (deeds.data?.node?.__typename === "Station" ? deeds.data.node : null);
  const adminStation = () => (admin.data?.node?.__typename === "Station" ? admin.data.node : null);
  const [reward, setReward] = createSignal({ name: "", cost: 50, stock: 10 });
  const done = (errs?: ReadonlyArray<UserErrorLike>) => {
    setErrors(errs ?? []);
    refetchDeeds({ requestPolicy: "network-only" });
    refetchAdmin({ requestPolicy: "network-only" });
  };
  return (
    <section>
      <h1>{tr("审核与设置", "Review and settings")}</h1>
      <ErrorBox error={deeds.error ?? admin.error} />
      <UserErrors errors={errors()} />
      <h2>{tr("待审核的好人好事", "Good deeds to review")}</h2>
      <Show when={station()} fallback={<Loading />}>
        <For each={station()!.goodDeeds.edges} fallback={<p class="muted">{tr("没有待审核的事迹", "Nothing to review")}</p>}>
          {(e) => {
            const [points, setPoints] = createSignal(station()!.pointsRules.commendationPoints);
            return (
              <article class="card" data-testid="deed">
                <div class="spread">
                  <strong>{e.node.title}</strong>
                  <Badge value={e.node.category} />
                </div>
                <div class="muted">
                  {e.node.volunteer?.displayName ?? tr("集体", "Collective")} · {e.node.team.name}
                  <Show when={e.node.squad}> · {e.node.squad!.name}</Show> · {fmtDate(e.node.occurredAt)}
                </div>
                <p>{e.node.story}</p>
                <Show when={e.node.viewerCanReview}>
                  <div class="row">
                    <Show when={!e.node.isCollective}>
                      <label class="row" style={{ "font-weight": 400 }}>
                        {tr("积分", "Points")}
                        <input type="number" min="0" max="1000" style={{ width: "6rem" }} value={points()} onInput={(ev) => setPoints(Number(ev.currentTarget.value))} />
                      </label>
                    </Show>
                    <button class="primary" onClick={async () => done((await approve({ input: { goodDeedId: e.node.id, points: points() } })).data?.approveGoodDeed?.userErrors)}>
                      {tr("通过", "Approve")}
                    </button>
                    <button onClick={async () => {
                      const reason = prompt(tr("驳回原因", "Reason"));
                      if (reason) done((await reject({ input: { goodDeedId: e.node.id, reason } })).data?.rejectGoodDeed?.userErrors);
                    }}>
                      {tr("驳回", "Reject")}
                    </button>
                  </div>
                </Show>
              </article>
            );
          }}
        </For>
      </Show>
      <Show when={adminStation()}>
        <h2>{tr("积分规则", "Points rules")}</h2>
        <form class="card grid2" onSubmit={async (ev) => {
          ev.preventDefault();
          const f = new FormData(ev.currentTarget);
          done((await rules({ input: { stationId: s.stationId()!, pointsPerHour: Number(f.get("pph")), nightPatrolPercent: Number(f.get("night")), commendationPoints: Number(f.get("comm")) } })).data?.updatePointsRules?.userErrors);
        }}>
          <Field label={tr("每小时积分", "Points per hour")}><input name="pph" type="number" value={adminStation()!.pointsRules.pointsPerHour} /></Field>
          <Field label={tr("夜巡系数 %", "Night patrol %")}><input name="night" type="number" value={adminStation()!.pointsRules.nightPatrolPercent} /></Field>
          <Field label={tr("表扬默认积分", "Commendation points")}><input name="comm" type="number" value={adminStation()!.pointsRules.commendationPoints} /></Field>
          <div style={{ "align-self": "end" }}><button class="primary" type="submit">{tr("保存", "Save")}</button></div>
        </form>
        <h2>{tr("奖品", "Rewards")}</h2>
        <div class="card">
          <table>
            <tbody>
              <For each={adminStation()!.rewards.edges}>{(r) => <tr><td>{r.node.name}</td><td>{r.node.cost} {tr("积分", "pts")}</td><td>{tr("库存", "stock")} {r.node.stock}</td><td>{r.node.active ? "" : tr("已下架", "inactive")}</td></tr>}</For>
            </tbody>
          </table>
          <div class="grid2">
            <Field label={tr("名称", "Name")}><input value={reward().name} onInput={(e) => setReward({ ...reward(), name: e.currentTarget.value })} /></Field>
            <Field label={tr("所需积分", "Cost")}><input type="number" value={reward().cost} onInput={(e) => setReward({ ...reward(), cost: Number(e.currentTarget.value) })} /></Field>
            <Field label={tr("库存", "Stock")}><input type="number" value={reward().stock} onInput={(e) => setReward({ ...reward(), stock: Number(e.currentTarget.value) })} /></Field>
          </div>
          <button onClick={async () => done((await createReward({ input: { stationId: s.stationId()!, ...reward() } })).data?.createReward?.userErrors)}>{tr("添加奖品", "Add reward")}</button>
        </div>
        <h2>{tr("待发放的兑换", "Redemptions to hand out")}</h2>
        <For each={adminStation()!.redemptions?.edges} fallback={<p class="muted">{tr("无", "None")}</p>}>
          {(r) => (
            <div class="card spread">
              <span>{r.node.volunteer.displayName} · {r.node.reward.name} · {fmtDateTime(r.node.createdAt)}</span>
              <button onClick={async () => done((await handOut({ input: { redemptionId: r.node.id } })).data?.markRedemptionHandedOut?.userErrors)}>{tr("已发放", "Handed out")}</button>
            </div>
          )}
        </For>
      </Show>
    </section>
  );
}
