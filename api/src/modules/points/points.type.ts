import { GraphQLError } from "graphql";
import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { builder } from "../../builder.js";
import { personalData } from "../../graphql/personal-data.js";
import { can, check } from "../../auth/policy.js";
import { prisma } from "../../db.js";
import { assertCursorInList, rowsAfterCursor } from "../../graphql/list-cursor.js";
import { dateArg, idArg } from "../../graphql/ids.js";
import { Viewer } from "../account/account.type.js";
import { DEFAULT_RULES, hoursCertificate, leaderboard, type Period } from "./points.service.js";
import { recordAudit } from "../audit/audit.service.js";
import { msg } from "../../i18n.js";
import { E } from "../../lib/enums.js";

export const PointsReason = builder.enumType(E.PointsReason, {
  name: "PointsReason",
  values: {
    PATROL_HOURS: { description: "巡逻时长" },
    COMMENDATION: { description: "表扬" },
    REDEMPTION: { description: "兑换" },
    ADJUSTMENT: { description: "民警调整" },
    REVERSAL: { description: "冲正" },
    MOBILIZATION: { description: "一键召集响应" },
  } as const,
});
export const PeriodEnum = builder.enumType("Period", { values: ["MONTH", "QUARTER", "YEAR"] as const });
export const RedemptionStatus = builder.enumType(E.RedemptionStatus, {
  name: "RedemptionStatus",
  values: { PENDING: { description: "待领取" }, HANDED_OUT: { description: "已发放" } } as const,
});

