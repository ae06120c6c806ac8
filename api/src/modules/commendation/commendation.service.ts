// 好人好事 → 表扬 → 表扬榜. Each step records who and when; points follow approval in the same transaction.
import { encodeGlobalID } from "@pothos/plugin-relay";
import type { Viewer } from "../../auth/viewer.js";
import { assert } from "../../auth/policy.js";
import { clock } from "../../clock.js";
import { prisma, type Tx, TX } from "../../db.js";
import type { GoodDeedCategory } from "../../generated/prisma/client.js";
import { conflict, notFound, UserFacingError } from "../../graphql/errors.js";
import { pubsub } from "../../pubsub.js";
import { rulesFor } from "../points/points.service.js";
import { accountsOf, delivered, notify } from "../notification/notification.service.js";
import { joinMsg, msg, type Msg } from "../../i18n.js";
import { recordAudit } from "../audit/audit.service.js";

export interface SubmitGoodDeedInput {
  teamId: string;
  squadId?: string | null;
  volunteerId?: string | null;
  shiftId?: string | null;
  category: GoodDeedCategory;
  title: string;
  story: string;
  occurredAt: Date;
  place?: string | null;
}

/** Members of the team, its leaders and the station's officers submit deeds of the team's people. */
export async function submitGoodDeed(viewer: Viewer, input: SubmitGoodDeedInput) {
  const team = await prisma.team.findUnique({ where: { id: input.teamId } });
  if (!team) throw notFound(msg("队伍", "Team"), ["input", "teamId"]);
  assert(viewer, "goodDeed.submit", { stationId: team.stationId, teamId: team.id }, {
    message: msg("仅本队成员或民警可提交", "Only the team's members, leaders and the station's officers submit its good deeds"),
    hide: { what: msg("队伍", "Team"), field: ["input", "teamId"], stationId: team.stationId },
  });
  if (input.occurredAt > clock.now()) throw new UserFacingError("VALIDATION", msg("日期不能晚于今天", "The date is in the future"), ["input", "occurredAt"]);
  if (input.squadId) {
    const squad = await prisma.squad.findUnique({ where: { id: input.squadId }, select: { teamId: true } });
    if (squad?.teamId !== team.id) throw notFound(msg("本队小队", "Squad of this team"), ["input", "squadId"]);
  }
  if (input.volunteerId) {
    const member = await prisma.teamMembership.findUnique({ where: { teamId_volunteerId: { teamId: team.id, volunteerId: input.volunteerId } } });
    if (member?.status !== "ACTIVE") throw notFound(msg("本队义警", "Volunteer of this team"), ["input", "volunteerId"]);
  }
  if (input.shiftId) {
    const shift = await prisma.shift.findUnique({ where: { id: input.shiftId }, select: { teamId: true } });
    if (shift?.teamId !== team.id) throw notFound(msg("本队班次", "Shift of this team"), ["input", "shiftId"]);
  }
  return prisma.goodDeed.create({
    data: {
      stationId: team.stationId,
      teamId: team.id,
      squadId: input.squadId ?? null,
      volunteerId: input.volunteerId ?? null,
      shiftId: input.shiftId ?? null,
      category: input.category,
      title: input.title,
      story: input.story,
      occurredAt: input.occurredAt,
      place: input.place ?? "",
      submittedById: viewer.accountId,
    },
  });
}

async function reviewable(viewer: Viewer, goodDeedId: string) {
  const deed = await prisma.goodDeed.findUnique({ where: { id: goodDeedId } });
  if (!deed) throw notFound(msg("好人好事", "Good deed"), ["input", "goodDeedId"]);
  assert(viewer, "goodDeed.review", { stationId: deed.stationId, volunteerId: deed.volunteerId }, {
    message: msg("仅本所民警可审核（不能审核自己的事迹）", "Only the station's officers review good deeds (never their own)"),
    hide: { what: msg("好人好事", "Good deed"), field: ["input", "goodDeedId"], stationId: deed.stationId },
  });
  return deed;
}

