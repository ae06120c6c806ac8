// 巡防动态 / 指挥调度 (officers, team leaders): per grid the shifts of today and tonight with expected,
// checked in, missing and no-shows, a map of the grids (outlines when drawn) with check-in positions,
// open findings and call-ups, the open findings, the open call-ups with who accepted (each board live
// through mobilizationUpdated; graphcache updates the list), and the live feed (lib/patrolFeed,
// resuming from its cursor). Each event of the feed refreshes the counts; each event of the station's
// call-up stream (stationMobilizationUpdated: started, answered, escalated, closed, by anyone)
// refetches the call-ups; a minute's tick marks shifts that have just started. `?wall=1` (or the 大屏
// button) lays it out for a 1920×1080 wall display.
import { useSearchParams } from "@solidjs/router";
import { createQuery, createSubscription, useClient } from "@urql/solid";
import { createEffect, createMemo, For, on, onCleanup, Show } from "solid-js";
import { Badge } from "../components/Badge";
import { QueryView } from "../components/QueryView";
import { CommandCallUpsDocument, CommandCallUpUpdatedDocument, CommandStationCallUpsDocument, CommandViewDocument, type CommandCallUpsQuery, type CommandViewQuery } from "../gql/graphql";
import { tr } from "../lib/i18n";
import { label } from "../lib/labels";
import { placeLabels, textWidth } from "../lib/mapLabels";
import { createPatrolFeed } from "../lib/patrolFeed";
import { useSession } from "../lib/session";
import { formatClock, formatTime, formatWhen } from "../lib/time";
import { TableWrap } from "../components/TableWrap";

type Grid = NonNullable<CommandViewQuery["commandView"]>[number];
type CallUp = NonNullable<CommandCallUpsQuery["mobilizations"]>["edges"][number]["node"];
type Finding = Grid["findings"][number];
/** A GeoJSON Polygon's rings of [longitude, latitude] (validated by the API), or none. */
const ringsOf = (g: Grid): number[][][] => {
  try {
    return g.outline ? (JSON.parse(g.outline) as { coordinates: number[][][] }).coordinates : [];
  } catch {
    return [];
  }
};
const sum = (g: Grid, k: "expected" | "checkedIn" | "missing" | "noShows") => g.shifts.reduce((n, s) => n + s[k], 0);

