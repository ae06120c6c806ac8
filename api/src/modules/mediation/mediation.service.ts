// 警民联调: mediators with public profiles (警调超市: residents choose), cases with parties whose
// personal data only the case's mediators and the station's officers see, sessions with notes, and an
// outcome (调解成功 | 调解不成 | 转司法确认 | 转其他部门) with the agreement text when settled. The
// parties' names and phones and the texts that quote them (summary, agreement, session notes and places)
// are erased the station's mediationRetentionDays after the case closed, by the sweeper.
import type { Viewer } from "../../auth/viewer.js";
import { assert } from "../../auth/policy.js";
import { personFacts } from "../../auth/facts.js";
import { clock } from "../../clock.js";
import { prisma, TX } from "../../db.js";
import type { MediationField, MediationOutcome, MediationPartyRole, MediationSource } from "../../generated/prisma/client.js";
import { conflict, notFound, UserFacingError } from "../../graphql/errors.js";
import { recordAudit } from "../audit/audit.service.js";
import { eraseInBatches } from "../audit/erasure.js";
import { accountsOf, notify, thenDelivered } from "../notification/notification.service.js";
import { joinMsg, msg } from "../../i18n.js";

const CASE = msg("调解案件", "Mediation case");
/** 调解成功 and 转司法确认 (a settled agreement sent for judicial confirmation) count as success. */
export const SUCCESS: MediationOutcome[] = ["SETTLED", "JUDICIAL_CONFIRMATION"];

/** For notifications and audit summaries (msg(): both languages). */
export const FIELD_LABEL: Record<MediationField, string> = {
  NEIGHBOUR: msg("邻里纠纷", "Neighbours"),
  FAMILY: msg("婚姻家庭", "Marriage and family"),
  LABOUR: msg("劳资纠纷", "Labour"),
  PROPERTY: msg("物业纠纷", "Property management"),
  CONSUMER: msg("消费纠纷", "Consumer"),
  TRAFFIC: msg("交通事故", "Traffic accident"),
  OTHER: msg("其他", "Other"),
};

async function stationOf(stationId: string, field: string[]) {
  const station = await prisma.station.findUnique({ where: { id: stationId }, select: { id: true } });
  if (!station) throw notFound(msg("派出所", "Station"), field);
  return station;
}

export interface MediatorInput {
  displayName?: string | null;
  title?: string | null;
  years?: number | null;
  fields?: MediationField[] | null;
  bio?: string | null;
}

export async function createMediator(viewer: Viewer, input: MediatorInput & { stationId: string; volunteerId?: string | null }, clientAddress: string | null = null) {
  const station = await stationOf(input.stationId, ["input", "stationId"]);
  assert(viewer, "mediator.manage", { stationId: station.id }, {
    message: msg("仅本所民警可管理调解员", "Only the station's officers manage mediators"),
    hide: { what: msg("派出所", "Station"), field: ["input", "stationId"], stationId: station.id },
  });
  let displayName = input.displayName ?? null;
  if (input.volunteerId) {
    const person = await personFacts(prisma, input.volunteerId);
    const volunteer = await prisma.volunteer.findUnique({ where: { id: input.volunteerId }, select: { displayName: true, specialties: true, status: true } });
    if (!volunteer || !person?.stationIds.includes(station.id)) throw notFound(msg("本所义警", "Volunteer of this station"), ["input", "volunteerId"]);
    if (!volunteer.specialties.includes("MEDIATION")) {
      throw new UserFacingError("VALIDATION", msg("该义警没有“矛盾调解”专长，请先在专长中添加", "This volunteer lacks the MEDIATION specialty"), ["input", "volunteerId"]);
    }
    displayName ??= volunteer.displayName;
  }
  if (!displayName) throw new UserFacingError("VALIDATION", msg("请填写调解员的公开称呼", "Give the mediator's public name"), ["input", "displayName"]);
  const mediator = await prisma.$transaction(async (tx) => {
    const m = await tx.mediator.create({
      data: { stationId: station.id, volunteerId: input.volunteerId ?? null, displayName, title: input.title ?? "", years: input.years ?? 0, fields: input.fields ?? [], bio: input.bio ?? "" },
    });
    await recordAudit(tx, { actor: viewer, stationId: station.id, action: "mediator.create", targetType: "Mediator", targetId: m.id, summary: input.volunteerId ? "新增调解员（本所义警）" : "新增调解员", clientAddress });
    return m;
  }, TX);
  return mediator;
}

