// Sign-in, sessions and the accounts officers look after.
import { personFacts } from "../../auth/facts.js";
import { dummyHash, hashPassword, verifyPassword } from "../../auth/passwords.js";
import { assert, can } from "../../auth/policy.js";
import { announceRevocation, createSession, newOneTimeCode, revokeSessions } from "../../auth/sessions.js";
import { codeHash } from "../../auth/tokens.js";
import { loadViewer, type Viewer } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { prisma, TX } from "../../db.js";
import { conflict, notFound, UserFacingError } from "../../graphql/errors.js";
import { joinMsg, localize, msg } from "../../i18n.js";
import { attemptSecret, RateLimitedError } from "../../server/rate-limits.js";
import { pubsub } from "../../pubsub.js";
import { attemptTarget, recordAuditAt } from "../audit/audit.service.js";
import { committed, releaseFutureSeats } from "../shift/shift.service.js";
import { holdForLeaving } from "../volunteer/volunteer.service.js";

/** How long an officer's reset code may be used. */
export const RESET_CODE_HOURS = 72;

/**
 * Counted per phone and per client address before the password is looked at: the 6th failure in 15
 * minutes locks the phone (the right password too), each further lock lasting twice as long.
 */
export async function signIn(phone: string, password: string, clientAddress: string | null = null) {
  let attempt;
  try {
    attempt = await attemptSecret("signIn", phone, clientAddress, ["input", "password"]);
  } catch (e) {
    if (e instanceof RateLimitedError && e.lockedPhone) {
      const known = await prisma.account.findUnique({ where: { phone }, select: { id: true } });
      const t = attemptTarget(known, phone);
      await recordAuditAt(prisma, known ? await accountStations(known.id) : [], { actor: null, action: "signIn.locked", targetType: t.targetType, targetId: t.targetId, summary: joinMsg(t.about, msg(`：连续登录失败，锁定${e.retryAfterSeconds}秒`, `: repeated failures, locked for ${e.retryAfterSeconds} s`)), clientAddress });
    }
    throw e;
  }
  const account = await prisma.account.findUnique({ where: { phone } });
  // Compare against a dummy hash for unknown phones so both paths take the same time.
  const ok = await verifyPassword(password, account?.passwordSet ? account.passwordHash : await dummyHash);
  if (!account || !ok || !account.passwordSet || account.disabled) {
    const t = attemptTarget(account, phone);
    const why = !account ? msg("", "") : account.disabled ? msg("（账号已停用）", " (account disabled)") : !account.passwordSet ? msg("（尚未激活）", " (not activated)") : msg("（密码错误）", " (wrong password)");
    // The same query for an unknown phone: the answer takes as long either way.
    const stations = await accountStations(account?.id ?? "00000000-0000-0000-0000-000000000000");
    await recordAuditAt(prisma, stations, { actor: null, action: "signIn.failed", targetType: t.targetType, targetId: t.targetId, summary: joinMsg(t.about, why), clientAddress });
    throw new UserFacingError("UNAUTHENTICATED", msg("手机号或密码错误", "Wrong phone or password"), ["input", "password"]);
  }
  await attempt.succeeded();
  const stations = await accountStations(account.id);
  const session = await prisma.$transaction(async (tx) => {
    const s = await createSession(tx, account.id);
    await recordAuditAt(tx, stations, { actor: { accountId: account.id }, action: "signIn", targetType: "Account", targetId: account.id, summary: msg("登录成功", "signed in"), clientAddress });
    return s;
  }, TX);
  const viewer = await loadViewer(account.id, session.sessionId);
  if (!viewer) throw new UserFacingError("UNAUTHENTICATED", msg("该账号无法登录", "This account cannot sign in"));
  return { token: session.token, expiresAt: session.expiresAt, viewer };
}

/**
 * The stations whose officers see an account's sign-ins: where it is an officer or an active team
 * member. An account of none (an administrator, a partner's contact) is logged without a station.
 */
