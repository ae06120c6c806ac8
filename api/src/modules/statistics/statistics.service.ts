// 统计: a station's figures for a period, each computed from the records it summarises or from
// each shift's tally of its claims (Shift.tally*, kept by a trigger in the transaction that writes a
// claim: a rollup that is never stale; docs/performance.md says why not the sweeper). test/statistics.test.ts
// recomputes every figure from the records with its own plain SQL on generated data.
//
// Timestamps are stored as UTC without a zone: local time is `AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai'`.
// Definitions (the period is [from, to); shifts count by their start, Asia/Shanghai for hours):
// - activeVolunteers: distinct volunteers checked in at a shift of the station (whole local days
//   from the rollup VolunteerActiveDay, the period's partial edge days from the claims)
// - newVolunteers: volunteers whose first membership in a team of the station began in the period
//   (from the rollup VolunteerFirstJoin)
// - serviceMinutes: minutes served (checked out) at the station's shifts (shift figures: whole local days
//   from the rollup StationShiftDay, the partial edge days from the shifts' tallies)
// - shiftsPublished: shifts not cancelled; shiftsFilled: of those, with capacity seats taken by
//   confirmed, completed or no-show claims; shiftsCancelled; noShows: NO_SHOW claims
// - coverage: checked-in person-hours per grid × ISO weekday × hour (each hour a shift overlaps)
// - commendations approved; points issued (positive entries except reversals) and redeemed
// - callUps (一键召集) started; callUpsReachedWanted: those where the wanted count accepted;
//   medianMinutesToWanted: median of start → the wanted-th acceptance (by respondedAt), over those
// - partners: person-shifts and minutes delivered by each partner's volunteers (履约 in the period)
// - findings (巡逻发现) reported in the period, of those resolved and still open (NEW, ASSIGNED), by
//   category, and the median hours from report to resolution (report.service's reportStats)
// - mediation cases opened in the period; closed in the period, of those succeeded (SETTLED or
//   JUDICIAL_CONFIRMATION) and the success rate (mediation.service's mediationPeriodStats)
import type { PatrolReportCategory } from "../../generated/prisma/client.js";
import { prisma } from "../../db.js";
import { mediationPeriodStats } from "../mediation/mediation.service.js";
import { reportStatsOf } from "../report/report.service.js";

export interface GridFigures {
  gridId: string | null;
  gridName: string;
  shifts: number;
  expected: number;
  checkedIn: number;
  noShows: number;
}
export interface CoverageCell {
  gridId: string | null;
  weekday: number;
  hour: number;
  personHours: number;
}
export interface PartnerFigures {
  partnerId: string;
  partnerName: string;
  personShifts: number;
  minutes: number;
}
export interface DayFigures {
  day: string;
  shifts: number;
  checkIns: number;
  minutes: number;
}
export interface StationStatistics {
  stationId: string;
  stationName: string;
  from: Date;
  to: Date;
  activeVolunteers: number;
  newVolunteers: number;
  serviceMinutes: number;
  shiftsPublished: number;
  shiftsFilled: number;
  shiftsCancelled: number;
  noShows: number;
  commendations: number;
  pointsIssued: number;
  pointsRedeemed: number;
  callUps: number;
  callUpsReachedWanted: number;
  medianMinutesToWanted: number | null;
  findingsReported: number;
  findingsResolved: number;
  findingsOpen: number;
  medianHoursToResolve: number | null;
  findingsByCategory: FindingCategoryFigures[];
  mediationOpened: number;
  mediationClosed: number;
  mediationSucceeded: number;
  mediationSuccessRate: number | null;
  /** read when asked for, once for all the stations of the answer */
  grids: () => Promise<GridFigures[]>;
  coverage: () => Promise<CoverageCell[]>;
  partners: () => Promise<PartnerFigures[]>;
  days: () => Promise<DayFigures[]>;
}
export interface FindingCategoryFigures {
  category: PatrolReportCategory;
  reported: number;
  resolved: number;
  open: number;
}
export interface RegionStatistics {
  regionId: string;
  regionName: string;
  from: Date;
  to: Date;
  stations: StationStatistics[];
}

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);

export async function stationStatistics(stationId: string, from: Date, to: Date): Promise<StationStatistics | null> {
  return (await statisticsOf([stationId], from, to))[0] ?? null;
}

/** A region's stations, side by side (ordered by name); null when there is no such region. */
export async function regionStatistics(regionId: string, from: Date, to: Date): Promise<RegionStatistics | null> {
  const region = await prisma.region.findUnique({ where: { id: regionId }, select: { name: true, stations: { select: { id: true } } } });
  if (!region) return null;
  return { regionId, regionName: region.name, from, to, stations: await statisticsOf(region.stations.map((s) => s.id), from, to) };
}

