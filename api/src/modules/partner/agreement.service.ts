// 契约化共建: versioned agreements that both sides sign, exactly one version at a time.
import { createHash } from "node:crypto";
import { joinMsg, msg } from "../../i18n.js";
import type { Viewer } from "../../auth/viewer.js";
import { agreementSide, assert } from "../../auth/policy.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { Agreement, AgreementSide, ObligationKind, ObligationPeriod, PartnerKind } from "../../generated/prisma/client.js";
import { conflict, forbidden, isUniqueViolation, notFound, UserFacingError } from "../../graphql/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { notify, thenDelivered } from "../notification/notification.service.js";

export interface ObligationInput {
  kind: ObligationKind;
  quantity: number;
  period: ObligationPeriod;
  teamId?: string | null;
  squadId?: string | null;
  description?: string | null;
}

export interface TermsInput {
  title: string;
  terms: string;
  effectiveFrom: Date;
  effectiveTo: Date;
  obligations: ObligationInput[];
}

/** The exact text a signature covers: stable key order, obligations in their given order. */
export function canonicalText(a: { agreementId: string; stationId: string; partnerId: string; version: number } & TermsInput): string {
  return JSON.stringify({
    agreement: a.agreementId,
    station: a.stationId,
    partner: a.partnerId,
    version: a.version,
    title: a.title,
    terms: a.terms,
    effectiveFrom: a.effectiveFrom.toISOString(),
    effectiveTo: a.effectiveTo.toISOString(),
    obligations: a.obligations.map((o) => ({
      kind: o.kind,
      quantity: o.quantity,
      period: o.period,
      team: o.teamId ?? null,
      squad: o.squadId ?? null,
      description: o.description ?? "",
    })),
  });
}

const SIDE = { STATION: msg("派出所", "station"), PARTNER: msg("共建单位", "partner") } as const;

export const sha256 = (s: string) => createHash("sha256").update(s, "utf8").digest("hex");

/** Which side the viewer can act for on this agreement (null: neither); decided by the policy. */
export function sideOf(viewer: Viewer | null, a: Pick<Agreement, "stationId" | "partnerId">, wanted?: AgreementSide | null): AgreementSide | null {
  return agreementSide(viewer, { stationId: a.stationId, partnerId: a.partnerId }, wanted);
}

type Span = { effectiveFrom: Date; effectiveTo: Date } | null | undefined;

/**
 * Status as of now. ACTIVE is stored once both sides signed; before the start date it reads SCHEDULED
 * (已签署·待生效), past the end date EXPIRED, without anyone acting.
 */
export function effectiveStatus(a: Pick<Agreement, "status">, span: Span, now = clock.now()): Agreement["status"] | "SCHEDULED" {
  if (a.status !== "ACTIVE" || !span) return a.status;
  if (span.effectiveTo <= now) return "EXPIRED";
  return span.effectiveFrom > now ? "SCHEDULED" : "ACTIVE";
}

/** In effect at `at`: both sides signed and `at` within the current version's dates. */
export const inEffect = (a: Pick<Agreement, "status">, span: Span, at: Date) => effectiveStatus(a, span, at) === "ACTIVE";

async function checkTerms(stationId: string, t: TermsInput) {
  if (t.effectiveTo <= t.effectiveFrom) {
    throw new UserFacingError("VALIDATION", msg("结束日期须晚于开始日期", "The end date must be after the start"), ["input", "effectiveTo"]);
  }
  for (const [i, o] of t.obligations.entries()) {
    if (o.teamId) {
      const team = await prisma.team.findUnique({ where: { id: o.teamId }, select: { stationId: true } });
      if (team?.stationId !== stationId) throw notFound(msg("本所队伍", "Team of this station"), ["input", "obligations", String(i), "teamId"]);
    }
    if (o.squadId) {
      const squad = await prisma.squad.findUnique({ where: { id: o.squadId }, select: { teamId: true, team: { select: { stationId: true } } } });
      if (squad?.team.stationId !== stationId || (o.teamId && squad.teamId !== o.teamId)) {
        throw notFound(msg("本所小队", "Squad of this station"), ["input", "obligations", String(i), "squadId"]);
      }
    }
  }
}

async function writeVersion(tx: Tx, a: Agreement, version: number, t: TermsInput, actorId: string) {
  const textHash = sha256(canonicalText({ agreementId: a.id, stationId: a.stationId, partnerId: a.partnerId, version, ...t }));
  return tx.agreementVersion.create({
    data: {
      agreementId: a.id,
      version,
      title: t.title,
      terms: t.terms,
      effectiveFrom: t.effectiveFrom,
      effectiveTo: t.effectiveTo,
      textHash,
      createdById: actorId,
      obligations: {
        create: t.obligations.map((o, position) => ({
          position,
          kind: o.kind,
          quantity: o.quantity,
          period: o.period,
          teamId: o.teamId ?? null,
          squadId: o.squadId ?? null,
          description: o.description ?? "",
        })),
      },
    },
  });
}

