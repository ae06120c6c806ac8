// 巡逻发现 / 隐患: a member reports what a patrol found, with photos; officers triage it (assign to an
// officer, a team or a partner with a due date, refer it to another department, or reject it); the
// assignee or an officer resolves it. Every step is a PatrolReportEvent (the history and the live
// command view's stored stream), a notification to the reporter, and for triage an audit entry.
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Viewer } from "../../auth/viewer.js";
import { assert } from "../../auth/policy.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { PatrolReport, PatrolReportCategory, PatrolReportEventKind } from "../../generated/prisma/client.js";
import { conflict, isUniqueViolation, notFound, UserFacingError } from "../../graphql/errors.js";
import { withPhotos, type StoredPhoto } from "../../media/photos.js";
import type { UploadFile } from "../../media/upload.js";
import { recordAudit } from "../audit/audit.service.js";
import { notify, type NotifyInput, thenDelivered } from "../notification/notification.service.js";
import { distanceMeters } from "../shift/shift.rules.js";
import { reportLog } from "./report-log.js";
import { oncePerKey } from "../../lib/once-per-key.js";
import { joinMsg, localize, msg, type Msg } from "../../i18n.js";

const REPORT = msg("隐患上报", "Patrol report");
/** A report without a grid or shift is placed in the nearest grid within this distance. */
const NEAREST_GRID_METERS = 3000;

/** For notifications (msg(): both languages). */
export const CATEGORY_LABEL: Record<PatrolReportCategory, string> = {
  FIRE_HAZARD: msg("消防隐患", "Fire hazard"),
  PUBLIC_SECURITY: msg("治安隐患", "Public security"),
  TRAFFIC_HAZARD: msg("交通隐患", "Traffic hazard"),
  ENVIRONMENT: msg("环境秩序", "Environment and order"),
  SUSPICIOUS: msg("可疑情况", "Suspicious"),
  DISPUTE: msg("矛盾纠纷", "Dispute"),
  OTHER: msg("其他", "Other"),
};

export const reportFacts = (r: Pick<PatrolReport, "stationId" | "reporterAccountId" | "assignedTeamId" | "assignedPartnerId">) => ({
  stationId: r.stationId,
  reporterAccountId: r.reporterAccountId,
  assignedTeamId: r.assignedTeamId,
  assignedPartnerId: r.assignedPartnerId,
});

export interface SubmitPatrolReportInput {
  stationId: string;
  shiftId?: string | null;
  gridId?: string | null;
  category: PatrolReportCategory;
  description: string;
  place?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  photos?: UploadFile[] | null;
  requestId?: string | null;
}

/** The shift the reporter is on: the one named (theirs, of this station), else one they are checked in to now. */
async function reportersShift(viewer: Viewer, stationId: string, shiftId: string | null | undefined) {
  if (shiftId) {
    const shift = await prisma.shift.findUnique({ where: { id: shiftId }, select: { id: true, stationId: true, gridId: true } });
    const mine =
      shift?.stationId === stationId &&
      (!viewer.volunteerId ||
        !!(await prisma.shiftClaim.findFirst({ where: { shiftId, volunteerId: viewer.volunteerId, status: { in: ["CONFIRMED", "COMPLETED"] } }, select: { id: true } })));
    if (!shift || !mine) throw notFound(msg("你在本所的班次", "Your shift at this station"), ["input", "shiftId"]);
    return shift;
  }
  if (!viewer.volunteerId) return null;
  const claim = await prisma.shiftClaim.findFirst({
    where: { volunteerId: viewer.volunteerId, status: "CONFIRMED", checkedInAt: { not: null }, checkedOutAt: null, shift: { stationId, status: "OPEN" } },
    select: { shift: { select: { id: true, stationId: true, gridId: true } } },
    orderBy: { checkedInAt: "desc" },
  });
  return claim?.shift ?? null;
}

