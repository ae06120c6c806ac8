// 统计 (officers; region admins): a station's figures for a period, or a region's stations side by
// side, charts (ECharts, loaded only here) and .xlsx exports.
import { createQuery } from "@urql/solid";
import { createEffect, createSignal, For, onCleanup, Show, type JSX } from "solid-js";
import { QueryView } from "../components/QueryView";
import { RegionStatisticsDocument, StationStatisticsDocument, StatisticsRegionsDocument, type RegionStatisticsQuery, type StationStatisticsQuery } from "../gql/graphql";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { useSession } from "../lib/session";
import { fromLocalInput, shanghaiDay } from "../lib/time";

type Stats = NonNullable<StationStatisticsQuery["stationStatistics"]>;
type RegionStats = NonNullable<RegionStatisticsQuery["regionStatistics"]>;
type Figures = Omit<RegionStats["stations"][number], "__typename" | "stationId" | "stationName">;
const percent = (rate: number | null | undefined) => (rate == null ? "—" : `${Math.round(rate * 1000) / 10}%`);

/** The summary figures of a station, in the order of the tables (the region view uses the same rows). */
const summaryRows = (st: Figures): [string, string | number][] => [
  [tr("活跃义警", "Active volunteers"), st.activeVolunteers],
  [tr("新增义警", "New volunteers"), st.newVolunteers],
  [tr("服务时长（小时）", "Service hours"), hours(st.serviceMinutes)],
  [tr("发布班次", "Shifts published"), st.shiftsPublished],
  [tr("满员班次", "Shifts filled"), st.shiftsFilled],
  [tr("取消班次", "Shifts cancelled"), st.shiftsCancelled],
  [tr("缺勤人次", "No-shows"), st.noShows],
  [tr("表扬", "Commendations"), st.commendations],
  [tr("发放积分", "Points issued"), st.pointsIssued],
  [tr("兑换积分", "Points redeemed"), st.pointsRedeemed],
  [tr("一键召集", "Call-ups"), st.callUps],
  [tr("召集到足人数", "Call-ups fully staffed"), st.callUpsReachedWanted],
  [tr("召集到足中位用时（分钟）", "Median minutes to staffed"), st.medianMinutesToWanted ?? "—"],
  [tr("巡逻发现上报", "Findings reported"), st.findingsReported],
  [tr("巡逻发现已处置", "Findings resolved"), st.findingsResolved],
  [tr("巡逻发现未办结", "Findings open"), st.findingsOpen],
  [tr("处置中位用时（小时）", "Median hours to resolve"), st.medianHoursToResolve ?? "—"],
  [tr("受理调解", "Mediation cases opened"), st.mediationOpened],
  [tr("调解结案", "Mediation cases closed"), st.mediationClosed],
  [tr("调解成功率", "Mediation success rate"), percent(st.mediationSuccessRate)],
];
const WEEKDAYS = () => [tr("周一", "Mon"), tr("周二", "Tue"), tr("周三", "Wed"), tr("周四", "Thu"), tr("周五", "Fri"), tr("周六", "Sat"), tr("周日", "Sun")];
const hours = (minutes: number) => Math.round(minutes / 6) / 10;

