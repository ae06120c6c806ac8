import { builder } from "../../builder.js";
import { can, check } from "../../auth/policy.js";
import { prisma } from "../../db.js";
import { assertCursorInList, rowsAfterCursor } from "../../graphql/list-cursor.js";

export const Region = builder.prismaNode("Region", {
  id: { field: "id" },
  description: "区域: a county or city public-security bureau (e.g. 诸暨市公安局) above its stations",
  authScopes: (r) => ({ policy: check("region.read", { regionId: r.id }) }),
  fields: (t) => ({
    name: t.exposeString("name"),
    city: t.exposeString("city"),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    stations: t.relatedConnection("stations", { cursor: "id", query: { orderBy: { name: "asc" } }, totalCount: true }),
    viewerCanCreateStation: t.boolean({ resolve: (r, _a, ctx) => can(ctx.viewer, "station.create", { regionId: r.id }) }),
    viewerCanGrantAdmin: t.boolean({ resolve: (r, _a, ctx) => can(ctx.viewer, "role.grant", { role: "REGION_ADMIN", regionId: r.id }) }),
  }),
});

builder.queryField("regions", (t) =>
  t.prismaConnection({
    type: "Region",
    cursor: "id",
    nullable: true,
    description: "Regions the viewer administers (all for a platform admin)",
    authScopes: { signedIn: true },
    totalCount: (_p, _a, ctx) => prisma.region.count({ where: ctx.viewer!.isAdmin ? {} : { id: { in: [...ctx.viewer!.regionAdminOf] } } }),
    resolve: async (query, _root, _args, ctx) => {
      await assertCursorInList(query, (id) => ctx.viewer!.isAdmin || ctx.viewer!.regionAdminOf.has(id));
      return rowsAfterCursor(query, (q) => prisma.region.findMany({ ...q, where: ctx.viewer!.isAdmin ? {} : { id: { in: [...ctx.viewer!.regionAdminOf] } }, orderBy: { id: "asc" } }));
    },
  }),
);

builder.queryField("viewerCanCreateRegion", (t) =>
  t.boolean({ authScopes: { public: true }, description: "Platform admins create regions", resolve: (_r, _a, ctx) => can(ctx.viewer, "region.create", null) }),
);
