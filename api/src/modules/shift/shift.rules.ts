// Pure rules about shifts and claims (time windows, distances), shared by services and GraphQL fields.
// Who may act on a shift is decided in auth/policy.ts.
import type { Prisma, Specialty } from "../../generated/prisma/client.js";

export const CHECK_IN_OPENS_MIN = 30;
export const CHECK_OUT_GRACE_MIN = 120;
export const ACTIVE_CLAIM = ["CONFIRMED", "WAITLISTED"] as const;

export interface ShiftLike {
  id: string;
  stationId: string;
  teamId: string;
  squadId: string | null;
  startsAt: Date;
  endsAt: Date;
  status: string;
}

export const minutes = (n: number) => n * 60_000;

export function checkInWindow(s: Pick<ShiftLike, "startsAt" | "endsAt">) {
  return { opens: new Date(s.startsAt.getTime() - minutes(CHECK_IN_OPENS_MIN)), closes: s.endsAt };
}

export function checkOutDeadline(s: Pick<ShiftLike, "endsAt">): Date {
  return new Date(s.endsAt.getTime() + minutes(CHECK_OUT_GRACE_MIN));
}

/** Great-circle distance in metres. */
export function distanceMeters(lat1: number, lng1: number, lat2: number, lng2: number): number {
  const R = 6_371_000;
  const rad = (d: number) => (d * Math.PI) / 180;
  const dLat = rad(lat2 - lat1);
  const dLng = rad(lng2 - lng1);
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(rad(lat1)) * Math.cos(rad(lat2)) * Math.sin(dLng / 2) ** 2;
  return 2 * R * Math.asin(Math.sqrt(a));
}

/** Minutes actually served: from check-in (not before the start) to check-out (not after the end). */
export function servedMinutes(s: Pick<ShiftLike, "startsAt" | "endsAt">, checkedInAt: Date, checkedOutAt: Date): number {
  const from = Math.max(s.startsAt.getTime(), checkedInAt.getTime());
  const to = Math.min(s.endsAt.getTime(), checkedOutAt.getTime());
  return Math.max(0, Math.round((to - from) / 60_000));
}

const SHANGHAI_OFFSET_MS = 8 * 3600_000; // Asia/Shanghai has no daylight saving.

/**
 * Occurrences of a weekly pattern: same local (Asia/Shanghai) time of day as `first`, on the given
 * ISO weekdays, from `first` through the local date of `until`.
 */
export function weeklyOccurrences(first: Date, durationMs: number, weekdays: number[], until: Date, max: number) {
  const out: { startsAt: Date; endsAt: Date }[] = [];
  const days = new Set(weekdays);
  const untilLocalDay = Math.floor((until.getTime() + SHANGHAI_OFFSET_MS) / 86_400_000);
  for (let t = first.getTime(); ; t += 86_400_000) {
    const localDay = Math.floor((t + SHANGHAI_OFFSET_MS) / 86_400_000);
    if (localDay > untilLocalDay) break;
    const isoWeekday = ((new Date(t + SHANGHAI_OFFSET_MS).getUTCDay() + 6) % 7) + 1;
    if (days.has(isoWeekday)) {
      if (out.length === max) throw new RangeError(`more than ${max} occurrences`);
      out.push({ startsAt: new Date(t), endsAt: new Date(t + durationMs) });
    }
  }
  return out;
}

/**
 * Who may be put on a shift (by a leader, an officer or a partner's contact): the same conditions
 * claimFor checks on the locked rows (active, the shift's team, its squad, its specialty, no
 * overlapping confirmed shift), as a query, so that pickers offer only people the claim will accept.
 * People already on the shift are left out. `partnerId`: only that partner's people (轮流出人).
 */
export function assignableWhere(
  s: Pick<ShiftLike, "id" | "teamId" | "squadId" | "startsAt" | "endsAt"> & { requiredSpecialty: Specialty | null },
  partnerId: string | null,
): Prisma.VolunteerWhereInput {
  return {
    status: "ACTIVE",
    ...(partnerId ? { partnerId } : {}),
    teams: { some: { teamId: s.teamId, status: "ACTIVE" } },
    ...(s.squadId ? { squads: { some: { squadId: s.squadId } } } : {}),
    ...(s.requiredSpecialty ? { specialties: { has: s.requiredSpecialty } } : {}),
    claims: {
      none: {
        OR: [
          { shiftId: s.id, status: { not: "CANCELLED" } },
          { status: "CONFIRMED", shiftId: { not: s.id }, shift: { status: "OPEN", startsAt: { lt: s.endsAt }, endsAt: { gt: s.startsAt } } },
        ],
      },
    },
  };
}
