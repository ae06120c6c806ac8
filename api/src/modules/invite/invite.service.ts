// 邀请入队: a team's leaders and officers make a link and QR poster; whoever opens it asks to join
// (a new resident with `joinTeam`, someone who already has an account with `acceptTeamInvite`) and
// waits, PENDING, until a leader or officer approves. Nothing is granted before that, and an account
// is only ever joined by its owner (signed in, or proving the password on the join page).
import { assert, can } from "../../auth/policy.js";
import { dummyHash, hashPassword, verifyPassword } from "../../auth/passwords.js";
import { announceRevocation, createSession, newOneTimeCode } from "../../auth/sessions.js";
import { loadViewer, type Viewer } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { Specialty, TeamInvite, TeamMembership } from "../../generated/prisma/client.js";
import { conflict, invalid, notFound, UserFacingError } from "../../graphql/errors.js";
import { joinMsg, msg } from "../../i18n.js";
import { pubsub } from "../../pubsub.js";
import { attemptSecret } from "../../server/rate-limits.js";
import { recordAudit } from "../audit/audit.service.js";
import { accountsOf, notify, thenDelivered } from "../notification/notification.service.js";
import type { Actor } from "../station/station.service.js";
import { holdForJoining, holdForLeaving, recordDeparture } from "../volunteer/volunteer.service.js";

const INVITE = msg("邀请", "Invitation");
const TEAM = msg("队伍", "Team");
/** Longest an invitation may stay open. */
export const INVITE_MAX_DAYS = 365;

export type InviteState = "OPEN" | "EXPIRED" | "USED_UP" | "REVOKED";
export function inviteState(i: Pick<TeamInvite, "revokedAt" | "expiresAt" | "uses" | "maxUses">, now = clock.now()): InviteState {
  if (i.revokedAt) return "REVOKED";
  if (i.expiresAt <= now) return "EXPIRED";
  if (i.uses >= i.maxUses) return "USED_UP";
  return "OPEN";
}

export async function createTeamInvite({ viewer, clientAddress }: Actor, input: { teamId: string; squadId?: string | null; expiresAt: Date; maxUses: number }) {
  const team = await prisma.team.findUnique({ where: { id: input.teamId }, include: { squads: { select: { id: true } } } });
  if (!team) throw notFound(TEAM, ["input", "teamId"]);
  assert(viewer, "invite.manage", { stationId: team.stationId, teamId: team.id }, {
    message: msg("仅本队队长或本所民警可发出邀请", "Only the team's leaders and the station's officers invite"),
    hide: { what: TEAM, field: ["input", "teamId"], stationId: team.stationId },
  });
  if (input.squadId && !team.squads.some((s) => s.id === input.squadId)) throw notFound(msg("本队小队", "Squad of this team"), ["input", "squadId"]);
  const now = clock.now();
  if (input.expiresAt <= now) throw invalid(msg("有效期须晚于现在", "The invitation must expire in the future"), ["input", "expiresAt"]);
  if (input.expiresAt.getTime() > now.getTime() + INVITE_MAX_DAYS * 86_400_000) throw invalid(msg("有效期最长一年", "An invitation lasts at most a year"), ["input", "expiresAt"]);
  return prisma.$transaction(async (tx) => {
    const invite = await tx.teamInvite.create({
      data: { stationId: team.stationId, teamId: team.id, squadId: input.squadId ?? null, code: newOneTimeCode(12), expiresAt: input.expiresAt, maxUses: input.maxUses, createdById: viewer.accountId },
    });
    await recordAudit(tx, { actor: viewer, stationId: team.stationId, action: "invite.create", targetType: "TeamInvite", targetId: invite.id, summary: `邀请加入「${team.name}」，最多${input.maxUses}人`, clientAddress });
    return invite;
  }, TX);
}

export async function revokeTeamInvite({ viewer, clientAddress }: Actor, input: { inviteId: string }) {
  const invite = await prisma.teamInvite.findUnique({ where: { id: input.inviteId } });
  if (!invite) throw notFound(INVITE, ["input", "inviteId"]);
  assert(viewer, "invite.manage", { stationId: invite.stationId, teamId: invite.teamId }, { hide: { what: INVITE, field: ["input", "inviteId"], stationId: invite.stationId } });
  if (invite.revokedAt) return invite;
  return prisma.$transaction(async (tx) => {
    const updated = await tx.teamInvite.update({ where: { id: invite.id }, data: { revokedAt: clock.now() } });
    await recordAudit(tx, { actor: viewer, stationId: invite.stationId, action: "invite.revoke", targetType: "TeamInvite", targetId: invite.id, summary: "停用邀请", clientAddress });
    return updated;
  }, TX);
}

