import { z } from "zod";
import { loadViewer } from "../../auth/viewer.js";
import type { TeamInvite, TeamMembership } from "../../generated/prisma/client.js";
import { dateTime, defineMutation, globalId, nonEmpty, phoneNumber, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { Viewer } from "../account/account.type.js";
import { password } from "../volunteer/volunteer.mutations.js";
import { SPECIALTIES, Specialty } from "../volunteer/volunteer.type.js";
import * as invites from "./invite.service.js";
import { TeamInviteRef } from "./invite.type.js";

const code = z
  .string()
  .trim()
  .min(1, msg("必填", "Required"))
  .max(40)
  .transform((c) => c.toUpperCase());

const invitePayload = (t: PayloadFieldBuilder<{ invite: TeamInvite }>) => ({
  invite: t.field({ type: TeamInviteRef, nullable: true, resolve: (p) => p.invite ?? null }),
});

defineMutation("createTeamInvite", {
  description: "邀请入队: a link and QR code for a team (and optionally one squad); people who use it wait for approval",
  inputFields: (t) => ({
    teamId: t.id({ required: true }),
    squadId: t.id({ description: "Join this squad of the team too" }),
    expiresAt: t.field({ type: "DateTime", required: true }),
    maxUses: t.int({ required: true, description: "How many people may use it (1–10000)" }),
  }),
  schema: z.object({
    teamId: globalId("Team"),
    squadId: globalId("Squad").nullish(),
    expiresAt: dateTime(),
    maxUses: z.number().int().min(1, msg("至少1人", "At least 1")).max(10_000, msg("最多10000人", "At most 10000")),
  }),
  resolve: async (input, ctx) => ({ invite: await invites.createTeamInvite({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input) }),
  payloadFields: invitePayload,
});

defineMutation("revokeTeamInvite", {
  description: "停用 an invitation: its link stops working (memberships already asked for stay to be decided)",
  inputFields: (t) => ({ inviteId: t.id({ required: true }) }),
  schema: z.object({ inviteId: globalId("TeamInvite") }),
  resolve: async (input, ctx) => ({ invite: await invites.revokeTeamInvite({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input) }),
  payloadFields: invitePayload,
});

const membershipPayload = (t: PayloadFieldBuilder<{ membership: TeamMembership }>) => ({
  membership: t.prismaField({ type: "TeamMembership", nullable: true, resolve: (_q, p) => p.membership ?? null }),
});

defineMutation("joinTeam", {
  description: "扫码入队 (public): a new resident asks to join through an invitation and is signed in; the membership waits for approval",
  access: "public",
  inputFields: (t) => ({
    code: t.string({ required: true }),
    name: t.string({ required: true, description: "Legal name" }),
    displayName: t.string({ description: "Public name; defaults to the legal name" }),
    phone: t.string({ required: true }),
    password: t.string({ required: true }),
    specialties: t.field({ type: [Specialty] }),
    acceptTerms: t.boolean({ required: true, description: "Consent to the rules and the privacy notice" }),
  }),
  schema: z.object({
    code,
    name: nonEmpty(40),
    displayName: nonEmpty(40).nullish(),
    phone: phoneNumber,
    password,
    specialties: z.array(z.enum(SPECIALTIES)).max(8).nullish().transform((v) => v ?? []),
    acceptTerms: z.boolean(),
  }),
  resolve: async (input, ctx) => {
    const result = await invites.joinTeam(input, ctx.clientAddress);
    ctx.viewer = result.viewer; // the rest of this response is read as the new account
    return result;
  },
  payloadFields: (t) => ({
    token: t.string({ nullable: true, resolve: (p) => p.token ?? null }),
    expiresAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.expiresAt ?? null }),
    viewer: t.field({ type: Viewer, nullable: true, resolve: (p) => p.viewer ?? null }),
    membership: t.prismaField({ type: "TeamMembership", nullable: true, resolve: (_q, p) => p.membership ?? null }),
  }),
});

defineMutation("acceptTeamInvite", {
  description: "接受邀请 signed in: the only way an existing account joins another team or station; waits for approval",
  inputFields: (t) => ({
    code: t.string({ required: true }),
    name: t.string({ description: "Legal name, if the account is not a volunteer yet" }),
    displayName: t.string(),
    specialties: t.field({ type: [Specialty] }),
  }),
  schema: z.object({
    code,
    name: nonEmpty(40).nullish(),
    displayName: nonEmpty(40).nullish(),
    specialties: z.array(z.enum(SPECIALTIES)).max(8).nullish(),
  }),
  resolve: async (input, ctx) => {
    const membership = await invites.acceptTeamInvite({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input);
    // An account that just became a volunteer reads its new membership with its new rights.
    if (!ctx.viewer!.volunteerId) ctx.viewer = (await loadViewer(ctx.viewer!.accountId, ctx.viewer!.sessionId)) ?? ctx.viewer;
    return { membership };
  },
  payloadFields: membershipPayload,
});

defineMutation("approveMembership", {
  description: "通过 an application to join (the team's leaders, the station's officers); the person is notified",
  inputFields: (t) => ({ membershipId: t.id({ required: true }) }),
  schema: z.object({ membershipId: globalId("TeamMembership") }),
  resolve: async (input, ctx) => ({ membership: await invites.approveMembership({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input) }),
  payloadFields: membershipPayload,
});

defineMutation("rejectMembership", {
  description: "驳回 an application to join, with a reason the person is told",
  inputFields: (t) => ({ membershipId: t.id({ required: true }), reason: t.string({ required: true }) }),
  schema: z.object({ membershipId: globalId("TeamMembership"), reason: nonEmpty(200) }),
  resolve: async (input, ctx) => invites.rejectMembership({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input),
  payloadFields: (t: PayloadFieldBuilder<{ rejectedId: string }>) => ({
    rejectedId: t.id({ nullable: true, resolve: (p) => (p.rejectedId ? Buffer.from(`TeamMembership:${p.rejectedId}`).toString("base64") : null) }),
  }),
});
