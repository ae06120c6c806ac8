// 长假照看: a resident asks on a public form (no account) and keeps a confirmation code; officers approve
// (HOME_WATCH shifts over the period for the team of the address's grid) or decline with a reason;
// volunteers log each visit on its shift, and a problem notifies the officer at once; the resident
// sees visit dates and results by the code. Name, phone, address, contact and notes, visit notes and
// visit photos, and the form sender's address in the audit log are erased 30 days after the return date
// by the sweeper.
import { createHmac, randomInt } from "node:crypto";
import type { Viewer } from "../../auth/viewer.js";
import { assert } from "../../auth/policy.js";
import { codeHash } from "../../auth/tokens.js";
import { clock } from "../../clock.js";
import { config } from "../../config.js";
import { prisma, TX } from "../../db.js";
import type { HomeWatchResult } from "../../generated/prisma/client.js";
import { conflict, isUniqueViolation, notFound, UserFacingError } from "../../graphql/errors.js";
import { oncePerKey } from "../../lib/once-per-key.js";
import { discardPhotos, withPhotos } from "../../media/photos.js";
import type { UploadFile } from "../../media/upload.js";
import { recordAudit } from "../audit/audit.service.js";
import { eraseInBatches } from "../audit/erasure.js";
import { notify, thenDelivered } from "../notification/notification.service.js";
import { newPostCode } from "../shift/shift.service.js";
import { weeklyOccurrences } from "../shift/shift.rules.js";
import { fixedWindowLimiter } from "./rate-limit.js";
import { joinMsg, msg } from "../../i18n.js";

const REQUEST = msg("长假照看申请", "Home-watch request");
export const ERASE_AFTER_DAYS = 30;
const MAX_DAYS_AWAY = 62;
/** A visit is logged on its shift, give or take this (a visit made early, logged the next morning). */
export const LOG_SLACK_MS = 12 * 3600_000;
const DAY = 86_400_000;
const SHANGHAI = 8 * 3600_000;

export const limits = {
  requests: fixedWindowLimiter(config.homeWatchRequestsPerHour, 3600_000),
  /** One phone number cannot flood a station with requests from many addresses. */
  phones: fixedWindowLimiter(3, DAY),
  lookups: fixedWindowLimiter(config.homeWatchLookupsPerHour, 3600_000),
};

/** Test helper: start every window afresh. */
export function resetHomeWatchLimits() {
  for (const l of Object.values(limits)) l.reset();
}

export function rateLimited(seconds: number) {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return new UserFacingError("RATE_LIMITED", msg(`提交过于频繁，请${minutes}分钟后再试`, `Too many attempts: try again in ${minutes} minutes`));
}

