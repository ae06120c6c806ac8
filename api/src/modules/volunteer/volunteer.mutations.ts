import { z } from "zod";
import type { Volunteer as VolunteerRow } from "../../generated/prisma/client.js";
import { defineMutation, globalId, nonEmpty, phoneNumber } from "../../graphql/mutation.js";
import { SPECIALTIES, Specialty, Volunteer } from "./volunteer.type.js";
import { registerVolunteer } from "./volunteer.service.js";


defineMutation("registerVolunteer", {
  description: "登记义警: an officer registers a resident in one of the station's teams",
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
    initialPassword: t.string({ description: "Creates a sign-in account with this password" }),
  }),
  schema: z.object({
    teamId: globalId("Team"),
    squadIds: z.array(globalId("Squad")).max(20).nullish().transform((v) => v ?? []),
    name: nonEmpty(40),
    displayName: nonEmpty(40).nullish(),
    phone: phoneNumber,
    idNumber: z
      .string()
      .trim()
      .regex(/^\d{17}[\dXx]$/, "ID number must be 18 characters / 身份证号格式不正确")
      .transform((s) => s.toUpperCase())
      .nullish(),
    specialties: z.array(z.enum(SPECIALTIES)).nullish().transform((v) => v ?? []),
    skills: z.array(nonEmpty(40)).max(20).nullish().transform((v) => v ?? []),
    partnerId: globalId("Partner").nullish(),
    initialPassword: z.string().min(8, "Password needs at least 8 characters / 密码至少8位").max(128).nullish(),
  }),
  resolve: async (input, ctx) => ({ volunteer: (await registerVolunteer(ctx.viewer!, input)) as VolunteerRow }),
  payloadFields: (t) => ({
    volunteer: t.field({ type: Volunteer, nullable: true, resolve: (p) => p.volunteer ?? null }),
  }),
});