/** An open invitation by its code, or the reason it is not open. */
async function openInvite(code: string, field: string[]) {
  const invite = await prisma.teamInvite.findUnique({ where: { code }, include: { team: { select: { name: true } } } });
  if (!invite) throw notFound(INVITE, field);
  const state = inviteState(invite);
  if (state !== "OPEN") {
    throw conflict(
      state === "EXPIRED" ? msg("该邀请已过期", "This invitation has expired") : state === "USED_UP" ? msg("该邀请名额已满", "This invitation is used up") : msg("该邀请已停用", "This invitation was withdrawn"),
      field,
    );
  }
  return invite;
}

/** Accounts that decide on applications to a team: the station's officers and the team's leaders. */
async function decidersOf(tx: Tx, stationId: string, teamId: string): Promise<string[]> {
  const [officers, leaders] = await Promise.all([
    tx.accountRole.findMany({ where: { role: "OFFICER", stationId }, select: { accountId: true } }),
    tx.teamMembership.findMany({ where: { teamId, role: "LEADER", status: "ACTIVE" }, select: { volunteerId: true } }),
  ]);
  const leaderAccounts = await accountsOf(tx, leaders.map((l) => l.volunteerId));
  return [...new Set([...officers.map((o) => o.accountId), ...leaderAccounts.values()])];
}

/**
 * The person asks to join through the invitation: a PENDING membership (and the invitation's squad),
 * one use of the invitation, a notice to those who decide. Asking again while pending changes nothing.
 */
async function apply(tx: Tx, invite: TeamInvite & { team: { name: string } }, volunteerId: string, displayName: string, actorAccountId: string, clientAddress: string | null): Promise<TeamMembership> {
  // The person first: a suspension or an ending of the same moment has committed or waits, as read below.
  await holdForJoining(tx, volunteerId);
  const suspended = await tx.teamMembership.findFirst({ where: { volunteerId, status: "SUSPENDED", team: { stationId: invite.stationId } }, select: { id: true } });
  if (suspended) throw conflict(msg("您在本所的义警资格已暂停，请联系社区民警", "Your membership at this station is suspended: contact its officers"), ["input", "code"]);
  const existing = await tx.teamMembership.findUnique({ where: { teamId_volunteerId: { teamId: invite.teamId, volunteerId } } });
  if (existing?.status === "ACTIVE") throw conflict(msg("您已是该队队员", "You are already a member of this team"), ["input", "code"]);
  if (existing?.status === "PENDING") return existing;
  const used = await tx.$executeRaw`
    UPDATE "TeamInvite" SET uses = uses + 1
    WHERE id = ${invite.id}::uuid AND "revokedAt" IS NULL AND "expiresAt" > ${clock.now()} AND uses < "maxUses"`;
  if (!used) throw conflict(msg("该邀请已失效", "This invitation is no longer open"), ["input", "code"]);
  const now = clock.now();
  const membership = existing
    ? await tx.teamMembership.update({ where: { id: existing.id }, data: { status: "PENDING", role: "MEMBER", inviteId: invite.id, statusReason: null, statusChangedAt: now, joinedAt: now, appliedAt: now } })
    : await tx.teamMembership.create({ data: { teamId: invite.teamId, volunteerId, status: "PENDING", inviteId: invite.id, appliedAt: now } });
  if (invite.squadId) {
    await tx.squadMembership.upsert({ where: { squadId_volunteerId: { squadId: invite.squadId, volunteerId } }, create: { squadId: invite.squadId, volunteerId, active: false }, update: {} });
  }
  const deciders = await decidersOf(tx, invite.stationId, invite.teamId);
  await notify(
    tx,
    deciders.map((accountId) => ({
      accountId,
      stationId: invite.stationId,
      kind: "MEMBERSHIP_REQUESTED" as const,
      title: joinMsg(displayName, msg(" 申请加入", " asks to join "), invite.team.name),
      body: msg("请在队员名册的“待审核申请”中通过或拒绝。", "Approve or reject it under Applications on the members page."),
      // The members page lists the applications (there is no page of its own for them).
      link: "/members",
    })),
  );
  await recordAudit(tx, { actor: { accountId: actorAccountId }, stationId: invite.stationId, action: "membership.request", targetType: "TeamMembership", targetId: membership.id, summary: `通过邀请申请加入「${invite.team.name}」`, clientAddress });
  return membership;
}

