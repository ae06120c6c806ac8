// 积分: an append-only ledger. Corrections are reversing entries; the balance is always the sum.
// Every entry has a unique `source`, so retried work (a completion, an approval) credits once.
import { randomUUID } from "node:crypto";
import { joinMsg, msg } from "../../i18n.js";
import type { Viewer } from "../../auth/viewer.js";
import { assert, can, seesStation } from "../../auth/policy.js";
import { personFacts } from "../../auth/facts.js";
import { toCsv } from "../../lib/csv.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { PointsRules, Shift, ShiftClaim } from "../../generated/prisma/client.js";
import { conflict, forbidden, isUniqueViolation, notFound, UserFacingError } from "../../graphql/errors.js";
import { changedFields, recordAudit } from "../audit/audit.service.js";

export const DEFAULT_RULES = { pointsPerHour: 10, nightPatrolPercent: 150, commendationPoints: 50 };

export async function rulesFor(db: Tx | typeof prisma, stationId: string): Promise<Pick<PointsRules, keyof typeof DEFAULT_RULES>> {
  return (await db.pointsRules.findUnique({ where: { stationId } })) ?? DEFAULT_RULES;
}

/** Points for a completed claim: hours × rate, night patrols weighted. */
export function patrolPoints(rules: typeof DEFAULT_RULES, kind: Shift["kind"], minutesServed: number): number {
  const weight = kind === "NIGHT_PATROL" ? rules.nightPatrolPercent / 100 : 1;
  return Math.round((minutesServed / 60) * rules.pointsPerHour * weight);
}

/** Credits completed claims inside the completing transaction; a claim is credited at most once. */
export async function creditCompletedClaims(tx: Tx, shift: Shift, claims: ShiftClaim[]): Promise<void> {
  const rules = await rulesFor(tx, shift.stationId);
  const data = claims
    .map((c) => ({ c, amount: patrolPoints(rules, shift.kind, c.minutesServed ?? 0) }))
    .filter(({ amount }) => amount > 0)
    .map(({ c, amount }) => ({
      volunteerId: c.volunteerId,
      stationId: shift.stationId,
      amount,
      reason: "PATROL_HOURS" as const,
      note: `${shift.title} ${c.minutesServed} 分钟`,
      source: `claim:${c.id}`,
    }));
  if (data.length) await tx.pointsEntry.createMany({ data, skipDuplicates: true });
}

/** Points belong to a station: the balance there is the sum of that station's entries. */
export async function balanceOf(db: Tx | typeof prisma, volunteerId: string, stationId: string): Promise<number> {
  const { _sum } = await db.pointsEntry.aggregate({ where: { volunteerId, stationId }, _sum: { amount: true } });
  return _sum.amount ?? 0;
}

/**
 * 积分调整. A repeated `requestId` (a double tap, a retry after a lost answer, two tabs) answers the
 * entry it made the first time: the key is the entry's unique `source`, checked under the person's lock.
 */