async function placeInGrid(stationId: string, input: SubmitPatrolReportInput, shiftGridId: string | null): Promise<string | null> {
  if (input.gridId) {
    const grid = await prisma.grid.findUnique({ where: { id: input.gridId }, select: { stationId: true } });
    if (grid?.stationId !== stationId) throw notFound(msg("本所网格", "Grid of this station"), ["input", "gridId"]);
    return input.gridId;
  }
  if (shiftGridId) return shiftGridId;
  if (input.latitude == null || input.longitude == null) return null;
  const grids = await prisma.grid.findMany({ where: { stationId, latitude: { not: null }, longitude: { not: null } }, select: { id: true, latitude: true, longitude: true } });
  let best: { id: string; d: number } | null = null;
  for (const g of grids) {
    const d = distanceMeters(input.latitude, input.longitude, g.latitude!, g.longitude!);
    if (d <= NEAREST_GRID_METERS && (!best || d < best.d)) best = { id: g.id, d };
  }
  return best?.id ?? null;
}

function photoRows(photos: StoredPhoto[], stationId: string, uploadedById: string, purpose: "REPORT" | "RESOLUTION", reportId: string) {
  return photos.map((p, position) => ({ ...p, stationId, uploadedById, purpose, position, reportId }));
}

async function event(tx: Tx, r: { id: string; stationId: string }, kind: PatrolReportEventKind, actorId: string | null, note: string, at: Date) {
  await tx.patrolReportEvent.create({ data: { stationId: r.stationId, reportId: r.id, kind, actorId, note, at } });
}

/** The reporter hears of every step (闭环), unless they took it themselves. */
function toReporter(r: PatrolReport, actor: Viewer, title: Msg, body: Msg): NotifyInput[] {
  if (r.reporterAccountId === actor.accountId) return [];
  return [{ accountId: r.reporterAccountId, stationId: r.stationId, kind: "PATROL_REPORT_UPDATED", title, body, link: "/report" }];
}

export async function submitPatrolReport(viewer: Viewer, input: SubmitPatrolReportInput) {
  const station = await prisma.station.findUnique({ where: { id: input.stationId }, select: { id: true } });
  if (!station) throw notFound(msg("派出所", "Station"), ["input", "stationId"]);
  assert(viewer, "patrolReport.submit", { stationId: station.id }, {
    message: msg("仅本所义警和民警可上报", "Only the station's volunteers and officers report findings"),
    hide: { what: msg("派出所", "Station"), field: ["input", "stationId"], stationId: station.id },
  });
  if ((input.latitude == null) !== (input.longitude == null)) {
    throw new UserFacingError("VALIDATION", msg("经纬度须同时提供", "Give both latitude and longitude"), ["input", input.latitude == null ? "latitude" : "longitude"]);
  }
  // A repeat (the answer lost on a weak signal, a double tap): the first report, its photos not stored again.
  const { value: report, repeated } = await oncePerKey(input.requestId, {
    find: () => prisma.patrolReport.findUnique({ where: { reporterAccountId_requestId: { reporterAccountId: viewer.accountId, requestId: input.requestId! } } }),
    differs: (earlier) => differsFrom(earlier, station.id, input),
    reused: msg("该请求编号已用于另一条上报", "This request ID was used for another report"),
    create: () => createReport(viewer, station.id, input),
    // The same key sent twice at once: the other made it (this one's photos are discarded by withPhotos). Also when
    // this one failed otherwise meanwhile (the photo quota counting the first's photos): the first is the answer.
    twinOn: (e) => isUniqueViolation(e) || e instanceof UserFacingError,
  });
  if (repeated) return report;
  reportLog.notify();
  return report;
}

/** Whether the report made earlier with this key is another report than `input`. */
async function differsFrom(earlier: PatrolReport, stationId: string, input: SubmitPatrolReportInput) {
  // The web makes a new key on any change; a changed report under an old key (another place, other photos) is
  // another report, not to be dropped silently. Grid and shift are compared when named (else they were inferred).
  return (
    earlier.stationId !== stationId ||
    earlier.category !== input.category ||
    earlier.description !== input.description ||
    earlier.place !== (input.place ?? "") ||
    earlier.latitude !== (input.latitude ?? null) ||
    earlier.longitude !== (input.longitude ?? null) ||
    (!!input.gridId && earlier.gridId !== input.gridId) ||
    (!!input.shiftId && earlier.shiftId !== input.shiftId) ||
    (await prisma.photo.count({ where: { reportId: earlier.id, purpose: "REPORT" } })) !== (input.photos?.length ?? 0)
  );
}