async function accountStations(accountId: string): Promise<string[]> {
  const rows = await prisma.$queryRaw<{ stationId: string }[]>`
    SELECT r."stationId"::text AS "stationId" FROM "AccountRole" r WHERE r."accountId" = ${accountId}::uuid AND r.role = 'OFFICER' AND r."stationId" IS NOT NULL
    UNION
    SELECT t."stationId"::text FROM "Account" a JOIN "TeamMembership" m ON m."volunteerId" = a."volunteerId" AND m.status = 'ACTIVE' JOIN "Team" t ON t.id = m."teamId"
    WHERE a.id = ${accountId}::uuid`;
  return rows.map((r) => r.stationId);
}

/** Ends this token's session; its open WebSockets close. */
export async function signOut(viewer: Viewer) {
  if (!viewer.sessionId) return { ok: true };
  const ended = await revokeSessions(prisma, viewer.accountId, { only: viewer.sessionId });
  announceRevocation(viewer.accountId, "SIGNED_OUT", ended);
  return { ok: true };
}

/**
 * Ends every session of the account, this one included, and changes the calendar feed's secret address: a lost
 * phone (what this is for) holds that address too, which no sign-in guards.
 */
export async function signOutEverywhere(viewer: Viewer) {
  const ended = await prisma.$transaction(async (tx) => {
    await tx.account.update({ where: { id: viewer.accountId }, data: { calendarFeedVersion: { increment: 1 } } });
    return revokeSessions(tx, viewer.accountId);
  }, TX);
  announceRevocation(viewer.accountId, "SIGNED_OUT", ended);
  return { ok: true, sessionsEnded: ended.length };
}

/** The stations whose officers see an entry about the viewer's own account. */
const ownStations = (viewer: Viewer) => [...new Set([...viewer.officerStationIds, ...[...viewer.teams.values()].map((t) => t.stationId)])];

/** Needs the current password; ends every other session of the account. */
export async function changePassword(viewer: Viewer, input: { currentPassword: string; newPassword: string }, clientAddress: string | null = null) {
  // A stolen session must not find the password by guessing: counted per account and per address.
  const attempt = await attemptSecret("changePassword", viewer.accountId, clientAddress, ["input", "currentPassword"]);
  const account = await prisma.account.findUniqueOrThrow({ where: { id: viewer.accountId } });
  if (!(await verifyPassword(input.currentPassword, account.passwordHash))) {
    throw new UserFacingError("UNAUTHENTICATED", msg("当前密码不正确", "The current password is wrong"), ["input", "currentPassword"]);
  }
  await attempt.succeeded();
  if (input.currentPassword === input.newPassword) {
    throw new UserFacingError("VALIDATION", msg("新密码不能与当前密码相同", "The new password must differ from the current one"), ["input", "newPassword"]);
  }
  const passwordHash = await hashPassword(input.newPassword);
  const ended = await prisma.$transaction(async (tx) => {
    await tx.account.update({ where: { id: account.id }, data: { passwordHash, passwordSet: true } });
    const ended = await revokeSessions(tx, account.id, viewer.sessionId ? { except: viewer.sessionId } : {});
    await recordAuditAt(tx, ownStations(viewer), { actor: viewer, action: "account.changePassword", targetType: "Account", targetId: account.id, summary: msg(`结束其他会话 ${ended.length} 个`, `${ended.length} other sessions ended`), clientAddress });
    return ended;
  }, TX);
  announceRevocation(viewer.accountId, "PASSWORD_CHANGED", ended);
  return { ok: true, sessionsEnded: ended.length };
}

const VOLUNTEER = msg("义警", "Volunteer");

/** The volunteer and their facts, or NOT_FOUND when the officer may not see them. */
async function managedPerson(viewer: Viewer, volunteerId: string) {
  const volunteer = await prisma.volunteer.findUnique({ where: { id: volunteerId }, include: { account: true } });
  const person = volunteer ? await personFacts(prisma, volunteer.id) : null;
  if (!volunteer || !person || !can(viewer, "volunteer.read", person)) throw notFound(VOLUNTEER, ["input", "volunteerId"]);
  // Only an officer of one of the person's stations learns why not; anyone else is simply not allowed.
  const officerHere = [...person.stationIds, ...(person.suspendedStationIds ?? [])].some((stationId) => can(viewer, "station.manage", { stationId }));
  assert(viewer, "account.manage", person, {
    ...(officerHere ? { message: msg("该义警同时属于其他派出所或担任管理职务，只能由其本人或平台管理员处理", "This volunteer also belongs to another station or holds a role: only they or an administrator can do this") } : {}),
  });
  return Object.assign(volunteer, { stationIds: person.stationIds });
}

