// 登记义警: officers register residents as enrollments; the person consents by activating with the
// one-time code (a new phone) or by signing in and accepting (a phone that already has an account
// or volunteer record anywhere). The officer's answer is the same in both cases, and no existing
// account or volunteer is touched until its owner accepts.
import { personFacts } from "../../auth/facts.js";
import { assert, can } from "../../auth/policy.js";
import { announceRevocation, createSession, newOneTimeCode, normalizeCode } from "../../auth/sessions.js";
import { hashPassword } from "../../auth/passwords.js";
import { codeHash } from "../../auth/tokens.js";
import type { Viewer } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import { Prisma, type Enrollment, type Specialty } from "../../generated/prisma/client.js";
import { conflict, forbidden, invalid, notFound, UserFacingError } from "../../graphql/errors.js";
import { joinMsg, msg } from "../../i18n.js";
import { pubsub } from "../../pubsub.js";
import { attemptSecret, forgetSecretFailures, RateLimitedError } from "../../server/rate-limits.js";
import { attemptTarget, recordAudit, recordAuditAt } from "../audit/audit.service.js";
import { eraseInBatches } from "../audit/erasure.js";

/** How long a registration waits for its owner. */
export const ENROLLMENT_DAYS = 30;

export interface RegisterVolunteerInput {
  teamId: string;
  squadIds: string[];
  name: string;
  displayName?: string | null;
  phone: string;
  idNumber?: string | null;
  specialties: Specialty[];
  skills: string[];
  partnerId?: string | null;
}

const TEAM = msg("队伍", "Team");

/** An officer registers a resident in one of the station's teams (and squads). */
export async function registerVolunteer(viewer: Viewer, input: RegisterVolunteerInput, clientAddress: string | null = null): Promise<{ enrollment: Enrollment; activationCode: string }> {
  const team = await prisma.team.findUnique({ where: { id: input.teamId }, include: { squads: { select: { id: true } } } });
  if (!team) throw notFound(TEAM, ["input", "teamId"]);
  assert(viewer, "volunteer.register", { stationId: team.stationId }, {
    message: msg("仅本所民警可登记义警", "Only the station's officers register volunteers"),
    hide: { what: TEAM, field: ["input", "teamId"], stationId: team.stationId },
  });
  const squadIds = [...new Set(input.squadIds)];
  const teamSquads = new Set(team.squads.map((s) => s.id));
  const stray = squadIds.findIndex((id) => !teamSquads.has(id));
  if (stray >= 0) throw notFound(msg("本队小队", "Squad of this team"), ["input", "squadIds", String(stray)]);
  if (input.partnerId) {
    const partner = await prisma.partner.findUnique({ where: { id: input.partnerId }, select: { stationId: true } });
    if (!partner || partner.stationId !== team.stationId) throw notFound(msg("本所共建单位", "Partner of this station"), ["input", "partnerId"]);
  }
  const code = newOneTimeCode();
  const enrollment = await prisma.$transaction(async (tx) => {
    // One pending registration per phone and station: registrations of a station queue on its row.
    await tx.$queryRaw`SELECT id FROM "Station" WHERE id = ${team.stationId}::uuid FOR UPDATE`;
    // The station may know its own people: registering one of them again is a CONFLICT. Whether the
    // phone is known anywhere else is never revealed.
    const ownPerson = await tx.teamMembership.findFirst({
      where: { volunteer: { phone: input.phone }, team: { stationId: team.stationId }, status: { not: "LEFT" } },
      select: { id: true, status: true },
    });
    if (ownPerson?.status === "PENDING") throw conflict(msg("该手机号已申请加入本所队伍，请在“待审核”中处理", "This phone has asked to join a team of this station: decide under Pending"), ["input", "phone"]);
    if (ownPerson) throw conflict(msg("该手机号已是本所义警，请在队员列表中把他加入本队", "This phone belongs to a volunteer of this station already: add them to the team from the member list"), ["input", "phone"]);
    const pending = await tx.enrollment.findFirst({ where: { stationId: team.stationId, phone: input.phone, status: "PENDING", expiresAt: { gt: clock.now() } } });
    if (pending) throw conflict(msg("该手机号已登记，正等待本人激活", "This phone is registered already and waits for its owner"), ["input", "phone"]);
    const created = await tx.enrollment.create({
      data: {
        stationId: team.stationId,
        teamId: team.id,
        squadIds,
        name: input.name,
        displayName: input.displayName || input.name,
        phone: input.phone,
        idNumber: input.idNumber || null,
        specialties: [...new Set(input.specialties)],
        skills: input.skills,
        partnerId: input.partnerId ?? null,
        codeHash: codeHash(code),
        expiresAt: new Date(clock.now().getTime() + ENROLLMENT_DAYS * 86_400_000),
        createdById: viewer.accountId,
      },
    });
    await recordAudit(tx, {
      actor: viewer,
      stationId: team.stationId,
      action: "volunteer.register",
      targetType: "Enrollment",
      targetId: created.id,
      summary: msg(`登记到队伍「${team.name}」，小队 ${squadIds.length} 个，等待本人激活`, `registered in team ${team.name}, ${squadIds.length} squads, waiting for the person`),
      clientAddress,
    });
    return created;
  }, TX);
  return { enrollment, activationCode: code };
}

