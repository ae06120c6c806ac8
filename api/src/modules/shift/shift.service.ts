// Shifts and claims. Seat counts change only under the shift's row lock (SELECT … FOR UPDATE) inside
// a transaction, and CHECK constraints back them, so the rules hold across API processes.
import { randomInt } from "node:crypto";
import { uuid7 } from "../../lib/uuid7.js";
import type { Viewer } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { reviveDates } from "../../db-read.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { Prisma, Shift, ShiftClaim, ShiftKind, Specialty } from "../../generated/prisma/client.js";
import { conflict, forbidden, notFound, UserFacingError } from "../../graphql/errors.js";
import { unavailableReason } from "../../graphql/unavailable.js";
import { pubsub } from "../../pubsub.js";
import { accountsOf, delivered, notify, when, type NotifyInput } from "../notification/notification.service.js";
import { weeklyOccurrences } from "./shift.rules.js";
import { assert, can, seesStation } from "../../auth/policy.js";
import { personFacts } from "../../auth/facts.js";
import { visiblePerson } from "../volunteer/volunteer.service.js";
import { joinMsg, msg, type Msg } from "../../i18n.js";
import { changedFields, recordAudit } from "../audit/audit.service.js";

const MAX_OCCURRENCES = 200;

/** Changes to someone's claim that they did not make themselves: each becomes a notification. */
export type ClaimNoticeKind = "WAITLIST_PROMOTED" | "SHIFT_CANCELLED" | "SHIFT_CHANGED" | "SHIFT_ASSIGNED" | "SHIFT_REMOVED";

/** Notifications written at the end of the transaction, events published once it has committed. */
export class Outbox {
  private shifts = new Set<string>();
  private notices: { volunteerId: string; shiftId: string; kind: ClaimNoticeKind }[] = [];
  private notified = false;
  shift(id: string) {
    this.shifts.add(id);
  }
  notice(volunteerId: string, shiftId: string, kind: ClaimNoticeKind) {
    this.notices.push({ volunteerId, shiftId, kind });
  }
  hasNotices() {
    return this.notices.length > 0;
  }
  /** Inside the transaction: the notices become notification rows, committed with the change. */
  async writeNotices(tx: Tx) {
    if (!this.notices.length) return;
    const accounts = await accountsOf(tx, [...new Set(this.notices.map((n) => n.volunteerId))]);
    const shifts = new Map(
      (await tx.shift.findMany({ where: { id: { in: [...new Set(this.notices.map((n) => n.shiftId))] } }, select: { id: true, stationId: true, title: true, startsAt: true, cancelReason: true } })).map((s) => [s.id, s]),
    );
    const rows: NotifyInput[] = [];
    for (const n of this.notices) {
      const accountId = accounts.get(n.volunteerId);
      const s = shifts.get(n.shiftId);
      if (!accountId || !s) continue;
      const at = when(s.startsAt);
      const text: Record<ClaimNoticeKind, [Msg, Msg]> = {
        WAITLIST_PROMOTED: [joinMsg(msg("候补转正：", "Off the waitlist: "), s.title), joinMsg(at, msg("，名额已为您保留，请准时到岗", ": your place is kept, please be on time"))],
        SHIFT_CANCELLED: [joinMsg(msg("班次取消：", "Shift cancelled: "), s.title), s.cancelReason ? joinMsg(at, msg("，原因：", ", reason: "), s.cancelReason) : at],
        SHIFT_CHANGED: [joinMsg(msg("班次时间变更：", "Shift time changed: "), s.title), joinMsg(msg("新的开始时间：", "New start: "), at)],
        SHIFT_ASSIGNED: [joinMsg(msg("您被安排到班次：", "You were put on a shift: "), s.title), at],
        SHIFT_REMOVED: [joinMsg(msg("您已被移出班次：", "You were taken off a shift: "), s.title), at],
      };
      const [title, body] = text[n.kind];
      rows.push({ accountId, stationId: s.stationId, kind: n.kind, title, body, link: "/my", subject: { type: "Shift", id: s.id } });
    }
    this.notified = (await notify(tx, rows)) > 0;
  }
  flush() {
    for (const id of this.shifts) pubsub.publish("shiftUpdated", id, { shiftId: id });
    if (this.notified) delivered();
  }
}

