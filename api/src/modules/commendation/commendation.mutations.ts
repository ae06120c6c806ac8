import { z } from "zod";
import { msg } from "../../i18n.js";
import type { BoardEdition as EditionRow, GoodDeed as GoodDeedRow } from "../../generated/prisma/client.js";
import { dateTime, defineMutation, globalId, nonEmpty, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import * as service from "./commendation.service.js";
import { BoardEdition, GoodDeed, GoodDeedCategory } from "./commendation.type.js";
import { E, enumValues } from "../../lib/enums.js";

const CATEGORIES = enumValues(E.GoodDeedCategory);

const deedPayload = (t: PayloadFieldBuilder<{ goodDeed: GoodDeedRow }>) => ({
  goodDeed: t.field({ type: GoodDeed, nullable: true, resolve: (p) => p.goodDeed ?? null }),
});

defineMutation("submitGoodDeed", {
  description: "提交好人好事: by a member of the team, its leaders or the station's officers",
  inputFields: (t) => ({
    teamId: t.id({ required: true }),
    squadId: t.id(),
    volunteerId: t.id({ description: "Who did it; leave empty for a deed of the squad or team as a whole" }),
    shiftId: t.id({ description: "The patrol it happened on, if any" }),
    category: t.field({ type: GoodDeedCategory, required: true }),
    title: t.string({ required: true }),
    story: t.string({ required: true }),
    occurredAt: t.field({ type: "DateTime", required: true }),
    place: t.string(),
  }),
  schema: z.object({
    teamId: globalId("Team"),
    squadId: globalId("Squad").nullish(),
    volunteerId: globalId("Volunteer").nullish(),
    shiftId: globalId("Shift").nullish(),
    category: z.enum(CATEGORIES),
    title: nonEmpty(80),
    story: nonEmpty(4000),
    occurredAt: dateTime(),
    place: z.string().trim().max(120).nullish(),
  }),
  resolve: async (input, ctx) => ({ goodDeed: await service.submitGoodDeed(ctx.viewer!, input) }),
  payloadFields: deedPayload,
});

defineMutation("approveGoodDeed", {
  description: "审核通过: an officer approves a deed into a commendation and awards points",
  inputFields: (t) => ({
    goodDeedId: t.id({ required: true }),
    points: t.int({ description: "Points for the volunteer; defaults to the station's rule" }),
  }),
  schema: z.object({ goodDeedId: globalId("GoodDeed"), points: z.number().int().min(0).max(1000).nullish() }),
  resolve: async (input, ctx) => ({ goodDeed: await service.approveGoodDeed(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: deedPayload,
});

defineMutation("rejectGoodDeed", {
  description: "驳回: an officer rejects a deed with a reason",
  inputFields: (t) => ({ goodDeedId: t.id({ required: true }), reason: t.string({ required: true }) }),
  schema: z.object({ goodDeedId: globalId("GoodDeed"), reason: nonEmpty(500) }),
  resolve: async (input, ctx) => ({ goodDeed: await service.rejectGoodDeed(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: deedPayload,
});

const editionPayload = (t: PayloadFieldBuilder<{ edition: EditionRow }>) => ({
  edition: t.field({ type: BoardEdition, nullable: true, resolve: (p) => p.edition ?? null }),
});

defineMutation("publishCommendationBoard", {
  description: "发布表扬榜: a team leader or officer publishes an edition of the team's board",
  inputFields: (t) => ({
    teamId: t.id({ required: true }),
    title: t.string({ required: true, description: "e.g. 2026年11月 好邻舍表扬榜" }),
    commendationIds: t.idList({ required: true }),
  }),
  schema: z.object({
    teamId: globalId("Team"),
    title: nonEmpty(60),
    commendationIds: z.array(globalId("Commendation")).min(1, msg("至少选择一条表扬", "Pick at least one commendation")).max(50),
  }),
  resolve: async (input, ctx) => ({ edition: await service.publishCommendationBoard(ctx.viewer!, input) }),
  payloadFields: editionPayload,
});

defineMutation("withdrawCommendationBoard", {
  description: "撤回: take an edition off the public board",
  inputFields: (t) => ({ editionId: t.id({ required: true }) }),
  schema: z.object({ editionId: globalId("CommendationBoardEdition") }),
  resolve: async (input, ctx) => ({ edition: await service.withdrawCommendationBoard(ctx.viewer!, input) }),
  payloadFields: editionPayload,
});
