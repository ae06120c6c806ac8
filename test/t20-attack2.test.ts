// t20-attack2: main's commits 9f54c3c (Shift.checkInOpensAt), ac84b96 (roleOfferCount), 3ea4a74 (Volunteer.lastLeftAt
// and the ID-number erasure), 7edd235 (wrong 确认码 entries named by the appointment), 93b2c5c (roster 代签到)
// attacked from outside, through the GraphQL API as the web uses it.
import { describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { eraseDepartedIdNumbers } from "../api/src/modules/volunteer/volunteer.service.js";
import { gql, useApp } from "./support/client.js";
import { holdRowLock } from "./support/locks.js";
import { createAccount, createSquad, createStation, createTeam, createVolunteer, gid } from "./support/fixtures.js";

let app: App;
useApp((a) => (app = a));

const DAY = 86_400_000;
const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { offer { id displayName } confirmationNeeded userErrors { code message } } }`;
const WITHDRAW = `mutation ($input: WithdrawRoleOfferInput!) { withdrawRoleOffer(input: $input) { withdrawnId userErrors { code } } }`;
const LOG = `query ($s: ID!) { auditLog(stationId: $s, first: 100) { edges { node { action actorName actorAccountId targetType targetName targetId } } } }`;
const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code message } } }`;

type Station = Awaited<ReturnType<typeof createStation>>;
const idOf = async (volunteerId: string) => (await prisma.volunteer.findUniqueOrThrow({ where: { id: volunteerId }, select: { idNumber: true } })).idNumber;

describe("whose phone an appointment names: the station log's account ids", () => {
  it("role.offer and role.offer.withdraw do not give the account's id, which the station's other entries by that account pair with its name", async () => {
    const { station, officer, team } = await createStation();
    const partner = await prisma.partner.create({ data: { stationId: station.id, name: `配对共建${station.name}`, kind: "ENTERPRISE" } });
    // Someone who once asked to join this station through an invitation and was turned down: their request is in
    // the station's log under their account (actorAccountId, actorName), and this officer no longer sees their phone.
    const stranger = await createVolunteer();
    const invite = await gql(app, `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`, { input: { teamId: gid("Team", team.id), expiresAt: new Date(Date.now() + 7 * DAY).toISOString(), maxUses: 10 } }, officer.token);
    const applied = await gql(app, `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { membership { id } userErrors { code message } } }`, { input: { code: invite.data!.createTeamInvite.invite.code } }, stranger.token);
    expect(applied.data!.acceptTeamInvite.userErrors).toEqual([]);
    const rejected = await gql(app, `mutation ($input: RejectMembershipInput!) { rejectMembership(input: $input) { userErrors { code } } }`, { input: { membershipId: applied.data!.acceptTeamInvite.membership.id, reason: "不合适" } }, officer.token);
    expect(rejected.data!.rejectMembership.userErrors).toEqual([]);

    // The officer types a phone: an account uses it, so an appointment waits, listed by the name the officer gave.
    const granted = await gql(app, GRANT, { input: { phone: stranger.phone, role: "PARTNER_ADMIN", partnerId: gid("Partner", partner.id), displayName: "猜的名字" } }, officer.token);
    expect(granted.data!.grantRole).toMatchObject({ confirmationNeeded: true, userErrors: [] });
    // A wrong 确认码 from the phone's account: from where, as the station's other entries by that account say.
    const missed = await gql(app, `mutation ($input: ConfirmRoleOfferInput!) { confirmRoleOffer(input: $input) { userErrors { code } } }`, { input: { offerId: granted.data!.grantRole.offer.id, code: "WRONG-CODE" } }, stranger.token);
    expect(missed.data!.confirmRoleOffer.userErrors.map((e: { code: string }) => e.code)).toEqual(["VALIDATION"]);
    const addresses = async (token: string) => (await gql(app, `query ($s: ID!) { auditLog(stationId: $s, first: 100) { edges { node { action clientAddress } } } }`, { s: gid("Station", station.id) }, token)).data!.auditLog.edges.map((e: any) => e.node).filter((e: any) => e.action === "role.offer.failed");
    expect(await addresses(officer.token)).toEqual([{ action: "role.offer.failed", clientAddress: null }]);
    expect(await addresses((await createAccount({ role: "ADMIN" })).token)).toEqual([{ action: "role.offer.failed", clientAddress: expect.any(String) }]);
    expect((await gql(app, WITHDRAW, { input: { offerId: granted.data!.grantRole.offer.id } }, officer.token)).data!.withdrawRoleOffer.userErrors).toEqual([]);

    const log = (await gql(app, LOG, { s: gid("Station", station.id) }, officer.token)).data!.auditLog.edges.map((e: any) => e.node);
    const request = log.find((e: any) => e.action === "membership.request");
    expect(request).toMatchObject({ actorName: stranger.displayName, actorAccountId: stranger.accountId });
    const offers = log.filter((e: any) => e.action === "role.offer" || e.action === "role.offer.withdraw");
    expect(offers).toHaveLength(2);
    // The pair that told the officer whose phone they typed: role.offer's target is the request's actor.
    const named = offers.filter((e: any) => e.targetId === request.actorAccountId);
    expect(named).toEqual([]);
    // Entries of a wrong 确认码 written before 7edd235 (the account as target) do not give it either.
    await prisma.auditEntry.create({ data: { actorId: stranger.accountId, stationId: station.id, action: "role.offer.failed", targetType: "Account", targetId: stranger.accountId, summary: "旧记录" } });
    const old = (await gql(app, LOG, { s: gid("Station", station.id) }, officer.token)).data!.auditLog.edges.map((e: any) => e.node).find((e: any) => e.action === "role.offer.failed");
    expect(old).toMatchObject({ actorName: null, actorAccountId: null, targetName: null });
    expect(old.targetId).not.toBe(stranger.accountId);
    // Platform admins, who read the whole log, still see which account each was.
    const admin = await createAccount({ role: "ADMIN" });
    const whole = (await gql(app, LOG, { s: gid("Station", station.id) }, admin.token)).data!.auditLog.edges.map((e: any) => e.node);
    expect(whole.filter((e: any) => e.action.startsWith("role.offer") && e.targetType === "Account").map((e: any) => e.targetId)).toEqual([stranger.accountId, stranger.accountId, stranger.accountId]);
  });
});