async function officersEnrollment(viewer: Viewer, enrollmentId: string) {
  const e = await prisma.enrollment.findUnique({ where: { id: enrollmentId } });
  if (!e) throw notFound(msg("登记", "Registration"), ["input", "enrollmentId"]);
  assert(viewer, "volunteer.register", { stationId: e.stationId }, { hide: { what: msg("登记", "Registration"), field: ["input", "enrollmentId"], stationId: e.stationId } });
  if (e.status !== "PENDING") throw CLOSED_FOR_OFFICER();
  return e;
}

/**
 * The registration `id` locked inside `tx` (FOR UPDATE), if it is still PENDING: accepting, activating,
 * cancelling, declining and renewing check the status before their transaction, and the one that commits
 * second must see what the first did (an officer's cancel that said 已撤销 while the person's accept of the
 * same moment joined them anyway).
 */
async function lockPending(tx: Tx, id: string): Promise<Enrollment | null> {
  await tx.$queryRaw`SELECT id FROM "Enrollment" WHERE id = ${id}::uuid FOR UPDATE`;
  const e = await tx.enrollment.findUnique({ where: { id } });
  return e?.status === "PENDING" ? e : null;
}
const CLOSED_FOR_OFFICER = () => conflict(msg("该登记已处理", "This registration is closed"), ["input", "enrollmentId"]);
const CLOSED_FOR_PERSON = () => conflict(msg("该邀请已失效", "This invitation is no longer open"), ["input", "enrollmentId"]);

/** A new code for a registration whose code was lost or expired; the old code stops working. */
export async function renewEnrollmentCode(viewer: Viewer, input: { enrollmentId: string }, clientAddress: string | null = null) {
  const e = await officersEnrollment(viewer, input.enrollmentId);
  const code = newOneTimeCode();
  const enrollment = await prisma.$transaction(async (tx) => {
    if (!(await lockPending(tx, e.id))) throw CLOSED_FOR_OFFICER();
    const updated = await tx.enrollment.update({
      where: { id: e.id },
      data: { codeHash: codeHash(code), expiresAt: new Date(clock.now().getTime() + ENROLLMENT_DAYS * 86_400_000) },
    });
    await recordAudit(tx, { actor: viewer, stationId: e.stationId, action: "enrollment.renewCode", targetType: "Enrollment", targetId: e.id, summary: msg("旧激活码作废", "the old code stops working"), clientAddress });
    return updated;
  }, TX);
  // Answers are counted per registration: a new code handed over in person starts afresh, so that whoever locked
  // it with the old one (an account opened with the phone, since closed) does not keep its owner out.
  await forgetSecretFailures("answer", e.id);
  return { enrollment, activationCode: code };
}

