import { builder } from "../../builder.js";

export const PartnerKind = builder.enumType("PartnerKind", {
  description: "共建单位类型",
  values: ["ENTERPRISE", "PROPERTY_MANAGEMENT", "SCHOOL", "HOSPITAL", "LAW_FIRM", "SOCIAL_ORGANIZATION", "GOVERNMENT", "OTHER"] as const,
});

builder.prismaNode("Partner", {
  id: { field: "id" },
  description: "共建单位: an organization that co-builds safety with a station",
  authScopes: (p) => ({ seeStation: p.stationId }),
  fields: (t) => ({
    name: t.exposeString("name"),
    kind: t.field({ type: PartnerKind, resolve: (p) => p.kind }),
    contactName: t.exposeString("contactName"),
    contactPhone: t.exposeString("contactPhone"),
    station: t.relation("station"),
    viewerIsAdmin: t.boolean({ description: "The viewer acts for this partner", resolve: (p, _a, ctx) => !!ctx.viewer?.partnerAdminOf.has(p.id) }),
    volunteers: t.relatedConnection("volunteers", { cursor: "id", query: { orderBy: { id: "asc" } }, totalCount: true }),
  }),
});
