// Test data. `seedDemoData` gives the documented demo stations, teams and accounts (README's table);
// the `create*` helpers make fresh people, stations and teams, so a test owns what it changes and
// runs alone (`vitest -t`) as well as after other tests of its file.
import { randomInt } from "node:crypto";
import { createSession } from "../../api/src/auth/sessions.js";
import { prisma } from "../../api/src/db.js";
import type { MemberRole, Specialty } from "../../api/src/generated/prisma/client.js";
import { DEMO_PHONES, seedDemo } from "../../api/src/seed/demo.js";

export { DEMO_PHONES };

/** Relay global ID as Pothos encodes it. */
export const gid = (type: string, id: string) => Buffer.from(`${type}:${id}`).toString("base64");
/** The database id inside a Relay global ID. */
export const rawId = (globalId: string) => Buffer.from(globalId, "base64").toString().split(":")[1]!;

export async function seedDemoData() {
  await seedDemo(() => {});
  const fushan = await prisma.station.findUniqueOrThrow({ where: { name: "府山派出所" } });
  const changqing = await prisma.station.findUniqueOrThrow({ where: { name: "长庆派出所" } });
  const haolinshe = await prisma.team.findFirstOrThrow({ where: { name: "好邻舍义警" } });
  const committee = await prisma.team.findFirstOrThrow({ where: { name: "吴牙社区安全委员会" } });
  const squads = await prisma.squad.findMany({ where: { teamId: haolinshe.id }, orderBy: { id: "asc" } });
  const volunteer = (phone: string) => prisma.volunteer.findUniqueOrThrow({ where: { phone } });
  return { fushan, changqing, haolinshe, committee, squads, volunteer };
}

// Unique within a test file's own database; demo phones start with 138 and 139.
let serial = randomInt(0, 100_000_000);
const next = () => ++serial;
/** A mobile number no one has yet. */
export const freshPhone = () => `17${String(next()).padStart(9, "0")}`;

export interface Person {
  /** Volunteer id (null for an account without a volunteer) */
  id: string;
  accountId: string;
  phone: string;
  name: string;
  displayName: string;
  idNumber: string;
  token: string;
}

export interface VolunteerOptions {
  teamId?: string;
  teamRole?: MemberRole;
  squadIds?: string[];
  squadRole?: MemberRole;
  specialties?: Specialty[];
  partnerId?: string | null;
}

/** Volunteers with accounts (signed in by token, no password), members of the given team and squads. */
export async function createVolunteers(n: number, opts: VolunteerOptions = {}): Promise<Person[]> {
  const rows = Array.from({ length: n }, () => {
    const k = next();
    return {
      name: `测试${String.fromCodePoint(0x4e00 + (k % 20000))}${String.fromCodePoint(0x4e00 + ((k * 7) % 20000))}`,
      displayName: `测试义警${k}`,
      phone: freshPhone(),
      idNumber: `3306021990${String(k % 100_000_000).padStart(8, "0")}`,
      specialties: opts.specialties ?? [],
      skills: [],
      partnerId: opts.partnerId ?? null,
    };
  });
  const volunteers = await prisma.volunteer.createManyAndReturn({ data: rows });
  if (opts.teamId) {
    await prisma.teamMembership.createMany({ data: volunteers.map((v) => ({ teamId: opts.teamId!, volunteerId: v.id, role: opts.teamRole ?? "MEMBER" })) });
  }
  for (const squadId of opts.squadIds ?? []) {
    await prisma.squadMembership.createMany({ data: volunteers.map((v) => ({ squadId, volunteerId: v.id, role: opts.squadRole ?? "MEMBER" })) });
  }
  const accounts = await prisma.account.createManyAndReturn({ data: volunteers.map((v) => ({ phone: v.phone, passwordHash: "x", volunteerId: v.id })) });
  const accountOf = new Map(accounts.map((a) => [a.volunteerId!, a.id]));
  const tokens = await Promise.all(volunteers.map(async (v) => (await createSession(prisma, accountOf.get(v.id)!)).token));
  return volunteers.map((v, i) => ({
    id: v.id,
    accountId: accountOf.get(v.id)!,
    phone: v.phone,
    name: v.name,
    displayName: v.displayName,
    idNumber: v.idNumber!,
    token: tokens[i]!,
  }));
}

export const createVolunteer = async (opts: VolunteerOptions = {}) => (await createVolunteers(1, opts))[0]!;

/** An account with a role and no volunteer (an officer, a partner's contact, a platform admin). */
export async function createAccount(role: { role: "OFFICER"; stationId: string } | { role: "PARTNER_ADMIN"; partnerId: string } | { role: "ADMIN" }) {
  const account = await prisma.account.create({
    data: { phone: freshPhone(), passwordHash: "x", displayName: `测试账号${next()}`, roles: { create: role } },
  });
  return { accountId: account.id, phone: account.phone, token: (await createSession(prisma, account.id)).token };
}

/** A station of its own, with an officer, a team and a squad. */
export async function createStation() {
  const k = next();
  const station = await prisma.station.create({ data: { name: `测试派出所${k}`, city: "绍兴市", district: "越城区" } });
  const officer = await createAccount({ role: "OFFICER", stationId: station.id });
  const team = await createTeam(station.id);
  return { station, officer, team };
}

/** A published 表扬榜 edition of a station made by createStation, one entry per volunteer in this order (withdrawn if asked). */
export async function publishedEdition(s: Awaited<ReturnType<typeof createStation>>, volunteers: { id: string }[], withdrawn = false) {
  const ed = await prisma.boardEdition.create({
    data: { stationId: s.station.id, teamId: s.team.id, title: `榜${s.team.name}`, publishedById: s.officer.accountId, withdrawnAt: withdrawn ? new Date() : null },
  });
  let position = 0;
  for (const v of volunteers) {
    const deed = await prisma.goodDeed.create({
      data: { stationId: s.station.id, teamId: s.team.id, volunteerId: v.id, category: "HELPING_ELDERLY", title: "扶老人过马路", story: "好事", occurredAt: new Date(), status: "APPROVED", submittedById: s.officer.accountId },
    });
    const c = await prisma.commendation.create({ data: { goodDeedId: deed.id, stationId: s.station.id, teamId: s.team.id, volunteerId: v.id } });
    await prisma.boardEntry.create({ data: { editionId: ed.id, commendationId: c.id, position: position++ } });
  }
  return ed;
}

export async function createTeam(stationId: string, name = `测试义警队${next()}`) {
  return prisma.team.create({ data: { stationId, name } });
}

export async function createSquad(teamId: string, specialty: Specialty = "COMMUNITY_GRID", name = `测试小队${next()}`) {
  return prisma.squad.create({ data: { teamId, name, specialty } });
}
