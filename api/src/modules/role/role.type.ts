import { builder } from "../../builder.js";
import { clock } from "../../clock.js";
import { prisma } from "../../db.js";
import { can, check } from "../../auth/policy.js";
import type { Context } from "../../context.js";
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { AccountRole } from "../../generated/prisma/client.js";
import { personalData } from "../../graphql/personal-data.js";
import { maskPhone } from "../volunteer/mask.js";
import { OFFER_INCLUDE, roleFacts, type RoleOfferShape } from "./role.service.js";
import { E } from "../../lib/enums.js";
import { localize, msg } from "../../i18n.js";

export const GrantedRole = builder.enumType(E.GrantedRole, {
  name: "GrantedRole",
  description: "A role granted to an account",
  values: {
    REGION_ADMIN: { description: "区域管理员: stations and officers of a region" },
    OFFICER: { description: "社区民警 of a station" },
    PARTNER_ADMIN: { description: "共建单位联络人" },
    ADMIN: { description: "平台管理员 (made with the CLI, never granted)" },
  } as const,
});

/** The role's facts, with its partner's station when it is a partner admin's. */
async function factsOf(r: AccountRole, ctx: Context) {
  const partnerStation = r.partnerId ? await ctx.loaders.partnerStation.load(r.partnerId) : null;
  return roleFacts({ ...r, partner: partnerStation ? { stationId: partnerStation } : null });
}

