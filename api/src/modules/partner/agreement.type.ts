import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { builder } from "../../builder.js";
import { dateArg } from "../../graphql/ids.js";
import { adminPartnerIds, can, check } from "../../auth/policy.js";
import { clock } from "../../clock.js";
import { prisma } from "../../db.js";
import { assertCursorInList, rowsAfterCursor } from "../../graphql/list-cursor.js";
import type { Partner } from "../../generated/prisma/client.js";
import { effectiveStatus, inEffect, sideOf } from "./agreement.service.js";
import { fulfilmentOf, overallPercent, type ObligationFulfilment } from "./fulfilment.service.js";
import { E } from "../../lib/enums.js";

// Prisma's statuses and one computed from the dates (SCHEDULED: signed, not yet in effect).
export const AgreementStatus = builder.enumType({ ...E.AgreementStatus, SCHEDULED: "SCHEDULED" } as const, {
  name: "AgreementStatus",
  values: {
    DRAFT: { description: "草稿 / unsigned version" },
    AWAITING_SIGNATURES: { description: "待签署: one side has signed" },
    SCHEDULED: { description: "已签署·待生效: both sides signed; the start date is still to come" },
    ACTIVE: { description: "生效: both sides signed the current version and it is in effect" },
    EXPIRED: { description: "到期" },
    TERMINATED: { description: "终止" },
  } as const,
});
export const ObligationKind = builder.enumType(E.ObligationKind, {
  name: "ObligationKind",
  values: {
    PATROL_PERSON_SHIFTS: { description: "巡逻人次" },
    PATROL_HOURS: { description: "巡逻时长" },
    PUBLICITY_EVENTS: { description: "宣传活动" },
    VENUE: { description: "场地" },
    OTHER: { description: "其他" },
  } as const,
});
export const ObligationPeriod = builder.enumType(E.ObligationPeriod, { name: "ObligationPeriod" });
export const AgreementSide = builder.enumType(E.AgreementSide, { name: "AgreementSide", values: { STATION: { description: "派出所" }, PARTNER: { description: "共建单位" } } as const });
export const AgreementEventKind = builder.enumType(E.AgreementEventKind, { name: "AgreementEventKind" });
export const FulfilmentStatus = builder.enumType("FulfilmentStatus", {
  values: { ON_TRACK: { description: "达标/进度正常" }, AT_RISK: { description: "进度落后" }, MISSED: { description: "未完成" } } as const,
});

const ObligationFulfilmentRef = builder.objectRef<ObligationFulfilment>("ObligationFulfilment").implement({
  description: "Promised vs delivered for one obligation in one period, from shift records",
  fields: (t) => ({
    kind: t.field({ type: ObligationKind, resolve: (o) => o.kind }),
    period: t.field({ type: ObligationPeriod, resolve: (o) => o.period }),
    description: t.exposeString("description"),
    periodStart: t.field({ type: "DateTime", resolve: (o) => o.periodStart }),
    periodEnd: t.field({ type: "DateTime", resolve: (o) => o.periodEnd }),
    promised: t.exposeInt("promised"),
    delivered: t.exposeFloat("delivered", { nullable: true, description: "null: not measurable from records (venue, other)" }),
    percent: t.exposeFloat("percent", { nullable: true }),
    status: t.field({ type: FulfilmentStatus, nullable: true, resolve: (o) => o.status }),
  }),
});


export const Agreement = builder.prismaNode("Agreement", {
  id: { field: "id" },
  description: "共建协议 between a station and a partner; readable by both sides",
  authScopes: (a) => ({ policy: check("agreement.read", { stationId: a.stationId, partnerId: a.partnerId }) }),
  include: { versions: { orderBy: { version: "desc" }, take: 1, select: { effectiveFrom: true, effectiveTo: true } } },
  fields: (t) => ({
    status: t.field({
      type: AgreementStatus,
      description: "Reads SCHEDULED until the start date and EXPIRED as soon as the end date passes",
      resolve: (a) => effectiveStatus(a, a.versions[0]),
    }),
    currentVersionNumber: t.exposeInt("currentVersion"),
    terminationReason: t.exposeString("terminationReason", { nullable: true }),
    partner: t.relation("partner"),
    station: t.prismaField({ type: "Station", resolve: (q, a) => prisma.station.findUniqueOrThrow({ ...q, where: { id: a.stationId } }) }),
    currentVersion: t.prismaField({
      type: "AgreementVersion",
      resolve: (q, a) => prisma.agreementVersion.findUniqueOrThrow({ ...q, where: { agreementId_version: { agreementId: a.id, version: a.currentVersion } } }),
    }),
    versions: t.relatedConnection("versions", { cursor: "id", query: { orderBy: { version: "desc" } } }),
    history: t.relatedConnection("events", { cursor: "id", query: { orderBy: [{ at: "asc" }, { id: "asc" }] } }),
    viewerSide: t.field({ type: AgreementSide, nullable: true, resolve: (a, _x, ctx) => sideOf(ctx.viewer, a) }),
    viewerCanSign: t.boolean({
      description: "The viewer's side has not signed the current version and it is open for signing",
      select: { signatures: { select: { side: true, version: { select: { version: true } } } } },
      resolve: (a, _x, ctx) => {
        const side = sideOf(ctx.viewer, a);
        const status = effectiveStatus(a, a.versions[0]);
        return !!side && (status === "DRAFT" || status === "AWAITING_SIGNATURES") && !a.signatures.some((s) => s.side === side && s.version.version === a.currentVersion);
      },
    }),
    fulfilment: t.field({
      type: [ObligationFulfilmentRef],
      description: "履约 of the current version for the periods containing `at` (default now)",
      args: { at: t.arg({ type: "DateTime" }) },
      resolve: (a, args, ctx) => ctx.loaders.fulfilment(args.at ? dateArg(args.at, "at") : clock.now()).load(a),
    }),
  }),
});

