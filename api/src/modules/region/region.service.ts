// 区域: county or city bureaus, created by platform admins.
import { assert } from "../../auth/policy.js";
import { prisma, TX } from "../../db.js";
import { recordAudit } from "../audit/audit.service.js";
import type { Actor } from "../station/station.service.js";
import { msg } from "../../i18n.js";

export async function createRegion({ viewer, clientAddress }: Actor, input: { name: string; city?: string | null }) {
  assert(viewer, "region.create", null, { message: msg("仅平台管理员可新建区域", "Only platform admins create regions") });
  return prisma.$transaction(async (tx) => {
    const region = await tx.region.create({ data: { name: input.name, city: input.city ?? "" } });
    await recordAudit(tx, { actor: viewer, action: "region.create", targetType: "Region", targetId: region.id, summary: `新建区域「${region.name}」`, clientAddress });
    return region;
  }, TX);
}