export async function adjustPoints(viewer: Viewer, input: { volunteerId: string; stationId: string; amount: number; note: string; requestId?: string | null }, clientAddress: string | null = null) {
  const person = await personFacts(prisma, input.volunteerId);
  if (!person || !seesStation(viewer, input.stationId) || !can(viewer, "volunteer.read", person)) {
    throw notFound(msg("义警", "Volunteer"), ["input", "volunteerId"]);
  }
  assert(viewer, "points.adjust", { person, stationId: input.stationId }, {
    message: msg("仅本所民警可为本所义警调整积分（不能调整自己的）", "Only the station's officers adjust points of its volunteers (never their own)"),
  });
  return prisma.$transaction(async (tx) => {
    // Serialize with redemptions of the same person so a deduction cannot overdraw.
    // (The same requestId for two people at once meets the unique source instead: see the catch.)
    await tx.$queryRaw`SELECT id FROM "Volunteer" WHERE id = ${input.volunteerId}::uuid FOR UPDATE`;
    const source = `adjust:${input.requestId ? `${viewer.accountId}:${input.requestId}` : randomUUID()}`;
    if (input.requestId) {
      const earlier = await tx.pointsEntry.findUnique({ where: { source } });
      if (earlier) {
        if (earlier.volunteerId !== input.volunteerId || earlier.stationId !== input.stationId || earlier.amount !== input.amount || earlier.note !== input.note) {
          throw conflict(msg("该请求编号已用于另一笔调整", "This request ID was used for another adjustment"), ["input", "requestId"]);
        }
        return earlier;
      }
    }
    if (input.amount < 0 && (await balanceOf(tx, input.volunteerId, input.stationId)) + input.amount < 0) {
      throw conflict(msg("积分不能为负", "The balance cannot go below zero"), ["input", "amount"]);
    }
    const entry = await tx.pointsEntry.create({
      data: {
        volunteerId: input.volunteerId,
        stationId: input.stationId,
        amount: input.amount,
        reason: "ADJUSTMENT",
        note: input.note,
        source,
        createdById: viewer.accountId,
      },
    });
    const signed = `${input.amount > 0 ? "+" : ""}${input.amount}`;
    await recordAudit(tx, { actor: viewer, stationId: input.stationId, action: "points.adjust", targetType: "PointsEntry", targetId: entry.id, summary: msg(`积分 ${signed}`, `${signed} points`), clientAddress });
    return entry;
  }, TX).catch((e: unknown) => {
    if (input.requestId && isUniqueViolation(e)) throw conflict(msg("该请求编号已用于另一笔调整", "This request ID was used for another adjustment"), ["input", "requestId"]);
    throw e;
  });
}

/** Undoes an entry with an opposite one; an entry is reversed at most once, reversals never. */
export async function reversePointsEntry(viewer: Viewer, input: { entryId: string; note: string }, clientAddress: string | null = null) {
  const entry = await prisma.pointsEntry.findUnique({ where: { id: input.entryId }, include: { reversedBy: true } });
  if (!entry) throw notFound(msg("积分记录", "Points entry"), ["input", "entryId"]);
  assert(viewer, "points.reverse", { stationId: entry.stationId, volunteerId: entry.volunteerId }, {
    message: msg("仅本所民警可冲正积分（不能冲正自己的）", "Only the station's officers correct points (never their own)"),
    hide: { what: msg("积分记录", "Points entry"), field: ["input", "entryId"], stationId: entry.stationId },
  });
  if (entry.reason === "REVERSAL" || entry.reason === "REDEMPTION") {
    throw conflict(msg("该记录不能冲正", "This entry cannot be reversed"), ["input", "entryId"]);
  }
  if (entry.reversedBy) return entry.reversedBy;
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Volunteer" WHERE id = ${entry.volunteerId}::uuid FOR UPDATE`;
    const existing = await tx.pointsEntry.findUnique({ where: { reversesId: entry.id } });
    if (existing) return existing;
    if (entry.amount > 0 && (await balanceOf(tx, entry.volunteerId, entry.stationId)) - entry.amount < 0) {
      throw conflict(msg("积分已被使用，无法冲正", "The points were already spent"), ["input", "entryId"]);
    }
    const reversal = await tx.pointsEntry.create({
      data: {
        volunteerId: entry.volunteerId,
        stationId: entry.stationId,
        amount: -entry.amount,
        reason: "REVERSAL",
        note: input.note,
        source: `reverse:${entry.id}`,
        reversesId: entry.id,
        createdById: viewer.accountId,
      },
    });
    await recordAudit(tx, { actor: viewer, stationId: entry.stationId, action: "points.reverse", targetType: "PointsEntry", targetId: reversal.id, summary: msg(`冲正一笔 ${entry.amount} 分的记录`, `reversed an entry of ${entry.amount} points`), clientAddress });
    return reversal;
  }, TX);
}

