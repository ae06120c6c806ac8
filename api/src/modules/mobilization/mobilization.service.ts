// 一键召集: a station calls up the nearest fitting volunteers at once, in waves, until enough accept.
//
// Candidates are the station's active volunteers (with an account: the call reaches them in the
// app and by SMS) whose specialty or squad fits, ordered by the distance from their base: their GPS
// check-in of the last hours, else the point of their home grid (常驻网格). Waves:
//   1. fitting volunteers within the radius;
//   2. fitting volunteers within three times the radius, and fitting ones whose base is unknown;
//   3. the whole station: every active volunteer not called yet.
// A wave that finds nobody is followed at once by the next. After `escalateAfterMinutes` with fewer
// than `wanted` accepted the sweeper calls the next wave; each process sweeps, and the call-up's row
// lock (SKIP LOCKED) makes each wave happen once. Every change is a MobilizationEvent row, a stored
// stream the officer's board follows live (mobilizationUpdated).
import type { Viewer } from "../../auth/viewer.js";
import { assert, can } from "../../auth/policy.js";
import { clock } from "../../clock.js";
import { config } from "../../config.js";
import { prisma, type Tx, TX } from "../../db.js";
import { defineStoredStream } from "../../events/stored-stream.js";
import { Prisma, type Mobilization, type MobilizationOutcome, type Specialty } from "../../generated/prisma/client.js";
import { conflict, notFound, UserFacingError } from "../../graphql/errors.js";
import { oncePerKey, sameSet } from "../../lib/once-per-key.js";
import { log, safeError } from "../../log.js";
import { recordAudit } from "../audit/audit.service.js";
import { delivered, notify, notifyUrgent } from "../notification/notification.service.js";
import { patrolPoints, rulesFor } from "../points/points.service.js";
import { encodeGlobalID } from "@pothos/plugin-relay";
import { callUpsThatCalled } from "./called.js";
import { notificationStream } from "../notification/notification.stream.js";
import { joinMsg, localize, msg, MSG_SEPARATOR } from "../../i18n.js";

export const mobilizationEvents = defineStoredStream<{ kind: string }>({ name: "mobilizationEvents", table: "MobilizationEvent", key: "mobilizationId", columns: ["kind"] });
/** The same rows by station: the command view learns of every call-up and its changes (stationMobilizationUpdated). */
export const stationMobilizations = defineStoredStream<{ mobilizationId: string; kind: string }>({ name: "stationMobilizations", table: "MobilizationEvent", key: "stationId", columns: ["mobilizationId", "kind"] });

/** After the writing transaction committed: wakes the readers of both streams. */
function notifyStreams() {
  mobilizationEvents.notify();
  stationMobilizations.notify();
}

/** A GPS check-in this recent is the volunteer's base; older ones say little about where they are. */
const GPS_FRESH_MS = 3 * 3600_000;
const LAST_WAVE = 3;
/** Time credited to a responder at most, from their answer to the close. */
const MAX_SERVED_MINUTES = 8 * 60;

export const mobilizationFacts = (m: Pick<Mobilization, "stationId" | "startedById">, station: { leadersMayMobilize: boolean }) => ({
  stationId: m.stationId,
  startedById: m.startedById,
  leadersMayMobilize: station.leadersMayMobilize,
});

export interface StartInput {
  stationId: string;
  reason: string;
  description?: string | null;
  place: string;
  latitude: number;
  longitude: number;
  specialties: Specialty[];
  squadIds: string[];
  radiusMeters: number;
  wanted: number;
  escalateAfterMinutes: number;
  requestId?: string | null;
}

/**
 * Everyone the next wave calls ("volunteerId", "accountId", distance; null: base unknown), as SQL:
 * the call-up's inserts select from it, so thousands of people never travel through the API.
 */