export async function updateMediator(viewer: Viewer, input: MediatorInput & { mediatorId: string; active?: boolean | null }, clientAddress: string | null = null) {
  const mediator = await prisma.mediator.findUnique({ where: { id: input.mediatorId } });
  if (!mediator) throw notFound(msg("调解员", "Mediator"), ["input", "mediatorId"]);
  assert(viewer, "mediator.manage", { stationId: mediator.stationId }, {
    message: msg("仅本所民警可管理调解员", "Only the station's officers manage mediators"),
    hide: { what: msg("调解员", "Mediator"), field: ["input", "mediatorId"], stationId: mediator.stationId },
  });
  return prisma.$transaction(async (tx) => {
    const m = await tx.mediator.update({
      where: { id: mediator.id },
      data: {
        displayName: input.displayName ?? undefined,
        title: input.title ?? undefined,
        years: input.years ?? undefined,
        fields: input.fields ?? undefined,
        bio: input.bio ?? undefined,
        active: input.active ?? undefined,
      },
    });
    await recordAudit(tx, { actor: viewer, stationId: m.stationId, action: "mediator.update", targetType: "Mediator", targetId: m.id, summary: m.active ? "更新资料" : "停用", clientAddress });
    return m;
  }, TX);
}

export interface OpenCaseInput {
  stationId: string;
  category: MediationField;
  summary: string;
  source: MediationSource;
  parties: { name: string; phone?: string | null; role: MediationPartyRole }[];
  mediatorIds: string[];
}

export async function openMediationCase(viewer: Viewer, input: OpenCaseInput, clientAddress: string | null = null) {
  const station = await stationOf(input.stationId, ["input", "stationId"]);
  assert(viewer, "mediationCase.open", { stationId: station.id }, {
    message: msg("仅本所民警可受理调解案件", "Only the station's officers open mediation cases"),
    hide: { what: msg("派出所", "Station"), field: ["input", "stationId"], stationId: station.id },
  });
  const ids = [...new Set(input.mediatorIds)];
  const mediators = await prisma.mediator.findMany({
    where: { id: { in: ids }, stationId: station.id, active: true },
    select: { id: true, volunteerId: true, displayName: true, volunteer: { select: { status: true, teams: { where: { status: "ACTIVE", team: { stationId: station.id } }, select: { id: true }, take: 1 } } } },
  });
  const known = new Map(mediators.map((m) => [m.id, m]));
  const missing = input.mediatorIds.findIndex((id) => !known.has(id));
  if (missing >= 0) throw notFound(msg("本所在册调解员", "Active mediator of this station"), ["input", "mediatorIds", String(missing)]);
  // A volunteer mediator suspended at the station or gone from it could not open the case (nor be told of it).
  const away = input.mediatorIds.findIndex((id) => {
    const v = known.get(id)!.volunteer;
    return !!v && (v.status !== "ACTIVE" || !v.teams.length);
  });
  if (away >= 0) {
    const name = known.get(input.mediatorIds[away]!)!.displayName;
    throw new UserFacingError("VALIDATION", msg(`调解员${name}目前不在本所在队，不能指派`, `Mediator ${name} is not an active member of this station now`), ["input", "mediatorIds", String(away)]);
  }
  const now = clock.now();
  return prisma.$transaction(async (tx) => {
    const c = await tx.mediationCase.create({
      data: {
        stationId: station.id,
        category: input.category,
        summary: input.summary,
        source: input.source,
        openedById: viewer.accountId,
        openedAt: now,
        parties: { create: input.parties.map((p, position) => ({ name: p.name, phone: p.phone ?? "", role: p.role, position })) },
        mediators: { create: ids.map((mediatorId) => ({ mediatorId })) },
      },
    });
    const accounts = await accountsOf(tx, mediators.map((m) => m.volunteerId).filter((v): v is string => !!v));
    await notify(
      tx,
      [...accounts.values()]
        .filter((a) => a !== viewer.accountId)
        .map((accountId) => ({ accountId, stationId: station.id, kind: "MEDIATION_ASSIGNED" as const, title: joinMsg(msg("新的调解案件：", "New mediation case: "), FIELD_LABEL[c.category]), link: `/cases/mediation/${Buffer.from(`MediationCase:${c.id}`).toString("base64")}` })),
    );
    await recordAudit(tx, {
      actor: viewer,
      stationId: station.id,
      action: "mediation.open",
      targetType: "MediationCase",
      targetId: c.id,
      summary: joinMsg(msg("受理：", "opened: "), FIELD_LABEL[c.category], msg(`，当事人${input.parties.length}方，调解员${ids.length}名`, `, ${input.parties.length} parties, ${ids.length} mediators`)),
      clientAddress,
    });
    return c;
  }, TX).then(thenDelivered);
}

