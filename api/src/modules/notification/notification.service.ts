// 通知: services write a notification in the same transaction as what caused it. Delivery (the inbox,
// live to open apps, SMS) reads the stored rows, so nothing is lost when the app is closed.
import { prisma, type Tx } from "../../db.js";
import type { NotificationKind } from "../../generated/prisma/client.js";

export interface NotifyInput {
  accountId: string;
  stationId?: string | null;
  kind: NotificationKind;
  title: string;
  body?: string;
  link?: string | null;
}

export async function notify(db: Tx | typeof prisma, n: NotifyInput | NotifyInput[]): Promise<void> {
  const rows = Array.isArray(n) ? n : [n];
  if (!rows.length) return;
  await db.notification.createMany({
    data: rows.map((r) => ({ accountId: r.accountId, stationId: r.stationId ?? null, kind: r.kind, title: r.title, body: r.body ?? "", link: r.link ?? null })),
  });
}

/** The accounts of volunteers (volunteers without an account are skipped: they have no inbox). */
export async function accountsOf(db: Tx | typeof prisma, volunteerIds: string[]): Promise<Map<string, string>> {
  if (!volunteerIds.length) return new Map();
  const rows = await db.account.findMany({ where: { volunteerId: { in: volunteerIds } }, select: { id: true, volunteerId: true } });
  return new Map(rows.map((r) => [r.volunteerId!, r.id]));
}