export async function cancelEnrollment(viewer: Viewer, input: { enrollmentId: string }, clientAddress: string | null = null) {
  const e = await officersEnrollment(viewer, input.enrollmentId);
  return prisma.$transaction(async (tx) => {
    if (!(await lockPending(tx, e.id))) throw CLOSED_FOR_OFFICER();
    const updated = await tx.enrollment.update({ where: { id: e.id }, data: { status: "CANCELLED", closedAt: clock.now() } });
    await recordAudit(tx, { actor: viewer, stationId: e.stationId, action: "enrollment.cancel", targetType: "Enrollment", targetId: e.id, summary: msg("撤销未激活的登记", "withdrew a registration nobody activated"), clientAddress });
    return updated;
  }, TX);
}

/** Joins the registration's team and squads as `volunteerId`; inside the accepting transaction. */
async function joinFromEnrollment(tx: Tx, e: Enrollment, volunteerId: string) {
  // The person consented to the station's registration: they are in the team (again, if they had left).
  await tx.teamMembership.upsert({
    where: { teamId_volunteerId: { teamId: e.teamId, volunteerId } },
    create: { teamId: e.teamId, volunteerId },
    update: { status: "ACTIVE", statusReason: null, statusChangedAt: clock.now() },
  });
  const squads = await tx.squad.findMany({ where: { id: { in: e.squadIds }, teamId: e.teamId }, select: { id: true } });
  for (const s of squads) {
    await tx.squadMembership.upsert({ where: { squadId_volunteerId: { squadId: s.id, volunteerId } }, create: { squadId: s.id, volunteerId }, update: { active: true } });
  }
  // The ID number lives on in the person's own record only (copied there when the record was made here).
  return tx.enrollment.update({ where: { id: e.id }, data: { status: "ACCEPTED", acceptedAt: clock.now(), volunteerId, idNumber: null } });
}

/** How long a withdrawn, declined or expired registration keeps the name, phone and ID number the officer typed. */
export const ENROLLMENT_KEEP_DAYS = 30;

/**
 * 登记 nobody took up: ENROLLMENT_KEEP_DAYS after it was withdrawn or declined, or after its code expired
 * unrenewed, the legal name, phone, ID number and skills are erased and it is closed (an expired one can no
 * longer be renewed). The team, dates and status stay. Safe in several processes at once, as the other
 * erasures: SKIP LOCKED, changed only while not yet erased.
 */
export async function eraseStaleEnrollments(now = clock.now()): Promise<number> {
  const before = new Date(now.getTime() - ENROLLMENT_KEEP_DAYS * 86_400_000);
  return eraseInBatches({
    take: (tx, limit) => tx.$queryRaw`
      SELECT id, "stationId" FROM "Enrollment"
      WHERE "erasedAt" IS NULL AND ((status = 'PENDING' AND "expiresAt" < ${before}) OR (status = 'CANCELLED' AND "closedAt" < ${before}))
      ORDER BY "createdAt" LIMIT ${limit} FOR UPDATE SKIP LOCKED`,
    erase: async (tx, ids) => {
      await tx.$executeRaw`
        UPDATE "Enrollment" SET status = 'CANCELLED', "closedAt" = COALESCE("closedAt", "expiresAt"), name = '', "displayName" = '', phone = '',
          "idNumber" = NULL, skills = '{}', "codeHash" = '', "erasedAt" = ${now}
        WHERE id = ANY(${ids}::uuid[]) AND "erasedAt" IS NULL`;
    },
    audit: {
      action: "enrollment.erase",
      targetType: "Enrollment",
      summary: (n) => msg(`未激活的登记满${ENROLLMENT_KEEP_DAYS}天，删除${n}条登记的姓名、手机号和身份证号`, `registrations nobody took up for ${ENROLLMENT_KEEP_DAYS} days: name, phone and ID number of ${n} erased`),
    },
    logAs: "registrations: personal data erased",
  });
}

/**
 * How long a volunteer's ID number (身份证号) is kept after they stopped being a member anywhere: 180 days after
 * their last departure (Volunteer.lastLeftAt), once no team or squad membership of any station is ACTIVE,
 * PENDING or SUSPENDED. No station works with them any more and none needs it; someone who comes back is asked
 * for it again by the registration they accept. Stated to residents on /privacy (web/src/pages/Terms.tsx).
 */
export const ID_NUMBER_KEEP_DAYS = 180;

