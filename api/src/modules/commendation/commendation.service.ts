// 好人好事 → 表扬 → 表扬榜. Each step records who and when; points follow approval in the same transaction.
import type { Viewer } from "../../auth/viewer.js";
import { can } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { prisma, TX } from "../../db.js";
import type { GoodDeedCategory } from "../../generated/prisma/client.js";
import { conflict, forbidden, notFound, UserFacingError } from "../../graphql/errors.js";
import { pubsub } from "../../pubsub.js";
import { rulesFor } from "../points/points.service.js";

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
  if (!team) throw notFound("Team", ["input", "teamId"]);
  if (!can.officerOf(viewer, team.stationId) && !viewer.teams.has(team.id)) {
    throw forbidden("Only the team's members, leaders and the station's officers submit its good deeds / 仅本队成员或民警可提交");
  }
  if (input.occurredAt > clock.now()) throw new UserFacingError("VALIDATION", "The date is in the future / 日期不能晚于今天", ["input", "occurredAt"]);
  if (input.squadId) {
    const squad = await prisma.squad.findUnique({ where: { id: input.squadId }, select: { teamId: true } });
    if (squad?.teamId !== team.id) throw notFound("Squad of this team", ["input", "squadId"]);
  }
  if (input.volunteerId) {
    const member = await prisma.teamMembership.findUnique({ where: { teamId_volunteerId: { teamId: team.id, volunteerId: input.volunteerId } } });
    if (!member) throw notFound("Volunteer of this team", ["input", "volunteerId"]);
  }
  if (input.shiftId) {
    const shift = await prisma.shift.findUnique({ where: { id: input.shiftId }, select: { teamId: true } });
    if (shift?.teamId !== team.id) throw notFound("Shift of this team", ["input", "shiftId"]);
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
  if (!deed) throw notFound("Good deed", ["input", "goodDeedId"]);
  if (!can.officerOf(viewer, deed.stationId)) throw forbidden("Only the station's officers review good deeds / 仅本所民警可审核");
  return deed;
}

/** Approves a deed into a commendation and awards points to the volunteer (none for collective deeds). */
export async function approveGoodDeed(viewer: Viewer, input: { goodDeedId: string; points?: number | null }) {
  const deed = await reviewable(viewer, input.goodDeedId);
  if (deed.status === "APPROVED") {
    return prisma.goodDeed.findUniqueOrThrow({ where: { id: deed.id } }); // approving twice changes nothing
  }
  if (deed.status !== "SUBMITTED") throw conflict("This good deed was rejected / 该事迹已被驳回", ["input", "goodDeedId"]);
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
    return tx.goodDeed.findUniqueOrThrow({ where: { id: deed.id } });
  }, TX);
  // "表扬 N 次" on the public board counts this one now.
  pubsub.publish("publicBoardChanged", { stationId: deed.stationId });
  return approved;
}

export async function rejectGoodDeed(viewer: Viewer, input: { goodDeedId: string; reason: string }) {
  const deed = await reviewable(viewer, input.goodDeedId);
  if (deed.status === "APPROVED") throw conflict("This good deed is already approved / 该事迹已通过", ["input", "goodDeedId"]);
  return prisma.goodDeed.update({
    where: { id: deed.id },
    data: { status: "REJECTED", rejectReason: input.reason, reviewedById: viewer.accountId, reviewedAt: clock.now() },
  });
}

async function boardManager(viewer: Viewer, teamId: string, field: string[]) {
  const team = await prisma.team.findUnique({ where: { id: teamId } });
  if (!team) throw notFound("Team", field);
  if (!can.manageTeam(viewer, team)) throw forbidden("Only the team's leaders and the station's officers publish its board / 仅队长或民警可发布表扬榜");
  return team;
}

export async function publishCommendationBoard(viewer: Viewer, input: { teamId: string; title: string; commendationIds: string[] }) {
  const team = await boardManager(viewer, input.teamId, ["input", "teamId"]);
  const ids = [...new Set(input.commendationIds)];
  const found = await prisma.commendation.findMany({ where: { id: { in: ids }, teamId: team.id }, select: { id: true } });
  const known = new Set(found.map((c) => c.id));
  const missing = input.commendationIds.findIndex((id) => !known.has(id));
  if (missing >= 0) throw notFound("Commendation of this team", ["input", "commendationIds", String(missing)]);
  const edition = await prisma.boardEdition.create({
    data: {
      stationId: team.stationId,
      teamId: team.id,
      title: input.title,
      publishedById: viewer.accountId,
      publishedAt: clock.now(),
      entries: { create: ids.map((commendationId, position) => ({ commendationId, position })) },
    },
  });
  pubsub.publish("publicBoardChanged", { stationId: team.stationId }); // before the board's own event, which makes screens reload
  pubsub.publish("commendationBoardUpdated", team.stationId, { stationId: team.stationId, editionId: edition.id });
  return edition;
}

export async function withdrawCommendationBoard(viewer: Viewer, input: { editionId: string }) {
  const edition = await prisma.boardEdition.findUnique({ where: { id: input.editionId } });
  if (!edition) throw notFound("Board edition", ["input", "editionId"]);
  await boardManager(viewer, edition.teamId, ["input", "editionId"]);
  if (edition.withdrawnAt) return edition;
  const updated = await prisma.boardEdition.update({
    where: { id: edition.id },
    data: { withdrawnAt: clock.now(), withdrawnById: viewer.accountId },
  });
  pubsub.publish("publicBoardChanged", { stationId: edition.stationId }); // before the board's own event, which makes screens reload
  pubsub.publish("commendationBoardUpdated", edition.stationId, { stationId: edition.stationId, editionId: edition.id });
  return updated;
}