export async function createPartner(viewer: Viewer, input: { stationId: string; name: string; kind: PartnerKind; contactName?: string | null; contactPhone?: string | null }, clientAddress: string | null = null) {
  assert(viewer, "partner.create", { stationId: input.stationId }, {
    message: msg("仅本所民警可添加共建单位", "Only the station's officers add partners"),
    hide: { what: msg("派出所", "Station"), field: ["input", "stationId"], stationId: input.stationId },
  });
  try {
    return await prisma.$transaction(async (tx) => {
      const partner = await tx.partner.create({
        data: { stationId: input.stationId, name: input.name, kind: input.kind, contactName: input.contactName ?? "", contactPhone: input.contactPhone ?? "" },
      });
      await recordAudit(tx, { actor: viewer, stationId: partner.stationId, action: "partner.create", targetType: "Partner", targetId: partner.id, summary: msg("新增共建单位", "partner added"), clientAddress });
      return partner;
    }, TX);
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict(msg("该共建单位已存在", "This partner already exists"), ["input", "name"]);
    throw e;
  }
}

/** 起草: an officer drafts version 1 with a partner of the station. */
export async function draftAgreement(viewer: Viewer, input: TermsInput & { partnerId: string }, clientAddress: string | null = null) {
  const partner = await prisma.partner.findUnique({ where: { id: input.partnerId } });
  if (!partner) throw notFound(msg("共建单位", "Partner"), ["input", "partnerId"]);
  assert(viewer, "agreement.draft", { stationId: partner.stationId, partnerId: partner.id }, {
    message: msg("仅本所民警可起草协议", "Only the station's officers draft agreements"),
    hide: { what: msg("共建单位", "Partner"), field: ["input", "partnerId"], stationId: partner.stationId },
  });
  await checkTerms(partner.stationId, input);
  return prisma.$transaction(async (tx) => {
    const a = await tx.agreement.create({
      data: { stationId: partner.stationId, partnerId: partner.id, createdById: viewer.accountId, currentVersion: 1 },
    });
    await writeVersion(tx, a, 1, input, viewer.accountId);
    await tx.agreementEvent.create({ data: { agreementId: a.id, kind: "DRAFTED", version: 1, side: "STATION", actorId: viewer.accountId } });
    await recordAudit(tx, { actor: viewer, stationId: a.stationId, action: "agreement.draft", targetType: "Agreement", targetId: a.id, summary: msg(`与「${partner.name}」起草第1版，义务 ${input.obligations.length} 项`, `version 1 with ${partner.name}, ${input.obligations.length} obligations`), clientAddress });
    await askToSign(tx, a, "PARTNER", input.title, 1);
    return a;
  }, TX).then(thenDelivered);
}

/** 协议待签署: the accounts that act for `side` get a notification to sign `version`. */
async function askToSign(tx: Tx, a: { id: string; stationId: string; partnerId: string }, side: AgreementSide, title: string, version: number) {
  const roles = await tx.accountRole.findMany({
    where: side === "PARTNER" ? { role: "PARTNER_ADMIN", partnerId: a.partnerId } : { role: "OFFICER", stationId: a.stationId },
    select: { accountId: true },
  });
  await notify(
    tx,
    [...new Set(roles.map((r) => r.accountId))].map((accountId) => ({
      accountId,
      stationId: a.stationId,
      kind: "AGREEMENT_TO_SIGN" as const,
      title: joinMsg(msg("共建协议待签署：", "Agreement to sign: "), title),
      body: msg(`第${version}版`, `Version ${version}`),
      link: "/partners",
      subject: { type: "Agreement", id: a.id },
    })),
  );
}

async function lockAgreement(tx: Tx, id: string) {
  await tx.$queryRaw`SELECT id FROM "Agreement" WHERE id = ${id}::uuid FOR UPDATE`;
  return tx.agreement.findUniqueOrThrow({ where: { id }, include: { versions: { orderBy: { version: "desc" }, take: 1 } } });
}

async function openAgreement(viewer: Viewer, agreementId: string, wantedSide?: AgreementSide | null) {
  const a = await prisma.agreement.findUnique({ where: { id: agreementId } });
  if (!a || !sideOf(viewer, a)) throw notFound(msg("协议", "Agreement"), ["input", "agreementId"]);
  const side = sideOf(viewer, a, wantedSide);
  if (!side) {
    throw forbidden(wantedSide ? msg(`无权代表该方`, `You cannot act for the ${wantedSide.toLowerCase()} side`) : msg("非协议当事方", "Not a party to this agreement"));
  }
  return { a, side };
}

