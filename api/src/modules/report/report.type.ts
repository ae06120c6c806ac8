import { builder } from "../../builder.js";
import { adminPartnerIds, can, check, ledTeamIds } from "../../auth/policy.js";
import { clock } from "../../clock.js";
import { prisma } from "../../db.js";
import { assertCursorInList, rowsAfterCursor } from "../../graphql/list-cursor.js";
import { encodeCursor } from "../../events/stored-stream.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { dateArg, idArg } from "../../graphql/ids.js";
import { accountName } from "../../graphql/request-loader.js";
import { Viewer } from "../account/account.type.js";
import { GeoPoint } from "../shift/shift.type.js";
import { reportFacts, reportStats, type ReportStats } from "./report.service.js";
import { E } from "../../lib/enums.js";

export const PatrolReportCategory = builder.enumType(E.PatrolReportCategory, {
  name: "PatrolReportCategory",
  values: {
    FIRE_HAZARD: { description: "消防隐患" },
    PUBLIC_SECURITY: { description: "治安隐患" },
    TRAFFIC_HAZARD: { description: "交通隐患" },
    ENVIRONMENT: { description: "环境秩序（乱堆乱放、僵尸车）" },
    SUSPICIOUS: { description: "可疑情况" },
    DISPUTE: { description: "矛盾纠纷" },
    OTHER: { description: "其他" },
  } as const,
});
export const PatrolReportStatus = builder.enumType(E.PatrolReportStatus, {
  name: "PatrolReportStatus",
  values: {
    NEW: { description: "待分派" },
    ASSIGNED: { description: "处理中" },
    RESOLVED: { description: "已办结" },
    REFERRED: { description: "已移交其他部门" },
    REJECTED: { description: "不予受理" },
  } as const,
});
export const PatrolReportEventKind = builder.enumType(E.PatrolReportEventKind, { name: "PatrolReportEventKind" });
export const PatrolReportAssigneeKind = builder.enumType("PatrolReportAssigneeKind", {
  values: { OFFICER: { description: "民警" }, TEAM: { description: "队伍" }, PARTNER: { description: "共建单位" } } as const,
});

const OPEN = ["NEW", "ASSIGNED"] as const;

export const PatrolReportUpdate = builder.prismaObject("PatrolReportEvent", {
  name: "PatrolReportUpdate",
  description: "A step in a report's history: submitted, assigned, resolved, referred or rejected",
  fields: (t) => ({
    cursor: t.string({ description: "Pass as `since` to patrolReportUpdated to replay what came after (commit order)", resolve: (e) => encodeCursor(e) }),
    kind: t.field({ type: PatrolReportEventKind, resolve: (e) => e.kind }),
    at: t.expose("at", { type: "DateTime" }),
    note: t.exposeString("note"),
    actorName: t.string({ nullable: true, resolve: (e, _a, ctx) => (e.actorId ? accountName(ctx, e.actorId) : null) }),
    report: t.relation("report"),
  }),
});