const ALREADY_REGISTERED = () =>
  new UserFacingError(
    "UNAUTHENTICATED",
    msg("该手机号已注册邻舍：请输入该账号的密码，或先登录再接受邀请", "This phone already has a Linshe account: enter its password, or sign in first and accept the invitation"),
    ["input", "password"],
  );

export interface JoinInput {
  code: string;
  name: string;
  displayName?: string | null;
  phone: string;
  password: string;
  specialties: Specialty[];
  acceptTerms: boolean;
}

/** 扫码入队 for someone new (or who proves an existing account's password): apply, and sign in. */
export async function joinTeam(input: JoinInput, clientAddress: string | null) {
  if (!input.acceptTerms) throw invalid(msg("请先阅读并同意服务规则和隐私说明", "Please read and accept the rules and the privacy notice"), ["input", "acceptTerms"]);
  const invite = await openInvite(input.code, ["input", "code"]);
  // The password of an existing account is guessed here as at sign-in: the same counters per phone and address.
  const attempt = await attemptSecret("signIn", input.phone, clientAddress, ["input", "password"]);
  const account = await prisma.account.findUnique({ where: { phone: input.phone } });
  const displayName = input.displayName || input.name;
  let passwordHash: string | null = null;
  if (account) {
    // The owner of an existing account joins only by proving its password (or signed in, acceptTeamInvite).
    const ok = await verifyPassword(input.password, account.passwordSet ? account.passwordHash : await dummyHash);
    if (!ok || !account.passwordSet || account.disabled) throw ALREADY_REGISTERED();
    await attempt.succeeded();
  } else {
    await attempt.succeeded();
    passwordHash = await hashPassword(input.password);
  }
  const { accountId, membership } = await prisma.$transaction(async (tx) => {
    let volunteerId = account?.volunteerId ?? null;
    let accountId = account?.id ?? null;
    if (!volunteerId) {
      // A volunteer record of this phone without this account: someone else's registration, never attached here.
      if (await tx.volunteer.findUnique({ where: { phone: input.phone }, select: { id: true } })) throw ALREADY_REGISTERED();
      const volunteer = await tx.volunteer.create({ data: { name: input.name, displayName, phone: input.phone, specialties: [...new Set(input.specialties)], skills: [] } });
      volunteerId = volunteer.id;
      if (accountId) await tx.account.update({ where: { id: accountId }, data: { volunteerId } });
      else accountId = (await tx.account.create({ data: { phone: input.phone, passwordHash: passwordHash!, volunteerId, displayName } })).id;
    }
    const membership = await apply(tx, invite, volunteerId, displayName, accountId!, clientAddress);
    return { accountId: accountId!, membership };
  }, TX).then(thenDelivered);
  const session = await createSession(prisma, accountId);
  const viewer = await loadViewer(accountId, session.sessionId);
  if (!viewer) throw new UserFacingError("UNAUTHENTICATED", msg("该账号无法登录", "This account cannot sign in"));
  return { token: session.token, expiresAt: session.expiresAt, viewer, membership };
}

/** A signed-in person asks to join through an invitation (the only way into another station's team). */
export async function acceptTeamInvite(
  { viewer, clientAddress }: Actor,
  input: { code: string; name?: string | null; displayName?: string | null; specialties?: Specialty[] | null },
) {
  const invite = await openInvite(input.code, ["input", "code"]);
  const membership = await prisma.$transaction(async (tx) => {
    let volunteerId = viewer.volunteerId;
    let displayName = viewer.displayName;
    if (!volunteerId) {
      if (await tx.volunteer.findUnique({ where: { phone: viewer.phone }, select: { id: true } })) {
        throw conflict(msg("该手机号的义警记录尚未与账号关联，请联系您所属的派出所", "The volunteer record of this phone is not linked to your account: ask your station"), ["input", "code"]);
      }
      if (!input.name) throw invalid(msg("请填写姓名", "Enter your name"), ["input", "name"]);
      displayName = input.displayName || input.name;
      const volunteer = await tx.volunteer.create({ data: { name: input.name, displayName, phone: viewer.phone, specialties: [...new Set(input.specialties ?? [])], skills: [] } });
      await tx.account.update({ where: { id: viewer.accountId }, data: { volunteerId: volunteer.id } });
      volunteerId = volunteer.id;
    }
    return apply(tx, invite, volunteerId, displayName, viewer.accountId, clientAddress);
  }, TX).then(thenDelivered);
  if (!viewer.volunteerId) announceRevocation(viewer.accountId, "ROLE_CHANGED"); // the account became a volunteer
  return membership;
}

const MEMBERSHIP = msg("入队申请", "Application");