export async function updatePointsRules(
  viewer: Viewer,
  input: { stationId: string; pointsPerHour?: number | null; nightPatrolPercent?: number | null; commendationPoints?: number | null },
  clientAddress: string | null = null,
) {
  const station = await prisma.station.findUnique({ where: { id: input.stationId }, select: { id: true } });
  if (!station) throw notFound(msg("派出所", "Station"), ["input", "stationId"]);
  assert(viewer, "points.rules", { stationId: station.id }, {
    message: msg("仅本所民警可设置积分规则", "Only the station's officers set points rules"),
    hide: { what: msg("派出所", "Station"), field: ["input", "stationId"], stationId: station.id },
  });
  const data = {
    pointsPerHour: input.pointsPerHour ?? undefined,
    nightPatrolPercent: input.nightPatrolPercent ?? undefined,
    commendationPoints: input.commendationPoints ?? undefined,
    updatedById: viewer.accountId,
  };
  return prisma.$transaction(async (tx) => {
    const before = await rulesFor(tx, station.id);
    const rules = await tx.pointsRules.upsert({ where: { stationId: station.id }, create: { ...DEFAULT_RULES, ...data, stationId: station.id }, update: data });
    const show = (r: typeof before) => `${r.pointsPerHour}/h, ${r.nightPatrolPercent}%, ${r.commendationPoints}`;
    await recordAudit(tx, { actor: viewer, stationId: station.id, action: "points.rules", targetType: "Station", targetId: station.id, summary: msg(`每小时积分/夜巡加成/表扬积分：${show(before)} → ${show(rules)}`, `points per hour / night patrol / commendation: ${show(before)} → ${show(rules)}`), clientAddress });
    return rules;
  }, TX);
}

export async function createReward(viewer: Viewer, input: { stationId: string; name: string; description?: string | null; cost: number; stock: number }, clientAddress: string | null = null) {
  assert(viewer, "reward.manage", { stationId: input.stationId }, { hide: { what: msg("派出所", "Station"), field: ["input", "stationId"], stationId: input.stationId } });
  try {
    return await prisma.$transaction(async (tx) => {
      const reward = await tx.reward.create({
        data: { stationId: input.stationId, name: input.name, description: input.description ?? "", cost: input.cost, stock: input.stock },
      });
      await recordAudit(tx, { actor: viewer, stationId: reward.stationId, action: "reward.create", targetType: "Reward", targetId: reward.id, summary: msg(`${input.cost} 积分，库存 ${input.stock}`, `${input.cost} points, ${input.stock} in stock`), clientAddress });
      return reward;
    }, TX);
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw conflict(msg("同名奖品已存在", "A reward with this name exists"), ["input", "name"]);
    if ((e as { code?: string }).code === "P2003") throw notFound(msg("派出所", "Station"), ["input", "stationId"]);
    throw e;
  }
}

const REWARD_FIELDS: Record<string, string> = { name: msg("名称", "name"), description: msg("说明", "description"), cost: msg("所需积分", "cost"), stock: msg("库存", "stock"), active: msg("上架状态", "availability") };

