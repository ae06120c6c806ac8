import { z } from "zod";
import { msg } from "../../i18n.js";
import { builder } from "../../builder.js";
import type { Shift as ShiftRow, ShiftClaim as ShiftClaimRow } from "../../generated/prisma/client.js";
import { dateTime, defineMutation, globalId, nonEmpty, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { SPECIALTIES, Specialty } from "../volunteer/volunteer.type.js";
import { checkIn, checkOut } from "./checkin.service.js";
import * as shifts from "./shift.service.js";
import { ApplyTo, CheckInMethod, Shift, ShiftClaim, ShiftKind } from "./shift.type.js";
import { E, enumValues } from "../../lib/enums.js";

const KINDS = enumValues(E.ShiftKind);
const text = (max: number) => z.string().trim().max(max).nullish();
const capacity = z.number().int().min(1, msg("至少1个名额", "At least 1 seat")).max(500, msg("最多500个名额", "At most 500 seats"));

const RepeatInput = builder.inputType("ShiftRepeatInput", {
  description: "Weekly series: the shift's time of day on these weekdays until the date (Asia/Shanghai)",
  fields: (t) => ({
    weekdays: t.intList({ required: true, description: "ISO weekdays: 1 = Monday … 7 = Sunday" }),
    until: t.field({ type: "DateTime", required: true }),
  }),
});

const shiftsPayload = (t: PayloadFieldBuilder<{ shifts: ShiftRow[] }>) => ({
  shift: t.field({ type: Shift, nullable: true, description: "The first shift", resolve: (p) => p.shifts?.[0] ?? null }),
  shifts: t.field({ type: [Shift], nullable: true, description: "All shifts created or changed (a series gives several)", resolve: (p) => p.shifts ?? null }),
});

defineMutation("createShift", {
  description: "发布班次: publish a shift, or a weekly series (team leaders, officers)",
  inputFields: (t) => ({
    teamId: t.id({ required: true }),
    squadId: t.id(),
    gridId: t.id(),
    kind: t.field({ type: ShiftKind, required: true }),
    title: t.string({ required: true }),
    place: t.string(),
    route: t.string(),
    startsAt: t.field({ type: "DateTime", required: true }),
    endsAt: t.field({ type: "DateTime", required: true }),
    capacity: t.int({ required: true }),
    requiredSpecialty: t.field({ type: Specialty }),
    jointOfficerId: t.id({ description: "Account ID of the officer on a joint patrol (警民共巡)" }),
    notes: t.string(),
    repeat: t.field({ type: RepeatInput }),
  }),
  schema: z.object({
    teamId: globalId("Team"),
    squadId: globalId("Squad").nullish(),
    gridId: globalId("Grid").nullish(),
    kind: z.enum(KINDS),
    title: nonEmpty(80),
    place: text(120),
    route: text(1000),
    startsAt: dateTime(),
    endsAt: dateTime(),
    capacity,
    requiredSpecialty: z.enum(SPECIALTIES).nullish(),
    jointOfficerId: z.string().uuid("Not a valid account ID").nullish(),
    notes: text(2000),
    repeat: z
      .object({
        weekdays: z.array(z.number().int().min(1).max(7)).min(1, msg("至少选择一天", "Pick at least one weekday")).max(7),
        until: dateTime(),
      })
      .nullish(),
  }),
  resolve: async (input, ctx) => shifts.createShift(ctx.viewer!, input),
  payloadFields: shiftsPayload,
});

defineMutation("updateShift", {
  description: "Edit a shift not yet started; for a series, this one or all later ones",
  inputFields: (t) => ({
    shiftId: t.id({ required: true }),
    applyTo: t.field({ type: ApplyTo, defaultValue: "THIS_SHIFT" }),
    squadId: t.id(),
    gridId: t.id(),
    kind: t.field({ type: ShiftKind }),
    title: t.string(),
    place: t.string(),
    route: t.string(),
    startsAt: t.field({ type: "DateTime" }),
    endsAt: t.field({ type: "DateTime" }),
    capacity: t.int(),
    requiredSpecialty: t.field({ type: Specialty }),
    notes: t.string(),
  }),
  schema: z.object({
    shiftId: globalId("Shift"),
    applyTo: z.enum(["THIS_SHIFT", "FUTURE_SHIFTS"]).default("THIS_SHIFT"),
    squadId: globalId("Squad").nullish(),
    gridId: globalId("Grid").nullish(),
    kind: z.enum(KINDS).nullish(),
    title: nonEmpty(80).nullish(),
    place: text(120),
    route: text(1000),
    startsAt: dateTime().nullish(),
    endsAt: dateTime().nullish(),
    capacity: capacity.nullish(),
    requiredSpecialty: z.enum(SPECIALTIES).nullish(),
    notes: text(2000),
  }),
  resolve: async (input, ctx) => shifts.updateShift(ctx.viewer!, input, ctx.clientAddress),
  payloadFields: shiftsPayload,
});

defineMutation("cancelShift", {
  description: "Cancel a shift (or it and the later ones of its series); claimants are notified and released",
  inputFields: (t) => ({
    shiftId: t.id({ required: true }),
    reason: t.string({ required: true }),
    applyTo: t.field({ type: ApplyTo, defaultValue: "THIS_SHIFT" }),
  }),
  schema: z.object({
    shiftId: globalId("Shift"),
    reason: nonEmpty(200),
    applyTo: z.enum(["THIS_SHIFT", "FUTURE_SHIFTS"]).default("THIS_SHIFT"),
  }),
  resolve: async (input, ctx) => shifts.cancelShift(ctx.viewer!, input, ctx.clientAddress),
  payloadFields: shiftsPayload,
});

const withShift = (claim: ShiftClaimRow, shift: ShiftRow | null): ShiftClaimRow => (shift?.id === claim.shiftId ? Object.assign({}, claim, { shift }) : claim);

const claimPayload = (t: PayloadFieldBuilder<{ claim: ShiftClaimRow; shift: ShiftRow }>) => ({
  // The claim with its shift as the service read it under the shift's lock: the claim's access check
  // (ShiftClaim's authScopes) decides on it without reading the shift again (a statement per claim).
  claim: t.field({ type: ShiftClaim, nullable: true, resolve: (p) => (p.claim ? withShift(p.claim, p.shift ?? null) : null) }),
  shift: t.field({ type: Shift, nullable: true, resolve: (p) => p.shift ?? null }),
});

defineMutation("claimShift", {
  description: "认领班次: CONFIRMED while seats are left, otherwise WAITLISTED; claiming again returns the same claim",
  inputFields: (t) => ({ shiftId: t.id({ required: true }) }),
  schema: z.object({ shiftId: globalId("Shift") }),
  resolve: async (input, ctx) => shifts.claimShift(ctx.viewer!, input),
  payloadFields: claimPayload,
});

defineMutation("assignShift", {
  description: "A leader or officer puts a volunteer on a shift (same rules as claiming)",
  inputFields: (t) => ({ shiftId: t.id({ required: true }), volunteerId: t.id({ required: true }) }),
  schema: z.object({ shiftId: globalId("Shift"), volunteerId: globalId("Volunteer") }),
  resolve: async (input, ctx) => shifts.assignShift(ctx.viewer!, input),
  payloadFields: claimPayload,
});

defineMutation("cancelShiftClaim", {
  description: "Give up a claim (or, as a leader, remove someone); the first waitlisted volunteer gets the seat",
  inputFields: (t) => ({ claimId: t.id({ required: true }) }),
  schema: z.object({ claimId: globalId("ShiftClaim") }),
  resolve: async (input, ctx) => shifts.cancelShiftClaim(ctx.viewer!, input),
  payloadFields: claimPayload,
});

const coordinate = (min: number, max: number) => z.number().min(min).max(max).nullish();
const singleClaim = (t: PayloadFieldBuilder<{ claim: ShiftClaimRow }>) => ({
  claim: t.field({ type: ShiftClaim, nullable: true, resolve: (p) => p.claim ?? null }),
});

defineMutation("checkIn", {
  description: "签到: from 30 minutes before the start until the end; repeating it changes nothing",
  inputFields: (t) => ({
    claimId: t.id({ required: true }),
    method: t.field({ type: CheckInMethod, required: true }),
    latitude: t.float(),
    longitude: t.float(),
    code: t.string({ description: "The post code, for QR" }),
  }),
  schema: z.object({
    claimId: globalId("ShiftClaim"),
    method: z.enum(E.CheckInMethod),
    latitude: coordinate(-90, 90),
    longitude: coordinate(-180, 180),
    code: z.string().trim().max(32).nullish(),
  }),
  resolve: async (input, ctx) => checkIn(ctx.viewer!, input),
  payloadFields: singleClaim,
});

defineMutation("checkOut", {
  description: "签退: until 2 hours after the end; records the minutes served",
  inputFields: (t) => ({
    claimId: t.id({ required: true }),
    method: t.field({ type: CheckInMethod, defaultValue: "QR" }),
  }),
  schema: z.object({ claimId: globalId("ShiftClaim"), method: z.enum(E.CheckInMethod).default("QR") }),
  resolve: async (input, ctx) => checkOut(ctx.viewer!, input),
  payloadFields: singleClaim,
});
