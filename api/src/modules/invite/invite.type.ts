import QRCode from "qrcode";
import { builder } from "../../builder.js";
import { can, check, ledTeamIds } from "../../auth/policy.js";
import { config } from "../../config.js";
import { prisma } from "../../db.js";
import { assertCursorInList, keyset, keysetPage, rowsAfterCursor } from "../../graphql/list-cursor.js";
import { Viewer } from "../account/account.type.js";
import { MembershipStatus } from "../team/team.type.js";
import { idArg, textArg } from "../../graphql/ids.js";
import { inviteState } from "./invite.service.js";

export const InviteState = builder.enumType("InviteState", {
  values: { OPEN: { description: "可用" }, EXPIRED: { description: "已过期" }, USED_UP: { description: "名额已满" }, REVOKED: { description: "已停用" } } as const,
});

const ORIGIN = /^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/;
/** PUBLIC_URL when set, else the origin the officer's browser uses (checked), else this server. */
const linkOf = (code: string, origin: string | null | undefined) =>
  `${config.publicUrl ?? (origin && ORIGIN.test(origin) ? origin : `http://localhost:${config.port}`)}/join/${code}`;

export const TeamInviteRef = builder.prismaNode("TeamInvite", {
  id: { field: "id" },
  description: "邀请: a link and QR code to ask to join a team (approved by its leaders or the station's officers)",
  authScopes: (i) => ({ policy: check("invite.manage", { stationId: i.stationId, teamId: i.teamId }) }),
  fields: (t) => ({
    code: t.exposeString("code"),
    path: t.string({ description: "The public join page, /join/<code>", resolve: (i) => `/join/${i.code}` }),
    link: t.string({
      args: { origin: t.arg.string({ description: "The web app's origin as the browser sees it (PUBLIC_URL wins when set)" }) },
      resolve: (i, args) => linkOf(i.code, args.origin),
    }),
    qrSvg: t.string({
      description: "QR code of the link, as SVG, for a poster or a WeChat group",
      args: { origin: t.arg.string() },
      resolve: (i, args) => QRCode.toString(linkOf(i.code, args.origin), { type: "svg", errorCorrectionLevel: "M", margin: 2 }),
    }),
    state: t.field({ type: InviteState, resolve: (i) => inviteState(i) }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    maxUses: t.exposeInt("maxUses"),
    uses: t.exposeInt("uses"),
    revokedAt: t.expose("revokedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    team: t.relation("team"),
    squad: t.relation("squad", { nullable: true }),
    pendingCount: t.relationCount("memberships", { where: { status: "PENDING" } }),
  }),
});

builder.prismaObjectField("Station", "invites", (t) =>
  t.prismaConnection({
    type: "TeamInvite",
    description: "Invitations, newest first: all of the station's for its officers, their teams' for leaders",
    cursor: "id",
    nullable: true,
    args: { teamId: t.arg.id() },
    authScopes: (s, _a, ctx) => can(ctx.viewer, "station.manage", { stationId: s.id }) || ledTeamIds(ctx.viewer, s.id).length > 0,
    resolve: async (query, s, args, ctx) => {
      const teamId = args.teamId ? idArg(String(args.teamId), "Team", "teamId") : null;
      const teams = can(ctx.viewer, "station.manage", { stationId: s.id }) ? null : ledTeamIds(ctx.viewer, s.id);
      const allowed = teams ? (teamId ? teams.filter((l) => l === teamId) : teams) : teamId ? [teamId] : null;
      await assertCursorInList(query, (id) => prisma.teamInvite.count({ where: { id, stationId: s.id, ...(teams ? { teamId: { in: teams } } : {}) } }));
      return rowsAfterCursor(query, (q) => prisma.teamInvite.findMany({
        ...q,
        where: { stationId: s.id, ...(allowed ? { teamId: { in: allowed } } : {}) },
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }));
    },
  }),
);

/** What anyone with the link sees before joining. */
interface PublicInviteShape {
  stationName: string;
  teamName: string;
  squadName: string | null;
  expiresAt: Date;
  state: "OPEN" | "EXPIRED" | "USED_UP" | "REVOKED";
  teamId: string;
}

const PublicInvite = builder.objectRef<PublicInviteShape>("PublicTeamInvite").implement({
  description: "邀请 as its link shows it to anyone (no personal data)",
  fields: (t) => ({
    stationName: t.exposeString("stationName"),
    teamName: t.exposeString("teamName"),
    squadName: t.exposeString("squadName", { nullable: true }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    state: t.field({ type: InviteState, resolve: (i) => i.state }),
    viewerStatus: t.field({
      type: MembershipStatus,
      nullable: true,
      description: "The signed-in viewer's standing in the team, if any (to say “already applied”)",
      resolve: async (i, _a, ctx) => {
        if (!ctx.viewer?.volunteerId) return null;
        const m = await prisma.teamMembership.findUnique({ where: { teamId_volunteerId: { teamId: i.teamId, volunteerId: ctx.viewer.volunteerId } }, select: { status: true } });
        return m?.status ?? null;
      },
    }),
  }),
});

builder.queryField("teamInvite", (t) =>
  t.field({
    type: PublicInvite,
    nullable: true,
    description: "The invitation behind a join link (public); null for an unknown code",
    authScopes: { public: true },
    args: { code: t.arg.string({ required: true }) },
    resolve: async (_r, args) => {
      if (textArg(args.code, "code").length > 40) return null;
      const i = await prisma.teamInvite.findUnique({
        where: { code: args.code.toUpperCase() },
        include: { team: { select: { name: true } }, squad: { select: { name: true } }, station: { select: { name: true } } },
      });
      return i ? { stationName: i.station.name, teamName: i.team.name, squadName: i.squad?.name ?? null, expiresAt: i.expiresAt, state: inviteState(i), teamId: i.teamId } : null;
    },
  }),
);

/** By when each was asked for (again, after leaving, too), then id. */
const PENDING = keyset("status_appliedAt_id", ["status"], [{ field: "appliedAt", type: "date" }, { field: "id", type: "uuid" }]);

builder.prismaObjectField("Station", "pendingMemberships", (t) =>
  t.prismaConnection({
    type: "TeamMembership",
    cursor: PENDING.cursor,
    extensions: PENDING.extensions,
    nullable: true,
    description: "入队申请 waiting for a decision, oldest first (by when each was last asked for): the station's for officers, their teams' for leaders",
    authScopes: (s, _a, ctx) => can(ctx.viewer, "station.manage", { stationId: s.id }) || ledTeamIds(ctx.viewer, s.id).length > 0,
    totalCount: (s, _a, ctx) => prisma.teamMembership.count({ where: pendingWhere(s.id, ctx.viewer) }),
    resolve: (query, s, _a, ctx) => {
      // Keyset: deciding the last one shown (approval, or a rejection that deletes the row) leaves the next
      // page where it was, and nothing is looked up (a lookup told whoever held an application's id
      // whether it still exists).
      const page = keysetPage(query, PENDING, { status: "PENDING" });
      return prisma.teamMembership.findMany({ ...page.query, where: page.where(pendingWhere(s.id, ctx.viewer)), orderBy: PENDING.orderBy });
    },
  }),
);

function pendingWhere(stationId: string, viewer: Parameters<typeof ledTeamIds>[0]) {
  const teams = can(viewer, "station.manage", { stationId }) ? undefined : { in: ledTeamIds(viewer, stationId) };
  return { status: "PENDING" as const, team: { stationId }, ...(teams ? { teamId: teams } : {}) };
}

builder.prismaObjectFields("TeamMembership", (t) => ({
  teamName: t.string({ description: "Shown to the person even before they may see the team", resolve: async (m, _a, ctx) => (await ctx.loaders.teamNames.load(m.teamId))?.team ?? "" }),
  stationName: t.string({ resolve: async (m, _a, ctx) => (await ctx.loaders.teamNames.load(m.teamId))?.station ?? "" }),
}));

builder.objectField(Viewer, "memberships", (t) =>
  t.prismaField({
    type: ["TeamMembership"],
    description: "The viewer's own memberships of every standing (pending applications included), newest first",
    resolve: (query, v) =>
      v.volunteerId ? prisma.teamMembership.findMany({ ...query, where: { volunteerId: v.volunteerId, status: { not: "LEFT" } }, orderBy: { joinedAt: "desc" }, take: 50 }) : [],
  }),
);