export async function updateReward(
  viewer: Viewer,
  input: { rewardId: string; name?: string | null; description?: string | null; cost?: number | null; stock?: number | null; expectedStock?: number | null; active?: boolean | null },
  clientAddress: string | null = null,
) {
  const reward = await prisma.reward.findUnique({ where: { id: input.rewardId } });
  if (!reward) throw notFound(msg("奖品", "Reward"), ["input", "rewardId"]);
  assert(viewer, "reward.manage", { stationId: reward.stationId }, { hide: { what: msg("奖品", "Reward"), field: ["input", "rewardId"], stationId: reward.stationId } });
  return prisma.$transaction(async (tx) => {
    // Under the row's lock (redemptions take stock under it too): a form opened before redemptions
    // would otherwise put the redeemed items back in stock.
    const [locked] = await tx.$queryRaw<{ stock: number }[]>`SELECT stock FROM "Reward" WHERE id = ${reward.id}::uuid FOR UPDATE`;
    if (input.stock != null && input.expectedStock != null && locked && locked.stock !== input.expectedStock) {
      throw conflict(msg(`库存已变化（现为 ${locked.stock}），请刷新后再改`, `The stock changed meanwhile (now ${locked.stock}): reload and try again`), ["input", "stock"]);
    }
    const updated = await tx.reward.update({
      where: { id: reward.id },
      data: {
        name: input.name ?? undefined,
        description: input.description ?? undefined,
        cost: input.cost ?? undefined,
        stock: input.stock ?? undefined,
        active: input.active ?? undefined,
      },
    });
    const fields = changedFields(input, REWARD_FIELDS);
    const numbers = msg(`（${reward.cost}→${updated.cost} 积分，库存 ${reward.stock}→${updated.stock}${updated.active ? "" : "，已下架"}）`, ` (${reward.cost}→${updated.cost} points, stock ${reward.stock}→${updated.stock}${updated.active ? "" : ", withdrawn"})`);
    await recordAudit(tx, { actor: viewer, stationId: reward.stationId, action: "reward.update", targetType: "Reward", targetId: reward.id, summary: joinMsg(msg(`修改${fields.zh}`, `changed ${fields.en}`), numbers), clientAddress });
    return updated;
  }, TX);
}

/**
 * 兑换: debits the ledger and takes one from stock in one transaction. The volunteer's row lock
 * serializes their redemptions (no overdraft); the conditional stock update and the CHECK
 * constraint keep stock from going negative. A repeated `requestId` (a retry after a lost answer)
 * answers the redemption it made the first time, found under the same lock.
 */
export async function redeemReward(viewer: Viewer, input: { rewardId: string; requestId?: string | null; expectedCost?: number | null }) {
  if (!viewer.volunteerId) throw forbidden(msg("仅义警可兑换", "Only volunteers redeem rewards"));
  const volunteerId = viewer.volunteerId;
  const reward = await prisma.reward.findUnique({ where: { id: input.rewardId } });
  if (!reward || !seesStation(viewer, reward.stationId)) throw notFound(msg("奖品", "Reward"), ["input", "rewardId"]);
  assert(viewer, "reward.redeem", { stationId: reward.stationId }, { message: msg("仅本所义警可兑换本所奖品", "Only the station's volunteers redeem its rewards") });
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Volunteer" WHERE id = ${volunteerId}::uuid FOR UPDATE`;
    const requestKey = input.requestId ? `${volunteerId}:${input.requestId}` : null;
    if (requestKey) {
      const earlier = await tx.redemption.findUnique({ where: { requestKey } });
      if (earlier) {
        if (earlier.rewardId !== reward.id) throw conflict(msg("该请求编号已用于另一次兑换", "This request ID was used for another redemption"), ["input", "requestId"]);
        return earlier;
      }
    }
    const current = await tx.reward.findUniqueOrThrow({ where: { id: reward.id } });
    if (!current.active) throw conflict(msg("该奖品已下架", "This reward is not available"), ["input", "rewardId"]);
    const repriced = (cost: number) => conflict(msg(`所需积分已变为 ${cost}，请确认后再兑换`, `The cost is now ${cost} points: confirm again`), ["input", "expectedCost"]);
    if (input.expectedCost != null && current.cost !== input.expectedCost) throw repriced(current.cost);
    const balance = await balanceOf(tx, volunteerId, reward.stationId);
    if (balance < current.cost) {
      throw new UserFacingError("CONFLICT", msg(`积分不足`, `Not enough points: ${balance} of ${current.cost}`), ["input", "rewardId"]);
    }
    // The cost in the condition too: a price changed since it was read is not charged at the old one.
    const taken = await tx.reward.updateMany({ where: { id: reward.id, stock: { gt: 0 }, active: true, cost: current.cost }, data: { stock: { decrement: 1 } } });
    if (!taken.count) {
      const now = await tx.reward.findUniqueOrThrow({ where: { id: reward.id } });
      if (!now.active) throw conflict(msg("该奖品已下架", "This reward is not available"), ["input", "rewardId"]);
      if (now.cost !== current.cost) throw repriced(now.cost);
      throw conflict(msg("奖品已兑完", "Out of stock"), ["input", "rewardId"]);
    }
    const redemption = await tx.redemption.create({ data: { rewardId: reward.id, volunteerId, cost: current.cost, requestKey } });
    await tx.pointsEntry.create({
      data: {
        volunteerId,
        stationId: reward.stationId,
        amount: -current.cost,
        reason: "REDEMPTION",
        note: current.name,
        source: `redemption:${redemption.id}`,
        createdById: viewer.accountId,
      },
    });
    return redemption;
  }, TX);
}

