// 队员名册: a station's volunteers, searched by name or the last digits of a phone, filtered by team,
// squad, specialty and standing; their squads, specialties and standing edited by officers (audited);
// the list exported as .xlsx (audited).
//
// Standing is per station: SUSPENDED and LEFT apply to all of the person's memberships of the
// station's teams at once (a person suspended by one station keeps their standing elsewhere).
// LEFT is final for the station, and ends the person's applications waiting there: coming back takes
// the person's consent again (an invitation or a registration they accept). Changing standing cancels the person's claims of the station's shifts
// still to come, so their seats go to the waitlist.
import { peopleFacts } from "../../auth/facts.js";
import { assert, can, type PersonFacts } from "../../auth/policy.js";
import { announceRevocation } from "../../auth/sessions.js";
import type { Viewer } from "../../auth/viewer.js";
import { clock } from "../../clock.js";
import { prisma, TX } from "../../db.js";
import { Prisma, type MembershipStatus, type Specialty } from "../../generated/prisma/client.js";
import { conflict, notFound } from "../../graphql/errors.js";
import { joinMsg, msg } from "../../i18n.js";
import { writeXlsx } from "../../lib/sheet.js";
import { pubsub } from "../../pubsub.js";
import { recordAudit } from "../audit/audit.service.js";
import { accountsOf, delivered, notify } from "../notification/notification.service.js";
import { committed, releaseFutureSeats } from "../shift/shift.service.js";
import type { Actor } from "../station/station.service.js";
import { maskIdNumber, maskName, maskPhone, shownPhone } from "../volunteer/mask.js";
import { holdForLeaving, holdForSquads, recordDeparture } from "../volunteer/volunteer.service.js";

const STATION = msg("派出所", "Station");
const VOLUNTEER = msg("义警", "Volunteer");

export interface MemberFilter {
  stationId: string;
  search?: string | null;
  teamId?: string | null;
  squadId?: string | null;
  specialty?: Specialty | null;
  status: MembershipStatus;
}

/** The station's team ids the filter walks (one team, or all of them). */
async function teamIdsOf(f: MemberFilter): Promise<string[]> {
  if (f.teamId) return [f.teamId];
  return (await prisma.team.findMany({ where: { stationId: f.stationId }, select: { id: true } })).map((t) => t.id);
}

/**
 * The WHERE of a member list, driven from the station's memberships (index TeamMembership
 * (teamId, status, volunteerId)), so its cost follows the station's size, not the platform's.
 * Phone digits and legal names are searched only where the lister may see them (not for LEFT).
 */
function memberSql(f: MemberFilter, teamIds: string[]): Prisma.Sql {
  const parts: Prisma.Sql[] = [Prisma.sql`TRUE`];
  if (f.squadId) parts.push(Prisma.sql`EXISTS (SELECT 1 FROM "SquadMembership" sm WHERE sm."squadId" = ${f.squadId}::uuid AND sm."volunteerId" = v.id)`);
  if (f.specialty) parts.push(Prisma.sql`${f.specialty}::"Specialty" = ANY(v.specialties)`);
  const search = (f.search ?? "").trim();
  if (search) {
    const personal = f.status !== "LEFT";
    const digits = search.replace(/[\s-]/g, "");
    if (/^\d{3,11}$/.test(digits) && personal) {
      parts.push(Prisma.sql`right(v.phone, ${digits.length}) = ${digits}`);
    } else {
      parts.push(personal ? Prisma.sql`(strpos(v."displayName", ${search}) > 0 OR strpos(v.name, ${search}) > 0)` : Prisma.sql`strpos(v."displayName", ${search}) > 0`);
    }
  }
  return Prisma.sql`
    FROM (SELECT DISTINCT m."volunteerId" AS id FROM "TeamMembership" m
          WHERE m."teamId" = ANY(${teamIds}::uuid[]) AND m.status = ${f.status}::"MembershipStatus") ids
    JOIN "Volunteer" v ON v.id = ids.id
    WHERE ${Prisma.join(parts, " AND ")}`;
}