/** The station's grids from their points (no tile server): an equirectangular sketch, north up. */
function GridMap(props: { grids: Grid[]; callUps: CallUp[]; wall?: boolean }) {
  const W = 600;
  // On the wall the map fills its column's height and its labels are larger (read from across the room).
  const H = () => (props.wall ? 760 : 400);
  const F = () => (props.wall ? 18 : 14);
  const PAD = 60;
  const points = createMemo(() => {
    const all = props.grids.flatMap((g) => [
      ...(g.latitude != null && g.longitude != null ? [[g.latitude, g.longitude] as const] : []),
      ...g.shifts.flatMap((s) => s.positions.map((p) => [p.latitude, p.longitude] as const)),
      ...ringsOf(g).flatMap((ring) => ring.map((p) => [p[1]!, p[0]!] as const)),
      ...g.findings.flatMap((f) => (f.location ? [[f.location.latitude, f.location.longitude] as const] : [])),
    ]).concat(props.callUps.map((c) => [c.latitude, c.longitude] as const));
    if (!all.length) return null;
    const lats = all.map((p) => p[0]);
    const lngs = all.map((p) => p[1]);
    const [minLat, maxLat, minLng, maxLng] = [Math.min(...lats), Math.max(...lats), Math.min(...lngs), Math.max(...lngs)];
    const k = Math.cos(((minLat + maxLat) / 2) * (Math.PI / 180));
    const span = Math.max((maxLng - minLng) * k, maxLat - minLat, 0.002);
    const scale = Math.min(W - 2 * PAD, H() - 2 * PAD) / span;
    const cx = (minLng + maxLng) / 2;
    const cy = (minLat + maxLat) / 2;
    return (lat: number, lng: number) => [W / 2 + (lng - cx) * k * scale, H() / 2 - (lat - cy) * scale] as const;
  });
  const located = () => props.grids.filter((g) => g.latitude != null && g.longitude != null);
  const gridCount = (g: Grid) => `${tr("到岗", "In")} ${sum(g, "checkedIn")}/${sum(g, "expected")}`;
  const callUpText = (c: CallUp) => `${tr("召集", "Call-up")}：${c.reason}`;
  // Grids' labels first, then the call-ups'; none on a marker or on another label (lib/mapLabels).
  const labels = createMemo(() => {
    const project = points();
    if (!project) return [];
    const findings = props.grids.flatMap((g) => g.findings.flatMap((f) => (f.location ? [project(f.location.latitude, f.location.longitude)] : [])));
    return placeLabels(
      [
        ...located().map((g) => {
          const [x, y] = project(g.latitude!, g.longitude!);
          return { x, y, r: 14, w: Math.max(textWidth(g.name, F()), textWidth(gridCount(g), F())), h: 2.5 * F() };
        }),
        ...props.callUps.map((c) => {
          const [x, y] = project(c.latitude, c.longitude);
          return { x, y, r: 13, w: textWidth(callUpText(c), F()), h: 1.3 * F() };
        }),
      ],
      { w: W, h: H() },
      findings.map(([x, y]) => ({ x: x - 10, y: y - 10, w: 20, h: 20 })),
    );
  });
  return (
    <Show when={points()} fallback={<p class="muted">{tr("网格未设置坐标，无法绘图", "The grids have no coordinates to draw")}</p>}>
      {(project) => (
        <svg class="grid-map" viewBox={`0 0 ${W} ${H()}`} style={{ "font-size": `${F()}px` }} role="img" aria-label={tr("网格地图：网格位置与签到位置", "Map of the grids and check-in positions")} data-testid="watch-map">
          <rect x="0" y="0" width={W} height={H()} class="map-bg" />
          <For each={props.grids.flatMap((g) => ringsOf(g).slice(0, 1))}>
            {(ring) => <polygon class="map-outline" points={ring.map((p) => project()(p[1]!, p[0]!).join(",")).join(" ")} />}
          </For>
          <For each={located()}>
            {(g, i) => {
              const xy = () => project()(g.latitude!, g.longitude!);
              const state = () => (sum(g, "missing") > 0 ? "missing" : g.shifts.length === 0 ? "idle" : sum(g, "checkedIn") > 0 ? "ok" : "waiting");
              const at = () => labels()[i()]!;
              const tx = () => (at().anchor === "end" ? at().x + at().w : at().x);
              return (
                <g class={`map-grid ${state()}`}>
                  <circle cx={xy()[0]} cy={xy()[1]} r="14" />
                  <Show when={at().moved}>
                    <line class="map-leader" x1={xy()[0]} y1={xy()[1]} x2={tx()} y2={at().y + at().h / 2} />
                  </Show>
                  <text x={tx()} y={at().y + F()} text-anchor={at().anchor}>{g.name}</text>
                  <text x={tx()} y={at().y + 2.2 * F()} text-anchor={at().anchor} class="map-count">{gridCount(g)}</text>
                </g>
              );
            }}
          </For>
          <For each={props.grids.flatMap((g) => g.shifts.flatMap((s) => s.positions))}>
            {(p) => <circle cx={project()(p.latitude, p.longitude)[0]} cy={project()(p.latitude, p.longitude)[1]} r="5" class={p.flagged ? "map-pos flagged" : "map-pos"} />}
          </For>
          <For each={props.grids.flatMap((g) => g.findings.filter((f) => f.location))}>
            {(f) => {
              const xy = () => project()(f.location!.latitude, f.location!.longitude);
              return (
                <g class={f.overdue ? "map-finding overdue" : "map-finding"}>
                  <title>{label("PatrolReportCategory", f.category)}：{f.description}</title>
                  <polygon points={`${xy()[0]},${xy()[1] - 10} ${xy()[0] + 9},${xy()[1] + 7} ${xy()[0] - 9},${xy()[1] + 7}`} />
                </g>
              );
            }}
          </For>
          <For each={props.callUps}>
            {(c, i) => {
              const xy = () => project()(c.latitude, c.longitude);
              const at = () => labels()[located().length + i()]!;
              const tx = () => (at().anchor === "end" ? at().x + at().w : at().x);
              return (
                <g class="map-callup">
                  <rect x={xy()[0] - 9} y={xy()[1] - 9} width="18" height="18" transform={`rotate(45 ${xy()[0]} ${xy()[1]})`} />
                  <Show when={at().moved}>
                    <line class="map-leader" x1={xy()[0]} y1={xy()[1]} x2={tx()} y2={at().y + at().h / 2} />
                  </Show>
                  <text x={tx()} y={at().y + F()} text-anchor={at().anchor}>{callUpText(c)}</text>
                </g>
              );
            }}
          </For>
        </svg>
      )}
    </Show>
  );
}

