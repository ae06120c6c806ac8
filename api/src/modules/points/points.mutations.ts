import { z } from "zod";
import { msg } from "../../i18n.js";
import type { PointsEntry as EntryRow, Redemption as RedemptionRow, Reward as RewardRow } from "../../generated/prisma/client.js";
import { defineMutation, globalId, nonEmpty, requestKey, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import * as points from "./points.service.js";
import { PointsEntry, Reward } from "./points.type.js";
import { Station } from "../station/station.type.js";
import { prisma } from "../../db.js";


const entryPayload = (t: PayloadFieldBuilder<{ entry: EntryRow }>) => ({
  entry: t.field({ type: PointsEntry, nullable: true, resolve: (p) => p.entry ?? null }),
});

defineMutation("adjustPoints", {
  description: "积分调整: an officer adds or deducts points with a note",
  inputFields: (t) => ({
    volunteerId: t.id({ required: true }),
    stationId: t.id({ required: true }),
    amount: t.int({ required: true }),
    note: t.string({ required: true }),
    requestId: t.string({
      description: "A key the client makes once per intended adjustment (e.g. a UUID when the form opens): sending it again, even in parallel, answers the first entry instead of adding another",
    }),
  }),
  schema: z.object({
    volunteerId: globalId("Volunteer"),
    stationId: globalId("Station"),
    amount: z.number().int().min(-10_000).max(10_000).refine((n) => n !== 0, msg("不能为0", "Not zero")),
    note: nonEmpty(200),
    requestId: requestKey(),
  }),
  resolve: async (input, ctx) => ({ entry: await points.adjustPoints(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: entryPayload,
});

defineMutation("reversePointsEntry", {
  description: "冲正: undo a ledger entry with an opposite one (entries are never edited or deleted)",
  inputFields: (t) => ({ entryId: t.id({ required: true }), note: t.string({ required: true }) }),
  schema: z.object({ entryId: globalId("PointsEntry"), note: nonEmpty(200) }),
  resolve: async (input, ctx) => ({ entry: await points.reversePointsEntry(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: entryPayload,
});

defineMutation("updatePointsRules", {
  description: "积分规则 of a station (officers)",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    pointsPerHour: t.int(),
    nightPatrolPercent: t.int({ description: "100–300: night patrol hours weight in percent" }),
    commendationPoints: t.int(),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    pointsPerHour: z.number().int().min(0).max(1000).nullish(),
    nightPatrolPercent: z.number().int().min(100).max(300).nullish(),
    commendationPoints: z.number().int().min(0).max(1000).nullish(),
  }),
  resolve: async (input, ctx) => {
    await points.updatePointsRules(ctx.viewer!, input, ctx.clientAddress);
    return { station: await prisma.station.findUniqueOrThrow({ where: { id: input.stationId } }) };
  },
  payloadFields: (t) => ({ station: t.field({ type: Station, nullable: true, resolve: (p) => p.station ?? null }) }),
});

const rewardPayload = (t: PayloadFieldBuilder<{ reward: RewardRow }>) => ({
  reward: t.field({ type: Reward, nullable: true, resolve: (p) => p.reward ?? null }),
});

defineMutation("createReward", {
  description: "Add a reward to the station's catalog (officers)",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    name: t.string({ required: true }),
    description: t.string(),
    cost: t.int({ required: true }),
    stock: t.int({ required: true }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    name: nonEmpty(60),
    description: z.string().trim().max(500).nullish(),
    cost: z.number().int().min(1).max(100_000),
    stock: z.number().int().min(0).max(100_000),
  }),
  resolve: async (input, ctx) => ({ reward: await points.createReward(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: rewardPayload,
});

defineMutation("updateReward", {
  description: "Change a reward, restock it or take it off the catalog (officers)",
  inputFields: (t) => ({
    rewardId: t.id({ required: true }),
    name: t.string(),
    description: t.string(),
    cost: t.int(),
    stock: t.int(),
    expectedStock: t.int({ description: "The stock the form showed: if redemptions changed it meanwhile, `stock` is refused (CONFLICT) instead of putting them back" }),
    active: t.boolean(),
  }),
  schema: z.object({
    rewardId: globalId("Reward"),
    name: nonEmpty(60).nullish(),
    description: z.string().trim().max(500).nullish(),
    cost: z.number().int().min(1).max(100_000).nullish(),
    stock: z.number().int().min(0).max(100_000).nullish(),
    expectedStock: z.number().int().min(0).max(100_000).nullish(),
    active: z.boolean().nullish(),
  }),
  resolve: async (input, ctx) => ({ reward: await points.updateReward(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: rewardPayload,
});

const redemptionPayload = (t: PayloadFieldBuilder<{ redemption: RedemptionRow }>) => ({
  redemption: t.prismaField({
    type: "Redemption",
    nullable: true,
    resolve: (q, p) => (p.redemption ? prisma.redemption.findUnique({ ...q, where: { id: p.redemption.id } }) : null),
  }),
});

defineMutation("redeemReward", {
  description: "兑换: spend points on a reward; the balance and the stock never go below zero",
  inputFields: (t) => ({
    rewardId: t.id({ required: true }),
    requestId: t.string({
      description: "A key the client makes once per intended redemption (e.g. when the confirmation opens): sending it again, even in parallel, answers the first redemption instead of spending again",
    }),
    expectedCost: t.int({ description: "The cost the volunteer confirmed: if the officer changed it meanwhile, nothing is spent (CONFLICT)" }),
  }),
  schema: z.object({ rewardId: globalId("Reward"), requestId: requestKey(), expectedCost: z.number().int().min(1).max(100_000).nullish() }),
  resolve: async (input, ctx) => ({ redemption: await points.redeemReward(ctx.viewer!, input) }),
  payloadFields: redemptionPayload,
});

defineMutation("markRedemptionHandedOut", {
  description: "The officer has handed the reward over",
  inputFields: (t) => ({ redemptionId: t.id({ required: true }) }),
  schema: z.object({ redemptionId: globalId("Redemption") }),
  resolve: async (input, ctx) => ({ redemption: await points.markRedemptionHandedOut(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: redemptionPayload,
});
