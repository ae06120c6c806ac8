// Writes for teams, squads and memberships. Each asks the access policy with facts from the rows.
import { assert } from "../../auth/policy.js";
import type { Viewer } from "../../auth/viewer.js";
import { prisma, TX } from "../../db.js";
import type { MemberRole, Specialty } from "../../generated/prisma/client.js";
import { conflict, isUniqueViolation, notFound } from "../../graphql/errors.js";
import { joinMsg, msg } from "../../i18n.js";
import { pubsub } from "../../pubsub.js";
import { announceRevocation } from "../../auth/sessions.js";
import { delivered, notifyVolunteers } from "../notification/notification.service.js";
import { holdForJoining, holdForLeaving, holdForSquads, recordDeparture, visiblePerson } from "../volunteer/volunteer.service.js";
import { recordAudit } from "../audit/audit.service.js";
import { committed, releaseSeatsOnLeaving } from "../shift/shift.service.js";

const ROLE = { MEMBER: msg("队员", "member"), LEADER: msg("队长", "leader") } as const;

const TEAM = msg("队伍", "Team");
const SQUAD = msg("小队", "Squad");
const STATION = msg("派出所", "Station");

/** Called after a write has committed. */
function changed<T>(teamId: string, result: T): T {
  pubsub.publish("teamUpdated", teamId, { teamId });
  return result;
}

/**
 * A volunteer's rights changed (a role, or a membership that grants team or squad rights): their open
 * WebSockets reconnect to get the new rights. HTTP requests read rights afresh anyway.
 */
async function rightsChanged(volunteerId: string) {
  const account = await prisma.account.findUnique({ where: { volunteerId }, select: { id: true } });
  if (account) announceRevocation(account.id, "ROLE_CHANGED");
}

/** The team, or NOT_FOUND when it does not exist or the viewer cannot see its station. */
async function loadTeam(viewer: Viewer, teamId: string, field = ["input", "teamId"]) {
  const team = await prisma.team.findUnique({ where: { id: teamId } });
  if (!team) throw notFound(TEAM, field);
  return { team, facts: { stationId: team.stationId, teamId: team.id }, hide: { what: TEAM, field, stationId: team.stationId } };
}

async function loadSquad(squadId: string) {
  const squad = await prisma.squad.findUnique({ where: { id: squadId }, include: { team: { select: { stationId: true } } } });
  if (!squad) throw notFound(SQUAD, ["input", "squadId"]);
  return {
    squad,
    facts: { stationId: squad.team.stationId, teamId: squad.teamId, squadId: squad.id },
    hide: { what: SQUAD, field: ["input", "squadId"], stationId: squad.team.stationId },
  };
}

function duplicateName<T>(p: Promise<T>): Promise<T> {
  return p.catch((e) => {
    if (isUniqueViolation(e)) throw conflict(msg("名称已存在", "This name is taken"), ["input", "name"]);
    throw e;
  });
}

export async function createTeam(viewer: Viewer, input: { stationId: string; name: string; description?: string | null }) {
  const station = await prisma.station.findUnique({ where: { id: input.stationId }, select: { id: true } });
  if (!station) throw notFound(STATION, ["input", "stationId"]);
  assert(viewer, "team.create", { stationId: station.id }, {
    message: msg("仅本所民警可创建队伍", "Only the station's officers create teams"),
    hide: { what: STATION, field: ["input", "stationId"], stationId: station.id },
  });
  return duplicateName(prisma.team.create({ data: { stationId: station.id, name: input.name, description: input.description ?? "" } }));
}

export async function updateTeam(viewer: Viewer, input: { teamId: string; name?: string | null; description?: string | null }) {
  const { team, facts, hide } = await loadTeam(viewer, input.teamId);
  assert(viewer, "team.update", facts, { hide });
  const updated = await duplicateName(
    prisma.team.update({ where: { id: team.id }, data: { name: input.name ?? undefined, description: input.description ?? undefined } }),
  );
  if (input.name != null) pubsub.publish("publicBoardChanged", { stationId: team.stationId }); // the board shows team names
  return changed(team.id, updated);
}

export async function createSquad(viewer: Viewer, input: { teamId: string; name: string; specialty: Specialty; description?: string | null }) {
  const { team, facts, hide } = await loadTeam(viewer, input.teamId);
  assert(viewer, "squad.create", facts, { hide });
  const squad = await duplicateName(
    prisma.squad.create({ data: { teamId: team.id, name: input.name, specialty: input.specialty, description: input.description ?? "" } }),
  );
  return changed(team.id, squad);
}

