// The account surface attacked from outside (session 17): sign-in, sessions, joining by invitation,
// the calendar feed, photos and personal data. Each test here failed before its fix (docs/performance.md,
// "Accounts, attacked from outside").
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { hashPassword } from "../api/src/auth/passwords.js";
import { codeHash } from "../api/src/auth/tokens.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, startApp } from "./support/client.js";
import { createStation, createVolunteer, DEMO_PHONES, freshPhone, gid, seedDemoData } from "./support/fixtures.js";
import { CLAIM, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
});
afterAll(() => app?.stop());

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);
const JOIN = `mutation ($input: JoinTeamInput!) { joinTeam(input: $input) { token membership { status } userErrors { code message field } } }`;
const SIGN_IN = `mutation ($input: SignInInput!) { signIn(input: $input) { token userErrors { code message field } } }`;

async function openInvite(teamId: string, token = officer) {
  const r = await gql(app, `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`, { input: { teamId: gid("Team", teamId), expiresAt: inDays(7).toISOString(), maxUses: 100 } }, token);
  return r.data!.createTeamInvite.invite.code as string;
}

describe("the public join page is no way around the sign-in limits", () => {
  it("counts wrong passwords of an existing account on joinTeam with sign-in's counters: the 6th try is locked, the right password too, and sign-in as well", async () => {
    // An account of another station's volunteer, with a real password; the invitation is a poster anyone may photograph.
    const other = await createStation();
    const victim = await createVolunteer({ teamId: other.team.id });
    await prisma.account.update({ where: { id: victim.accountId }, data: { passwordHash: await hashPassword("victim-pass-1"), passwordSet: true } });
    const code = await openInvite(demo.haolinshe.id);
    const join = (password: string) => gql(app, JOIN, { input: { code, name: "张三", phone: victim.phone, password, acceptTerms: true } });

    for (let i = 0; i < 5; i++) {
      const r = await join(`guess-${i}-pass`);
      expect(r.data!.joinTeam.userErrors[0].code).toBe("UNAUTHENTICATED");
    }
    // Without the counter the right password answered here with a token (a password oracle beside signIn).
    const right = await join("victim-pass-1");
    expect(right.data!.joinTeam.token).toBeNull();
    expect(right.data!.joinTeam.userErrors).toEqual([{ code: "RATE_LIMITED", message: expect.stringMatching(/^尝试次数过多，请\d+秒后再试$/), field: ["input", "password"] }]);
    const viaSignIn = await gql(app, SIGN_IN, { input: { phone: victim.phone, password: "victim-pass-1" } });
    expect(viaSignIn.data!.signIn.userErrors[0].code).toBe("RATE_LIMITED");
    expect(await prisma.teamMembership.count({ where: { volunteerId: victim.id, teamId: demo.haolinshe.id } })).toBe(0);
  });

  it("lets a new resident and the owner who knows the password through, and gives their attempts back", async () => {
    const code = await openInvite(demo.haolinshe.id);
    const phone = freshPhone();
    const first = await gql(app, JOIN, { input: { code, name: "新居民", phone, password: "new-resident-1", acceptTerms: true } });
    expect(first.data!.joinTeam.userErrors).toEqual([]);
    // Four typing mistakes of their own, then the right password: still in (a success forgets the failures).
    const other = await createStation();
    const second = await openInvite(other.team.id, other.officer.token);
    for (let i = 0; i < 4; i++) {
      const r = await gql(app, JOIN, { input: { code: second, name: "新居民", phone, password: `typo-${i}-pass`, acceptTerms: true } });
      expect(r.data!.joinTeam.userErrors[0].code).toBe("UNAUTHENTICATED");
    }
    const ok = await gql(app, JOIN, { input: { code: second, name: "新居民", phone, password: "new-resident-1", acceptTerms: true } });
    expect(ok.data!.joinTeam.userErrors).toEqual([]);
    expect(ok.data!.joinTeam.membership.status).toBe("PENDING");
    expect((await gql(app, SIGN_IN, { input: { phone, password: "new-resident-1" } })).data!.signIn.token).toEqual(expect.any(String));
  });
});

