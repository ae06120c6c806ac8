// Shifts and claims. Seat counts change only under the shift's row lock (SELECT … FOR UPDATE) inside
// a transaction, and CHECK constraints back them, so the rules hold across API processes.
import { randomInt } from "node:crypto";
import type { Viewer } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { Shift, ShiftClaim, ShiftKind, Specialty } from "../../generated/prisma/client.js";
import { conflict, forbidden, notFound, UserFacingError } from "../../graphql/errors.js";
import { pubsub, type ClaimNoticeReason } from "../../pubsub.js";
import { canManageShift, weeklyOccurrences } from "./shift.rules.js";

const MAX_OCCURRENCES = 200;

/** Events to publish once the transaction has committed. */
export class Outbox {
  private shifts = new Set<string>();
  private notices: { volunteerId: string; claimId: string; reason: ClaimNoticeReason }[] = [];
  shift(id: string) {
    this.shifts.add(id);
  }
  notice(volunteerId: string, claimId: string, reason: ClaimNoticeReason) {
    this.notices.push({ volunteerId, claimId, reason });
  }
  flush() {
    for (const id of this.shifts) pubsub.publish("shiftUpdated", id, { shiftId: id });
    for (const n of this.notices) pubsub.publish("claimNotice", n.volunteerId, { claimId: n.claimId, reason: n.reason });
  }
}

/** Runs `work` in a transaction and publishes its events after commit; retries deadlock victims. */
export async function committed<T>(work: (tx: Tx, out: Outbox) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const out = new Outbox();
    try {
      const result = await prisma.$transaction((tx) => work(tx, out), TX);
      out.flush();
      return result;
    } catch (e) {
      // P2034: write conflict or deadlock; the transaction rolled back as a whole, so run it again.
      if ((e as { code?: string }).code !== "P2034" || attempt === 3) throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}

export async function lockShift(tx: Tx, shiftId: string, field = ["input", "shiftId"]): Promise<Shift> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Shift" WHERE id = ${shiftId}::uuid FOR UPDATE`;
  if (!rows.length) throw notFound("Shift", field);
  return tx.shift.findUniqueOrThrow({ where: { id: shiftId } });
}

/** A printable post code: 6 digits, easy to type when the QR code cannot be scanned. */
export function newPostCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, "0");
}

export interface ShiftFields {
  squadId?: string | null;
  gridId?: string | null;
  kind: ShiftKind;
  title: string;
  place?: string | null;
  route?: string | null;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  requiredSpecialty?: Specialty | null;
  jointOfficerId?: string | null;
  notes?: string | null;
}

async function checkReferences(stationId: string, teamId: string, f: { squadId?: string | null; gridId?: string | null; jointOfficerId?: string | null }) {
  if (f.squadId) {
    const squad = await prisma.squad.findUnique({ where: { id: f.squadId }, select: { teamId: true } });
    if (!squad || squad.teamId !== teamId) throw notFound("Squad of this team", ["input", "squadId"]);
  }
  if (f.gridId) {
    const grid = await prisma.grid.findUnique({ where: { id: f.gridId }, select: { stationId: true } });
    if (!grid || grid.stationId !== stationId) throw notFound("Grid of this station", ["input", "gridId"]);
  }
  if (f.jointOfficerId) {
    const role = await prisma.accountRole.findFirst({ where: { accountId: f.jointOfficerId, role: "OFFICER", stationId } });
    if (!role) throw notFound("Officer of this station", ["input", "jointOfficerId"]);
  }
}

function checkTimes(startsAt: Date, endsAt: Date, now: Date) {
  if (endsAt <= startsAt) throw new UserFacingError("VALIDATION", "The end must be after the start / 结束时间须晚于开始时间", ["input", "endsAt"]);
  if (endsAt.getTime() - startsAt.getTime() > 24 * 3600_000) {
    throw new UserFacingError("VALIDATION", "A shift lasts at most 24 hours / 班次最长24小时", ["input", "endsAt"]);
  }
  if (startsAt < now) throw new UserFacingError("VALIDATION", "The start is in the past / 开始时间已过", ["input", "startsAt"]);
}

