import { z } from "zod";
import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import type { MediationCase as CaseRow, MediationSession as SessionRow, Mediator as MediatorRow } from "../../generated/prisma/client.js";
import { dateTime, defineMutation, globalId, nonEmpty, optionalText, phoneNumber, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import * as service from "./mediation.service.js";
import { MediationField, MediationOutcome, MediationPartyRole, MediationSource } from "./mediation.type.js";
import { E, enumValues } from "../../lib/enums.js";

const FIELDS = enumValues(E.MediationField);
const OUTCOMES = enumValues(E.MediationOutcome);

const mediatorPayload = (t: PayloadFieldBuilder<{ mediator: MediatorRow }>) => ({
  mediator: t.prismaField({ type: "Mediator", nullable: true, resolve: (q, p) => (p.mediator ? prisma.mediator.findUnique({ ...q, where: { id: p.mediator.id } }) : null) }),
});
const casePayload = (t: PayloadFieldBuilder<{ case: CaseRow }>) => ({
  case: t.prismaField({ type: "MediationCase", nullable: true, resolve: (q, p) => (p.case ? prisma.mediationCase.findUnique({ ...q, where: { id: p.case.id } }) : null) }),
});

const profileFields = (t: PothosSchemaTypes.InputFieldBuilder<never, "InputObject">) => ({
  displayName: t.string({ description: "Public name; a volunteer's display name by default" }),
  title: t.string({ description: "e.g. 退休法官, 律师, 老娘舅" }),
  years: t.int(),
  fields: t.field({ type: [MediationField] }),
  bio: t.string(),
});
const profileSchema = {
  displayName: z.string().trim().min(1, msg("必填", "Required")).max(20, msg("最多20个字", "At most 20 characters")).nullish(),
  title: optionalText(30),
  years: z.number().int().min(0).max(80).nullish(),
  fields: z.array(z.enum(FIELDS)).max(7).nullish(),
  bio: optionalText(500),
};

defineMutation("createMediator", {
  description: "添加调解员: a volunteer with the MEDIATION specialty, or a named person (no volunteerId)",
  inputFields: (t) => ({ stationId: t.id({ required: true }), volunteerId: t.id(), ...profileFields(t as never) }),
  schema: z.object({ stationId: globalId("Station"), volunteerId: globalId("Volunteer").nullish(), ...profileSchema }),
  resolve: async (input, ctx) => ({ mediator: await service.createMediator(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: mediatorPayload,
});

defineMutation("updateMediator", {
  description: "更新调解员资料, or take them off the public list (active: false)",
  inputFields: (t) => ({ mediatorId: t.id({ required: true }), active: t.boolean(), ...profileFields(t as never) }),
  schema: z.object({ mediatorId: globalId("Mediator"), active: z.boolean().nullish(), ...profileSchema }),
  resolve: async (input, ctx) => ({ mediator: await service.updateMediator(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: mediatorPayload,
});

const PartyInput = builder.inputType("MediationPartyInput", {
  fields: (t) => ({
    name: t.string({ required: true, description: "Legal name (personal data: only the case's mediators and the station's officers see it)" }),
    phone: t.string(),
    role: t.field({ type: MediationPartyRole, required: true }),
  }),
});

defineMutation("openMediationCase", {
  description: "受理调解: an officer opens a case with its parties and the mediators chosen (the resident's choice)",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    category: t.field({ type: MediationField, required: true }),
    summary: t.string({ required: true }),
    source: t.field({ type: MediationSource, required: true }),
    parties: t.field({ type: [PartyInput], required: true }),
    mediatorIds: t.idList({ required: true }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    category: z.enum(FIELDS),
    summary: nonEmpty(2000),
    source: z.enum(E.MediationSource),
    parties: z
      .array(z.object({ name: nonEmpty(30), phone: phoneNumber.nullish().or(z.literal("").transform(() => null)), role: z.enum(E.MediationPartyRole) }))
      .min(1, msg("至少一方当事人", "At least one party"))
      .max(10),
    mediatorIds: z.array(globalId("Mediator")).min(1, msg("请选择调解员", "Choose a mediator")).max(5),
  }),
  resolve: async (input, ctx) => ({ case: await service.openMediationCase(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: casePayload,
});

defineMutation("recordMediationSession", {
  description: "记录调解: a session of the case with its notes (the case's mediators, the station's officers)",
  inputFields: (t) => ({ caseId: t.id({ required: true }), heldAt: t.field({ type: "DateTime", required: true }), place: t.string(), notes: t.string({ required: true }) }),
  schema: z.object({ caseId: globalId("MediationCase"), heldAt: dateTime(), place: optionalText(60), notes: nonEmpty(4000) }),
  resolve: async (input, ctx) => ({ session: await service.recordMediationSession(ctx.viewer!, input) }),
  payloadFields: (t: PayloadFieldBuilder<{ session: SessionRow }>) => ({
    session: t.prismaField({ type: "MediationSession", nullable: true, resolve: (q, p) => (p.session ? prisma.mediationSession.findUnique({ ...q, where: { id: p.session.id } }) : null) }),
  }),
});

defineMutation("closeMediationCase", {
  description: "结案: 调解成功 (with the agreement text), 调解不成, 转司法确认 (with the agreement text) or 转其他部门 (named)",
  inputFields: (t) => ({
    caseId: t.id({ required: true }),
    outcome: t.field({ type: MediationOutcome, required: true }),
    agreementText: t.string({ description: "调解协议: required when settled or sent for judicial confirmation" }),
    referredTo: t.string({ description: "The department, when REFERRED" }),
  }),
  schema: z.object({ caseId: globalId("MediationCase"), outcome: z.enum(OUTCOMES), agreementText: optionalText(8000), referredTo: optionalText(80) }),
  resolve: async (input, ctx) => ({ case: await service.closeMediationCase(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: casePayload,
});