export async function caseFacts(caseId: string) {
  const c = await prisma.mediationCase.findUnique({ where: { id: caseId }, include: { mediators: { select: { mediator: { select: { volunteerId: true } } } } } });
  if (!c) return null;
  return { row: c, facts: { stationId: c.stationId, mediatorVolunteerIds: c.mediators.map((m) => m.mediator.volunteerId).filter((v): v is string => !!v) } };
}

async function workable(viewer: Viewer, caseId: string) {
  const found = await caseFacts(caseId);
  if (!found) throw notFound(CASE, ["input", "caseId"]);
  assert(viewer, "mediationCase.work", found.facts, {
    message: msg("仅本案调解员和本所民警可办理", "Only the case's mediators and the station's officers work on it"),
    hide: { what: CASE, field: ["input", "caseId"], stationId: found.row.stationId },
  });
  if (found.row.status !== "OPEN") throw conflict(msg("该案件已结案", "This case is closed"), ["input", "caseId"]);
  return found.row;
}

export async function recordMediationSession(viewer: Viewer, input: { caseId: string; heldAt: Date; place?: string | null; notes: string }) {
  const c = await workable(viewer, input.caseId);
  if (input.heldAt > new Date(clock.now().getTime() + 5 * 60_000)) {
    throw new UserFacingError("VALIDATION", msg("调解时间不能晚于现在", "The session cannot be in the future"), ["input", "heldAt"]);
  }
  if (input.heldAt < c.openedAt && c.openedAt.getTime() - input.heldAt.getTime() > 86_400_000) {
    throw new UserFacingError("VALIDATION", msg("调解时间不能早于受理日期", "The session cannot be before the case was opened"), ["input", "heldAt"]);
  }
  return prisma.mediationSession.create({ data: { caseId: c.id, heldAt: input.heldAt, place: input.place ?? "", notes: input.notes, recordedById: viewer.accountId } });
}

export async function closeMediationCase(
  viewer: Viewer,
  input: { caseId: string; outcome: MediationOutcome; agreementText?: string | null; referredTo?: string | null },
  clientAddress: string | null = null,
) {
  const c = await workable(viewer, input.caseId);
  const settled = SUCCESS.includes(input.outcome);
  if (settled && !input.agreementText) {
    throw new UserFacingError("VALIDATION", msg("调解成功须填写调解协议内容", "A settled case needs the agreement text"), ["input", "agreementText"]);
  }
  if (input.outcome === "REFERRED" && !input.referredTo) {
    throw new UserFacingError("VALIDATION", msg("请填写移交的部门", "Name the department it goes to"), ["input", "referredTo"]);
  }
  const now = clock.now();
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.mediationCase.updateMany({
      where: { id: c.id, status: "OPEN" },
      data: {
        status: "CLOSED",
        outcome: input.outcome,
        agreementText: settled ? input.agreementText! : null,
        referredTo: input.outcome === "REFERRED" ? input.referredTo! : null,
        closedAt: now,
        closedById: viewer.accountId,
      },
    });
    if (!count) throw conflict(msg("该案件已结案", "This case is closed"), ["input", "caseId"]);
    const labels: Record<MediationOutcome, string> = { SETTLED: "调解成功", FAILED: "调解不成", JUDICIAL_CONFIRMATION: "转司法确认", REFERRED: "转其他部门" };
    await recordAudit(tx, { actor: viewer, stationId: c.stationId, action: "mediation.close", targetType: "MediationCase", targetId: c.id, summary: `结案：${labels[input.outcome]}`, clientAddress });
    return tx.mediationCase.findUniqueOrThrow({ where: { id: c.id } });
  }, TX);
}