export async function createShift(
  viewer: Viewer,
  input: ShiftFields & { teamId: string; repeat?: { weekdays: number[]; until: Date } | null },
) {
  const team = await prisma.team.findUnique({ where: { id: input.teamId } });
  if (!team) throw notFound("Team", ["input", "teamId"]);
  const target = { stationId: team.stationId, teamId: team.id, squadId: input.squadId ?? null };
  if (!canManageShift(viewer, target)) throw forbidden("Only the team's leaders and the station's officers publish shifts / 仅队长或民警可发布班次");
  checkTimes(input.startsAt, input.endsAt, clock.now());
  await checkReferences(team.stationId, team.id, input);

  const base = {
    stationId: team.stationId,
    teamId: team.id,
    squadId: input.squadId ?? null,
    gridId: input.gridId ?? null,
    kind: input.kind,
    title: input.title,
    place: input.place ?? "",
    route: input.route ?? "",
    capacity: input.capacity,
    requiredSpecialty: input.requiredSpecialty ?? null,
    jointOfficerId: input.jointOfficerId ?? null,
    notes: input.notes ?? "",
    createdById: viewer.accountId,
  };
  if (!input.repeat) {
    const shift = await prisma.shift.create({ data: { ...base, startsAt: input.startsAt, endsAt: input.endsAt, postCode: newPostCode() } });
    return { shifts: [shift] };
  }
  const { weekdays, until } = input.repeat;
  let occurrences: { startsAt: Date; endsAt: Date }[];
  try {
    occurrences = weeklyOccurrences(input.startsAt, input.endsAt.getTime() - input.startsAt.getTime(), weekdays, until, MAX_OCCURRENCES);
  } catch {
    throw new UserFacingError("VALIDATION", `A series has at most ${MAX_OCCURRENCES} shifts / 系列班次最多${MAX_OCCURRENCES}个`, ["input", "repeat", "until"]);
  }
  if (!occurrences.length) throw new UserFacingError("VALIDATION", "The pattern gives no shift before the end date / 该重复规则没有产生班次", ["input", "repeat"]);
  const shifts = await prisma.$transaction(async (tx) => {
    const series = await tx.shiftSeries.create({ data: { stationId: team.stationId, teamId: team.id, weekdays, until } });
    return tx.shift.createManyAndReturn({
      data: occurrences.map((o) => ({ ...base, ...o, seriesId: series.id, postCode: newPostCode() })),
    });
  }, TX);
  return { shifts: shifts.sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()) };
}

export type ApplyTo = "THIS_SHIFT" | "FUTURE_SHIFTS";

/** The shifts an edit or cancellation reaches: this one, or this and later ones of its series not yet started. */
async function reach(shift: Shift, applyTo: ApplyTo, now: Date): Promise<string[]> {
  if (applyTo === "THIS_SHIFT" || !shift.seriesId) return [shift.id];
  const rows = await prisma.shift.findMany({
    where: { seriesId: shift.seriesId, startsAt: { gte: shift.startsAt, gt: now }, status: "OPEN" },
    select: { id: true },
    orderBy: { startsAt: "asc" },
  });
  return rows.map((r) => r.id);
}

export async function updateShift(
  viewer: Viewer,
  input: { [K in keyof Omit<ShiftFields, "kind">]?: ShiftFields[K] | null } & { shiftId: string; applyTo: ApplyTo; kind?: ShiftKind | null },
) {
  const now = clock.now();
  const shift = await prisma.shift.findUnique({ where: { id: input.shiftId } });
  if (!shift) throw notFound("Shift", ["input", "shiftId"]);
  if (!canManageShift(viewer, shift)) throw forbidden();
  if (shift.status !== "OPEN") throw conflict("The shift is no longer open / 班次已结束或取消", ["input", "shiftId"]);
  if (shift.startsAt <= now) throw conflict("The shift has started; it can no longer be edited / 班次已开始，不能修改", ["input", "shiftId"]);
  await checkReferences(shift.stationId, shift.teamId, input);
  const startDelta = input.startsAt ? input.startsAt.getTime() - shift.startsAt.getTime() : 0;
  const endDelta = input.endsAt ? input.endsAt.getTime() - shift.endsAt.getTime() : 0;
  if (input.startsAt || input.endsAt) checkTimes(new Date(shift.startsAt.getTime() + startDelta), new Date(shift.endsAt.getTime() + endDelta), now);
  const ids = await reach(shift, input.applyTo, now);

  return committed(async (tx, out) => {
    const updated: Shift[] = [];
    for (const id of ids) {
      const s = await lockShift(tx, id);
      if (input.capacity != null && input.capacity < s.confirmedCount) {
        throw conflict(
          `Capacity cannot go below the ${s.confirmedCount} confirmed volunteers / 名额不能少于已确认人数`,
          ["input", "capacity"],
        );
      }
      let row = await tx.shift.update({
        where: { id },
        data: {
          squadId: input.squadId === undefined ? undefined : input.squadId,
          gridId: input.gridId === undefined ? undefined : input.gridId,
          kind: input.kind ?? undefined,
          title: input.title ?? undefined,
          place: input.place ?? undefined,
          route: input.route ?? undefined,
          notes: input.notes ?? undefined,
          capacity: input.capacity ?? undefined,
          requiredSpecialty: input.requiredSpecialty === undefined ? undefined : input.requiredSpecialty,
          jointOfficerId: input.jointOfficerId === undefined ? undefined : input.jointOfficerId,
          startsAt: startDelta ? new Date(s.startsAt.getTime() + startDelta) : undefined,
          endsAt: endDelta ? new Date(s.endsAt.getTime() + endDelta) : undefined,
        },
      });
      row = await promoteWaitlisted(tx, row, out);
      if (startDelta || endDelta) {
        for (const c of await tx.shiftClaim.findMany({ where: { shiftId: id, status: { in: ["CONFIRMED", "WAITLISTED"] } } })) {
          out.notice(c.volunteerId, c.id, "SHIFT_CHANGED");
        }
      }
      out.shift(id);
      updated.push(row);
    }
    return { shifts: updated };
  });
}