export async function updateSquad(
  viewer: Viewer,
  input: { squadId: string; name?: string | null; specialty?: Specialty | null; description?: string | null },
) {
  const { squad, facts, hide } = await loadSquad(input.squadId);
  assert(viewer, "squad.update", facts, { hide });
  const updated = await duplicateName(
    prisma.squad.update({
      where: { id: squad.id },
      data: { name: input.name ?? undefined, specialty: input.specialty ?? undefined, description: input.description ?? undefined },
    }),
  );
  if (input.name != null) pubsub.publish("publicBoardChanged", { stationId: squad.team.stationId }); // and squad names
  return changed(squad.teamId, updated);
}

/**
 * Adds one of the station's people to a team. Leaders add members; only officers set or change a
 * role. Someone who belongs to no team of the station joins only through a registration they accept.
 */
export async function addTeamMember(viewer: Viewer, input: { teamId: string; volunteerId: string; role: MemberRole }, clientAddress: string | null = null) {
  const { team, facts, hide } = await loadTeam(viewer, input.teamId);
  assert(viewer, "team.update", facts, { hide });
  const person = await visiblePerson(viewer, input.volunteerId, ["input", "volunteerId"]);
  assert(viewer, "team.addMember", { team: facts, person }, {
    message: msg("仅民警可把本所义警加入队伍；其他人请通过登记邀请加入", "Only officers add the station's volunteers to a team; register others so they can accept"),
  });
  const existing = await prisma.teamMembership.findUnique({ where: { teamId_volunteerId: { teamId: team.id, volunteerId: input.volunteerId } } });
  if (existing?.status === "PENDING") throw conflict(msg("该义警已申请加入本队，请在“待审核”中处理", "This volunteer has asked to join: decide under Pending"), ["input", "volunteerId"]);
  if (existing?.status === "SUSPENDED") throw conflict(msg("该义警在本所已暂停，请先恢复其状态", "This volunteer is suspended at this station: restore them first"), ["input", "volunteerId"]);
  // Someone who left this team but is still in another of the station's teams comes back as a member.
  const current = existing?.status === "LEFT" ? null : existing;
  if ((current ? current.role : "MEMBER") !== input.role) {
    assert(viewer, "team.setRole", facts, { message: msg("仅民警可任免队长", "Only officers appoint or remove team leaders") });
  }
  // Adding someone who is already a member with the same role changes nothing: idempotent.
  const membership =
    current && current.role === input.role
      ? current
      : await prisma.$transaction(async (tx) => {
          // The person first, as every join and ending takes them: still in one of the station's teams under that lock
          // (a 状态 LEFT of the same moment wins or waits), and, being in one, no departure date (holdForJoining).
          await holdForJoining(tx, input.volunteerId);
          if (!(await tx.teamMembership.count({ where: { volunteerId: input.volunteerId, status: "ACTIVE", team: { stationId: team.stationId } } }))) {
            throw conflict(msg("该义警已不在本所的队伍中，请通过登记邀请加入", "This volunteer is no longer in a team of the station: register them so they can accept"), ["input", "volunteerId"]);
          }
          const m = current
            ? await tx.teamMembership.update({ where: { id: current.id }, data: { role: input.role } })
            : existing
              ? await tx.teamMembership.update({ where: { id: existing.id }, data: { status: "ACTIVE", role: input.role, statusReason: null, statusChangedAt: new Date() } })
              : await tx.teamMembership.create({ data: { teamId: team.id, volunteerId: input.volunteerId, role: input.role } });
          await recordAudit(tx, {
            actor: viewer,
            stationId: team.stationId,
            action: current ? "team.setRole" : "team.addMember",
            targetType: "TeamMembership",
            targetId: m.id,
            summary: current
              ? joinMsg(msg(`义警 ${input.volunteerId} 在队伍 ${team.id} 的角色：`, `volunteer ${input.volunteerId} in team ${team.id}: `), ROLE[current.role], " → ", ROLE[input.role])
              : joinMsg(msg(`义警 ${input.volunteerId} 加入队伍 ${team.id}，角色：`, `volunteer ${input.volunteerId} joined team ${team.id} as `), ROLE[input.role]),
            clientAddress,
          });
          if (!current) await notifyVolunteers(tx, [input.volunteerId], { stationId: team.stationId, kind: "MEMBERSHIP_APPROVED", title: joinMsg(msg("已加入队伍：", "Joined the team "), team.name), link: "/shifts", subject: { type: "Team", id: team.id } });
          return m;
        }, TX);
  if (!current) delivered();
  if (membership !== current) await rightsChanged(input.volunteerId);
  return changed(team.id, membership);
}

const ALREADY_LEFT = () => conflict(msg("该义警已退出本队", "This volunteer has already left the team"), ["input", "volunteerId"]);

