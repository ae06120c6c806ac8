// 积分: balance, rewards, ledger, leaderboard, hours certificate, privacy.
import { A } from "@solidjs/router";
import { createQuery, useClient } from "@urql/solid";
import { createSignal, For, Show } from "solid-js";
import { Checkbox } from "../components/Checkbox";
import { confirmDialog } from "../components/Dialog";
import { QueryView } from "../components/QueryView";
import { toast } from "../components/Toast";
import { HoursCertificateCsvDocument, MyPointsDocument, RedeemRewardDocument, UpdateMyPrivacyDocument } from "../gql/graphql";
import { download } from "../lib/download";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { createAction, newRequestId } from "../lib/mutation";
import { useSession } from "../lib/session";
import { formatDate, fromLocalInput } from "../lib/time";
import { TableWrap } from "../components/TableWrap";

export default function Points() {
  const s = useSession();
  const year = new Date(Date.now() + 8 * 3600_000).getUTCFullYear();
  const [from, setFrom] = createSignal(`${year}-01-01`);
  const [to, setTo] = createSignal(`${year}-12-31`);
  const period = () => ({
    from: fromLocalInput(`${from()}T00:00`).toISOString(),
    to: new Date(fromLocalInput(`${to()}T00:00`).getTime() + 86_400_000).toISOString(),
  });
  const [q, refetch] = createQuery({
    query: MyPointsDocument,
    variables: () => ({ volunteerId: s.viewer()!.volunteer!.id, stationId: s.stationId()!, ...period() }),
    pause: () => !s.viewer()?.volunteer || !s.stationId(),
    requestPolicy: "cache-and-network",
  });
  const again = () => refetch({ requestPolicy: "network-only" });
  const redeem = createAction(RedeemRewardDocument, { pick: (d) => d.redeemReward, success: () => tr("兑换成功，请到派出所领取", "Redeemed: collect it at the station"), onSuccess: again });
  // One key per intended redemption, kept until the API answers: a retry after a lost answer spends once.
  const redeemKeys = new Map<string, string>();
  const privacy = createAction(UpdateMyPrivacyDocument, { pick: (d) => d.updateMyPrivacy, success: () => tr("隐私设置已保存", "Privacy saved") });
  // Leaders of a team or a squad choose whether members see their phone on the shifts they lead.
  const leads = () => !!s.viewer()?.roles.some((r) => r.role === "LEADER");
  const rewards = () => (q.data?.station?.__typename === "Station" ? q.data.station.rewards.edges.map((e) => e.node) : []);

  const client = useClient();
  const [downloading, setDownloading] = createSignal(false);
  // The CSV is fetched when asked for: each one is an export the audit log records.
  async function downloadCsv() {
    setDownloading(true);
    try {
      const r = await client.query(HoursCertificateCsvDocument, { volunteerId: s.viewer()!.volunteer!.id, stationId: s.stationId()!, ...period() }, { requestPolicy: "network-only" }).toPromise();
      const csv = r.data?.volunteer?.__typename === "Volunteer" ? r.data.volunteer.hoursCertificate?.csv : null;
      if (csv) download(new Blob([csv], { type: "text/csv;charset=utf-8" }), `志愿服务时长证明_${from()}_${to()}.csv`);
      else toast.error(tr("下载失败，请重试", "Download failed: please retry"));
    } finally {
      setDownloading(false);
    }
  }


  return (
    <section>
      <h1>{tr("我的积分", "My points")}</h1>
      <QueryView query={q} select={(d) => (d.volunteer?.__typename === "Volunteer" ? d.volunteer : null)} retry={again}>
        {(me) => (
          <>
            <div class="card spread">
              <span>{tr("当前积分", "Balance")}</span>
              <span class="seats big-number" data-testid="balance">{me().points?.balance ?? 0}</span>
            </div>
            <h2>{tr("兑换奖品", "Rewards")}</h2>
            <For each={rewards()} fallback={<p class="muted">{tr("暂无奖品", "No rewards")}</p>}>
              {(r) => (
                <div class="card spread">
                  <span>
                    <strong>{r.name}</strong> <span class="muted">{r.description}</span>
                    <div class="muted">{r.cost} {tr("积分", "points")} · {tr("库存", "stock")} {r.stock}</div>
                  </span>
                  <button
                    class="primary"
                    disabled={!r.viewerCanRedeem || redeem.pending()}
                    onClick={async () => {
                      if (await confirmDialog({ title: tr(`用 ${r.cost} 积分兑换「${r.name}」？`, `Spend ${r.cost} points on ${r.name}?`), confirm: tr("兑换", "Redeem") }))
                      {
                        const requestId = redeemKeys.get(r.id) ?? newRequestId();
                        redeemKeys.set(r.id, requestId);
                        const res = await redeem.run({ input: { rewardId: r.id, requestId, expectedCost: r.cost } });
                        if (res.ok || res.reason === "user") redeemKeys.delete(r.id);
                      }
                    }}
                  >
                    {tr("兑换", "Redeem")}
                  </button>
                </div>
              )}
            </For>
            <h2>{tr("积分明细", "Ledger")}</h2>
            <TableWrap class="card" label={tr("积分明细", "Ledger")}>
              <table>
                {/* Reason and note share a column: four columns left the note a few letters wide at 360 px. */}
                <thead><tr><th>{tr("日期", "Date")}</th><th>{tr("明细", "Entry")}</th><th>{tr("积分", "Points")}</th></tr></thead>
                <tbody>
                  <For each={me().points?.entries.edges} fallback={<tr><td colSpan={3} class="muted">{tr("暂无记录", "No entries yet")}</td></tr>}>
                    {(e) => (
                      <tr>
                        <td class="date">{formatDate(e.node.createdAt)}</td>
                        <td>
                          <strong>{label("PointsReason", e.node.reason)}</strong>
                          <Show when={e.node.note}><div class="muted">{e.node.note}</div></Show>
                        </td>
                        <td class={`seats ${e.node.amount < 0 ? "minus" : "plus"}`}>{e.node.amount > 0 ? "+" : ""}{e.node.amount}</td>
                      </tr>
                    )}
                  </For>
                </tbody>
              </table>
            </TableWrap>
            <h2>{tr("本月积分榜", "This month's leaderboard")}</h2>
            <ul class="card plain leaderboard">
              <For each={q.data?.leaderboard?.edges} fallback={<li class="muted">{tr("本月还没有积分", "No points this month yet")}</li>}>
                {(e) => (
                  <li classList={{ me: e.node.isViewer }}>
                    <span class="rank">{tr(`第${e.node.rank}名`, `No. ${e.node.rank}`)}</span> <span class="name">{e.node.displayName}</span> <span class="seats">{e.node.points}</span>
                  </li>
                )}
              </For>
            </ul>
            <h2>{tr("志愿服务时长证明", "Hours certificate")}</h2>
            <div class="card">
              <div class="grid2">
                <div><label for="from">{tr("开始日期", "From")}</label><input id="from" type="date" value={from()} onInput={(e) => setFrom(e.currentTarget.value)} /></div>
                <div><label for="to">{tr("结束日期", "To")}</label><input id="to" type="date" value={to()} onInput={(e) => setTo(e.currentTarget.value)} /></div>
              </div>
              <p>
                {tr("服务", "Served")} {Math.round(((me().hoursCertificate?.totalMinutes ?? 0) / 60) * 10) / 10} {tr("小时", "hours")} ·{" "}
                {me().hoursCertificate?.shiftCount ?? 0} {tr("次班次", "shifts")} · {me().hoursCertificate?.commendationCount ?? 0} {tr("次表扬", "commendations")}
              </p>
              <p class="row">
                <A class="button primary" href={`/points/certificate?from=${from()}&to=${to()}`}>{tr("查看并打印证明", "View and print")}</A>
                <button type="button" disabled={downloading()} onClick={() => void downloadCsv()}>{tr("下载 CSV", "Download CSV")}</button>
              </p>
            </div>
            <h2>{tr("隐私", "Privacy")}</h2>
            <div class="card">
              <Checkbox checked={me().publicRanking ?? false} disabled={privacy.pending()} onChange={(v) => void privacy.run({ input: { publicRanking: v } })}>
                {tr("在积分榜上显示我", "Show me on leaderboards")}
              </Checkbox>
              <Checkbox checked={me().showLegalNameOnBoard ?? false} disabled={privacy.pending()} onChange={(v) => void privacy.run({ input: { showLegalNameOnBoard: v } })}>
                {tr("表扬榜上显示我的真实姓名", "Show my legal name on the commendation board")}
              </Checkbox>
              <Show when={leads()}>
                <Checkbox checked={me().sharePhoneWithTeam ?? false} disabled={privacy.pending()} onChange={(v) => void privacy.run({ input: { sharePhoneWithTeam: v } })}>
                  {tr("我带队的班次向本队队员显示我的手机号", "Show my phone to my teams' members on the shifts I lead")}
                </Checkbox>
              </Show>
            </div>
          </>
        )}
      </QueryView>
    </section>
  );
}
