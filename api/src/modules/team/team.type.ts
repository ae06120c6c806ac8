import { builder } from "../../builder.js";
import { can, check } from "../../auth/policy.js";
import { prisma } from "../../db.js";
import { MemberRole, Specialty } from "../volunteer/volunteer.type.js";
import { E } from "../../lib/enums.js";

export const MembershipStatus = builder.enumType(E.MembershipStatus, {
  name: "MembershipStatus",
  description: "A volunteer's standing in a team; only ACTIVE grants anything",
  values: {
    ACTIVE: { description: "在队" },
    PENDING: { description: "待审核: joined by invitation, waiting for a leader or officer" },
    SUSPENDED: { description: "暂停" },
    LEFT: { description: "已退出" },
  } as const,
});

export const Team = builder.prismaNode("Team", {
  id: { field: "id" },
  description: "义警队伍: a station's volunteer team",
  authScopes: (team) => ({ policy: check("team.read", { stationId: team.stationId, teamId: team.id }) }),
  runScopesOnType: true, // once per team, not around each field (issue 20)
  fields: (t) => ({
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    station: t.relation("station"),
    squads: t.relatedConnection("squads", { cursor: "id", query: { orderBy: { id: "asc" } }, totalCount: true }),
    members: t.relatedConnection("members", {
      description: "Members in good standing (ACTIVE); the station's member list has the others",
      cursor: "id",
      query: { where: { status: "ACTIVE" }, orderBy: { id: "asc" } },
      totalCount: true,
    }),
    viewerCanManage: t.boolean({
      description: "Officers of the station and leaders of the team edit it and its members",
      resolve: (team, _a, ctx) => can(ctx.viewer, "team.update", { stationId: team.stationId, teamId: team.id }),
    }),
  }),
});

export const Squad = builder.prismaNode("Squad", {
  id: { field: "id" },
  description: "特色小队: a specialty squad inside a team",
  authScopes: (squad, ctx) => {
    // The shift board's page reads the squad's station with it (shift/board-page.ts): no promise then.
    const read = (squad as { stationId?: string }).stationId;
    if (read) return { policy: check("team.read", { stationId: read, teamId: squad.teamId }) };
    return ctx.loaders.teamStation.load(squad.teamId).then((stationId) => (stationId ? { policy: check("team.read", { stationId, teamId: squad.teamId }) } : false));
  },
  runScopesOnType: true, // once per squad, not around each field (issue 20)
  fields: (t) => ({
    name: t.exposeString("name"),
    specialty: t.field({ type: Specialty, resolve: (s) => s.specialty }),
    description: t.exposeString("description"),
    team: t.relation("team"),
    members: t.relatedConnection("members", {
      description: "Members whose membership of the squad's team is ACTIVE",
      cursor: "id",
      query: { where: { active: true }, orderBy: { id: "asc" } },
      totalCount: true,
    }),
    viewerCanManage: t.boolean({
      resolve: async (squad, _a, ctx) => {
        const stationId = await ctx.loaders.teamStation.load(squad.teamId);
        return !!stationId && can(ctx.viewer, "squad.update", { stationId, teamId: squad.teamId, squadId: squad.id });
      },
    }),
  }),
});

builder.prismaNode("TeamMembership", {
  id: { field: "id" },
  description: "A volunteer's membership of a team",
  authScopes: async (m, ctx) => {
    const stationId = await ctx.loaders.teamStation.load(m.teamId);
    return stationId ? { policy: check("membership.read", { stationId, teamId: m.teamId, volunteerId: m.volunteerId, status: m.status }) } : false;
  },
  fields: (t) => ({
    role: t.field({ type: MemberRole, resolve: (m) => m.role }),
    status: t.field({ type: MembershipStatus, resolve: (m) => m.status }),
    statusReason: t.exposeString("statusReason", { nullable: true, description: "Why it was suspended or ended (the person, the team's leaders, officers)" }),
    statusChangedAt: t.expose("statusChangedAt", { type: "DateTime", nullable: true }),
    viewerCanDecide: t.boolean({
      description: "A PENDING membership the viewer may approve or reject",
      resolve: async (m, _a, ctx) => {
        const stationId = await ctx.loaders.teamStation.load(m.teamId);
        return m.status === "PENDING" && !!stationId && can(ctx.viewer, "membership.approve", { stationId, teamId: m.teamId });
      },
    }),
    viewerCanRemove: t.boolean({
      description: "The viewer may take the person off the team (removeTeamMember)",
      resolve: async (m, _a, ctx) => {
        const stationId = await ctx.loaders.teamStation.load(m.teamId);
        if (!stationId) return false;
        const facts = { stationId, teamId: m.teamId, role: m.role };
        // Whether the person leads a squad matters only when the answer depends on it (a team leader asking).
        if (can(ctx.viewer, "team.removeMember", { ...facts, leadsSquad: true })) return true;
        if (!can(ctx.viewer, "team.removeMember", { ...facts, leadsSquad: false })) return false;
        return !(await prisma.squadMembership.findFirst({ where: { volunteerId: m.volunteerId, role: "LEADER", squad: { teamId: m.teamId } }, select: { id: true } }));
      },
    }),
    viewerCanSetRole: t.boolean({
      description: "The viewer may make the person a team leader or a member (addTeamMember with a role)",
      resolve: async (m, _a, ctx) => {
        const stationId = await ctx.loaders.teamStation.load(m.teamId);
        return !!stationId && can(ctx.viewer, "team.setRole", { stationId, teamId: m.teamId });
      },
    }),
    joinedAt: t.expose("joinedAt", { type: "DateTime" }),
    team: t.relation("team"),
    volunteer: t.relation("volunteer"),
  }),
});

builder.prismaNode("SquadMembership", {
  id: { field: "id" },
  description: "A volunteer's membership of a squad (always inside a membership of its team)",
  authScopes: async (m, ctx) => {
    const squad = await ctx.loaders.squadTeam.load(m.squadId);
    if (!squad) return false;
    // An inactive squad place belongs to a pending or suspended team membership.
    return { policy: check("membership.read", { stationId: squad.stationId, teamId: squad.teamId, volunteerId: m.volunteerId, status: m.active ? "ACTIVE" : "SUSPENDED" }) };
  },
  fields: (t) => ({
    role: t.field({ type: MemberRole, resolve: (m) => m.role }),
    viewerCanRemove: t.boolean({
      description: "The viewer may take the person off the squad (removeSquadMember)",
      resolve: async (m, _a, ctx) => {
        const squad = await ctx.loaders.squadTeam.load(m.squadId);
        return !!squad && can(ctx.viewer, "squad.removeMember", { stationId: squad.stationId, teamId: squad.teamId, squadId: m.squadId, role: m.role });
      },
    }),
    viewerCanSetLeader: t.boolean({
      description: "The viewer may make the person the squad's leader (setSquadLeader)",
      resolve: async (m, _a, ctx) => {
        const squad = await ctx.loaders.squadTeam.load(m.squadId);
        return !!squad && can(ctx.viewer, "squad.setLeader", { stationId: squad.stationId, teamId: squad.teamId, squadId: m.squadId });
      },
    }),
    joinedAt: t.expose("joinedAt", { type: "DateTime" }),
    squad: t.relation("squad"),
    volunteer: t.relation("volunteer"),
  }),
});