/**
 * In no station: no team membership ACTIVE, PENDING or SUSPENDED and no squad place, whatever its state (`v`: the
 * person's row). Their ID number's retention counts from when they came to be so (Volunteer.lastLeftAt).
 */
const IN_NO_STATION = Prisma.sql`
    NOT EXISTS (SELECT 1 FROM "TeamMembership" m WHERE m."volunteerId" = v.id AND m.status IN ('ACTIVE', 'PENDING', 'SUSPENDED'))
    AND NOT EXISTS (SELECT 1 FROM "SquadMembership" sm WHERE sm."volunteerId" = v.id)`;

/**
 * A membership of these people ended (left, removed, application rejected, squad dropped): someone it leaves in no
 * station gets the date their ID number's retention counts from (eraseDepartedIdNumbers); someone still in a team
 * somewhere gets none (Volunteer.lastLeftAt is the date they left the last one, which 下载我的数据 shows, not a
 * date of some earlier leaving). Inside the transaction that ends it, after its seats were released, with the
 * person's row held from the start (holdForLeaving: this statement then reads every membership as it stands, a
 * join of the same moment having committed or waiting). Locked in id order, as claims and releases lock them, so
 * that two officers' overlapping lists do not deadlock. Someone without an ID number gets no date: nothing to erase.
 */
export async function recordDeparture(tx: Tx, volunteerIds: readonly string[], at = clock.now()): Promise<void> {
  if (!volunteerIds.length) return;
  await tx.$executeRaw`
    UPDATE "Volunteer" v SET "lastLeftAt" = CASE WHEN ${IN_NO_STATION} THEN ${at}::timestamp(3) ELSE NULL END
    FROM (SELECT id FROM "Volunteer" WHERE id = ANY(${[...volunteerIds]}::uuid[]) AND "idNumber" IS NOT NULL ORDER BY id FOR UPDATE) l
    WHERE v.id = l.id`;
}

/**
 * Someone joins (again): their row stays locked to the end of the joining transaction. An eraseDepartedIdNumbers
 * run that found them in no team then either finishes first (the join reads the ID number gone, and the
 * registration they accept gives it again) or passes them by (SKIP LOCKED); it cannot erase it behind a join
 * that has already read it as kept and has yet to commit. Back in a station, they have no departure date
 * (lastLeftAt, cleared here): every path that ends their last membership again records one (recordDeparture).
 * A closed record (注销) joins nothing.
 */
export async function holdForJoining(tx: Tx, volunteerId: string): Promise<void> {
  // A record closed meanwhile (注销, which takes the row first too) joins nothing: its place, and the ID number an
  // accepted registration would give it again, would outlive the closing.
  const open = await tx.$executeRaw`UPDATE "Volunteer" SET "lastLeftAt" = NULL WHERE id = ${volunteerId}::uuid AND "closedAt" IS NULL`;
  if (!open) throw new UserFacingError("UNAUTHENTICATED", msg("该账号已注销", "This account is closed"));
}

/**
 * A membership of these people is about to end (a removal from a team or squad, a rejected application, a change
 * of standing): their rows first, in id order, as a join takes its person (holdForJoining) before the membership
 * rows it writes and claims take theirs before the shift. Ending it the other way round (the membership, then the
 * person in recordDeparture) deadlocked with an acceptance of the same moment into the same team: one of them
 * failed with 服务繁忙.
 */