/** What a station may set (default 180, in schema.prisma): 30 days up to 3 years, the 诉讼时效 of a dispute over the agreement. */
export const RETENTION_DAYS = { min: 30, max: 1095 };

/**
 * Erases the parties' names and phones of cases closed longer ago than their station's retention, with
 * the texts that quote them (summary, agreement, session notes and places); category, source, outcome,
 * referral, dates, mediators and the counts of parties and sessions stay for the statistics. The case's
 * notices and audit rows name only the category and counts, so nothing else holds party data.
 * Safe in several processes at once, as the home-watch erasure: SKIP LOCKED, changed only while not yet erased.
 */
export async function eraseExpiredMediation(now = clock.now()): Promise<number> {
  return eraseInBatches({
    take: (tx, limit) => tx.$queryRaw`
      SELECT c.id, c."stationId" FROM "MediationCase" c JOIN "Station" s ON s.id = c."stationId"
      WHERE c.status = 'CLOSED' AND c."erasedAt" IS NULL AND c."closedAt" < ${now}::timestamp - make_interval(days => s."mediationRetentionDays")
        -- The shortest retention as an index bound: the cases still kept are not read every minute.
        AND c."closedAt" < ${now}::timestamp - make_interval(days => (SELECT min("mediationRetentionDays") FROM "Station"))
      ORDER BY c."closedAt" LIMIT ${limit} FOR UPDATE OF c SKIP LOCKED`,
    erase: async (tx, ids) => {
      await tx.mediationCase.updateMany({ where: { id: { in: ids }, erasedAt: null }, data: { summary: "", erasedAt: now } });
      // An agreement stays recorded as one (settled cases keep a non-null text), without its words.
      await tx.mediationCase.updateMany({ where: { id: { in: ids }, agreementText: { not: null } }, data: { agreementText: "" } });
      await tx.mediationParty.updateMany({ where: { caseId: { in: ids } }, data: { name: "", phone: "" } });
      await tx.mediationSession.updateMany({ where: { caseId: { in: ids } }, data: { notes: "", place: "" } });
    },
    audit: {
      action: "mediation.erase",
      targetType: "MediationCase",
      summary: (n) => msg(`结案满保留期限，删除${n}件案件的当事人信息和案情记录`, `retention after closing passed: parties and case notes of ${n} cases erased`),
    },
    logAs: "mediation: parties' personal data erased",
  });
}

export type AgeBucket = "WITHIN_7_DAYS" | "WITHIN_30_DAYS" | "WITHIN_90_DAYS" | "OVER_90_DAYS";

export interface MediationStats {
  open: number;
  closed: number;
  succeeded: number;
  successRate: number | null;
  byOutcome: { outcome: MediationOutcome; count: number }[];
  openByAge: { bucket: AgeBucket; count: number }[];
}

