// 签到 / 签退 and the end of shifts. PatrolEvent rows are the patrol log's stored stream: readers are
// told after the transaction commits (patrol-log.ts).
import type { Viewer } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { CheckInMethod, PatrolEvent, PatrolEventKind, Shift, ShiftClaim } from "../../generated/prisma/client.js";
import { conflict, notFound, UserFacingError } from "../../graphql/errors.js";
import { assert } from "../../auth/policy.js";
import { pubsub } from "../../pubsub.js";
import { log, safeError } from "../../log.js";
import { metrics } from "../../metrics.js";
import { patrolLog } from "./patrol-log.js";
import { checkInWindow, checkOutDeadline, distanceMeters, servedMinutes } from "./shift.rules.js";
import { lockShift } from "./shift.service.js";
import { creditCompletedClaims } from "../points/points.service.js";
import { attemptSecret } from "../../server/rate-limits.js";
import { accountsOf, delivered, notify, when } from "../notification/notification.service.js";
import { joinMsg, msg } from "../../i18n.js";

function publish(events: PatrolEvent[]) {
  if (events.length) patrolLog.notify();
}

async function record(
  tx: Tx,
  shift: Shift,
  claim: ShiftClaim,
  kind: PatrolEventKind,
  at: Date,
  extra: { method?: CheckInMethod | null; latitude?: number | null; longitude?: number | null; flagged?: boolean } = {},
) {
  return tx.patrolEvent.create({
    data: { stationId: shift.stationId, teamId: shift.teamId, squadId: shift.squadId, shiftId: shift.id, claimId: claim.id, kind, at, ...extra },
  });
}

async function loadClaim(viewer: Viewer, claimId: string, method: CheckInMethod | null, step: "in" | "out" = "in") {
  const claim = await prisma.shiftClaim.findUnique({ where: { id: claimId }, include: { shift: { include: { grid: true, station: true } } } });
  if (!claim) throw notFound(msg("认领记录", "Claim"), ["input", "claimId"]);
  const facts = { volunteerId: claim.volunteerId, partnerId: null, shift: claim.shift };
  const hide = { what: msg("认领记录", "Claim"), field: ["input", "claimId"], stationId: claim.shift.stationId };
  if (method === "LEADER" && step === "out") assert(viewer, "claim.checkOutOthers", facts, { message: msg("仅队长或民警可代为签退", "Only leaders and officers check others out"), hide });
  else if (method === "LEADER") {
    const own = !!viewer.volunteerId && viewer.volunteerId === claim.volunteerId;
    const message = own ? msg("不能为自己代签到：请扫码或输入岗点码签到", "You cannot check yourself in for yourself: scan or type the post code") : msg("仅队长或民警可代为签到", "Only leaders and officers check others in");
    assert(viewer, "claim.checkInOthers", facts, { message, hide });
  }
  else assert(viewer, "claim.checkInSelf", facts, { hide });
  return claim;
}

/** The shift takes check-ins now: OPEN, and within its window (from 30 minutes before the start to the end). */
function checkOpen(shift: Shift, now: Date) {
  if (shift.status !== "OPEN") throw conflict(msg("班次未开放", "The shift is not open"), ["input", "claimId"]);
  const { opens, closes } = checkInWindow(shift);
  if (now < opens) throw conflict(msg("开始前30分钟起可签到", "Check-in opens 30 minutes before the start"), ["input", "claimId"]);
  if (now > closes) throw conflict(msg("班次已结束，无法签到", "The shift has ended"), ["input", "claimId"]);
}

export interface CheckInInput {
  claimId: string;
  method: CheckInMethod;
  latitude?: number | null;
  longitude?: number | null;
  code?: string | null;
}