export async function removeTeamMember(viewer: Viewer, input: { teamId: string; volunteerId: string }, clientAddress: string | null = null) {
  const { team, facts, hide } = await loadTeam(viewer, input.teamId);
  assert(viewer, "team.update", facts, { hide });
  const membership = await prisma.teamMembership.findUnique({ where: { teamId_volunteerId: { teamId: team.id, volunteerId: input.volunteerId } } });
  if (!membership) throw notFound(msg("成员关系", "Membership"), ["input", "volunteerId"]);
  if (membership.status === "LEFT") throw ALREADY_LEFT();
  const leadsSquad = !!(await prisma.squadMembership.findFirst({ where: { volunteerId: input.volunteerId, role: "LEADER", squad: { teamId: team.id } }, select: { id: true } }));
  assert(viewer, "team.removeMember", { ...facts, role: membership.role, leadsSquad }, { message: msg("仅民警可移除队长或小队长", "Only officers remove a team or squad leader") });
  // Leaving a team also leaves its squads. Removing an application not yet decided (PENDING) ends it as a
  // rejection does (rejectMembership): the applicant is told, in the same transaction.
  const notified = await committed(async (tx, out) => {
    await holdForLeaving(tx, input.volunteerId);
    // Read again under the person's lock: a 状态 LEFT or a removal of the same moment has committed or waits. A
    // membership that has ended is not ended again: that recorded a new departure date (recordDeparture), and the
    // 180 days before their ID number is erased started over.
    const current = await tx.teamMembership.findUnique({ where: { id: membership.id }, select: { status: true } });
    if (!current) throw notFound(msg("成员关系", "Membership"), ["input", "volunteerId"]);
    if (current.status === "LEFT") throw ALREADY_LEFT();
    const squads = await tx.squadMembership.deleteMany({ where: { volunteerId: input.volunteerId, squad: { teamId: team.id } } });
    await tx.teamMembership.delete({ where: { id: membership.id } });
    const released = await releaseSeatsOnLeaving(tx, out, input.volunteerId, { teamId: team.id });
    await recordDeparture(tx, [input.volunteerId]);
    await recordAudit(tx, {
      actor: viewer,
      stationId: team.stationId,
      action: "team.removeMember",
      targetType: "TeamMembership",
      targetId: membership.id,
      summary: joinMsg(msg(`义警 ${input.volunteerId} 移出队伍 ${team.id}（原角色：`, `volunteer ${input.volunteerId} left team ${team.id} (was `), ROLE[membership.role], msg(`），同时退出小队 ${squads.count} 个，释放未开始班次名额 ${released} 个`, `), and ${squads.count} of its squads; ${released} seats on shifts not yet started released`)),
      clientAddress,
    });
    if (current.status !== "PENDING") return false;
    const told = await notifyVolunteers(tx, [input.volunteerId], {
      stationId: team.stationId,
      kind: "MEMBERSHIP_REJECTED",
      title: msg(`您加入${team.name}的申请未通过`, `Your request to join ${team.name} was not approved`),
      body: msg("队长或民警已撤下您的入队申请。", "A leader or officer withdrew your application."),
      link: "/",
      subject: { type: "Team", id: team.id },
    });
    return told > 0;
  });
  if (notified) delivered();
  await rightsChanged(input.volunteerId);
  return changed(team.id, team);
}

const NOT_IN_TEAM = (field: string[]) => conflict(msg("请先加入该小队所属队伍", "The volunteer must first join the squad's team"), field);

export async function addSquadMember(viewer: Viewer, input: { squadId: string; volunteerId: string }, clientAddress: string | null = null) {
  const { squad, facts, hide } = await loadSquad(input.squadId);
  assert(viewer, "squad.update", facts, { hide });
  const person = await visiblePerson(viewer, input.volunteerId, ["input", "volunteerId"]);
  if (!person.teamIds.includes(squad.teamId)) {
    throw NOT_IN_TEAM(["input", "volunteerId"]);
  }
  assert(viewer, "squad.addMember", { squad: facts, person });
  const membership = await prisma.$transaction(async (tx) => {
    // Still in the squad's team, read under the person's lock: a leaving of the same moment wins or waits.
    if ((await holdForSquads(tx, [input.volunteerId])).get(input.volunteerId)!.get(squad.teamId) !== "ACTIVE") throw NOT_IN_TEAM(["input", "volunteerId"]);
    const before = await tx.squadMembership.findUnique({ where: { squadId_volunteerId: { squadId: squad.id, volunteerId: input.volunteerId } } });
    if (before) return { membership: before, added: false }; // already in the squad: nothing changes, nothing to record
    const m = await tx.squadMembership.create({ data: { squadId: squad.id, volunteerId: input.volunteerId } });
    await recordAudit(tx, { actor: viewer, stationId: squad.team.stationId, action: "squad.addMember", targetType: "SquadMembership", targetId: m.id, summary: msg(`加入小队「${squad.name}」`, `joined squad ${squad.name}`), clientAddress });
    await notifyVolunteers(tx, [input.volunteerId], { stationId: facts.stationId, kind: "MEMBERSHIP_APPROVED", title: joinMsg(msg("已加入小队：", "Joined the squad "), squad.name), link: "/shifts", subject: { type: "Squad", id: squad.id } });
    return { membership: m, added: true };
  }, TX);
  if (membership.added) delivered();
  await rightsChanged(input.volunteerId);
  return changed(squad.teamId, membership.membership);
}

