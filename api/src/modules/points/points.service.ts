// 积分: an append-only ledger. Corrections are reversing entries; the balance is always the sum.
// Every entry has a unique `source`, so retried work (a completion, an approval) credits once.
import { randomUUID } from "node:crypto";
import type { Viewer } from "../../auth/viewer.js";
import { can } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { PointsRules, Shift, ShiftClaim } from "../../generated/prisma/client.js";
import { conflict, forbidden, notFound, UserFacingError } from "../../graphql/errors.js";

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

export async function balanceOf(db: Tx | typeof prisma, volunteerId: string): Promise<number> {
  const { _sum } = await db.pointsEntry.aggregate({ where: { volunteerId }, _sum: { amount: true } });
  return _sum.amount ?? 0;
}

async function officerOfVolunteersStation(viewer: Viewer, volunteerId: string, stationId: string) {
  if (!can.officerOf(viewer, stationId)) throw forbidden("Only the station's officers adjust points / 仅本所民警可调整积分");
  const member = await prisma.teamMembership.findFirst({ where: { volunteerId, team: { stationId } }, select: { id: true } });
  if (!member) throw notFound("Volunteer of this station", ["input", "volunteerId"]);
}

export async function adjustPoints(viewer: Viewer, input: { volunteerId: string; stationId: string; amount: number; note: string }) {
  await officerOfVolunteersStation(viewer, input.volunteerId, input.stationId);
  return prisma.$transaction(async (tx) => {
    // Serialize with redemptions of the same person so a deduction cannot overdraw.
    await tx.$queryRaw`SELECT id FROM "Volunteer" WHERE id = ${input.volunteerId}::uuid FOR UPDATE`;
    if (input.amount < 0 && (await balanceOf(tx, input.volunteerId)) + input.amount < 0) {
      throw conflict("The balance cannot go below zero / 积分不能为负", ["input", "amount"]);
    }
    return tx.pointsEntry.create({
      data: {
        volunteerId: input.volunteerId,
        stationId: input.stationId,
        amount: input.amount,
        reason: "ADJUSTMENT",
        note: input.note,
        source: `adjust:${randomUUID()}`,
        createdById: viewer.accountId,
      },
    });
  }, TX);
}

/** Undoes an entry with an opposite one; an entry is reversed at most once, reversals never. */
export async function reversePointsEntry(viewer: Viewer, input: { entryId: string; note: string }) {
  const entry = await prisma.pointsEntry.findUnique({ where: { id: input.entryId }, include: { reversedBy: true } });
  if (!entry) throw notFound("Points entry", ["input", "entryId"]);
  if (!can.officerOf(viewer, entry.stationId)) throw forbidden("Only the station's officers correct points / 仅本所民警可冲正积分");
  if (entry.reason === "REVERSAL" || entry.reason === "REDEMPTION") {
    throw conflict("This entry cannot be reversed / 该记录不能冲正", ["input", "entryId"]);
  }
  if (entry.reversedBy) return entry.reversedBy;
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Volunteer" WHERE id = ${entry.volunteerId}::uuid FOR UPDATE`;
    const existing = await tx.pointsEntry.findUnique({ where: { reversesId: entry.id } });
    if (existing) return existing;
    if (entry.amount > 0 && (await balanceOf(tx, entry.volunteerId)) - entry.amount < 0) {
      throw conflict("The points were already spent / 积分已被使用，无法冲正", ["input", "entryId"]);
    }
    return tx.pointsEntry.create({
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
  }, TX);
}

export async function updatePointsRules(
  viewer: Viewer,
  input: { stationId: string; pointsPerHour?: number | null; nightPatrolPercent?: number | null; commendationPoints?: number | null },
) {
  if (!can.officerOf(viewer, input.stationId)) throw forbidden("Only the station's officers set points rules / 仅本所民警可设置积分规则");
  const station = await prisma.station.findUnique({ where: { id: input.stationId }, select: { id: true } });
  if (!station) throw notFound("Station", ["input", "stationId"]);
  const data = {
    pointsPerHour: input.pointsPerHour ?? undefined,
    nightPatrolPercent: input.nightPatrolPercent ?? undefined,
    commendationPoints: input.commendationPoints ?? undefined,
    updatedById: viewer.accountId,
  };
  return prisma.pointsRules.upsert({ where: { stationId: station.id }, create: { ...DEFAULT_RULES, ...data, stationId: station.id }, update: data });
}

export async function createReward(viewer: Viewer, input: { stationId: string; name: string; description?: string | null; cost: number; stock: number }) {
  if (!can.officerOf(viewer, input.stationId)) throw forbidden();
  try {
    return await prisma.reward.create({
      data: { stationId: input.stationId, name: input.name, description: input.description ?? "", cost: input.cost, stock: input.stock },
    });
  } catch (e) {
    if ((e as { code?: string }).code === "P2002") throw conflict("A reward with this name exists / 同名奖品已存在", ["input", "name"]);
    if ((e as { code?: string }).code === "P2003") throw notFound("Station", ["input", "stationId"]);
    throw e;
  }
}