export async function cancelShift(viewer: Viewer, input: { shiftId: string; reason: string; applyTo: ApplyTo }) {
  const now = clock.now();
  const shift = await prisma.shift.findUnique({ where: { id: input.shiftId } });
  if (!shift) throw notFound("Shift", ["input", "shiftId"]);
  if (!canManageShift(viewer, shift)) throw forbidden();
  if (shift.status === "CANCELLED") return { shifts: [shift] }; // cancelling twice changes nothing
  if (shift.status !== "OPEN" || shift.endsAt <= now) throw conflict("The shift is already over / 班次已结束", ["input", "shiftId"]);
  const ids = await reach(shift, input.applyTo, now);
  return committed(async (tx, out) => {
    const cancelled: Shift[] = [];
    for (const id of ids) {
      await lockShift(tx, id);
      const claims = await tx.shiftClaim.findMany({ where: { shiftId: id, status: { in: ["CONFIRMED", "WAITLISTED"] } } });
      await tx.shiftClaim.updateMany({ where: { id: { in: claims.map((c) => c.id) } }, data: { status: "CANCELLED", cancelledAt: now } });
      for (const c of claims) out.notice(c.volunteerId, c.id, "SHIFT_CANCELLED");
      cancelled.push(
        await tx.shift.update({
          where: { id },
          data: { status: "CANCELLED", cancelReason: input.reason, confirmedCount: 0, waitlistCount: 0 },
        }),
      );
      out.shift(id);
    }
    return { shifts: cancelled };
  });
}

/** Fills free seats from the waitlist in claim order, skipping volunteers now busy elsewhere. */
async function promoteWaitlisted(tx: Tx, shift: Shift, out: Outbox): Promise<Shift> {
  let s = shift;
  while (s.confirmedCount < s.capacity && s.waitlistCount > 0) {
    const waiting = await tx.shiftClaim.findMany({
      where: { shiftId: s.id, status: "WAITLISTED" },
      orderBy: { waitlistSeq: "asc" },
      take: s.capacity - s.confirmedCount + 5,
    });
    let promoted = 0;
    for (const c of waiting) {
      if (s.confirmedCount + promoted >= s.capacity) break;
      // The volunteer's lock makes the overlap check exact. Claims lock volunteer then shift and we
      // hold the shift: PostgreSQL breaks such a rare cycle and committed() retries the loser.
      await tx.$queryRaw`SELECT id FROM "Volunteer" WHERE id = ${c.volunteerId}::uuid FOR UPDATE`;
      if (await overlapping(tx, c.volunteerId, s)) continue;
      await tx.shiftClaim.update({ where: { id: c.id }, data: { status: "CONFIRMED", confirmedAt: clock.now() } });
      out.notice(c.volunteerId, c.id, "PROMOTED");
      promoted++;
    }
    if (!promoted) break;
    s = await tx.shift.update({
      where: { id: s.id },
      data: { confirmedCount: { increment: promoted }, waitlistCount: { decrement: promoted } },
    });
    if (waiting.length < s.capacity - s.confirmedCount + 5) break;
  }
  return s;
}

function overlapping(tx: Tx, volunteerId: string, s: Pick<Shift, "id" | "startsAt" | "endsAt">) {
  return tx.shiftClaim.findFirst({
    where: {
      volunteerId,
      status: "CONFIRMED",
      shiftId: { not: s.id },
      shift: { status: "OPEN", startsAt: { lt: s.endsAt }, endsAt: { gt: s.startsAt } },
    },
    select: { id: true, shift: { select: { title: true } } },
  });
}