/** The first day of this month and of the next (Asia/Shanghai), as YYYY-MM-DD. */
function thisMonth(): [string, string] {
  const today = shanghaiDay(new Date());
  const [y, m] = today.split("-").map(Number) as [number, number];
  const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, "0")}-01`;
  return [`${today.slice(0, 7)}-01`, next];
}

/** An ECharts chart in a div, drawn when the library has loaded and redrawn when its option changes. */
function Chart(props: { option: () => Record<string, unknown>; label: string; testid: string }) {
  let el!: HTMLDivElement;
  let chart: import("../lib/charts").Chart | undefined;
  const [ready, setReady] = createSignal(false);
  void import("../lib/charts").then((m) => {
    chart = m.init(el);
    setReady(true);
  });
  createEffect(() => ready() && chart!.setOption(props.option(), true));
  const resize = () => chart?.resize();
  window.addEventListener("resize", resize);
  onCleanup(() => {
    window.removeEventListener("resize", resize);
    chart?.dispose();
  });
  return <div ref={el} class="chart" role="img" aria-label={props.label} data-testid={props.testid} />;
}

function Table(props: { caption: string; columns: string[]; rows: (string | number)[][]; onExport: () => void; testid: string }): JSX.Element {
  return (
    <div class="card">
      <div class="spread">
        <h2>{props.caption}</h2>
        <button type="button" onClick={() => props.onExport()} data-testid={`export-${props.testid}`}>{tr("导出 Excel", "Export .xlsx")}</button>
      </div>
      <div class="table-scroll">
        <table data-testid={`table-${props.testid}`}>
          <thead><tr><For each={props.columns}>{(c) => <th scope="col">{c}</th>}</For></tr></thead>
          <tbody>
            <For each={props.rows} fallback={<tr><td colspan={props.columns.length} class="muted">{tr("无记录", "No records")}</td></tr>}>
              {(r) => <tr><For each={r}>{(v) => <td>{v}</td>}</For></tr>}
            </For>
          </tbody>
        </table>
      </div>
    </div>
  );
}

/** A region's stations side by side: one column per station, a chart of the main figures, one export. */
function RegionView(props: { regionId: string; from: string; to: string; period: string }) {
  const [q, refetch] = createQuery({
    query: RegionStatisticsDocument,
    variables: () => ({ regionId: props.regionId, from: fromLocalInput(`${props.from}T00:00`).toISOString(), to: fromLocalInput(`${props.to}T00:00`).toISOString() }),
    pause: () => !props.regionId || !props.from || !props.to,
  });
  const table = (r: RegionStats) => {
    const rows = r.stations.map((st) => summaryRows(st));
    return {
      columns: [tr("指标", "Figure"), ...r.stations.map((st) => st.stationName)],
      rows: (rows[0] ?? summaryRows({} as Figures)).map(([k], i) => [k, ...rows.map((row) => row[i]![1])]) as (string | number)[][],
    };
  };
  const exportXlsx = async (r: RegionStats) => {
    const { workbook, download } = await import("../lib/xlsx");
    const t = table(r);
    const caption = tr("各所对比", "Stations side by side");
    download(await workbook([{ name: caption, title: `${r.regionName} ${caption}`, period: props.period, columns: t.columns, rows: t.rows }]), `${r.regionName}-${tr("统计", "statistics")}-${props.from}-${props.to}.xlsx`);
  };
  return (
    <QueryView query={q} select={(d) => d.regionStatistics} retry={() => refetch({ requestPolicy: "network-only" })}>
      {(r) => (
        <>
          <p class="muted">{r().regionName} · {props.period}</p>
          <div class="card">
            <h2>{tr("各所主要指标", "Main figures per station")}</h2>
            <Chart
              testid="chart-region"
              label={tr("各派出所的活跃义警、服务时长、巡逻发现与调解", "Active volunteers, hours, findings and mediation per station")}
              option={() => ({
                tooltip: { trigger: "axis", renderMode: "richText" },
                legend: {},
                grid: { containLabel: true },
                xAxis: { type: "category", data: r().stations.map((st) => st.stationName) },
                yAxis: { type: "value" },
                series: [
                  { name: tr("活跃义警", "Active volunteers"), type: "bar", data: r().stations.map((st) => st.activeVolunteers) },
                  { name: tr("服务时长（小时）", "Service hours"), type: "bar", data: r().stations.map((st) => hours(st.serviceMinutes)) },
                  { name: tr("巡逻发现上报", "Findings reported"), type: "bar", data: r().stations.map((st) => st.findingsReported) },
                  { name: tr("受理调解", "Mediation cases opened"), type: "bar", data: r().stations.map((st) => st.mediationOpened) },
                ],
              })}
            />
          </div>
          <Table testid="region" caption={tr("各所对比", "Stations side by side")} columns={table(r()).columns} rows={table(r()).rows} onExport={() => void exportXlsx(r())} />
        </>
      )}
    </QueryView>
  );
}

export default function Statistics() {
  const s = useSession();
  const regionAdmin = () => !!s.viewer()?.roleNames.some((r) => r === "REGION_ADMIN" || r === "ADMIN");
  const [regions] = createQuery({ query: StatisticsRegionsDocument, pause: () => !regionAdmin() });
  const regionList = () => regions.data?.regions?.edges.map((e) => e.node) ?? [];
  // "" is the station view; a region's id its side-by-side view (region admins without a station start there)
  const [scope, setScope] = createSignal<string>("");
  createEffect(() => !s.stationId() && !scope() && regionList()[0] && setScope(regionList()[0]!.id));
  const [month, next] = thisMonth();
  const [from, setFrom] = createSignal(month);
  const [to, setTo] = createSignal(next);
  const vars = () => ({ stationId: s.stationId() ?? "", from: fromLocalInput(`${from()}T00:00`).toISOString(), to: fromLocalInput(`${to()}T00:00`).toISOString() });
  const [q, refetch] = createQuery({ query: StationStatisticsDocument, variables: vars, pause: () => !s.stationId() || !from() || !to() || !!scope() });
  const period = () => tr(`统计区间：${from()} 至 ${to()}（不含）`, `Period: ${from()} to ${to()} (exclusive)`);

  const tables = (st: Stats) => {
    const gridName = (g: { gridName: string }) => g.gridName || tr("未分网格", "No grid");
    return {
      summary: {
        caption: tr("总览", "Summary"),
        columns: [tr("指标", "Figure"), tr("数值", "Value")],
        rows: summaryRows(st) as (string | number)[][],
      },
      findings: {
        caption: tr("巡逻发现（按类别）", "Patrol findings by category"),
        columns: [tr("类别", "Category"), tr("上报", "Reported"), tr("已处置", "Resolved"), tr("未办结", "Open")],
        rows: st.findingsByCategory.map((f) => [label("PatrolReportCategory", f.category), f.reported, f.resolved, f.open]),
      },
      grids: {
        caption: tr("各网格", "By grid"),
        columns: [tr("网格", "Grid"), tr("班次", "Shifts"), tr("应到", "Expected"), tr("签到", "Checked in"), tr("缺勤", "No-shows")],
        rows: st.grids.map((g) => [gridName(g), g.shifts, g.expected, g.checkedIn, g.noShows]),
      },
      days: {
        caption: tr("每日", "By day"),
        columns: [tr("日期", "Day"), tr("班次", "Shifts"), tr("签到", "Check-ins"), tr("服务时长（小时）", "Hours")],
        rows: st.days.map((d) => [d.day, d.shifts, d.checkIns, hours(d.minutes)]),
      },
      partners: {
        caption: tr("共建单位履约", "Partner fulfilment"),
        columns: [tr("共建单位", "Partner"), tr("完成人次", "Person-shifts"), tr("服务时长（小时）", "Hours")],
        rows: st.partners.map((p) => [p.partnerName, p.personShifts, hours(p.minutes)]),
      },
    };
  };

  const exportXlsx = async (st: Stats, keys: (keyof ReturnType<typeof tables>)[]) => {
    const { workbook, download } = await import("../lib/xlsx");
    const t = tables(st);
    const blob = await workbook(keys.map((k) => ({ name: t[k].caption, title: `${st.stationName} ${t[k].caption}`, period: period(), columns: t[k].columns, rows: t[k].rows })));
    download(blob, `${st.stationName}-${tr("统计", "statistics")}-${from()}-${to()}.xlsx`);
  };

  return (
    <section>
      <div class="spread">
        <h1>{tr("统计", "Statistics")}</h1>
      </div>
      <form class="card period" onSubmit={(e) => e.preventDefault()}>
        <Show when={regionList().length}>
          <label>{tr("范围", "Scope")}
            <select value={scope()} onChange={(e) => setScope(e.currentTarget.value)} data-testid="stats-scope">
              <Show when={s.stationId()}><option value="" selected={!scope()}>{tr("本所", "This station")}</option></Show>
              <For each={regionList()}>{(r) => <option value={r.id} selected={r.id === scope()}>{tr(`${r.name}（各所对比）`, `${r.name} (stations side by side)`)}</option>}</For>
            </select>
          </label>
        </Show>
        <label>{tr("开始日期", "From")}<input type="date" value={from()} onChange={(e) => setFrom(e.currentTarget.value)} data-testid="stats-from" /></label>
        <label>{tr("结束日期（不含）", "To (exclusive)")}<input type="date" value={to()} onChange={(e) => setTo(e.currentTarget.value)} data-testid="stats-to" /></label>
      </form>
      <Show when={scope()}>
        <RegionView regionId={scope()} from={from()} to={to()} period={period()} />
      </Show>
      <Show when={!scope()}>
      <QueryView query={q} select={(d) => d.stationStatistics} retry={() => refetch({ requestPolicy: "network-only" })}>
        {(st) => {
          const t = () => tables(st());
          return (
            <>
              <p class="muted">{st().stationName} · {period()}</p>
              <div class="kpis" data-testid="stats-kpis">
                <For each={t().summary.rows}>{([k, v]) => <div class="card kpi"><span class="muted">{k}</span><strong>{v}</strong></div>}</For>
              </div>
              <button type="button" class="primary" onClick={() => void exportXlsx(st(), ["summary", "grids", "days", "partners", "findings"])} data-testid="export-all">
                {tr("全部导出 Excel", "Export all (.xlsx)")}
              </button>
              <div class="card">
                <h2>{tr("每日趋势", "Daily trend")}</h2>
                <Chart
                  testid="chart-days"
                  label={tr("每日班次、签到与服务时长", "Shifts, check-ins and hours per day")}
                  option={() => ({
                    tooltip: { trigger: "axis", renderMode: "richText" },
                    legend: {},
                    xAxis: { type: "category", data: st().days.map((d) => d.day.slice(5)) },
                    yAxis: { type: "value" },
                    series: [
                      { name: tr("班次", "Shifts"), type: "bar", data: st().days.map((d) => d.shifts) },
                      { name: tr("签到", "Check-ins"), type: "bar", data: st().days.map((d) => d.checkIns) },
                      { name: tr("服务时长（小时）", "Hours"), type: "line", data: st().days.map((d) => hours(d.minutes)) },
                    ],
                  })}
                />
              </div>
              <div class="card">
                <h2>{tr("覆盖热力图（按星期与小时，签到人时）", "Coverage by weekday and hour (checked-in person-hours)")}</h2>
                <Chart
                  testid="chart-coverage"
                  label={tr("各星期各小时的巡防覆盖", "Patrol coverage per weekday and hour")}
                  option={() => {
                    const cells = new Map<string, number>();
                    for (const c of st().coverage) cells.set(`${c.weekday}/${c.hour}`, (cells.get(`${c.weekday}/${c.hour}`) ?? 0) + c.personHours);
                    const data = [...cells].map(([k, v]) => { const [d, h] = k.split("/").map(Number) as [number, number]; return [h, d - 1, v]; });
                    return {
                      tooltip: { renderMode: "richText" },
                      grid: { top: 10, bottom: 70, left: 50, right: 10 },
                      xAxis: { type: "category", data: Array.from({ length: 24 }, (_, h) => `${h}`), splitArea: { show: true } },
                      yAxis: { type: "category", data: WEEKDAYS(), splitArea: { show: true } },
                      visualMap: { min: 0, max: Math.max(1, ...data.map((d) => d[2]!)), orient: "horizontal", left: "center", bottom: 0, calculable: true },
                      series: [{ name: tr("签到人时", "Person-hours"), type: "heatmap", data }],
                    };
                  }}
                />
              </div>
              <div class="card">
                <h2>{tr("各网格", "By grid")}</h2>
                <Chart
                  testid="chart-grids"
                  label={tr("各网格应到、签到与缺勤", "Expected, checked in and no-shows per grid")}
                  option={() => ({
                    tooltip: { trigger: "axis", renderMode: "richText" },
                    legend: {},
                    xAxis: { type: "category", data: st().grids.map((g) => g.gridName || tr("未分网格", "No grid")) },
                    yAxis: { type: "value" },
                    series: [
                      { name: tr("应到", "Expected"), type: "bar", data: st().grids.map((g) => g.expected) },
                      { name: tr("签到", "Checked in"), type: "bar", data: st().grids.map((g) => g.checkedIn) },
                      { name: tr("缺勤", "No-shows"), type: "bar", data: st().grids.map((g) => g.noShows) },
                    ],
                  })}
                />
              </div>
              <For each={(["summary", "grids", "days", "partners", "findings"] as const)}>
                {(k) => <Table testid={k} caption={t()[k].caption} columns={t()[k].columns} rows={t()[k].rows} onExport={() => void exportXlsx(st(), [k])} />}
              </For>
            </>
          );
        }}
      </QueryView>
      </Show>
    </section>
  );
}