const FEED_URL = `{ viewer { calendarFeedUrl } }`;
const MY_SHIFTS = `query ($upcoming: Boolean) { viewer { myShifts(first: 50, upcoming: $upcoming) { edges { node { status shift { title notes } } } } } }`;
const UPDATE_SHIFT = `mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { userErrors { code message field } } }`;
const SET_STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code message } } }`;
const REMOVE = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { userErrors { code message } } }`;

async function feedOf(token: string): Promise<string> {
  const url = (await gql(app, FEED_URL, {}, token)).data!.viewer.calendarFeedUrl as string;
  const res = await fetch(`${app.url}${url}`);
  expect(res.status).toBe(200);
  return res.text();
}

describe("a volunteer who left a station", () => {
  it("no longer reads its shifts' briefings in the calendar feed, and their shift lists still load (left, or taken off the only team)", async () => {
    // One station they leave, one they stay in.
    const left = await createStation();
    const stays = await createStation();
    const person = await createVolunteer({ teamId: left.team.id });
    const removed = await createVolunteer({ teamId: left.team.id });
    await prisma.teamMembership.create({ data: { teamId: stays.team.id, volunteerId: person.id } });
    const start = inDays(3);
    const end = new Date(start.getTime() + 2 * 3600_000);
    const { shift: there } = await publishShift(app, left.officer.token, { teamId: teamGid(left.team.id), startsAt: start, endsAt: end, title: "离开前认领的巡逻", notes: "集合：东门" });
    const { shift: here } = await publishShift(app, stays.officer.token, { teamId: teamGid(stays.team.id), startsAt: inDays(4), endsAt: new Date(inDays(4).getTime() + 3600_000), title: "留下的所的巡逻" });
    for (const p of [person, removed]) expect((await gql(app, CLAIM, { input: { shiftId: there.id } }, p.token)).data!.claimShift.userErrors).toEqual([]);
    expect((await gql(app, CLAIM, { input: { shiftId: here.id } }, person.token)).data!.claimShift.userErrors).toEqual([]);
    expect(await feedOf(person.token)).toContain("集合：东门");

    // The station lets one go (their claim is cancelled) and takes the other off its only team (the claim stays).
    const status = await gql(app, SET_STATUS, { input: { stationId: gid("Station", left.station.id), volunteerIds: [gid("Volunteer", person.id)], status: "LEFT", reason: "搬家" } }, left.officer.token);
    expect(status.data!.setVolunteerStatus.userErrors).toEqual([]);
    expect((await gql(app, REMOVE, { input: { teamId: gid("Team", left.team.id), volunteerId: gid("Volunteer", removed.id) } }, left.officer.token)).data!.removeTeamMember.userErrors).toEqual([]);
    // Then it edits the briefing: nothing of it reaches either of them any more.
    expect((await gql(app, UPDATE_SHIFT, { input: { shiftId: there.id, notes: "内部：嫌疑车辆浙D12345，联系人13912345678" } }, left.officer.token)).data!.updateShift.userErrors).toEqual([]);

    const personFeed = await feedOf(person.token);
    expect(personFeed).toContain("留下的所的巡逻");
    expect(personFeed).not.toContain("离开前认领的巡逻");
    expect(personFeed).not.toContain("浙D12345");
    const removedFeed = await feedOf(removed.token);
    expect(removedFeed).not.toContain("离开前认领的巡逻");
    expect(removedFeed).not.toContain("浙D12345");

    // The app did not show that shift either, but the whole page failed (viewer: null) on its claim.
    for (const [p, titles] of [
      [person, ["留下的所的巡逻"]],
      [removed, []],
    ] as const) {
      for (const upcoming of [true, false]) {
        const r = await gql(app, MY_SHIFTS, { upcoming }, p.token);
        expect(r.errors, `upcoming: ${upcoming}`).toBeUndefined();
        expect(r.data!.viewer.myShifts.edges.map((e: { node: { shift: { title: string } } }) => e.node.shift.title)).toEqual(titles);
      }
    }
  });
});

