import { builder } from "../../builder.js";
import { can, check, visibleStationIds } from "../../auth/policy.js";
import { prisma } from "../../db.js";
import { assertCursorInList, rowsAfterCursor } from "../../graphql/list-cursor.js";

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
    latitude: t.exposeFloat("latitude", { nullable: true }),
    longitude: t.exposeFloat("longitude", { nullable: true }),
    regionName: t.string({
      nullable: true,
      description: "区域: the county or city bureau the station belongs to",
      select: { region: { select: { name: true } } },
      resolve: (s) => s.region?.name ?? null,
    }),
    region: t.prismaField({
      type: "Region",
      nullable: true,
      description: "The region, for its admins (null for others)",
      resolve: (query, s, _a, ctx) =>
        s.regionId && can(ctx.viewer, "region.read", { regionId: s.regionId }) ? prisma.region.findUnique({ ...query, where: { id: s.regionId } }) : null,
    }),
    checkInRadiusMeters: t.exposeInt("checkInRadiusMeters", { description: "GPS check-ins farther from the grid are flagged" }),
    reminderHoursBefore: t.exposeInt("reminderHoursBefore", { description: "Shift reminders go out this many hours before the start (0: none)" }),
    smsDailyBudget: t.exposeInt("smsDailyBudget", { description: "SMS per day at most (Asia/Shanghai day)" }),
    leadersMayMobilize: t.exposeBoolean("leadersMayMobilize", { description: "Team and squad leaders may start call-ups" }),
    mediationRetentionDays: t.exposeInt("mediationRetentionDays", { description: "警民联调: days after a case closed until its parties' names and phones and its notes are erased" }),
    communities: t.relatedConnection("communities", { cursor: "id", query: { orderBy: { name: "asc" } } }),
    grids: t.relatedConnection("grids", { cursor: "id", query: { orderBy: { name: "asc" } } }),
    teams: t.relatedConnection("teams", { cursor: "id", query: { orderBy: { id: "asc" } }, totalCount: true }),
    partners: t.relatedConnection("partners", { cursor: "id", query: { orderBy: { id: "asc" } }, totalCount: true }),
    viewerIsOfficer: t.boolean({ resolve: (s, _a, ctx) => can(ctx.viewer, "station.manage", { stationId: s.id }) }),
    viewerCanUpdate: t.boolean({ resolve: (s, _a, ctx) => can(ctx.viewer, "station.update", { stationId: s.id }) }),
    viewerCanManageGrids: t.boolean({
      description: "May create communities and grids and edit patrol plans",
      resolve: (s, _a, ctx) => can(ctx.viewer, "grid.manage", { stationId: s.id }),
    }),
    viewerCanGrantOfficer: t.boolean({ resolve: (s, _a, ctx) => can(ctx.viewer, "role.grant", { role: "OFFICER", stationId: s.id }) }),
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
    grids: t.relatedConnection("grids", { cursor: "id", query: { orderBy: { name: "asc" } }, totalCount: true }),
  }),
});

builder.prismaNode("Grid", {
  id: { field: "id" },
  description: "网格: a patrol area of a community",
  authScopes: (g) => ({ policy: check("station.read", { stationId: g.stationId }) }),
  runScopesOnType: true, // once per grid, not around each field (issue 20)
  fields: (t) => ({
    name: t.exposeString("name"),
    latitude: t.exposeFloat("latitude", { nullable: true }),
    longitude: t.exposeFloat("longitude", { nullable: true }),
    patrolPlan: t.exposeString("patrolPlan", { description: "巡防方案" }),
    radiusMeters: t.exposeInt("radiusMeters", { nullable: true }),
    outline: t.string({ nullable: true, description: "GeoJSON Polygon (text), if drawn", resolve: (g) => (g.outline == null ? null : JSON.stringify(g.outline)) }),
    updatedAt: t.expose("updatedAt", { type: "DateTime" }),
    community: t.relation("community"),
    station: t.relation("station"),
    viewerCanManage: t.boolean({ resolve: (g, _a, ctx) => can(ctx.viewer, "grid.manage", { stationId: g.stationId }) }),
  }),
});

builder.queryField("stations", (t) =>
  t.prismaConnection({
    type: "Station",
    cursor: "id",
    description: "Stations the viewer works with (all for an admin; a region's for its admins)",
    nullable: true,
    authScopes: { signedIn: true },
    resolve: async (query, _root, _args, ctx) => {
      if (ctx.viewer!.isAdmin) return prisma.station.findMany({ ...query, orderBy: { id: "asc" } });
      const ids = visibleStationIds(ctx.viewer!);
      await assertCursorInList(query, (id) => ids.includes(id));
      return rowsAfterCursor(query, (q) => prisma.station.findMany({ ...q, where: { id: { in: ids } }, orderBy: { id: "asc" } }));
    },
  }),
);