async function createReport(viewer: Viewer, stationId: string, input: SubmitPatrolReportInput) {
  const shift = await reportersShift(viewer, stationId, input.shiftId);
  const gridId = await placeInGrid(stationId, input, shift?.gridId ?? null);
  const now = clock.now();
  return withPhotos(viewer.accountId, input.photos, ["input", "photos"], (photos) =>
    prisma.$transaction(async (tx) => {
      const created = await tx.patrolReport.create({
        data: {
          stationId,
          gridId,
          shiftId: shift?.id ?? null,
          reporterAccountId: viewer.accountId,
          reporterVolunteerId: viewer.volunteerId,
          category: input.category,
          description: input.description,
          place: input.place ?? "",
          latitude: input.latitude ?? null,
          longitude: input.longitude ?? null,
          requestId: input.requestId ?? null,
          createdAt: now,
        },
      });
      if (photos.length) await tx.photo.createMany({ data: photoRows(photos, stationId, viewer.accountId, "REPORT", created.id) });
      await event(tx, created, "SUBMITTED", viewer.accountId, "", now);
      return created;
    }, TX),
  );
}

async function loadReport(viewer: Viewer, reportId: string) {
  const report = await prisma.patrolReport.findUnique({ where: { id: reportId } });
  if (!report) throw notFound(REPORT, ["input", "reportId"]);
  return report;
}

const hideOf = (r: PatrolReport) => ({ what: REPORT, field: ["input", "reportId"], stationId: r.stationId });

async function triageable(viewer: Viewer, reportId: string) {
  const report = await loadReport(viewer, reportId);
  assert(viewer, "patrolReport.triage", { stationId: report.stationId }, { message: msg("仅本所民警可分派和处置隐患", "Only the station's officers triage findings"), hide: hideOf(report) });
  if (report.status !== "NEW" && report.status !== "ASSIGNED") throw conflict(msg("该隐患已办结", "This report is already closed"), ["input", "reportId"]);
  return report;
}

/** Changes the report only in the state it was read in: of two concurrent decisions one wins, the other is told. */
async function transition(tx: Tx, report: PatrolReport, data: Parameters<Tx["patrolReport"]["updateMany"]>[0]["data"]) {
  const { count } = await tx.patrolReport.updateMany({ where: { id: report.id, status: report.status, updatedAt: report.updatedAt }, data });
  if (!count) throw conflict(msg("该隐患刚被他人处理，请刷新后重试", "Someone else just changed this report; reload and retry"), ["input", "reportId"]);
  return tx.patrolReport.findUniqueOrThrow({ where: { id: report.id } });
}

export interface AssignPatrolReportInput {
  reportId: string;
  officerId?: string | null;
  teamId?: string | null;
  partnerId?: string | null;
  dueAt?: Date | null;
  note?: string | null;
}

