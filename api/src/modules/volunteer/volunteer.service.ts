import type { Viewer } from "../../auth/viewer.js";
import { can } from "../../auth/viewer.js";
import { hashPassword } from "../../auth/passwords.js";
import { prisma } from "../../db.js";
import type { Specialty } from "../../generated/prisma/client.js";
import { conflict, forbidden, isUniqueViolation, notFound } from "../../graphql/errors.js";
import { pubsub } from "../../pubsub.js";

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
  initialPassword?: string | null;
}

/** An officer registers a resident as a volunteer of one of the station's teams (and squads). */
export async function registerVolunteer(viewer: Viewer, input: RegisterVolunteerInput) {
  const team = await prisma.team.findUnique({ where: { id: input.teamId }, include: { squads: { select: { id: true } } } });
  if (!team) throw notFound("Team", ["input", "teamId"]);
  if (!can.officerOf(viewer, team.stationId)) throw forbidden("Only the station's officers register volunteers / 仅本所民警可登记义警");
  const squadIds = [...new Set(input.squadIds)];
  const teamSquads = new Set(team.squads.map((s) => s.id));
  const stray = squadIds.findIndex((id) => !teamSquads.has(id));
  if (stray >= 0) throw notFound("Squad of this team", ["input", "squadIds", String(stray)]);
  if (input.partnerId) {
    const partner = await prisma.partner.findUnique({ where: { id: input.partnerId }, select: { stationId: true } });
    if (!partner || partner.stationId !== team.stationId) throw notFound("Partner", ["input", "partnerId"]);
  }
  const passwordHash = input.initialPassword ? await hashPassword(input.initialPassword) : null;
  try {
    return await prisma.$transaction(async (tx) => {
      const volunteer = await tx.volunteer.create({
        data: {
          name: input.name,
          displayName: input.displayName || input.name,
          phone: input.phone,
          idNumber: input.idNumber || null,
          specialties: [...new Set(input.specialties)],
          skills: input.skills,
          partnerId: input.partnerId ?? null,
          teams: { create: { teamId: team.id } },
          squads: { create: squadIds.map((squadId) => ({ squadId })) },
        },
      });
      if (passwordHash) {
        // An account may exist for the phone already (e.g. a partner admin who now volunteers).
        const existing = await tx.account.findUnique({ where: { phone: input.phone } });
        if (existing?.volunteerId) throw conflict("This phone already belongs to a volunteer / 该手机号已登记", ["input", "phone"]);
        if (existing) await tx.account.update({ where: { id: existing.id }, data: { volunteerId: volunteer.id } });
        else await tx.account.create({ data: { phone: input.phone, passwordHash, volunteerId: volunteer.id } });
      }
      return volunteer;
    });
  } catch (e) {
    if (isUniqueViolation(e)) throw conflict("This phone already belongs to a volunteer / 该手机号已登记", ["input", "phone"]);
    throw e;
  }
}

export async function updateMyPrivacy(viewer: Viewer, input: { publicRanking?: boolean | null; showLegalNameOnBoard?: boolean | null }) {
  if (!viewer.volunteerId) throw forbidden("Only volunteers have these settings / 仅义警可设置");
  const updated = await prisma.volunteer.update({
    where: { id: viewer.volunteerId },
    data: { publicRanking: input.publicRanking ?? undefined, showLegalNameOnBoard: input.showLegalNameOnBoard ?? undefined },
  });
  if (input.showLegalNameOnBoard != null) {
    // The boards that show this volunteer show the name differently now.
    const boards = await prisma.commendation.findMany({ where: { volunteerId: viewer.volunteerId }, distinct: ["stationId"], select: { stationId: true } });
    for (const { stationId } of boards) pubsub.publish("publicBoardChanged", { stationId });
  }
  return updated;
}