const REGISTER = `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id name idNumber phone } userErrors { code message field } } }`;
const ACCEPT = `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { enrollment { status } userErrors { code message field } } }`;
const PENDING_ENROLLMENTS = `{ viewer { pendingEnrollments { id name idNumber phone displayName stationName } } }`;

describe("a phone someone claimed on a join page", () => {
  it("does not show that account the legal name and ID number another station registers for the phone; the officers see them in full", async () => {
    // Anyone with a poster's invitation opens an account with any phone nobody has used yet (nothing proves the phone).
    const elsewhere = await createStation();
    const code = await openInvite(elsewhere.team.id, elsewhere.officer.token);
    const phone = freshPhone();
    const claimed = await gql(app, JOIN, { input: { code, name: "冒名者", phone, password: "claimed-pass-1", acceptTerms: true } });
    const squatter = claimed.data!.joinTeam.token as string;
    // Then 府山 registers the phone's real owner.
    const reg = await gql(app, REGISTER, { input: { teamId: gid("Team", demo.haolinshe.id), name: "王小明", phone, idNumber: "11010519491231002X" } }, officer);
    expect(reg.data!.registerVolunteer.userErrors).toEqual([]);
    expect(reg.data!.registerVolunteer.enrollment).toMatchObject({ name: "王小明", idNumber: "11010519491231002X", phone });

    const seen = (await gql(app, PENDING_ENROLLMENTS, {}, squatter)).data!.viewer.pendingEnrollments;
    // The name the station will show is the legal name here: masked as well.
    expect(seen).toEqual([{ id: reg.data!.registerVolunteer.enrollment.id, name: "王**", idNumber: "110***********002X", phone, displayName: "王**", stationName: "府山派出所" }]);
    const node = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Enrollment { name idNumber } } }`, { id: reg.data!.registerVolunteer.enrollment.id }, squatter);
    expect(node.data!.node).toEqual({ name: "王**", idNumber: "110***********002X" });
    // The station's officers still read them in full; another station's officer not at all.
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { ... on Enrollment { name idNumber } } }`, { id: reg.data!.registerVolunteer.enrollment.id }, officer)).data!.node).toEqual({ name: "王小明", idNumber: "11010519491231002X" });
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { ... on Enrollment { name } } }`, { id: reg.data!.registerVolunteer.enrollment.id }, elsewhere.officer.token)).data!.node).toBeNull();
  });

  it("cannot accept that registration without the code the station handed to the person: a wrong code is refused on the code's field, guesses are locked after five, and nothing is joined", async () => {
    const elsewhere = await createStation();
    const phone = freshPhone();
    const claimed = await gql(app, JOIN, { input: { code: await openInvite(elsewhere.team.id, elsewhere.officer.token), name: "冒名者", phone, password: "claimed-pass-1", acceptTerms: true } });
    const squatter = claimed.data!.joinTeam.token as string;
    const reg = await gql(app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code } } }`, { input: { teamId: gid("Team", demo.haolinshe.id), name: "王小明", phone, idNumber: "11010519491231002X" } }, officer);
    const enrollmentId = reg.data!.registerVolunteer.enrollment.id as string;
    const right = reg.data!.registerVolunteer.activationCode as string;
    const accept = async (code: string) => (await gql(app, ACCEPT, { input: { enrollmentId, code } }, squatter)).data!.acceptEnrollment.userErrors;

    expect(await accept("ABCD-EFGH-JK")).toEqual([{ code: "VALIDATION", message: "激活码不正确：请核对登记您的派出所给您的激活码", field: ["input", "code"] }]);
    for (let i = 0; i < 4; i++) expect((await accept(`WRONG${i}`))[0].code).toBe("VALIDATION");
    // The sixth try is locked, the right code too: five guesses per window, as for activation.
    expect((await accept(right))[0]).toMatchObject({ code: "RATE_LIMITED", field: ["input", "code"] });

    const volunteerId = (await prisma.volunteer.findUniqueOrThrow({ where: { phone } })).id;
    expect(await prisma.teamMembership.findMany({ where: { volunteerId }, select: { teamId: true, status: true } })).toEqual([{ teamId: elsewhere.team.id, status: "PENDING" }]);
    expect(await prisma.enrollment.findUniqueOrThrow({ where: { id: Buffer.from(enrollmentId, "base64").toString().split(":")[1]! }, select: { status: true } })).toEqual({ status: "PENDING" });
    // Each miss is in 府山's audit log, under the registration.
    expect(await prisma.auditEntry.count({ where: { action: "enrollment.accept.failed", stationId: demo.fushan.id, targetId: Buffer.from(enrollmentId, "base64").toString().split(":")[1]! } })).toBe(5);
  });
});