/** A station's cases: outcomes, success rate, and open cases by how long they have been open. */
export async function mediationStats(stationId: string, now = clock.now()): Promise<MediationStats> {
  const [row] = await prisma.$queryRaw<{ open: bigint; closed: bigint; succeeded: bigint; byOutcome: MediationStats["byOutcome"] | null; ages: Record<AgeBucket, number> }[]>`
    SELECT
      count(*) FILTER (WHERE status = 'OPEN') AS open,
      count(*) FILTER (WHERE status = 'CLOSED') AS closed,
      count(*) FILTER (WHERE outcome IN ('SETTLED', 'JUDICIAL_CONFIRMATION')) AS succeeded,
      (SELECT json_agg(json_build_object('outcome', outcome, 'count', n) ORDER BY outcome)
         FROM (SELECT outcome, count(*) AS n FROM "MediationCase" WHERE "stationId" = ${stationId}::uuid AND outcome IS NOT NULL GROUP BY outcome) o) AS "byOutcome",
      json_build_object(
        'WITHIN_7_DAYS', count(*) FILTER (WHERE status = 'OPEN' AND "openedAt" > ${now}::timestamp - interval '7 days'),
        'WITHIN_30_DAYS', count(*) FILTER (WHERE status = 'OPEN' AND "openedAt" <= ${now}::timestamp - interval '7 days' AND "openedAt" > ${now}::timestamp - interval '30 days'),
        'WITHIN_90_DAYS', count(*) FILTER (WHERE status = 'OPEN' AND "openedAt" <= ${now}::timestamp - interval '30 days' AND "openedAt" > ${now}::timestamp - interval '90 days'),
        'OVER_90_DAYS', count(*) FILTER (WHERE status = 'OPEN' AND "openedAt" <= ${now}::timestamp - interval '90 days')
      ) AS ages
    FROM "MediationCase" WHERE "stationId" = ${stationId}::uuid`;
  const closed = Number(row!.closed);
  const succeeded = Number(row!.succeeded);
  return {
    open: Number(row!.open),
    closed,
    succeeded,
    successRate: closed ? Math.round((succeeded / closed) * 1000) / 1000 : null,
    byOutcome: row!.byOutcome ?? [],
    openByAge: (["WITHIN_7_DAYS", "WITHIN_30_DAYS", "WITHIN_90_DAYS", "OVER_90_DAYS"] as const).map((bucket) => ({ bucket, count: Number(row!.ages[bucket]) })),
  };
}

export interface MediationPeriodStats {
  opened: number;
  closed: number;
  succeeded: number;
  successRate: number | null;
}

/** Cases opened and closed in [from, to) at each station, and the success rate of those closed (one statement). */
export async function mediationPeriodStats(stationIds: readonly string[], from: Date, to: Date): Promise<Map<string, MediationPeriodStats>> {
  const rows = await prisma.$queryRaw<{ stationId: string; opened: bigint; closed: bigint; succeeded: bigint }[]>`
    SELECT st.id AS "stationId",
      count(c.id) FILTER (WHERE c."openedAt" >= ${from} AND c."openedAt" < ${to}) AS opened,
      count(c.id) FILTER (WHERE c.status = 'CLOSED' AND c."closedAt" >= ${from} AND c."closedAt" < ${to}) AS closed,
      count(c.id) FILTER (WHERE c.status = 'CLOSED' AND c."closedAt" >= ${from} AND c."closedAt" < ${to} AND c.outcome = ANY(${SUCCESS}::"MediationOutcome"[])) AS succeeded
    FROM unnest(${[...stationIds]}::uuid[]) AS st(id)
    LEFT JOIN "MediationCase" c ON c."stationId" = st.id AND ((c."openedAt" >= ${from} AND c."openedAt" < ${to}) OR (c."closedAt" >= ${from} AND c."closedAt" < ${to}))
    GROUP BY st.id`;
  return new Map(
    rows.map((r) => {
      const closed = Number(r.closed);
      const succeeded = Number(r.succeeded);
      return [r.stationId, { opened: Number(r.opened), closed, succeeded, successRate: closed ? Math.round((succeeded / closed) * 1000) / 1000 : null }];
    }),
  );
}

/** Closed and successful cases of each mediator (their public record). */
export async function mediatorRecords(ids: readonly string[]): Promise<Map<string, { open: number; closed: number; succeeded: number }>> {
  const rows = await prisma.$queryRaw<{ id: string; open: bigint; closed: bigint; succeeded: bigint }[]>`
    SELECT cm."mediatorId" AS id,
           count(*) FILTER (WHERE c.status = 'OPEN') AS open,
           count(*) FILTER (WHERE c.status = 'CLOSED') AS closed,
           count(*) FILTER (WHERE c.outcome IN ('SETTLED', 'JUDICIAL_CONFIRMATION')) AS succeeded
    FROM "MediationCaseMediator" cm JOIN "MediationCase" c ON c.id = cm."caseId"
    WHERE cm."mediatorId" = ANY(${[...ids]}::uuid[]) GROUP BY cm."mediatorId"`;
  return new Map(rows.map((r) => [r.id, { open: Number(r.open), closed: Number(r.closed), succeeded: Number(r.succeeded) }]));
}