describe("whose phone a registration names: a wrong 激活码 in the station's log", () => {
  it("enrollment.accept.failed and .decline.failed do not name the account in use, nor give its id (as role.offer.failed since 7edd235)", async () => {
    const { station, officer, team } = await createStation();
    // The officer registers a phone someone else uses already: a volunteer of another station.
    const stranger = await createVolunteer();
    const reg = await gql(app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } userErrors { code message } } }`, { input: { teamId: gid("Team", team.id), name: "王小明", displayName: "小明", phone: stranger.phone, idNumber: "11010519491231002X" } }, officer.token);
    expect(reg.data!.registerVolunteer.userErrors).toEqual([]);
    const enrollmentId = reg.data!.registerVolunteer.enrollment.id;
    for (const answer of ["accept", "decline"] as const) {
      const name = answer === "accept" ? "acceptEnrollment" : "declineEnrollment";
      const r = await gql(app, `mutation ($input: ${answer === "accept" ? "Accept" : "Decline"}EnrollmentInput!) { ${name}(input: $input) { userErrors { code } } }`, { input: { enrollmentId, code: "ABCD-EFGH-JK" } }, stranger.token);
      expect(r.data![name].userErrors.map((e: { code: string }) => e.code)).toEqual(["VALIDATION"]);
    }
    const log = (await gql(app, LOG, { s: gid("Station", station.id) }, officer.token)).data!.auditLog.edges.map((e: any) => e.node);
    const answered = log.filter((e: any) => e.action === "enrollment.accept.failed" || e.action === "enrollment.decline.failed");
    expect(answered).toHaveLength(2);
    // Whose phone the officer typed: the account's own name and its id, which the station's other entries pair.
    expect(JSON.stringify(log)).not.toContain(stranger.displayName);
    expect(JSON.stringify(log)).not.toContain(stranger.accountId);
    for (const e of answered) expect(e).toMatchObject({ actorName: "小明", actorAccountId: null });
    const ADDRESSES = `query ($s: ID!) { auditLog(stationId: $s, first: 100) { edges { node { action clientAddress } } } }`;
    const failedFrom = async (token: string) => (await gql(app, ADDRESSES, { s: gid("Station", station.id) }, token)).data!.auditLog.edges.map((e: any) => e.node).filter((e: any) => e.action.endsWith(".failed")).map((e: any) => e.clientAddress);
    expect(await failedFrom(officer.token)).toEqual([null, null]);
    // Platform admins, who read the whole log, still see which account it was.
    const admin = await createAccount({ role: "ADMIN" });
    const whole = (await gql(app, LOG, { s: gid("Station", station.id) }, admin.token)).data!.auditLog.edges.map((e: any) => e.node);
    expect(whole.filter((e: any) => e.action.endsWith(".failed")).map((e: any) => e.actorAccountId)).toEqual([stranger.accountId, stranger.accountId]);
  });
});

describe("a squad place given while the person leaves the station", () => {
  async function leavingWhile(s: Station, person: { id: string }, add: () => Promise<any>) {
    // The person's row held from outside: the leaving queues first, the squad place behind it.
    const lock = await holdRowLock("Volunteer", person.id);
    const leaving = gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", person.id)], status: "LEFT", reason: "离开" } }, s.officer.token);
    await lock.waiters(1);
    const adding = add();
    await lock.waiters(2);
    await lock.release();
    const [left, added] = await Promise.all([leaving, adding]);
    expect(left.data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
    return added;
  }

  const ADD = `mutation ($input: AddSquadMemberInput!) { addSquadMember(input: $input) { userErrors { code message } } }`;
  const ADD_MANY = `mutation ($input: AddSquadMembersInput!) { addSquadMembers(input: $input) { added userErrors { code message } } }`;
  const LEADER = `mutation ($input: SetSquadLeaderInput!) { setSquadLeader(input: $input) { userErrors { code message } } }`;
  const UPDATE = `mutation ($input: UpdateVolunteerInput!) { updateVolunteer(input: $input) { userErrors { code message } } }`;

  for (const [path, add] of [
    ["addSquadMember", (s: Station, squadId: string, v: string) => gql(app, ADD, { input: { squadId: gid("Squad", squadId), volunteerId: gid("Volunteer", v) } }, s.officer.token)],
    ["addSquadMembers", (s: Station, squadId: string, v: string) => gql(app, ADD_MANY, { input: { squadId: gid("Squad", squadId), volunteerIds: [gid("Volunteer", v)] } }, s.officer.token)],
    ["setSquadLeader", (s: Station, squadId: string, v: string) => gql(app, LEADER, { input: { squadId: gid("Squad", squadId), volunteerId: gid("Volunteer", v) } }, s.officer.token)],
    ["updateVolunteer", (s: Station, squadId: string, v: string) => gql(app, UPDATE, { input: { stationId: gid("Station", s.station.id), volunteerId: gid("Volunteer", v), squadIds: [squadId].map((q) => gid("Squad", q)) } }, s.officer.token)],
  ] as const) {
    it(`${path}: the person who left keeps no squad place, and their ID number is erased ${180} days later`, async () => {
      const s = await createStation();
      const squad = await createSquad(s.team.id);
      const person = await createVolunteer({ teamId: s.team.id });
      const t0 = clock.now().getTime();
      const added = await leavingWhile(s, person, () => add(s, squad.id, person.id));
      // A squad place counts as being in a station whatever its state: it kept the ID number for ever.
      expect(await prisma.squadMembership.count({ where: { volunteerId: person.id } })).toBe(0);
      await eraseDepartedIdNumbers(new Date(t0 + 181 * DAY));
      expect(await idOf(person.id)).toBeNull();
      // Refused (the person left meanwhile), as it is once they have left.
      const errors = Object.values(added.data!)[0] as { userErrors: { code: string }[] };
      expect(errors.userErrors).toHaveLength(1);
    });
  }
});

describe("a team place given while the person leaves the station", () => {
  it("addTeamMember does not put back someone an officer of the same moment set LEFT (下载我的数据 then gave a departure date of someone in a team)", async () => {
    const s = await createStation();
    const other = await createTeam(s.station.id);
    const person = await createVolunteer({ teamId: s.team.id });
    const lock = await holdRowLock("Volunteer", person.id);
    const leaving = gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", person.id)], status: "LEFT", reason: "离开" } }, s.officer.token);
    await lock.waiters(1);
    const adding = gql(app, `mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { userErrors { code message } } }`, { input: { teamId: gid("Team", other.id), volunteerId: gid("Volunteer", person.id) } }, s.officer.token);
    await lock.waiters(2);
    await lock.release();
    const [left, added] = await Promise.all([leaving, adding]);
    expect(left.data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
    const active = await prisma.teamMembership.count({ where: { volunteerId: person.id, status: "ACTIVE" } });
    const exported = JSON.parse((await gql(app, `{ viewer { dataExport } }`, {}, person.token)).data!.viewer.dataExport);
    // The leaving stands, and the date 下载我的数据 gives is that of a person in no team.
    expect({ active, dated: !!exported.volunteer.lastLeftAt }).toEqual({ active: 0, dated: true });
    expect(added.data!.addTeamMember.userErrors).toHaveLength(1);
  });
});

describe("what held", () => {
  it("roleOfferCount: nobody but who may grant the role learns how many appointments wait, by node, nodes, a relation or a list", async () => {
    const { station, officer, team } = await createStation();
    const region = await prisma.region.create({ data: { name: `计数攻击区域-${Date.now()}` } });
    await prisma.station.update({ where: { id: station.id }, data: { regionId: region.id } });
    const otherRegion = await prisma.region.create({ data: { name: `计数攻击他区-${Date.now()}` } });
    const partner = await prisma.partner.create({ data: { stationId: station.id, name: `计数攻击共建${station.name}`, kind: "ENTERPRISE" } });
    const people = await Promise.all([1, 2, 3].map(() => createVolunteer()));
    const day = 86_400_000;
    for (const [i, p] of people.entries()) {
      await prisma.roleOffer.create({ data: { role: "OFFICER", stationId: station.id, accountId: p.accountId, codeHash: "x", displayName: `民警${i}`, expiresAt: new Date(Date.now() + 7 * day) } });
      await prisma.roleOffer.create({ data: { role: "PARTNER_ADMIN", partnerId: partner.id, accountId: p.accountId, codeHash: "x", displayName: `联络${i}`, expiresAt: new Date(Date.now() + 7 * day) } });
    }
    await prisma.roleOffer.create({ data: { role: "REGION_ADMIN", regionId: region.id, accountId: people[0]!.accountId, codeHash: "x", displayName: "区管", expiresAt: new Date(Date.now() + 7 * day) } });
    const { createSession } = await import("../api/src/auth/sessions.js");
    const roleToken = async (role: { role: "REGION_ADMIN"; regionId: string }) => {
      const a = await prisma.account.create({ data: { phone: `138${String(Date.now()).slice(-8)}`, passwordHash: "x", displayName: "区域管理员", roles: { create: role } } });
      return (await createSession(prisma, a.id)).token;
    };
    const regionAdmin = await roleToken({ role: "REGION_ADMIN", regionId: region.id });
    await new Promise((r) => setTimeout(r, 2));
    const otherRegionAdmin = await roleToken({ role: "REGION_ADMIN", regionId: otherRegion.id });
    const partnerAdmin = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    const member = await createVolunteer({ teamId: team.id });
    const otherOfficer = (await createStation()).officer;
    const ids = { s: gid("Station", station.id), p: gid("Partner", partner.id), r: gid("Region", region.id) };
    const Q = `query ($s: ID!, $p: ID!, $r: ID!) {
      a: node(id: $s) { ... on Station { roleOfferCount partners(first: 10) { edges { node { roleOfferCount } } } } }
      b: nodes(ids: [$s, $p, $r]) { ... on Station { roleOfferCount } ... on Partner { roleOfferCount station { roleOfferCount } } ... on Region { roleOfferCount stations(first: 10) { edges { node { roleOfferCount } } } } }
      c: regions(first: 50) { edges { node { roleOfferCount stations(first: 10) { edges { node { roleOfferCount } } } } } }
    }`;
    const counts = async (token?: string) => {
      const res = await gql(app, Q, ids, token);
      const found: number[] = [];
      JSON.stringify(res.data ?? null, (k, v) => (k === "roleOfferCount" && v != null ? (found.push(v), v) : v));
      return found;
    };
    // Who may not grant: nothing at all.
    for (const token of [undefined, member.token, partnerAdmin.token, otherOfficer.token, otherRegionAdmin]) expect(await counts(token)).toEqual([]);
    // The station's officer grants partner admins only: the partner's 3, never the station's officers' 3 or the region's 1.
    expect(new Set(await counts(officer.token))).toEqual(new Set([3]));
    const officerRes = (await gql(app, Q, ids, officer.token)).data!;
    expect(officerRes.a.roleOfferCount).toBeNull();
    // The region's admin appoints the station's officers, not its partner admins nor region admins.
    const regionRes = (await gql(app, Q, ids, regionAdmin)).data!;
    expect(regionRes.b[0]).toEqual({ roleOfferCount: 3 });
    expect(JSON.stringify(regionRes)).not.toMatch(/"roleOfferCount":1\b/);
  });
});

describe("注销 while a registration is accepted", () => {
  for (const first of ["close", "accept"] as const) {
    it(`${first} queued first: the closed account keeps no ID number and no team place`, async () => {
      const { hashPassword } = await import("../api/src/auth/passwords.js");
      const a = await createStation();
      const b = await createStation();
      const person = await createVolunteer({ teamId: a.team.id });
      await prisma.account.update({ where: { id: person.accountId }, data: { passwordHash: await hashPassword("my-pass-123"), passwordSet: true } });
      const reg = await gql(app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code message } } }`, { input: { teamId: gid("Team", b.team.id), name: person.name, phone: person.phone, idNumber: "11010519491231002X" } }, b.officer.token);
      expect(reg.data!.registerVolunteer.userErrors).toEqual([]);
      const { enrollment, activationCode } = reg.data!.registerVolunteer;
      const close = () => gql(app, `mutation ($input: CloseMyAccountInput!) { closeMyAccount(input: $input) { ok userErrors { code message } } }`, { input: { password: "my-pass-123" } }, person.token);
      const accept = () => gql(app, `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { userErrors { code message } } }`, { input: { enrollmentId: enrollment.id, code: activationCode } }, person.token);
      const lock = await holdRowLock("Volunteer", person.id);
      const one = first === "close" ? close() : accept();
      await lock.waiters(1);
      const two = first === "close" ? accept() : close();
      await lock.waiters(2);
      await lock.release();
      const [closed] = first === "close" ? await Promise.all([one, two]) : (await Promise.all([one, two])).reverse();
      expect(closed!.data!.closeMyAccount).toEqual({ ok: true, userErrors: [] });
      const after = await prisma.volunteer.findUniqueOrThrow({ where: { id: person.id }, select: { idNumber: true, closedAt: true } });
      const places = await prisma.teamMembership.findMany({ where: { volunteerId: person.id, status: { not: "LEFT" } }, select: { status: true } });
      expect({ idNumber: after.idNumber, closed: !!after.closedAt, places }).toEqual({ idNumber: null, closed: true, places: [] });
    });
  }
});

