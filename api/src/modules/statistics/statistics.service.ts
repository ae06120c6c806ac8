// 统计: a station's figures for a period, each computed from the records it summarises (no rollups
// yet: test/statistics.test.ts recomputes every figure with its own plain SQL on generated data).
//
// Timestamps are stored as UTC without a zone: local time is `AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai'`.
// Definitions (the period is [from, to); shifts count by their start, Asia/Shanghai for hours):
// - activeVolunteers: distinct volunteers checked in at a shift of the station
// - newVolunteers: volunteers whose first membership in a team of the station began in the period
// - serviceMinutes: minutes served (checked out) at the station's shifts
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
  grids: GridFigures[];
  coverage: CoverageCell[];
  partners: PartnerFigures[];
  days: DayFigures[];
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
 * stations (each groups by station), so a region's answer costs what a station's does.
 */
export async function statisticsOf(stationIds: readonly string[], from: Date, to: Date): Promise<StationStatistics[]> {
  const ids = [...stationIds];
  if (!ids.length) return [];
  const [totals, callUps, grids, coverage, partners, days, findings, mediation] = await Promise.all([
    prisma.$queryRaw<(Record<string, bigint | null> & { id: string; name: string })[]>`
      WITH st AS (
        SELECT id, name FROM "Station" WHERE id = ANY(${ids}::uuid[])
      ), s AS (
        SELECT id, "stationId", status, capacity FROM "Shift" WHERE "stationId" = ANY(${ids}::uuid[]) AND "startsAt" >= ${from} AND "startsAt" < ${to}
      ), c AS (
        SELECT c."volunteerId", c."checkedInAt", c."minutesServed", c.status, s."stationId" FROM "ShiftClaim" c JOIN s ON s.id = c."shiftId"
      ), taken AS (
        SELECT s."stationId", s.capacity, count(c."volunteerId") FILTER (WHERE c.status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')) AS seats
        FROM s LEFT JOIN "ShiftClaim" c ON c."shiftId" = s.id WHERE s.status <> 'CANCELLED' GROUP BY s.id, s."stationId", s.capacity
      ), firsts AS (
        SELECT t."stationId", min(m."joinedAt") AS first FROM "TeamMembership" m JOIN "Team" t ON t.id = m."teamId"
        WHERE t."stationId" = ANY(${ids}::uuid[]) GROUP BY t."stationId", m."volunteerId"
      ), p AS (
        SELECT "stationId", amount, reason FROM "PointsEntry" WHERE "stationId" = ANY(${ids}::uuid[]) AND "createdAt" >= ${from} AND "createdAt" < ${to}
      )
      SELECT st.id, st.name,
        (SELECT count(DISTINCT "volunteerId") FROM c WHERE c."stationId" = st.id AND "checkedInAt" IS NOT NULL) AS "activeVolunteers",
        (SELECT count(*) FROM firsts WHERE firsts."stationId" = st.id AND first >= ${from} AND first < ${to}) AS "newVolunteers",
        (SELECT coalesce(sum("minutesServed"), 0) FROM c WHERE c."stationId" = st.id) AS "serviceMinutes",
        (SELECT count(*) FROM taken WHERE taken."stationId" = st.id) AS "shiftsPublished",
        (SELECT count(*) FROM taken WHERE taken."stationId" = st.id AND seats >= capacity) AS "shiftsFilled",
        (SELECT count(*) FROM s WHERE s."stationId" = st.id AND status = 'CANCELLED') AS "shiftsCancelled",
        (SELECT count(*) FROM c WHERE c."stationId" = st.id AND status = 'NO_SHOW') AS "noShows",
        (SELECT count(*) FROM "Commendation" WHERE "stationId" = st.id AND "approvedAt" >= ${from} AND "approvedAt" < ${to}) AS commendations,
        (SELECT coalesce(sum(amount), 0) FROM p WHERE p."stationId" = st.id AND amount > 0 AND reason <> 'REVERSAL') AS "pointsIssued",
        (SELECT coalesce(-sum(amount), 0) FROM p WHERE p."stationId" = st.id AND reason = 'REDEMPTION') AS "pointsRedeemed"
      FROM st ORDER BY st.name`,
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
    prisma.$queryRaw<{ stationId: string; gridId: string | null; gridName: string | null; shifts: bigint; expected: bigint; checkedIn: bigint; noShows: bigint }[]>`
      SELECT s."stationId", s."gridId", g.name AS "gridName", count(DISTINCT s.id) AS shifts,
             count(c.id) FILTER (WHERE c.status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')) AS expected,
             count(c.id) FILTER (WHERE c."checkedInAt" IS NOT NULL) AS "checkedIn",
             count(c.id) FILTER (WHERE c.status = 'NO_SHOW') AS "noShows"
      FROM "Shift" s LEFT JOIN "Grid" g ON g.id = s."gridId" LEFT JOIN "ShiftClaim" c ON c."shiftId" = s.id
      WHERE s."stationId" = ANY(${ids}::uuid[]) AND s."startsAt" >= ${from} AND s."startsAt" < ${to} AND s.status <> 'CANCELLED'
      GROUP BY s."stationId", s."gridId", g.name ORDER BY g.name NULLS LAST`,
    prisma.$queryRaw<{ stationId: string; gridId: string | null; weekday: number; hour: number; personHours: bigint }[]>`
      SELECT s."stationId", s."gridId", extract(isodow FROM h)::int AS weekday, extract(hour FROM h)::int AS hour, count(*) AS "personHours"
      FROM "Shift" s JOIN "ShiftClaim" c ON c."shiftId" = s.id AND c."checkedInAt" IS NOT NULL
      CROSS JOIN LATERAL generate_series(date_trunc('hour', s."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai'),
                                         (s."endsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai') - interval '1 microsecond', interval '1 hour') AS h
      WHERE s."stationId" = ANY(${ids}::uuid[]) AND s."startsAt" >= ${from} AND s."startsAt" < ${to}
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
      SELECT s."stationId", to_char(s."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(DISTINCT s.id) AS shifts,
             count(c.id) FILTER (WHERE c."checkedInAt" IS NOT NULL) AS "checkIns", coalesce(sum(c."minutesServed"), 0) AS minutes
      FROM "Shift" s LEFT JOIN "ShiftClaim" c ON c."shiftId" = s.id
      WHERE s."stationId" = ANY(${ids}::uuid[]) AND s."startsAt" >= ${from} AND s."startsAt" < ${to} AND s.status <> 'CANCELLED'
      GROUP BY 1, 2 ORDER BY 1, 2`,
    reportStatsOf(ids, from, to),
    mediationPeriodStats(ids, from, to),
  ]);
  const of = <T extends { stationId: string }>(rows: T[], id: string) => rows.filter((r) => r.stationId === id);
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
      grids: of(grids, t.id).map((g) => ({ gridId: g.gridId, gridName: g.gridName ?? "", shifts: n(g.shifts), expected: n(g.expected), checkedIn: n(g.checkedIn), noShows: n(g.noShows) })),
      coverage: of(coverage, t.id).map((x) => ({ gridId: x.gridId, weekday: x.weekday, hour: x.hour, personHours: n(x.personHours) })),
      partners: of(partners, t.id).map((p) => ({ partnerId: p.partnerId, partnerName: p.partnerName, personShifts: n(p.personShifts), minutes: n(p.minutes) })),
      days: of(days, t.id).map((d) => ({ day: d.day, shifts: n(d.shifts), checkIns: n(d.checkIns), minutes: n(d.minutes) })),
    };
  });
}
