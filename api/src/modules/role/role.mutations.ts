import { z } from "zod";
import { loadViewer } from "../../auth/viewer.js";
import type { AccountRole } from "../../generated/prisma/client.js";
import { defineMutation, globalId, nonEmpty, phoneNumber, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { confirmRoleOffer, grantRole, revokeRole, withdrawRoleOffer } from "./role.service.js";
import { GrantedRole, RoleAssignment, RoleOffer, type RoleOfferShape } from "./role.type.js";

defineMutation("grantRole", {
  description:
    "任命: platform admins appoint region admins, region admins officers of their stations, officers partner admins of their partners. A phone without an account gets one with a one-time activation code, shown once",
  inputFields: (t) => ({
    phone: t.string({ required: true }),
    role: t.field({ type: GrantedRole, required: true, description: "REGION_ADMIN, OFFICER or PARTNER_ADMIN" }),
    regionId: t.id({ description: "For REGION_ADMIN" }),
    stationId: t.id({ description: "For OFFICER" }),
    partnerId: t.id({ description: "For PARTNER_ADMIN" }),
    displayName: t.string({ required: true, description: "Name shown for the account (used when the account is new)" }),
  }),
  schema: z.object({
    phone: phoneNumber,
    role: z.enum(["REGION_ADMIN", "OFFICER", "PARTNER_ADMIN"], { error: msg("平台管理员只能用命令行创建", "Platform admins are made with the CLI only") }),
    regionId: globalId("Region").nullish(),
    stationId: globalId("Station").nullish(),
    partnerId: globalId("Partner").nullish(),
    displayName: nonEmpty(40),
  }),
  resolve: async (input, ctx) => grantRole({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input),
  payloadFields: (t: PayloadFieldBuilder<{ assignment: AccountRole | null; activationCode: string | null; codeExpiresAt: Date | null; confirmationNeeded: boolean; offer: RoleOfferShape | null }>) => ({
    offer: t.field({ type: RoleOffer, nullable: true, description: "The appointment waiting for the person's code, when confirmationNeeded (as Station.roleOffers lists it)", resolve: (p) => p.offer ?? null }),
    assignment: t.field({ type: RoleAssignment, nullable: true, description: "The role in effect (null while it waits for the person's confirmation)", resolve: (p) => p.assignment ?? null }),
    activationCode: t.string({
      nullable: true,
      description:
        "Shown once, for the grantor to hand to the person: the 激活码 of a new account (used on /activate), or, when someone uses the account already, the 确认码 that account enters to take up the role (confirmRoleOffer). Null when the account already holds the role",
      resolve: (p) => p.activationCode ?? null,
    }),
    codeExpiresAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.codeExpiresAt ?? null }),
    confirmationNeeded: t.boolean({
      description: "The account is in use: the role takes effect only when it enters activationCode (nothing proves an account's phone is its owner's)",
      resolve: (p) => !!p.confirmationNeeded,
    }),
  }),
});

defineMutation("confirmRoleOffer", {
  description: "确认任命: take up a role granted to your account, with the code the person who appointed you handed you",
  inputFields: (t) => ({
    offerId: t.id({ required: true }),
    code: t.string({ required: true, description: "The code as handed over (spaces, dashes and case do not matter)" }),
  }),
  schema: z.object({ offerId: globalId("RoleOffer"), code: nonEmpty(20) }),
  resolve: async (input, ctx) => {
    const assignment = await confirmRoleOffer({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input);
    // The rest of this response is read with the new role (its station, say).
    ctx.viewer = (await loadViewer(ctx.viewer!.accountId, ctx.viewer!.sessionId)) ?? ctx.viewer;
    return { assignment };
  },
  payloadFields: (t: PayloadFieldBuilder<{ assignment: AccountRole }>) => ({
    assignment: t.field({ type: RoleAssignment, nullable: true, resolve: (p) => p.assignment ?? null }),
  }),
});

defineMutation("revokeRole", {
  description: "撤销 a granted role (whoever may grant it); the person's open connections reconnect without it",
  inputFields: (t) => ({ assignmentId: t.id({ required: true }) }),
  schema: z.object({ assignmentId: globalId("RoleAssignment") }),
  resolve: async (input, ctx) => revokeRole({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input),
  payloadFields: (t: PayloadFieldBuilder<{ revokedId: string }>) => ({
    revokedId: t.id({ nullable: true, resolve: (p) => (p.revokedId ? Buffer.from(`RoleAssignment:${p.revokedId}`).toString("base64") : null) }),
  }),
});

defineMutation("withdrawRoleOffer", {
  description: "撤回 an appointment still waiting for the person's 确认码 (whoever may grant that role there)",
  inputFields: (t) => ({ offerId: t.id({ required: true }) }),
  schema: z.object({ offerId: globalId("RoleOffer") }),
  resolve: async (input, ctx) => withdrawRoleOffer({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input),
  payloadFields: (t: PayloadFieldBuilder<{ withdrawnId: string }>) => ({
    withdrawnId: t.id({ nullable: true, resolve: (p) => (p.withdrawnId ? Buffer.from(`RoleOffer:${p.withdrawnId}`).toString("base64") : null) }),
  }),
});
