// 审计日志: services record what they changed, in the same transaction as the change. The summary says
// what changed in words and numbers and never holds a phone, an ID number or a legal name.
import type { Viewer } from "../../auth/viewer.js";
import { prisma, type Tx } from "../../db.js";

export interface AuditInput {
  /** The acting viewer, or null for the system or an anonymous caller. */
  actor: Pick<Viewer, "accountId"> | null;
  stationId?: string | null;
  /** A dotted action name, e.g. "role.grant", "points.adjust", "account.disable". */
  action: string;
  targetType?: string | null;
  targetId?: string | null;
  summary?: string;
  clientAddress?: string | null;
}

export async function recordAudit(db: Tx | typeof prisma, e: AuditInput): Promise<void> {
  await db.auditEntry.create({
    data: {
      actorId: e.actor?.accountId ?? null,
      stationId: e.stationId ?? null,
      action: e.action,
      targetType: e.targetType ?? null,
      targetId: e.targetId ?? null,
      summary: e.summary ?? "",
      clientAddress: e.clientAddress ?? null,
    },
  });
}