export const RoleAssignment = builder.prismaNode("AccountRole", {
  name: "RoleAssignment",
  id: { field: "id" },
  description: "A role granted to an account, and where it applies",
  authScopes: async (r, ctx) => {
    const facts = await factsOf(r, ctx);
    return facts ? { policy: check("role.read", { ...facts, accountId: r.accountId }) } : false;
  },
  fields: (t) => ({
    role: t.field({ type: GrantedRole, resolve: (r) => r.role }),
    displayName: t.string({
      select: { account: { select: { displayName: true, volunteer: { select: { displayName: true } } } } },
      resolve: (r) => r.account.volunteer?.displayName || r.account.displayName,
    }),
    phone: t.string({
      description: "In full for those who grant the role and the holder; masked for colleagues",
      extensions: personalData("role.grant"),
      select: { account: { select: { phone: true } } },
      resolve: async (r, _a, ctx) => {
        const facts = await factsOf(r, ctx);
        return (facts && can(ctx.viewer, "role.grant", facts)) || ctx.viewer?.accountId === r.accountId ? r.account.phone : maskPhone(r.account.phone);
      },
    }),
    activated: t.boolean({
      description: "The holder has set a password (false: waiting for activation with the code)",
      select: { account: { select: { passwordSet: true } } },
      resolve: (r) => r.account.passwordSet,
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    region: t.relation("region", { nullable: true }),
    station: t.relation("station", { nullable: true }),
    partner: t.relation("partner", { nullable: true }),
    viewerCanRevoke: t.boolean({
      resolve: async (r, _a, ctx) => {
        const facts = await factsOf(r, ctx);
        return !!facts && ctx.viewer?.accountId !== r.accountId && can(ctx.viewer, "role.grant", facts);
      },
    }),
  }),
});

builder.prismaObjectField("Station", "officers", (t) =>
  t.relatedConnection("roles", {
    description: "社区民警 of the station (its officers and its region's admins)",
    cursor: "id",
    nullable: true,
    authScopes: (s) => ({ policy: check("station.update", { stationId: s.id }) }),
    query: { where: { role: "OFFICER" }, orderBy: { createdAt: "asc" } },
    totalCount: true,
  }),
);

builder.prismaObjectField("Region", "admins", (t) =>
  t.relatedConnection("roles", {
    description: "区域管理员 of the region",
    cursor: "id",
    query: { where: { role: "REGION_ADMIN" }, orderBy: { createdAt: "asc" } },
    totalCount: true,
  }),
);

builder.prismaObjectField("Partner", "admins", (t) =>
  t.relatedConnection("roles", {
    description: "共建单位联络人 (the station's officers and the partner's admins)",
    cursor: "id",
    nullable: true,
    authScopes: (p) => ({ policy: check("partner.readPrivate", { stationId: p.stationId, partnerId: p.id }) }),
    query: { where: { role: "PARTNER_ADMIN" }, orderBy: { createdAt: "asc" } },
    totalCount: true,
  }),
);

builder.prismaObjectFields("Partner", (t) => ({
  viewerCanGrantAdmin: t.boolean({ resolve: (p, _a, ctx) => can(ctx.viewer, "role.grant", { role: "PARTNER_ADMIN", stationId: p.stationId, partnerId: p.id }) }),
}));

export { OFFER_INCLUDE, type RoleOfferShape } from "./role.service.js";

/**
 * Not a Node: read by its own account (`Viewer.pendingRoleOffers`, to confirm it with the grantor's code) and by
 * those who may grant that role there (`Station.roleOffers`, to see it pending and withdraw it).
 */
export const RoleOffer = builder.objectRef<RoleOfferShape>("RoleOffer").implement({
  description: "待确认的任命: a role granted to an account someone uses already, in effect once that account enters the code the grantor handed over",
  fields: (t) => ({
    id: t.id({ resolve: (o) => encodeGlobalID("RoleOffer", o.id) }),
    displayName: t.string({
      description: "Who the role is offered to, by the name the grantor gave (not the account's own: a grantor's list must not tell whose phone it is)",
      // Offers made before the name was kept have none: not the account's own either (that would tell whose phone it is).
      resolve: (o, _a, ctx) => o.displayName ?? localize(msg("（未记录姓名）", "(no name recorded)"), ctx.locale),
    }),
    viewerCanWithdraw: t.boolean({
      resolve: (o, _a, ctx) => {
        const facts = roleFacts({ ...o, partner: o.partner } as AccountRole & { partner: { stationId: string } | null });
        return !!facts && can(ctx.viewer, "role.grant", facts);
      },
    }),
    role: t.field({ type: GrantedRole, resolve: (o) => o.role }),
    placeName: t.string({ description: "The region, station or partner the role applies to", resolve: (o) => o.region?.name ?? o.station?.name ?? o.partner?.name ?? "" }),
    expiresAt: t.expose("expiresAt", { type: "DateTime" }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
  }),
});

const instants = new WeakMap<Context, Date>();
/** The request's "now", read once (a selection that differs by a millisecond is another statement). */
function requestNow(ctx: Context): Date {
  let at = instants.get(ctx);
  if (!at) instants.set(ctx, (at = clock.now()));
  return at;
}

/** roleOffers lists at most this many (the oldest); roleOfferCount says how many there are in all. */
const OFFERS_LISTED = 50;

/** Pending appointments of a role: not lapsed at the request's instant. */
const pendingWhere = (role: "REGION_ADMIN" | "OFFICER" | "PARTNER_ADMIN", ctx: Context) => ({ role, expiresAt: { gt: requestNow(ctx) } });

/** The pending appointments of one place: not lapsed, oldest first. */
const pendingOffers = (where: { role: "OFFICER"; stationId: string } | { role: "PARTNER_ADMIN"; partnerId: string }, ctx: Context) =>
  prisma.roleOffer.findMany({ where: { ...where, ...pendingWhere(where.role, ctx) }, include: OFFER_INCLUDE, orderBy: { createdAt: "asc" }, take: OFFERS_LISTED });

/**
 * How many appointments are pending in all, beside roleOffers (which lists the oldest 50): joined into the query that
 * loads the places, as a count, so a list of places costs no statement more for it (one request instant, as above).
 */
const countSelect = (role: "REGION_ADMIN" | "OFFICER" | "PARTNER_ADMIN") => (_a: unknown, ctx: Context) => ({ _count: { select: { roleOffers: { where: pendingWhere(role, ctx) } } } });
const counted = (p: unknown) => (p as { _count: { roleOffers: number } })._count.roleOffers;
const COUNT_DESCRIPTION = `How many such appointments are pending in all: roleOffers lists only the oldest ${OFFERS_LISTED}`;

builder.prismaObjectFields("Station", (t) => ({
  roleOffers: t.field({
    type: [RoleOffer],
    nullable: true,
    description: `社区民警 appointments waiting for the person's 确认码, the oldest ${OFFERS_LISTED} (those who may appoint the station's officers)`,
    authScopes: (s) => ({ policy: check("role.grant", { role: "OFFICER", stationId: s.id }) }),
    resolve: (s, _a, ctx) => pendingOffers({ role: "OFFICER", stationId: s.id }, ctx),
  }),
  roleOfferCount: t.int({
    nullable: true,
    description: COUNT_DESCRIPTION,
    authScopes: (s) => ({ policy: check("role.grant", { role: "OFFICER", stationId: s.id }) }),
    select: countSelect("OFFICER"),
    resolve: counted,
  }),
}));

builder.prismaObjectFields("Region", (t) => ({
  roleOffers: t.field({
    type: [RoleOffer],
    nullable: true,
    description: `区域管理员 appointments waiting for the person's 确认码, the oldest ${OFFERS_LISTED} (those who may appoint the region's admins: platform admins)`,
    authScopes: (r) => ({ policy: check("role.grant", { role: "REGION_ADMIN", regionId: r.id }) }),
    // Joined into the query that loads the regions: the county list costs no statement more per region.
    // One instant for the whole request: `nodes(ids:)` loads each region on its own, and Prisma batches those loads
    // into one statement only when their selections are equal (a clock read per region made one statement each).
    select: (_a: unknown, ctx: Context) => ({ roleOffers: { where: pendingWhere("REGION_ADMIN", ctx), include: OFFER_INCLUDE, orderBy: { createdAt: "asc" }, take: OFFERS_LISTED } }),
    resolve: (r) => r.roleOffers as RoleOfferShape[],
  }),
  roleOfferCount: t.int({
    nullable: true,
    description: COUNT_DESCRIPTION,
    authScopes: (r) => ({ policy: check("role.grant", { role: "REGION_ADMIN", regionId: r.id }) }),
    select: countSelect("REGION_ADMIN"),
    resolve: counted,
  }),
}));

builder.prismaObjectFields("Partner", (t) => ({
  roleOffers: t.field({
    type: [RoleOffer],
    nullable: true,
    description: `共建单位联络人 appointments waiting for the person's 确认码, the oldest ${OFFERS_LISTED} (those who may appoint the partner's admins: the station's officers)`,
    authScopes: (p) => ({ policy: check("role.grant", { role: "PARTNER_ADMIN", stationId: p.stationId, partnerId: p.id }) }),
    resolve: (p, _a, ctx) => pendingOffers({ role: "PARTNER_ADMIN", partnerId: p.id }, ctx),
  }),
  roleOfferCount: t.int({
    nullable: true,
    description: COUNT_DESCRIPTION,
    authScopes: (p) => ({ policy: check("role.grant", { role: "PARTNER_ADMIN", stationId: p.stationId, partnerId: p.id }) }),
    select: countSelect("PARTNER_ADMIN"),
    resolve: counted,
  }),
}));