/** Handed out once: of two officers at once, the first sets who and when; the other answers it. */
export async function markRedemptionHandedOut(viewer: Viewer, input: { redemptionId: string }, clientAddress: string | null = null) {
  const r = await prisma.redemption.findUnique({ where: { id: input.redemptionId }, include: { reward: true } });
  if (!r) throw notFound(msg("兑换记录", "Redemption"), ["input", "redemptionId"]);
  assert(viewer, "redemption.handOut", { stationId: r.reward.stationId, volunteerId: r.volunteerId }, { ...(r.volunteerId === viewer.volunteerId && { message: msg("不能发放自己兑换的奖品，请由本所其他民警发放", "Another officer of the station hands out your own redemption") }), hide: { what: msg("兑换记录", "Redemption"), field: ["input", "redemptionId"], stationId: r.reward.stationId } });
  if (r.status === "HANDED_OUT") return r;
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.redemption.updateMany({ where: { id: r.id, status: "PENDING" }, data: { status: "HANDED_OUT", handedOutAt: clock.now(), handedOutById: viewer.accountId } });
    if (count) {
      await recordAudit(tx, { actor: viewer, stationId: r.reward.stationId, action: "redemption.handOut", targetType: "Redemption", targetId: r.id, summary: msg(`发放奖品（${r.cost} 积分）`, `handed out a reward (${r.cost} points)`), clientAddress });
    }
    return tx.redemption.findUniqueOrThrow({ where: { id: r.id } });
  }, TX);
}

export type Period = "MONTH" | "QUARTER" | "YEAR";
const SHANGHAI = 8 * 3600_000;

/** Start of the current month / quarter / year in Asia/Shanghai, as a UTC instant. */
export function periodStart(period: Period, now = clock.now()): Date {
  const local = new Date(now.getTime() + SHANGHAI);
  const y = local.getUTCFullYear();
  const m = period === "YEAR" ? 0 : period === "QUARTER" ? Math.floor(local.getUTCMonth() / 3) * 3 : local.getUTCMonth();
  return new Date(Date.UTC(y, m, 1) - SHANGHAI);
}

export interface LeaderboardRow {
  rank: number;
  points: number;
  volunteerId: string;
  displayName: string;
}

/** Points earned (patrol hours, commendations, adjustments) this period; ties share a rank. */
export async function leaderboard(stationId: string, teamId: string | null, period: Period, offset: number, limit: number) {
  const since = periodStart(period);
  const rows = await prisma.$queryRaw<{ volunteerId: string; displayName: string; points: bigint; rank: bigint }[]>`
    SELECT v.id AS "volunteerId", v."displayName", s.points, RANK() OVER (ORDER BY s.points DESC) AS rank
    FROM (
      SELECT e."volunteerId", SUM(e.amount) AS points
      FROM "PointsEntry" e
      WHERE e."stationId" = ${stationId}::uuid AND e."createdAt" >= ${since} AND e.reason <> 'REDEMPTION'
      GROUP BY e."volunteerId"
    ) s
    JOIN "Volunteer" v ON v.id = s."volunteerId"
    WHERE v."publicRanking" AND s.points > 0
      AND (${teamId}::uuid IS NULL OR EXISTS (SELECT 1 FROM "TeamMembership" m JOIN "Team" t ON t.id = m."teamId"
                                             WHERE m."volunteerId" = v.id AND m."teamId" = ${teamId}::uuid AND t."stationId" = ${stationId}::uuid AND m.status = 'ACTIVE'))
    ORDER BY s.points DESC, v.id
    OFFSET ${offset} LIMIT ${limit}`;
  return rows.map((r) => ({ rank: Number(r.rank), points: Number(r.points), volunteerId: r.volunteerId, displayName: r.displayName }));
}

