// Granted roles: platform admins grant region admins, region admins grant officers of their
// stations, officers grant partner admins of their partners. A phone without an account gets one,
// waiting for its owner to activate it with a one-time code (shown once to the grantor). Every grant
// and revocation is audited, the person is notified, and their open sockets reconnect with the new rights.
import { assert, can, type RoleFacts } from "../../auth/policy.js";
import { announceRevocation, newOneTimeCode, normalizeCode } from "../../auth/sessions.js";
import { codeHash } from "../../auth/tokens.js";
import { loadViewer, type Viewer } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { AccountRole, GrantedRole, RoleOffer as RoleOfferRow } from "../../generated/prisma/client.js";
import { conflict, invalid, notFound } from "../../graphql/errors.js";
import { msg } from "../../i18n.js";
import { recordAudit } from "../audit/audit.service.js";
import { notify, thenDelivered } from "../notification/notification.service.js";
import { attemptSecret, RateLimitedError } from "../../server/rate-limits.js";
import type { Actor } from "../station/station.service.js";

export type RoleOfferShape = RoleOfferRow & {
  region: { name: string } | null;
  station: { name: string } | null;
  partner: { name: string; stationId: string } | null;
};

/** What a RoleOffer list reads with each offer. */
export const OFFER_INCLUDE = {
  region: { select: { name: true } },
  station: { select: { name: true } },
  partner: { select: { name: true, stationId: true } },
} as const;

/** How long the activation code of an account made by a grant may be used. */
export const ROLE_CODE_DAYS = 7;

export type GrantableRole = "REGION_ADMIN" | "OFFICER" | "PARTNER_ADMIN";

const ROLE_NAMES: Record<GrantedRole, string> = { REGION_ADMIN: "区域管理员", OFFICER: "社区民警", PARTNER_ADMIN: "共建单位联络人", ADMIN: "平台管理员" };
const ROLE_NAMES_EN: Record<GrantedRole, string> = { REGION_ADMIN: "region admin", OFFICER: "officer", PARTNER_ADMIN: "partner admin", ADMIN: "platform admin" };

interface Place {
  facts: RoleFacts;
  data: { regionId: string | null; stationId: string | null; partnerId: string | null };
  /** the station an audit entry belongs to (null: a region) */
  stationId: string | null;
  label: string;
}

/** Where a role applies, read from the rows; NOT_FOUND when the viewer cannot even see the place. */
async function placeOf(viewer: Viewer, input: { role: GrantableRole; regionId?: string | null; stationId?: string | null; partnerId?: string | null }): Promise<Place> {
  if (input.role === "REGION_ADMIN") {
    if (!input.regionId) throw invalid(msg("请选择区域", "Choose a region"), ["input", "regionId"]);
    const region = await prisma.region.findUnique({ where: { id: input.regionId } });
    if (!region || !can(viewer, "region.read", { regionId: region.id })) throw notFound(msg("区域", "Region"), ["input", "regionId"]);
    return { facts: { role: "REGION_ADMIN", regionId: region.id }, data: { regionId: region.id, stationId: null, partnerId: null }, stationId: null, label: region.name };
  }
  if (input.role === "OFFICER") {
    if (!input.stationId) throw invalid(msg("请选择派出所", "Choose a station"), ["input", "stationId"]);
    const station = await prisma.station.findUnique({ where: { id: input.stationId } });
    if (!station || !can(viewer, "station.read", { stationId: station.id })) throw notFound(msg("派出所", "Station"), ["input", "stationId"]);
    return { facts: { role: "OFFICER", stationId: station.id }, data: { regionId: null, stationId: station.id, partnerId: null }, stationId: station.id, label: station.name };
  }
  if (!input.partnerId) throw invalid(msg("请选择共建单位", "Choose a partner"), ["input", "partnerId"]);
  const partner = await prisma.partner.findUnique({ where: { id: input.partnerId } });
  if (!partner || !can(viewer, "partner.read", { stationId: partner.stationId, partnerId: partner.id })) throw notFound(msg("共建单位", "Partner"), ["input", "partnerId"]);
  return {
    facts: { role: "PARTNER_ADMIN", stationId: partner.stationId, partnerId: partner.id },
    data: { regionId: null, stationId: null, partnerId: partner.id },
    stationId: partner.stationId,
    label: partner.name,
  };
}