builder.prismaNode("AgreementVersion", {
  id: { field: "id" },
  description: "One exact version of an agreement's terms",
  authScopes: async (v, ctx) => {
    const a = await ctx.loaders.agreementParties.load(v.agreementId);
    return a ? { policy: check("agreement.read", a) } : false;
  },
  fields: (t) => ({
    version: t.exposeInt("version"),
    title: t.exposeString("title"),
    terms: t.exposeString("terms"),
    effectiveFrom: t.expose("effectiveFrom", { type: "DateTime" }),
    effectiveTo: t.expose("effectiveTo", { type: "DateTime" }),
    textHash: t.exposeString("textHash", { description: "SHA-256 of this version's canonical text" }),
    obligations: t.relation("obligations", { query: { orderBy: { position: "asc" } } }),
    signatures: t.relation("signatures", { query: { orderBy: { signedAt: "asc" } } }),
  }),
});

builder.prismaObject("Obligation", {
  description: "协议义务, e.g. supply 8 patrol person-shifts a month",
  fields: (t) => ({
    kind: t.field({ type: ObligationKind, resolve: (o) => o.kind }),
    quantity: t.exposeInt("quantity"),
    period: t.field({ type: ObligationPeriod, resolve: (o) => o.period }),
    description: t.exposeString("description"),
    team: t.prismaField({ type: "Team", nullable: true, resolve: (q, o) => (o.teamId ? prisma.team.findUnique({ ...q, where: { id: o.teamId } }) : null) }),
    squad: t.prismaField({ type: "Squad", nullable: true, resolve: (q, o) => (o.squadId ? prisma.squad.findUnique({ ...q, where: { id: o.squadId } }) : null) }),
  }),
});

builder.prismaObject("AgreementSignature", {
  description: "A signature: who signed which exact version, when, over which text hash",
  fields: (t) => ({
    side: t.field({ type: AgreementSide, resolve: (s) => s.side }),
    signedAt: t.expose("signedAt", { type: "DateTime" }),
    textHash: t.exposeString("textHash"),
    version: t.int({ select: { version: { select: { version: true } } }, resolve: (s) => s.version.version }),
  }),
});

builder.prismaNode("AgreementEvent", {
  id: { field: "id" },
  description: "An entry of an agreement's history",
  authScopes: async (e, ctx) => {
    const a = await ctx.loaders.agreementParties.load(e.agreementId);
    return a ? { policy: check("agreement.read", a) } : false;
  },
  fields: (t) => ({
    kind: t.field({ type: AgreementEventKind, resolve: (e) => e.kind }),
    version: t.exposeInt("version", { nullable: true }),
    side: t.field({ type: AgreementSide, nullable: true, resolve: (e) => e.side }),
    note: t.exposeString("note"),
    at: t.expose("at", { type: "DateTime" }),
  }),
});

builder.prismaObjectField("Partner", "agreements", (t) =>
  t.relatedConnection("agreements", {
    cursor: "id",
    nullable: true,
    authScopes: (p) => ({ policy: check("agreement.read", { stationId: p.stationId, partnerId: p.id }) }),
    query: { orderBy: [{ createdAt: "desc" }, { id: "desc" }] },
  }),
);

builder.prismaObjectField("Shift", "rotationPartner", (t) =>
  t.prismaField({
    type: "Partner",
    nullable: true,
    description: "轮流出人: the partner that staffs this shift",
    select: { rotationSlot: { select: { partnerId: true } } },
    resolve: (q, s) => {
      const read = (s as { rotationPartner?: Partner | null }).rotationPartner; // read with the shift board's page
      if (read !== undefined) return read;
      return s.rotationSlot ? prisma.partner.findUnique({ ...q, where: { id: s.rotationSlot.partnerId } }) : null;
    },
  }),
);