/** One page (by volunteer id) and the total. */
export async function listMembers(f: MemberFilter, first: number, after: string | null) {
  const teamIds = await teamIdsOf(f);
  if (!teamIds.length) return { ids: [] as string[], total: 0, hasNextPage: false };
  const from = memberSql(f, teamIds);
  const [page, count] = await Promise.all([
    prisma.$queryRaw<{ id: string }[]>`SELECT v.id ${from} ${after ? Prisma.sql`AND v.id > ${after}::uuid` : Prisma.empty} ORDER BY v.id LIMIT ${first + 1}`,
    prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n ${from}`,
  ]);
  return { ids: page.slice(0, first).map((r) => r.id), total: Number(count[0]?.n ?? 0), hasNextPage: page.length > first };
}

/** The memberships and squads of people at one station, for a page of the list. */
export async function placesAt(stationId: string, volunteerIds: string[]) {
  const [memberships, squads] = await Promise.all([
    prisma.teamMembership.findMany({ where: { volunteerId: { in: volunteerIds }, team: { stationId } }, orderBy: { id: "asc" } }),
    prisma.squadMembership.findMany({ where: { volunteerId: { in: volunteerIds }, squad: { team: { stationId } } }, include: { squad: true } }),
  ]);
  return { memberships, squads };
}

/** The people a status or squad change aims at, with their facts; NOT_FOUND for anyone the officer may not manage. */
/** `field` names where one person's ID sits in the input (a list's item, or the one `volunteerId`). */
async function managedPeople(viewer: Viewer, stationId: string, volunteerIds: string[], field: (i: number) => string[] = (i) => ["input", "volunteerIds", String(i)]) {
  const station = await prisma.station.findUnique({ where: { id: stationId }, select: { id: true, name: true } });
  if (!station) throw notFound(STATION, ["input", "stationId"]);
  assert(viewer, "volunteer.register", { stationId: station.id }, {
    message: msg("仅本所民警可管理义警", "Only the station's officers manage its volunteers"),
    hide: { what: STATION, field: ["input", "stationId"], stationId: station.id },
  });
  const facts = await peopleFacts(prisma, volunteerIds);
  volunteerIds.forEach((id, i) => {
    const person = facts.get(id);
    if (!person || !can(viewer, "volunteer.manage", { person, stationId: station.id })) {
      throw notFound(msg("本所义警", "Volunteer of this station"), field(i));
    }
  });
  return { station, facts: facts as Map<string, PersonFacts> };
}

const STATUS_ZH: Record<MembershipStatus, string> = { ACTIVE: "在队", PENDING: "待审核", SUSPENDED: "暂停", LEFT: "已退出" };
const STATUS_EN: Record<MembershipStatus, string> = { ACTIVE: "active", PENDING: "pending", SUSPENDED: "suspended", LEFT: "left" };

/**
 * 状态: ACTIVE, SUSPENDED or LEFT for each person at this station, with a reason (stored on the
 * memberships, told to the person, audited). All or nothing.
 */
export async function setVolunteerStatus(
  { viewer, clientAddress }: Actor,
  input: { stationId: string; volunteerIds: string[]; status: "ACTIVE" | "SUSPENDED" | "LEFT"; reason: string },
) {
  const ids = [...new Set(input.volunteerIds)];
  const { station } = await managedPeople(viewer, input.stationId, ids);
  const now = clock.now();
  const changed = await committed(async (tx, out) => {
    // The people before their memberships, as joins and claims lock them (else a join of the same moment deadlocks).
    await holdForLeaving(tx, ids);
    const rows = await tx.teamMembership.findMany({
      where: { volunteerId: { in: ids }, team: { stationId: station.id }, status: { in: ["ACTIVE", "SUSPENDED"] } },
      select: { volunteerId: true, status: true, teamId: true },
    });
    const before = new Map<string, MembershipStatus>();
    for (const r of rows) before.set(r.volunteerId, before.get(r.volunteerId) === "ACTIVE" ? "ACTIVE" : r.status);
    const moving = ids.filter((id) => before.has(id) && before.get(id) !== input.status);
    if (!moving.length) return [];
    // LEFT ends their applications to the station's other teams too (read under the person's lock, as an application
    // takes it first): left PENDING, a leader's approval later made them ACTIVE again without their new consent, and
    // while it waited they counted as in a station, with no departure date. A suspension leaves them (an approval is
    // refused while suspended), and so does a return to ACTIVE.
    const ending: MembershipStatus[] = input.status === "LEFT" ? ["ACTIVE", "SUSPENDED", "PENDING"] : ["ACTIVE", "SUSPENDED"];
    const applications = new Map<string, number>();
    if (input.status === "LEFT") {
      const pending = await tx.teamMembership.findMany({ where: { volunteerId: { in: moving }, team: { stationId: station.id }, status: "PENDING" }, select: { volunteerId: true } });
      for (const p of pending) applications.set(p.volunteerId, (applications.get(p.volunteerId) ?? 0) + 1);
    }
    await tx.teamMembership.updateMany({
      where: { volunteerId: { in: moving }, team: { stationId: station.id }, status: { in: ending } },
      data: { status: input.status, statusReason: input.reason, statusChangedAt: now },
    });
    // Leaving ends the squad places at this station too (coming back starts afresh); suspension pauses them.
    if (input.status === "LEFT") await tx.squadMembership.deleteMany({ where: { volunteerId: { in: moving }, squad: { team: { stationId: station.id } } } });
    else await tx.squadMembership.updateMany({ where: { volunteerId: { in: moving }, squad: { team: { stationId: station.id } } }, data: { active: input.status === "ACTIVE" } });
    // Someone no longer active gives up their places on this station's shifts to come, in the same transaction.
    if (input.status !== "ACTIVE") await releaseFutureSeats(tx, out, moving, now, { shiftWhere: { stationId: station.id }, tell: true });
    // From now their ID number's retention counts, should this have been their last station.
    if (input.status === "LEFT") await recordDeparture(tx, moving, now);
    const accounts = await accountsOf(tx, moving);
    await notify(
      tx,
      moving.flatMap((id) => {
        const accountId = accounts.get(id);
        return accountId
          ? [
              {
                accountId,
                stationId: station.id,
                kind: "MEMBERSHIP_STATUS_CHANGED" as const,
                title: msg(`您在${station.name}的义警状态：${STATUS_ZH[input.status]}`, `Your status at ${station.name}: ${STATUS_EN[input.status]}`),
                body: applications.has(id)
                  ? joinMsg(msg("原因：", "Reason: "), input.reason, msg("。您在本所待审核的入队申请一并结束。", ". Your applications to join its teams ended with it."))
                  : joinMsg(msg("原因：", "Reason: "), input.reason),
                link: "/",
              },
            ]
          : [];
      }),
    );
    for (const id of moving) {
      await recordAudit(tx, {
        actor: viewer,
        stationId: station.id,
        action: "volunteer.status",
        targetType: "Volunteer",
        targetId: id,
        summary: `状态 ${before.get(id)} → ${input.status}（原因记于成员记录）${applications.has(id) ? `，结束待审核的入队申请 ${applications.get(id)} 个` : ""}`,
        clientAddress,
      });
    }
    return moving.map((id) => ({ id, accountId: accounts.get(id) ?? null }));
  });
  if (changed.length) delivered(); // their status notices (the outbox delivers only the seats' own)
  await afterStandingChanged(station.id, changed);
  return { changed: changed.length, volunteers: await prisma.volunteer.findMany({ where: { id: { in: ids } } }) };
}

/** Rights changed: sockets reconnect and the station's teams are read again. */
async function afterStandingChanged(stationId: string, changed: { id: string; accountId: string | null }[]) {
  for (const c of changed) if (c.accountId) announceRevocation(c.accountId, "ROLE_CHANGED");
  const teams = await prisma.team.findMany({ where: { stationId }, select: { id: true } });
  for (const t of teams) pubsub.publish("teamUpdated", t.id, { teamId: t.id });
}

/** A volunteer's squads (at this station) and specialties, set by an officer. */
export async function updateVolunteer(
  { viewer, clientAddress }: Actor,
  input: { stationId: string; volunteerId: string; squadIds?: string[] | null; specialties?: Specialty[] | null },
) {
  const { station, facts } = await managedPeople(viewer, input.stationId, [input.volunteerId], () => ["input", "volunteerId"]);
  const person = facts.get(input.volunteerId)!;
  const memberTeams = new Set([...person.teamIds]);
  const suspendedTeams = await prisma.teamMembership.findMany({ where: { volunteerId: input.volunteerId, status: "SUSPENDED", team: { stationId: station.id } }, select: { teamId: true } });
  for (const s of suspendedTeams) memberTeams.add(s.teamId);
  const result = await prisma.$transaction(async (tx) => {
    const changes: string[] = [];
    if (input.squadIds) {
      const wanted = [...new Set(input.squadIds)];
      // The person before their squad places, as every join and ending takes them: their teams as they stand (a
      // leaving of the same moment wins or waits, and leaves no squad place behind), and recordDeparture below
      // reads their memberships as they stand.
      const standing = (await holdForSquads(tx, [input.volunteerId])).get(input.volunteerId)!;
      const squads = await tx.squad.findMany({ where: { id: { in: wanted } }, select: { id: true, teamId: true, team: { select: { stationId: true } } } });
      wanted.forEach((id, i) => {
        const q = squads.find((s) => s.id === id);
        if (!q || q.team.stationId !== station.id) throw notFound(msg("本所小队", "Squad of this station"), ["input", "squadIds", String(i)]);
        if (!standing.has(q.teamId)) throw conflict(msg("请先加入该小队所属队伍", "The volunteer must first join the squad's team"), ["input", "squadIds", String(i)]);
      });
      const current = await tx.squadMembership.findMany({ where: { volunteerId: input.volunteerId, squad: { team: { stationId: station.id } } }, select: { id: true, squadId: true } });
      const drop = current.filter((c) => !wanted.includes(c.squadId));
      const add = wanted.filter((id) => !current.some((c) => c.squadId === id));
      if (drop.length) {
        await tx.squadMembership.deleteMany({ where: { id: { in: drop.map((d) => d.id) } } });
        await recordDeparture(tx, [input.volunteerId]);
      }
      // A squad place counts only while the membership of its team is ACTIVE (not while suspended).
      const teamOf = new Map(squads.map((q) => [q.id, q.teamId]));
      if (add.length) await tx.squadMembership.createMany({ data: add.map((squadId) => ({ squadId, volunteerId: input.volunteerId, active: standing.get(teamOf.get(squadId)!) === "ACTIVE" })) });
      if (drop.length || add.length) changes.push(`小队 +${add.length} −${drop.length}`);
    }
    if (input.specialties) {
      await tx.volunteer.update({ where: { id: input.volunteerId }, data: { specialties: [...new Set(input.specialties)] } });
      changes.push(`特长 ${[...new Set(input.specialties)].join(",") || "无"}`);
    }
    if (changes.length) {
      await recordAudit(tx, { actor: viewer, stationId: station.id, action: "volunteer.update", targetType: "Volunteer", targetId: input.volunteerId, summary: changes.join("；"), clientAddress });
    }
    return { volunteer: await tx.volunteer.findUniqueOrThrow({ where: { id: input.volunteerId } }), changed: changes.length > 0 };
  }, TX);
  if (result.changed) {
    const account = (await accountsOf(prisma, [input.volunteerId])).get(input.volunteerId);
    if (account) announceRevocation(account, "ROLE_CHANGED");
    for (const teamId of memberTeams) pubsub.publish("teamUpdated", teamId, { teamId });
  }
  return result.volunteer;
}

/** 加入小队 in bulk: members of the squad's team join it (all or nothing). */
export async function addSquadMembers({ viewer, clientAddress }: Actor, input: { squadId: string; volunteerIds: string[] }) {
  const squad = await prisma.squad.findUnique({ where: { id: input.squadId }, include: { team: { select: { stationId: true, name: true } } } });
  if (!squad) throw notFound(msg("小队", "Squad"), ["input", "squadId"]);
  const sq = { stationId: squad.team.stationId, teamId: squad.teamId, squadId: squad.id };
  assert(viewer, "squad.update", sq, { hide: { what: msg("小队", "Squad"), field: ["input", "squadId"], stationId: sq.stationId } });
  const ids = [...new Set(input.volunteerIds)];
  const facts = await peopleFacts(prisma, ids);
  ids.forEach((id, i) => {
    const person = facts.get(id);
    if (!person || !can(viewer, "volunteer.read", person)) throw notFound(VOLUNTEER, ["input", "volunteerIds", String(i)]);
    if (!person.teamIds.includes(squad.teamId)) throw conflict(msg("请先加入该小队所属队伍", "The volunteer must first join the squad's team"), ["input", "volunteerIds", String(i)]);
    assert(viewer, "squad.addMember", { squad: sq, person });
  });
  const added = await prisma.$transaction(async (tx) => {
    // Still in the squad's team, read under the people's locks: a leaving of the same moment wins or waits.
    const teams = await holdForSquads(tx, ids);
    ids.forEach((id, i) => {
      if (teams.get(id)!.get(squad.teamId) !== "ACTIVE") throw conflict(msg("请先加入该小队所属队伍", "The volunteer must first join the squad's team"), ["input", "volunteerIds", String(i)]);
    });
    const r = await tx.squadMembership.createMany({ data: ids.map((volunteerId) => ({ squadId: squad.id, volunteerId })), skipDuplicates: true });
    if (r.count) await recordAudit(tx, { actor: viewer, stationId: sq.stationId, action: "squad.addMembers", targetType: "Squad", targetId: squad.id, summary: `${r.count}人加入「${squad.name}」`, clientAddress });
    return r.count;
  }, TX);
  const accounts = await accountsOf(prisma, ids);
  for (const a of accounts.values()) announceRevocation(a, "ROLE_CHANGED");
  pubsub.publish("teamUpdated", squad.teamId, { teamId: squad.teamId });
  return { squad, added };
}

/** The filtered list as an .xlsx for the station's officers; personal data as the policy shows it; audited. */
export async function exportVolunteers({ viewer, clientAddress }: Actor, f: MemberFilter) {
  const station = await prisma.station.findUnique({ where: { id: f.stationId }, select: { id: true, name: true } });
  if (!station) throw notFound(STATION, ["input", "stationId"]);
  assert(viewer, "volunteer.export", { stationId: station.id }, {
    message: msg("仅本所民警可导出名册", "Only the station's officers export the list"),
    hide: { what: STATION, field: ["input", "stationId"], stationId: station.id },
  });
  await checkFilter(f, ["input"]);
  const teamIds = await teamIdsOf(f);
  const ids = teamIds.length ? (await prisma.$queryRaw<{ id: string }[]>`SELECT v.id ${memberSql(f, teamIds)} ORDER BY v.id`).map((r) => r.id) : [];
  const rows: (string | number | null)[][] = [];
  const teams = new Map((await prisma.team.findMany({ where: { stationId: station.id }, select: { id: true, name: true } })).map((t) => [t.id, t.name]));
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const [people, facts, places] = await Promise.all([
      prisma.volunteer.findMany({ where: { id: { in: chunk } }, include: { partner: { select: { name: true } } }, orderBy: { id: "asc" } }),
      peopleFacts(prisma, chunk),
      placesAt(station.id, chunk),
    ]);
    for (const v of people) {
      const full = can(viewer, "volunteer.readPersonal", facts.get(v.id)!);
      const ms = places.memberships.filter((m) => m.volunteerId === v.id);
      rows.push([
        v.displayName,
        full ? v.name : maskName(v.name),
        full ? shownPhone(v.phone) : maskPhone(v.phone),
        v.idNumber ? (full ? v.idNumber : maskIdNumber(v.idNumber)) : "",
        ms.map((m) => teams.get(m.teamId)).join("、"),
        places.squads.filter((s) => s.volunteerId === v.id).map((s) => s.squad.name).join("、"),
        v.specialties.join("、"),
        STATUS_ZH[f.status],
        v.partner?.name ?? "",
        ms[0] ? new Date(ms[0].joinedAt.getTime() + 8 * 3600_000).toISOString().slice(0, 10) : "",
      ]);
    }
  }
  const content = await writeXlsx("义警名册", ["显示名", "姓名", "手机号", "身份证号", "队伍", "小队", "特长", "状态", "共建单位", "加入日期"], rows, [14, 10, 14, 22, 16, 20, 24, 8, 18, 12]);
  await recordAudit(prisma, {
    actor: viewer,
    stationId: station.id,
    action: "volunteer.export",
    targetType: "Station",
    targetId: station.id,
    summary: `导出名册 ${rows.length} 人（状态 ${f.status}${f.teamId ? "，指定队伍" : ""}${f.squadId ? "，指定小队" : ""}${f.specialty ? `，特长 ${f.specialty}` : ""}${f.search ? "，含搜索" : ""}）`,
    clientAddress,
  });
  const day = new Date(clock.now().getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  return { filename: `${station.name}义警名册_${day}.xlsx`, content, rowCount: rows.length };
}

/** The team and squad of a filter must be the station's. */
export async function checkFilter(f: MemberFilter, field: string[]) {
  if (f.teamId) {
    const t = await prisma.team.findUnique({ where: { id: f.teamId }, select: { stationId: true } });
    if (t?.stationId !== f.stationId) throw notFound(msg("本所队伍", "Team of this station"), [...field, "teamId"]);
  }
  if (f.squadId) {
    const q = await prisma.squad.findUnique({ where: { id: f.squadId }, select: { team: { select: { stationId: true } } } });
    if (q?.team.stationId !== f.stationId) throw notFound(msg("本所小队", "Squad of this station"), [...field, "squadId"]);
  }
}