/** The facts of a stored role (its partner's station read from the row). */
export function roleFacts(r: AccountRole & { partner?: { stationId: string } | null }): RoleFacts | null {
  if (r.role === "REGION_ADMIN" && r.regionId) return { role: "REGION_ADMIN", regionId: r.regionId };
  if (r.role === "OFFICER" && r.stationId) return { role: "OFFICER", stationId: r.stationId };
  if (r.role === "PARTNER_ADMIN" && r.partnerId && r.partner) return { role: "PARTNER_ADMIN", stationId: r.partner.stationId, partnerId: r.partnerId };
  if (r.role === "ADMIN") return { role: "ADMIN" };
  return null;
}

/**
 * A fresh activation code may go to the grantor only for an account nobody has taken up yet that the
 * grantor could have made themselves: no password, no volunteer, and every role of it theirs to grant.
 * Otherwise a grant would hand someone else's account (an officer's, a volunteer's) to the grantor.
 */
async function mayIssueCode(tx: Tx, viewer: Viewer, account: { id: string; passwordSet: boolean; volunteerId: string | null }) {
  if (account.passwordSet || account.volunteerId) return false;
  const roles = await tx.accountRole.findMany({ where: { accountId: account.id }, include: { partner: { select: { stationId: true } } } });
  return roles.every((r) => {
    const f = roleFacts(r);
    return !!f && can(viewer, "role.grant", f);
  });
}

export interface GrantInput {
  phone: string;
  role: GrantableRole;
  regionId?: string | null;
  stationId?: string | null;
  partnerId?: string | null;
  displayName: string;
}