export async function checkIn(viewer: Viewer, input: CheckInInput): Promise<{ claim: ShiftClaim }> {
  const now = clock.now();
  const claim = await loadClaim(viewer, input.claimId, input.method);
  if (claim.checkedInAt) return { claim }; // idempotent: same record, no second event
  const { shift } = claim;
  if (claim.status !== "CONFIRMED") throw conflict(msg("仅已确认的认领可签到", "Only a confirmed claim can check in"), ["input", "claimId"]);
  checkOpen(shift, now);

  if (input.method === "QR") {
    if (!input.code) throw new UserFacingError("VALIDATION", msg("请扫描或输入岗点码", "Scan or type the post code"), ["input", "code"]);
    // Post codes are short: wrong ones are counted per claim and per account (server/rate-limits.ts),
    // so that nobody checks in from home by trying codes.
    const attempt = await attemptSecret("postCode", claim.id, viewer.accountId, ["input", "code"]);
    if (input.code.trim() !== shift.postCode) throw new UserFacingError("VALIDATION", msg("岗点码不正确", "Wrong post code"), ["input", "code"]);
    await attempt.succeeded();
  }
  if (input.method === "GPS") {
    if (input.latitude == null || input.longitude == null) {
      throw new UserFacingError("VALIDATION", msg("GPS签到需要定位", "GPS check-in needs your location"), ["input", "latitude"]);
    }
  }

  const result = await prisma.$transaction(async (tx) => {
    // Same lock order as claiming and cancelling (shift, then claim): no deadlock with them. The shift as it stands
    // under its lock decides: read before it, a move (updateShift, which takes the same lock) of the same moment let a
    // check-in through in the old window, hours before the new start.
    const locked = await lockShift(tx, shift.id, ["input", "claimId"]);
    checkOpen(locked, now);
    let flagged = false;
    if (input.method === "GPS") {
      const g = locked.gridId ? await tx.grid.findUnique({ where: { id: locked.gridId }, select: { latitude: true, longitude: true } }) : null;
      // A position is only evidence against a point: a shift without its grid's point cannot confirm
      // it, so the officer sees that check-in flagged rather than silently accepted.
      flagged =
        !g || g.latitude == null || g.longitude == null || distanceMeters(input.latitude!, input.longitude!, g.latitude, g.longitude) > shift.station.checkInRadiusMeters;
    }
    // Conditional update: of two concurrent check-ins only one changes the row and logs an event;
    // a claim cancelled meanwhile is no longer CONFIRMED and is left alone.
    const { count } = await tx.shiftClaim.updateMany({
      where: { id: claim.id, checkedInAt: null, status: "CONFIRMED" },
      data: {
        checkedInAt: now,
        checkInMethod: input.method,
        checkInLat: input.latitude ?? null,
        checkInLng: input.longitude ?? null,
        checkInFlagged: flagged,
      },
    });
    const updated = await tx.shiftClaim.findUniqueOrThrow({ where: { id: claim.id } });
    if (!count && !updated.checkedInAt) throw conflict(msg("该认领已取消", "The claim was cancelled"), ["input", "claimId"]);
    if (!count) return { claim: updated, event: null };
    const event = await record(tx, locked, updated, "CHECKED_IN", now, {
      method: input.method,
      latitude: input.latitude ?? null,
      longitude: input.longitude ?? null,
      flagged,
    });
    return { claim: updated, event };
  }, TX);
  if (result.event) publish([result.event]);
  return { claim: result.claim };
}

