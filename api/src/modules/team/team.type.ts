import { builder } from "../../builder.js";
import { can } from "../../auth/viewer.js";
import { MemberRole, Specialty } from "../volunteer/volunteer.type.js";

export const Team = builder.prismaNode("Team", {
  id: { field: "id" },
  description: "义警队伍: a station's volunteer team",
  authScopes: (team) => ({ seeStation: team.stationId }),
  fields: (t) => ({
    name: t.exposeString("name"),
    description: t.exposeString("description"),
    station: t.relation("station"),
    squads: t.relatedConnection("squads", { cursor: "id", query: { orderBy: { id: "asc" } }, totalCount: true }),
    members: t.relatedConnection("members", { cursor: "id", query: { orderBy: { id: "asc" } }, totalCount: true }),
    viewerCanManage: t.boolean({
      description: "Officers of the station and leaders of the team edit it and its members",
      resolve: (team, _a, ctx) => can.manageTeam(ctx.viewer, team),
    }),
  }),
});

export const Squad = builder.prismaNode("Squad", {
  id: { field: "id" },
  description: "特色小队: a specialty squad inside a team",
  authScopes: async (squad, ctx) => {
    const stationId = await ctx.loaders.teamStation.load(squad.teamId);
    return stationId ? { seeStation: stationId } : false;
  },
  fields: (t) => ({
    name: t.exposeString("name"),
    specialty: t.field({ type: Specialty, resolve: (s) => s.specialty }),
    description: t.exposeString("description"),
    team: t.relation("team"),
    members: t.relatedConnection("members", { cursor: "id", query: { orderBy: { id: "asc" } }, totalCount: true }),
    viewerCanManage: t.boolean({
      resolve: async (squad, _a, ctx) => {
        const stationId = await ctx.loaders.teamStation.load(squad.teamId);
        return !!stationId && can.manageSquad(ctx.viewer, squad, stationId);
      },
    }),
  }),
});

builder.prismaNode("TeamMembership", {
  id: { field: "id" },
  description: "A volunteer's membership of a team",
  fields: (t) => ({
    role: t.field({ type: MemberRole, resolve: (m) => m.role }),
    joinedAt: t.expose("joinedAt", { type: "DateTime" }),
    team: t.relation("team"),
    volunteer: t.relation("volunteer"),
  }),
});

builder.prismaNode("SquadMembership", {
  id: { field: "id" },
  description: "A volunteer's membership of a squad (always inside a membership of its team)",
  fields: (t) => ({
    role: t.field({ type: MemberRole, resolve: (m) => m.role }),
    joinedAt: t.expose("joinedAt", { type: "DateTime" }),
    squad: t.relation("squad"),
    volunteer: t.relation("volunteer"),
  }),
});