describe("a suspension while a registration is accepted", () => {
  it("the person suspended at the station does not come out of it ACTIVE in another of its teams", async () => {
    const s = await createStation();
    const other = await createTeam(s.station.id);
    const person = await createVolunteer();
    const reg = await gql(app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code message } } }`, { input: { teamId: gid("Team", other.id), name: person.name, phone: person.phone, idNumber: "11010519491231002X" } }, s.officer.token);
    expect(reg.data!.registerVolunteer.userErrors).toEqual([]);
    const { enrollment, activationCode } = reg.data!.registerVolunteer;
    // Meanwhile they joined another of the station's teams.
    await prisma.teamMembership.create({ data: { teamId: s.team.id, volunteerId: person.id } });
    const lock = await holdRowLock("Volunteer", person.id);
    const suspending = gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", person.id)], status: "SUSPENDED", reason: "暂停" } }, s.officer.token);
    await lock.waiters(1);
    const accepting = gql(app, `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { userErrors { code message } } }`, { input: { enrollmentId: enrollment.id, code: activationCode } }, person.token);
    await lock.waiters(2);
    await lock.release();
    const [suspended, accepted] = await Promise.all([suspending, accepting]);
    expect(suspended.data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
    const places = await prisma.teamMembership.findMany({ where: { volunteerId: person.id }, select: { status: true }, orderBy: { status: "asc" } });
    expect(places.map((p) => p.status)).toEqual(["SUSPENDED"]);
    expect(accepted.data!.acceptEnrollment.userErrors.map((e: { code: string }) => e.code)).toEqual(["CONFLICT"]);
  });
});

describe("a suspension while an application is made through an invitation", () => {
  it("the person suspended at the station is not left with an application to another of its teams", async () => {
    const s = await createStation();
    const other = await createTeam(s.station.id);
    const person = await createVolunteer({ teamId: s.team.id });
    const invite = await gql(app, `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`, { input: { teamId: gid("Team", other.id), expiresAt: new Date(Date.now() + 7 * DAY).toISOString(), maxUses: 10 } }, s.officer.token);
    const lock = await holdRowLock("Volunteer", person.id);
    const suspending = gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", person.id)], status: "SUSPENDED", reason: "暂停" } }, s.officer.token);
    await lock.waiters(1);
    const applying = gql(app, `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { userErrors { code message } } }`, { input: { code: invite.data!.createTeamInvite.invite.code } }, person.token);
    await lock.waiters(2);
    await lock.release();
    const [suspended, applied] = await Promise.all([suspending, applying]);
    expect(suspended.data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
    const places = await prisma.teamMembership.findMany({ where: { volunteerId: person.id }, select: { status: true } });
    expect(places.map((p) => p.status)).toEqual(["SUSPENDED"]);
    expect(applied.data!.acceptTeamInvite.userErrors.map((e: { code: string }) => e.code)).toEqual(["CONFLICT"]);
  });
});

describe("an application made before a suspension", () => {
  it("is not approved while the person is suspended at the station (it made them ACTIVE in that team)", async () => {
    const s = await createStation();
    const other = await createTeam(s.station.id);
    const leader = await createVolunteer({ teamId: other.id, teamRole: "LEADER" });
    const person = await createVolunteer({ teamId: s.team.id });
    const invite = await gql(app, `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`, { input: { teamId: gid("Team", other.id), expiresAt: new Date(Date.now() + 7 * DAY).toISOString(), maxUses: 10 } }, s.officer.token);
    const applied = await gql(app, `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { membership { id } userErrors { code message } } }`, { input: { code: invite.data!.createTeamInvite.invite.code } }, person.token);
    expect(applied.data!.acceptTeamInvite.userErrors).toEqual([]);
    const suspended = await gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", person.id)], status: "SUSPENDED", reason: "暂停" } }, s.officer.token);
    expect(suspended.data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
    const approved = await gql(app, `mutation ($input: ApproveMembershipInput!) { approveMembership(input: $input) { userErrors { code message } } }`, { input: { membershipId: applied.data!.acceptTeamInvite.membership.id } }, leader.token);
    const places = await prisma.teamMembership.findMany({ where: { volunteerId: person.id, status: "ACTIVE" }, select: { teamId: true } });
    expect(places).toEqual([]);
    expect(approved.data!.approveMembership.userErrors.map((e: { code: string }) => e.code)).toEqual(["CONFLICT"]);
  });
});