describe("wrong codes typed for a phone on the public /activate", () => {
  it("lock activation for that phone, but not its account's answer to a registration with the right code", async () => {
    const phone = freshPhone();
    const station = await createStation();
    const invite = await openInvite(station.team.id, station.officer.token);
    const own = (await gql(app, JOIN, { input: { code: invite, name: "本人", phone, password: "own-pass-12", acceptTerms: true } })).data!.joinTeam.token as string;
    const reg = await gql(app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code } } }`, { input: { teamId: gid("Team", demo.haolinshe.id), name: "王小明", phone, idNumber: "11010519491231002X" } }, officer);
    const ACTIVATE = `mutation ($input: ActivateAccountInput!) { activateAccount(input: $input) { userErrors { code } } }`;
    // Anyone who knows the phone number: six wrong codes, and /activate is locked for it.
    const codes = [];
    for (let i = 0; i < 6; i++) codes.push((await gql(app, ACTIVATE, { input: { phone, code: `WRONG-${i}`, password: "whatever-123", acceptTerms: true } })).data!.activateAccount.userErrors[0].code);
    expect(codes.at(-1)).toBe("RATE_LIMITED");
    // The phone's own account still answers with the code the station gave the person.
    const accepted = await gql(app, ACCEPT, { input: { enrollmentId: reg.data!.registerVolunteer.enrollment.id, code: reg.data!.registerVolunteer.activationCode } }, own);
    expect(accepted.data!.acceptEnrollment).toEqual({ enrollment: { status: "ACCEPTED" }, userErrors: [] });
  });
});

describe("a registration the person accepted", () => {
  it("shows the station's officers the legal name, ID number and phone only while they see the person's own (not after the person left)", async () => {
    const station = await createStation();
    const phone = freshPhone();
    const reg = await gql(app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { activationCode enrollment { id } userErrors { code } } }`, { input: { teamId: gid("Team", station.team.id), name: "李四", phone, idNumber: "11010519491231002X" } }, station.officer.token);
    const activated = await gql(app, `mutation ($input: ActivateAccountInput!) { activateAccount(input: $input) { viewer { volunteer { id } } userErrors { code } } }`, { input: { phone, code: reg.data!.registerVolunteer.activationCode, password: "li-si-pass-1", acceptTerms: true } });
    const volunteerId = activated.data!.activateAccount.viewer.volunteer.id as string;
    const ENROLLMENTS = `query ($id: ID!) { node(id: $id) { ... on Station { enrollments(first: 10, status: ACCEPTED) { edges { node { name idNumber phone } } } } } }`;
    const read = async () => (await gql(app, ENROLLMENTS, { id: gid("Station", station.station.id) }, station.officer.token)).data!.node.enrollments.edges.map((e: { node: unknown }) => e.node);
    const VOLUNTEER = `query ($id: ID!) { node(id: $id) { ... on Volunteer { name idNumber phone } } }`;
    // The ID number went to the person's own record; the registration keeps no copy (test/enrollment-erasure.test.ts).
    expect(await read()).toEqual([{ name: "李四", idNumber: null, phone }]);

    const left = await gql(app, SET_STATUS, { input: { stationId: gid("Station", station.station.id), volunteerIds: [volunteerId], status: "LEFT", reason: "搬家" } }, station.officer.token);
    expect(left.data!.setVolunteerStatus.userErrors).toEqual([]);
    // The person's own record is masked for the station they left; the registration the station kept was not.
    expect((await gql(app, VOLUNTEER, { id: volunteerId }, station.officer.token)).data!.node).toEqual({ name: "李*", idNumber: "110***********002X", phone: `${phone.slice(0, 3)}****${phone.slice(-4)}` });
    expect(await read()).toEqual([{ name: "李*", idNumber: null, phone: `${phone.slice(0, 3)}****${phone.slice(-4)}` }]);
  });
});