/**
 * The figures of several stations for one period: the same statements whatever the number of
 * stations (each groups by station), so a region's answer costs what a station's does. The tables
 * (grids, coverage, partners, days) are read only when asked for (a region's side-by-side page asks
 * for none), once for all the stations.
 */
export async function statisticsOf(stationIds: readonly string[], from: Date, to: Date): Promise<StationStatistics[]> {
  const ids = [...stationIds];
  if (!ids.length) return [];
  const days = wholeDays(from, to);
  const [totals, callUps, findings, mediation] = await Promise.all([
    // Grouped by station in one pass (a correlated subquery per figure and station scanned the shared
    // CTE once per station: seconds for a region's year). Shifts are counted from the rollup
    // StationShiftDay for the whole local days and from each shift's tally (Shift.tally*) at the
    // partial days of the edges: no claim is read but the distinct volunteers' at the edges.
    prisma.$queryRaw<(Record<string, bigint | null> & { id: string; name: string })[]>`
      WITH edge AS (
        -- the shifts of the partial local days at the period's edges (none when it is whole days)
        SELECT id, "stationId", status, capacity, "tallySeats", "tallyCheckedIn", "tallyNoShows", "tallyMinutes"
        FROM "Shift" WHERE "stationId" = ANY(${ids}::uuid[])
          AND (("startsAt" >= ${from} AND "startsAt" < ${days.firstStart}) OR ("startsAt" >= ${days.endStart} AND "startsAt" < ${to}))
      ), shifts AS (
        -- the whole local days from the rollup (StationShiftDay, kept by a trigger), the edges from their shifts
        SELECT "stationId", sum(published) AS published, sum(filled) AS filled, sum(cancelled) AS cancelled, sum("noShows") AS "noShows", sum(minutes) AS minutes
        FROM (
          SELECT "stationId", published, filled, cancelled, "noShows", minutes FROM "StationShiftDay"
          WHERE "stationId" = ANY(${ids}::uuid[]) AND day >= ${days.first}::date AND day < ${days.end}::date
          UNION ALL
          SELECT "stationId", (status <> 'CANCELLED')::int, (status <> 'CANCELLED' AND "tallySeats" >= capacity)::int, (status = 'CANCELLED')::int, "tallyNoShows", "tallyMinutes"
          FROM edge
        ) x GROUP BY "stationId"
      ), active AS (
        -- the whole local days of the period from the rollup (VolunteerActiveDay, kept by triggers),
        -- the partial days at its edges from the claims of their shifts, by the claims' index
        -- (OFFSET 0 keeps the planner from hashing every claim of the database)
        SELECT "stationId", count(DISTINCT "volunteerId") AS n FROM (
          SELECT "stationId", "volunteerId" FROM "VolunteerActiveDay"
          WHERE "stationId" = ANY(${ids}::uuid[]) AND day >= ${days.first}::date AND day < ${days.end}::date
          UNION ALL
          SELECT s."stationId", c."volunteerId"
          FROM edge s CROSS JOIN LATERAL (SELECT "volunteerId" FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c."checkedInAt" IS NOT NULL OFFSET 0) c
          WHERE s."tallyCheckedIn" > 0
        ) x GROUP BY "stationId"
      ), fresh AS (
        SELECT "stationId", count(*) AS n FROM "VolunteerFirstJoin"
        WHERE "stationId" = ANY(${ids}::uuid[]) AND "joinedAt" >= ${from} AND "joinedAt" < ${to} GROUP BY "stationId"
      ), praised AS (
        SELECT "stationId", count(*) AS n FROM "Commendation" WHERE "stationId" = ANY(${ids}::uuid[]) AND "approvedAt" >= ${from} AND "approvedAt" < ${to} GROUP BY "stationId"
      ), p AS (
        SELECT "stationId", sum(amount) FILTER (WHERE amount > 0 AND reason <> 'REVERSAL') AS issued, -sum(amount) FILTER (WHERE reason = 'REDEMPTION') AS redeemed
        FROM "PointsEntry" WHERE "stationId" = ANY(${ids}::uuid[]) AND "createdAt" >= ${from} AND "createdAt" < ${to} GROUP BY "stationId"
      )
      SELECT st.id, st.name,
        coalesce(active.n, 0) AS "activeVolunteers",
        coalesce(fresh.n, 0) AS "newVolunteers",
        coalesce(shifts.minutes, 0)::bigint AS "serviceMinutes",
        coalesce(shifts.published, 0) AS "shiftsPublished",
        coalesce(shifts.filled, 0) AS "shiftsFilled",
        coalesce(shifts.cancelled, 0) AS "shiftsCancelled",
        coalesce(shifts."noShows", 0)::bigint AS "noShows",
        coalesce(praised.n, 0) AS commendations,
        coalesce(p.issued, 0) AS "pointsIssued",
        coalesce(p.redeemed, 0) AS "pointsRedeemed"
      FROM "Station" st
      LEFT JOIN shifts ON shifts."stationId" = st.id LEFT JOIN active ON active."stationId" = st.id LEFT JOIN fresh ON fresh."stationId" = st.id
      LEFT JOIN praised ON praised."stationId" = st.id LEFT JOIN p ON p."stationId" = st.id
      WHERE st.id = ANY(${ids}::uuid[]) ORDER BY st.name`,
    prisma.$queryRaw<{ stationId: string; callUps: bigint; reached: bigint; median: number | null }[]>`
      WITH m AS (
        SELECT id, "stationId", "startedAt", wanted FROM "Mobilization" WHERE "stationId" = ANY(${ids}::uuid[]) AND "startedAt" >= ${from} AND "startedAt" < ${to}
      ), accepted AS (
        SELECT m.id, m."stationId", m.wanted, r."respondedAt" - m."startedAt" AS took, row_number() OVER (PARTITION BY m.id ORDER BY r."respondedAt", r.id) AS k
        FROM m JOIN "MobilizationResponder" r ON r."mobilizationId" = m.id AND r.response = 'ACCEPTED' AND r."respondedAt" IS NOT NULL
      ), reached AS (SELECT "stationId", extract(epoch FROM took) / 60 AS minutes FROM accepted WHERE k = wanted)
      SELECT st.id AS "stationId", (SELECT count(*) FROM m WHERE m."stationId" = st.id) AS "callUps", (SELECT count(*) FROM reached WHERE reached."stationId" = st.id) AS reached,
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) FROM reached WHERE reached."stationId" = st.id)::float8 AS median
      FROM unnest(${ids}::uuid[]) AS st(id)`,
    reportStatsOf(ids, from, to),
    mediationPeriodStats(ids, from, to),
  ]);
  let tables: Promise<Tables> | null = null;
  const table = <K extends keyof Tables>(key: K, id: string) => async () => ((await (tables ??= tablesOf(ids, from, to)))[key].get(id) ?? []) as Tables[K] extends Map<string, infer V> ? V : never;
  return totals.map((t) => {
    const c = callUps.find((x) => x.stationId === t.id)!;
    const f = findings.get(t.id)!;
    const m = mediation.get(t.id)!;
    return {
      stationId: t.id,
      stationName: t.name,
      from,
      to,
      activeVolunteers: n(t.activeVolunteers),
      newVolunteers: n(t.newVolunteers),
      serviceMinutes: n(t.serviceMinutes),
      shiftsPublished: n(t.shiftsPublished),
      shiftsFilled: n(t.shiftsFilled),
      shiftsCancelled: n(t.shiftsCancelled),
      noShows: n(t.noShows),
      commendations: n(t.commendations),
      pointsIssued: n(t.pointsIssued),
      pointsRedeemed: n(t.pointsRedeemed),
      callUps: n(c.callUps),
      callUpsReachedWanted: n(c.reached),
      medianMinutesToWanted: c.median == null ? null : Math.round(Number(c.median) * 10) / 10,
      findingsReported: f.total,
      findingsResolved: f.resolved,
      findingsOpen: f.open,
      medianHoursToResolve: f.medianHoursToResolve,
      findingsByCategory: f.byCategory.map((x) => ({ category: x.category, reported: Number(x.count), resolved: Number(x.resolved), open: Number(x.open) })),
      mediationOpened: m.opened,
      mediationClosed: m.closed,
      mediationSucceeded: m.succeeded,
      mediationSuccessRate: m.successRate,
      grids: table("grids", t.id),
      coverage: table("coverage", t.id),
      partners: table("partners", t.id),
      days: table("days", t.id),
    };
  });
}

