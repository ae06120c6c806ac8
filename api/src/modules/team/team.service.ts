// Writes for teams, squads and memberships. Every function checks the viewer's rights itself.
import type { Viewer } from "../../auth/viewer.js";
import { can } from "../../auth/viewer.js";
import { prisma } from "../../db.js";
import type { MemberRole, Specialty } from "../../generated/prisma/client.js";
import { conflict, forbidden, isUniqueViolation, notFound } from "../../graphql/errors.js";
import { pubsub } from "../../pubsub.js";

/** Called after a write has committed. */
function changed<T>(teamId: string, result: T): T {
  pubsub.publish("teamUpdated", teamId, { teamId });
  return result;
}

async function loadTeam(teamId: string, field = ["input", "teamId"]) {
  const team = await prisma.team.findUnique({ where: { id: teamId } });
  if (!team) throw notFound("Team", field);
  return team;
}

async function loadSquad(squadId: string) {
  const squad = await prisma.squad.findUnique({ where: { id: squadId }, include: { team: { select: { stationId: true } } } });
  if (!squad) throw notFound("Squad", ["input", "squadId"]);
  return squad;
}

async function requireVolunteer(volunteerId: string) {
  const v = await prisma.volunteer.findUnique({ where: { id: volunteerId }, select: { id: true, status: true } });
  if (!v) throw notFound("Volunteer", ["input", "volunteerId"]);
  return v;
}

function duplicateName<T>(p: Promise<T>, what: string): Promise<T> {
  return p.catch((e) => {
    if (isUniqueViolation(e)) throw conflict(`A ${what} with this name already exists / 名称已存在`, ["input", "name"]);
    throw e;
  });
}

export async function createTeam(viewer: Viewer, input: { stationId: string; name: string; description?: string | null }) {
  const station = await prisma.station.findUnique({ where: { id: input.stationId }, select: { id: true } });
  if (!station) throw notFound("Station", ["input", "stationId"]);
  if (!can.officerOf(viewer, station.id)) throw forbidden("Only the station's officers create teams / 仅本所民警可创建队伍");
  return duplicateName(
    prisma.team.create({ data: { stationId: station.id, name: input.name, description: input.description ?? "" } }),
    "team",
  );
}

export async function updateTeam(viewer: Viewer, input: { teamId: string; name?: string | null; description?: string | null }) {
  const team = await loadTeam(input.teamId);
  if (!can.manageTeam(viewer, team)) throw forbidden();
  const updated = await duplicateName(
    prisma.team.update({
      where: { id: team.id },
      data: { name: input.name ?? undefined, description: input.description ?? undefined },
    }),
    "team",
  );
  if (input.name != null) pubsub.publish("publicBoardChanged", { stationId: team.stationId }); // the board shows team names
  return changed(team.id, updated);
}

export async function createSquad(
  viewer: Viewer,
  input: { teamId: string; name: string; specialty: Specialty; description?: string | null },
) {
  const team = await loadTeam(input.teamId);
  if (!can.manageTeam(viewer, team)) throw forbidden();
  const squad = await duplicateName(
    prisma.squad.create({
      data: { teamId: team.id, name: input.name, specialty: input.specialty, description: input.description ?? "" },
    }),
    "squad",
  );
  return changed(team.id, squad);
}

export async function updateSquad(
  viewer: Viewer,
  input: { squadId: string; name?: string | null; specialty?: Specialty | null; description?: string | null },
) {
  const squad = await loadSquad(input.squadId);
  if (!can.manageSquad(viewer, squad, squad.team.stationId)) throw forbidden();
  const updated = await duplicateName(
    prisma.squad.update({
      where: { id: squad.id },
      data: { name: input.name ?? undefined, specialty: input.specialty ?? undefined, description: input.description ?? undefined },
    }),
    "squad",
  );
  if (input.name != null) pubsub.publish("publicBoardChanged", { stationId: squad.team.stationId }); // and squad names
  return changed(squad.teamId, updated);
}

