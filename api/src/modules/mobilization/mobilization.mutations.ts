import { z } from "zod";
import { defineMutation, globalId, nonEmpty, optionalText, requestKey } from "../../graphql/mutation.js";
import { Specialty, SPECIALTIES } from "../volunteer/volunteer.type.js";
import { closeMobilization, respondToMobilization, startMobilization } from "./mobilization.service.js";
import { GoodDeedDraft, Mobilization, MobilizationOutcome, MobilizationResponder } from "./mobilization.type.js";
import { setHomeGrid } from "./home-grid.service.js";
import { builder } from "../../builder.js";
import { E } from "../../lib/enums.js";

defineMutation("startMobilization", {
  description: "一键召集: calls up the nearest fitting volunteers of the station at once (every channel, quiet hours ignored), in waves until enough accept",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    reason: t.string({ required: true, description: "e.g. 寻找走失老人" }),
    description: t.string(),
    place: t.string({ required: true }),
    latitude: t.float({ required: true }),
    longitude: t.float({ required: true }),
    specialties: t.field({ type: [Specialty], description: "Fitting specialties (none and no squads: everyone fits)" }),
    squadIds: t.idList({ description: "Fitting squads" }),
    radiusMeters: t.int({ required: true, description: "First wave: within this distance (100–50000 m)" }),
    wanted: t.int({ required: true, description: "How many people are needed (1–500)" }),
    escalateAfterMinutes: t.int({ required: true, description: "Call the next wave after this wait unless enough accepted (1–240)" }),
    requestId: t.string({
      description: "A key the app makes once per call-up as composed (again when the form is changed): sending it again, even in parallel, answers the call-up the first made and calls nobody twice",
    }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    reason: nonEmpty(60),
    description: optionalText(1000),
    place: nonEmpty(120),
    latitude: z.number().min(-90).max(90),
    longitude: z.number().min(-180).max(180),
    specialties: z.array(z.enum(SPECIALTIES)).max(8).nullish().transform((v) => v ?? []),
    squadIds: z.array(globalId("Squad")).max(50).nullish().transform((v) => v ?? []),
    radiusMeters: z.number().int().min(100).max(50_000),
    wanted: z.number().int().min(1).max(500),
    escalateAfterMinutes: z.number().int().min(1).max(240),
    requestId: requestKey(),
  }),
  resolve: async (input, ctx) => ({ mobilization: await startMobilization(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: (t) => ({ mobilization: t.field({ type: Mobilization, nullable: true, resolve: (p) => p.mobilization ?? null }) }),
});

const Answer = builder.enumType("MobilizationAnswer", { values: { ACCEPT: { description: "能前往" }, DECLINE: { description: "无法前往" } } as const });

defineMutation("respondToMobilization", {
  description: "Answers a call-up one was called for: ACCEPT (with an ETA) or DECLINE; may be changed while it is open",
  inputFields: (t) => ({
    mobilizationId: t.id({ required: true }),
    response: t.field({ type: Answer, required: true }),
    etaMinutes: t.int({ description: "Minutes until arrival (0–1440)" }),
  }),
  schema: z.object({ mobilizationId: globalId("Mobilization"), response: z.enum(["ACCEPT", "DECLINE"]), etaMinutes: z.number().int().min(0).max(1440).nullish() }),
  resolve: async (input, ctx) => respondToMobilization(ctx.viewer!, input),
  payloadFields: (t) => ({
    responder: t.field({ type: MobilizationResponder, nullable: true, resolve: (p) => p.responder ?? null }),
    mobilization: t.field({ type: Mobilization, nullable: true, resolve: (p) => p.mobilization ?? null }),
  }),
});

defineMutation("closeMobilization", {
  description: "Ends a call-up: every called volunteer is told; responders' time counts as service hours and points (unless CANCELLED); offers a 好人好事 draft",
  inputFields: (t) => ({
    mobilizationId: t.id({ required: true }),
    outcome: t.field({ type: MobilizationOutcome, required: true }),
    note: t.string(),
  }),
  schema: z.object({ mobilizationId: globalId("Mobilization"), outcome: z.enum(E.MobilizationOutcome), note: optionalText(500) }),
  resolve: async (input, ctx) => closeMobilization(ctx.viewer!, input, ctx.clientAddress),
  payloadFields: (t) => ({
    mobilization: t.field({ type: Mobilization, nullable: true, resolve: (p) => p.mobilization ?? null }),
    goodDeedDraft: t.field({ type: GoodDeedDraft, nullable: true, resolve: (p) => p.goodDeedDraft ?? null }),
  }),
});

defineMutation("setHomeGrid", {
  description: "常驻网格: the viewer's usual grid (of a station they belong to), from which call-ups measure distance; null clears it",
  inputFields: (t) => ({ gridId: t.id({ description: "null clears" }) }),
  schema: z.object({ gridId: globalId("Grid").nullish() }),
  resolve: async (input, ctx) => ({ volunteer: await setHomeGrid(ctx.viewer!, input.gridId ?? null) }),
  payloadFields: (t) => ({ volunteer: t.prismaField({ type: "Volunteer", nullable: true, resolve: (_q, p) => p.volunteer ?? null }) }),
});