function candidates(m: Mobilization, wave: number, now: Date): Prisma.Sql {
  const everyone = wave >= LAST_WAVE || (!m.specialties.length && !m.squadIds.length);
  const reach =
    wave >= LAST_WAVE ? Prisma.sql`TRUE` : wave === 1 ? Prisma.sql`distance <= ${m.radiusMeters}` : Prisma.sql`(distance IS NULL OR distance <= ${m.radiusMeters * 3})`;
  return Prisma.sql`
    SELECT "volunteerId", "accountId", distance FROM (
      SELECT "volunteerId", "accountId",
        CASE WHEN lat IS NULL OR lng IS NULL THEN NULL ELSE round(2 * 6371000 * asin(sqrt(
          power(sin(radians(lat - ${m.latitude}) / 2), 2) + cos(radians(${m.latitude})) * cos(radians(lat)) * power(sin(radians(lng - ${m.longitude}) / 2), 2)
        )))::int END AS distance
      FROM (
        SELECT v.id AS "volunteerId", a.id AS "accountId", COALESCE(gps.lat, g.latitude) AS lat, COALESCE(gps.lng, g.longitude) AS lng
        FROM "Volunteer" v
        JOIN "Account" a ON a."volunteerId" = v.id AND NOT a.disabled
        LEFT JOIN "Grid" g ON g.id = v."homeGridId"
        -- The check-ins of the last hours as one set (a range of the checkedInAt index), not a probe of every
        -- volunteer's claims: 15,000 probes were half of the officer's wait.
        LEFT JOIN (
          SELECT DISTINCT ON (c."volunteerId") c."volunteerId", c."checkInLat" AS lat, c."checkInLng" AS lng FROM "ShiftClaim" c
          WHERE c."checkedInAt" >= ${new Date(now.getTime() - GPS_FRESH_MS)} AND c."checkInLat" IS NOT NULL AND c."checkInLng" IS NOT NULL
          ORDER BY c."volunteerId", c."checkedInAt" DESC
        ) gps ON gps."volunteerId" = v.id
        WHERE v.status = 'ACTIVE'
          -- Members of the station now: not those who left, are suspended or wait for approval.
          AND EXISTS (SELECT 1 FROM "TeamMembership" tm JOIN "Team" t ON t.id = tm."teamId" WHERE tm."volunteerId" = v.id AND tm.status = 'ACTIVE' AND t."stationId" = ${m.stationId}::uuid)
          AND (${everyone} OR v.specialties && ${m.specialties}::"Specialty"[]
               OR EXISTS (SELECT 1 FROM "SquadMembership" sm WHERE sm."volunteerId" = v.id AND sm.active AND sm."squadId" = ANY(${m.squadIds}::uuid[])))
          AND NOT EXISTS (SELECT 1 FROM "MobilizationResponder" r WHERE r."mobilizationId" = ${m.id}::uuid AND r."volunteerId" = v.id)
      ) base
    ) c WHERE ${reach}`;
}

/** "，距您约1.2公里" / ", about 1.2 km from you" in SQL, from a distance in meters (null: nothing). */
const distanceText = (d: Prisma.Sql, lang: "zh" | "en") => {
  const [prefix, m, km] = lang === "zh" ? ["，距您约", "米", "公里"] : [", about ", " m", " km"];
  const tail = lang === "zh" ? "" : " from you";
  return Prisma.sql`CASE WHEN ${d} IS NULL THEN '' WHEN ${d} < 1000 THEN ${prefix} || greatest(50, round(${d} / 50.0) * 50)::int || ${m + tail}
    ELSE ${prefix} || to_char(round(${d} / 1000.0, 1), 'FM999990.0') || ${km + tail} END`;
};

/** Advisory-lock namespace of "writing a call-up's notices" (one writer per call-up across processes). */
const NOTICE_LOCK = 0x63616c6c; // "call"

/** A call-up notice's title, link and body, as SQL over a distance in meters — the announcement and the rows alike. */
function noticeParts(m: Mobilization) {
  const [zhTail, enTail] = [`。需要${m.wanted}人，请立即回复能否前往`, `. ${m.wanted} needed: please answer now whether you can come`];
  return {
    title: joinMsg(msg("一键召集：", "Call-up: "), m.reason),
    link: `/callups/${encodeGlobalID("Mobilization", m.id)}`,
    body: (d: Prisma.Sql) =>
      Prisma.sql`${localize(m.place, "zh")} || ${distanceText(d, "zh")} || ${zhTail} || ${MSG_SEPARATOR} || ${localize(m.place, "en")} || ${distanceText(d, "en")} || ${enTail}`,
  };
}

/**
 * Announces the wave just queued: one NotificationWave row that every process reads in the
 * notification stream's order and hands to its local subscribers at once (deliver first). Each
 * person's notice is announced as the row the batches write later: the id reserved in the queue, at
 * this transaction's xid, so the phone's id and cursor are those of the stored row.
 */