const DAY_MS = 86_400_000;
/** Asia/Shanghai is UTC+8 all year (no daylight saving since 1991). */
const SHANGHAI_MS = 8 * 3_600_000;
const isoDay = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/**
 * The whole local days inside [from, to) — [first, end) as dates, starting at the instants
 * firstStart and endStart — and so the partial days at the edges: [from, firstStart) and
 * [endStart, to). Without a whole day, everything is edge.
 */
export function wholeDays(from: Date, to: Date) {
  const first = Math.ceil((from.getTime() + SHANGHAI_MS) / DAY_MS);
  const end = Math.floor((to.getTime() + SHANGHAI_MS) / DAY_MS);
  if (first >= end) return { first: isoDay(first), end: isoDay(first), firstStart: to, endStart: to };
  return { first: isoDay(first), end: isoDay(end), firstStart: new Date(first * DAY_MS - SHANGHAI_MS), endStart: new Date(end * DAY_MS - SHANGHAI_MS) };
}

interface Tables {
  grids: Map<string, GridFigures[]>;
  coverage: Map<string, CoverageCell[]>;
  partners: Map<string, PartnerFigures[]>;
  days: Map<string, DayFigures[]>;
}

/** The per-grid, per-hour-of-week, per-partner and per-day tables of the stations, by station. */
async function tablesOf(ids: string[], from: Date, to: Date): Promise<Tables> {
  const [grids, coverage, partners, days] = await Promise.all([
    prisma.$queryRaw<{ stationId: string; gridId: string | null; gridName: string | null; shifts: bigint; expected: bigint; checkedIn: bigint; noShows: bigint }[]>`
      SELECT s."stationId", s."gridId", g.name AS "gridName", count(*) AS shifts,
             sum(s."tallySeats")::bigint AS expected, sum(s."tallyCheckedIn")::bigint AS "checkedIn", sum(s."tallyNoShows")::bigint AS "noShows"
      FROM "Shift" s LEFT JOIN "Grid" g ON g.id = s."gridId"
      WHERE s."stationId" = ANY(${ids}::uuid[]) AND s."startsAt" >= ${from} AND s."startsAt" < ${to} AND s.status <> 'CANCELLED'
      GROUP BY s."stationId", s."gridId", g.name ORDER BY g.name NULLS LAST`,
    // Each shift's hours once, weighted by its checked-in claims (not one series per claim).
    prisma.$queryRaw<{ stationId: string; gridId: string | null; weekday: number; hour: number; personHours: bigint }[]>`
      WITH k AS (
        SELECT s."stationId", s."gridId", s."startsAt", s."endsAt", s."tallyCheckedIn" AS people
        FROM "Shift" s
        WHERE s."tallyCheckedIn" > 0 AND s."stationId" = ANY(${ids}::uuid[]) AND s."startsAt" >= ${from} AND s."startsAt" < ${to}
      )
      SELECT k."stationId", k."gridId", extract(isodow FROM h)::int AS weekday, extract(hour FROM h)::int AS hour, sum(k.people)::bigint AS "personHours"
      FROM k CROSS JOIN LATERAL generate_series(date_trunc('hour', k."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai'),
                                               (k."endsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai') - interval '1 microsecond', interval '1 hour') AS h
      GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`,
    prisma.$queryRaw<{ stationId: string; partnerId: string; partnerName: string; personShifts: bigint; minutes: bigint | null }[]>`
      SELECT p."stationId", p.id AS "partnerId", p.name AS "partnerName", count(c.id) AS "personShifts", coalesce(sum(c."minutesServed"), 0) AS minutes
      FROM "Partner" p
      LEFT JOIN "Volunteer" v ON v."partnerId" = p.id
      LEFT JOIN "ShiftClaim" c ON c."volunteerId" = v.id AND c.status = 'COMPLETED'
        AND EXISTS (SELECT 1 FROM "Shift" s WHERE s.id = c."shiftId" AND s."stationId" = p."stationId" AND s."startsAt" >= ${from} AND s."startsAt" < ${to})
      WHERE p."stationId" = ANY(${ids}::uuid[])
      GROUP BY p."stationId", p.id, p.name ORDER BY p.name`,
    prisma.$queryRaw<{ stationId: string; day: string; shifts: bigint; checkIns: bigint; minutes: bigint | null }[]>`
      SELECT s."stationId", to_char(s."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(*) AS shifts,
             sum(s."tallyCheckedIn")::bigint AS "checkIns", sum(s."tallyMinutes")::bigint AS minutes
      FROM "Shift" s
      WHERE s."stationId" = ANY(${ids}::uuid[]) AND s."startsAt" >= ${from} AND s."startsAt" < ${to} AND s.status <> 'CANCELLED'
      GROUP BY 1, 2 ORDER BY 1, 2`,
  ]);
  const by = <R extends { stationId: string }, T>(rows: R[], f: (r: R) => T) => {
    const m = new Map<string, T[]>();
    for (const r of rows) {
      const list = m.get(r.stationId);
      if (list) list.push(f(r));
      else m.set(r.stationId, [f(r)]);
    }
    return m;
  };
  return {
    grids: by(grids, (g) => ({ gridId: g.gridId, gridName: g.gridName ?? "", shifts: n(g.shifts), expected: n(g.expected), checkedIn: n(g.checkedIn), noShows: n(g.noShows) })),
    coverage: by(coverage, (x) => ({ gridId: x.gridId, weekday: x.weekday, hour: x.hour, personHours: n(x.personHours) })),
    partners: by(partners, (p) => ({ partnerId: p.partnerId, partnerName: p.partnerName, personShifts: n(p.personShifts), minutes: n(p.minutes) })),
    days: by(days, (d) => ({ day: d.day, shifts: n(d.shifts), checkIns: n(d.checkIns), minutes: n(d.minutes) })),
  };
}