/**
 * Runs `work` in a transaction and publishes its events after commit; retries deadlock victims.
 * `alone`: `work` is one statement that writes no notices, so it runs as its own transaction, without
 * the round trips of an interactive one (BEGIN, COMMIT, each through Prisma's runtime).
 */
export async function committed<T>(work: (tx: Tx, out: Outbox) => Promise<T>, opts: { alone?: boolean } = {}): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    const out = new Outbox();
    try {
      const result = opts.alone
        ? await work(prisma as unknown as Tx, out).then((r) => {
            if (out.hasNotices()) throw new Error("committed({ alone }): notices need a transaction");
            return r;
          })
        : await prisma.$transaction(async (tx) => {
            const r = await work(tx, out);
            await out.writeNotices(tx);
            return r;
          }, TX);
      out.flush();
      return result;
    } catch (e) {
      // Write conflict or deadlock (P2034, or 40P01 from a raw statement, which Prisma reports as
      // P2010): the transaction rolled back as a whole, so run it again.
      if (unavailableReason(e) !== "conflict" || attempt === 3) throw e;
      await new Promise((r) => setTimeout(r, 5 + Math.random() * 20 * attempt));
    }
  }
}

export async function lockShift(tx: Tx, shiftId: string, field = ["input", "shiftId"]): Promise<Shift> {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Shift" WHERE id = ${shiftId}::uuid FOR UPDATE`;
  if (!rows.length) throw notFound(msg("班次", "Shift"), field);
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
    if (!squad || squad.teamId !== teamId) throw notFound(msg("本队小队", "Squad of this team"), ["input", "squadId"]);
  }
  if (f.gridId) {
    const grid = await prisma.grid.findUnique({ where: { id: f.gridId }, select: { stationId: true } });
    if (!grid || grid.stationId !== stationId) throw notFound(msg("本所网格", "Grid of this station"), ["input", "gridId"]);
  }
  if (f.jointOfficerId) {
    const role = await prisma.accountRole.findFirst({ where: { accountId: f.jointOfficerId, role: "OFFICER", stationId } });
    if (!role) throw notFound(msg("本所民警", "Officer of this station"), ["input", "jointOfficerId"]);
  }
}

function checkTimes(startsAt: Date, endsAt: Date, now: Date) {
  if (endsAt <= startsAt) throw new UserFacingError("VALIDATION", msg("结束时间须晚于开始时间", "The end must be after the start"), ["input", "endsAt"]);
  if (endsAt.getTime() - startsAt.getTime() > 24 * 3600_000) {
    throw new UserFacingError("VALIDATION", msg("班次最长24小时", "A shift lasts at most 24 hours"), ["input", "endsAt"]);
  }
  if (startsAt < now) throw new UserFacingError("VALIDATION", msg("开始时间已过", "The start is in the past"), ["input", "startsAt"]);
}

export async function createShift(
  viewer: Viewer,
  input: ShiftFields & { teamId: string; repeat?: { weekdays: number[]; until: Date } | null },
) {
  const team = await prisma.team.findUnique({ where: { id: input.teamId } });
  if (!team) throw notFound(msg("队伍", "Team"), ["input", "teamId"]);
  const target = { stationId: team.stationId, teamId: team.id, squadId: input.squadId ?? null };
  assert(viewer, "shift.publish", target, {
    message: msg("仅队长或民警可发布班次；小队长只能为本小队发布", "Only the team's leaders and the station's officers publish shifts; a squad leader only for their squad"),
    hide: { what: msg("队伍", "Team"), field: ["input", "teamId"], stationId: team.stationId },
  });
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
    throw new UserFacingError("VALIDATION", msg(`系列班次最多${MAX_OCCURRENCES}个`, `A series has at most ${MAX_OCCURRENCES} shifts`), ["input", "repeat", "until"]);
  }
  if (!occurrences.length) throw new UserFacingError("VALIDATION", msg("该重复规则没有产生班次", "The pattern gives no shift before the end date"), ["input", "repeat"]);
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
/** Every shift reached must be one the viewer runs: shifts of a series may lie in other squads. */
async function reach(viewer: Viewer, shift: Shift, applyTo: ApplyTo, now: Date): Promise<string[]> {
  if (applyTo === "THIS_SHIFT" || !shift.seriesId) return [shift.id];
  const rows = await prisma.shift.findMany({
    where: { seriesId: shift.seriesId, startsAt: { gte: shift.startsAt, gt: now }, status: "OPEN" },
    select: { id: true, stationId: true, teamId: true, squadId: true },
    orderBy: { startsAt: "asc" },
  });
  for (const r of rows) {
    assert(viewer, "shift.manage", r, {
      message: msg("该系列的后续班次中有不属于你管理范围的班次，请只修改本班次", "Later shifts of this series include ones you do not run: change this shift only"),
    });
  }
  return rows.map((r) => r.id);
}