async function announceWave(tx: Tx, m: Mobilization, now: Date) {
  const { title, link, body } = noticeParts(m);
  await tx.$executeRaw`
    INSERT INTO "NotificationWave" (id, "mobilizationId", "stationId", kind, title, link, "subjectType", "subjectId", "createdAt", "accountIds", "noticeIds", bodies)
    SELECT nextval('"Notification_id_seq"'), ${m.id}::uuid, ${m.stationId}::uuid, 'MOBILIZATION', ${title}, ${link}, 'Mobilization', ${m.id}::uuid, ${now}::timestamptz, q."accountIds", q."noticeIds",
      ARRAY(SELECT ${body(Prisma.sql`u.d`)} FROM unnest(q.distances) WITH ORDINALITY u(d, i) ORDER BY u.i)
    FROM "MobilizationCallQueue" q WHERE q."mobilizationId" = ${m.id}::uuid`;
}

/**
 * Writes the next `limit` people of the call-up's queue (the wave called last, nearest first): their
 * responder rows (unless they answered already), notices (app and SMS) at the places their wave
 * announced, and removes them from the queue, all in the caller's transaction, under the notice lock.
 * So a person is a responder exactly when their notice is stored, and a batch repeated after a crash
 * writes nobody twice (its queue is as it was). Returns how many were written and whether more remain.
 */
async function tellNext(tx: Tx, m: Mobilization, limit: number, now: Date, sms = true): Promise<{ told: number; more: boolean }> {
  const { title, link, body } = noticeParts(m);
  const told = await notifyUrgent(tx, {
    kind: "MOBILIZATION",
    sms,
    stationId: m.stationId,
    title,
    link,
    subject: { type: "Mobilization", id: m.id },
    // Data-modifying CTEs must be at the top level: the responders are written beside the notices.
    before: Prisma.sql`
      q AS (
        SELECT q.wave, q.xid, u.v, u.d, u.a, u.n, u.i, coalesce(w."calledAt", ${now}::timestamptz) AS "calledAt"
        FROM "MobilizationCallQueue" q
        CROSS JOIN unnest(q."volunteerIds"[1:${limit}::int], q.distances[1:${limit}::int], q."accountIds"[1:${limit}::int], q."noticeIds"[1:${limit}::int]) WITH ORDINALITY u(v, d, a, n, i)
        LEFT JOIN "MobilizationWave" w ON w."mobilizationId" = q."mobilizationId" AND w.number = q.wave
        WHERE q."mobilizationId" = ${m.id}::uuid AND u.v IS NOT NULL
      ),
      responders AS (
        INSERT INTO "MobilizationResponder" (id, "mobilizationId", "volunteerId", wave, "distanceMeters", "notifiedAt")
        SELECT linshe_uuid7(), ${m.id}::uuid, q.v, q.wave, q.d, q."calledAt" FROM q ORDER BY q.i
        ON CONFLICT ("mobilizationId", "volunteerId") DO NOTHING
      )`,
    // Everyone of the slice, answered already or not: each was announced; a notice its person marked
    // read meanwhile is stored already (markRead), and keeps its row. (A queue written before
    // announcements had no accounts or ids: those get a fresh id at this transaction's place.)
    recipients: Prisma.sql`
      SELECT coalesce(q.n, nextval('"Notification_id_seq"')) AS id,
        CASE WHEN q.n IS NULL THEN pg_current_xact_id()::text::bigint ELSE q.xid END AS xid,
        a.id AS "accountId", ${body(Prisma.sql`q.d`)} AS body, q."calledAt" AS "createdAt"
      FROM q JOIN "Account" a ON a.id = coalesce(q.a, (SELECT x.id FROM "Account" x WHERE x."volunteerId" = q.v)) AND NOT a.disabled
      ORDER BY q.i`,
  });
  const [row] = await tx.$queryRaw<{ left: number }[]>`
    UPDATE "MobilizationCallQueue" SET "volunteerIds" = "volunteerIds"[${limit}::int + 1:], distances = distances[${limit}::int + 1:],
      "accountIds" = "accountIds"[${limit}::int + 1:], "noticeIds" = "noticeIds"[${limit}::int + 1:]
    WHERE "mobilizationId" = ${m.id}::uuid RETURNING coalesce(cardinality("volunteerIds"), 0) AS "left"`;
  if (row && !row.left) {
    await tx.$executeRaw`DELETE FROM "MobilizationCallQueue" WHERE "mobilizationId" = ${m.id}::uuid`;
    // Every announced row is stored now: replays read them, not the announcement.
    await tx.$executeRaw`DELETE FROM "NotificationWave" WHERE "mobilizationId" = ${m.id}::uuid`;
  }
  return { told, more: !!row?.left };
}