export async function updateReward(
  viewer: Viewer,
  input: { rewardId: string; name?: string | null; description?: string | null; cost?: number | null; stock?: number | null; active?: boolean | null },
) {
  const reward = await prisma.reward.findUnique({ where: { id: input.rewardId } });
  if (!reward) throw notFound("Reward", ["input", "rewardId"]);
  if (!can.officerOf(viewer, reward.stationId)) throw forbidden();
  return prisma.reward.update({
    where: { id: reward.id },
    data: {
      name: input.name ?? undefined,
      description: input.description ?? undefined,
      cost: input.cost ?? undefined,
      stock: input.stock ?? undefined,
      active: input.active ?? undefined,
    },
  });
}

/**
 * 兑换: debits the ledger and takes one from stock in one transaction. The volunteer's row lock
 * serializes their redemptions (no overdraft); the conditional stock update and the CHECK
 * constraint keep stock from going negative.
 */
export async function redeemReward(viewer: Viewer, input: { rewardId: string }) {
  if (!viewer.volunteerId) throw forbidden("Only volunteers redeem rewards / 仅义警可兑换");
  const volunteerId = viewer.volunteerId;
  const reward = await prisma.reward.findUnique({ where: { id: input.rewardId } });
  if (!reward || !can.seeStation(viewer, reward.stationId)) throw notFound("Reward", ["input", "rewardId"]);
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM "Volunteer" WHERE id = ${volunteerId}::uuid FOR UPDATE`;
    const current = await tx.reward.findUniqueOrThrow({ where: { id: reward.id } });
    if (!current.active) throw conflict("This reward is not available / 该奖品已下架", ["input", "rewardId"]);
    const balance = await balanceOf(tx, volunteerId);
    if (balance < current.cost) {
      throw new UserFacingError("CONFLICT", `Not enough points: ${balance} of ${current.cost} / 积分不足`, ["input", "rewardId"]);
    }
    const taken = await tx.reward.updateMany({ where: { id: reward.id, stock: { gt: 0 }, active: true }, data: { stock: { decrement: 1 } } });
    if (!taken.count) throw conflict("Out of stock / 奖品已兑完", ["input", "rewardId"]);
    const redemption = await tx.redemption.create({ data: { rewardId: reward.id, volunteerId, cost: current.cost } });
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

export async function markRedemptionHandedOut(viewer: Viewer, input: { redemptionId: string }) {
  const r = await prisma.redemption.findUnique({ where: { id: input.redemptionId }, include: { reward: true } });
  if (!r) throw notFound("Redemption", ["input", "redemptionId"]);
  if (!can.officerOf(viewer, r.reward.stationId)) throw forbidden();
  if (r.status === "HANDED_OUT") return r;
  return prisma.redemption.update({ where: { id: r.id }, data: { status: "HANDED_OUT", handedOutAt: clock.now(), handedOutById: viewer.accountId } });
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
      AND (${teamId}::uuid IS NULL OR EXISTS (SELECT 1 FROM "TeamMembership" m WHERE m."volunteerId" = v.id AND m."teamId" = ${teamId}::uuid))
    ORDER BY s.points DESC, v.id
    OFFSET ${offset} LIMIT ${limit}`;
  return rows.map((r) => ({ rank: Number(r.rank), points: Number(r.points), volunteerId: r.volunteerId, displayName: r.displayName }));
}

const csvCell = (v: string | number) => {
  const s = String(v);
  return /[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};
const shanghai = (d: Date) => new Date(d.getTime() + SHANGHAI).toISOString().slice(0, 16).replace("T", " ");

/** 志愿服务时长证明: served shifts and commendations in a date range, as CSV (UTF-8 with BOM for Excel). */
export async function hoursCertificate(volunteerId: string, from: Date, to: Date) {
  const [volunteer, claims, commendations] = await Promise.all([
    prisma.volunteer.findUniqueOrThrow({ where: { id: volunteerId }, select: { name: true, displayName: true } }),
    prisma.shiftClaim.findMany({
      where: { volunteerId, status: "COMPLETED", shift: { startsAt: { gte: from, lt: to } } },
      include: { shift: { include: { station: { select: { name: true } }, team: { select: { name: true } } } } },
      orderBy: { shift: { startsAt: "asc" } },
    }),
    prisma.commendation.findMany({
      where: { volunteerId, approvedAt: { gte: from, lt: to } },
      include: { goodDeed: { select: { title: true, category: true, occurredAt: true } } },
      orderBy: { approvedAt: "asc" },
    }),
  ]);
  const totalMinutes = claims.reduce((n, c) => n + (c.minutesServed ?? 0), 0);
  const lines = [
    ["类型 Type", "日期 Date (Asia/Shanghai)", "派出所 Station", "队伍 Team", "内容 Title", "时长(分钟) Minutes"].map(csvCell).join(","),
    ...claims.map((c) => ["服务 Service", shanghai(c.shift.startsAt), c.shift.station.name, c.shift.team.name, c.shift.title, c.minutesServed ?? 0].map(csvCell).join(",")),
    ...commendations.map((c) => ["表扬 Commendation", shanghai(c.goodDeed.occurredAt), "", "", c.goodDeed.title, ""].map(csvCell).join(",")),
    ["合计 Total", "", "", "", `${volunteer.name}（${volunteer.displayName}）`, totalMinutes].map(csvCell).join(","),
  ];
  return { totalMinutes, shiftCount: claims.length, commendationCount: commendations.length, csv: `\uFEFF${lines.join("\r\n")}\r\n` };
}