/** The edits an audit entry names. */
const SHIFT_FIELDS: Record<string, string> = {
  title: msg("标题", "title"),
  kind: msg("类型", "kind"),
  startsAt: msg("开始时间", "start"),
  endsAt: msg("结束时间", "end"),
  capacity: msg("名额", "capacity"),
  place: msg("地点", "place"),
  route: msg("路线", "route"),
  notes: msg("说明", "notes"),
  gridId: msg("网格", "grid"),
  squadId: msg("小队", "squad"),
  requiredSpecialty: msg("所需专长", "specialty"),
  jointOfficerId: msg("带班民警", "joint officer"),
};

export async function updateShift(
  viewer: Viewer,
  input: { [K in keyof Omit<ShiftFields, "kind">]?: ShiftFields[K] | null } & { shiftId: string; applyTo: ApplyTo; kind?: ShiftKind | null },
  clientAddress: string | null = null,
) {
  const now = clock.now();
  const shift = await managedShift(viewer, input.shiftId);
  // A squad leader may not move their shift to another squad or make it team-wide.
  if (input.squadId !== undefined && input.squadId !== shift.squadId) {
    assert(viewer, "shift.publish", { stationId: shift.stationId, teamId: shift.teamId, squadId: input.squadId ?? null }, {
      message: msg("小队长只能为本小队安排班次", "A squad leader schedules only for their own squad"),
    });
  }
  if (shift.status !== "OPEN") throw conflict(msg("班次已结束或取消", "The shift is no longer open"), ["input", "shiftId"]);
  if (shift.startsAt <= now) throw conflict(msg("班次已开始，不能修改", "The shift has started; it can no longer be edited"), ["input", "shiftId"]);
  await checkReferences(shift.stationId, shift.teamId, input);
  // Checked here as read, for an answer without waiting on the lock; again under it, as the shift stands then.
  if (input.startsAt || input.endsAt) checkTimes(input.startsAt ?? shift.startsAt, input.endsAt ?? shift.endsAt, now);
  const ids = await reach(viewer, shift, input.applyTo, now);

  return committed(async (tx, out) => {
    const updated: Shift[] = [];
    // The times move by how far the edit moves this shift as it stands under its lock, not as read before it: an
    // edit of the same moment (another officer, the form sent twice) moved it already, and the same change again
    // must not move it twice, nor two moves of the start and of the end make a shift that ends before it starts.
    // So this shift is locked first (the rest of a series follow it in start order).
    let startDelta = 0;
    let endDelta = 0;
    for (const id of [shift.id, ...ids.filter((i) => i !== shift.id)]) {
      const s = await lockShift(tx, id);
      // Decided again as the shift stands under its lock (checkIn and cancelShift take the same one): read before it,
      // the shift could have started, been cancelled or had someone check in while this waited.
      if (s.status !== "OPEN") throw conflict(msg("班次已结束或取消", "The shift is no longer open"), ["input", "shiftId"]);
      if (s.startsAt <= clock.now()) throw conflict(msg("班次已开始，不能修改", "The shift has started; it can no longer be edited"), ["input", "shiftId"]);
      if (id === shift.id) {
        startDelta = input.startsAt ? input.startsAt.getTime() - s.startsAt.getTime() : 0;
        endDelta = input.endsAt ? input.endsAt.getTime() - s.endsAt.getTime() : 0;
      }
      const moved = !!(startDelta || endDelta);
      if (moved) checkTimes(new Date(s.startsAt.getTime() + startDelta), new Date(s.endsAt.getTime() + endDelta), clock.now());
      // A check-in of the 30 minutes before the start (checkInWindow) counts its minutes against the shift's times:
      // once anyone has checked in, the times stay.
      if (moved && (await tx.shiftClaim.findFirst({ where: { shiftId: id, checkedInAt: { not: null } }, select: { id: true } }))) {
        throw conflict(msg("已有人签到，不能修改班次时间", "Someone has checked in: the shift's times can no longer change"), ["input", startDelta ? "startsAt" : "endsAt"]);
      }
      if (input.capacity != null && input.capacity < s.confirmedCount) {
        throw conflict(
          msg(`名额不能少于已确认人数`, `Capacity cannot go below the ${s.confirmedCount} confirmed volunteers`),
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
      if (moved) {
        for (const c of await tx.shiftClaim.findMany({ where: { shiftId: id, status: { in: ["CONFIRMED", "WAITLISTED"] } } })) {
          out.notice(c.volunteerId, id, "SHIFT_CHANGED");
        }
      }
      out.shift(id);
      updated.push(row);
    }
    const fields = changedFields(input, SHIFT_FIELDS);
    await recordAudit(tx, {
      actor: viewer,
      stationId: shift.stationId,
      action: "shift.update",
      targetType: "Shift",
      targetId: shift.id,
      summary: msg(`修改${fields.zh}，共 ${ids.length} 个班次`, `changed ${fields.en} on ${ids.length} shift(s)`),
      clientAddress,
    });
    return { shifts: updated };
  });
}

export async function cancelShift(viewer: Viewer, input: { shiftId: string; reason: string; applyTo: ApplyTo }, clientAddress: string | null = null) {
  const now = clock.now();
  const shift = await managedShift(viewer, input.shiftId);
  if (shift.status === "CANCELLED") return { shifts: [shift] }; // cancelling twice changes nothing
  if (shift.status !== "OPEN" || shift.endsAt <= now) throw conflict(msg("班次已结束", "The shift is already over"), ["input", "shiftId"]);
  const ids = await reach(viewer, shift, input.applyTo, now);
  return committed(async (tx, out) => {
    const cancelled: Shift[] = [];
    for (const id of ids) {
      await lockShift(tx, id);
      const claims = await tx.shiftClaim.findMany({ where: { shiftId: id, status: { in: ["CONFIRMED", "WAITLISTED"] } } });
      await tx.shiftClaim.updateMany({ where: { id: { in: claims.map((c) => c.id) } }, data: { status: "CANCELLED", cancelledAt: now } });
      for (const c of claims) out.notice(c.volunteerId, id, "SHIFT_CANCELLED");
      cancelled.push(
        await tx.shift.update({
          where: { id },
          data: { status: "CANCELLED", cancelReason: input.reason, confirmedCount: 0, waitlistCount: 0 },
        }),
      );
      out.shift(id);
    }
    await recordAudit(tx, {
      actor: viewer,
      stationId: shift.stationId,
      action: "shift.cancel",
      targetType: "Shift",
      targetId: shift.id,
      summary: msg(`取消 ${ids.length} 个班次`, `${ids.length} shift(s) cancelled`),
      clientAddress,
    });
    return { shifts: cancelled };
  });
}

/**
 * Frees volunteers' seats and waitlist places on shifts that have not started (of the shifts `shiftWhere` names:
 * all of them by default), and promotes those shifts' waitlists in claim order, in the caller's transaction.
 * Started shifts and check-ins stay. `tell`: each volunteer is told of each removal (not when they close their own account).
 * Several volunteers (a suspension of a list) leave each shift together, before its waitlist moves: one of them
 * waiting there is not promoted on the way out, and the statements grow with the shifts, not with every seat.
 */
export async function releaseFutureSeats(
  tx: Tx,
  out: Outbox,
  volunteerIds: string | string[],
  now: Date,
  opts: { shiftWhere?: Prisma.ShiftWhereInput; claimWhere?: Prisma.ShiftClaimWhereInput; tell?: boolean } = {},
): Promise<number> {
  const ids = [...new Set([volunteerIds].flat())];
  if (!ids.length) return 0;
  // A claim of theirs locks the volunteer, reads their membership, then waits for the shift: taking the same
  // lock first, the release waits for such a claim and sees its seat below, or the claim waits for this
  // transaction and sees them gone. Without it a claim that had read "member" took its seat after the release.
  // In id order, as claims lock them: two officers changing overlapping lists do not deadlock.
  await tx.$queryRaw`SELECT id FROM "Volunteer" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  const claims = await tx.shiftClaim.findMany({
    where: { ...opts.claimWhere, volunteerId: { in: ids }, status: { in: ["CONFIRMED", "WAITLISTED"] }, checkedInAt: null, shift: { ...opts.shiftWhere, status: "OPEN", startsAt: { gt: now } } },
    select: { id: true, shiftId: true },
    orderBy: { shiftId: "asc" }, // shifts locked in one order by every releaser
  });
  const byShift = new Map<string, string[]>();
  for (const c of claims) byShift.set(c.shiftId, [...(byShift.get(c.shiftId) ?? []), c.id]);
  let released = 0;
  for (const [shiftId, claimIds] of byShift) {
    const shift = await lockShift(tx, shiftId);
    if (shift.startsAt <= now) continue;
    // Cancelled or checked in meanwhile (read again under the shift's lock): kept as it is.
    const current = await tx.shiftClaim.findMany({ where: { id: { in: claimIds }, status: { in: ["CONFIRMED", "WAITLISTED"] }, checkedInAt: null }, select: { id: true, volunteerId: true, status: true } });
    if (!current.length) continue;
    released += current.length;
    await tx.shiftClaim.updateMany({ where: { id: { in: current.map((c) => c.id) } }, data: { status: "CANCELLED", cancelledAt: now, reminderSentAt: null } });
    const seats = current.filter((c) => c.status === "CONFIRMED").length;
    const updated = await tx.shift.update({ where: { id: shift.id }, data: { confirmedCount: { decrement: seats }, waitlistCount: { decrement: current.length - seats } } });
    if (seats) await promoteWaitlisted(tx, updated, out);
    if (opts.tell) for (const c of current) out.notice(c.volunteerId, shift.id, "SHIFT_REMOVED");
    out.shift(shift.id);
  }
  return released;
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
      out.notice(c.volunteerId, s.id, "WAITLIST_PROMOTED");
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

/** One caller's claim waiting for its shift's next batch; `viewer` is set when the volunteer claims themselves. */
interface ClaimRequest {
  volunteerId: string;
  assignedBy: string | null;
  viewer: Viewer | null;
  resolve: (r: ClaimResult) => void;
  reject: (e: unknown) => void;
}

/** Claims waiting per shift in this process, in arrival order, and whether a batch of that shift is running. */
const claimQueues = new Map<string, { waiting: ClaimRequest[]; running: boolean }>();
const MAX_BATCH = 500;
/** Batches run and claims they carried since start (tests read deltas). */
export const claimStats = { batches: 0, claims: 0 };

/**
 * Claims a seat for a volunteer: CONFIRMED while seats are left, else WAITLISTED in claim order.
 * Claiming again returns the existing claim. `assignedBy` is set when a leader assigns someone.
 *
 * Claims of one shift are batched (issue 20, the claim storm): those that arrive while a batch of the
 * shift runs go together into the next one, one transaction that locks the volunteers and the shift
 * once. Each caller still gets its own claim or error; the shift's row lock keeps batches of several
 * processes in order, as it kept single claims.
 */
function claimFor(volunteerId: string, shiftId: string, assignedBy: string | null, viewer: Viewer | null = null): Promise<ClaimResult> {
  return new Promise((resolve, reject) => {
    let q = claimQueues.get(shiftId);
    if (!q) claimQueues.set(shiftId, (q = { waiting: [], running: false }));
    q.waiting.push({ volunteerId, assignedBy, viewer, resolve, reject });
    if (q.running) return;
    q.running = true;
    const queue = q;
    // The rest of this tick's claims join the first batch.
    setImmediate(() => void drainClaims(shiftId, queue));
  });
}

async function drainClaims(shiftId: string, q: { waiting: ClaimRequest[]; running: boolean }) {
  while (q.waiting.length) await runClaimBatch(shiftId, q.waiting.splice(0, MAX_BATCH));
  claimQueues.delete(shiftId);
}

async function runClaimBatch(shiftId: string, batch: ClaimRequest[]): Promise<void> {
  try {
    const results = await claimBatch(shiftId, batch);
    batch.forEach((r, i) => {
      const res = results[i]!;
      if (res instanceof Error) r.reject(res);
      else r.resolve(res);
    });
  } catch (e) {
    // The batch rolled back as a whole (the shift changed under it, or something unexpected): run each
    // claim on its own, in arrival order, so one claim's failure is not the others'.
    if (batch.length === 1) return batch[0]!.reject(e);
    for (const r of batch) await runClaimBatch(shiftId, [r]);
  }
}

/** What shift_claim_batch decided for each volunteer, in the order the rules are checked. */
type Verdict = "NO_VOLUNTEER" | "OVER" | "CLAIMED" | "INACTIVE" | "NOT_MEMBER" | "NOT_IN_SQUAD" | "NO_SPECIALTY" | "CLASH" | "NOT_OPEN" | "STARTED" | "FRESH";

function refusal(v: Verdict, clash: string | null): Error | null {
  switch (v) {
    case "NO_VOLUNTEER":
      return notFound(msg("义警", "Volunteer"), ["input", "volunteerId"]);
    case "OVER":
      return conflict(msg("班次已结束", "This shift is over"), ["input", "shiftId"]);
    case "INACTIVE":
      return forbidden(msg("义警状态非在岗", "The volunteer is not active"));
    case "NOT_MEMBER":
      return forbidden(msg("仅本队队员可认领", "Only members of the shift's team can claim it"));
    case "NOT_IN_SQUAD":
      return forbidden(msg("仅本小队队员可认领", "Only members of the shift's squad can claim it"));
    case "NO_SPECIALTY":
      return forbidden(msg("该班次需要相应专长", "This shift needs a specialty the volunteer does not have"));
    case "CLASH":
      return conflict(msg(`与已确认班次时间冲突`, `Overlaps a confirmed shift: ${clash}`), ["input", "shiftId"]);
    case "NOT_OPEN":
      return conflict(msg("班次未开放", "The shift is not open"), ["input", "shiftId"]);
    case "STARTED":
      return conflict(msg("班次已开始，不能认领", "The shift has already started"), ["input", "shiftId"]);
    default:
      return null;
  }
}

/** The batch failed as a whole because the shift changed under it (shift_claim_batch raised it). */
function batchFailure(e: unknown): Error | null {
  const m = /shift_claim_batch:([A-Z_]+)/.exec(String((e as { message?: unknown })?.message ?? ""))?.[1];
  if (m === "NOT_FOUND") return notFound(msg("班次", "Shift"), ["input", "shiftId"]);
  if (m === "NOT_OPEN") return refusal("NOT_OPEN", null);
  if (m === "STARTED") return refusal("STARTED", null);
  if (m === "TIME_CHANGED") return conflict(msg("班次时间刚刚变更，请重试", "The shift's time just changed: please try again"), ["input", "shiftId"]);
  return null;
}


/** A shift's station never changes (no path updates Shift.stationId): read once per process. */
const stationOfShift = new Map<string, string>();
async function shiftStation(shiftId: string): Promise<string | null> {
  const known = stationOfShift.get(shiftId);
  if (known) return known;
  const row = await prisma.shift.findUnique({ where: { id: shiftId }, select: { stationId: true } });
  if (!row) return null;
  if (stationOfShift.size >= 10_000) stationOfShift.clear();
  stationOfShift.set(shiftId, row.stationId);
  return row.stationId;
}

/**
 * One statement for a batch of claims of one shift (shift_claim_batch, a PL/pgSQL function: lock the
 * volunteers, read their facts, lock the shift, take the seats, write the claims); an Error in place of
 * a claim that is refused. Its own transaction when nobody is told (volunteers claiming themselves);
 * inside `committed`'s transaction when a leader assigns someone, whose notice commits with the claim.
 */
async function claimBatch(shiftId: string, batch: ClaimRequest[]): Promise<(ClaimResult | Error)[]> {
  claimStats.batches++;
  claimStats.claims += batch.length;
  const results: (ClaimResult | Error | null)[] = batch.map(() => null);
  if (batch.some((r) => r.viewer)) {
    // A shift of a station the viewer has nothing to do with does not exist for them.
    const stationId = await shiftStation(shiftId);
    batch.forEach((r, i) => {
      if (r.viewer && (!stationId || !seesStation(r.viewer, stationId))) results[i] = notFound(msg("班次", "Shift"), ["input", "shiftId"]);
    });
  }
  const first = new Map<string, number>(); // a volunteer's second claim in one batch gets the first one's answer
  const asked: { i: number; volunteerId: string; assignedBy: string | null }[] = [];
  batch.forEach((r, i) => {
    if (results[i] || first.has(r.volunteerId)) return;
    first.set(r.volunteerId, i);
    asked.push({ i, volunteerId: r.volunteerId, assignedBy: r.assignedBy });
  });
  if (asked.length) {
    const assigned = asked.some((a) => a.assignedBy);
    await committed(
      async (tx, out) => {
        const [row] = await tx.$queryRaw<{ r: string }[]>`
          SELECT shift_claim_batch(${shiftId}::uuid, ${asked.map((a) => a.volunteerId)}::uuid[], ${asked.map((a) => a.assignedBy)}::uuid[],
                                   ${asked.map(() => uuid7())}::uuid[], ${clock.now()}::timestamptz) AS r`.catch((e: unknown) => {
          throw batchFailure(e) ?? e;
        });
        const res = JSON.parse(row!.r) as { missing?: true; verdicts: Verdict[]; clashes: (string | null)[]; claims: Record<string, unknown>[]; shift: Record<string, unknown> | null };
        if (res.missing) {
          for (const a of asked) results[a.i] = notFound(msg("班次", "Shift"), ["input", "shiftId"]);
          return;
        }
        const shift = res.shift && reviveDates<Shift>("Shift", res.shift);
        const byVolunteer = new Map(res.claims.map((c) => [c.volunteerId as string, reviveDates<ShiftClaim>("ShiftClaim", c)]));
        asked.forEach((a, k) => {
          const v = res.verdicts[k]!;
          results[a.i] = refusal(v, res.clashes[k] ?? null) ?? { claim: byVolunteer.get(a.volunteerId)!, shift: shift! };
          if (v === "FRESH" && a.assignedBy) out.notice(a.volunteerId, shiftId, "SHIFT_ASSIGNED");
        });
        if (res.verdicts.includes("FRESH")) out.shift(shiftId);
      },
      { alone: !assigned },
    );
  }
  return batch.map((r, i) => results[i] ?? results[first.get(r.volunteerId)!]!);
}

export async function claimShift(viewer: Viewer, input: { shiftId: string }): Promise<ClaimResult> {
  if (!viewer.volunteerId) throw forbidden(msg("仅义警可认领班次", "Only volunteers claim shifts"));
  // Station, membership, squad, specialty, overlap and time are checked on the locked rows in the batch.
  return claimFor(viewer.volunteerId, input.shiftId, null, viewer);
}

export async function assignShift(viewer: Viewer, input: { shiftId: string; volunteerId: string }): Promise<ClaimResult> {
  const shift = await managedShift(viewer, input.shiftId);
  const person = await visiblePerson(viewer, input.volunteerId, ["input", "volunteerId"]);
  assert(viewer, "shift.assign", { shift, person }, { message: msg("只能安排本所义警", "Only volunteers of this station can be assigned") });
  return claimFor(input.volunteerId, input.shiftId, viewer.accountId);
}

/** A shift the viewer runs; NOT_FOUND when it does not exist or lies in a station they cannot see. */
async function managedShift(viewer: Viewer, shiftId: string) {
  const shift = await prisma.shift.findUnique({ where: { id: shiftId } });
  if (!shift) throw notFound(msg("班次", "Shift"), ["input", "shiftId"]);
  assert(viewer, "shift.manage", shift, {
    message: msg("仅本班次的队长或民警可操作", "Only the shift's leaders and the station's officers can do this"),
    hide: { what: msg("班次", "Shift"), field: ["input", "shiftId"], stationId: shift.stationId },
  });
  return shift;
}

/** Frees the seat (or waitlist place) and promotes the next waitlisted volunteer, atomically. */
export async function cancelShiftClaim(viewer: Viewer, input: { claimId: string }): Promise<ClaimResult> {
  const now = clock.now();
  const found = await prisma.shiftClaim.findUnique({
    where: { id: input.claimId },
    include: { shift: { include: { rotationSlot: { select: { partnerId: true } } } }, volunteer: { select: { partnerId: true } } },
  });
  if (!found) throw notFound(msg("认领记录", "Claim"), ["input", "claimId"]);
  const facts = { volunteerId: found.volunteerId, partnerId: found.volunteer.partnerId, shift: found.shift, rotationPartnerId: found.shift.rotationSlot?.partnerId ?? null, assigned: !!found.assignedById };
  assert(viewer, "claim.cancel", facts, { hide: { what: msg("认领记录", "Claim"), field: ["input", "claimId"], stationId: found.shift.stationId } });
  const own = viewer.volunteerId === found.volunteerId;
  const manager = can(viewer, "shift.manage", found.shift);
  return committed(async (tx, out) => {
    const shift = await lockShift(tx, found.shiftId);
    const claim = await tx.shiftClaim.findUniqueOrThrow({ where: { id: found.id } });
    if (claim.status === "CANCELLED") return { claim, shift };
    if (claim.status !== "CONFIRMED" && claim.status !== "WAITLISTED") throw conflict(msg("该认领已结束", "This claim is already closed"), ["input", "claimId"]);
    if (shift.startsAt <= now && !manager) throw conflict(msg("班次已开始，请联系队长", "The shift has started; ask your leader"), ["input", "claimId"]);
    if (claim.checkedInAt) throw conflict(msg("已签到，请签退", "The volunteer has checked in; check out instead"), ["input", "claimId"]);
    // The reminder belonged to this claim: claimed again, the row is reused and must be reminded again.
    const cancelled = await tx.shiftClaim.update({ where: { id: claim.id }, data: { status: "CANCELLED", cancelledAt: now, reminderSentAt: null } });
    let updated = await tx.shift.update({
      where: { id: shift.id },
      data: claim.status === "CONFIRMED" ? { confirmedCount: { decrement: 1 } } : { waitlistCount: { decrement: 1 } },
    });
    if (claim.status === "CONFIRMED" && updated.startsAt > now) updated = await promoteWaitlisted(tx, updated, out);
    if (!own) out.notice(claim.volunteerId, shift.id, "SHIFT_REMOVED");
    out.shift(shift.id);
    return { claim: cancelled, shift: updated };
  });
}

/** 轮流出人: a partner's admin puts one of the partner's volunteers on a shift given to the partner. */
export async function fillRotationSlot(viewer: Viewer, input: { shiftId: string; volunteerId: string }): Promise<ClaimResult> {
  const slot = await prisma.rotationSlot.findUnique({ where: { shiftId: input.shiftId } });
  if (!slot || !seesStation(viewer, slot.stationId)) throw notFound(msg("该班次的轮值", "Rotation slot for this shift"), ["input", "shiftId"]);
  const partner = { partnerId: slot.partnerId, stationId: slot.stationId };
  if (!can(viewer, "agreement.actForPartner", partner)) throw forbidden(msg("该轮值属于其他单位", "This slot belongs to another partner"));
  const person = await personFacts(prisma, input.volunteerId);
  if (!person || !can(viewer, "rotation.fill", { partner, person })) {
    throw notFound(msg("该单位在本所的义警", "Volunteer of this partner at this station"), ["input", "volunteerId"]);
  }
  return claimFor(input.volunteerId, input.shiftId, viewer.accountId);
}

/**
 * A volunteer left a team or squad: their claimed or waitlisted places on its shifts that have not
 * started are released (releaseFutureSeats). Seats a leader assigned are kept (an assignment does not
 * rest on membership). Runs inside the removal's transaction; returns how many were released.
 */
export function releaseSeatsOnLeaving(tx: Tx, out: Outbox, volunteerId: string, on: { teamId: string } | { squadId: string }): Promise<number> {
  return releaseFutureSeats(tx, out, volunteerId, clock.now(), { shiftWhere: on, claimWhere: { assignedById: null }, tell: true });
}