/**
 * Calls the next waves until one reaches somebody (or none is left); returns the people called and
 * whether some remain to be told after the commit (`notifying`).
 */
async function callWaves(tx: Tx, m: Mobilization, from: number, trigger: "START" | "ESCALATION", now: Date): Promise<{ wave: number; called: number; notifying: boolean }> {
  // Under the notice lock (re-entrant): no batch runs meanwhile. A wave still being told is told
  // to the end first, so the next wave's candidates exclude everyone called before.
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${NOTICE_LOCK}::int, hashtext(${m.id}))`;
  if (trigger === "ESCALATION") while ((await tellNext(tx, m, 100_000, now)).more);
  let wave = from;
  for (;;) {
    const radiusMeters = wave === 1 ? m.radiusMeters : wave === 2 ? m.radiusMeters * 3 : null;
    // The wave's people in calling order, computed inside PostgreSQL into one queue row: thousands
    // of people never travel through the API, and only the first batch becomes responders now.
    // Each person's notification id is reserved here, nearest first (ids follow the calling order).
    const [queued] = await tx.$queryRaw<{ called: number }[]>`
      INSERT INTO "MobilizationCallQueue" ("mobilizationId", wave, "volunteerIds", distances, "accountIds", "noticeIds")
      SELECT ${m.id}::uuid, ${wave}, array_agg(c."volunteerId" ORDER BY c.o), array_agg(c.distance ORDER BY c.o), array_agg(c."accountId" ORDER BY c.o), array_agg(c.n ORDER BY c.o)
      FROM (SELECT s.*, row_number() OVER () AS o, nextval('"Notification_id_seq"') AS n
            FROM (SELECT * FROM (${candidates(m, wave, now)}) c0 ORDER BY c0.distance ASC NULLS LAST, c0."volunteerId") s) c
      HAVING count(*) > 0
      RETURNING cardinality("volunteerIds") AS called`;
    const called = queued?.called ?? 0;
    await tx.mobilizationWave.create({ data: { mobilizationId: m.id, number: wave, radiusMeters, calledCount: called, calledAt: now, trigger } });
    // Everyone called is told when this commits, by the announcement; their rows are written here
    // for a small wave, and after the commit in batches for a large one (finishNotices), so the
    // officer is not kept waiting for 15,000 rows and nobody waits for them to be told.
    if (called) await announceWave(tx, m, now);
    const notices = called ? (called <= config.callUpNoticeBatch ? await tellNext(tx, m, called, now) : { more: true }) : { more: false };
    await tx.mobilizationEvent.create({ data: { mobilizationId: m.id, stationId: m.stationId, kind: "WAVE" } });
    if (called || wave >= LAST_WAVE) return { wave, called, notifying: notices.more };
    wave++;
  }
}

/**
 * Tells the rest of a call-up's queue, a batch per transaction, each delivered at once. Runs after
 * the call-up or a wave commits, and from the sweeper for call-ups a process left unfinished (it
 * stopped or crashed); one writer per call-up at a time (advisory lock), so nobody is told twice.
 */
export async function finishNotices(mobilizationId: string): Promise<number> {
  let total = 0;
  const [announced] = await prisma.$queryRaw<{ xid: bigint; id: bigint }[]>`
    SELECT xid, id FROM "NotificationWave" WHERE "mobilizationId" = ${mobilizationId}::uuid ORDER BY xid DESC, id DESC LIMIT 1`;
  if (announced) await notificationStream.passed(announced, config.callUpStoreYieldMs);
  // Batches double (1,000, 2,000, 4,000 …): fewer transactions, the nearest still first.
  let size = config.callUpNoticeBatch / 2;
  for (;;) {
    size = Math.max(config.callUpNoticeBatch, Math.min(size * 2, config.callUpNoticeBatchMax));
    const limit = size;
    const step = await prisma.$transaction(async (tx) => {
      const [{ locked }] = (await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(${NOTICE_LOCK}::int, hashtext(${mobilizationId})) AS locked`) as [{ locked: boolean }];
      if (!locked) return null; // another process writes them
      const m = await tx.mobilization.findUnique({ where: { id: mobilizationId } });
      if (!m?.notifying) return null;
      const { told, more } = await tellNext(tx, m, limit, clock.now()); // closing clears `notifying` and the queue
      if (!more) await tx.mobilization.update({ where: { id: m.id }, data: { notifying: false } });
      return { told, more };
    }, TX);
    if (!step) return total;
    total += step.told;
    if (step.told) delivered();
    if (!step.more) return total;
  }
}