/**
 * 重置密码: a one-time code the officer hands over (shown once); the volunteer sets a new password
 * with it. A volunteer without an account gets one. Open sessions end at once.
 */
export async function resetVolunteerPassword(viewer: Viewer, input: { volunteerId: string }, clientAddress: string | null = null) {
  const volunteer = await managedPerson(viewer, input.volunteerId);
  const code = newOneTimeCode();
  const expiresAt = new Date(clock.now().getTime() + RESET_CODE_HOURS * 3600_000);
  const { accountId, ended } = await prisma.$transaction(async (tx) => {
    let account = volunteer.account;
    if (!account) {
      const other = await tx.account.findUnique({ where: { phone: volunteer.phone } });
      if (other) throw conflict(msg("该手机号的账号未与此义警关联，请联系平台管理员", "The account of this phone is not linked to this volunteer: ask an administrator"), ["input", "volunteerId"]);
      account = await tx.account.create({ data: { phone: volunteer.phone, passwordHash: "!", passwordSet: false, volunteerId: volunteer.id } });
    }
    // The old password stops working at once: whoever knew it cannot sign back in before the owner sets a new one.
    // Nor read the calendar feed from an address they copied (a reset follows a lost or taken-over account).
    await tx.account.update({ where: { id: account.id }, data: { codeHash: codeHash(code), codeExpiresAt: expiresAt, passwordSet: false, calendarFeedVersion: { increment: 1 } } });
    const ended = await revokeSessions(tx, account.id);
    await recordAuditAt(tx, volunteer.stationIds, { actor: viewer, action: "account.resetPassword", targetType: "Volunteer", targetId: volunteer.id, summary: msg(`发放重置码（${RESET_CODE_HOURS}小时内有效），结束会话 ${ended.length} 个`, `reset code issued (valid ${RESET_CODE_HOURS} h), ${ended.length} sessions ended`), clientAddress });
    return { accountId: account.id, ended };
  }, TX);
  announceRevocation(accountId, "RESET", ended);
  return { code, expiresAt, volunteer };
}

export async function setAccountDisabled(viewer: Viewer, input: { volunteerId: string; disabled: boolean; reason?: string | null }, clientAddress: string | null = null) {
  const volunteer = await managedPerson(viewer, input.volunteerId);
  if (!volunteer.account) throw notFound(msg("该义警的账号", "Account of this volunteer"), ["input", "volunteerId"]);
  const account = volunteer.account;
  const ended = await prisma.$transaction(async (tx) => {
    // Disabling also changes the calendar feed's address (as signing out everywhere does): 恢复 must not bring
    // back an address a lost phone or a departed person still holds.
    await tx.account.update({ where: { id: account.id }, data: { disabled: input.disabled, disabledReason: input.disabled ? (input.reason ?? null) : null, ...(input.disabled ? { calendarFeedVersion: { increment: 1 } } : {}) } });
    const ended = input.disabled ? await revokeSessions(tx, account.id) : [];
    await recordAuditAt(tx, volunteer.stationIds, {
      actor: viewer,
      action: input.disabled ? "account.disable" : "account.enable",
      targetType: "Volunteer",
      targetId: volunteer.id,
      summary: input.disabled ? msg(`停用，结束会话 ${ended.length} 个`, `disabled, ${ended.length} sessions ended`) : msg("恢复", "enabled"),
      clientAddress,
    });
    return ended;
  }, TX);
  if (input.disabled) announceRevocation(account.id, "DISABLED", ended);
  return { volunteer };
}

const ROLE_NAMES: Record<string, ReturnType<typeof msg>> = {
  ADMIN: msg("平台管理员", "platform admin"),
  REGION_ADMIN: msg("区域管理员", "region admin"),
  OFFICER: msg("社区民警", "officer"),
  PARTNER_ADMIN: msg("共建单位联络人", "partner admin"),
};

/** The placeholder a closed account's or volunteer's phone becomes (unique, never a phone number). */
export const closedPhone = (id: string) => `closed:${id}`;