export async function removeSquadMember(viewer: Viewer, input: { squadId: string; volunteerId: string }, clientAddress: string | null = null) {
  const { squad, facts, hide } = await loadSquad(input.squadId);
  assert(viewer, "squad.update", facts, { hide });
  const membership = await prisma.squadMembership.findUnique({ where: { squadId_volunteerId: { squadId: squad.id, volunteerId: input.volunteerId } } });
  if (!membership) throw notFound(msg("成员关系", "Membership"), ["input", "volunteerId"]);
  assert(viewer, "squad.removeMember", { ...facts, role: membership.role }, { message: msg("仅民警可移除小队长", "Only officers remove a squad leader") });
  await committed(async (tx, out) => {
    await holdForLeaving(tx, input.volunteerId);
    await tx.squadMembership.delete({ where: { id: membership.id } });
    const released = await releaseSeatsOnLeaving(tx, out, input.volunteerId, { squadId: squad.id });
    await recordDeparture(tx, [input.volunteerId]);
    await recordAudit(tx, {
      actor: viewer,
      stationId: squad.team.stationId,
      action: "squad.removeMember",
      targetType: "SquadMembership",
      targetId: membership.id,
      summary: joinMsg(msg(`义警 ${input.volunteerId} 移出小队 ${squad.id}（原角色：`, `volunteer ${input.volunteerId} left squad ${squad.id} (was `), ROLE[membership.role], msg(`），释放未开始班次名额 ${released} 个`, `); ${released} seats on shifts not yet started released`)),
      clientAddress,
    });
  });
  await rightsChanged(input.volunteerId);
  return changed(squad.teamId, squad);
}

/** One leader per squad, set by officers: the new leader joins the squad if needed, the previous one becomes a member. */
export async function setSquadLeader(viewer: Viewer, input: { squadId: string; volunteerId: string }, clientAddress: string | null = null) {
  const { squad, facts, hide } = await loadSquad(input.squadId);
  assert(viewer, "squad.setLeader", facts, { message: msg("仅民警可任命小队长", "Only officers appoint squad leaders"), hide });
  const person = await visiblePerson(viewer, input.volunteerId, ["input", "volunteerId"]);
  if (!person.teamIds.includes(squad.teamId)) {
    throw NOT_IN_TEAM(["input", "volunteerId"]);
  }
  const previous = await prisma.squadMembership.findMany({ where: { squadId: squad.id, role: "LEADER", volunteerId: { not: input.volunteerId } }, select: { volunteerId: true } });
  const membership = await prisma.$transaction(async (tx) => {
    if ((await holdForSquads(tx, [input.volunteerId])).get(input.volunteerId)!.get(squad.teamId) !== "ACTIVE") throw NOT_IN_TEAM(["input", "volunteerId"]);
    await tx.squadMembership.updateMany({ where: { squadId: squad.id, role: "LEADER", volunteerId: { not: input.volunteerId } }, data: { role: "MEMBER" } });
    const m = await tx.squadMembership.upsert({
      where: { squadId_volunteerId: { squadId: squad.id, volunteerId: input.volunteerId } },
      create: { squadId: squad.id, volunteerId: input.volunteerId, role: "LEADER" },
      update: { role: "LEADER" },
    });
    const before = previous.map((p) => p.volunteerId).join(", ") || msg("无", "none");
    await recordAudit(tx, {
      actor: viewer,
      stationId: squad.team.stationId,
      action: "squad.setLeader",
      targetType: "SquadMembership",
      targetId: m.id,
      summary: joinMsg(msg(`小队 ${squad.id} 的小队长：义警 ${input.volunteerId}（原小队长：`, `squad ${squad.id} is led by volunteer ${input.volunteerId} (before: `), before, msg("）", ")")),
      clientAddress,
    });
    return m;
  }, TX);
  for (const v of [input.volunteerId, ...previous.map((p) => p.volunteerId)]) await rightsChanged(v);
  return changed(squad.teamId, membership);
}
