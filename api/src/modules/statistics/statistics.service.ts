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
import { prisma } from "../../db.js";

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
  grids: GridFigures[];
  coverage: CoverageCell[];
  partners: PartnerFigures[];
  days: DayFigures[];
}

const n = (v: bigint | number | null | undefined) => Number(v ?? 0);

export async function stationStatistics(stationId: string, from: Date, to: Date): Promise<StationStatistics | null> {
  const station = await prisma.station.findUnique({ where: { id: stationId }, select: { name: true } });
  if (!station) return null;
  const [totals, callUps, grids, coverage, partners, days] = await Promise.all([
    prisma.$queryRaw<Record<string, bigint | null>[]>`
      WITH s AS (
        SELECT id, status, capacity FROM "Shift" WHERE "stationId" = ${stationId}::uuid AND "startsAt" >= ${from} AND "startsAt" < ${to}
      ), c AS (
        SELECT c.* FROM "ShiftClaim" c JOIN s ON s.id = c."shiftId"
      ), taken AS (
        SELECT s.id, s.capacity, count(c.id) FILTER (WHERE c.status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')) AS seats
        FROM s LEFT JOIN c ON c."shiftId" = s.id WHERE s.status <> 'CANCELLED' GROUP BY s.id, s.capacity
      ), firsts AS (
        SELECT m."volunteerId", min(m."joinedAt") AS first FROM "TeamMembership" m JOIN "Team" t ON t.id = m."teamId"
        WHERE t."stationId" = ${stationId}::uuid GROUP BY m."volunteerId"
      ), p AS (
        SELECT amount, reason FROM "PointsEntry" WHERE "stationId" = ${stationId}::uuid AND "createdAt" >= ${from} AND "createdAt" < ${to}
      )
      SELECT
        (SELECT count(DISTINCT "volunteerId") FROM c WHERE "checkedInAt" IS NOT NULL) AS "activeVolunteers",
        (SELECT count(*) FROM firsts WHERE first >= ${from} AND first < ${to}) AS "newVolunteers",
        (SELECT coalesce(sum("minutesServed"), 0) FROM c) AS "serviceMinutes",
        (SELECT count(*) FROM taken) AS "shiftsPublished",
        (SELECT count(*) FROM taken WHERE seats >= capacity) AS "shiftsFilled",
        (SELECT count(*) FROM s WHERE status = 'CANCELLED') AS "shiftsCancelled",
        (SELECT count(*) FROM c WHERE status = 'NO_SHOW') AS "noShows",
        (SELECT count(*) FROM "Commendation" WHERE "stationId" = ${stationId}::uuid AND "approvedAt" >= ${from} AND "approvedAt" < ${to}) AS commendations,
        (SELECT coalesce(sum(amount), 0) FROM p WHERE amount > 0 AND reason <> 'REVERSAL') AS "pointsIssued",
        (SELECT coalesce(-sum(amount), 0) FROM p WHERE reason = 'REDEMPTION') AS "pointsRedeemed"`,
    prisma.$queryRaw<{ callUps: bigint; reached: bigint; median: number | null }[]>`
      WITH m AS (
        SELECT id, "startedAt", wanted FROM "Mobilization" WHERE "stationId" = ${stationId}::uuid AND "startedAt" >= ${from} AND "startedAt" < ${to}
      ), accepted AS (
        SELECT m.id, m.wanted, r."respondedAt" - m."startedAt" AS took, row_number() OVER (PARTITION BY m.id ORDER BY r."respondedAt", r.id) AS k
        FROM m JOIN "MobilizationResponder" r ON r."mobilizationId" = m.id AND r.response = 'ACCEPTED' AND r."respondedAt" IS NOT NULL
      ), reached AS (SELECT extract(epoch FROM took) / 60 AS minutes FROM accepted WHERE k = wanted)
      SELECT (SELECT count(*) FROM m) AS "callUps", (SELECT count(*) FROM reached) AS reached,
             (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY minutes) FROM reached)::float8 AS median`,
    prisma.$queryRaw<{ gridId: string | null; gridName: string | null; shifts: bigint; expected: bigint; checkedIn: bigint; noShows: bigint }[]>`
      SELECT s."gridId", g.name AS "gridName", count(DISTINCT s.id) AS shifts,
             count(c.id) FILTER (WHERE c.status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')) AS expected,
             count(c.id) FILTER (WHERE c."checkedInAt" IS NOT NULL) AS "checkedIn",
             count(c.id) FILTER (WHERE c.status = 'NO_SHOW') AS "noShows"
      FROM "Shift" s LEFT JOIN "Grid" g ON g.id = s."gridId" LEFT JOIN "ShiftClaim" c ON c."shiftId" = s.id
      WHERE s."stationId" = ${stationId}::uuid AND s."startsAt" >= ${from} AND s."startsAt" < ${to} AND s.status <> 'CANCELLED'
      GROUP BY s."gridId", g.name ORDER BY g.name NULLS LAST`,
    prisma.$queryRaw<{ gridId: string | null; weekday: number; hour: number; personHours: bigint }[]>`
      SELECT s."gridId", extract(isodow FROM h)::int AS weekday, extract(hour FROM h)::int AS hour, count(*) AS "personHours"
      FROM "Shift" s JOIN "ShiftClaim" c ON c."shiftId" = s.id AND c."checkedInAt" IS NOT NULL
      CROSS JOIN LATERAL generate_series(date_trunc('hour', s."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai'),
                                         (s."endsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai') - interval '1 microsecond', interval '1 hour') AS h
      WHERE s."stationId" = ${stationId}::uuid AND s."startsAt" >= ${from} AND s."startsAt" < ${to}
      GROUP BY 1, 2, 3 ORDER BY 1, 2, 3`,
    prisma.$queryRaw<{ partnerId: string; partnerName: string; personShifts: bigint; minutes: bigint | null }[]>`
      SELECT p.id AS "partnerId", p.name AS "partnerName", count(c.id) AS "personShifts", coalesce(sum(c."minutesServed"), 0) AS minutes
      FROM "Partner" p
      LEFT JOIN "Volunteer" v ON v."partnerId" = p.id
      LEFT JOIN "ShiftClaim" c ON c."volunteerId" = v.id AND c.status = 'COMPLETED'
        AND EXISTS (SELECT 1 FROM "Shift" s WHERE s.id = c."shiftId" AND s."stationId" = ${stationId}::uuid AND s."startsAt" >= ${from} AND s."startsAt" < ${to})
      WHERE p."stationId" = ${stationId}::uuid
      GROUP BY p.id, p.name ORDER BY p.name`,
    prisma.$queryRaw<{ day: string; shifts: bigint; checkIns: bigint; minutes: bigint | null }[]>`
      SELECT to_char(s."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai', 'YYYY-MM-DD') AS day, count(DISTINCT s.id) AS shifts,
             count(c.id) FILTER (WHERE c."checkedInAt" IS NOT NULL) AS "checkIns", coalesce(sum(c."minutesServed"), 0) AS minutes
      FROM "Shift" s LEFT JOIN "ShiftClaim" c ON c."shiftId" = s.id
      WHERE s."stationId" = ${stationId}::uuid AND s."startsAt" >= ${from} AND s."startsAt" < ${to} AND s.status <> 'CANCELLED'
      GROUP BY 1 ORDER BY 1`,
  ]);
  const t = totals[0]!;
  return {
    stationId,
    stationName: station.name,
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
    callUps: n(callUps[0]!.callUps),
    callUpsReachedWanted: n(callUps[0]!.reached),
    medianMinutesToWanted: callUps[0]!.median == null ? null : Math.round(Number(callUps[0]!.median) * 10) / 10,
    grids: grids.map((g) => ({ gridId: g.gridId, gridName: g.gridName ?? "", shifts: n(g.shifts), expected: n(g.expected), checkedIn: n(g.checkedIn), noShows: n(g.noShows) })),
    coverage: coverage.map((c) => ({ gridId: c.gridId, weekday: c.weekday, hour: c.hour, personHours: n(c.personHours) })),
    partners: partners.map((p) => ({ partnerId: p.partnerId, partnerName: p.partnerName, personShifts: n(p.personShifts), minutes: n(p.minutes) })),
    days: days.map((d) => ({ day: d.day, shifts: n(d.shifts), checkIns: n(d.checkIns), minutes: n(d.minutes) })),
  };
}