/** Starts writing the rest of a call-up's notices after its transaction committed (not awaited by the caller). */
function finishLater(mobilizationId: string) {
  void finishNotices(mobilizationId).catch((e) => log.error({ err: safeError(e), mobilizationId }, "call-up notices: a batch failed; the sweeper finishes them"));
}

async function stationOf(stationId: string, field: string[]) {
  const station = await prisma.station.findUnique({ where: { id: stationId }, select: { id: true, leadersMayMobilize: true } });
  if (!station) throw notFound(msg("派出所", "Station"), field);
  return station;
}

export async function startMobilization(viewer: Viewer, input: StartInput, clientAddress: string | null = null) {
  const station = await stationOf(input.stationId, ["input", "stationId"]);
  assert(viewer, "mobilization.start", { stationId: station.id, leadersMayMobilize: station.leadersMayMobilize }, {
    message: msg("仅本所民警（或经本所允许的队长）可发起召集", "Only the station's officers (and leaders, where the station allows it) call up volunteers"),
    hide: { what: msg("派出所", "Station"), field: ["input", "stationId"], stationId: station.id },
  });
  const squadIds = [...new Set(input.squadIds)];
  if (squadIds.length) {
    const found = await prisma.squad.findMany({ where: { id: { in: squadIds }, team: { stationId: station.id } }, select: { id: true } });
    const known = new Set(found.map((s) => s.id));
    const missing = input.squadIds.findIndex((id) => !known.has(id));
    if (missing >= 0) throw notFound(msg("本所小队", "Squad of this station"), ["input", "squadIds", String(missing)]);
  }
  const specialties = [...new Set(input.specialties)];
  // A resend of the same call-up (the answer lost on the officer's weak signal) calls nobody twice.
  const { value: result, repeated } = await oncePerKey(input.requestId, {
    find: () => prisma.mobilization.findUnique({ where: { startedById_requestId: { startedById: viewer.accountId, requestId: input.requestId! } } }),
    differs: (e) =>
      e.stationId !== station.id ||
      e.reason !== input.reason ||
      e.description !== (input.description ?? "") ||
      e.place !== input.place ||
      e.latitude !== input.latitude ||
      e.longitude !== input.longitude ||
      !sameSet(e.specialties, specialties) ||
      !sameSet(e.squadIds, squadIds) ||
      e.radiusMeters !== input.radiusMeters ||
      e.wanted !== input.wanted ||
      e.escalateAfterMinutes !== input.escalateAfterMinutes,
    reused: msg("该请求编号已用于另一次召集", "This request ID was used for another call-up"),
    create: () => start(viewer, station.id, input, specialties, squadIds, clientAddress),
  });
  if (repeated) return result;
  delivered();
  notifyStreams();
  if (result.notifying) finishLater(result.id);
  return result;
}

async function start(viewer: Viewer, stationId: string, input: StartInput, specialties: Specialty[], squadIds: string[], clientAddress: string | null) {
  const now = clock.now();
  return prisma.$transaction(async (tx) => {
    const m = await tx.mobilization.create({
      data: {
        stationId,
        reason: input.reason,
        description: input.description ?? "",
        place: input.place,
        latitude: input.latitude,
        longitude: input.longitude,
        specialties,
        squadIds,
        radiusMeters: input.radiusMeters,
        wanted: input.wanted,
        escalateAfterMinutes: input.escalateAfterMinutes,
        startedById: viewer.accountId,
        startedAt: now,
        requestId: input.requestId ?? null,
      },
    });
    await tx.mobilizationEvent.create({ data: { mobilizationId: m.id, stationId: m.stationId, kind: "STARTED" } });
    const { wave, called, notifying } = await callWaves(tx, m, 1, "START", now);
    const updated = await tx.mobilization.update({
      where: { id: m.id },
      data: { wave, notifying, escalateAt: wave < LAST_WAVE ? new Date(now.getTime() + input.escalateAfterMinutes * 60_000) : null },
    });
    await recordAudit(tx, {
      actor: viewer,
      stationId,
      action: "mobilization.start",
      targetType: "Mobilization",
      targetId: m.id,
      summary: msg(`召集需要 ${input.wanted} 人，第 ${wave} 波通知 ${called} 人`, `call-up wants ${input.wanted}, wave ${wave} told ${called}`),
      clientAddress,
    });
    return updated;
  }, { ...TX, timeout: Math.max(TX.timeout ?? 0, 60_000) });
}