const shanghai = (d: Date) => new Date(d.getTime() + SHANGHAI).toISOString().slice(0, 16).replace("T", " ");

/** 志愿服务时长证明 of one station: served shifts and commendations in a date range, with a CSV (UTF-8 with BOM for Excel). */
export async function hoursCertificate(volunteerId: string, stationId: string, from: Date, to: Date) {
  const [volunteer, station, claims, commendations, callUps] = await Promise.all([
    prisma.volunteer.findUniqueOrThrow({ where: { id: volunteerId }, select: { name: true, displayName: true } }),
    prisma.station.findUniqueOrThrow({ where: { id: stationId }, select: { name: true } }),
    prisma.shiftClaim.findMany({
      where: { volunteerId, status: "COMPLETED", shift: { stationId, startsAt: { gte: from, lt: to } } },
      include: { shift: { include: { station: { select: { name: true } }, team: { select: { name: true } } } } },
      orderBy: { shift: { startsAt: "asc" } },
    }),
    prisma.commendation.findMany({
      where: { volunteerId, stationId, approvedAt: { gte: from, lt: to } },
      include: { goodDeed: { select: { title: true, category: true, occurredAt: true } } },
      orderBy: { approvedAt: "asc" },
    }),
    // 一键召集 responses count as service time too (credited when the call-up closes).
    prisma.mobilizationResponder.findMany({
      where: { volunteerId, minutesServed: { gt: 0 }, mobilization: { stationId, closedAt: { gte: from, lt: to } } },
      include: { mobilization: { select: { reason: true, startedAt: true } } },
      orderBy: { mobilization: { startedAt: "asc" } },
    }),
  ]);
  const totalMinutes = claims.reduce((n, c) => n + (c.minutesServed ?? 0), 0) + callUps.reduce((n, r) => n + (r.minutesServed ?? 0), 0);
  const csv = toCsv([
    ["类型 Type", "日期 Date (Asia/Shanghai)", "派出所 Station", "队伍 Team", "内容 Title", "时长(分钟) Minutes"],
    ...claims.map((c) => ["服务 Service", shanghai(c.shift.startsAt), c.shift.station.name, c.shift.team.name, c.shift.title, c.minutesServed ?? 0]),
    ...callUps.map((r) => ["召集 Call-up", shanghai(r.mobilization.startedAt), station.name, "", r.mobilization.reason, r.minutesServed ?? 0]),
    ...commendations.map((c) => ["表扬 Commendation", shanghai(c.goodDeed.occurredAt), station.name, "", c.goodDeed.title, ""]),
    ["合计 Total", "", station.name, "", `${volunteer.name}（${volunteer.displayName}）`, totalMinutes],
  ]);
  return {
    volunteerId,
    stationId,
    stationName: station.name,
    volunteerName: volunteer.name,
    displayName: volunteer.displayName,
    from,
    to,
    totalMinutes,
    shiftCount: claims.length,
    commendationCount: commendations.length,
    shifts: [
      ...claims.map((c) => ({ date: c.shift.startsAt, teamName: c.shift.team.name, title: c.shift.title, minutes: c.minutesServed ?? 0 })),
      ...callUps.map((r) => ({ date: r.mobilization.startedAt, teamName: "一键召集", title: r.mobilization.reason, minutes: r.minutesServed ?? 0 })),
    ],
    commendations: commendations.map((c) => ({ date: c.goodDeed.occurredAt, title: c.goodDeed.title })),
    csv,
  };
}