export async function holdForLeaving(tx: Tx, volunteerIds: string | readonly string[]): Promise<void> {
  const ids = [volunteerIds].flat();
  if (ids.length) await tx.$queryRaw`SELECT id FROM "Volunteer" WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
}

/**
 * A squad place is about to be given (加入小队, 小队长, the squads of updateVolunteer): the people's rows first, as
 * every join and ending takes them, then the teams each of them is in as they stand under that lock (team id →
 * ACTIVE or SUSPENDED). Read before it, a team membership could end meanwhile (状态 LEFT, a removal) and the place
 * outlive it: a squad place keeps its person in a station whatever its state, so their ID number was never erased
 * (eraseDepartedIdNumbers).
 */
export async function holdForSquads(tx: Tx, volunteerIds: readonly string[]): Promise<Map<string, Map<string, "ACTIVE" | "SUSPENDED">>> {
  await holdForLeaving(tx, volunteerIds);
  const rows = await tx.teamMembership.findMany({ where: { volunteerId: { in: [...volunteerIds] }, status: { in: ["ACTIVE", "SUSPENDED"] } }, select: { volunteerId: true, teamId: true, status: true } });
  const teams = new Map(volunteerIds.map((id) => [id, new Map<string, "ACTIVE" | "SUSPENDED">()]));
  for (const r of rows) teams.get(r.volunteerId)?.set(r.teamId, r.status as "ACTIVE" | "SUSPENDED");
  return teams;
}

/**
 * The ID numbers of people who left every station: ID_NUMBER_KEEP_DAYS after their last departure, while no
 * membership of any team or squad is ACTIVE, PENDING or SUSPENDED (a squad place counts whatever its state), the
 * ID number is erased (and lastLeftAt, so the index walked here holds only what may fall due); name, phone and what
 * they did stay (they still have their account). One audit entry per batch without a station (they belong to none),
 * naming nobody. Safe in several processes at once, as the other erasures: SKIP LOCKED, changed only while not yet
 * erased and still without a membership; a join in progress holds the row (holdForJoining).
 */
export async function eraseDepartedIdNumbers(now = clock.now()): Promise<number> {
  const before = new Date(now.getTime() - ID_NUMBER_KEEP_DAYS * 86_400_000);
  const noMembership = IN_NO_STATION;
  return eraseInBatches({
    take: (tx, limit) => tx.$queryRaw`
      SELECT v.id, NULL::uuid AS "stationId" FROM "Volunteer" v
      WHERE v."lastLeftAt" < ${before} AND v."idNumber" IS NOT NULL AND ${noMembership}
      ORDER BY v."lastLeftAt" LIMIT ${limit} FOR UPDATE OF v SKIP LOCKED`,
    erase: async (tx, ids) => {
      await tx.$executeRaw`UPDATE "Volunteer" v SET "idNumber" = NULL, "lastLeftAt" = NULL WHERE v.id = ANY(${ids}::uuid[]) AND v."idNumber" IS NOT NULL AND ${noMembership}`;
    },
    audit: {
      action: "volunteer.eraseIdNumber",
      targetType: "Volunteer",
      summary: (n) => msg(`离开所有派出所满${ID_NUMBER_KEEP_DAYS}天，删除${n}名义警的身份证号`, `left every station ${ID_NUMBER_KEEP_DAYS} days ago: ID numbers of ${n} volunteers erased`),
    },
    logAs: "departed volunteers: ID numbers erased",
  });
}

const BAD_CODE = () => new UserFacingError("UNAUTHENTICATED", msg("手机号或激活码不正确，或激活码已过期", "Wrong phone or code, or the code has expired"), ["input", "code"]);

/**
 * 激活: sets the password of an account with a one-time code (an officer's reset or a role grant), or
 * creates the volunteer and account of a registration. Signs in.
 */
export async function activateAccount(input: { phone: string; code: string; password: string; acceptTerms: boolean }, clientAddress: string | null = null) {
  if (!input.acceptTerms) throw invalid(msg("请先阅读并同意服务规则和隐私说明", "Please read and accept the rules and the privacy notice"), ["input", "acceptTerms"]);
  // One-time codes are guessed per phone and per address like passwords (server/rate-limits.ts).
  let attempt;
  try {
    attempt = await attemptSecret("activate", input.phone, clientAddress, ["input", "code"]);
  } catch (e) {
    if (e instanceof RateLimitedError && e.lockedPhone) {
      const t = attemptTarget(await prisma.account.findUnique({ where: { phone: input.phone }, select: { id: true } }), input.phone);
      await recordAudit(prisma, { actor: null, action: "account.activate.locked", targetType: t.targetType, targetId: t.targetId, summary: joinMsg(t.about, msg(`：激活码连续错误，锁定${e.retryAfterSeconds}秒`, `: repeated wrong codes, locked for ${e.retryAfterSeconds} s`)), clientAddress });
    }
    throw e;
  }
  const hash = codeHash(normalizeCode(input.code));
  const now = clock.now();
  const passwordHash = await hashPassword(input.password);
  let accountId: string;
  try {
    accountId = await activate(input, hash, now, passwordHash, clientAddress);
  } catch (e) {
    if (e instanceof UserFacingError && e.code === "UNAUTHENTICATED") {
      const t = attemptTarget(await prisma.account.findUnique({ where: { phone: input.phone }, select: { id: true } }), input.phone);
      await recordAudit(prisma, { actor: null, action: "account.activate.failed", targetType: t.targetType, targetId: t.targetId, summary: joinMsg(t.about, msg("：激活码错误或已过期", ": wrong or expired code")), clientAddress });
    }
    throw e;
  }
  await attempt.succeeded();
  return signInAccount(accountId);
}

async function activate(input: { phone: string }, hash: string, now: Date, passwordHash: string, clientAddress: string | null): Promise<string> {
  return prisma.$transaction(async (tx) => {
    const account = await tx.account.findUnique({ where: { phone: input.phone } });
    if (account && account.codeHash === hash && account.codeExpiresAt && account.codeExpiresAt > now) {
      await tx.account.update({ where: { id: account.id }, data: { passwordHash, passwordSet: true, codeHash: null, codeExpiresAt: null } });
      // The code proves the officer's hand-over: sessions from before it end.
      await tx.session.updateMany({ where: { accountId: account.id, revokedAt: null }, data: { revokedAt: now } });
      const person = account.volunteerId ? await personFacts(tx, account.volunteerId) : null;
      await recordAuditAt(tx, person?.stationIds ?? [], { actor: { accountId: account.id }, action: "account.activate", targetType: "Account", targetId: account.id, summary: msg("用重置码设置了新密码", "set a new password with a reset code"), clientAddress });
      return account.id;
    }
    const found = await tx.enrollment.findFirst({ where: { phone: input.phone, codeHash: hash, status: "PENDING", expiresAt: { gt: now } }, select: { id: true } });
    // Locked and read again: an officer's cancel or renewal of the same moment wins or waits.
    const enrollment = found ? await lockPending(tx, found.id) : null;
    if (!enrollment || enrollment.codeHash !== hash || enrollment.expiresAt <= now) throw BAD_CODE();
    const known = account ?? (await tx.volunteer.findUnique({ where: { phone: input.phone }, select: { id: true } }));
    if (known) {
      // The phone's owner consents by signing in to their own account, never with a code someone else held.
      throw conflict(
        msg("该手机号已在邻舍登记：请用已有账号登录，在“账号”页的待确认登记中填入此激活码；如未设置过密码，请联系您所属的派出所", "This phone is already registered with Linshe: sign in with your account and enter this code under Account, Registrations waiting for you; if you never set a password, ask your station"),
        ["input", "phone"],
      );
    }
    const volunteer = await tx.volunteer.create({
      data: {
        name: enrollment.name,
        displayName: enrollment.displayName,
        phone: enrollment.phone,
        idNumber: enrollment.idNumber,
        specialties: enrollment.specialties,
        skills: enrollment.skills,
        partnerId: enrollment.partnerId,
      },
    });
    const created = await tx.account.create({ data: { phone: input.phone, passwordHash, volunteerId: volunteer.id } });
    await joinFromEnrollment(tx, enrollment, volunteer.id);
    await recordAudit(tx, { actor: { accountId: created.id }, stationId: enrollment.stationId, action: "enrollment.activate", targetType: "Enrollment", targetId: enrollment.id, summary: msg("本人激活，成为义警", "activated by the person, now a volunteer"), clientAddress });
    return created.id;
  }, TX);
}

async function signInAccount(accountId: string) {
  const { loadViewer } = await import("../../auth/viewer.js");
  const session = await createSession(prisma, accountId);
  const viewer = await loadViewer(accountId, session.sessionId);
  if (!viewer) throw new UserFacingError("UNAUTHENTICATED", msg("该账号无法登录", "This account cannot sign in"));
  return { token: session.token, expiresAt: session.expiresAt, viewer };
}

const WRONG_CODE = () => invalid(msg("激活码不正确：请核对登记您的派出所给您的激活码", "Wrong code: check the code the station that registered you gave you"), ["input", "code"]);

/**
 * The registration's code, as the phone's account typed it to accept or decline. Guessed like an
 * activation code, per registration and per address, locked after repeated misses (counted apart from the
 * public /activate: see SecretKind); each miss and each lock is in the station's audit log. Per registration,
 * not per account: anyone may open an account with the phone on a join page, close it and open another.
 */
async function checkEnrollmentCode(viewer: Viewer, e: Enrollment, code: string, answer: "accept" | "decline", clientAddress: string | null) {
  let attempt;
  try {
    attempt = await attemptSecret("answer", e.id, clientAddress, ["input", "code"]);
  } catch (err) {
    if (err instanceof RateLimitedError && err.lockedPhone) {
      const summary = msg(`激活码连续错误，锁定${err.retryAfterSeconds}秒`, `repeated wrong codes, locked for ${err.retryAfterSeconds} s`);
      await recordAudit(prisma, { actor: viewer, stationId: e.stationId, action: `enrollment.${answer}.locked` as const, targetType: "Enrollment", targetId: e.id, summary, clientAddress });
    }
    throw err;
  }
  if (e.codeHash !== codeHash(normalizeCode(code))) {
    const summary = answer === "accept" ? msg("接受邀请时激活码错误", "wrong code when accepting") : msg("拒绝邀请时激活码错误", "wrong code when declining");
    await recordAudit(prisma, { actor: viewer, stationId: e.stationId, action: `enrollment.${answer}.failed` as const, targetType: "Enrollment", targetId: e.id, summary, clientAddress });
    throw WRONG_CODE();
  }
  await attempt.succeeded();
}

/**
 * A signed-in person accepts a registration made for their phone by a station, with the code the station
 * handed to them. The code is the proof: nothing proves that an account's phone is its owner's (anyone
 * may open one on a join page), and accepting makes the account that person, with their ID number.
 */
export async function acceptEnrollment(viewer: Viewer, input: { enrollmentId: string; code: string }, clientAddress: string | null = null) {
  const e = await prisma.enrollment.findUnique({ where: { id: input.enrollmentId } });
  if (!e || e.phone !== viewer.phone) throw notFound(msg("邀请", "Invitation"), ["input", "enrollmentId"]);
  if (e.status !== "PENDING" || e.expiresAt <= clock.now()) throw CLOSED_FOR_PERSON();
  await checkEnrollmentCode(viewer, e, input.code, "accept", clientAddress);
  await prisma.$transaction(async (tx) => {
    // Locked and read again: an officer's cancel or renewal (the code someone saw stops working) of the
    // same moment, or a second accept, wins or waits.
    const locked = await lockPending(tx, e.id);
    if (!locked || locked.expiresAt <= clock.now()) throw CLOSED_FOR_PERSON();
    if (locked.codeHash !== e.codeHash) throw WRONG_CODE();
    let volunteerId = viewer.volunteerId;
    if (!volunteerId) {
      const existing = await tx.volunteer.findUnique({ where: { phone: viewer.phone }, select: { id: true } });
      if (existing) throw conflict(msg("该手机号的义警记录尚未与账号关联，请联系您所属的派出所", "The volunteer record of this phone is not linked to your account: ask your station"), ["input", "enrollmentId"]);
      const volunteer = await tx.volunteer.create({
        data: { name: e.name, displayName: e.displayName, phone: e.phone, idNumber: e.idNumber, specialties: e.specialties, skills: e.skills, partnerId: e.partnerId },
      });
      await tx.account.update({ where: { id: viewer.accountId }, data: { volunteerId: volunteer.id } });
      volunteerId = volunteer.id;
    }
    // Not erased by the departed-ID sweep under this join (which reads the record's ID number just below).
    await holdForJoining(tx, volunteerId);
    // A registration made before a suspension does not lift it (as an invitation does not: invite.service.ts). Read
    // under the person's lock: a suspension of the same moment has committed or waits (read before it, the person
    // came out of it ACTIVE in the registration's team).
    if (await tx.teamMembership.findFirst({ where: { volunteerId, status: "SUSPENDED", team: { stationId: e.stationId } }, select: { id: true } })) {
      throw conflict(msg("您在本所的义警资格已暂停，请联系社区民警", "Your membership at this station is suspended: contact its officers"), ["input", "enrollmentId"]);
    }
    // The ID number the officer typed fills the person's record if it has none (the registration keeps no copy).
    if (e.idNumber) await tx.volunteer.updateMany({ where: { id: volunteerId, idNumber: null }, data: { idNumber: e.idNumber } });
    await joinFromEnrollment(tx, e, volunteerId);
    await recordAudit(tx, { actor: viewer, stationId: e.stationId, action: "enrollment.accept", targetType: "Enrollment", targetId: e.id, summary: msg("本人接受邀请，加入队伍", "accepted by the person, joined the team"), clientAddress });
  }, TX);
  pubsub.publish("teamUpdated", e.teamId, { teamId: e.teamId });
  announceRevocation(viewer.accountId, "ROLE_CHANGED"); // open sockets reconnect with the new team
  return prisma.enrollment.findUniqueOrThrow({ where: { id: e.id } });
}

/**
 * The person declines a registration, with its code as for accepting: without it, an account someone
 * opened with the phone on a join page withdrew the station's registration of the phone's owner, the
 * station read 本人拒绝邀请, and the owner's code answered 激活码不正确.
 */
export async function declineEnrollment(viewer: Viewer, input: { enrollmentId: string; code: string }, clientAddress: string | null = null) {
  const e = await prisma.enrollment.findUnique({ where: { id: input.enrollmentId } });
  if (!e || e.phone !== viewer.phone) throw notFound(msg("邀请", "Invitation"), ["input", "enrollmentId"]);
  if (e.status !== "PENDING") return e;
  await checkEnrollmentCode(viewer, e, input.code, "decline", clientAddress);
  return prisma.$transaction(async (tx) => {
    const open = await lockPending(tx, e.id);
    if (!open) return tx.enrollment.findUniqueOrThrow({ where: { id: e.id } }); // accepted or withdrawn meanwhile
    if (open.codeHash !== e.codeHash) throw WRONG_CODE(); // renewed meanwhile
    const updated = await tx.enrollment.update({ where: { id: e.id }, data: { status: "CANCELLED", closedAt: clock.now() } });
    await recordAudit(tx, { actor: viewer, stationId: e.stationId, action: "enrollment.decline", targetType: "Enrollment", targetId: e.id, summary: msg("本人拒绝邀请", "declined by the person"), clientAddress });
    return updated;
  }, TX);
}

export async function updateMyPrivacy(viewer: Viewer, input: { publicRanking?: boolean | null; showLegalNameOnBoard?: boolean | null; sharePhoneWithTeam?: boolean | null }) {
  if (!viewer.volunteerId) throw forbidden(msg("仅义警可设置", "Only volunteers have these settings"));
  const volunteerId = viewer.volunteerId;
  assert(viewer, "volunteer.updateOwn", { volunteerId });
  const updated = await prisma.volunteer.update({
    where: { id: volunteerId },
    data: {
      publicRanking: input.publicRanking ?? undefined,
      showLegalNameOnBoard: input.showLegalNameOnBoard ?? undefined,
      sharePhoneWithTeam: input.sharePhoneWithTeam ?? undefined,
    },
  });
  if (input.showLegalNameOnBoard != null) {
    // The boards that show this volunteer show the name differently now.
    const boards = await prisma.commendation.findMany({ where: { volunteerId }, distinct: ["stationId"], select: { stationId: true } });
    for (const { stationId } of boards) pubsub.publish("publicBoardChanged", { stationId });
  }
  return updated;
}

/** The facts of a volunteer for a service, or NOT_FOUND when the viewer may not even see them. */
export async function visiblePerson(viewer: Viewer, volunteerId: string, field: string[]) {
  const person = await personFacts(prisma, volunteerId);
  if (!person || !can(viewer, "volunteer.read", person)) throw notFound(msg("义警", "Volunteer"), field);
  return person;
}