/** 修订: a new version; signatures of earlier versions lapse. Either side may revise. */
export async function reviseAgreement(viewer: Viewer, input: TermsInput & { agreementId: string; note?: string | null }, clientAddress: string | null = null) {
  const { a, side } = await openAgreement(viewer, input.agreementId);
  await checkTerms(a.stationId, input);
  return prisma.$transaction(async (tx) => {
    const current = await lockAgreement(tx, a.id);
    const status = effectiveStatus(current, current.versions[0]);
    if (status === "TERMINATED" || status === "EXPIRED") throw conflict(msg(`协议已终止或到期`, `The agreement is ${status.toLowerCase()}`), ["input", "agreementId"]);
    const version = current.currentVersion + 1;
    await writeVersion(tx, current, version, input, viewer.accountId);
    await tx.agreementEvent.create({ data: { agreementId: a.id, kind: "REVISED", version, side, actorId: viewer.accountId, note: input.note ?? "" } });
    await recordAudit(tx, { actor: viewer, stationId: a.stationId, action: "agreement.revise", targetType: "Agreement", targetId: a.id, summary: joinMsg(msg(`第${version}版，由`, `version ${version}, by the `), SIDE[side], msg(`方修订，此前的签署失效`, ` side; earlier signatures lapse`)), clientAddress });
    await askToSign(tx, a, side === "STATION" ? "PARTNER" : "STATION", input.title, version);
    return tx.agreement.update({ where: { id: a.id }, data: { currentVersion: version, status: "DRAFT" } });
  }, TX).then(thenDelivered);
}

/** 签署 one exact version. Signing a version that is not the current one is a CONFLICT. */
export async function signAgreement(viewer: Viewer, input: { agreementId: string; version: number; side?: AgreementSide | null }, clientAddress: string | null = null) {
  const { a, side } = await openAgreement(viewer, input.agreementId, input.side);
  const now = clock.now();
  return prisma.$transaction(async (tx) => {
    const current = await lockAgreement(tx, a.id);
    const v = current.versions[0]!;
    if (input.version !== current.currentVersion) {
      throw conflict(msg(`该版本已被修订，请签署最新版本`, `Version ${input.version} is not the current version ${current.currentVersion}`), ["input", "version"]);
    }
    const status = effectiveStatus(current, v, now);
    if (status === "TERMINATED" || status === "EXPIRED") throw conflict(msg("协议已终止或到期", "The agreement is no longer open"), ["input", "agreementId"]);
    const existing = await tx.agreementSignature.findUnique({ where: { versionId_side: { versionId: v.id, side } } });
    if (!existing) {
      // Two parties, two people: an account that may act for both sides (an officer who is also the partner's 联络人,
      // a platform admin) signs one of them only, or one account's word would put the agreement in effect.
      const other = await tx.agreementSignature.findUnique({ where: { versionId_side: { versionId: v.id, side: side === "STATION" ? "PARTNER" : "STATION" } } });
      if (other?.signerId === viewer.accountId) {
        throw conflict(msg("您已代表另一方签署，同一账号不能代表双方签署：请由对方签署", "You signed for the other side: one account cannot sign for both; the other side signs"), ["input", "side"]);
      }
      await tx.agreementSignature.create({ data: { agreementId: a.id, versionId: v.id, side, signerId: viewer.accountId, signedAt: now, textHash: v.textHash } });
      await tx.agreementEvent.create({ data: { agreementId: a.id, kind: "SIGNED", version: v.version, side, actorId: viewer.accountId, at: now } });
      await recordAudit(tx, { actor: viewer, stationId: a.stationId, action: "agreement.sign", targetType: "Agreement", targetId: a.id, summary: joinMsg(msg(`签署第${v.version}版（`, `signed version ${v.version} for the `), SIDE[side], msg(`方，文本摘要 ${v.textHash.slice(0, 12)}）`, ` side, text ${v.textHash.slice(0, 12)}`)), clientAddress });
    }
    const sides = await tx.agreementSignature.count({ where: { versionId: v.id } });
    if (!existing && sides === 1) await askToSign(tx, a, side === "STATION" ? "PARTNER" : "STATION", v.title, v.version);
    const next = sides === 2 ? "ACTIVE" : "AWAITING_SIGNATURES";
    if (next === "ACTIVE" && current.status !== "ACTIVE") {
      await tx.agreementEvent.create({ data: { agreementId: a.id, kind: "ACTIVATED", version: v.version, at: now } });
    }
    return tx.agreement.update({ where: { id: a.id }, data: { status: next } });
  }, TX).then(thenDelivered);
}