/**
 * 注销账号: the person closes their own account with its password. Their memberships end (LEFT), their future
 * seats go to the next on the waitlist, and their name, phone, ID number, skills, inbox and settings are erased;
 * what they did (past shifts, hours, points, good deeds, commendations) stays under 已注销. The phone is free
 * for a new account. Someone holding a role must have it revoked first: a station must not lose its officer
 * by a tap on a lost phone.
 */
export async function closeMyAccount(viewer: Viewer, input: { password: string }, clientAddress: string | null = null) {
  const attempt = await attemptSecret("changePassword", viewer.accountId, clientAddress, ["input", "password"]);
  const account = await prisma.account.findUniqueOrThrow({ where: { id: viewer.accountId } });
  if (!(await verifyPassword(input.password, account.passwordHash))) {
    throw new UserFacingError("UNAUTHENTICATED", msg("密码不正确", "Wrong password"), ["input", "password"]);
  }
  await attempt.succeeded();
  const now = clock.now();
  const { ended, boards } = await committed(async (tx, out) => {
    // A grant landing meanwhile queues on the account row (grantRole locks it too).
    const [row] = await tx.$queryRaw<{ closedAt: Date | null }[]>`SELECT "closedAt" FROM "Account" WHERE id = ${account.id}::uuid FOR UPDATE`;
    // A twin request (a double tap) that passed the password check before the first committed.
    if (row?.closedAt) throw new UserFacingError("UNAUTHENTICATED", msg("该账号已注销", "This account is closed"), ["input", "password"]);
    const roles = await tx.accountRole.findMany({ where: { accountId: account.id }, select: { role: true } });
    if (roles.length) {
      const names = [...new Set(roles.map((r) => r.role))].map((r) => ROLE_NAMES[r]!);
      throw conflict(
        joinMsg(msg("您仍担任", "You still hold these roles: "), ...names.flatMap((n, i) => (i ? [msg("、", ", "), n] : [n])), msg("，请先请任命您的人撤销任命，再注销账号", ". Ask whoever appointed you to revoke them first")),
        ["input", "password"],
      );
    }
    const volunteerId = account.volunteerId;
    const stations = new Set<string>();
    let boards: string[] = [];
    if (volunteerId) {
      // The person's row before their memberships, as every join and ending takes it: a join of the same moment
      // (an accepted registration, an application) has committed, and its place ends here, or waits and finds the
      // record closed (holdForJoining). Read before it, the join's place outlived the closing.
      await holdForLeaving(tx, volunteerId);
      const memberships = await tx.teamMembership.findMany({ where: { volunteerId, status: { not: "LEFT" } }, select: { team: { select: { stationId: true } } } });
      for (const m of memberships) stations.add(m.team.stationId);
      await tx.teamMembership.updateMany({ where: { volunteerId, status: { not: "LEFT" } }, data: { status: "LEFT", role: "MEMBER", statusReason: "本人注销账号", statusChangedAt: now } });
      await tx.squadMembership.updateMany({ where: { volunteerId, active: true }, data: { active: false } });
      // A mediator profile shows a name and a bio of its own (public on the mediators list).
      await tx.mediator.updateMany({ where: { volunteerId }, data: { active: false, displayName: "已注销", bio: "", title: "" } });
      await releaseFutureSeats(tx, out, volunteerId, now);
      // The registration that made them a volunteer holds the legal name and phone the officer typed.
      await tx.enrollment.updateMany({ where: { volunteerId, erasedAt: null }, data: { name: "", displayName: "", phone: "", idNumber: null, skills: [], erasedAt: now } });
      boards = (await tx.commendation.findMany({ where: { volunteerId }, distinct: ["stationId"], select: { stationId: true } })).map((c) => c.stationId);
      await tx.volunteer.update({
        where: { id: volunteerId },
        data: {
          name: "", displayName: "已注销", phone: closedPhone(volunteerId), idNumber: null, skills: [], specialties: [], status: "INACTIVE",
          publicRanking: false, showLegalNameOnBoard: false, sharePhoneWithTeam: false, homeGridId: null, partnerId: null, closedAt: now, lastLeftAt: null,
        },
      });
    }
    await tx.roleOffer.deleteMany({ where: { accountId: account.id } });
    await tx.notification.deleteMany({ where: { accountId: account.id } }); // their SMS rows go with them
    await tx.notificationSettings.deleteMany({ where: { accountId: account.id } });
    await tx.account.update({
      where: { id: account.id },
      data: { phone: closedPhone(account.id), displayName: "", passwordHash: "!", passwordSet: false, codeHash: null, codeExpiresAt: null, disabled: true, disabledReason: "本人注销", calendarFeedVersion: { increment: 1 }, closedAt: now },
    });
    const ended = await revokeSessions(tx, account.id);
    await recordAuditAt(tx, [...stations], { actor: viewer, action: "account.close", targetType: "Account", targetId: account.id, summary: msg("本人注销账号：退出所有队伍，姓名、手机号和身份证号已删除", "closed by the person: left every team; name, phone and ID number erased"), clientAddress });
    return { ended, boards };
  });
  announceRevocation(account.id, "DISABLED", ended);
  for (const stationId of boards) pubsub.publish("publicBoardChanged", { stationId });
  return { ok: true, sessionsEnded: ended.length };
}

