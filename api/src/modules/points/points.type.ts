import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { builder } from "../../builder.js";
import { can } from "../../auth/viewer.js";
import { prisma } from "../../db.js";
import { idArg } from "../../graphql/ids.js";
import { Viewer } from "../account/account.type.js";
import { canSeePersonalData } from "../volunteer/volunteer.type.js";
import { DEFAULT_RULES, hoursCertificate, leaderboard, type Period } from "./points.service.js";

export const PointsReason = builder.enumType("PointsReason", {
  values: {
    PATROL_HOURS: { description: "巡逻时长" },
    COMMENDATION: { description: "表扬" },
    REDEMPTION: { description: "兑换" },
    ADJUSTMENT: { description: "民警调整" },
    REVERSAL: { description: "冲正" },
  } as const,
});
export const PeriodEnum = builder.enumType("Period", { values: ["MONTH", "QUARTER", "YEAR"] as const });
export const RedemptionStatus = builder.enumType("RedemptionStatus", {
  values: { PENDING: { description: "待领取" }, HANDED_OUT: { description: "已发放" } } as const,
});

export const PointsEntry = builder.prismaNode("PointsEntry", {
  id: { field: "id" },
  description: "积分记录: one line of the append-only ledger",
  authScopes: (e, ctx) => canSeePersonalData(ctx, e.volunteerId),
  fields: (t) => ({
    amount: t.exposeInt("amount"),
    reason: t.field({ type: PointsReason, resolve: (e) => e.reason }),
    note: t.exposeString("note"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    reverses: t.relation("reverses", { nullable: true }),
    reversedBy: t.relation("reversedBy", { nullable: true }),
    viewerCanReverse: t.boolean({
      select: { reversedBy: { select: { id: true } } },
      resolve: (e, _a, ctx) => !e.reversedBy && e.reason !== "REVERSAL" && e.reason !== "REDEMPTION" && can.officerOf(ctx.viewer, e.stationId),
    }),
  }),
});

const PointsAccount = builder.objectRef<{ volunteerId: string }>("PointsAccount").implement({
  description: "积分: balance and ledger of a volunteer",
  fields: (t) => ({
    balance: t.int({ description: "Always the sum of the ledger", resolve: (a, _x, ctx) => ctx.loaders.pointsBalance.load(a.volunteerId) }),
    entries: t.prismaConnection({
      type: "PointsEntry",
      cursor: "id",
      description: "Newest first",
      resolve: (query, a) => prisma.pointsEntry.findMany({ ...query, where: { volunteerId: a.volunteerId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }),
    }),
  }),
});

const HoursCertificate = builder
  .objectRef<{ totalMinutes: number; shiftCount: number; commendationCount: number; csv: string }>("HoursCertificate")
  .implement({
    description: "志愿服务时长证明",
    fields: (t) => ({
      totalMinutes: t.exposeInt("totalMinutes"),
      shiftCount: t.exposeInt("shiftCount"),
      commendationCount: t.exposeInt("commendationCount"),
      csv: t.exposeString("csv", { description: "UTF-8 CSV (with BOM, opens in Excel)" }),
    }),
  });

builder.prismaObjectFields("Volunteer", (t) => ({
  points: t.field({
    type: PointsAccount,
    nullable: true,
    description: "The person, their leaders and their officers see points",
    resolve: async (v, _a, ctx) => ((await canSeePersonalData(ctx, v.id)) ? { volunteerId: v.id } : null),
  }),
  hoursCertificate: t.field({
    type: HoursCertificate,
    nullable: true,
    description: "For the volunteer and their officers; null for anyone else",
    args: { from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }) },
    resolve: async (v, args, ctx) => {
      const viewer = ctx.viewer;
      const access = await ctx.loaders.personalAccess.load(v.id);
      const allowed = viewer?.volunteerId === v.id || viewer?.isAdmin || access.stationIds.some((s) => viewer?.officerStationIds.has(s));
      return allowed ? hoursCertificate(v.id, args.from, args.to) : null;
    },
  }),
  publicRanking: t.exposeBoolean("publicRanking", { description: "Shown on public leaderboards" }),
  showLegalNameOnBoard: t.exposeBoolean("showLegalNameOnBoard", { description: "Consent to show the legal name on the board" }),
}));