/** Approves a deed into a commendation and awards points to the volunteer (none for collective deeds). */
export async function approveGoodDeed(viewer: Viewer, input: { goodDeedId: string; points?: number | null }, clientAddress: string | null = null) {
  const deed = await reviewable(viewer, input.goodDeedId);
  if (deed.status === "APPROVED") {
    return prisma.goodDeed.findUniqueOrThrow({ where: { id: deed.id } }); // approving twice changes nothing
  }
  if (deed.status !== "SUBMITTED") throw conflict(msg("该事迹已被驳回", "This good deed was rejected"), ["input", "goodDeedId"]);
  const points = deed.volunteerId ? (input.points ?? (await rulesFor(prisma, deed.stationId)).commendationPoints) : 0;
  const now = clock.now();
  const approved = await prisma.$transaction(async (tx) => {
    const { count } = await tx.goodDeed.updateMany({
      where: { id: deed.id, status: "SUBMITTED" },
      data: { status: "APPROVED", reviewedById: viewer.accountId, reviewedAt: now, pointsAwarded: points },
    });
    if (count) {
      await tx.commendation.create({
        data: { goodDeedId: deed.id, stationId: deed.stationId, teamId: deed.teamId, volunteerId: deed.volunteerId, approvedAt: now },
      });
      await tellAboutDeed(tx, viewer, deed, "GOOD_DEED_APPROVED", joinMsg(msg("好人好事已通过：", "Good deed approved: "), deed.title), points > 0 ? msg(`获得 ${points} 积分，已上表扬`, `${points} points, commended`) : msg("已上表扬", "Commended"));
      await recordAudit(tx, { actor: viewer, stationId: deed.stationId, action: "goodDeed.approve", targetType: "GoodDeed", targetId: deed.id, summary: msg(`上表扬，${points} 积分`, `commended, ${points} points`), clientAddress });
      if (deed.volunteerId && points > 0) {
        await tx.pointsEntry.create({
          data: {
            volunteerId: deed.volunteerId,
            stationId: deed.stationId,
            amount: points,
            reason: "COMMENDATION",
            note: deed.title,
            source: `deed:${deed.id}`,
            createdById: viewer.accountId,
          },
        });
      }
    }
    const row = await tx.goodDeed.findUniqueOrThrow({ where: { id: deed.id } });
    // Rejected meanwhile (the update found it no longer SUBMITTED): not approved, and the caller is told.
    if (row.status === "REJECTED") throw conflict(msg("该事迹已被驳回", "This good deed was rejected"), ["input", "goodDeedId"]);
    return row;
  }, TX);
  // "表扬 N 次" on the public board counts this one now.
  pubsub.publish("publicBoardChanged", { stationId: deed.stationId });
  delivered();
  return approved;
}

/** The volunteer the deed is about and whoever submitted it (unless that is the reviewer). */
async function tellAboutDeed(tx: Tx, viewer: Viewer, deed: { id: string; stationId: string; volunteerId: string | null; submittedById: string }, kind: "GOOD_DEED_APPROVED" | "GOOD_DEED_REJECTED", title: Msg, body: Msg) {
  const accounts = new Set((await accountsOf(tx, deed.volunteerId ? [deed.volunteerId] : [])).values());
  if (deed.submittedById !== viewer.accountId) accounts.add(deed.submittedById);
  await notify(tx, [...accounts].map((accountId) => ({ accountId, stationId: deed.stationId, kind, title, body, link: "/points", subject: { type: "GoodDeed", id: deed.id } })));
}

export async function rejectGoodDeed(viewer: Viewer, input: { goodDeedId: string; reason: string }, clientAddress: string | null = null) {
  const deed = await reviewable(viewer, input.goodDeedId);
  if (deed.status === "APPROVED") throw conflict(msg("该事迹已通过", "This good deed is already approved"), ["input", "goodDeedId"]);
  const rejected = await prisma.$transaction(async (tx) => {
    // Under the row's lock: an approval committed meanwhile (with its commendation and points) stays.
    const [current] = await tx.$queryRaw<{ status: string }[]>`SELECT status::text AS status FROM "GoodDeed" WHERE id = ${deed.id}::uuid FOR UPDATE`;
    if (current?.status === "APPROVED") throw conflict(msg("该事迹已通过", "This good deed is already approved"), ["input", "goodDeedId"]);
    const row = await tx.goodDeed.update({
      where: { id: deed.id },
      data: { status: "REJECTED", rejectReason: input.reason, reviewedById: viewer.accountId, reviewedAt: clock.now() },
    });
    await recordAudit(tx, { actor: viewer, stationId: deed.stationId, action: "goodDeed.reject", targetType: "GoodDeed", targetId: deed.id, summary: msg("驳回", "rejected"), clientAddress });
    if (current?.status !== "REJECTED") await tellAboutDeed(tx, viewer, deed, "GOOD_DEED_REJECTED", joinMsg(msg("好人好事未通过：", "Good deed not approved: "), deed.title), joinMsg(msg("原因：", "Reason: "), input.reason));
    return row;
  }, TX);
  delivered();
  return rejected;
}