/**
 * 下载我的数据 (个人信息查阅、复制): everything Linshe holds about the viewer's own account and volunteer record,
 * as one JSON document. Other people appear by their display name only.
 */
export async function exportMyData(viewer: Viewer): Promise<string> {
  const account = await prisma.account.findUniqueOrThrow({
    where: { id: viewer.accountId },
    select: { phone: true, displayName: true, createdAt: true, roles: { select: { role: true, region: { select: { name: true } }, station: { select: { name: true } }, partner: { select: { name: true } }, createdAt: true } }, notificationSettings: true },
  });
  const v = viewer.volunteerId;
  const [volunteer, memberships, squads, claims, points, deeds, reports, notifications] = await Promise.all([
    v ? prisma.volunteer.findUnique({ where: { id: v }, select: { name: true, displayName: true, phone: true, idNumber: true, specialties: true, skills: true, publicRanking: true, showLegalNameOnBoard: true, sharePhoneWithTeam: true, homeGrid: { select: { name: true } }, partner: { select: { name: true } }, createdAt: true, lastLeftAt: true } }) : null,
    v ? prisma.teamMembership.findMany({ where: { volunteerId: v }, select: { role: true, status: true, statusReason: true, joinedAt: true, statusChangedAt: true, team: { select: { name: true, station: { select: { name: true } } } } }, orderBy: { joinedAt: "asc" } }) : [],
    v ? prisma.squadMembership.findMany({ where: { volunteerId: v }, select: { role: true, active: true, squad: { select: { name: true } } } }) : [],
    v ? prisma.shiftClaim.findMany({ where: { volunteerId: v }, select: { status: true, claimedAt: true, checkedInAt: true, checkInMethod: true, checkInLat: true, checkInLng: true, checkedOutAt: true, minutesServed: true, shift: { select: { title: true, startsAt: true, endsAt: true, station: { select: { name: true } } } } }, orderBy: { claimedAt: "asc" } }) : [],
    v ? prisma.pointsEntry.findMany({ where: { volunteerId: v }, select: { amount: true, reason: true, note: true, createdAt: true, stationId: true }, orderBy: { createdAt: "asc" } }) : [],
    v ? prisma.goodDeed.findMany({ where: { volunteerId: v }, select: { category: true, title: true, story: true, place: true, occurredAt: true, status: true, rejectReason: true, pointsAwarded: true }, orderBy: { occurredAt: "asc" } }) : [],
    prisma.patrolReport.findMany({ where: { reporterAccountId: viewer.accountId }, select: { category: true, description: true, place: true, latitude: true, longitude: true, status: true, createdAt: true, station: { select: { name: true } } }, orderBy: { createdAt: "asc" } }),
    prisma.notification.findMany({ where: { accountId: viewer.accountId }, select: { kind: true, title: true, body: true, createdAt: true, readAt: true }, orderBy: { id: "asc" } }),
  ]);
  return JSON.stringify(
    {
      exportedAt: clock.now(),
      account: { phone: account.phone, displayName: account.displayName, createdAt: account.createdAt, roles: account.roles, notificationSettings: account.notificationSettings },
      volunteer,
      memberships,
      squads,
      shifts: claims,
      points,
      goodDeeds: deeds,
      patrolReports: reports,
      notifications: notifications.map((n) => ({ ...n, title: localize(n.title, "zh"), body: localize(n.body, "zh") })),
    },
    null,
    2,
  );
}