/** Whether the call-up called this viewer (a responder row of theirs), one of mobilization.read's facts. */
export async function calledBy(viewer: Viewer | null, mobilizationId: string) {
  if (!viewer?.volunteerId) return false;
  return (await callUpsThatCalled(viewer.volunteerId, [mobilizationId])).has(mobilizationId);
}

/** The call-up as its viewer may see it; NOT_FOUND when it does not exist or lies in another station. */
async function visibleMobilization(viewer: Viewer, id: string) {
  const m = await prisma.mobilization.findUnique({ where: { id }, include: { station: { select: { leadersMayMobilize: true } } } });
  if (!m || !can(viewer, "mobilization.read", { mobilization: mobilizationFacts(m, m.station), called: await calledBy(viewer, m.id) })) throw notFound(msg("召集", "Call-up"), ["input", "mobilizationId"]);
  return m;
}

export async function respondToMobilization(viewer: Viewer, input: { mobilizationId: string; response: "ACCEPT" | "DECLINE"; etaMinutes?: number | null }) {
  const m = await visibleMobilization(viewer, input.mobilizationId);
  if (!viewer.volunteerId) throw new UserFacingError("FORBIDDEN", msg("仅义警可响应召集", "Only volunteers answer call-ups"));
  // Only the person called answers: the row is looked up by the caller's own volunteer id.
  const mine = { mobilizationId_volunteerId: { mobilizationId: m.id, volunteerId: viewer.volunteerId } };
  let responder = await prisma.mobilizationResponder.findUnique({ where: mine });
  if (!responder) {
    // Told by the wave's announcement before their batch wrote the row: answering writes it (the
    // batch reaching them keeps it and still stores their notice).
    await prisma.$executeRaw`
      INSERT INTO "MobilizationResponder" (id, "mobilizationId", "volunteerId", wave, "distanceMeters", "notifiedAt")
      SELECT linshe_uuid7(), q."mobilizationId", u.v, q.wave, u.d, coalesce(w."calledAt", ${clock.now()}::timestamptz)
      FROM "MobilizationCallQueue" q CROSS JOIN unnest(q."volunteerIds", q.distances) u(v, d)
      LEFT JOIN "MobilizationWave" w ON w."mobilizationId" = q."mobilizationId" AND w.number = q.wave
      WHERE q."mobilizationId" = ${m.id}::uuid AND u.v = ${viewer.volunteerId}::uuid
      ON CONFLICT ("mobilizationId", "volunteerId") DO NOTHING`;
    responder = await prisma.mobilizationResponder.findUnique({ where: mine });
  }
  if (!responder) throw new UserFacingError("FORBIDDEN", msg("您不在本次召集名单中", "You were not called up for this"));
  assert(viewer, "mobilization.respond", { volunteerId: responder.volunteerId, stationId: m.stationId });
  const accept = input.response === "ACCEPT";
  const now = clock.now();
  const updated = await prisma.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM "Mobilization" WHERE id = ${m.id}::uuid FOR SHARE`;
    if (locked?.status !== "OPEN") throw conflict(msg("召集已结束", "This call-up is closed"), ["input", "mobilizationId"]);
    // The same answer again (a new ETA) keeps its time: service hours count from the first acceptance.
    const [current] = await tx.$queryRaw<{ response: string | null; respondedAt: Date | null }[]>`SELECT response::text AS response, "respondedAt" FROM "MobilizationResponder" WHERE id = ${responder.id}::uuid FOR UPDATE`;
    const response = accept ? "ACCEPTED" : "DECLINED";
    const row = await tx.mobilizationResponder.update({
      where: { id: responder.id },
      data: { response, etaMinutes: accept ? (input.etaMinutes ?? null) : null, respondedAt: current?.response === response && current.respondedAt ? current.respondedAt : now },
    });
    await tx.mobilizationEvent.create({ data: { mobilizationId: m.id, stationId: m.stationId, kind: "RESPONSE" } });
    return row;
  }, TX);
  notifyStreams();
  return { responder: updated, mobilization: m };
}

export async function closeMobilization(viewer: Viewer, input: { mobilizationId: string; outcome: MobilizationOutcome; note?: string | null }, clientAddress: string | null = null) {
  const m = await visibleMobilization(viewer, input.mobilizationId);
  assert(viewer, "mobilization.manage", mobilizationFacts(m, m.station), { message: msg("仅本所民警或发起的队长可结束召集", "Only the station's officers or the leader who started it close a call-up") });
  const now = clock.now();
  const closed = await prisma.$transaction(async (tx) => {
    // A batch of notices being written ends first: whoever it tells hears of the close too. (The
    // notice lock before the row lock, everywhere: no deadlock with a batch.)
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${NOTICE_LOCK}::int, hashtext(${m.id}))`;
    const [locked] = await tx.$queryRaw<{ status: string; outcome: string | null }[]>`SELECT status::text AS status, outcome::text AS outcome FROM "Mobilization" WHERE id = ${m.id}::uuid FOR UPDATE`;
    if (locked?.status !== "OPEN") {
      // Closing twice alike changes nothing (a double tap); a second officer on a stale page who chose
      // another outcome is told it was not theirs to set.
      if (locked?.outcome !== input.outcome) throw new UserFacingError("CONFLICT", msg("召集已由他人结束，结果未更改", "This call-up was already closed by someone else; its outcome was not changed"), ["input", "outcome"]);
      return tx.mobilization.findUniqueOrThrow({ where: { id: m.id } });
    }
    // Everyone in the queue was told by their wave's announcement: their rows are written now, so
    // they are responders, have the notice in their inbox and hear of the close. No SMS: one asking
    // them to come now would arrive after the close (and cost the station thousands of texts).
    while ((await tellNext(tx, m, 100_000, now, false)).more);
    const row = await tx.mobilization.update({
      where: { id: m.id },
      data: { status: "CLOSED", outcome: input.outcome, closeNote: input.note ?? null, closedAt: now, closedById: viewer.accountId, escalateAt: null, notifying: false },
    });
    const responders = await tx.mobilizationResponder.findMany({ where: { mobilizationId: m.id }, select: { id: true, volunteerId: true, response: true, respondedAt: true, volunteer: { select: { account: { select: { id: true } } } } } });
    // 服务时长: from the answer to the close, for those who went (a cancelled call-up credits nobody).
    const rules = await rulesFor(tx, m.stationId);
    const served = input.outcome === "CANCELLED" ? [] : responders.filter((r) => r.response === "ACCEPTED" && r.respondedAt);
    for (const r of served) {
      const minutes = Math.max(1, Math.min(MAX_SERVED_MINUTES, Math.round((now.getTime() - r.respondedAt!.getTime()) / 60_000)));
      await tx.mobilizationResponder.update({ where: { id: r.id }, data: { minutesServed: minutes } });
      const amount = patrolPoints(rules, "PATROL", minutes);
      if (amount > 0) {
        await tx.pointsEntry.createMany({
          data: [{ volunteerId: r.volunteerId, stationId: m.stationId, amount, reason: "MOBILIZATION", note: `召集：${m.reason} ${minutes} 分钟`, source: `mobilization:${r.id}` }],
          skipDuplicates: true,
        });
      }
    }
    const thanks = new Set(served.map((r) => r.id));
    await notify(
      tx,
      responders
        .filter((r) => r.volunteer.account)
        .map((r) => ({
          accountId: r.volunteer.account!.id,
          stationId: m.stationId,
          kind: "MOBILIZATION_CLOSED" as const,
          title: joinMsg(msg("召集结束：", "Call-up closed: "), m.reason),
          body: thanks.has(r.id) ? msg("感谢您的响应，服务时长已记入", "Thank you for answering: your hours are recorded") : msg("无需前往，感谢关注", "No need to come. Thank you"),
          link: `/callups/${encodeGlobalID("Mobilization", m.id)}`,
          subject: { type: "Mobilization", id: m.id },
        })),
    );
    await tx.mobilizationEvent.create({ data: { mobilizationId: m.id, stationId: m.stationId, kind: "CLOSED" } });
    await recordAudit(tx, {
      actor: viewer,
      stationId: m.stationId,
      action: "mobilization.close",
      targetType: "Mobilization",
      targetId: m.id,
      summary: msg(`召集结束（${input.outcome}），${served.length} 人计入服务时长`, `call-up closed (${input.outcome}), ${served.length} credited with hours`),
      clientAddress,
    });
    return row;
    // As long as starting may take: closing a whole station's call-up still being stored writes the rest.
  }, { ...TX, timeout: Math.max(TX.timeout ?? 0, 60_000) });
  delivered();
  notifyStreams();
  return { mobilization: closed, goodDeedDraft: await goodDeedDraft(closed) };
}

