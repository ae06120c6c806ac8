import { z } from "zod";
import type { Enrollment as EnrollmentRow, Volunteer as VolunteerRow } from "../../generated/prisma/client.js";
import { defineMutation, globalId, nonEmpty, phoneNumber, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { idNumberValid, normaliseIdNumber } from "../../lib/identity.js";
import { Viewer } from "../account/account.type.js";
import { Enrollment, SPECIALTIES, Specialty } from "./volunteer.type.js";
import * as volunteers from "./volunteer.service.js";

export const password = z.string().min(8, msg("密码至少8位", "Password needs at least 8 characters")).max(128, msg("密码最多128位", "At most 128 characters"));

const enrollmentPayload = (t: PayloadFieldBuilder<{ enrollment: EnrollmentRow; activationCode: string }>) => ({
  enrollment: t.field({ type: Enrollment, nullable: true, resolve: (p) => p.enrollment ?? null }),
  activationCode: t.string({
    nullable: true,
    description: "激活码: shown once; give it to the person, who activates with it (or, if they already use Linshe, signs in and accepts)",
    resolve: (p) => p.activationCode ?? null,
  }),
});

defineMutation("registerVolunteer", {
  description: "登记义警: an officer registers a resident in one of the station's teams; the person joins by activating with the code",
  inputFields: (t) => ({
    teamId: t.id({ required: true }),
    squadIds: t.idList({ description: "Squads of that team to join" }),
    name: t.string({ required: true, description: "Legal name" }),
    displayName: t.string({ description: "Public name; defaults to the legal name" }),
    phone: t.string({ required: true }),
    idNumber: t.string({ description: "ID card number (18 characters)" }),
    specialties: t.field({ type: [Specialty] }),
    skills: t.stringList(),
    partnerId: t.id({ description: "共建单位 the volunteer comes from" }),
  }),
  schema: z.object({
    teamId: globalId("Team"),
    squadIds: z.array(globalId("Squad")).max(20).nullish().transform((v) => v ?? []),
    name: nonEmpty(40),
    displayName: nonEmpty(40).nullish(),
    phone: phoneNumber,
    // The same rules as a sheet's 身份证号 column (import.service.ts): the check character too.
    idNumber: z
      .string()
      .transform(normaliseIdNumber)
      .pipe(
        z
          .string()
          .regex(/^\d{17}[\dX]$/, msg("身份证号格式不正确", "ID number must be 18 characters"))
          // Only for 18 well-formed characters: one error per mistake.
          .refine((id) => !/^\d{17}[\dX]$/.test(id) || idNumberValid(id), msg("身份证号校验位不正确", "The ID number's check digit is wrong")),
      )
      .nullish(),
    specialties: z.array(z.enum(SPECIALTIES)).nullish().transform((v) => v ?? []),
    skills: z.array(nonEmpty(40)).max(20).nullish().transform((v) => v ?? []),
    partnerId: globalId("Partner").nullish(),
  }),
  resolve: async (input, ctx) => volunteers.registerVolunteer(ctx.viewer!, input, ctx.clientAddress),
  payloadFields: enrollmentPayload,
});

defineMutation("renewEnrollmentCode", {
  description: "A new activation code for a registration (the old one stops working); officers",
  inputFields: (t) => ({ enrollmentId: t.id({ required: true }) }),
  schema: z.object({ enrollmentId: globalId("Enrollment") }),
  resolve: async (input, ctx) => volunteers.renewEnrollmentCode(ctx.viewer!, input, ctx.clientAddress),
  payloadFields: enrollmentPayload,
});

const singleEnrollment = (t: PayloadFieldBuilder<{ enrollment: EnrollmentRow }>) => ({
  enrollment: t.field({ type: Enrollment, nullable: true, resolve: (p) => p.enrollment ?? null }),
});

defineMutation("cancelEnrollment", {
  description: "Withdraw a registration nobody has activated yet (officers)",
  inputFields: (t) => ({ enrollmentId: t.id({ required: true }) }),
  schema: z.object({ enrollmentId: globalId("Enrollment") }),
  resolve: async (input, ctx) => ({ enrollment: await volunteers.cancelEnrollment(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: singleEnrollment,
});

defineMutation("acceptEnrollment", {
  description: "接受邀请: join the team a station registered your phone in, with the activation code the station gave you",
  inputFields: (t) => ({
    enrollmentId: t.id({ required: true }),
    code: t.string({ required: true, description: "The registration's activation code (as printed; spaces, dashes and case do not matter)" }),
  }),
  schema: z.object({ enrollmentId: globalId("Enrollment"), code: nonEmpty(20) }),
  resolve: async (input, ctx) => ({ enrollment: await volunteers.acceptEnrollment(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: singleEnrollment,
});

defineMutation("declineEnrollment", {
  description: "Decline a station's registration of your phone, with its activation code (as for accepting)",
  inputFields: (t) => ({
    enrollmentId: t.id({ required: true }),
    code: t.string({ required: true, description: "The registration's activation code (as printed; spaces, dashes and case do not matter)" }),
  }),
  schema: z.object({ enrollmentId: globalId("Enrollment"), code: nonEmpty(20) }),
  resolve: async (input, ctx) => ({ enrollment: await volunteers.declineEnrollment(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: singleEnrollment,
});

defineMutation("activateAccount", {
  description: "激活账号: set your password with the one-time code from your station, and sign in",
  access: "public",
  inputFields: (t) => ({
    phone: t.string({ required: true }),
    code: t.string({ required: true }),
    password: t.string({ required: true }),
    acceptTerms: t.boolean({ required: true, description: "Consent to the rules and the privacy notice" }),
  }),
  schema: z.object({ phone: phoneNumber, code: nonEmpty(20), password, acceptTerms: z.boolean() }),
  resolve: async (input, ctx) => {
    const result = await volunteers.activateAccount(input, ctx.clientAddress);
    ctx.viewer = result.viewer; // the rest of this response is read as the new account
    return result;
  },
  payloadFields: (t) => ({
    token: t.string({ nullable: true, resolve: (p) => p.token ?? null }),
    expiresAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.expiresAt ?? null }),
    viewer: t.field({ type: Viewer, nullable: true, resolve: (p) => p.viewer ?? null }),
  }),
});

defineMutation("updateMyPrivacy", {
  description: "A volunteer's choices: appear on leaderboards, show the legal name on the board, show a leader's phone to their teams",
  inputFields: (t) => ({
    publicRanking: t.boolean(),
    showLegalNameOnBoard: t.boolean(),
    sharePhoneWithTeam: t.boolean({ description: "Leaders: show my phone to my teams' members on the shifts I lead" }),
  }),
  schema: z.object({ publicRanking: z.boolean().nullish(), showLegalNameOnBoard: z.boolean().nullish(), sharePhoneWithTeam: z.boolean().nullish() }),
  resolve: async (input, ctx) => ({ volunteer: (await volunteers.updateMyPrivacy(ctx.viewer!, input)) as VolunteerRow }),
  payloadFields: (t) => ({ volunteer: t.prismaField({ type: "Volunteer", nullable: true, resolve: (_q, p) => p.volunteer ?? null }) }),
});
