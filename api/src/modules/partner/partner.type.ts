import { can, check, visibleStationFilter } from "../../auth/policy.js";
import { builder } from "../../builder.js";
import { personalData } from "../../graphql/personal-data.js";
import { maskName, maskPhone } from "../volunteer/mask.js";
import { E } from "../../lib/enums.js";

export const PartnerKind = builder.enumType(E.PartnerKind, {
  name: "PartnerKind",
  description: "共建单位类型",
});

builder.prismaNode("Partner", {
  id: { field: "id" },
  description: "共建单位: an organization that co-builds safety with a station",
  authScopes: (p) => ({ policy: check("partner.read", { stationId: p.stationId, partnerId: p.id }) }),
  runScopesOnType: true, // once per partner, not around each field (issue 20)
  fields: (t) => ({
    name: t.exposeString("name"),
    kind: t.field({ type: PartnerKind, resolve: (p) => p.kind }),
    contactName: t.string({
      description: "联络人; masked unless the viewer is an officer of the station or acts for the partner",
      extensions: personalData("partner.readPrivate"),
      resolve: (p, _a, ctx) => (can(ctx.viewer, "partner.readPrivate", { stationId: p.stationId, partnerId: p.id }) ? p.contactName : maskName(p.contactName)),
    }),
    contactPhone: t.string({
      extensions: personalData("partner.readPrivate"),
      resolve: (p, _a, ctx) => (can(ctx.viewer, "partner.readPrivate", { stationId: p.stationId, partnerId: p.id }) ? p.contactPhone : maskPhone(p.contactPhone)),
    }),
    station: t.relation("station"),
    viewerIsAdmin: t.boolean({
      description: "The viewer acts for this partner",
      resolve: (p, _a, ctx) => can(ctx.viewer, "agreement.actForPartner", { stationId: p.stationId, partnerId: p.id }),
    }),
    volunteers: t.relatedConnection("volunteers", {
      cursor: "id",
      nullable: true,
      description: "The partner's volunteers (officers of the station and the partner's admins)",
      authScopes: (p) => ({ policy: check("partner.readPrivate", { stationId: p.stationId, partnerId: p.id }) }),
      // Its people at the stations the viewer sees (the partner's station, for its officers and admins).
      query: (_a, ctx) => ({ where: { teams: { some: { team: { stationId: visibleStationFilter(ctx.viewer) } } } }, orderBy: { id: "asc" } }),
      totalCount: true,
    }),
  }),
});