export async function grantRole({ viewer, clientAddress }: Actor, input: GrantInput) {
  const place = await placeOf(viewer, input);
  assert(viewer, "role.grant", place.facts, {
    message:
      input.role === "REGION_ADMIN"
        ? msg("仅平台管理员可任命区域管理员", "Only platform admins appoint region admins")
        : input.role === "OFFICER"
          ? msg("仅本区域管理员可任命社区民警", "Only the region's admins appoint officers")
          : msg("仅本所民警可任命共建单位联络人", "Only the station's officers appoint partner admins"),
  });
  const code = newOneTimeCode();
  const codeExpiresAt = new Date(clock.now().getTime() + ROLE_CODE_DAYS * 86_400_000);
  const result = await prisma.$transaction(async (tx) => {
    // Grants to one phone queue on its account row (or on the unique phone when it is new).
    const [locked] = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "Account" WHERE phone = ${input.phone} FOR UPDATE`;
    // Nobody appoints themselves, as nobody revokes their own role: an officer who made themselves the partner's
    // 联络人 signed its agreement for both sides, a region admin who made themselves an officer read the volunteers'
    // data their role withholds, each on their own word. Another grantor appoints them, if anyone.
    if (locked?.id === viewer.accountId) throw conflict(msg("不能任命自己，请联系其他有权任命的人", "You cannot appoint yourself: ask someone else who may"), ["input", "phone"]);
    let account = locked ? await tx.account.findUniqueOrThrow({ where: { id: locked.id } }) : null;
    let issued = false;
    if (!account) {
      account = await tx.account.create({
        data: { phone: input.phone, passwordHash: "!", passwordSet: false, displayName: input.displayName, codeHash: codeHash(code), codeExpiresAt },
      });
      issued = true;
    } else if (await mayIssueCode(tx, viewer, account)) {
      account = await tx.account.update({ where: { id: account.id }, data: { codeHash: codeHash(code), codeExpiresAt, displayName: account.displayName || input.displayName } });
      issued = true;
    }
    let assignment = await tx.accountRole.findFirst({ where: { accountId: account.id, role: input.role, ...place.data } });
    if (!assignment && !issued) {
      // Someone uses this account already, and nothing proves its phone is the person the grantor means (anyone
      // may open an account on a join page): the role waits for the code the grantor hands to the person.
      await tx.roleOffer.deleteMany({ where: { accountId: account.id, role: input.role, ...place.data } });
      const offer = await tx.roleOffer.create({ data: { accountId: account.id, role: input.role, ...place.data, codeHash: codeHash(code), expiresAt: codeExpiresAt, displayName: input.displayName, grantedById: viewer.accountId }, include: OFFER_INCLUDE });
      await recordAudit(tx, {
        actor: viewer,
        stationId: place.stationId,
        action: "role.offer",
        targetType: "Account",
        targetId: account.id,
        summary: msg(`任命${ROLE_NAMES[input.role]}（${place.label}），待本人用确认码确认`, `appointed ${ROLE_NAMES_EN[input.role]} (${place.label}), waiting for the person's code`),
        clientAddress,
      });
      await notify(tx, {
        accountId: account.id,
        stationId: place.stationId,
        kind: "OTHER",
        title: msg(`您被任命为${place.label}${ROLE_NAMES[input.role]}，待您确认`, `You are appointed ${ROLE_NAMES_EN[input.role]} of ${place.label}: confirm it`),
        body: msg("请在“账号”页输入任命人当面交给您的确认码，任命才生效。", "Enter the code the person who appointed you handed you under Account; the role takes effect then."),
        link: "/account",
      });
      return { assignment: null, accountId: account.id, issued: false, offered: true, fresh: false, offer };
    }
    const fresh = !assignment;
    if (!assignment) {
      assignment = await tx.accountRole.create({ data: { accountId: account.id, role: input.role, ...place.data, grantedById: viewer.accountId } });
      await recordAudit(tx, {
        actor: viewer,
        stationId: place.stationId,
        action: "role.grant",
        targetType: "Account",
        targetId: account.id,
        summary: `授予${ROLE_NAMES[input.role]}（${place.label}）${issued ? "，新账号待激活" : ""}`,
        clientAddress,
      });
      await notify(tx, {
        accountId: account.id,
        stationId: place.stationId,
        kind: "OTHER",
        title: msg(`您已被任命为${place.label}${ROLE_NAMES[input.role]}`, `You are now ${ROLE_NAMES_EN[input.role]} of ${place.label}`),
        body: msg("重新登录或刷新页面即可使用新的权限。", "Sign in again or reload the page to use it."),
        link: "/",
      });
    } else if (issued) {
      await recordAudit(tx, { actor: viewer, stationId: place.stationId, action: "role.code", targetType: "Account", targetId: account.id, summary: `重新生成${ROLE_NAMES[input.role]}账号的激活码`, clientAddress });
    }
    return { assignment, accountId: account.id, issued, offered: false, fresh, offer: null };
  }, TX).then(thenDelivered);
  if (result.fresh) announceRevocation(result.accountId, "ROLE_CHANGED");
  const handed = result.issued || result.offered;
  return { assignment: result.assignment, activationCode: handed ? code : null, codeExpiresAt: handed ? codeExpiresAt : null, confirmationNeeded: result.offered, offer: result.offer };
}

const OFFER = msg("待确认的任命", "Appointment to confirm");

