import { z } from "zod";
import { prisma } from "../../db.js";
import type { Volunteer as VolunteerRow } from "../../generated/prisma/client.js";
import { defineMutation, globalId, optionalText, phoneNumber, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { password } from "../volunteer/volunteer.mutations.js";
import * as accounts from "./account.service.js";
import { Viewer } from "./account.type.js";

defineMutation("signIn", {
  description: "Sign in with phone and password; send the token as `Authorization: Bearer <token>`",
  access: "public",
  inputFields: (t) => ({
    phone: t.string({ required: true }),
    password: t.string({ required: true }),
  }),
  schema: z.object({ phone: phoneNumber, password: z.string().min(1, msg("必填", "Required")).max(128) }),
  resolve: async (input, ctx) => {
    const result = await accounts.signIn(input.phone, input.password, ctx.clientAddress);
    // The rest of this response is read as the account that just signed in.
    ctx.viewer = result.viewer;
    return result;
  },
  payloadFields: (t) => ({
    token: t.string({ nullable: true, resolve: (p) => p.token ?? null }),
    expiresAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.expiresAt ?? null }),
    viewer: t.field({ type: Viewer, nullable: true, resolve: (p) => p.viewer ?? null }),
  }),
});

const done = (t: PayloadFieldBuilder<{ ok: boolean; sessionsEnded: number }>) => ({
  ok: t.boolean({ nullable: true, resolve: (p) => p.ok ?? null }),
  sessionsEnded: t.int({ nullable: true, description: "Sessions that were ended", resolve: (p) => p.sessionsEnded ?? null }),
});

defineMutation("signOut", {
  description: "退出登录: end this token's session (its open connections close)",
  inputFields: (t) => ({ reason: t.string({ description: "Optional, for your own records" }) }),
  schema: z.object({ reason: optionalText(200) }).nullish(),
  resolve: async (_input, ctx) => ({ ...(await accounts.signOut(ctx.viewer!)), sessionsEnded: 1 }),
  payloadFields: done,
});

defineMutation("signOutEverywhere", {
  description: "在所有设备退出: end every session of this account",
  inputFields: (t) => ({ reason: t.string() }),
  schema: z.object({ reason: optionalText(200) }).nullish(),
  resolve: async (_input, ctx) => accounts.signOutEverywhere(ctx.viewer!),
  payloadFields: done,
});

defineMutation("changePassword", {
  description: "修改密码: needs the current password; other sessions end",
  inputFields: (t) => ({ currentPassword: t.string({ required: true }), newPassword: t.string({ required: true }) }),
  schema: z.object({ currentPassword: z.string().min(1, msg("必填", "Required")).max(128), newPassword: password }),
  resolve: async (input, ctx) => accounts.changePassword(ctx.viewer!, input, ctx.clientAddress),
  payloadFields: done,
});

defineMutation("closeMyAccount", {
  description:
    "注销账号: close your own account with its password. You leave every team, your future seats go to the waitlist, and your name, phone, ID number, inbox and settings are erased; your past shifts, hours, points and good deeds stay under 已注销. Refused while you hold a role (ask whoever appointed you to revoke it)",
  inputFields: (t) => ({ password: t.string({ required: true }) }),
  schema: z.object({ password: z.string().min(1, msg("必填", "Required")).max(128) }),
  resolve: async (input, ctx) => accounts.closeMyAccount(ctx.viewer!, input, ctx.clientAddress),
  payloadFields: done,
});

defineMutation("resetVolunteerPassword", {
  description: "重置密码 of a volunteer of your station (officers): a one-time code, shown once, to give to the person",
  inputFields: (t) => ({ volunteerId: t.id({ required: true }) }),
  schema: z.object({ volunteerId: globalId("Volunteer") }),
  resolve: async (input, ctx) => accounts.resetVolunteerPassword(ctx.viewer!, input, ctx.clientAddress),
  payloadFields: (t: PayloadFieldBuilder<{ code: string; expiresAt: Date; volunteer: VolunteerRow }>) => ({
    code: t.string({ nullable: true, description: "Shown once; the person sets a new password with it (activateAccount)", resolve: (p) => p.code ?? null }),
    expiresAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.expiresAt ?? null }),
    volunteer: t.prismaField({ type: "Volunteer", nullable: true, resolve: (_q, p) => p.volunteer ?? null }),
  }),
});

const disablePayload = (t: PayloadFieldBuilder<{ volunteer: VolunteerRow }>) => ({
  // Read again after the change, with what the selection asks (its account state is the new one).
  volunteer: t.prismaField({ type: "Volunteer", nullable: true, resolve: (query, p) => (p.volunteer ? prisma.volunteer.findUnique({ ...query, where: { id: p.volunteer.id } }) : null) }),
});

defineMutation("disableAccount", {
  description: "停用账号 of a volunteer of your station (officers): they are signed out everywhere at once",
  inputFields: (t) => ({ volunteerId: t.id({ required: true }), reason: t.string({ required: true }) }),
  schema: z.object({ volunteerId: globalId("Volunteer"), reason: z.string().trim().min(1, msg("请填写原因", "Give a reason")).max(200) }),
  resolve: async (input, ctx) => accounts.setAccountDisabled(ctx.viewer!, { ...input, disabled: true }, ctx.clientAddress),
  payloadFields: disablePayload,
});

defineMutation("enableAccount", {
  description: "恢复账号 of a volunteer of your station (officers)",
  inputFields: (t) => ({ volunteerId: t.id({ required: true }) }),
  schema: z.object({ volunteerId: globalId("Volunteer") }),
  resolve: async (input, ctx) => accounts.setAccountDisabled(ctx.viewer!, { ...input, disabled: false }, ctx.clientAddress),
  payloadFields: disablePayload,
});