export const PatrolReportRef = builder.prismaNode("PatrolReport", {
  id: { field: "id" },
  description: "巡逻发现 / 隐患: what a patrol found, and what became of it (闭环)",
  authScopes: (r) => ({ policy: check("patrolReport.read", reportFacts(r)) }),
  fields: (t) => ({
    category: t.field({ type: PatrolReportCategory, resolve: (r) => r.category }),
    description: t.exposeString("description"),
    place: t.exposeString("place"),
    location: t.field({
      type: GeoPoint,
      nullable: true,
      resolve: (r) => (r.latitude != null && r.longitude != null ? { latitude: r.latitude, longitude: r.longitude } : null),
    }),
    status: t.field({ type: PatrolReportStatus, resolve: (r) => r.status }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    // The reporter reads their report after leaving the station, but no longer its grid or shift:
    // null for them rather than a FORBIDDEN that failed their whole list of reports.
    grid: t.relation("grid", { nullable: true, authScopes: (r) => ({ policy: check("station.read", { stationId: r.stationId }) }), unauthorizedResolver: () => null }),
    shift: t.relation("shift", {
      nullable: true,
      description: "The patrol it was found on",
      authScopes: (r) => ({ policy: check("station.read", { stationId: r.stationId }) }),
      unauthorizedResolver: () => null,
    }),
    reporterName: t.string({ description: "The reporter's public name", resolve: (r, _a, ctx) => accountName(ctx, r.reporterAccountId) }),
    isMine: t.boolean({ description: "Reported by the viewer", resolve: (r, _a, ctx) => ctx.viewer?.accountId === r.reporterAccountId }),
    assigneeKind: t.field({
      type: PatrolReportAssigneeKind,
      nullable: true,
      resolve: (r) => (r.assignedOfficerId ? "OFFICER" : r.assignedTeamId ? "TEAM" : r.assignedPartnerId ? "PARTNER" : null),
    }),
    assigneeName: t.string({
      nullable: true,
      select: { assignedTeam: { select: { name: true } }, assignedPartner: { select: { name: true } } },
      resolve: (r, _a, ctx) => (r.assignedOfficerId ? accountName(ctx, r.assignedOfficerId) : (r.assignedTeam?.name ?? r.assignedPartner?.name ?? null)),
    }),
    assignedAt: t.expose("assignedAt", { type: "DateTime", nullable: true }),
    dueAt: t.expose("dueAt", { type: "DateTime", nullable: true }),
    overdue: t.boolean({ description: "Still open after its due date", resolve: (r) => r.status === "ASSIGNED" && !!r.dueAt && r.dueAt < clock.now() }),
    closedAt: t.expose("closedAt", { type: "DateTime", nullable: true }),
    resolutionNote: t.exposeString("resolutionNote", { nullable: true }),
    referredTo: t.exposeString("referredTo", { nullable: true, description: "The department a REFERRED report went to" }),
    rejectReason: t.exposeString("rejectReason", { nullable: true }),
    photos: t.relation("photos", {
      description: "Photos of the finding; URLs are signed for the viewer the policy allows",
      authScopes: (r) => ({ policy: check("patrolReport.read", reportFacts(r)) }),
      query: { where: { purpose: "REPORT" }, orderBy: { position: "asc" } },
    }),
    resolutionPhotos: t.relation("photos", {
      authScopes: (r) => ({ policy: check("patrolReport.read", reportFacts(r)) }),
      query: { where: { purpose: "RESOLUTION" }, orderBy: { position: "asc" } },
    }),
    history: t.relation("events", { description: "Every step, oldest first", query: { orderBy: { id: "asc" } } }),
    viewerCanTriage: t.boolean({ resolve: (r, _a, ctx) => OPEN.includes(r.status as never) && can(ctx.viewer, "patrolReport.triage", { stationId: r.stationId }) }),
    viewerCanResolve: t.boolean({ resolve: (r, _a, ctx) => r.status === "ASSIGNED" && can(ctx.viewer, "patrolReport.resolve", reportFacts(r)) }),
  }),
});

/** What a viewer who is not the station's officer may list: their own reports and those assigned to them. */
function readableBy(ctx: { viewer: import("../../auth/viewer.js").Viewer | null }, stationId: string): Prisma.PatrolReportWhereInput {
  const v = ctx.viewer;
  if (can(v, "patrolReport.triage", { stationId })) return {};
  const partners = adminPartnerIds(v).filter((p) => v!.partnerAdminOf.get(p) === stationId);
  return { OR: [{ reporterAccountId: v?.accountId ?? "00000000-0000-0000-0000-000000000000" }, { assignedTeamId: { in: ledTeamIds(v, stationId) } }, { assignedPartnerId: { in: partners } }] };
}

builder.prismaObjectField("Station", "patrolReports", (t) =>
  t.prismaConnection({
    type: "PatrolReport",
    cursor: "id",
    description: "隐患 queue, newest first: all for officers; for others their own and those assigned to them",
    args: {
      status: t.arg({ type: [PatrolReportStatus] }),
      category: t.arg({ type: PatrolReportCategory }),
      gridId: t.arg.id(),
      overdue: t.arg.boolean({ description: "Only open reports past their due date" }),
    },
    resolve: async (query, station, args, ctx) => {
      await assertCursorInList(query, (id) => prisma.patrolReport.count({ where: { id, stationId: station.id, ...readableBy(ctx, station.id) } }));
      return rowsAfterCursor(query, (q) => prisma.patrolReport.findMany({
        ...q,
        where: {
          stationId: station.id,
          status: args.status?.length ? { in: args.status } : undefined,
          category: args.category ?? undefined,
          gridId: args.gridId ? idArg(String(args.gridId), "Grid", "gridId") : undefined,
          ...(args.overdue ? { status: "ASSIGNED", dueAt: { lt: clock.now() } } : {}),
          ...readableBy(ctx, station.id),
        },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }));
    },
  }),
);

builder.objectField(Viewer, "myPatrolReports", (t) =>
  t.prismaConnection({
    type: "PatrolReport",
    cursor: "id",
    description: "我的上报: the viewer's reports and their outcomes, newest first",
    resolve: async (query, v) => {
      await assertCursorInList(query, (id) => prisma.patrolReport.count({ where: { id, reporterAccountId: v.accountId } }));
      return rowsAfterCursor(query, (q) => prisma.patrolReport.findMany({ ...q, where: { reporterAccountId: v.accountId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }));
    },
  }),
);

const CategoryCount = builder.objectRef<ReportStats["byCategory"][number]>("PatrolReportCategoryCount").implement({
  fields: (t) => ({
    category: t.field({ type: PatrolReportCategory, resolve: (c) => c.category }),
    count: t.exposeInt("count"),
    open: t.exposeInt("open"),
  }),
});
const GridCount = builder.objectRef<ReportStats["byGrid"][number]>("PatrolReportGridCount").implement({
  fields: (t) => ({
    gridId: t.id({ nullable: true, resolve: (g) => (g.gridId ? Buffer.from(`Grid:${g.gridId}`).toString("base64") : null) }),
    gridName: t.string({ nullable: true, description: "null: reports outside every grid", resolve: (g) => g.gridName }),
    count: t.exposeInt("count"),
    open: t.exposeInt("open"),
  }),
});
const Stats = builder.objectRef<ReportStats>("PatrolReportStats").implement({
  description: "Findings of a period: counts per category and grid, and how fast they are resolved",
  fields: (t) => ({
    total: t.exposeInt("total"),
    open: t.exposeInt("open"),
    overdue: t.exposeInt("overdue"),
    resolved: t.exposeInt("resolved"),
    medianHoursToResolve: t.exposeFloat("medianHoursToResolve", { nullable: true, description: "Median hours from report to RESOLVED" }),
    byCategory: t.field({ type: [CategoryCount], resolve: (s) => s.byCategory }),
    byGrid: t.field({ type: [GridCount], resolve: (s) => s.byGrid }),
  }),
});

builder.prismaObjectFields("Station", (t) => ({
  patrolReportStats: t.field({
    type: Stats,
    nullable: true,
    description: "Officers: findings reported in [from, to) (default: the last 365 days)",
    args: { from: t.arg({ type: "DateTime" }), to: t.arg({ type: "DateTime" }) },
    authScopes: (s) => ({ policy: check("patrolReport.triage", { stationId: s.id }) }),
    resolve: (s, args) => {
      const to = args.to ? dateArg(args.to, "to") : clock.now();
      const from = args.from ? dateArg(args.from, "from") : new Date(to.getTime() - 365 * 86_400_000);
      return reportStats(s.id, from, to);
    },
  }),
  viewerCanReport: t.boolean({ description: "May the viewer report a finding here (上报隐患)?", resolve: (s, _a, ctx) => can(ctx.viewer, "patrolReport.submit", { stationId: s.id }) }),
  viewerCanTriageReports: t.boolean({ description: "Is the viewer an officer of the station who triages findings?", resolve: (s, _a, ctx) => can(ctx.viewer, "patrolReport.triage", { stationId: s.id }) }),
}));

const StationOfficer = builder.objectRef<{ accountId: string; displayName: string }>("StationOfficer").implement({
  description: "An officer of the station, to assign work to",
  fields: (t) => ({
    id: t.id({ description: "Global ID of type Officer (the account)", resolve: (o) => Buffer.from(`Officer:${o.accountId}`).toString("base64") }),
    displayName: t.exposeString("displayName"),
  }),
});

builder.prismaObjectFields("Station", (t) => ({
  assignableOfficers: t.field({
    type: [StationOfficer],
    nullable: true,
    description: "The station's officers to assign findings to (officers only)",
    authScopes: (s) => ({ policy: check("patrolReport.triage", { stationId: s.id }) }),
    resolve: async (s) => {
      const rows = await prisma.accountRole.findMany({ where: { role: "OFFICER", stationId: s.id }, select: { accountId: true, account: { select: { displayName: true } } }, orderBy: { createdAt: "asc" }, take: 100 });
      return rows.map((r) => ({ accountId: r.accountId, displayName: r.account.displayName || "社区民警" }));
    },
  }),
}));