export async function checkOut(viewer: Viewer, input: { claimId: string; method: CheckInMethod }): Promise<{ claim: ShiftClaim }> {
  const now = clock.now();
  const claim = await loadClaim(viewer, input.claimId, input.method, "out");
  if (claim.checkedOutAt) return { claim }; // idempotent
  if (!claim.checkedInAt) throw conflict(msg("请先签到", "Check in first"), ["input", "claimId"]);
  // A cancelled claim (its shift cancelled while checked in) earns no hours or points.
  if (claim.status !== "CONFIRMED") throw conflict(msg("该认领已取消", "The claim was cancelled"), ["input", "claimId"]);
  if (now > checkOutDeadline(claim.shift)) throw conflict(msg("结束2小时后不能签退", "Check-out closed 2 hours after the end"), ["input", "claimId"]);
  const result = await prisma.$transaction(async (tx) => {
    await lockShift(tx, claim.shiftId, ["input", "claimId"]);
    const minutesServed = servedMinutes(claim.shift, claim.checkedInAt!, now);
    const { count } = await tx.shiftClaim.updateMany({
      where: { id: claim.id, checkedOutAt: null, status: "CONFIRMED" },
      data: { checkedOutAt: now, status: "COMPLETED", minutesServed },
    });
    const updated = await tx.shiftClaim.findUniqueOrThrow({ where: { id: claim.id } });
    if (!count && !updated.checkedOutAt) throw conflict(msg("该认领已取消", "The claim was cancelled"), ["input", "claimId"]);
    if (!count) return { claim: updated, event: null };
    await creditCompletedClaims(tx, claim.shift, [updated]);
    return { claim: updated, event: await record(tx, claim.shift, updated, "CHECKED_OUT", now, { method: input.method }) };
  }, TX);
  if (result.event) publish([result.event]);
  return { claim: result.claim };
}

/**
 * Closes what time has ended: after a shift ends its confirmed claims without check-in become
 * NO_SHOW; two hours later claims still checked in are checked out at the end time and the shift is
 * DONE. Safe to run from several processes at once: each row changes under the shift's lock and only
 * in the state it is expected in.
 */
export async function closeFinishedShifts(now = clock.now()): Promise<{ noShows: number; autoCheckOuts: number; done: number }> {
  const due = await prisma.shift.findMany({
    where: { status: "OPEN", endsAt: { lte: now } },
    select: { id: true },
    orderBy: { endsAt: "asc" },
    take: 500,
  });
  const totals = { noShows: 0, autoCheckOuts: 0, done: 0 };
  for (const { id } of due) {
    const events = await prisma.$transaction(async (tx) => {
      const shift = await lockShift(tx, id);
      if (shift.status !== "OPEN") return [];
      const out: PatrolEvent[] = [];
      const noShows = await tx.shiftClaim.findMany({ where: { shiftId: id, status: "CONFIRMED", checkedInAt: null } });
      if (noShows.length) {
        await tx.shiftClaim.updateMany({ where: { id: { in: noShows.map((c) => c.id) } }, data: { status: "NO_SHOW" } });
        for (const c of noShows) out.push(await record(tx, shift, c, "NO_SHOW", shift.endsAt));
        totals.noShows += noShows.length;
      }
      // Waitlisted volunteers never got a seat: their claims simply end.
      await tx.shiftClaim.updateMany({ where: { shiftId: id, status: "WAITLISTED" }, data: { status: "CANCELLED", cancelledAt: shift.endsAt } });
      if (now >= checkOutDeadline(shift)) {
        const open = await tx.shiftClaim.findMany({ where: { shiftId: id, status: "CONFIRMED", checkedOutAt: null, checkedInAt: { not: null } } });
        for (const c of open) {
          const closed = await tx.shiftClaim.update({
            where: { id: c.id },
            data: { status: "COMPLETED", checkedOutAt: shift.endsAt, minutesServed: servedMinutes(shift, c.checkedInAt!, shift.endsAt) },
          });
          out.push(await record(tx, shift, closed, "CHECKED_OUT", shift.endsAt));
          await creditCompletedClaims(tx, shift, [closed]);
        }
        totals.autoCheckOuts += open.length;
        await tx.shift.update({ where: { id }, data: { status: "DONE", waitlistCount: 0 } });
        totals.done++;
      }
      return out;
    }, TX);
    publish(events);
    if (events.length) pubsub.publish("shiftUpdated", id, { shiftId: id });
  }
  return totals;
}

/**
 * 班次提醒: confirmed volunteers of shifts starting within the station's `reminderHoursBefore` get one
 * reminder. One statement marks the claims and returns them, so of several processes sweeping at
 * once only one marks (and notifies) each claim: the others wait for its row lock, then find
 * `reminderSentAt` set and skip it.
 */