/** Keeps one open call-up's board live; graphcache writes each update into the list. Renders nothing. */
function LiveCallUp(props: { id: string }) {
  createSubscription({ query: CommandCallUpUpdatedDocument, variables: () => ({ mobilizationId: props.id }) });
  return null;
}

export default function Watch() {
  const s = useSession();
  const [params, setParams] = useSearchParams();
  const wall = () => params.wall === "1";
  const feed = createPatrolFeed(s.stationId, useClient());
  const [q, refetch] = createQuery({ query: CommandViewDocument, variables: () => ({ stationId: s.stationId() ?? "" }), pause: () => !s.stationId() });
  const [calls, refetchCalls] = createQuery({ query: CommandCallUpsDocument, variables: () => ({ stationId: s.stationId() ?? "" }), pause: () => !s.stationId() });
  const callUps = () => calls.data?.mobilizations?.edges.map((e) => e.node).filter((c) => c.status === "OPEN") ?? [];
  const reloadView = () => refetch({ requestPolicy: "network-only" });
  const reloadCalls = () => refetchCalls({ requestPolicy: "network-only" });
  const reload = () => (reloadView(), reloadCalls());
  // One subscription set: each patrol event refreshes the counts (debounced), each call-up event the
  // call-ups (a new one is not in the cached list); a minute's tick marks shifts that have just started.
  const [callUpEvents] = createSubscription({ query: CommandStationCallUpsDocument, variables: () => ({ stationId: s.stationId() ?? "" }), pause: () => !s.stationId() });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let callTimer: ReturnType<typeof setTimeout> | undefined;
  createEffect(on(() => feed.events()[0]?.cursor, (c) => c && (clearTimeout(timer), (timer = setTimeout(reload, 800))), { defer: true }));
  // A call-up the viewer's board follows (LiveCallUp) is already written by graphcache; any other
  // (new, or not the viewer's to manage) is refetched.
  const followed = (id: string) => callUps().some((c) => c.id === id && c.viewerCanManage);
  createEffect(
    on(() => callUpEvents.data?.stationMobilizationUpdated.cursor, (c) => {
      const id = callUpEvents.data?.stationMobilizationUpdated.mobilization.id;
      if (c && id && !followed(id)) (clearTimeout(callTimer), (callTimer = setTimeout(reloadCalls, 300)));
    }, { defer: true }),
  );
  // Back from a dropped socket: what happened meanwhile (a call-up started, check-ins) is fetched once.
  createEffect(on(feed.status, (st, prev) => st === "live" && prev === "reconnecting" && reload(), { defer: true }));
  const tick = setInterval(reloadView, 60_000);
  onCleanup(() => (clearTimeout(timer), clearTimeout(callTimer), clearInterval(tick)));

  const findings = () => (q.data?.commandView ?? []).flatMap((g) => g.findings.map((f) => ({ finding: f as Finding, grid: g.name })));

  return (
    <section class={wall() ? "watch wall" : "watch"} data-testid="watch">
      <div class="spread">
        <h1>{tr("指挥调度", "Command view")}</h1>
        <span>
          <span class={`badge ${feed.status() === "live" ? "ok" : "warn"}`} role="status" data-testid="watch-status">
            {feed.status() === "live" ? tr("实时", "Live") : feed.status() === "connecting" ? tr("连接中", "Connecting") : tr("重连中", "Reconnecting")}
          </span>{" "}
          <button type="button" onClick={() => setParams({ wall: wall() ? undefined : "1" })} data-testid="watch-wall">
            {wall() ? tr("退出大屏", "Leave wall mode") : tr("大屏模式", "Wall display")}
          </button>
        </span>
      </div>
      <Show when={feed.error()}>
        <div class="alert" role="alert">{feed.error()}</div>
      </Show>
      <div class="watch-body">
        <QueryView query={q} select={(d) => d.commandView} retry={reload}>
          {(grids) => (
            <>
              <div class="card watch-map">
                <GridMap grids={grids()} callUps={callUps()} wall={wall()} />
              </div>
              <div class="card watch-grids">
                <h2>{tr("今日及今晚班次", "Today's and tonight's shifts")}</h2>
                <TableWrap label={tr("今日及今晚班次", "Today's and tonight's shifts")}>
                <table data-testid="watch-grids">
                  <thead>
                    <tr>
                      <th scope="col">{tr("网格", "Grid")}</th>
                      <th scope="col">{tr("班次", "Shift")}</th>
                      <th scope="col">{tr("应到", "Expected")}</th>
                      <th scope="col">{tr("已签到", "In")}</th>
                      <th scope="col">{tr("未到", "Missing")}</th>
                      <th scope="col">{tr("缺勤", "No-shows")}</th>
                    </tr>
                  </thead>
                  <tbody>
                    <For each={grids().filter((g) => g.shifts.length)} fallback={<tr><td colspan="6" class="muted">{tr("今日暂无班次", "No shifts today")}</td></tr>}>
                      {(g) => (
                        <For each={g.shifts}>
                          {(sh, i) => (
                            <tr class={sh.missing > 0 ? "missing" : ""}>
                              <Show when={i() === 0}><th scope="row" rowSpan={g.shifts.length}>{g.name || tr("未分网格", "No grid")}</th></Show>
                              <td>{sh.title}<div class="muted">{formatTime(sh.startsAt)}–{formatTime(sh.endsAt)}{sh.started ? "" : tr("（未开始）", " (not started)")}</div></td>
                              <td class="seats">{sh.expected}/{sh.capacity}</td>
                              <td>{sh.checkedIn}</td>
                              <td>{sh.missing > 0 ? <strong class="text-bad">{sh.missing}</strong> : sh.missing}</td>
                              <td>{sh.noShows}</td>
                            </tr>
                          )}
                        </For>
                      )}
                    </For>
                  </tbody>
                </table>
                </TableWrap>
              </div>
            </>
          )}
        </QueryView>
        <div class="card watch-feed">
          <h2>{tr("进行中的召集", "Active call-ups")}</h2>
          <ul class="feed" data-testid="watch-callups">
            <For each={callUps()} fallback={<li class="muted">{tr("暂无召集", "No active call-ups")}</li>}>
              {(c) => (
                <li class={c.counts.accepted < c.wanted ? "noshow" : ""} data-testid="watch-callup">
                  <Show when={c.viewerCanManage}><LiveCallUp id={c.id} /></Show>
                  <strong>{c.reason}</strong> · {c.place} · {tr("已响应", "Accepted")} {c.counts.accepted}/{c.wanted}
                  <div class="muted">{(c.responders?.edges ?? []).map((e) => `${e.node.displayName}${e.node.etaMinutes != null ? tr(`（${e.node.etaMinutes}分钟到）`, ` (${e.node.etaMinutes} min)`) : ""}`).join("、") || tr("等待响应…", "Waiting for answers…")}</div>
                </li>
              )}
            </For>
          </ul>
          <h2>{tr("未办结的巡逻发现", "Open patrol findings")}</h2>
          <ul class="feed" data-testid="watch-findings">
            <For each={findings()} fallback={<li class="muted">{tr("暂无未办结的发现", "No open findings")}</li>}>
              {(f) => (
                <li class={f.finding.overdue ? "noshow" : ""}>
                  <span class="seats">{formatWhen(f.finding.createdAt)}</span> <strong>{label("PatrolReportCategory", f.finding.category)}</strong> · {f.finding.description}
                  <Show when={f.grid}> · {f.grid}</Show>
                  {" "}<Badge enum="PatrolReportStatus" value={f.finding.status} />
                  <Show when={f.finding.overdue}> <Badge text={tr("已超期", "Overdue")} tone="warn" /></Show>
                </li>
              )}
            </For>
          </ul>
          <h2>{tr("实时签到", "Live check-ins")}</h2>
          <ul class="feed" aria-live="polite" data-testid="watch-feed">
            <For each={feed.events()} fallback={<li class="muted">{tr("等待签到…", "Waiting for check-ins…")}</li>}>
              {(e) => (
                <li class={e.kind === "NO_SHOW" ? "noshow" : e.flagged ? "flagged" : ""}>
                  <span class="seats">{formatClock(e.at)}</span> <strong>{e.claim.volunteer.displayName}</strong> {label("PatrolEventKind", e.kind)} · {e.shift.title}
                  <Show when={e.shift.grid}> · {e.shift.grid!.name}</Show>
                  <Show when={e.method}> · {label("CheckInMethod", e.method)}</Show>
                  <Show when={e.flagged}> · <Badge text={tr("定位偏离网格", "GPS far from grid")} tone="warn" /></Show>
                </li>
              )}
            </For>
          </ul>
        </div>
      </div>
    </section>
  );
}