export async function assignPatrolReport(viewer: Viewer, input: AssignPatrolReportInput, clientAddress: string | null = null) {
  const report = await triageable(viewer, input.reportId);
  const targets = [input.officerId, input.teamId, input.partnerId].filter(Boolean).length;
  if (targets !== 1) throw new UserFacingError("VALIDATION", msg("请选择一位民警、一支队伍或一个共建单位（只选一个）", "Choose exactly one: an officer, a team or a partner"), ["input", "teamId"]);
  const now = clock.now();
  if (input.dueAt && input.dueAt <= now) throw new UserFacingError("VALIDATION", msg("处理期限须晚于现在", "The due date must be in the future"), ["input", "dueAt"]);
  let assignee: Msg;
  let recipients: string[];
  if (input.officerId) {
    const role = await prisma.accountRole.findFirst({ where: { accountId: input.officerId, role: "OFFICER", stationId: report.stationId }, select: { account: { select: { displayName: true } } } });
    if (!role) throw notFound(msg("本所民警", "Officer of this station"), ["input", "officerId"]);
    assignee = joinMsg(msg("民警 ", "officer "), role.account.displayName || msg("社区民警", "(no name)"));
    recipients = [input.officerId];
  } else if (input.teamId) {
    const team = await prisma.team.findUnique({ where: { id: input.teamId }, select: { stationId: true, name: true } });
    if (team?.stationId !== report.stationId) throw notFound(msg("本所队伍", "Team of this station"), ["input", "teamId"]);
    assignee = joinMsg(msg("队伍 ", "team "), team.name);
    // Leaders who still lead it: a suspended or departed one no longer reads the report, so is not told of it.
    const leaders = await prisma.account.findMany({ where: { disabled: false, volunteer: { status: "ACTIVE", teams: { some: { teamId: input.teamId, role: "LEADER", status: "ACTIVE" } } } }, select: { id: true } });
    recipients = leaders.map((a) => a.id);
    // Nobody would hear of it, nor could anyone but officers resolve it: the loop would not close.
    if (!recipients.length) {
      throw new UserFacingError("VALIDATION", msg("该队伍目前没有在队的队长，无人接手：请分派给其他队伍、共建单位或民警", "The team has no active leader to take it: assign it elsewhere"), ["input", "teamId"]);
    }
  } else {
    const partner = await prisma.partner.findUnique({ where: { id: input.partnerId! }, select: { stationId: true, name: true } });
    if (partner?.stationId !== report.stationId) throw notFound(msg("本所共建单位", "Partner of this station"), ["input", "partnerId"]);
    assignee = joinMsg(msg("共建单位 ", "partner "), partner.name);
    const admins = await prisma.accountRole.findMany({ where: { role: "PARTNER_ADMIN", partnerId: input.partnerId!, account: { disabled: false } }, select: { accountId: true } });
    recipients = admins.map((a) => a.accountId);
    if (!recipients.length) {
      throw new UserFacingError("VALIDATION", msg("该共建单位还没有联络人账号，无人接手：请先指定联络人，或分派给队伍或民警", "The partner has no contact account to take it: appoint one first, or assign it elsewhere"), ["input", "partnerId"]);
    }
  }
  const due = input.dueAt ? joinMsg(msg("，期限 ", ", due "), input.dueAt.toISOString().slice(0, 10)) : "";
  const told = joinMsg(msg("分派给", "Assigned to "), assignee, due, input.note ? joinMsg(msg("：", ": "), input.note) : "");
  // The report's history is written in Chinese, as before; the notices in both languages.
  const note = localize(told, "zh");
  const updated = await prisma.$transaction(async (tx) => {
    const r = await transition(tx, report, {
      status: "ASSIGNED",
      assignedOfficerId: input.officerId ?? null,
      assignedTeamId: input.teamId ?? null,
      assignedPartnerId: input.partnerId ?? null,
      assignedAt: now,
      dueAt: input.dueAt ?? null,
    });
    await event(tx, r, "ASSIGNED", viewer.accountId, note, now);
    await notify(tx, [
      ...toReporter(r, viewer, msg("你上报的隐患已分派处理", "Your finding was assigned"), joinMsg(CATEGORY_LABEL[r.category], msg("：", ": "), told)),
      ...recipients
        .filter((id) => id !== viewer.accountId)
        .map((accountId) => ({
          accountId,
          stationId: r.stationId,
          kind: "PATROL_REPORT_ASSIGNED" as const,
          title: joinMsg(msg("新的隐患待处理：", "A finding to handle: "), CATEGORY_LABEL[r.category]),
          body: joinMsg(r.place || r.description.slice(0, 40), due),
          link: `/cases/findings?report=${encodeURIComponent(encodeGlobalID("PatrolReport", r.id))}`,
        })),
    ]);
    await recordAudit(tx, { actor: viewer, stationId: r.stationId, action: "patrolReport.assign", targetType: "PatrolReport", targetId: r.id, summary: `分派给${input.officerId ? "民警" : input.teamId ? "队伍" : "共建单位"}${due}`, clientAddress });
    return r;
  }, TX).then(thenDelivered);
  reportLog.notify();
  return updated;
}

