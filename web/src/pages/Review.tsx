// 审核与设置 (officers): review good deeds, points rules, rewards, hand-outs.
import { A } from "@solidjs/router";
import { createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { confirmDialog, promptDialog } from "../components/Dialog";
import { Field, Form, FormErrors, Submit } from "../components/Field";
import { QueryView } from "../components/QueryView";
import {
  ApproveGoodDeedDocument,
  CreateRewardDocument,
  GoodDeedsDocument,
  MarkRedemptionHandedOutDocument,
  RejectGoodDeedDocument,
  StationAdminDocument,
  UpdatePointsRulesDocument,
  UpdateRewardDocument,
  type GoodDeedsQuery,
  type StationAdminQuery,
} from "../gql/graphql";
import { createFormState, wholeNumbers } from "../lib/form";
import { tr } from "../lib/i18n";
import { createAction } from "../lib/mutation";
import { useSession } from "../lib/session";
import { formatDate, formatDateTime } from "../lib/time";

type Reward = Extract<NonNullable<StationAdminQuery["node"]>, { __typename: "Station" }>["rewards"]["edges"][number]["node"];

/** A reward of the points shop: edit it, restock it, take it off the shop or put it back. */
function RewardRow(props: { reward: Reward }) {
  const r = () => props.reward;
  const [editing, setEditing] = createSignal(false);
  const fromReward = () => ({ name: r().name, description: r().description, cost: String(r().cost), stock: String(r().stock) });
  const [f, setF] = createSignal(fromReward());
  // The stock the form showed: sent as expectedStock, so redemptions made meanwhile are not put back.
  const [openedStock, setOpenedStock] = createSignal(r().stock);
  const set = (p: Partial<ReturnType<typeof fromReward>>) => setF({ ...f(), ...p });
  const form = createFormState();
  const update = createAction(UpdateRewardDocument, { pick: (d) => d.updateReward, form, success: () => tr("奖品已保存", "Reward saved"), onSuccess: () => setEditing(false) });
  const toggle = createAction(UpdateRewardDocument, {
    pick: (d) => d.updateReward,
    success: (p) => (p.reward?.active ? tr("已重新上架", "Back in the shop") : tr("已下架，队员不能再兑换", "Taken off: no more redemptions")),
  });
  const open = () => {
    setF(fromReward());
    setOpenedStock(r().stock);
    form.clear();
    setEditing(true);
    form.element?.querySelector<HTMLElement>("input")?.focus();
  };
  return (
    <article class="card" data-testid="reward">
      <div class="spread">
        <strong>{r().name}</strong>
        <span>
          {r().cost} {tr("积分", "pts")} · {tr("库存", "stock")} {r().stock}
          <Show when={!r().active}> · <Badge text={tr("已下架", "Off the shop")} tone="bad" /></Show>
        </span>
      </div>
      <Show when={r().description}><div class="muted">{r().description}</div></Show>
      <Show
        when={editing()}
        fallback={
          <div class="row">
            <button type="button" onClick={open} aria-label={tr(`编辑奖品：${r().name}`, `Edit reward: ${r().name}`)}>{tr("编辑", "Edit")}</button>
            <button
              type="button"
              class={r().active ? "danger" : ""}
              disabled={toggle.pending()}
              onClick={async () => {
                if (r().active && !(await confirmDialog({ title: tr(`下架「${r().name}」？`, `Take “${r().name}” off the shop?`), message: tr("已兑换未领取的仍可发放", "Redemptions already made can still be handed out"), confirm: tr("下架", "Take off"), danger: true }))) return;
                await toggle.run({ input: { rewardId: r().id, active: !r().active } });
              }}
            >
              {r().active ? tr("下架", "Take off") : tr("重新上架", "Put back")}
            </button>
          </div>
        }
      >
        <Form
          form={form}
          class="plain-form"
          label={tr(`编辑奖品：${r().name}`, `Edit reward: ${r().name}`)}
          onSubmit={() => {
            const n = wholeNumbers(form, { cost: f().cost, stock: f().stock });
            if (!n) return;
            const stock = n.stock === openedStock() ? {} : { stock: n.stock, expectedStock: openedStock() };
            return update.run({ input: { rewardId: r().id, name: f().name.trim(), description: f().description.trim(), cost: n.cost, ...stock } });
          }}
        >
          <div class="grid2">
            <Field name="name" label={tr("名称", "Name")} required>{(a) => <input {...a} maxLength={60} value={f().name} onInput={(e) => set({ name: e.currentTarget.value })} />}</Field>
            <Field name="description" label={tr("说明", "Description")}>{(a) => <input {...a} maxLength={500} value={f().description} onInput={(e) => set({ description: e.currentTarget.value })} />}</Field>
            <Field name="cost" label={tr("所需积分", "Cost")} required>{(a) => <input {...a} inputmode="numeric" value={f().cost} onInput={(e) => set({ cost: e.currentTarget.value })} />}</Field>
            <Field name="stock" label={tr("库存", "Stock")} required>{(a) => <input {...a} inputmode="numeric" value={f().stock} onInput={(e) => set({ stock: e.currentTarget.value })} />}</Field>
          </div>
          <FormErrors />
          <div class="row">
            <Submit pending={update.pending()}>{tr("保存", "Save")}</Submit>
            <button type="button" onClick={() => (form.clear(), setEditing(false))}>{tr("取消", "Cancel")}</button>
          </div>
        </Form>
      </Show>
    </article>
  );
}

type Deed = Extract<NonNullable<GoodDeedsQuery["node"]>, { __typename: "Station" }>["goodDeeds"]["edges"][number]["node"];

function DeedCard(props: { deed: Deed; defaultPoints: number; onDone: () => void }) {
  const d = () => props.deed;
  const [points, setPoints] = createSignal(props.defaultPoints);
  const approve = createAction(ApproveGoodDeedDocument, { pick: (x) => x.approveGoodDeed, success: () => tr("已通过，积分已发放", "Approved; points credited"), onSuccess: props.onDone });
  const reject = createAction(RejectGoodDeedDocument, { pick: (x) => x.rejectGoodDeed, success: () => tr("已驳回", "Rejected"), onSuccess: props.onDone });
  const pending = () => approve.pending() || reject.pending();
  return (
    <article class="card" data-testid="deed">
      <div class="spread">
        <strong>{d().title}</strong>
        <Badge enum="GoodDeedCategory" value={d().category} tone={undefined} />
      </div>
      <div class="muted">
        {d().volunteer?.displayName ?? tr("集体", "Collective")} · {d().team.name}
        <Show when={d().squad}> · {d().squad!.name}</Show> · {formatDate(d().occurredAt)}
      </div>
      <p>{d().story}</p>
      <Show when={d().viewerCanReview}>
        <div class="row">
          <Show when={!d().isCollective}>
            <label class="inline" for={`pts-${d().id}`}>{tr("积分", "Points")}</label>
            <input id={`pts-${d().id}`} type="number" min="0" max="1000" class="narrow" value={points()} onInput={(ev) => setPoints(Number(ev.currentTarget.value))} />
          </Show>
          <button type="button" class="primary" disabled={pending()} onClick={() => void approve.run({ input: { goodDeedId: d().id, points: points() } })}>
            {tr("通过", "Approve")}
          </button>
          <button
            type="button"
            disabled={pending()}
            onClick={async () => {
              const reason = await promptDialog({ title: tr(`驳回「${d().title}」？`, `Reject “${d().title}”?`), label: tr("驳回原因（队长会看到）", "Reason (the leader sees it)"), confirm: tr("驳回", "Reject") });
              if (reason) await reject.run({ input: { goodDeedId: d().id, reason } });
            }}
          >
            {tr("驳回", "Reject")}
          </button>
        </div>
      </Show>
    </article>
  );
}

export default function Review() {
  const s = useSession();
  const vars = () => ({ stationId: s.stationId()! });
  const [deeds, refetchDeeds] = createQuery({ query: GoodDeedsDocument, variables: () => ({ ...vars(), status: "SUBMITTED" as const }), pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const [admin, refetchAdmin] = createQuery({ query: StationAdminDocument, variables: vars, pause: () => !s.stationId(), requestPolicy: "cache-and-network" });
  const againDeeds = () => refetchDeeds({ requestPolicy: "network-only" });
  const againAdmin = () => refetchAdmin({ requestPolicy: "network-only" });

  const rulesForm = createFormState();
  const rules = createAction(UpdatePointsRulesDocument, { pick: (d) => d.updatePointsRules, form: rulesForm, success: () => tr("积分规则已保存", "Points rules saved") });
  const blankReward = () => ({ name: "", cost: 50, stock: 10 });
  const [reward, setReward] = createSignal(blankReward());
  const rewardForm = createFormState();
  const createReward = createAction(CreateRewardDocument, { pick: (d) => d.createReward, form: rewardForm, success: () => tr("奖品已添加", "Reward added"), onSuccess: () => (setReward(blankReward()), againAdmin()) });
  const handOut = createAction(MarkRedemptionHandedOutDocument, { pick: (d) => d.markRedemptionHandedOut, success: () => tr("已记为发放", "Marked as handed out"), onSuccess: againAdmin });

  return (
    <section>
      <h1>{tr("审核与设置", "Review and settings")}</h1>
      <p><A href="/settings">{tr("派出所设置：值班电话、签到范围、班次提醒、短信额度", "Station settings: duty phone, check-in radius, reminders, SMS budget")}</A></p>
      <h2>{tr("待审核的好人好事", "Good deeds to review")}</h2>
      <QueryView
        query={deeds}
        select={(d) => (d.node?.__typename === "Station" ? d.node : null)}
        retry={againDeeds}
        isEmpty={(st) => !st.goodDeeds.edges.length}
        empty={<p class="muted">{tr("没有待审核的事迹", "Nothing to review")}</p>}
      >
        {(st) => <For each={st().goodDeeds.edges}>{(e) => <DeedCard deed={e.node} defaultPoints={st().pointsRules.commendationPoints} onDone={againDeeds} />}</For>}
      </QueryView>
      <QueryView query={admin} select={(d) => (d.node?.__typename === "Station" ? d.node : null)} retry={againAdmin}>
        {(st) => (
          <>
            <h2>{tr("积分规则", "Points rules")}</h2>
            <Form
              form={rulesForm}
              class="card"
              label={tr("积分规则", "Points rules")}
              onSubmit={() => {
                const f = new FormData(rulesForm.element as HTMLFormElement);
                return rules.run({ input: { stationId: s.stationId()!, pointsPerHour: Number(f.get("pointsPerHour")), nightPatrolPercent: Number(f.get("nightPatrolPercent")), commendationPoints: Number(f.get("commendationPoints")) } });
              }}
            >
              <div class="grid2">
                <Field name="pointsPerHour" label={tr("每小时积分", "Points per hour")}>{(a) => <input {...a} type="number" value={st().pointsRules.pointsPerHour} />}</Field>
                <Field name="nightPatrolPercent" label={tr("夜巡系数 %", "Night patrol %")}>{(a) => <input {...a} type="number" value={st().pointsRules.nightPatrolPercent} />}</Field>
                <Field name="commendationPoints" label={tr("表扬默认积分", "Commendation points")}>{(a) => <input {...a} type="number" value={st().pointsRules.commendationPoints} />}</Field>
              </div>
              <FormErrors />
              <p><Submit pending={rules.pending()}>{tr("保存", "Save")}</Submit></p>
            </Form>
            <h2>{tr("奖品", "Rewards")}</h2>
            <For each={st().rewards.edges} fallback={<p class="muted">{tr("暂无奖品", "No rewards")}</p>}>
              {(r) => <RewardRow reward={r.node} />}
            </For>
            <Form form={rewardForm} label={tr("添加奖品", "Add a reward")} onSubmit={() => createReward.run({ input: { stationId: s.stationId()!, ...reward(), name: reward().name.trim() } })}>
              <div class="grid2">
                <Field name="name" label={tr("名称", "Name")} required>{(a) => <input {...a} value={reward().name} onInput={(e) => setReward({ ...reward(), name: e.currentTarget.value })} />}</Field>
                <Field name="cost" label={tr("所需积分", "Cost")}>{(a) => <input {...a} type="number" value={reward().cost} onInput={(e) => setReward({ ...reward(), cost: Number(e.currentTarget.value) })} />}</Field>
                <Field name="stock" label={tr("库存", "Stock")}>{(a) => <input {...a} type="number" value={reward().stock} onInput={(e) => setReward({ ...reward(), stock: Number(e.currentTarget.value) })} />}</Field>
              </div>
              <FormErrors />
              <p><Submit pending={createReward.pending()}>{tr("添加奖品", "Add reward")}</Submit></p>
            </Form>
            <h2>{tr("待发放的兑换", "Redemptions to hand out")}</h2>
            <For each={st().redemptions?.edges} fallback={<p class="muted">{tr("无", "None")}</p>}>
              {(r) => (
                <div class="card spread">
                  <span>{r.node.volunteer.displayName} · {r.node.reward.name} · {formatDateTime(r.node.createdAt)}</span>
                  <Show when={r.node.viewerCanHandOut} fallback={<span class="muted">{tr("本人兑换，由其他民警发放", "Your own: another officer hands it out")}</span>}>
                    <button type="button" disabled={handOut.pending()} onClick={() => void handOut.run({ input: { redemptionId: r.node.id } })}>{tr("已发放", "Handed out")}</button>
                  </Show>
                </div>
              )}
            </For>
          </>
        )}
      </QueryView>
    </section>
  );
}
