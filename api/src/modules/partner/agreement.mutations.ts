import { z } from "zod";
import { msg } from "../../i18n.js";
import { builder } from "../../builder.js";
import type { Agreement as AgreementRow, Partner as PartnerRow } from "../../generated/prisma/client.js";
import { dateTime, defineMutation, globalId, nonEmpty, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { fillRotationSlot } from "../shift/shift.service.js";
import { Shift, ShiftClaim } from "../shift/shift.type.js";
import * as agreements from "./agreement.service.js";
import { Agreement, AgreementSide, ObligationKind, ObligationPeriod } from "./agreement.type.js";
import { PartnerKind } from "./partner.type.js";
import { prisma } from "../../db.js";
import { E, enumValues } from "../../lib/enums.js";

const KINDS = enumValues(E.ObligationKind);

defineMutation("createPartner", {
  description: "添加共建单位 (officers)",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    name: t.string({ required: true }),
    kind: t.field({ type: PartnerKind, required: true }),
    contactName: t.string(),
    contactPhone: t.string(),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    name: nonEmpty(80),
    kind: z.enum(E.PartnerKind),
    contactName: z.string().trim().max(40).nullish(),
    contactPhone: z.string().trim().regex(/^[\d-]{7,20}$/, msg("电话格式不正确", "Not a phone number")).nullish(),
  }),
  resolve: async (input, ctx) => ({ partner: await agreements.createPartner(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: (t: PayloadFieldBuilder<{ partner: PartnerRow }>) => ({
    partner: t.prismaField({ type: "Partner", nullable: true, resolve: (_q, p) => p.partner ?? null }),
  }),
});

const ObligationInput = builder.inputType("ObligationInput", {
  fields: (t) => ({
    kind: t.field({ type: ObligationKind, required: true }),
    quantity: t.int({ required: true }),
    period: t.field({ type: ObligationPeriod, required: true }),
    teamId: t.id(),
    squadId: t.id(),
    description: t.string(),
  }),
});

const terms = {
  title: nonEmpty(100),
  terms: nonEmpty(20_000),
  effectiveFrom: dateTime(),
  effectiveTo: dateTime(),
  obligations: z
    .array(
      z.object({
        kind: z.enum(KINDS),
        quantity: z.number().int().min(1).max(100_000),
        period: z.enum(E.ObligationPeriod),
        teamId: globalId("Team").nullish(),
        squadId: globalId("Squad").nullish(),
        description: z.string().trim().max(500).nullish(),
      }),
    )
    // An agreement binds the partner to something: without obligations there is nothing to sign or rotate.
    .min(1, msg("至少填写一项义务", "Add at least one obligation"))
    .max(20),
};

const termFields = (t: PothosSchemaTypes.InputFieldBuilder<never, "InputObject">) => ({
  title: t.string({ required: true }),
  terms: t.string({ required: true, description: "The agreement text" }),
  effectiveFrom: t.field({ type: "DateTime" as never, required: true }),
  effectiveTo: t.field({ type: "DateTime" as never, required: true }),
  obligations: t.field({ type: [ObligationInput] as never, required: true }),
});

const agreementPayload = (t: PayloadFieldBuilder<{ agreement: AgreementRow }>) => ({
  agreement: t.field({ type: Agreement, nullable: true, resolve: (p) => (p.agreement ? prisma.agreement.findUnique({ where: { id: p.agreement.id }, include: { versions: { orderBy: { version: "desc" }, take: 1, select: { effectiveFrom: true, effectiveTo: true } } } }) : null) }),
});

defineMutation("draftAgreement", {
  description: "起草共建协议: version 1, to be signed by both sides (officers)",
  inputFields: (t) => ({ partnerId: t.id({ required: true }), ...termFields(t as never) }),
  schema: z.object({ partnerId: globalId("Partner"), ...terms }),
  resolve: async (input, ctx) => ({ agreement: await agreements.draftAgreement(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: agreementPayload,
});

defineMutation("reviseAgreement", {
  description: "修订: a new version; signatures of earlier versions lapse (either side)",
  inputFields: (t) => ({ agreementId: t.id({ required: true }), note: t.string(), ...termFields(t as never) }),
  schema: z.object({ agreementId: globalId("Agreement"), note: z.string().trim().max(500).nullish(), ...terms }),
  resolve: async (input, ctx) => ({ agreement: await agreements.reviseAgreement(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: agreementPayload,
});

defineMutation("signAgreement", {
  description: "签署 one exact version; a stale version is a CONFLICT. Active once both sides sign the current version",
  inputFields: (t) => ({
    agreementId: t.id({ required: true }),
    version: t.int({ required: true }),
    side: t.field({ type: AgreementSide, description: "Only needed if you can act for both sides" }),
  }),
  schema: z.object({ agreementId: globalId("Agreement"), version: z.number().int().min(1), side: z.enum(E.AgreementSide).nullish() }),
  resolve: async (input, ctx) => ({ agreement: await agreements.signAgreement(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: agreementPayload,
});

defineMutation("terminateAgreement", {
  description: "终止 with a reason (either side)",
  inputFields: (t) => ({ agreementId: t.id({ required: true }), reason: t.string({ required: true }) }),
  schema: z.object({ agreementId: globalId("Agreement"), reason: nonEmpty(500) }),
  resolve: async (input, ctx) => ({ agreement: await agreements.terminateAgreement(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: agreementPayload,
});

defineMutation("assignRotation", {
  description: "轮流出人: give the shifts (in time order) to the partners in turn (officers)",
  inputFields: (t) => ({ stationId: t.id({ required: true }), partnerIds: t.idList({ required: true }), shiftIds: t.idList({ required: true }) }),
  schema: z.object({
    stationId: globalId("Station"),
    partnerIds: z.array(globalId("Partner")).min(1).max(100),
    shiftIds: z.array(globalId("Shift")).min(1).max(500),
  }),
  resolve: async (input, ctx) => {
    await agreements.assignRotation(ctx.viewer!, input);
    return { shifts: await prisma.shift.findMany({ where: { id: { in: input.shiftIds } }, orderBy: { startsAt: "asc" } }) };
  },
  payloadFields: (t) => ({ shifts: t.field({ type: [Shift], nullable: true, resolve: (p) => p.shifts ?? null }) }),
});

defineMutation("fillRotationSlot", {
  description: "A partner admin puts one of its affiliated volunteers on its rotation shift (normal claim rules)",
  inputFields: (t) => ({ shiftId: t.id({ required: true }), volunteerId: t.id({ required: true }) }),
  schema: z.object({ shiftId: globalId("Shift"), volunteerId: globalId("Volunteer") }),
  resolve: async (input, ctx) => fillRotationSlot(ctx.viewer!, input),
  payloadFields: (t) => ({
    claim: t.field({ type: ShiftClaim, nullable: true, resolve: (p) => p.claim ?? null }),
    shift: t.field({ type: Shift, nullable: true, resolve: (p) => p.shift ?? null }),
  }),
});