/** The account confirms a role offered to it with the code the grantor handed over; the role takes effect. */
export async function confirmRoleOffer({ viewer, clientAddress }: Actor, input: { offerId: string; code: string }) {
  const offer = await prisma.roleOffer.findUnique({ where: { id: input.offerId }, include: { partner: { select: { stationId: true } } } });
  if (!offer || offer.accountId !== viewer.accountId) throw notFound(OFFER, ["input", "offerId"]);
  if (offer.expiresAt <= clock.now()) throw conflict(msg("该任命已过期，请联系任命人重新任命", "This appointment has expired: ask who appointed you to do it again"), ["input", "offerId"]);
  // The role takes effect now, so it needs the grantor's authority now: an officer relieved of the station (or a
  // disabled account) leaves no appointments behind that nobody else can see or withdraw.
  const facts = roleFacts({ ...offer, partner: offer.partner } as AccountRole & { partner: { stationId: string } | null });
  const grantor = offer.grantedById ? await loadViewer(offer.grantedById, null) : null;
  if (!facts || !can(grantor, "role.grant", facts)) {
    await prisma.roleOffer.deleteMany({ where: { id: offer.id } });
    throw conflict(msg("任命人已无权任命该角色，此任命已作废：请联系现任管理员重新任命", "Who appointed you may no longer grant this role, so the appointment is void: ask a current admin"), ["input", "offerId"]);
  }
  // An appointment the person made to themselves (offered before grantRole refused it) is void too.
  if (offer.grantedById === viewer.accountId) {
    await prisma.roleOffer.deleteMany({ where: { id: offer.id } });
    throw conflict(msg("不能确认自己对自己的任命，此任命已作废：请联系其他有权任命的人", "You cannot confirm an appointment you made to yourself, so it is void: ask someone else who may appoint you"), ["input", "offerId"]);
  }
  const stationId = offer.stationId ?? offer.partner?.stationId ?? null;
  // A miss and a lock are entries about the appointment (the account is their actor): the grantor's log names them
  // by the appointment's name, never the account's own (auditLog's actorName).
  // Guessed like an activation code: per account (an offer names one account) and per address, locked after
  // repeated misses; each miss and each lock is audited.
  let attempt;
  try {
    attempt = await attemptSecret("answer", viewer.accountId, clientAddress, ["input", "code"]);
  } catch (e) {
    if (e instanceof RateLimitedError && e.lockedPhone) {
      const summary = msg(`确认任命时确认码连续错误，锁定${e.retryAfterSeconds}秒`, `repeated wrong codes when confirming an appointment, locked for ${e.retryAfterSeconds} s`);
      await recordAudit(prisma, { actor: viewer, stationId, action: "role.offer.locked", targetType: "RoleOffer", targetId: offer.id, summary, clientAddress });
    }
    throw e;
  }
  if (offer.codeHash !== codeHash(normalizeCode(input.code))) {
    await recordAudit(prisma, { actor: viewer, stationId, action: "role.offer.failed", targetType: "RoleOffer", targetId: offer.id, summary: msg("确认任命时确认码错误", "wrong code when confirming an appointment"), clientAddress });
    throw invalid(msg("确认码不正确：请核对任命人交给您的确认码", "Wrong code: check the code the person who appointed you gave you"), ["input", "code"]);
  }
  await attempt.succeeded();
  const assignment = await prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${viewer.accountId}::uuid FOR UPDATE`;
    // A twin request may have confirmed it meanwhile: the role it made is the answer.
    const gone = (await tx.roleOffer.deleteMany({ where: { id: offer.id } })).count === 0;
    const place = { regionId: offer.regionId, stationId: offer.stationId, partnerId: offer.partnerId };
    const existing = await tx.accountRole.findFirst({ where: { accountId: viewer.accountId, role: offer.role, ...place } });
    if (existing) return existing;
    if (gone) throw notFound(OFFER, ["input", "offerId"]);
    const created = await tx.accountRole.create({ data: { accountId: viewer.accountId, role: offer.role, ...place, grantedById: offer.grantedById } });
    await recordAudit(tx, { actor: viewer, stationId, action: "role.confirm", targetType: "Account", targetId: viewer.accountId, summary: msg(`本人确认任命：${ROLE_NAMES[offer.role]}`, `the person confirmed the appointment: ${ROLE_NAMES_EN[offer.role]}`), clientAddress });
    return created;
  }, TX);
  announceRevocation(viewer.accountId, "ROLE_CHANGED"); // open sockets reconnect with the new rights
  return assignment;
}

export async function revokeRole({ viewer, clientAddress }: Actor, input: { assignmentId: string }) {
  const row = await prisma.accountRole.findUnique({ where: { id: input.assignmentId }, include: { partner: { select: { stationId: true, name: true } }, station: { select: { name: true } }, region: { select: { name: true } } } });
  const facts = row ? roleFacts(row) : null;
  if (!row || !facts || !can(viewer, "role.read", { ...facts, accountId: row.accountId })) throw notFound(msg("角色", "Role"), ["input", "assignmentId"]);
  assert(viewer, "role.grant", facts, { message: msg("没有权限撤销该角色", "You may not revoke this role") });
  if (row.accountId === viewer.accountId) throw conflict(msg("不能撤销自己的角色，请联系上级管理员", "You cannot revoke your own role: ask the admin above you"), ["input", "assignmentId"]);
  const stationId = row.stationId ?? row.partner?.stationId ?? null;
  const label = row.region?.name ?? row.station?.name ?? row.partner?.name ?? "";
  await prisma.$transaction(async (tx) => {
    await tx.accountRole.delete({ where: { id: row.id } });
    await recordAudit(tx, { actor: viewer, stationId, action: "role.revoke", targetType: "Account", targetId: row.accountId, summary: `撤销${ROLE_NAMES[row.role]}（${label}）`, clientAddress });
    await notify(tx, { accountId: row.accountId, stationId, kind: "OTHER", title: msg(`您的${label}${ROLE_NAMES[row.role]}权限已被撤销`, `Your rights as ${ROLE_NAMES_EN[row.role]} of ${label} were revoked`), link: "/" });
  }, TX).then(thenDelivered);
  // Their open sockets close (1012) and reconnect with what is left; HTTP requests already read the new rights.
  announceRevocation(row.accountId, "ROLE_CHANGED");
  return { revokedId: row.id };
}

/**
 * 撤回 a pending appointment (whoever may grant that role there); the person's code stops working, and they
 * are told (the appointment's notice sent them to enter a code that now answers "not found").
 */
export async function withdrawRoleOffer({ viewer, clientAddress }: Actor, input: { offerId: string }) {
  const offer = await prisma.roleOffer.findUnique({
    where: { id: input.offerId },
    include: { partner: { select: { stationId: true, name: true } }, station: { select: { name: true } }, region: { select: { name: true } } },
  });
  const facts = offer ? roleFacts({ ...offer, partner: offer.partner } as AccountRole & { partner: { stationId: string } | null }) : null;
  if (!offer || !facts || !can(viewer, "role.grant", facts)) throw notFound(OFFER, ["input", "offerId"]);
  await prisma.$transaction(async (tx) => {
    // The person's account row first, as granting and confirming lock it: the notice below references that row
    // (a key-share lock), which would deadlock with a confirmation holding the account and waiting for the offer.
    await tx.$queryRaw`SELECT id FROM "Account" WHERE id = ${offer.accountId}::uuid FOR UPDATE`;
    // Confirmed meanwhile: the role is in effect; revoke it instead.
    if ((await tx.roleOffer.deleteMany({ where: { id: offer.id } })).count === 0) throw conflict(msg("该任命已确认或已撤回，请刷新", "This appointment was confirmed or withdrawn meanwhile: reload"), ["input", "offerId"]);
    await recordAudit(tx, {
      actor: viewer,
      stationId: offer.stationId ?? offer.partner?.stationId ?? null,
      action: "role.offer.withdraw",
      targetType: "Account",
      targetId: offer.accountId,
      summary: msg(`撤回待确认的${ROLE_NAMES[offer.role]}任命`, `withdrew a pending ${ROLE_NAMES_EN[offer.role]} appointment`),
      clientAddress,
    });
    const label = offer.region?.name ?? offer.station?.name ?? offer.partner?.name ?? "";
    await notify(tx, {
      accountId: offer.accountId,
      stationId: offer.stationId ?? offer.partner?.stationId ?? null,
      kind: "OTHER",
      title: msg(`对您的${label}${ROLE_NAMES[offer.role]}任命已撤回`, `Your appointment as ${ROLE_NAMES_EN[offer.role]} of ${label} was withdrawn`),
      body: msg("任命人已撤回这项待确认的任命，之前交给您的确认码不再有效。", "Who appointed you withdrew it before you confirmed: the code you were given no longer works."),
      link: "/account",
    });
  }, TX).then(thenDelivered);
  return { withdrawnId: offer.id };
}

/** How long a lapsed appointment is kept: its person still gets "expired, ask again" rather than "not found". */
const LAPSED_OFFER_KEEP_DAYS = 30;

/**
 * Appointments that lapsed (7 days) are deleted by the sweeper a month later: nothing reads them as a right,
 * but each holds a code's hash and names a person, and no list shows them any more.
 */
export async function dropLapsedRoleOffers(now = clock.now()): Promise<number> {
  const before = new Date(now.getTime() - LAPSED_OFFER_KEEP_DAYS * 86_400_000);
  return (await prisma.roleOffer.deleteMany({ where: { expiresAt: { lte: before } } })).count;
}