const PointsRulesRef = builder.prismaObject("PointsRules", {
  description: "积分规则 of a station",
  fields: (t) => ({
    pointsPerHour: t.exposeInt("pointsPerHour"),
    nightPatrolPercent: t.exposeInt("nightPatrolPercent", { description: "150 = night patrol hours count ×1.5" }),
    commendationPoints: t.exposeInt("commendationPoints"),
  }),
});

export const Reward = builder.prismaNode("Reward", {
  id: { field: "id" },
  description: "奖品 of a station's catalog",
  authScopes: (r) => ({ seeStation: r.stationId }),
  fields: (t) => ({
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    cost: t.exposeInt("cost"),
    stock: t.exposeInt("stock"),
    active: t.exposeBoolean("active"),
    viewerCanRedeem: t.boolean({
      resolve: async (r, _a, ctx) =>
        !!ctx.viewer?.volunteerId && r.active && r.stock > 0 && (await ctx.loaders.pointsBalance.load(ctx.viewer.volunteerId)) >= r.cost,
    }),
  }),
});

export const Redemption = builder.prismaNode("Redemption", {
  id: { field: "id" },
  description: "兑换: a reward taken with points",
  authScopes: (r, ctx) => canSeePersonalData(ctx, r.volunteerId),
  fields: (t) => ({
    reward: t.relation("reward"),
    volunteer: t.relation("volunteer"),
    cost: t.exposeInt("cost"),
    status: t.field({ type: RedemptionStatus, resolve: (r) => r.status }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    handedOutAt: t.expose("handedOutAt", { type: "DateTime", nullable: true }),
  }),
});

builder.prismaObjectFields("Station", (t) => ({
  pointsRules: t.field({
    type: PointsRulesRef,
    resolve: async (s) =>
      (await prisma.pointsRules.findUnique({ where: { stationId: s.id } })) ?? { stationId: s.id, ...DEFAULT_RULES, updatedAt: new Date(0), updatedById: null },
  }),
  rewards: t.relatedConnection("rewards", {
    cursor: "id",
    args: { onlyActive: t.arg.boolean() },
    query: (args) => ({ where: args.onlyActive ? { active: true } : undefined, orderBy: [{ cost: "asc" }, { id: "asc" }] }),
  }),
  redemptions: t.prismaConnection({
    type: "Redemption",
    cursor: "id",
    description: "Redemptions to hand out (officers)",
    args: { status: t.arg({ type: RedemptionStatus }) },
    nullable: true,
    authScopes: (s) => ({ officerOf: s.id }),
    resolve: (query, s, args) =>
      prisma.redemption.findMany({
        ...query,
        where: { reward: { stationId: s.id }, status: args.status ?? undefined },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
}));

builder.objectField(Viewer, "myRedemptions", (t) =>
  t.prismaConnection({
    type: "Redemption",
    cursor: "id",
    resolve: (query, v) =>
      prisma.redemption.findMany({
        ...query,
        where: { volunteerId: v.volunteerId ?? "00000000-0000-0000-0000-000000000000" },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }),
  }),
);

const LeaderboardEntry = builder.objectRef<{ rank: number; points: number; volunteerId: string; displayName: string }>("LeaderboardEntry").implement({
  description: "A place on the points leaderboard; equal points share a rank",
  fields: (t) => ({
    rank: t.exposeInt("rank"),
    points: t.exposeInt("points"),
    displayName: t.exposeString("displayName"),
    isViewer: t.boolean({ resolve: (e, _a, ctx) => ctx.viewer?.volunteerId === e.volunteerId }),
  }),
});

builder.queryField("pointsLeaderboard", (t) =>
  t.connection({
    type: LeaderboardEntry,
    description: "积分榜 of this month, quarter or year (Asia/Shanghai); volunteers who opted out are left out",
    nullable: true,
    args: {
      stationId: t.arg.id({ required: true }),
      teamId: t.arg.id(),
      period: t.arg({ type: PeriodEnum, required: true }),
    },
    authScopes: (_r, args) => ({ seeStation: idArg(String(args.stationId), "Station", "stationId") }),
    resolve: (_r, args) =>
      resolveOffsetConnection({ args }, ({ limit, offset }) =>
        leaderboard(
          idArg(String(args.stationId), "Station", "stationId"),
          args.teamId ? idArg(String(args.teamId), "Team", "teamId") : null,
          args.period as Period,
          offset,
          limit,
        ),
      ),
  }),
);