export interface ClaimResult {
  claim: ShiftClaim;
  shift: Shift;
}

/**
 * Claims a seat for a volunteer: CONFIRMED while seats are left, else WAITLISTED in claim order.
 * Claiming again returns the existing claim. `assignedBy` is set when a leader assigns someone.
 */
async function claimFor(volunteerId: string, shiftId: string, assignedBy: string | null): Promise<ClaimResult> {
  return committed(async (tx, out) => {
    // Lock order everywhere: volunteer, then shift. The volunteer's lock makes the overlap check
    // race-free; everything that does not depend on seat counts happens before the shift's lock,
    // so claims of one busy shift wait only for the few statements that take a seat.
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Volunteer" WHERE id = ${volunteerId}::uuid FOR UPDATE`;
    if (!locked.length) throw notFound("Volunteer", ["input", "volunteerId"]);
    const draft = await tx.shift.findUnique({ where: { id: shiftId } });
    if (!draft) throw notFound("Shift", ["input", "shiftId"]);
    const volunteer = await tx.volunteer.findUniqueOrThrow({
      where: { id: volunteerId },
      select: {
        status: true,
        specialties: true,
        teams: { where: { teamId: draft.teamId }, select: { id: true } },
        squads: { where: { squadId: draft.squadId ?? undefined }, select: { id: true } },
        claims: { where: { shiftId }, select: { id: true, status: true } },
      },
    });
    const previous = volunteer.claims[0];
    if (!previous || previous.status === "CANCELLED") {
      if (volunteer.status !== "ACTIVE") throw forbidden("The volunteer is not active / 义警状态非在岗");
      if (!volunteer.teams.length) throw forbidden("Only members of the shift's team can claim it / 仅本队队员可认领");
      if (draft.squadId && !volunteer.squads.length) throw forbidden("Only members of the shift's squad can claim it / 仅本小队队员可认领");
      if (draft.requiredSpecialty && !volunteer.specialties.includes(draft.requiredSpecialty)) {
        throw forbidden("This shift needs a specialty the volunteer does not have / 该班次需要相应专长");
      }
      const clash = await overlapping(tx, volunteerId, draft);
      if (clash) throw conflict(`Overlaps a confirmed shift: ${clash.shift.title} / 与已确认班次时间冲突`, ["input", "shiftId"]);
    }

    if (previous && previous.status !== "CANCELLED") {
      // Claimed before (read under the volunteer's lock, which every claim of theirs takes): nothing changes.
      if (previous.status === "NO_SHOW") throw conflict("This shift is over / 班次已结束", ["input", "shiftId"]);
      const [claim, shift] = await Promise.all([tx.shiftClaim.findUniqueOrThrow({ where: { id: previous.id } }), tx.shift.findUniqueOrThrow({ where: { id: shiftId } })]);
      return { claim, shift };
    }

    // The seat or waitlist place in one statement: it locks the shift's row, counts and takes the
    // place, so claims of a busy shift queue on the lock for as few round trips as possible (this
    // statement, the claim's row, commit). A shift that is not claimable rolls all of it back.
    const [shift] = await tx.$queryRaw<(Shift & { seatGiven: boolean })[]>`
      WITH old AS (SELECT id, capacity, "confirmedCount" AS c, "waitlistSeq" AS w FROM "Shift" WHERE id = ${shiftId}::uuid FOR UPDATE)
      UPDATE "Shift" s SET "confirmedCount" = old.c + (old.c < old.capacity)::int,
                           "waitlistCount" = s."waitlistCount" + (old.c >= old.capacity)::int,
                           "waitlistSeq" = old.w + (old.c >= old.capacity)::int,
                           "updatedAt" = now()
      FROM old WHERE s.id = old.id
      RETURNING s.*, old.c < old.capacity AS "seatGiven"`;
    if (!shift) throw notFound("Shift", ["input", "shiftId"]);
    // Taken under the lock, so claim times follow the order seats and waitlist places are given.
    const now = clock.now();
    if (shift.status !== "OPEN") throw conflict("The shift is not open / 班次未开放", ["input", "shiftId"]);
    if (shift.startsAt <= now) throw conflict("The shift has already started / 班次已开始，不能认领", ["input", "shiftId"]);
    if (shift.startsAt.getTime() !== draft.startsAt.getTime() || shift.endsAt.getTime() !== draft.endsAt.getTime()) {
      throw conflict("The shift's time just changed: please try again / 班次时间刚刚变更，请重试", ["input", "shiftId"]);
    }

    const { seatGiven: seat, ...updated } = shift;
    const data = {
      status: seat ? ("CONFIRMED" as const) : ("WAITLISTED" as const),
      waitlistSeq: seat ? null : updated.waitlistSeq,
      claimedAt: now,
      confirmedAt: seat ? now : null,
      cancelledAt: null,
      assignedById: assignedBy,
    };
    const claim = previous
      ? await tx.shiftClaim.update({ where: { id: previous.id }, data })
      : await tx.shiftClaim.create({ data: { ...data, shiftId, volunteerId } });
    out.shift(shiftId);
    if (assignedBy) out.notice(volunteerId, claim.id, "ASSIGNED");
    return { claim, shift: updated as Shift };
  });
}

