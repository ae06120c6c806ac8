import { z } from "zod";
import { prisma } from "../../db.js";
import type { PatrolReport as ReportRow } from "../../generated/prisma/client.js";
import { dateTime, defineMutation, globalId, nonEmpty, optionalText, requestKey, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { MAX_PHOTOS } from "../../media/images.js";
import { isUpload } from "../../media/upload.js";
import * as service from "./report.service.js";
import { PatrolReportCategory } from "./report.type.js";
import { E, enumValues } from "../../lib/enums.js";

const CATEGORIES = enumValues(E.PatrolReportCategory);
const photos = z
  .array(z.custom<import("../../media/upload.js").UploadFile>(isUpload, { message: msg("不是文件", "Not a file") }))
  .max(MAX_PHOTOS, msg(`最多上传${MAX_PHOTOS}张照片`, `At most ${MAX_PHOTOS} photos`))
  .nullish();

const reportPayload = (t: PayloadFieldBuilder<{ report: ReportRow }>) => ({
  // Read again with the selection asked for (relations, names) in one statement.
  report: t.prismaField({ type: "PatrolReport", nullable: true, resolve: (query, p) => (p.report ? prisma.patrolReport.findUnique({ ...query, where: { id: p.report.id } }) : null) }),
});

defineMutation("submitPatrolReport", {
  description: "上报隐患: a member reports what a patrol found, with up to 6 photos (multipart); during a shift it links to it",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    shiftId: t.id({ description: "The shift it was found on; by default the one the reporter is checked in to" }),
    gridId: t.id({ description: "The grid; by default the shift's, else the nearest to the location" }),
    category: t.field({ type: PatrolReportCategory, required: true }),
    description: t.string({ required: true }),
    place: t.string(),
    latitude: t.float(),
    longitude: t.float(),
    photos: t.field({ type: ["Upload"], description: `JPEG, PNG or WebP, at most ${MAX_PHOTOS} of 10 MB each; EXIF (GPS included) is removed` }),
    requestId: t.string({
      description: "A key the app makes once per report (again when the form is changed): sending it again, even in parallel, answers the report the first made, its photos not stored twice",
    }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    shiftId: globalId("Shift").nullish(),
    gridId: globalId("Grid").nullish(),
    category: z.enum(CATEGORIES),
    description: nonEmpty(2000),
    place: optionalText(120),
    latitude: z.number().min(-90).max(90).nullish(),
    longitude: z.number().min(-180).max(180).nullish(),
    photos,
    requestId: requestKey(),
  }),
  resolve: async (input, ctx) => ({ report: await service.submitPatrolReport(ctx.viewer!, input) }),
  payloadFields: reportPayload,
});

defineMutation("assignPatrolReport", {
  description: "分派: an officer assigns a report to one officer, team or partner, with an optional due date",
  inputFields: (t) => ({
    reportId: t.id({ required: true }),
    officerId: t.id({ description: "An officer of the station (StationOfficer.id)" }),
    teamId: t.id({ description: "A team of the station, e.g. the grid's team" }),
    partnerId: t.id({ description: "A partner of the station, e.g. the property manager" }),
    dueAt: t.field({ type: "DateTime" }),
    note: t.string(),
  }),
  schema: z.object({
    reportId: globalId("PatrolReport"),
    officerId: globalId("Officer").nullish(),
    teamId: globalId("Team").nullish(),
    partnerId: globalId("Partner").nullish(),
    dueAt: dateTime().nullish(),
    note: optionalText(500),
  }),
  resolve: async (input, ctx) => ({ report: await service.assignPatrolReport(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: reportPayload,
});

defineMutation("resolvePatrolReport", {
  description: "办结: the assignee or an officer closes an assigned report with a note and optional photos",
  inputFields: (t) => ({
    reportId: t.id({ required: true }),
    note: t.string({ required: true }),
    photos: t.field({ type: ["Upload"] }),
  }),
  schema: z.object({ reportId: globalId("PatrolReport"), note: nonEmpty(2000), photos }),
  resolve: async (input, ctx) => ({ report: await service.resolvePatrolReport(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: reportPayload,
});

defineMutation("referPatrolReport", {
  description: "移交: an officer refers a report to another department (named)",
  inputFields: (t) => ({ reportId: t.id({ required: true }), department: t.string({ required: true }), note: t.string() }),
  schema: z.object({ reportId: globalId("PatrolReport"), department: nonEmpty(80), note: optionalText(500) }),
  resolve: async (input, ctx) => ({ report: await service.referPatrolReport(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: reportPayload,
});

defineMutation("rejectPatrolReport", {
  description: "不予受理: an officer rejects a report with a reason the reporter sees",
  inputFields: (t) => ({ reportId: t.id({ required: true }), reason: t.string({ required: true }) }),
  schema: z.object({ reportId: globalId("PatrolReport"), reason: nonEmpty(500) }),
  resolve: async (input, ctx) => ({ report: await service.rejectPatrolReport(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: reportPayload,
});