export async function resolvePatrolReport(viewer: Viewer, input: { reportId: string; note: string; photos?: UploadFile[] | null }, clientAddress: string | null = null) {
  const report = await loadReport(viewer, input.reportId);
  assert(viewer, "patrolReport.resolve", reportFacts(report), {
    message: msg("仅本所民警或被分派的队伍、共建单位可办结", "Only the station's officers or the assignee resolve a report"),
    hide: hideOf(report),
  });
  if (report.status !== "ASSIGNED") {
    throw conflict(report.status === "NEW" ? msg("请先分派再办结", "Assign the report before resolving it") : msg("该隐患已办结", "This report is already closed"), ["input", "reportId"]);
  }
  const now = clock.now();
  const updated = await withPhotos(viewer.accountId, input.photos, ["input", "photos"], (photos) =>
    prisma.$transaction(async (tx) => {
      const r = await transition(tx, report, { status: "RESOLVED", closedAt: now, closedById: viewer.accountId, resolutionNote: input.note });
      if (photos.length) await tx.photo.createMany({ data: photoRows(photos, r.stationId, viewer.accountId, "RESOLUTION", r.id) });
      await event(tx, r, "RESOLVED", viewer.accountId, input.note, now);
      await notify(tx, toReporter(r, viewer, msg("你上报的隐患已办结", "Your finding was resolved"), joinMsg(CATEGORY_LABEL[r.category], msg("：", ": "), input.note)));
      await recordAudit(tx, { actor: viewer, stationId: r.stationId, action: "patrolReport.resolve", targetType: "PatrolReport", targetId: r.id, summary: `办结（${photos.length}张照片）`, clientAddress });
      return r;
    }, TX).then(thenDelivered),
  );
  reportLog.notify();
  return updated;
}

export async function referPatrolReport(viewer: Viewer, input: { reportId: string; department: string; note?: string | null }, clientAddress: string | null = null) {
  const report = await triageable(viewer, input.reportId);
  const now = clock.now();
  const told = joinMsg(msg("移交", "Referred to "), input.department, input.note ? joinMsg(msg("：", ": "), input.note) : "");
  const note = localize(told, "zh");
  const updated = await prisma.$transaction(async (tx) => {
    const r = await transition(tx, report, { status: "REFERRED", closedAt: now, closedById: viewer.accountId, referredTo: input.department, resolutionNote: input.note ?? null });
    await event(tx, r, "REFERRED", viewer.accountId, note, now);
    await notify(tx, toReporter(r, viewer, msg("你上报的隐患已移交其他部门", "Your finding was referred to another authority"), joinMsg(CATEGORY_LABEL[r.category], msg("：", ": "), told)));
    await recordAudit(tx, { actor: viewer, stationId: r.stationId, action: "patrolReport.refer", targetType: "PatrolReport", targetId: r.id, summary: "移交其他部门", clientAddress });
    return r;
  }, TX).then(thenDelivered);
  reportLog.notify();
  return updated;
}

export async function rejectPatrolReport(viewer: Viewer, input: { reportId: string; reason: string }, clientAddress: string | null = null) {
  const report = await triageable(viewer, input.reportId);
  const now = clock.now();
  const updated = await prisma.$transaction(async (tx) => {
    const r = await transition(tx, report, { status: "REJECTED", closedAt: now, closedById: viewer.accountId, rejectReason: input.reason });
    await event(tx, r, "REJECTED", viewer.accountId, input.reason, now);
    await notify(tx, toReporter(r, viewer, msg("你上报的隐患未予受理", "Your finding was not taken up"), joinMsg(CATEGORY_LABEL[r.category], msg("：", ": "), input.reason)));
    await recordAudit(tx, { actor: viewer, stationId: r.stationId, action: "patrolReport.reject", targetType: "PatrolReport", targetId: r.id, summary: "不予受理", clientAddress });
    return r;
  }, TX).then(thenDelivered);
  reportLog.notify();
  return updated;
}