async function boardManager(viewer: Viewer, teamId: string, field: string[], what = msg("队伍", "Team")) {
  const team = await prisma.team.findUnique({ where: { id: teamId } });
  if (!team) throw notFound(msg("队伍", "Team"), field);
  assert(viewer, "board.publish", { stationId: team.stationId, teamId: team.id }, {
    message: msg("仅队长或民警可发布表扬榜", "Only the team's leaders and the station's officers publish its board"),
    hide: { what, field, stationId: team.stationId },
  });
  return team;
}

export async function publishCommendationBoard(viewer: Viewer, input: { teamId: string; title: string; commendationIds: string[] }) {
  const team = await boardManager(viewer, input.teamId, ["input", "teamId"]);
  const ids = [...new Set(input.commendationIds)];
  const found = await prisma.commendation.findMany({ where: { id: { in: ids }, teamId: team.id }, select: { id: true } });
  const known = new Set(found.map((c) => c.id));
  const missing = input.commendationIds.findIndex((id) => !known.has(id));
  if (missing >= 0) throw notFound(msg("本队的表扬", "Commendation of this team"), ["input", "commendationIds", String(missing)]);
  const edition = await prisma.$transaction(async (tx) => {
    const e = await tx.boardEdition.create({
      data: {
        stationId: team.stationId,
        teamId: team.id,
        title: input.title,
        publishedById: viewer.accountId,
        publishedAt: clock.now(),
        entries: { create: ids.map((commendationId, position) => ({ commendationId, position })) },
      },
    });
    // 榜上有你: everyone commended on it.
    const people = await tx.commendation.findMany({ where: { id: { in: ids }, volunteerId: { not: null } }, select: { volunteerId: true } });
    const accounts = await accountsOf(tx, [...new Set(people.map((p) => p.volunteerId!))]);
    await notify(tx, [...accounts.values()].map((accountId) => ({ accountId, stationId: team.stationId, kind: "BOARD_PUBLISHED" as const, title: joinMsg(msg("表扬榜发布：", "Board published: "), input.title), body: msg("榜上有你，感谢付出！", "You are on it. Thank you!"), link: `/board/${encodeGlobalID("Station", team.stationId)}`, subject: { type: "CommendationBoardEdition", id: e.id } })));
    return e;
  }, TX);
  delivered();
  pubsub.publish("publicBoardChanged", { stationId: team.stationId }); // before the board's own event, which makes screens reload
  pubsub.publish("commendationBoardUpdated", team.stationId, { stationId: team.stationId, editionId: edition.id });
  return edition;
}

export async function withdrawCommendationBoard(viewer: Viewer, input: { editionId: string }) {
  const edition = await prisma.boardEdition.findUnique({ where: { id: input.editionId } });
  if (!edition) throw notFound(msg("表扬榜期次", "Board edition"), ["input", "editionId"]);
  await boardManager(viewer, edition.teamId, ["input", "editionId"], msg("表扬榜期次", "Board edition"));
  if (edition.withdrawnAt) return edition;
  const updated = await prisma.boardEdition.update({
    where: { id: edition.id },
    data: { withdrawnAt: clock.now(), withdrawnById: viewer.accountId },
  });
  pubsub.publish("publicBoardChanged", { stationId: edition.stationId }); // before the board's own event, which makes screens reload
  pubsub.publish("commendationBoardUpdated", edition.stationId, { stationId: edition.stationId, editionId: edition.id });
  return updated;
}
