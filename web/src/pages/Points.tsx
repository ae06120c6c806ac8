import { createMutation, createQuery } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { MyPointsDocument, RedeemRewardDocument, UpdateMyPrivacyDocument } from "../gql/graphql";
import { fmtDate, label, tr } from "../i18n";
import { useSession } from "../session";
import { ErrorBox, fromLocalInput, Loading, UserErrors, type UserErrorLike } from "../ui";

export default function Points() {
  const s = useSession();
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const [from, setFrom] = createSignal(`${year}-01-01`);
  const [to, setTo] = createSignal(`${year}-12-31`);
  const [q, refetch] = createQuery({
    query: MyPointsDocument,
    variables: () => ({
      volunteerId: s.viewer()!.volunteer!.id,
      stationId: s.stationId()!,
      from: fromLocalInput(`${from()}T00:00`).toISOString(),
      to: new Date(fromLocalInput(`${to()}T00:00`).getTime() + 86_400_000).toISOString(),
    }),
    pause: () => !s.viewer()?.volunteer || !s.stationId(),
    requestPolicy: "cache-and-network",
  });
  const [redeemState, redeem] = createMutation(RedeemRewardDocument);
  const [, privacy] = createMutation(UpdateMyPrivacyDocument);
  const [errors, setErrors] = createSignal<ReadonlyArray<UserErrorLike>>([]);
  const [message, setMessage] = createSignal<string | null>(null);
  const me = () => (q.data?.volunteer?.__typename === "Volunteer" ? q.data.volunteer : null);
  const rewards = () => (q.data?.station?.__typename === "Station" ? q.data.station.rewards.edges.map((e) => e.node) : []);

  function download() {
    const cert = me()?.hoursCertificate;
    if (!cert) return;
    const url = URL.createObjectURL(new Blob([cert.csv], { type: "text/csv;charset=utf-8" }));
    const a = document.createElement("a");
    a.href = url;
    a.download = `志愿服务时长证明_${from()}_${to()}.csv`;
    a.click();
    URL.revokeObjectURL(url);
  }

  return (
    <section>
      <h1>{tr("我的积分", "My points")}</h1>
      <Show when={s.viewer()?.volunteer} fallback={<p class="muted">{tr("只有义警有积分", "Only volunteers have points")}</p>}>
        <ErrorBox error={q.error} />
        <Show when={me()} fallback={<Loading />}>
          <div class="card spread">
            <span>{tr("当前积分", "Balance")}</span>
            <span class="seats" style={{ "font-size": "2rem" }} data-testid="balance">{me()!.points?.balance ?? 0}</span>
          </div>
          <UserErrors errors={errors()} />
          <Show when={message()}><div class="notice" role="status">{message()}</div></Show>
          <h2>{tr("兑换奖品", "Rewards")}</h2>
          <For each={rewards()} fallback={<p class="muted">{tr("暂无奖品", "No rewards")}</p>}>
            {(r) => (
              <div class="card spread">
                <span>
                  <strong>{r.name}</strong> <span class="muted">{r.description}</span>
                  <div class="muted">{r.cost} {tr("积分", "points")} · {tr("库存", "stock")} {r.stock}</div>
                </span>
                <button class="primary" disabled={!r.viewerCanRedeem || redeemState.fetching} onClick={async () => {
                  if (!confirm(tr(`用 ${r.cost} 积分兑换「${r.name}」？`, `Spend ${r.cost} points on ${r.name}?`))) return;
                  const res = await redeem({ input: { rewardId: r.id } });
                  setErrors(res.data?.redeemReward?.userErrors ?? []);
                  if (res.data?.redeemReward?.redemption) {
                    setMessage(tr("兑换成功，请到派出所领取", "Redeemed: collect it at the station"));
                    refetch({ requestPolicy: "network-only" });
                  }
                }}>
                  {tr("兑换", "Redeem")}
                </button>
              </div>
            )}
          </For>
          <h2>{tr("积分明细", "Ledger")}</h2>
          <div class="card">
            <table>
              <thead><tr><th>{tr("日期", "Date")}</th><th>{tr("类型", "Reason")}</th><th>{tr("说明", "Note")}</th><th>{tr("积分", "Points")}</th></tr></thead>
              <tbody>
                <For each={me()!.points?.entries.edges}>
                  {(e) => (
                    <tr>
                      <td>{fmtDate(e.node.createdAt)}</td>
                      <td>{label(e.node.reason)}</td>
                      <td>{e.node.note}</td>
                      <td class="seats" style={{ color: e.node.amount < 0 ? "var(--bad)" : "var(--ok)" }}>{e.node.amount > 0 ? "+" : ""}{e.node.amount}</td>
                    </tr>
                  )}
                </For>
              </tbody>
            </table>
          </div>
          <h2>{tr("本月积分榜", "This month's leaderboard")}</h2>
          <ol class="card">
            <For each={q.data?.leaderboard?.edges}>
              {(e) => <li style={{ "font-weight": e.node.isViewer ? 700 : 400 }}>{tr(`第${e.node.rank}名`, `#${e.node.rank}`)} {e.node.displayName} · {e.node.points}</li>}
            </For>
          </ol>
          <h2>{tr("志愿服务时长证明", "Hours certificate")}</h2>
          <div class="card">
            <div class="grid2">
              <div><label for="from">{tr("开始日期", "From")}</label><input id="from" type="date" value={from()} onInput={(e) => setFrom(e.currentTarget.value)} /></div>
              <div><label for="to">{tr("结束日期", "To")}</label><input id="to" type="date" value={to()} onInput={(e) => setTo(e.currentTarget.value)} /></div>
            </div>
            <p>
              {tr("服务", "Served")} {Math.round(((me()!.hoursCertificate?.totalMinutes ?? 0) / 60) * 10) / 10} {tr("小时", "hours")} ·{" "}
              {me()!.hoursCertificate?.shiftCount ?? 0} {tr("次班次", "shifts")} · {me()!.hoursCertificate?.commendationCount ?? 0} {tr("次表扬", "commendations")}
            </p>
            <button onClick={download}>{tr("下载 CSV", "Download CSV")}</button>
          </div>
          <h2>{tr("隐私", "Privacy")}</h2>
          <div class="card">
            <label class="row" style={{ "font-weight": 400 }}>
              <input type="checkbox" style={{ width: "auto", "min-height": "auto" }} checked={me()!.publicRanking} onChange={(e) => privacy({ input: { publicRanking: e.currentTarget.checked } })} />
              {tr("在积分榜上显示我", "Show me on leaderboards")}
            </label>
            <label class="row" style={{ "font-weight": 400 }}>
              <input type="checkbox" style={{ width: "auto", "min-height": "auto" }} checked={me()!.showLegalNameOnBoard} onChange={(e) => privacy({ input: { showLegalNameOnBoard: e.currentTarget.checked } })} />
              {tr("表扬榜上显示我的真实姓名", "Show my legal name on the commendation board")}
            </label>
          </div>
        </Show>
      </Show>
    </section>
  );
}