export async function addTeamMember(viewer: Viewer, input: { teamId: string; volunteerId: string; role: MemberRole }) {
  const team = await loadTeam(input.teamId);
  if (!can.manageTeam(viewer, team)) throw forbidden();
  if (input.role === "LEADER" && !can.officerOf(viewer, team.stationId)) {
    throw forbidden("Only officers appoint team leaders / 仅民警可任命队长");
  }
  await requireVolunteer(input.volunteerId);
  // Adding someone who is already a member changes nothing but the role: idempotent.
  const membership = await prisma.teamMembership.upsert({
    where: { teamId_volunteerId: { teamId: team.id, volunteerId: input.volunteerId } },
    create: { teamId: team.id, volunteerId: input.volunteerId, role: input.role },
    update: { role: input.role },
  });
  return changed(team.id, membership);
}

export async function removeTeamMember(viewer: Viewer, input: { teamId: string; volunteerId: string }) {
  const team = await loadTeam(input.teamId);
  if (!can.manageTeam(viewer, team)) throw forbidden();
  const membership = await prisma.teamMembership.findUnique({
    where: { teamId_volunteerId: { teamId: team.id, volunteerId: input.volunteerId } },
  });
  if (!membership) throw notFound("Membership", ["input", "volunteerId"]);
  if (membership.role === "LEADER" && !can.officerOf(viewer, team.stationId)) {
    throw forbidden("Only officers remove a team leader / 仅民警可移除队长");
  }
  // Leaving a team also leaves its squads.
  await prisma.$transaction([
    prisma.squadMembership.deleteMany({ where: { volunteerId: input.volunteerId, squad: { teamId: team.id } } }),
    prisma.teamMembership.delete({ where: { id: membership.id } }),
  ]);
  return changed(team.id, team);
}

export async function addSquadMember(viewer: Viewer, input: { squadId: string; volunteerId: string }) {
  const squad = await loadSquad(input.squadId);
  if (!can.manageSquad(viewer, squad, squad.team.stationId)) throw forbidden();
  await requireVolunteer(input.volunteerId);
  const inTeam = await prisma.teamMembership.findUnique({
    where: { teamId_volunteerId: { teamId: squad.teamId, volunteerId: input.volunteerId } },
  });
  if (!inTeam) throw conflict("The volunteer must first join the squad's team / 请先加入该小队所属队伍", ["input", "volunteerId"]);
  const membership = await prisma.squadMembership.upsert({
    where: { squadId_volunteerId: { squadId: squad.id, volunteerId: input.volunteerId } },
    create: { squadId: squad.id, volunteerId: input.volunteerId },
    update: {},
  });
  return changed(squad.teamId, membership);
}

export async function removeSquadMember(viewer: Viewer, input: { squadId: string; volunteerId: string }) {
  const squad = await loadSquad(input.squadId);
  if (!can.manageSquad(viewer, squad, squad.team.stationId)) throw forbidden();
  const { count } = await prisma.squadMembership.deleteMany({ where: { squadId: squad.id, volunteerId: input.volunteerId } });
  if (!count) throw notFound("Membership", ["input", "volunteerId"]);
  return changed(squad.teamId, squad);
}

/** One leader per squad: the new leader joins the squad if needed, the previous one becomes a member. */
export async function setSquadLeader(viewer: Viewer, input: { squadId: string; volunteerId: string }) {
  const squad = await loadSquad(input.squadId);
  if (!can.officerOf(viewer, squad.team.stationId) && !can.leadTeam(viewer, squad.teamId)) {
    throw forbidden("Only officers and the team's leaders set squad leaders / 仅民警或队长可设置小队长");
  }
  await requireVolunteer(input.volunteerId);
  const inTeam = await prisma.teamMembership.findUnique({
    where: { teamId_volunteerId: { teamId: squad.teamId, volunteerId: input.volunteerId } },
  });
  if (!inTeam) throw conflict("The volunteer must first join the squad's team / 请先加入该小队所属队伍", ["input", "volunteerId"]);
  const [, membership] = await prisma.$transaction([
    prisma.squadMembership.updateMany({
      where: { squadId: squad.id, role: "LEADER", volunteerId: { not: input.volunteerId } },
      data: { role: "MEMBER" },
    }),
    prisma.squadMembership.upsert({
      where: { squadId_volunteerId: { squadId: squad.id, volunteerId: input.volunteerId } },
      create: { squadId: squad.id, volunteerId: input.volunteerId, role: "LEADER" },
      update: { role: "LEADER" },
    }),
  ]);
  return changed(squad.teamId, membership);
}