export async function sendShiftReminders(now = clock.now()): Promise<number> {
  const sent = await prisma.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ volunteerId: string; shiftId: string; stationId: string; title: string; startsAt: Date; place: string }[]>`
      UPDATE "ShiftClaim" c SET "reminderSentAt" = ${now}
      FROM "Shift" s JOIN "Station" st ON st.id = s."stationId"
      WHERE c."shiftId" = s.id AND c.status = 'CONFIRMED' AND c."reminderSentAt" IS NULL AND s.status = 'OPEN'
        AND s."startsAt" > ${now} AND s."startsAt" <= ${now}::timestamp + make_interval(hours => st."reminderHoursBefore")
        AND c.id IN (SELECT c2.id FROM "ShiftClaim" c2 JOIN "Shift" s2 ON s2.id = c2."shiftId"
                     WHERE c2.status = 'CONFIRMED' AND c2."reminderSentAt" IS NULL AND s2.status = 'OPEN'
                       AND s2."startsAt" > ${now} AND s2."startsAt" <= ${now}::timestamp + interval '72 hours'
                     ORDER BY s2."startsAt" LIMIT 2000)
      RETURNING c."volunteerId", s.id AS "shiftId", s."stationId", s.title, s."startsAt", s.place`;
    if (!due.length) return 0;
    const accounts = await accountsOf(tx, due.map((d) => d.volunteerId));
    return notify(
      tx,
      due
        .filter((d) => accounts.has(d.volunteerId))
        .map((d) => ({
          accountId: accounts.get(d.volunteerId)!,
          stationId: d.stationId,
          kind: "SHIFT_REMINDER" as const,
          title: joinMsg(msg("班次提醒：", "Shift reminder: "), d.title),
          body: joinMsg(when(d.startsAt), msg(" 开始", " start"), d.place ? joinMsg(msg("，地点：", ", at "), d.place) : ""),
          link: "/my",
          subject: { type: "Shift", id: d.shiftId },
        })),
    );
  }, TX);
  if (sent) delivered();
  return sent;
}

/**
 * Runs closeFinishedShifts, agreement expiry, reminders, call-up escalation, the home-watch, mediation, registration and
 * departed volunteers' ID number erasures, and drops lapsed appointments
 * every `intervalMs` in this process until stopped.
 * The returned stop waits for a sweep in progress to finish (graceful shutdown).
 */
export function startShiftSweeper(intervalMs = 60_000): () => Promise<void> {
  let running: Promise<void> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = Promise.all([
      closeFinishedShifts(),
      import("../partner/agreement.service.js").then((m) => m.expireAgreements()),
      // 长假照看: personal data erased 30 days after the return.
      import("../homewatch/homewatch.service.js").then((m) => m.eraseExpiredHomeWatch()),
      // 警民联调: parties' data erased the station's retention days after the case closed.
      import("../mediation/mediation.service.js").then((m) => m.eraseExpiredMediation()),
      // 登记 nobody took up: name, phone and ID number erased 30 days after it closed or expired.
      import("../volunteer/volunteer.service.js").then((m) => m.eraseStaleEnrollments()),
      // 身份证号 of people who left every station: erased 180 days after their last departure.
      import("../volunteer/volunteer.service.js").then((m) => m.eraseDepartedIdNumbers()),
      // Appointments nobody confirmed within 7 days.
      import("../role/role.service.js").then((m) => m.dropLapsedRoleOffers()),
      sendShiftReminders(),
      import("../mobilization/mobilization.service.js").then((m) => m.escalateMobilizations()),
    ])
      .then(() => void metrics.sweeperRuns.inc({ result: "ok" }))
      .catch((e) => {
        metrics.sweeperRuns.inc({ result: "error" });
        log.error({ err: safeError(e) }, "sweeper run failed; the next run retries");
      })
      .finally(() => (running = null));
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