export interface ReportStats {
  total: number;
  open: number;
  overdue: number;
  resolved: number;
  medianHoursToResolve: number | null;
  byCategory: { category: PatrolReportCategory; count: number; open: number; resolved: number }[];
  byGrid: { gridId: string | null; gridName: string | null; count: number; open: number }[];
}

/** Counts per category and grid, and the median time from report to resolution, in one statement. */
export async function reportStats(stationId: string, from: Date, to: Date, now = clock.now()): Promise<ReportStats> {
  return (await reportStatsOf([stationId], from, to, now)).get(stationId)!;
}

/** `reportStats` of several stations (a region's, side by side) in one statement. */
export async function reportStatsOf(stationIds: readonly string[], from: Date, to: Date, now = clock.now()): Promise<Map<string, ReportStats>> {
  const rows = await prisma.$queryRaw<
    { stationId: string; total: bigint; open: bigint; overdue: bigint; resolved: bigint; median: number | null; byCategory: ReportStats["byCategory"] | null; byGrid: ReportStats["byGrid"] | null }[]
  >`
    WITH r AS (
      SELECT "stationId", status, "dueAt", category, "gridId", "createdAt", "closedAt" FROM "PatrolReport"
      WHERE "stationId" = ANY(${[...stationIds]}::uuid[]) AND "createdAt" >= ${from} AND "createdAt" < ${to}
    ), tot AS (
      -- grouped by station in one pass (a correlated subquery per figure and station scanned the
      -- region's year of findings ~126 times)
      SELECT "stationId", count(*) AS total, count(*) FILTER (WHERE status IN ('NEW', 'ASSIGNED')) AS open,
        count(*) FILTER (WHERE status = 'ASSIGNED' AND "dueAt" < ${now}) AS overdue, count(*) FILTER (WHERE status = 'RESOLVED') AS resolved,
        percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM "closedAt" - "createdAt")) FILTER (WHERE status = 'RESOLVED') / 3600.0 AS median
      FROM r GROUP BY "stationId"
    ), cat AS (
      SELECT "stationId", json_agg(json_build_object('category', category, 'count', n, 'open', o, 'resolved', d) ORDER BY n DESC, category) AS j
      FROM (SELECT "stationId", category, count(*) AS n, count(*) FILTER (WHERE status IN ('NEW', 'ASSIGNED')) AS o, count(*) FILTER (WHERE status = 'RESOLVED') AS d
            FROM r GROUP BY "stationId", category) c GROUP BY "stationId"
    ), grid AS (
      SELECT g."stationId", json_agg(json_build_object('gridId', g."gridId", 'gridName', gr.name, 'count', n, 'open', o) ORDER BY n DESC, gr.name NULLS LAST) AS j
      FROM (SELECT "stationId", "gridId", count(*) AS n, count(*) FILTER (WHERE status IN ('NEW', 'ASSIGNED')) AS o FROM r GROUP BY "stationId", "gridId") g
      LEFT JOIN "Grid" gr ON gr.id = g."gridId" GROUP BY g."stationId"
    )
    SELECT st.id AS "stationId", coalesce(tot.total, 0) AS total, coalesce(tot.open, 0) AS open, coalesce(tot.overdue, 0) AS overdue,
      coalesce(tot.resolved, 0) AS resolved, tot.median, cat.j AS "byCategory", grid.j AS "byGrid"
    FROM unnest(${[...stationIds]}::uuid[]) AS st(id)
    LEFT JOIN tot ON tot."stationId" = st.id LEFT JOIN cat ON cat."stationId" = st.id LEFT JOIN grid ON grid."stationId" = st.id`;
  return new Map(
    rows.map((row) => [
      row.stationId,
      {
        total: Number(row.total),
        open: Number(row.open),
        overdue: Number(row.overdue),
        resolved: Number(row.resolved),
        medianHoursToResolve: row.median === null ? null : Math.round(Number(row.median) * 10) / 10,
        byCategory: row.byCategory ?? [],
        byGrid: row.byGrid ?? [],
      },
    ]),
  );
}