builder.prismaObjectField("Shift", "rotationClaims", (t) =>
  t.prismaConnection({
    type: "ShiftClaim",
    cursor: "id",
    nullable: true,
    description: "轮流出人: who of the partner this shift was given to is on it (confirmed first, then the waitlist); the contacts of that partner",
    authScopes: async (s) => {
      const slot = await prisma.rotationSlot.findUnique({ where: { shiftId: s.id }, select: { partnerId: true } });
      return slot ? { policy: check("agreement.actForPartner", { partnerId: slot.partnerId, stationId: s.stationId }) } : false;
    },
    resolve: async (query, s) => {
      const slot = await prisma.rotationSlot.findUnique({ where: { shiftId: s.id }, select: { partnerId: true } });
      if (!slot) return [];
      return prisma.shiftClaim.findMany({
        ...query,
        where: { shiftId: s.id, volunteer: { partnerId: slot.partnerId } },
        orderBy: [{ status: "asc" }, { waitlistSeq: "asc" }, { claimedAt: "asc" }, { id: "asc" }],
      });
    },
  }),
);

interface PartnerFulfilmentShape {
  partnerId: string;
  agreementId: string;
  percent: number | null;
  obligations: ObligationFulfilment[];
}

const PartnerFulfilment = builder.objectRef<PartnerFulfilmentShape>("PartnerFulfilment").implement({
  description: "One partner's fulfilment of its active agreement",
  fields: (t) => ({
    percent: t.exposeFloat("percent", { nullable: true, description: "Average over measurable obligations, each capped at 100" }),
    partner: t.prismaField({ type: "Partner", resolve: (q, f) => prisma.partner.findUniqueOrThrow({ ...q, where: { id: f.partnerId } }) }),
    agreement: t.prismaField({ type: "Agreement", resolve: (q, f) => prisma.agreement.findUniqueOrThrow({ ...q, where: { id: f.agreementId } }) }),
    obligations: t.field({ type: [ObligationFulfilmentRef], resolve: (f) => f.obligations }),
  }),
});

builder.prismaObjectField("Station", "partnerFulfilment", (t) =>
  t.connection({
    type: PartnerFulfilment,
    description: "Partners with an agreement in effect at `at` ranked by fulfilment, each once (officers see all; a partner only itself)",
    args: { at: t.arg({ type: "DateTime", description: "Any instant in the periods to measure (default now)" }) },
    resolve: async (station, args, ctx) => {
      const v = ctx.viewer;
      const officer = can(v, "station.manage", { stationId: station.id });
      const own = adminPartnerIds(v);
      const at = args.at ? dateArg(args.at, "at") : clock.now();
      const signed = await prisma.agreement.findMany({
        where: { stationId: station.id, status: "ACTIVE", ...(officer ? {} : { partnerId: { in: own } }) },
        select: { id: true, status: true, partnerId: true, currentVersion: true, versions: { orderBy: { version: "desc" }, take: 1, select: { effectiveFrom: true, effectiveTo: true } } },
        orderBy: [{ createdAt: "desc" }, { id: "asc" }],
      });
      // Only the agreement in effect at `at`, one per partner (next year's, signed early, is not measured yet).
      const byPartner = new Map<string, (typeof signed)[number]>();
      for (const a of signed) if (inEffect(a, a.versions[0], at) && !byPartner.has(a.partnerId)) byPartner.set(a.partnerId, a);
      const agreements = [...byPartner.values()];
      const map = await fulfilmentOf(agreements, at);
      const ranked = agreements
        .map((a) => ({ partnerId: a.partnerId, agreementId: a.id, obligations: map.get(a.id) ?? [], percent: overallPercent(map.get(a.id) ?? []) }))
        .sort((x, y) => (y.percent ?? -1) - (x.percent ?? -1) || x.partnerId.localeCompare(y.partnerId));
      return resolveOffsetConnection({ args }, ({ offset, limit }) => ranked.slice(offset, offset + limit));
    },
  }),
);

builder.prismaObjectField("Station", "agreements", (t) =>
  t.prismaConnection({
    type: "Agreement",
    cursor: "id",
    description: "Agreements of the station (officers: all; a partner admin: its own)",
    resolve: async (q, station, _a, ctx) => {
      const v = ctx.viewer;
      const officer = can(v, "station.manage", { stationId: station.id });
      const where = { stationId: station.id, ...(officer ? {} : { partnerId: { in: adminPartnerIds(v) } }) };
      await assertCursorInList(q, (id) => prisma.agreement.count({ where: { id, ...where } }));
      return rowsAfterCursor(q, (q) => prisma.agreement.findMany({
        ...q,
        where,
        orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      }));
    },
  }),
);
