import { z } from "zod";
import type { Squad as SquadRow, Volunteer as VolunteerRow } from "../../generated/prisma/client.js";
import { defineMutation, globalId, nonEmpty, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { localize } from "../../i18n.js";
import { builder } from "../../builder.js";
import { MembershipStatus, Squad } from "../team/team.type.js";
import { SPECIALTIES, Specialty } from "../volunteer/volunteer.type.js";
import { importVolunteers, type ImportReport, type ImportRowError } from "./import.service.js";
import { addSquadMembers, exportVolunteers, setVolunteerStatus, updateVolunteer } from "./member.service.js";
import { DownloadFile } from "./member.type.js";
import { E } from "../../lib/enums.js";

const ids = (type: string) =>
  z
    .array(globalId(type))
    .min(1, msg("请至少选择一人", "Choose at least one person"))
    .max(100, msg("一次最多100人", "At most 100 at a time"));

defineMutation("setVolunteerStatus", {
  description: "义警状态 at a station (officers): ACTIVE, SUSPENDED or LEFT for up to 100 people, with a reason; all or nothing, audited, each person notified",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    volunteerIds: t.idList({ required: true }),
    status: t.field({ type: MembershipStatus, required: true }),
    reason: t.string({ required: true }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    volunteerIds: ids("Volunteer"),
    status: z.enum(["ACTIVE", "SUSPENDED", "LEFT"], { error: msg("只能设为在队、暂停或退出", "Only ACTIVE, SUSPENDED or LEFT") }),
    reason: nonEmpty(200),
  }),
  resolve: async (input, ctx) => setVolunteerStatus({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input),
  payloadFields: (t: PayloadFieldBuilder<{ changed: number; volunteers: VolunteerRow[] }>) => ({
    changed: t.int({ nullable: true, description: "How many people's standing changed", resolve: (p) => p.changed ?? null }),
    volunteers: t.prismaField({ type: ["Volunteer"], nullable: true, resolve: (_q, p) => p.volunteers ?? null }),
  }),
});

defineMutation("updateVolunteer", {
  description: "A volunteer's squads at this station and specialties (officers); audited",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    volunteerId: t.id({ required: true }),
    squadIds: t.idList({ description: "All of the person's squads at this station (replaces them)" }),
    specialties: t.field({ type: [Specialty], description: "Replaces the specialties" }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    volunteerId: globalId("Volunteer"),
    squadIds: z.array(globalId("Squad")).max(20).nullish(),
    specialties: z.array(z.enum(SPECIALTIES)).max(8).nullish(),
  }),
  resolve: async (input, ctx) => ({ volunteer: await updateVolunteer({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input) }),
  payloadFields: (t: PayloadFieldBuilder<{ volunteer: VolunteerRow }>) => ({
    volunteer: t.prismaField({ type: "Volunteer", nullable: true, resolve: (_q, p) => p.volunteer ?? null }),
  }),
});

defineMutation("addSquadMembers", {
  description: "加入小队 in bulk: up to 100 members of the squad's team join it",
  inputFields: (t) => ({ squadId: t.id({ required: true }), volunteerIds: t.idList({ required: true }) }),
  schema: z.object({ squadId: globalId("Squad"), volunteerIds: ids("Volunteer") }),
  resolve: async (input, ctx) => addSquadMembers({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input),
  payloadFields: (t: PayloadFieldBuilder<{ squad: SquadRow; added: number }>) => ({
    squad: t.field({ type: Squad, nullable: true, resolve: (p) => p.squad ?? null }),
    added: t.int({ nullable: true, resolve: (p) => p.added ?? null }),
  }),
});

defineMutation("exportVolunteers", {
  description: "导出名册 as .xlsx (officers): the filtered list, personal data as the policy shows it; audited",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    search: t.string(),
    teamId: t.id(),
    squadId: t.id(),
    specialty: t.field({ type: Specialty }),
    status: t.field({ type: MembershipStatus }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    search: z.string().trim().max(40).nullish(),
    teamId: globalId("Team").nullish(),
    squadId: globalId("Squad").nullish(),
    specialty: z.enum(SPECIALTIES).nullish(),
    status: z.enum(E.MembershipStatus).nullish(),
  }),
  resolve: async (input, ctx) => {
    const r = await exportVolunteers({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, { ...input, status: input.status ?? "ACTIVE" });
    return { file: { filename: r.filename, content: r.content }, rowCount: r.rowCount };
  },
  payloadFields: (t: PayloadFieldBuilder<{ file: { filename: string; content: Buffer }; rowCount: number }>) => ({
    file: t.field({ type: DownloadFile, nullable: true, resolve: (p) => p.file ?? null }),
    rowCount: t.int({ nullable: true, resolve: (p) => p.rowCount ?? null }),
  }),
});

const ImportError = builder.objectRef<ImportRowError>("ImportRowError").implement({
  description: "One bad cell or row of an import sheet",
  fields: (t) => ({
    row: t.exposeInt("row", { description: "Row number as the spreadsheet shows it (1 is the header)" }),
    column: t.string({ nullable: true, resolve: (e, _a, ctx) => (e.column ? localize(e.column, ctx.locale) : null) }),
    message: t.string({ resolve: (e, _a, ctx) => localize(e.message, ctx.locale) }),
  }),
});

const Report = builder.objectRef<ImportReport>("ImportReport").implement({
  description: "What an import sheet holds: rows read, rows that would become registrations, every bad row",
  fields: (t) => ({
    rowsRead: t.exposeInt("rowsRead"),
    rowsToCreate: t.exposeInt("rowsToCreate", { description: "Good rows (registrations made when committed)" }),
    errorCount: t.exposeInt("errorCount"),
    errors: t.field({ type: [ImportError], description: "Bad rows in row order (the first 1000)", resolve: (r) => r.errors }),
    committed: t.exposeBoolean("committed", { description: "Registrations were made (only when dryRun was false and no row was bad)" }),
    created: t.exposeInt("created"),
    codesFile: t.field({
      type: DownloadFile,
      nullable: true,
      description: "激活码 of everyone registered: shown once, for the officer to hand out",
      resolve: (r) => r.codesFile,
    }),
  }),
});

defineMutation("importVolunteers", {
  description:
    "批量导入 (officers): an .xlsx or .csv with 姓名, 手机号 and optionally 显示名, 身份证号, 小队, 特长, 共建单位, for one team. dryRun: the report only. Otherwise all or nothing: each person becomes a registration with an activation code (the codes come back once as a sheet)",
  inputFields: (t) => ({
    teamId: t.id({ required: true }),
    file: t.field({ type: "File", required: true }),
    dryRun: t.boolean({ required: true }),
  }),
  schema: z.object({ teamId: globalId("Team"), file: z.custom<File>((f) => typeof f === "object" && f !== null && typeof (f as File).arrayBuffer === "function", msg("请上传文件", "Upload a file")), dryRun: z.boolean() }),
  resolve: async (input, ctx) => {
    const report = await importVolunteers({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input);
    const userErrors =
      !input.dryRun && !report.committed && report.errorCount
        ? [{ code: "VALIDATION" as const, message: msg(`表格有${report.errorCount}处错误，未导入任何人`, `The sheet has ${report.errorCount} errors: nobody was imported`), field: ["input", "file"] }]
        : [];
    return { report, userErrors };
  },
  payloadFields: (t: PayloadFieldBuilder<{ report: ImportReport }>) => ({
    report: t.field({ type: Report, nullable: true, resolve: (p) => p.report ?? null }),
  }),
});
