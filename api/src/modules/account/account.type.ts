import { builder } from "../../builder.js";
import type { Viewer as ViewerShape } from "../../auth/viewer.js";
import { prisma } from "../../db.js";
import { can, visibleStationIds } from "../../auth/policy.js";
import { clock } from "../../clock.js";
import { OFFER_INCLUDE, RoleOffer } from "../role/role.type.js";
import { exportMyData } from "./account.service.js";

export const Role = builder.enumType("Role", {
  values: {
    VOLUNTEER: { description: "义警" },
    REGION_ADMIN: { description: "区域管理员" },
    LEADER: { description: "队长 / 小队长" },
    OFFICER: { description: "社区民警" },
    PARTNER_ADMIN: { description: "共建单位联络人" },
    ADMIN: { description: "平台管理员" },
  } as const,
});

export const AccountState = builder.enumType("AccountState", {
  description: "A volunteer's account as an officer sees it",
  values: {
    ACTIVE: { description: "正常" },
    NOT_ACTIVATED: { description: "待激活 (no password set yet)" },
    DISABLED: { description: "已停用" },
    NONE: { description: "无账号" },
  } as const,
});

type RoleName = "VOLUNTEER" | "LEADER" | "OFFICER" | "PARTNER_ADMIN" | "ADMIN" | "REGION_ADMIN";

interface RoleGrantShape {
  role: RoleName;
  regionId?: string | null;
  stationId: string | null;
  teamId: string | null;
  squadId: string | null;
  partnerId: string | null;
}

const RoleGrant = builder.objectRef<RoleGrantShape>("RoleGrant").implement({
  description: "One role of the viewer and where it applies",
  fields: (t) => ({
    role: t.field({ type: Role, resolve: (g) => g.role }),
    region: t.prismaField({
      type: "Region",
      nullable: true,
      resolve: (query, g) => (g.regionId ? prisma.region.findUnique({ ...query, where: { id: g.regionId } }) : null),
    }),
    station: t.prismaField({
      type: "Station",
      nullable: true,
      resolve: (query, g) => (g.stationId ? prisma.station.findUnique({ ...query, where: { id: g.stationId } }) : null),
    }),
    team: t.prismaField({
      type: "Team",
      nullable: true,
      resolve: (query, g) => (g.teamId ? prisma.team.findUnique({ ...query, where: { id: g.teamId } }) : null),
    }),
    squad: t.prismaField({
      type: "Squad",
      nullable: true,
      resolve: (query, g) => (g.squadId ? prisma.squad.findUnique({ ...query, where: { id: g.squadId } }) : null),
    }),
    partner: t.prismaField({
      type: "Partner",
      nullable: true,
      resolve: (query, g) => (g.partnerId ? prisma.partner.findUnique({ ...query, where: { id: g.partnerId } }) : null),
    }),
  }),
});

function grants(v: ViewerShape): RoleGrantShape[] {
  const none = { stationId: null, teamId: null, squadId: null, partnerId: null };
  const out: RoleGrantShape[] = [];
  if (v.isAdmin) out.push({ role: "ADMIN", ...none });
  for (const regionId of v.regionAdminOf) out.push({ role: "REGION_ADMIN", ...none, regionId });
  for (const stationId of v.officerStationIds) out.push({ role: "OFFICER", ...none, stationId });
  for (const [partnerId, stationId] of v.partnerAdminOf) out.push({ role: "PARTNER_ADMIN", ...none, stationId, partnerId });
  for (const [teamId, t] of v.teams) if (t.role === "LEADER") out.push({ role: "LEADER", ...none, stationId: t.stationId, teamId });
  for (const [squadId, s] of v.squads) {
    if (s.role === "LEADER") out.push({ role: "LEADER", ...none, stationId: v.teams.get(s.teamId)?.stationId ?? null, teamId: s.teamId, squadId });
  }
  if (v.volunteerId) out.push({ role: "VOLUNTEER", ...none });
  return out;
}

export const Viewer = builder.objectRef<ViewerShape>("Viewer").implement({
  description: "The signed-in account",
  fields: (t) => ({
    accountId: t.exposeID("accountId"),
    phone: t.exposeString("phone", { description: "The viewer's own phone, unmasked" }),
    displayName: t.exposeString("displayName"),
    roles: t.field({ type: [RoleGrant], resolve: grants }),
    roleNames: t.field({
      type: [Role],
      description: "Distinct role names, for showing and hiding parts of the app",
      resolve: (v) => [...new Set(grants(v).map((g) => g.role))],
    }),
    volunteer: t.prismaField({
      type: "Volunteer",
      nullable: true,
      resolve: (query, v) => (v.volunteerId ? prisma.volunteer.findUnique({ ...query, where: { id: v.volunteerId } }) : null),
    }),
    pendingEnrollments: t.prismaField({
      type: ["Enrollment"],
      description: "Stations' registrations of the viewer's phone, waiting for the viewer to accept or decline",
      resolve: (query, v) =>
        prisma.enrollment.findMany({ ...query, where: { phone: v.phone, status: "PENDING", expiresAt: { gt: clock.now() } }, orderBy: { createdAt: "desc" }, take: 20 }),
    }),
    dataExport: t.string({
      description: "下载我的数据 (个人信息查阅、复制): everything Linshe holds about the viewer, as one JSON document (ask for it only when downloading)",
      resolve: (v) => exportMyData(v),
    }),
    pendingRoleOffers: t.field({
      type: [RoleOffer],
      description: "Roles granted to the viewer's account that wait for the code the grantor handed over",
      resolve: (v) =>
        prisma.roleOffer.findMany({
          where: { accountId: v.accountId, expiresAt: { gt: clock.now() } },
          include: OFFER_INCLUDE,
          orderBy: { createdAt: "desc" },
          take: 20,
        }),
    }),
    stations: t.prismaField({
      type: ["Station"],
      description: "Stations the viewer works with (few: use Query.stations to page all as an admin)",
      resolve: (query, v) =>
        prisma.station.findMany({
          ...query,
          where: v.isAdmin ? {} : { id: { in: visibleStationIds(v) } },
          orderBy: { name: "asc" },
        }),
    }),
  }),
});

builder.queryField("viewer", (t) =>
  t.field({
    type: Viewer,
    nullable: true,
    description: "The signed-in account, or null without a valid token",
    authScopes: { public: true },
    resolve: (_root, _args, ctx) => ctx.viewer,
  }),
);

// An officer's account tools on a volunteer's page: what they may do, and the account's state for
// those who may (others see null).
builder.prismaObjectFields("Volunteer", (t) => ({
  viewerCanManageAccount: t.boolean({
    description: "The viewer may reset the person's password and disable or enable their account",
    resolve: async (v, _a, ctx) => can(ctx.viewer, "account.manage", await ctx.loaders.person.load(v.id)),
  }),
  accountState: t.field({
    type: AccountState,
    nullable: true,
    description: "The person's account, for those who may manage it; null for anyone else",
    select: { account: { select: { disabled: true, passwordSet: true } } },
    resolve: async (v, _a, ctx) => {
      if (!can(ctx.viewer, "account.manage", await ctx.loaders.person.load(v.id))) return null;
      if (!v.account) return "NONE";
      return v.account.disabled ? "DISABLED" : v.account.passwordSet ? "ACTIVE" : "NOT_ACTIVATED";
    },
  }),
}));