describe("a suspended volunteer", () => {
  it("does not lift their suspension by accepting a registration the station made before it", async () => {
    const station = await createStation();
    const person = await createVolunteer({ teamId: station.team.id });
    const second = await prisma.team.create({ data: { stationId: station.station.id, name: `第二队${person.phone.slice(-4)}` } });
    // Registered for the second team while a member; the registration waits for them (30 days).
    const enrollment = await prisma.enrollment.create({
      data: { stationId: station.station.id, teamId: second.id, squadIds: [], name: person.name, displayName: person.displayName, phone: person.phone, specialties: [], skills: [], codeHash: codeHash("SUSPENDME"), expiresAt: inDays(20), createdById: station.officer.accountId },
    });
    const suspend = await gql(app, SET_STATUS, { input: { stationId: gid("Station", station.station.id), volunteerIds: [gid("Volunteer", person.id)], status: "SUSPENDED", reason: "违反纪律" } }, station.officer.token);
    expect(suspend.data!.setVolunteerStatus.userErrors).toEqual([]);

    const accepted = await gql(app, ACCEPT, { input: { enrollmentId: gid("Enrollment", enrollment.id), code: "SUSPEND-ME" } }, person.token);
    expect(accepted.data!.acceptEnrollment.userErrors).toEqual([{ code: "CONFLICT", message: "您在本所的义警资格已暂停，请联系社区民警", field: ["input", "enrollmentId"] }]);
    expect(await prisma.teamMembership.findMany({ where: { volunteerId: person.id }, select: { status: true }, orderBy: { id: "asc" } })).toEqual([{ status: "SUSPENDED" }]);
  });
});

describe("the calendar feed's secret address after a lost phone", () => {
  const EVERYWHERE = `mutation { signOutEverywhere(input: {}) { sessionsEnded userErrors { code } } }`;
  const RESET = `mutation ($input: ResetVolunteerPasswordInput!) { resetVolunteerPassword(input: $input) { code userErrors { code } } }`;
  it("stops answering once the person signs out everywhere, or an officer resets the password", async () => {
    const { officer, team } = await createStation();
    for (const end of ["everywhere", "reset"] as const) {
      const person = await createVolunteer({ teamId: team.id });
      const url = (await gql(app, FEED_URL, {}, person.token)).data!.viewer.calendarFeedUrl as string;
      expect((await fetch(`${app.url}${url}`)).status).toBe(200);
      if (end === "everywhere") expect((await gql(app, EVERYWHERE, {}, person.token)).data!.signOutEverywhere.userErrors).toEqual([]);
      else expect((await gql(app, RESET, { input: { volunteerId: gid("Volunteer", person.id) } }, officer.token)).data!.resetVolunteerPassword.userErrors).toEqual([]);
      expect((await fetch(`${app.url}${url}`)).status, end).toBe(404);
    }
  });
});