async function pendingMembership(viewer: Viewer, membershipId: string) {
  const m = await prisma.teamMembership.findUnique({ where: { id: membershipId }, include: { team: { select: { stationId: true, name: true } }, volunteer: { select: { displayName: true } } } });
  if (!m || !can(viewer, "membership.read", { stationId: m.team.stationId, teamId: m.teamId, volunteerId: m.volunteerId, status: m.status })) {
    throw notFound(MEMBERSHIP, ["input", "membershipId"]);
  }
  assert(viewer, "membership.approve", { stationId: m.team.stationId, teamId: m.teamId }, { message: msg("仅本队队长或本所民警可审核", "Only the team's leaders and the station's officers decide") });
  if (m.status !== "PENDING") throw conflict(msg("该申请已处理", "This application was already decided"), ["input", "membershipId"]);
  return m;
}

export async function approveMembership({ viewer, clientAddress }: Actor, input: { membershipId: string }) {
  const m = await pendingMembership(viewer, input.membershipId);
  const { membership, accountId } = await prisma.$transaction(async (tx) => {
    // Suspended at the station since they asked (a station suspends all of a person's memberships there at once):
    // read under the person's lock, as the suspension takes it; approving made them ACTIVE in this team.
    await holdForLeaving(tx, m.volunteerId);
    if (await tx.teamMembership.findFirst({ where: { volunteerId: m.volunteerId, status: "SUSPENDED", team: { stationId: m.team.stationId } }, select: { id: true } })) {
      throw conflict(msg("该义警在本所已暂停，请先恢复其状态", "This volunteer is suspended at this station: restore them first"), ["input", "membershipId"]);
    }
    const done = await tx.teamMembership.updateMany({ where: { id: m.id, status: "PENDING" }, data: { status: "ACTIVE", statusChangedAt: clock.now(), joinedAt: clock.now() } });
    if (!done.count) throw conflict(msg("该申请已处理", "This application was already decided"), ["input", "membershipId"]);
    await tx.squadMembership.updateMany({ where: { volunteerId: m.volunteerId, squad: { teamId: m.teamId }, active: false }, data: { active: true } });
    const accountId = (await accountsOf(tx, [m.volunteerId])).get(m.volunteerId) ?? null;
    if (accountId) {
      await notify(tx, { accountId, stationId: m.team.stationId, kind: "MEMBERSHIP_APPROVED", title: joinMsg(msg("您已加入", "You joined "), m.team.name), body: msg("欢迎加入！现在可以认领巡逻班次了。", "Welcome! You can now claim patrol shifts."), link: "/shifts" });
    }
    await recordAudit(tx, { actor: viewer, stationId: m.team.stationId, action: "membership.approve", targetType: "TeamMembership", targetId: m.id, summary: `通过入队申请（${m.team.name}）`, clientAddress });
    return { membership: await tx.teamMembership.findUniqueOrThrow({ where: { id: m.id } }), accountId };
  }, TX).then(thenDelivered);
  if (accountId) announceRevocation(accountId, "ROLE_CHANGED");
  pubsub.publish("teamUpdated", m.teamId, { teamId: m.teamId });
  return membership;
}

export async function rejectMembership({ viewer, clientAddress }: Actor, input: { membershipId: string; reason: string }) {
  const m = await pendingMembership(viewer, input.membershipId);
  await prisma.$transaction(async (tx) => {
    await holdForLeaving(tx, m.volunteerId);
    const gone = await tx.teamMembership.deleteMany({ where: { id: m.id, status: "PENDING" } });
    if (!gone.count) throw conflict(msg("该申请已处理", "This application was already decided"), ["input", "membershipId"]);
    await tx.squadMembership.deleteMany({ where: { volunteerId: m.volunteerId, squad: { teamId: m.teamId } } });
    await recordDeparture(tx, [m.volunteerId]);
    const accountId = (await accountsOf(tx, [m.volunteerId])).get(m.volunteerId);
    if (accountId) {
      await notify(tx, { accountId, stationId: m.team.stationId, kind: "MEMBERSHIP_REJECTED", title: msg(`您加入${m.team.name}的申请未通过`, `Your request to join ${m.team.name} was not approved`), body: joinMsg(msg("原因：", "Reason: "), input.reason), link: "/" });
    }
    await recordAudit(tx, { actor: viewer, stationId: m.team.stationId, action: "membership.reject", targetType: "TeamMembership", targetId: m.id, summary: `驳回入队申请（${m.team.name}）`, clientAddress });
  }, TX).then(thenDelivered);
  return { rejectedId: m.id };
}
