import { z } from "zod";
import type { AccountRole } from "../../generated/prisma/client.js";
import { defineMutation, globalId, nonEmpty, phoneNumber, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { grantRole, revokeRole } from "./role.service.js";
import { GrantedRole, RoleAssignment } from "./role.type.js";

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
  payloadFields: (t: PayloadFieldBuilder<{ assignment: AccountRole; activationCode: string | null; codeExpiresAt: Date | null }>) => ({
    assignment: t.field({ type: RoleAssignment, nullable: true, resolve: (p) => p.assignment ?? null }),
    activationCode: t.string({
      nullable: true,
      description: "激活码, shown once: the person activates with it (null when the account already exists and needs none)",
      resolve: (p) => p.activationCode ?? null,
    }),
    codeExpiresAt: t.field({ type: "DateTime", nullable: true, resolve: (p) => p.codeExpiresAt ?? null }),
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
