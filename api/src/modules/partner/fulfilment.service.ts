// 履约: promised vs delivered per obligation and period, measured from real shift records.
import { clock } from "../../clock.js";
import { prisma } from "../../db.js";
import type { ObligationKind, ObligationPeriod } from "../../generated/prisma/client.js";

export type FulfilmentStatus = "ON_TRACK" | "AT_RISK" | "MISSED";

export interface ObligationFulfilment {
  obligationId: string;
  kind: ObligationKind;
  period: ObligationPeriod;
  description: string;
  teamId: string | null;
  squadId: string | null;
  periodStart: Date;
  periodEnd: Date;
  promised: number;
  /** null when the obligation cannot be measured from records (VENUE, OTHER) */
  delivered: number | null;
  percent: number | null;
  status: FulfilmentStatus | null;
}

const SHANGHAI = 8 * 3600_000;

/** The month / quarter / year (Asia/Shanghai) containing `at`. */
export function periodWindow(period: ObligationPeriod, at: Date): { start: Date; end: Date } {
  const local = new Date(at.getTime() + SHANGHAI);
  const y = local.getUTCFullYear();
  const m = local.getUTCMonth();
  const [from, months] = period === "MONTH" ? [m, 1] : period === "QUARTER" ? [Math.floor(m / 3) * 3, 3] : [0, 12];
  return { start: new Date(Date.UTC(y, from, 1) - SHANGHAI), end: new Date(Date.UTC(y, from + months, 1) - SHANGHAI) };
}

/** Met by the end → ON_TRACK, else MISSED; during the period, behind the pro-rata pace → AT_RISK. */
export function statusFor(promised: number, delivered: number, start: Date, end: Date, now: Date): FulfilmentStatus {
  if (now >= end) return delivered >= promised ? "ON_TRACK" : "MISSED";
  const elapsed = Math.max(0, Math.min(1, (now.getTime() - start.getTime()) / (end.getTime() - start.getTime())));
  return delivered >= promised || delivered >= promised * elapsed ? "ON_TRACK" : "AT_RISK";
}

interface Delivery {
  partnerId: string;
  teamId: string;
  squadId: string | null;
  personShifts: number;
  minutes: number;
  publicity: number;
}

async function deliveries(partnerIds: string[], start: Date, end: Date): Promise<Delivery[]> {
  const rows = await prisma.$queryRaw<{ partnerId: string; teamId: string; squadId: string | null; personShifts: bigint; minutes: bigint | null; publicity: bigint }[]>`
    SELECT v."partnerId", s."teamId", s."squadId",
           count(*) FILTER (WHERE s.kind IN ('PATROL', 'NIGHT_PATROL')) AS "personShifts",
           sum(c."minutesServed") FILTER (WHERE s.kind IN ('PATROL', 'NIGHT_PATROL')) AS minutes,
           count(DISTINCT s.id) FILTER (WHERE s.kind = 'PUBLICITY') AS publicity
    FROM "ShiftClaim" c
    JOIN "Shift" s ON s.id = c."shiftId"
    JOIN "Volunteer" v ON v.id = c."volunteerId"
    JOIN "Partner" p ON p.id = v."partnerId"
    WHERE c.status = 'COMPLETED' AND v."partnerId" = ANY(${partnerIds}::uuid[]) AND s."stationId" = p."stationId"
      AND s."startsAt" >= ${start} AND s."startsAt" < ${end}
    GROUP BY 1, 2, 3`;
  return rows.map((r) => ({ ...r, personShifts: Number(r.personShifts), minutes: Number(r.minutes ?? 0), publicity: Number(r.publicity) }));
}

/**
 * Patrol obligations count patrol and night-patrol shifts only; publicity obligations count
 * distinct publicity shifts where a partner volunteer served.
 * Fulfilment of the current version of each agreement, for the periods containing `at`.
 * A fixed number of statements whatever the number of agreements: obligations, then one per period kind.
 */
export async function fulfilmentOf(agreements: { id: string; partnerId: string; currentVersion: number }[], at = clock.now()) {
  const out = new Map<string, ObligationFulfilment[]>(agreements.map((a) => [a.id, []]));
  if (!agreements.length) return out;
  const obligations = await prisma.obligation.findMany({
    where: { version: { OR: agreements.map((a) => ({ agreementId: a.id, version: a.currentVersion })) } },
    include: { version: { select: { agreementId: true } } },
    orderBy: { position: "asc" },
  });
  const partnerOf = new Map(agreements.map((a) => [a.id, a.partnerId]));
  const partnerIds = [...new Set(agreements.map((a) => a.partnerId))];
  const byPeriod = new Map<ObligationPeriod, Delivery[]>();
  for (const period of new Set(obligations.map((o) => o.period))) {
    const { start, end } = periodWindow(period, at);
    byPeriod.set(period, await deliveries(partnerIds, start, end));
  }
  const now = clock.now();
  for (const o of obligations) {
    const { start, end } = periodWindow(o.period, at);
    const partnerId = partnerOf.get(o.version.agreementId)!;
    const rows = (byPeriod.get(o.period) ?? []).filter(
      (d) => d.partnerId === partnerId && (!o.teamId || d.teamId === o.teamId) && (!o.squadId || d.squadId === o.squadId),
    );
    const sum = (f: (d: Delivery) => number) => rows.reduce((n, d) => n + f(d), 0);
    const delivered =
      o.kind === "PATROL_PERSON_SHIFTS"
        ? sum((d) => d.personShifts)
        : o.kind === "PATROL_HOURS"
          ? Math.round((sum((d) => d.minutes) / 60) * 10) / 10
          : o.kind === "PUBLICITY_EVENTS"
            ? sum((d) => d.publicity)
            : null;
    out.get(o.version.agreementId)!.push({
      obligationId: o.id,
      kind: o.kind,
      period: o.period,
      description: o.description,
      teamId: o.teamId,
      squadId: o.squadId,
      periodStart: start,
      periodEnd: end,
      promised: o.quantity,
      delivered,
      percent: delivered === null ? null : Math.round((delivered / o.quantity) * 1000) / 10,
      status: delivered === null ? null : statusFor(o.quantity, delivered, start, end, now),
    });
  }
  return out;
}

/** Average percent over measurable obligations (capped at 100 each, so one over-delivery does not hide a miss). */
export function overallPercent(rows: ObligationFulfilment[]): number | null {
  const measured = rows.filter((r) => r.percent !== null);
  if (!measured.length) return null;
  return Math.round((measured.reduce((n, r) => n + Math.min(100, r.percent!), 0) / measured.length) * 10) / 10;
}
