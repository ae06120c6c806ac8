import { z } from "zod";
import { prisma } from "../../db.js";
import type { HomeWatchRequest as RequestRow, HomeWatchVisit as VisitRow } from "../../generated/prisma/client.js";
import { dateTime, defineMutation, globalId, nonEmpty, optionalText, phoneNumber, requestKey, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { isUpload, type UploadFile } from "../../media/upload.js";
import * as service from "./homewatch.service.js";
import { HomeWatchPublicStatus, HomeWatchResult } from "./homewatch.type.js";
import { E } from "../../lib/enums.js";

defineMutation("requestHomeWatch", {
  description: "长假照看申请 (public, no account, rate limited): returns a confirmation code to check the status with",
  access: "public",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    gridId: t.id({ description: "The grid of the address, if known (HomeWatchArea.id)" }),
    name: t.string({ required: true }),
    phone: t.string({ required: true }),
    address: t.string({ required: true }),
    awayFrom: t.field({ type: "DateTime", required: true }),
    awayTo: t.field({ type: "DateTime", required: true }),
    contactWhileAway: t.string({ description: "How to reach the resident or a relative while away" }),
    notes: t.string(),
    requestId: t.string({
      description:
        "A key the form makes once per request as filled in (again when it is changed): sending it again, even in parallel, answers the request the first made, with the same confirmation code",
    }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    gridId: globalId("Grid").nullish(),
    name: nonEmpty(30),
    phone: phoneNumber,
    address: nonEmpty(200),
    awayFrom: dateTime(),
    awayTo: dateTime(),
    contactWhileAway: optionalText(100),
    notes: optionalText(500),
    requestId: requestKey(),
  }),
  resolve: async (input, ctx) => {
    const { request, code } = await service.requestHomeWatch(ctx.viewer, input, ctx.clientAddress);
    return { confirmationCode: code, request };
  },
  payloadFields: (t: PayloadFieldBuilder<{ confirmationCode: string; request: RequestRow }>) => ({
    confirmationCode: t.string({ nullable: true, description: "Shown once: keep it to check the status (homeWatchStatus)", resolve: (p) => p.confirmationCode ?? null }),
    status: t.field({
      type: HomeWatchPublicStatus,
      nullable: true,
      resolve: (p) =>
        p.request
          ? prisma.homeWatchRequest.findUnique({
              where: { id: p.request.id },
              include: { station: { select: { name: true } }, visits: { select: { visitedAt: true, result: true } }, shifts: { select: { startsAt: true } } },
            })
          : null,
    }),
  }),
});

const requestPayload = (t: PayloadFieldBuilder<{ request: RequestRow; shiftCount: number }>) => ({
  request: t.prismaField({ type: "HomeWatchRequest", nullable: true, resolve: (q, p) => (p.request ? prisma.homeWatchRequest.findUnique({ ...q, where: { id: p.request.id } }) : null) }),
  shiftCount: t.int({ nullable: true, description: "HOME_WATCH shifts created", resolve: (p) => p.shiftCount ?? null }),
});

defineMutation("approveHomeWatchRequest", {
  description: "批准长假照看: creates HOME_WATCH shifts over the period (daily, or on the chosen weekdays) for the team of the address's grid",
  inputFields: (t) => ({
    requestId: t.id({ required: true }),
    teamId: t.id({ description: "By default the team that patrols the grid most (HomeWatchRequest.suggestedTeam)" }),
    gridId: t.id(),
    weekdays: t.intList({ description: "ISO weekdays 1–7; empty: every day" }),
    visitTime: t.string({ description: "HH:MM, Asia/Shanghai (default 10:00)" }),
    durationMinutes: t.int({ description: "Default 60" }),
    capacity: t.int({ description: "Volunteers per visit (default 1)" }),
  }),
  schema: z.object({
    requestId: globalId("HomeWatchRequest"),
    teamId: globalId("Team").nullish(),
    gridId: globalId("Grid").nullish(),
    weekdays: z.array(z.number().int().min(1).max(7)).max(7).nullish(),
    visitTime: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg("时间格式为 HH:MM", "Time as HH:MM")).nullish(),
    durationMinutes: z.number().int().min(15).max(240).nullish(),
    capacity: z.number().int().min(1).max(5).nullish(),
  }),
  resolve: (input, ctx) => service.approveHomeWatchRequest(ctx.viewer!, input, ctx.clientAddress),
  payloadFields: requestPayload,
});

defineMutation("declineHomeWatchRequest", {
  description: "不予安排: an officer declines with a reason the resident sees by their code",
  inputFields: (t) => ({ requestId: t.id({ required: true }), reason: t.string({ required: true }) }),
  schema: z.object({ requestId: globalId("HomeWatchRequest"), reason: nonEmpty(300) }),
  resolve: async (input, ctx) => ({ request: await service.declineHomeWatchRequest(ctx.viewer!, input, ctx.clientAddress), shiftCount: 0 }),
  payloadFields: requestPayload,
});

defineMutation("logHomeWatchVisit", {
  description: "记录照看: a visit on a HOME_WATCH shift, all fine or a problem (which notifies the officer at once), with an optional photo",
  inputFields: (t) => ({
    shiftId: t.id({ required: true }),
    visitedAt: t.field({ type: "DateTime", description: "Default: now" }),
    result: t.field({ type: HomeWatchResult, required: true }),
    note: t.string({ description: "Required for a problem" }),
    photo: t.field({ type: "Upload", description: "JPEG, PNG or WebP up to 10 MB; EXIF removed" }),
    requestId: t.string({
      description: "A key the app makes once per visit as filled in (again when it is changed): sending it again, even in parallel, answers the visit the first logged, its photo not stored twice",
    }),
  }),
  schema: z.object({
    shiftId: globalId("Shift"),
    visitedAt: dateTime().nullish(),
    result: z.enum(E.HomeWatchResult),
    note: optionalText(1000),
    photo: z.custom<UploadFile>(isUpload, { message: msg("不是文件", "Not a file") }).nullish(),
    requestId: requestKey(),
  }),
  resolve: async (input, ctx) => ({ visit: await service.logHomeWatchVisit(ctx.viewer!, input) }),
  payloadFields: (t: PayloadFieldBuilder<{ visit: VisitRow }>) => ({
    visit: t.prismaField({ type: "HomeWatchVisit", nullable: true, resolve: (q, p) => (p.visit ? prisma.homeWatchVisit.findUnique({ ...q, where: { id: p.visit.id } }) : null) }),
  }),
});