/** What the officer may submit as a 好人好事 for the responders (the web app opens the form with it). */
async function goodDeedDraft(m: Mobilization) {
  if (m.outcome === "CANCELLED") return null;
  const accepted = await prisma.mobilizationResponder.findMany({
    where: { mobilizationId: m.id, response: "ACCEPTED" },
    select: { volunteerId: true, volunteer: { select: { displayName: true, teams: { where: { team: { stationId: m.stationId } }, select: { teamId: true }, take: 1 } } } },
    orderBy: { respondedAt: "asc" },
    take: 50,
  });
  if (!accepted.length) return null;
  const names = accepted.map((a) => a.volunteer.displayName);
  return {
    teamId: accepted[0]!.volunteer.teams[0]?.teamId ?? null,
    category: "OTHER" as const,
    title: `一键召集：${m.reason}`,
    story: `${m.place}，${names.length}名义警响应召集：${names.join("、")}。${m.closeNote ?? ""}`.trim(),
    occurredAt: m.startedAt,
    place: m.place,
    volunteerIds: accepted.map((a) => a.volunteerId),
  };
}

/** The sweeper: calls the next wave of each call-up whose wait is over with too few accepted. */
export async function escalateMobilizations(now = clock.now()): Promise<number> {
  // Notices a process left unwritten (it stopped or crashed between batches) are finished first.
  for (const { id } of await prisma.mobilization.findMany({ where: { notifying: true }, select: { id: true }, take: 50 })) {
    await finishNotices(id).catch((e) => log.error({ err: safeError(e), mobilizationId: id }, "call-up notices: a batch failed; the next sweep retries"));
  }
  const due = await prisma.mobilization.findMany({ where: { status: "OPEN", escalateAt: { lte: now } }, select: { id: true }, orderBy: { escalateAt: "asc" }, take: 50 });
  let escalated = 0;
  for (const { id } of due) {
    try {
      const called = await prisma.$transaction(async (tx) => {
        // The notice lock first (as closing does); then another process escalating the same call-up
        // holds its row: skip it rather than wait.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(${NOTICE_LOCK}::int, hashtext(${id}))`;
        const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Mobilization" WHERE id = ${id}::uuid AND status = 'OPEN' AND "escalateAt" <= ${now} FOR UPDATE SKIP LOCKED`;
        if (!locked) return false;
        const m = await tx.mobilization.findUniqueOrThrow({ where: { id } });
        const accepted = await tx.mobilizationResponder.count({ where: { mobilizationId: id, response: "ACCEPTED" } });
        if (accepted >= m.wanted || m.wave >= LAST_WAVE) {
          await tx.mobilization.update({ where: { id }, data: { escalateAt: null } });
          return false;
        }
        const { wave, called: n, notifying } = await callWaves(tx, m, m.wave + 1, "ESCALATION", now);
        await tx.mobilization.update({ where: { id }, data: { wave, notifying, escalateAt: wave < LAST_WAVE ? new Date(now.getTime() + m.escalateAfterMinutes * 60_000) : null } });
        await recordAudit(tx, { actor: null, stationId: m.stationId, action: "mobilization.escalate", targetType: "Mobilization", targetId: id, summary: msg(`${accepted}/${m.wanted} 人响应，第 ${wave} 波通知 ${n} 人`, `${accepted}/${m.wanted} answered, wave ${wave} told ${n}`) });
        return true;
      }, { ...TX, timeout: Math.max(TX.timeout ?? 0, 60_000) });
      if (called) {
        escalated++;
        delivered();
        notifyStreams();
        finishLater(id);
      }
    } catch (e) {
      log.error({ err: safeError(e), mobilizationId: id }, "call-up escalation failed; the next sweep retries");
    }
  }
  return escalated;
}