// Without 0/O, 1/I/L: easy to read out over the phone.
const ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/** 12 characters (≈59 bits), shown as XXXX-XXXX-XXXX. */
export function newConfirmationCode(): string {
  const chars = Array.from({ length: 12 }, () => ALPHABET[randomInt(ALPHABET.length)]);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4, 8).join("")}-${chars.slice(8).join("")}`;
}

/**
 * The code of a request sent with the form's key: the same for a repeat, which can so answer it again (the code
 * itself is kept only as its hash). Keyed with the server's secret: the key alone does not give the code.
 */
export function keyedConfirmationCode(stationId: string, requestKey: string): string {
  let n = BigInt(`0x${createHmac("sha256", config.authSecret).update(`homewatch-code:${stationId}:${requestKey}`).digest("hex").slice(0, 32)}`);
  const chars: string[] = [];
  for (let i = 0; i < 12; i++, n /= 31n) chars.push(ALPHABET[Number(n % 31n)]!);
  return `${chars.slice(0, 4).join("")}-${chars.slice(4, 8).join("")}-${chars.slice(8).join("")}`;
}

/** What the code is stored as: the keyed hash of its normalised form (case, spaces and dashes ignored). */
export function confirmationHash(code: string): string {
  return codeHash(`homewatch:${code.toUpperCase().replace(/[\s-]/g, "")}`);
}

export interface RequestHomeWatchInput {
  stationId: string;
  gridId?: string | null;
  name: string;
  phone: string;
  address: string;
  awayFrom: Date;
  awayTo: Date;
  contactWhileAway?: string | null;
  notes?: string | null;
  /** The form's key for this request as filled in: a repeat answers the first. */
  requestId?: string | null;
}

export async function requestHomeWatch(viewer: Viewer | null, input: RequestHomeWatchInput, clientAddress: string | null) {
  const station = await prisma.station.findUnique({ where: { id: input.stationId }, select: { id: true } });
  if (!station) throw notFound(msg("派出所", "Station"), ["input", "stationId"]);
  assert(viewer, "homeWatch.request", { stationId: station.id });
  if (input.gridId) {
    const grid = await prisma.grid.findUnique({ where: { id: input.gridId }, select: { stationId: true } });
    // A grid of another station never ties a request to it.
    if (grid?.stationId !== station.id) throw notFound(msg("本所网格", "Grid of this station"), ["input", "gridId"]);
  }
  const now = clock.now();
  if (input.awayTo <= input.awayFrom) throw new UserFacingError("VALIDATION", msg("返回日期须晚于离家日期", "The return must be after the departure"), ["input", "awayTo"]);
  if (input.awayTo <= now) throw new UserFacingError("VALIDATION", msg("返回日期已过", "The return date has passed"), ["input", "awayTo"]);
  if (input.awayFrom.getTime() > now.getTime() + 180 * DAY) throw new UserFacingError("VALIDATION", msg("只能申请半年内的照看", "Ask at most six months ahead"), ["input", "awayFrom"]);
  if (input.awayTo.getTime() - input.awayFrom.getTime() > MAX_DAYS_AWAY * DAY) {
    throw new UserFacingError("VALIDATION", msg(`照看最长${MAX_DAYS_AWAY}天`, `Home-watch covers at most ${MAX_DAYS_AWAY} days`), ["input", "awayTo"]);
  }
  const code = input.requestId ? keyedConfirmationCode(station.id, input.requestId) : newConfirmationCode();
  // A repeat (a double tap, the answer lost on a weak signal), even in parallel: the first request, whose code is
  // made from the key, and not counted against the limits again.
  const { value: request } = await oncePerKey(input.requestId, {
    find: () => keyedRequest(station.id, input.requestId!, clientAddress),
    // Every field: the code is answered only to a caller who sent all of the request (an erased one never matches).
    differs: (e) =>
      e.gridId !== (input.gridId ?? null) ||
      e.name !== input.name ||
      e.phone !== input.phone ||
      e.address !== input.address ||
      e.contactWhileAway !== (input.contactWhileAway ?? "") ||
      e.notes !== (input.notes ?? "") ||
      e.awayFrom.getTime() !== input.awayFrom.getTime() ||
      e.awayTo.getTime() !== input.awayTo.getTime(),
    reused: msg("该请求编号已用于另一份申请", "This request ID was used for another request"),
    create: () => createRequest(viewer, station.id, input, code, clientAddress),
  });
  return { request, code };
}

/**
 * The request this station has under the key, or null. Unique per station, not per caller: the form has no account,
 * and its key is 128 random bits made by the form, so only a copied key meets another's, and then the content differs.
 */
async function keyedRequest(stationId: string, requestKey: string, clientAddress: string | null) {
  const earlier = await prisma.homeWatchRequest.findUnique({ where: { stationId_requestKey: { stationId, requestKey } } });
  if (!earlier) return null;
  // Answering its code is a look-up: limited as one, so that a copied key cannot be tried with one phone after another.
  const r = limits.lookups.consume(`addr:${clientAddress ?? "unknown"}`);
  if (!r.allowed) throw rateLimited(r.retryAfterSeconds);
  return earlier;
}

async function createRequest(viewer: Viewer | null, stationId: string, input: RequestHomeWatchInput, code: string, clientAddress: string | null) {
  // Counted only for requests that would be written: a mistyped form costs nothing.
  const counted = [
    [limits.requests, `addr:${clientAddress ?? "unknown"}`],
    [limits.phones, `phone:${input.phone}`],
  ] as const;
  for (const [limiter, key] of counted) {
    const r = limiter.consume(key);
    if (!r.allowed) throw rateLimited(r.retryAfterSeconds);
  }
  const now = clock.now();
  return prisma
    .$transaction(async (tx) => {
      const created = await tx.homeWatchRequest.create({
        data: {
          stationId,
          requestKey: input.requestId ?? null,
          gridId: input.gridId ?? null,
          codeHash: confirmationHash(code),
          name: input.name,
          phone: input.phone,
          address: input.address,
          contactWhileAway: input.contactWhileAway ?? "",
          notes: input.notes ?? "",
          awayFrom: input.awayFrom,
          awayTo: input.awayTo,
          createdAt: now,
        },
      });
      const officers = await tx.accountRole.findMany({ where: { role: "OFFICER", stationId }, select: { accountId: true } });
      await notify(
        tx,
        officers.map((o) => ({
          accountId: o.accountId,
          stationId,
          kind: "HOME_WATCH_REQUESTED" as const,
          title: msg("新的长假照看申请", "New home-watch request"),
          body: msg(`${localDate(input.awayFrom)} 至 ${localDate(input.awayTo)}`, `${localDate(input.awayFrom)} to ${localDate(input.awayTo)}`),
          link: "/cases/homewatch",
        })),
      );
      await recordAudit(tx, { actor: viewer, stationId, action: "homeWatch.request", targetType: "HomeWatchRequest", targetId: created.id, summary: `${localDate(input.awayFrom)} 至 ${localDate(input.awayTo)}`, clientAddress });
      return created;
    }, TX).then(thenDelivered)
    .catch((e: unknown) => {
      // A parallel twin wrote it (oncePerKey answers with that one): this one wrote nothing, its count is given back.
      if (isUniqueViolation(e)) for (const [limiter, key] of counted) limiter.refund(key);
      throw e;
    });
}

/** 2026-10-01 in Asia/Shanghai. */
export function localDate(d: Date): string {
  return new Date(d.getTime() + SHANGHAI).toISOString().slice(0, 10);
}

/** The resident's view by code (rate limited per address): null for an unknown code. */
export async function homeWatchByCode(code: string, clientAddress: string | null) {
  const r = limits.lookups.consume(`addr:${clientAddress ?? "unknown"}`);
  if (!r.allowed) throw rateLimited(r.retryAfterSeconds);
  const normalized = code.trim();
  if (!normalized || normalized.length > 40) return null;
  return prisma.homeWatchRequest.findUnique({
    where: { codeHash: confirmationHash(normalized) },
    include: {
      station: { select: { name: true } },
      visits: { select: { visitedAt: true, result: true }, orderBy: { visitedAt: "asc" } },
      shifts: { where: { status: { not: "CANCELLED" } }, select: { startsAt: true }, orderBy: { startsAt: "asc" } },
    },
  });
}

async function decidable(viewer: Viewer, requestId: string) {
  const request = await prisma.homeWatchRequest.findUnique({ where: { id: requestId } });
  if (!request) throw notFound(REQUEST, ["input", "requestId"]);
  assert(viewer, "homeWatch.decide", { stationId: request.stationId }, {
    message: msg("仅本所民警可审批长假照看", "Only the station's officers decide on home-watch requests"),
    hide: { what: REQUEST, field: ["input", "requestId"], stationId: request.stationId },
  });
  if (request.status !== "PENDING") throw conflict(msg("该申请已处理", "This request has been decided"), ["input", "requestId"]);
  return request;
}

/** The team that patrols a grid: the one with the most shifts there lately; else the station's only team. */
export async function suggestedTeamId(stationId: string, gridId: string | null): Promise<string | null> {
  if (gridId) {
    const [row] = await prisma.$queryRaw<{ teamId: string }[]>`
      SELECT s."teamId" FROM "Shift" s JOIN "Team" t ON t.id = s."teamId"
      WHERE s."gridId" = ${gridId}::uuid AND t."stationId" = ${stationId}::uuid AND s."startsAt" > now() - interval '180 days'
      GROUP BY s."teamId" ORDER BY count(*) DESC, s."teamId" LIMIT 1`;
    if (row) return row.teamId;
  }
  const teams = await prisma.team.findMany({ where: { stationId }, select: { id: true }, take: 2 });
  return teams.length === 1 ? teams[0]!.id : null;
}

export interface ApproveHomeWatchInput {
  requestId: string;
  teamId?: string | null;
  gridId?: string | null;
  /** ISO weekdays; empty or absent: every day. */
  weekdays?: number[] | null;
  /** "HH:MM" in Asia/Shanghai. */
  visitTime?: string | null;
  durationMinutes?: number | null;
  capacity?: number | null;
}

export async function approveHomeWatchRequest(viewer: Viewer, input: ApproveHomeWatchInput, clientAddress: string | null = null) {
  const request = await decidable(viewer, input.requestId);
  const gridId = input.gridId ?? request.gridId;
  const grid = gridId ? await prisma.grid.findUnique({ where: { id: gridId }, select: { stationId: true, name: true } }) : null;
  if (gridId && grid?.stationId !== request.stationId) throw notFound(msg("本所网格", "Grid of this station"), ["input", "gridId"]);
  const teamId = input.teamId ?? (await suggestedTeamId(request.stationId, gridId));
  if (!teamId) throw new UserFacingError("VALIDATION", msg("请选择负责照看的队伍", "Choose the team that visits"), ["input", "teamId"]);
  const team = await prisma.team.findUnique({ where: { id: teamId }, select: { stationId: true, name: true } });
  if (team?.stationId !== request.stationId) throw notFound(msg("本所队伍", "Team of this station"), ["input", "teamId"]);

  const [hh, mm] = (input.visitTime ?? "10:00").split(":").map(Number) as [number, number];
  const duration = (input.durationMinutes ?? 60) * 60_000;
  const firstDay = Math.floor((request.awayFrom.getTime() + SHANGHAI) / DAY) * DAY - SHANGHAI;
  const first = new Date(firstDay + (hh * 60 + mm) * 60_000);
  const weekdays = input.weekdays?.length ? [...new Set(input.weekdays)].sort() : [1, 2, 3, 4, 5, 6, 7];
  const now = clock.now();
  const visits = weeklyOccurrences(first, duration, weekdays, request.awayTo, MAX_DAYS_AWAY + 2).filter((o) => o.startsAt > now && o.startsAt < request.awayTo);
  if (!visits.length) throw new UserFacingError("VALIDATION", msg("所选日期内没有可安排的照看", "No visit fits in the period on the chosen days"), ["input", "weekdays"]);

  const result = await prisma.$transaction(async (tx) => {
    const { count } = await tx.homeWatchRequest.updateMany({
      where: { id: request.id, status: "PENDING" },
      data: { status: "APPROVED", teamId, gridId: gridId ?? null, weekdays: input.weekdays?.length ? weekdays : [], decidedById: viewer.accountId, decidedAt: now },
    });
    if (!count) throw conflict(msg("该申请已处理", "This request has been decided"), ["input", "requestId"]);
    await tx.shift.createMany({
      data: visits.map((v) => ({
        stationId: request.stationId,
        teamId,
        gridId: gridId ?? null,
        kind: "HOME_WATCH" as const,
        // Never the address: the title and place are seen by the whole station.
        title: `长假照看 · ${grid?.name ?? "辖区"}`,
        place: grid?.name ?? "",
        notes: "地址和联系方式仅对认领本次照看的义警显示",
        startsAt: v.startsAt,
        endsAt: v.endsAt,
        capacity: input.capacity ?? 1,
        postCode: newPostCode(),
        createdById: viewer.accountId,
        homeWatchRequestId: request.id,
      })),
    });
    await recordAudit(tx, {
      actor: viewer,
      stationId: request.stationId,
      action: "homeWatch.approve",
      targetType: "HomeWatchRequest",
      targetId: request.id,
      summary: `批准：${visits.length}次照看，${team.name}`,
      clientAddress,
    });
    return tx.homeWatchRequest.findUniqueOrThrow({ where: { id: request.id } });
  }, TX);
  return { request: result, shiftCount: visits.length };
}

export async function declineHomeWatchRequest(viewer: Viewer, input: { requestId: string; reason: string }, clientAddress: string | null = null) {
  const request = await decidable(viewer, input.requestId);
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.homeWatchRequest.updateMany({
      where: { id: request.id, status: "PENDING" },
      data: { status: "DECLINED", declineReason: input.reason, decidedById: viewer.accountId, decidedAt: clock.now() },
    });
    if (!count) throw conflict(msg("该申请已处理", "This request has been decided"), ["input", "requestId"]);
    await recordAudit(tx, { actor: viewer, stationId: request.stationId, action: "homeWatch.decline", targetType: "HomeWatchRequest", targetId: request.id, summary: "不予安排", clientAddress });
    return tx.homeWatchRequest.findUniqueOrThrow({ where: { id: request.id } });
  }, TX);
}

/** Volunteers on any shift of each request: they see its address and log its visits. */
export async function visitorsOf(requestIds: readonly string[]): Promise<Map<string, string[]>> {
  const rows = requestIds.length
    ? await prisma.$queryRaw<{ requestId: string; volunteerId: string }[]>`
        SELECT DISTINCT s."homeWatchRequestId" AS "requestId", c."volunteerId"
        FROM "ShiftClaim" c JOIN "Shift" s ON s.id = c."shiftId"
        WHERE s."homeWatchRequestId" = ANY(${[...requestIds]}::uuid[]) AND c.status IN ('CONFIRMED', 'COMPLETED')`
    : [];
  const m = new Map<string, string[]>();
  for (const r of rows) m.set(r.requestId, [...(m.get(r.requestId) ?? []), r.volunteerId]);
  return m;
}

export interface LogVisitInput {
  shiftId: string;
  visitedAt?: Date | null;
  result: HomeWatchResult;
  note?: string | null;
  photo?: UploadFile | null;
  /** The app's key for this visit log: a repeat by the same account answers the first. */
  requestId?: string | null;
}

export async function logHomeWatchVisit(viewer: Viewer, input: LogVisitInput) {
  const shift = await prisma.shift.findUnique({ where: { id: input.shiftId }, include: { homeWatchRequest: true, grid: { select: { name: true } } } });
  const request = shift?.homeWatchRequest;
  if (!shift || shift.kind !== "HOME_WATCH" || !request) throw notFound(msg("长假照看班次", "Home-watch shift"), ["input", "shiftId"]);
  const onShift = !!viewer.volunteerId && !!(await prisma.shiftClaim.findFirst({ where: { shiftId: shift.id, volunteerId: viewer.volunteerId, status: { in: ["CONFIRMED", "COMPLETED"] } }, select: { id: true } }));
  assert(viewer, "homeWatch.logVisit", { shift, visitorVolunteerIds: onShift ? [viewer.volunteerId!] : [] }, {
    message: msg("仅认领本次照看的义警、队长或民警可记录", "Only the volunteers on this visit, its leaders and the station's officers log it"),
    hide: { what: msg("长假照看班次", "Home-watch shift"), field: ["input", "shiftId"], stationId: shift.stationId },
  });
  // A repeat (a double tap, the answer lost on a weak signal), even in parallel: the first visit, its photo not stored
  // again; before the checks of a new visit, as a resend hours later is still the visit made then.
  const { value: visit } = await oncePerKey(input.requestId, {
    find: () => prisma.homeWatchVisit.findUnique({ where: { recordedById_requestKey: { recordedById: viewer.accountId, requestKey: input.requestId! } } }),
    // The time is compared when named (else it was the first's now). After the erasure the note no longer matches.
    differs: async (e) =>
      e.shiftId !== shift.id ||
      e.result !== input.result ||
      e.note !== (input.note ?? "") ||
      (!!input.visitedAt && e.visitedAt.getTime() !== input.visitedAt.getTime()) ||
      (await prisma.photo.count({ where: { visitId: e.id } })) !== (input.photo ? 1 : 0),
    reused: msg("该请求编号已用于另一条照看记录", "This request ID was used for another visit"),
    // The photo quota may count the twin's photo meanwhile (withPhotos discards this one's): the twin is the answer.
    twinOn: (e) => isUniqueViolation(e) || e instanceof UserFacingError,
    create: async () => {
      if (request.erasedAt) throw conflict(msg("该申请的照看已结束", "This home-watch has ended"), ["input", "shiftId"]);
      if (shift.status === "CANCELLED") throw conflict(msg("班次已取消", "The shift was cancelled"), ["input", "shiftId"]);
      const now = clock.now();
      const visitedAt = input.visitedAt ?? now;
      if (visitedAt.getTime() > now.getTime() + 5 * 60_000) throw new UserFacingError("VALIDATION", msg("照看时间不能晚于现在", "The visit cannot be in the future"), ["input", "visitedAt"]);
      if (visitedAt.getTime() < shift.startsAt.getTime() - LOG_SLACK_MS) {
        throw new UserFacingError("VALIDATION", msg("照看时间早于本班次", "The visit is before this shift"), ["input", "visitedAt"]);
      }
      // Nor long after it: a claim kept from weeks ago would log visits (and alarm the officer) after the resident is back.
      if (visitedAt.getTime() > shift.endsAt.getTime() + LOG_SLACK_MS) {
        throw new UserFacingError("VALIDATION", msg("照看时间晚于本班次：请在当天的照看班次上记录", "The visit is after this shift: log it on the day's home-watch shift"), ["input", "visitedAt"]);
      }
      if (input.result === "PROBLEM" && !input.note) throw new UserFacingError("VALIDATION", msg("请写明发现的问题", "Describe the problem"), ["input", "note"]);
      return withPhotos(
        viewer.accountId,
        input.photo ? [input.photo] : [],
        ["input", "photo"],
        (photos) =>
          prisma.$transaction(async (tx) => {
            const v = await tx.homeWatchVisit.create({
              data: {
                stationId: shift.stationId,
                requestId: request.id,
                shiftId: shift.id,
                volunteerId: onShift ? viewer.volunteerId : null,
                recordedById: viewer.accountId,
                visitedAt,
                result: input.result,
                note: input.note ?? "",
                requestKey: input.requestId ?? null,
              },
            });
            if (photos.length) {
              await tx.photo.createMany({ data: photos.map((p, position) => ({ ...p, stationId: shift.stationId, uploadedById: viewer.accountId, purpose: "VISIT" as const, position, visitId: v.id })) });
            }
            if (input.result === "PROBLEM") {
              // At once, to the officer who approved the request (else every officer of the station).
              const stillOfficer = request.decidedById
                ? await tx.accountRole.findFirst({ where: { accountId: request.decidedById, role: "OFFICER", stationId: shift.stationId }, select: { accountId: true } })
                : null;
              const officers = stillOfficer ? [stillOfficer] : await tx.accountRole.findMany({ where: { role: "OFFICER", stationId: shift.stationId }, select: { accountId: true } });
              await notify(
                tx,
                officers.map((o) => ({
                  accountId: o.accountId,
                  stationId: shift.stationId,
                  kind: "HOME_WATCH_PROBLEM" as const,
                  title: msg("长假照看发现问题", "Home watch found a problem"),
                  body: joinMsg(`${localDate(visitedAt)} ${shift.grid?.name ?? ""}`, msg("：", ": "), input.note ?? ""),
                  link: `/cases/homewatch?request=${encodeURIComponent(Buffer.from(`HomeWatchRequest:${request.id}`).toString("base64"))}`,
                  // The note is in the body: the erasure finds the notice by its subject.
                  subject: { type: "HomeWatchRequest", id: request.id },
                })),
              );
            }
            return v;
          }, TX).then(thenDelivered),
        1,
      );
    },
  });
  return visit;
}

/**
 * Erases name, phone, address, contact and notes of requests whose return was more than 30 days ago,
 * with their visits' notes and photos, the notes quoted in the officers' notices of a problem, and the
 * sender's address and account on the request's audit entry. Safe in several processes at once: rows are taken with SKIP
 * LOCKED and changed only while not yet erased; files go after the commit (a missing one is fine).
 */
export async function eraseExpiredHomeWatch(now = clock.now()): Promise<number> {
  const cutoff = new Date(now.getTime() - ERASE_AFTER_DAYS * DAY);
  return eraseInBatches({
    take: (tx, limit) => tx.$queryRaw`
      SELECT id, "stationId" FROM "HomeWatchRequest" WHERE "erasedAt" IS NULL AND "awayTo" < ${cutoff} ORDER BY "awayTo" LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    erase: async (tx, ids) => {
      await tx.homeWatchRequest.updateMany({ where: { id: { in: ids }, erasedAt: null }, data: { name: "", phone: "", address: "", contactWhileAway: "", notes: "", erasedAt: now } });
      await tx.homeWatchVisit.updateMany({ where: { requestId: { in: ids } }, data: { note: "" } });
      // The officers' notices of a problem carry the visit's note.
      await tx.notification.updateMany({ where: { subjectId: { in: ids }, kind: "HOME_WATCH_PROBLEM" }, data: { body: "" } });
      const photos = await tx.photo.findMany({ where: { visit: { requestId: { in: ids } } }, select: { key: true, thumbKey: true } });
      await tx.photo.deleteMany({ where: { visit: { requestId: { in: ids } } } });
      // The resident's own entry: the form's sender by address (or account, if signed in) is personal data too.
      // The officers' decisions keep theirs, as every officer's act in the log does.
      await tx.auditEntry.updateMany({ where: { action: "homeWatch.request", targetType: "HomeWatchRequest", targetId: { in: ids } }, data: { clientAddress: null, actorId: null } });
      return photos;
    },
    afterCommit: discardPhotos,
    audit: {
      action: "homeWatch.erase",
      targetType: "HomeWatchRequest",
      summary: (n) => msg(`返回30天后删除${n}份申请的姓名、电话、地址和照片`, `30 days after the return: names, phones, addresses and photos of ${n} requests erased`),
    },
    logAs: "home-watch: personal data erased",
  });
}