export const PointsEntry = builder.prismaNode("PointsEntry", {
  id: { field: "id" },
  description: "积分记录: one line of the append-only ledger",
  authScopes: async (e, ctx) => ({ policy: check("points.read", { person: await ctx.loaders.person.load(e.volunteerId), stationId: e.stationId }) }),
  fields: (t) => ({
    amount: t.exposeInt("amount"),
    reason: t.field({ type: PointsReason, resolve: (e) => e.reason }),
    note: t.exposeString("note"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    reverses: t.relation("reverses", { nullable: true }),
    reversedBy: t.relation("reversedBy", { nullable: true }),
    viewerCanReverse: t.boolean({
      select: { reversedBy: { select: { id: true } } },
      resolve: (e, _a, ctx) => !e.reversedBy && e.reason !== "REVERSAL" && e.reason !== "REDEMPTION" && can(ctx.viewer, "points.reverse", { stationId: e.stationId, volunteerId: e.volunteerId }),
    }),
  }),
});

const PointsAccount = builder.objectRef<{ volunteerId: string; stationId: string }>("PointsAccount").implement({
  description: "积分: balance and ledger of a volunteer at one station (points earned there are spent there)",
  fields: (t) => ({
    balance: t.int({ description: "Always the sum of the station's ledger", resolve: (a, _x, ctx) => ctx.loaders.pointsBalance.load(`${a.volunteerId}:${a.stationId}`) }),
    viewerCanAdjust: t.boolean({
      description: "The viewer may add or deduct points here (adjustPoints)",
      resolve: async (a, _x, ctx) => can(ctx.viewer, "points.adjust", { person: await ctx.loaders.person.load(a.volunteerId), stationId: a.stationId }),
    }),
    station: t.prismaField({ type: "Station", resolve: (q, a) => prisma.station.findUniqueOrThrow({ ...q, where: { id: a.stationId } }) }),
    entries: t.prismaConnection({
      type: "PointsEntry",
      cursor: "id",
      description: "Newest first",
      resolve: async (query, a) => {
        await assertCursorInList(query, (id) => prisma.pointsEntry.count({ where: { id, volunteerId: a.volunteerId, stationId: a.stationId } }));
        return rowsAfterCursor(query, (q) => prisma.pointsEntry.findMany({ ...q, where: { volunteerId: a.volunteerId, stationId: a.stationId }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }));
      },
    }),
  }),
});

type CertificateShape = Awaited<ReturnType<typeof hoursCertificate>>;
const CertificateShift = builder.objectRef<CertificateShape["shifts"][number]>("CertificateShift").implement({
  fields: (t) => ({
    date: t.field({ type: "DateTime", resolve: (s) => s.date }),
    teamName: t.exposeString("teamName"),
    title: t.exposeString("title"),
    minutes: t.exposeInt("minutes"),
  }),
});
const CertificateCommendation = builder.objectRef<CertificateShape["commendations"][number]>("CertificateCommendation").implement({
  fields: (t) => ({ date: t.field({ type: "DateTime", resolve: (s) => s.date }), title: t.exposeString("title") }),
});
const HoursCertificate = builder.objectRef<CertificateShape>("HoursCertificate").implement({
  description: "志愿服务时长证明 issued by one station",
  fields: (t) => ({
    stationName: t.exposeString("stationName"),
    volunteerName: t.exposeString("volunteerName", { description: "Legal name (the certificate is for the person and their officers)", extensions: personalData("certificate.read") }),
    displayName: t.exposeString("displayName"),
    from: t.field({ type: "DateTime", resolve: (c) => c.from }),
    to: t.field({ type: "DateTime", resolve: (c) => c.to }),
    totalMinutes: t.exposeInt("totalMinutes"),
    shiftCount: t.exposeInt("shiftCount"),
    commendationCount: t.exposeInt("commendationCount"),
    shifts: t.field({ type: [CertificateShift], resolve: (c) => c.shifts }),
    commendations: t.field({ type: [CertificateCommendation], resolve: (c) => c.commendations }),
    csv: t.string({
      description: "UTF-8 CSV (with BOM, opens in Excel); asking for it is an export and is recorded in the audit log",
      resolve: async (c, _a, ctx) => {
        const day = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
        await recordAudit(prisma, {
          actor: ctx.viewer,
          stationId: c.stationId,
          action: "export.hoursCertificate",
          targetType: "Volunteer",
          targetId: c.volunteerId,
          summary: msg(`${day(c.from)} 至 ${day(c.to)}：服务 ${c.shiftCount} 次，${c.totalMinutes} 分钟`, `${day(c.from)} to ${day(c.to)}: ${c.shiftCount} services, ${c.totalMinutes} minutes`),
          clientAddress: ctx.clientAddress,
        });
        return c.csv;
      },
    }),
  }),
});

builder.prismaObjectFields("Volunteer", (t) => ({
  points: t.field({
    type: PointsAccount,
    nullable: true,
    description: "Points at one station: the person, their leaders there and the station's officers; null for anyone else",
    args: { stationId: t.arg.id({ required: true }) },
    resolve: async (v, args, ctx) => {
      const stationId = idArg(String(args.stationId), "Station", "stationId");
      const person = await ctx.loaders.person.load(v.id);
      if (!can(ctx.viewer, "points.read", { person, stationId })) return null;
      // The person reads theirs at any station they name (one they left too): one that does not exist has none.
      const exists = person.stationIds.includes(stationId) || (await prisma.station.count({ where: { id: stationId } })) > 0;
      return exists ? { volunteerId: v.id, stationId } : null;
    },
  }),
  hoursCertificate: t.field({
    type: HoursCertificate,
    nullable: true,
    description: "志愿服务时长证明 of one station, for the volunteer and the station's officers; null for anyone else",
    args: { stationId: t.arg.id({ required: true }), from: t.arg({ type: "DateTime", required: true }), to: t.arg({ type: "DateTime", required: true }) },
    resolve: async (v, args, ctx) => {
      const stationId = idArg(String(args.stationId), "Station", "stationId");
      const person = await ctx.loaders.person.load(v.id);
      if (!can(ctx.viewer, "certificate.read", { person, stationId }) || !person.stationIds.includes(stationId)) return null;
      const from = dateArg(args.from, "from");
      const to = dateArg(args.to, "to");
      // A certificate for a reversed period would read as a real one of 0 hours.
      if (to <= from) throw new GraphQLError(msg("结束时间须晚于开始时间", "`to` must be after `from`"), { extensions: { code: "BAD_USER_INPUT", argument: "to" } });
      return hoursCertificate(v.id, stationId, from, to);
    },
  }),
  // A person's privacy choices are theirs, their leaders' and their station's officers' to read, like their phone.
  publicRanking: t.boolean({
    nullable: true,
    select: { publicRanking: true },
    description: "Shown on public leaderboards (null for those who may not see the person's settings)",
    resolve: async (v, _a, ctx) => (can(ctx.viewer, "volunteer.readPersonal", await ctx.loaders.person.load(v.id)) ? v.publicRanking : null),
  }),
  showLegalNameOnBoard: t.boolean({
    nullable: true,
    select: { showLegalNameOnBoard: true },
    description: "Consent to show the legal name on the board (null for those who may not see the person's settings)",
    resolve: async (v, _a, ctx) => (can(ctx.viewer, "volunteer.readPersonal", await ctx.loaders.person.load(v.id)) ? v.showLegalNameOnBoard : null),
  }),
  sharePhoneWithTeam: t.boolean({
    nullable: true,
    select: { sharePhoneWithTeam: true },
    description: "A leader's consent to show their phone to their teams' members on the shifts they lead (null for those who may not see the person's settings)",
    resolve: async (v, _a, ctx) => (can(ctx.viewer, "volunteer.readPersonal", await ctx.loaders.person.load(v.id)) ? v.sharePhoneWithTeam : null),
  }),
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
  authScopes: (r) => ({ policy: check("reward.read", { stationId: r.stationId }) }),
  fields: (t) => ({
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    cost: t.exposeInt("cost"),
    stock: t.exposeInt("stock"),
    active: t.exposeBoolean("active"),
    viewerCanRedeem: t.boolean({
      resolve: async (r, _a, ctx) =>
        !!ctx.viewer?.volunteerId &&
        can(ctx.viewer, "reward.redeem", { stationId: r.stationId }) &&
        r.active &&
        r.stock > 0 &&
        (await ctx.loaders.pointsBalance.load(`${ctx.viewer.volunteerId}:${r.stationId}`)) >= r.cost,
    }),
  }),
});

export const Redemption = builder.prismaNode("Redemption", {
  id: { field: "id" },
  description: "兑换: a reward taken with points",
  include: { reward: { select: { stationId: true } } },
  authScopes: async (r, ctx) => ({ policy: check("redemption.read", { person: await ctx.loaders.person.load(r.volunteerId), stationId: r.reward.stationId }) }),
  fields: (t) => ({
    reward: t.relation("reward"),
    volunteer: t.relation("volunteer"),
    cost: t.exposeInt("cost"),
    status: t.field({ type: RedemptionStatus, resolve: (r) => r.status }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    handedOutAt: t.expose("handedOutAt", { type: "DateTime", nullable: true }),
    viewerCanHandOut: t.boolean({ resolve: (r, _a, ctx) => r.status === "PENDING" && can(ctx.viewer, "redemption.handOut", { stationId: r.reward.stationId, volunteerId: r.volunteerId }) }),
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
    authScopes: (s) => ({ policy: check("redemption.handOut", { stationId: s.id }) }),
    resolve: async (query, s, args) => {
      await assertCursorInList(query, (id) => prisma.redemption.count({ where: { id, reward: { stationId: s.id } } }));
      return rowsAfterCursor(query, (q) => prisma.redemption.findMany({ ...q, where: { reward: { stationId: s.id }, status: args.status ?? undefined }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }));
    },
  }),
}));

builder.objectField(Viewer, "myRedemptions", (t) =>
  t.prismaConnection({
    type: "Redemption",
    cursor: "id",
    resolve: async (query, v) => {
      const own = { volunteerId: v.volunteerId ?? "00000000-0000-0000-0000-000000000000" };
      await assertCursorInList(query, (id) => prisma.redemption.count({ where: { id, ...own } }));
      return rowsAfterCursor(query, (q) => prisma.redemption.findMany({ ...q, where: own, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }));
    },
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
    authScopes: (_r, args) => ({ policy: check("station.read", { stationId: idArg(String(args.stationId), "Station", "stationId") }) }),
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