export async function terminateAgreement(viewer: Viewer, input: { agreementId: string; reason: string }, clientAddress: string | null = null) {
  const { a, side } = await openAgreement(viewer, input.agreementId);
  return prisma.$transaction(async (tx) => {
    const current = await lockAgreement(tx, a.id);
    if (current.status === "TERMINATED") return current;
    if (effectiveStatus(current, current.versions[0]) === "EXPIRED") {
      throw conflict(msg("协议已到期", "The agreement has already expired"), ["input", "agreementId"]);
    }
    await tx.agreementEvent.create({ data: { agreementId: a.id, kind: "TERMINATED", side, actorId: viewer.accountId, note: input.reason } });
    await recordAudit(tx, { actor: viewer, stationId: a.stationId, action: "agreement.terminate", targetType: "Agreement", targetId: a.id, summary: joinMsg(msg("由", "terminated by the "), SIDE[side], msg(`方终止（此前状态：${current.status}）`, ` side (was ${current.status})`)), clientAddress });
    return tx.agreement.update({ where: { id: a.id }, data: { status: "TERMINATED", terminationReason: input.reason } });
  }, TX);
}

/** Records expiry of active agreements past their end date (the status already reads EXPIRED before this). */
export async function expireAgreements(now = clock.now()): Promise<number> {
  const due = await prisma.agreement.findMany({
    where: { status: "ACTIVE", versions: { some: { effectiveTo: { lte: now } } } },
    include: { versions: { orderBy: { version: "desc" }, take: 1 } },
  });
  let n = 0;
  for (const a of due) {
    const v = a.versions[0];
    if (!v || v.effectiveTo > now) continue;
    const { count } = await prisma.agreement.updateMany({ where: { id: a.id, status: "ACTIVE" }, data: { status: "EXPIRED" } });
    if (count) {
      await prisma.agreementEvent.create({ data: { agreementId: a.id, kind: "EXPIRED", version: v.version, at: v.effectiveTo } });
      n++;
    }
  }
  return n;
}

/** 轮流出人: gives the shifts to the partners in turn. */
export async function assignRotation(viewer: Viewer, input: { stationId: string; partnerIds: string[]; shiftIds: string[] }) {
  assert(viewer, "rotation.assign", { stationId: input.stationId }, {
    message: msg("仅本所民警可安排轮值", "Only the station's officers plan the rotation"),
    hide: { what: msg("派出所", "Station"), field: ["input", "stationId"], stationId: input.stationId },
  });
  const partners = await prisma.partner.findMany({ where: { id: { in: input.partnerIds }, stationId: input.stationId }, select: { id: true } });
  const knownPartners = new Set(partners.map((p) => p.id));
  const badPartner = input.partnerIds.findIndex((id) => !knownPartners.has(id));
  if (badPartner >= 0) throw notFound(msg("本所共建单位", "Partner of this station"), ["input", "partnerIds", String(badPartner)]);
  const shifts = await prisma.shift.findMany({ where: { id: { in: input.shiftIds }, stationId: input.stationId }, orderBy: { startsAt: "asc" } });
  const knownShifts = new Set(shifts.map((s) => s.id));
  const badShift = input.shiftIds.findIndex((id) => !knownShifts.has(id));
  if (badShift >= 0) throw notFound(msg("本所班次", "Shift of this station"), ["input", "shiftIds", String(badShift)]);
  // Only shifts people can still be put on: a started, cancelled or finished shift would count a turn no one can serve.
  const now = clock.now();
  const closed = input.shiftIds.findIndex((id) => {
    const s = shifts.find((x) => x.id === id)!;
    return s.status !== "OPEN" || s.startsAt <= now;
  });
  if (closed >= 0) throw conflict(msg("只能安排未开始的开放班次", "Only open shifts that have not started can be given out"), ["input", "shiftIds", String(closed)]);
  const signed = await prisma.agreement.findMany({
    where: { stationId: input.stationId, partnerId: { in: input.partnerIds }, status: "ACTIVE" },
    select: { id: true, status: true, partnerId: true, versions: { orderBy: { version: "desc" }, take: 1, select: { effectiveFrom: true, effectiveTo: true } } },
  });
  // The partner's agreement in effect when the shift starts (this year's and next year's may both be signed).
  const agreementOf = (partnerId: string, at: Date) => signed.find((a) => a.partnerId === partnerId && inEffect(a, a.versions[0], at))?.id ?? null;
  return prisma.$transaction(async (tx) => {
    const slots = [];
    for (const [i, s] of shifts.entries()) {
      const partnerId = input.partnerIds[i % input.partnerIds.length]!;
      slots.push(
        await tx.rotationSlot.upsert({
          where: { shiftId: s.id },
          create: { stationId: input.stationId, shiftId: s.id, partnerId, agreementId: agreementOf(partnerId, s.startsAt) },
          update: { partnerId, agreementId: agreementOf(partnerId, s.startsAt) },
        }),
      );
    }
    return slots;
  }, TX);
}
