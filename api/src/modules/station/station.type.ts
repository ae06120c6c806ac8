import { builder } from "../../builder.js";
import { can, check, visibleStationIds } from "../../auth/policy.js";
import { prisma } from "../../db.js";

export const Station = builder.prismaNode("Station", {
  id: { field: "id" },
  description: "派出所: a police station, the boundary of almost all data",
  authScopes: (station) => ({ policy: check("station.read", { stationId: station.id }) }),
  fields: (t) => ({
    name: t.exposeString("name"),
    city: t.exposeString("city"),
    district: t.exposeString("district"),
    address: t.exposeString("address"),
    dutyPhone: t.exposeString("dutyPhone", { description: "值班电话: the station's own phone (not personal data)" }),
    checkInRadiusMeters: t.exposeInt("checkInRadiusMeters", { description: "GPS check-ins farther from the grid are flagged" }),
    reminderHoursBefore: t.exposeInt("reminderHoursBefore", { description: "Shift reminders go out this many hours before the start (0: none)" }),
    smsDailyBudget: t.exposeInt("smsDailyBudget", { description: "SMS per day at most (Asia/Shanghai day)" }),
    leadersMayMobilize: t.exposeBoolean("leadersMayMobilize", { description: "Team and squad leaders may start call-ups" }),
    communities: t.relatedConnection("communities", { cursor: "id", query: { orderBy: { name: "asc" } } }),
    grids: t.relatedConnection("grids", { cursor: "id", query: { orderBy: { name: "asc" } } }),
    teams: t.relatedConnection("teams", { cursor: "id", query: { orderBy: { id: "asc" } }, totalCount: true }),
    partners: t.relatedConnection("partners", { cursor: "id", query: { orderBy: { id: "asc" } }, totalCount: true }),
    viewerIsOfficer: t.boolean({ resolve: (s, _a, ctx) => can(ctx.viewer, "station.manage", { stationId: s.id }) }),
    viewerCanCreateTeam: t.boolean({ resolve: (s, _a, ctx) => can(ctx.viewer, "team.create", { stationId: s.id }) }),
    viewerCanRegisterVolunteer: t.boolean({ resolve: (s, _a, ctx) => can(ctx.viewer, "volunteer.register", { stationId: s.id }) }),
  }),
});

builder.prismaNode("Community", {
  id: { field: "id" },
  description: "社区: a community inside a station's area",
  authScopes: (c) => ({ policy: check("station.read", { stationId: c.stationId }) }),
  fields: (t) => ({
    name: t.exposeString("name"),
    station: t.relation("station"),
    grids: t.relatedConnection("grids", { cursor: "id", query: { orderBy: { name: "asc" } } }),
  }),
});

builder.prismaNode("Grid", {
  id: { field: "id" },
  description: "网格: a patrol area of a community",
  authScopes: (g) => ({ policy: check("station.read", { stationId: g.stationId }) }),
  fields: (t) => ({
    name: t.exposeString("name"),
    latitude: t.exposeFloat("latitude", { nullable: true }),
    longitude: t.exposeFloat("longitude", { nullable: true }),
    patrolPlan: t.exposeString("patrolPlan", { description: "巡防方案" }),
    community: t.relation("community"),
    station: t.relation("station"),
  }),
});

builder.queryField("stations", (t) =>
  t.prismaConnection({
    type: "Station",
    cursor: "id",
    description: "Stations the viewer works with (all for an admin)",
    nullable: true,
    authScopes: { signedIn: true },
    resolve: (query, _root, _args, ctx) =>
      ctx.viewer!.isAdmin
        ? prisma.station.findMany({ ...query, orderBy: { id: "asc" } })
        : prisma.station.findMany({ ...query, where: { id: { in: visibleStationIds(ctx.viewer!) } }, orderBy: { id: "asc" } }),
  }),
);