export async function claimShift(viewer: Viewer, input: { shiftId: string }): Promise<ClaimResult> {
  if (!viewer.volunteerId) throw forbidden("Only volunteers claim shifts / 仅义警可认领班次");
  return claimFor(viewer.volunteerId, input.shiftId, null);
}

export async function assignShift(viewer: Viewer, input: { shiftId: string; volunteerId: string }): Promise<ClaimResult> {
  const shift = await prisma.shift.findUnique({ where: { id: input.shiftId } });
  if (!shift) throw notFound("Shift", ["input", "shiftId"]);
  if (!canManageShift(viewer, shift)) throw forbidden();
  return claimFor(input.volunteerId, input.shiftId, viewer.accountId);
}

/** Frees the seat (or waitlist place) and promotes the next waitlisted volunteer, atomically. */
export async function cancelShiftClaim(viewer: Viewer, input: { claimId: string }): Promise<ClaimResult> {
  const now = clock.now();
  const found = await prisma.shiftClaim.findUnique({ where: { id: input.claimId }, include: { shift: true } });
  if (!found) throw notFound("Claim", ["input", "claimId"]);
  const own = viewer.volunteerId === found.volunteerId;
  const manager = canManageShift(viewer, found.shift);
  if (!own && !manager) throw forbidden();
  return committed(async (tx, out) => {
    const shift = await lockShift(tx, found.shiftId);
    const claim = await tx.shiftClaim.findUniqueOrThrow({ where: { id: found.id } });
    if (claim.status === "CANCELLED") return { claim, shift };
    if (claim.status !== "CONFIRMED" && claim.status !== "WAITLISTED") throw conflict("This claim is already closed / 该认领已结束", ["input", "claimId"]);
    if (shift.startsAt <= now && !manager) throw conflict("The shift has started; ask your leader / 班次已开始，请联系队长", ["input", "claimId"]);
    if (claim.checkedInAt) throw conflict("The volunteer has checked in; check out instead / 已签到，请签退", ["input", "claimId"]);
    const cancelled = await tx.shiftClaim.update({ where: { id: claim.id }, data: { status: "CANCELLED", cancelledAt: now } });
    let updated = await tx.shift.update({
      where: { id: shift.id },
      data: claim.status === "CONFIRMED" ? { confirmedCount: { decrement: 1 } } : { waitlistCount: { decrement: 1 } },
    });
    if (claim.status === "CONFIRMED" && updated.startsAt > now) updated = await promoteWaitlisted(tx, updated, out);
    if (!own) out.notice(claim.volunteerId, claim.id, "REMOVED");
    out.shift(shift.id);
    return { claim: cancelled, shift: updated };
  });
}

/** 轮流出人: a partner's admin puts one of the partner's volunteers on a shift given to the partner. */
export async function fillRotationSlot(viewer: Viewer, input: { shiftId: string; volunteerId: string }): Promise<ClaimResult> {
  const slot = await prisma.rotationSlot.findUnique({ where: { shiftId: input.shiftId } });
  if (!slot) throw notFound("Rotation slot for this shift", ["input", "shiftId"]);
  if (!viewer.isAdmin && !viewer.partnerAdminOf.has(slot.partnerId)) throw forbidden("This slot belongs to another partner / 该轮值属于其他单位");
  const volunteer = await prisma.volunteer.findUnique({ where: { id: input.volunteerId }, select: { partnerId: true } });
  if (volunteer?.partnerId !== slot.partnerId) throw notFound("Volunteer of this partner", ["input", "volunteerId"]);
  return claimFor(input.volunteerId, input.shiftId, viewer.accountId);
}
