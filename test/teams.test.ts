import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { gql, signIn, startApp, type GqlResponse } from "./support/client.js";
import { createAccount, createSquad, createStation, createTeam, createVolunteer, createVolunteers, DEMO_PHONES, freshPhone, gid, seedDemoData } from "./support/fixtures.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  for (const [k, phone] of Object.entries({
    officer: DEMO_PHONES.fushanOfficer,
    leader: DEMO_PHONES.haolinsheLeader,
    otherOfficer: DEMO_PHONES.changqingOfficer,
    partner: DEMO_PHONES.partnerAdmin,
    volunteer: DEMO_PHONES.firstVolunteer,
  })) {
    tokens[k] = await signIn(app, phone);
  }
});
afterAll(() => app?.stop());

const PERSON = `query ($id: ID!) { node(id: $id) { ... on Volunteer { displayName name phone idNumber viewerCanSeePersonalData } } }`;

describe("personal data", () => {
  it("is shown in full to the person, their leaders and their station's officers, masked to others", async () => {
    const [target, peer] = await createVolunteers(2, { teamId: demo.haolinshe.id });
    const id = gid("Volunteer", target!.id);
    const masked = {
      displayName: target!.displayName,
      name: target!.name[0] + "*".repeat([...target!.name].length - 1),
      phone: `${target!.phone.slice(0, 3)}****${target!.phone.slice(-4)}`,
      idNumber: `${target!.idNumber.slice(0, 3)}***********${target!.idNumber.slice(-4)}`,
      viewerCanSeePersonalData: false,
    };
    // Another volunteer of the team and the station's partner contact see it masked; another
    // station's officer does not see the person at all.
    for (const token of [peer!.token, tokens.partner!]) {
      expect((await gql(app, PERSON, { id }, token)).data!.node).toEqual(masked);
    }
    expect(await gql(app, PERSON, { id }, tokens.otherOfficer)).toEqual({ data: { node: null } });
    const full = { displayName: target!.displayName, name: target!.name, phone: target!.phone, idNumber: target!.idNumber, viewerCanSeePersonalData: true };
    for (const token of [tokens.officer!, tokens.leader!, target!.token]) {
      expect((await gql(app, PERSON, { id }, token)).data!.node).toEqual(full);
    }
    // A member of the team who is an officer of another station still sees it masked here.
    await prisma.accountRole.create({ data: { accountId: peer!.accountId, role: "OFFICER", stationId: (await createStation()).station.id } });
    expect((await gql(app, PERSON, { id }, peer!.token)).data!.node).toEqual(masked);
  });

  it("lets a squad leader see their squad's members but not other squads'", async () => {
    const [squad, other] = [await createSquad(demo.haolinshe.id), await createSquad(demo.haolinshe.id)];
    const squadLeader = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squad.id], squadRole: "LEADER" });
    const member = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squad.id] });
    const outsider = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [other.id] });
    expect((await gql(app, PERSON, { id: gid("Volunteer", member.id) }, squadLeader.token)).data!.node.phone).toBe(member.phone);
    expect((await gql(app, PERSON, { id: gid("Volunteer", outsider.id) }, squadLeader.token)).data!.node.phone).toMatch(/^\d{3}\*{4}\d{4}$/);
  });
});

describe("station boundaries", () => {
  it("lists only the viewer's stations", async () => {
    const q = `{ stations(first: 10) { edges { node { name } } } }`;
    const names = async (t: string) => (await gql(app, q, {}, t)).data!.stations.edges.map((e: { node: { name: string } }) => e.node.name);
    expect(await names(tokens.officer!)).toEqual(["府山派出所"]);
    expect(await names(tokens.otherOfficer!)).toEqual(["长庆派出所"]);
    expect(await names(tokens.partner!)).toEqual(["府山派出所"]);
  });

  it("denies another station's officer reading or changing a team", async () => {
    const teamId = gid("Team", demo.haolinshe.id);
    const read = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Team { name } } }`, { id: teamId }, tokens.otherOfficer);
    // Nothing of the team leaks, not even that it exists: the same null as for a missing ID.
    expect(read).toEqual({ data: { node: null } });
    const missing = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Team { name } } }`, { id: gid("Team", "00000000-0000-7000-8000-000000000000") }, tokens.otherOfficer);
    expect(missing).toEqual(read);
    const write = await gql(
      app,
      `mutation ($input: CreateSquadInput!) { createSquad(input: $input) { squad { id } userErrors { code } } }`,
      { input: { teamId, name: "越界小队", specialty: "TRAFFIC" } },
      tokens.otherOfficer,
    );
    expect(write.data!.createSquad).toEqual({ squad: null, userErrors: [{ code: "NOT_FOUND" }] });
    expect(await prisma.squad.count({ where: { name: "越界小队" } })).toBe(0);
  });
});

const CREATE_TEAM = `mutation ($input: CreateTeamInput!) { createTeam(input: $input) { team { id name viewerCanManage } userErrors { code message field } } }`;
const REGISTER = `mutation ($input: RegisterVolunteerInput!) {
  registerVolunteer(input: $input) { enrollment { id displayName phone status } activationCode userErrors { code message field } }
}`;
const ACTIVATE = `mutation ($input: ActivateAccountInput!) {
  activateAccount(input: $input) { token viewer { roleNames } userErrors { code message field } }
}`;

/** A person in another team of the station (created directly: what registration and activation make). */
async function addPerson(stationId: string, teamName: string, phone: string, name: string) {
  const team = await prisma.team.upsert({ where: { stationId_name: { stationId, name: teamName } }, create: { stationId, name: teamName }, update: {} });
  return prisma.volunteer.create({ data: { name, displayName: name, phone, teams: { create: { teamId: team.id } } } });
}

describe("management mutations", () => {
  it("an officer creates a team; a duplicate name is a CONFLICT; bad input is VALIDATION", async () => {
    const stationId = gid("Station", demo.fushan.id);
    const ok = await gql(app, CREATE_TEAM, { input: { stationId, name: "红枫义警" } }, tokens.officer);
    expect(ok.data!.createTeam.userErrors).toEqual([]);
    expect(ok.data!.createTeam.team).toMatchObject({ name: "红枫义警", viewerCanManage: true });
    const dup = await gql(app, CREATE_TEAM, { input: { stationId, name: "红枫义警" } }, tokens.officer);
    expect(dup.data!.createTeam.userErrors).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "name"] }]);
    const bad = await gql(app, CREATE_TEAM, { input: { stationId: gid("Team", demo.haolinshe.id), name: "x".repeat(61) } }, tokens.officer);
    expect(bad.data!.createTeam.userErrors.map((e: { field: string[] }) => e.field)).toEqual([
      ["input", "stationId"],
      ["input", "name"],
    ]);
    expect(await prisma.team.count({ where: { name: "红枫义警" } })).toBe(1);
  });

  it("a leader cannot create teams or appoint leaders, but manages squads and members", async () => {
    const denied = await gql(app, CREATE_TEAM, { input: { stationId: gid("Station", demo.fushan.id), name: "队长的新队" } }, tokens.leader);
    expect(denied.data!.createTeam.userErrors[0].code).toBe("FORBIDDEN");

    const squad = await gql(
      app,
      `mutation ($input: CreateSquadInput!) { createSquad(input: $input) { squad { id name specialty viewerCanManage } userErrors { code } } }`,
      { input: { teamId: gid("Team", demo.haolinshe.id), name: "电动车防盗", specialty: "COMMUNITY_GRID" } },
      tokens.leader,
    );
    const created = squad.data!.createSquad.squad;
    expect(created).toMatchObject({ name: "电动车防盗", specialty: "COMMUNITY_GRID", viewerCanManage: true });

    const add = `mutation ($input: AddSquadMemberInput!) { addSquadMember(input: $input) { membership { role } userErrors { code field } } }`;
    const addTeam = `mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { membership { role } userErrors { code } } }`;
    const haolinshe = gid("Team", demo.haolinshe.id);

    // Another station's person does not exist for this leader: no oracle, nothing changes.
    const elsewhere = await demo.volunteer("13900000002"); // 长庆's committee member
    const foreign = await gql(app, addTeam, { input: { teamId: haolinshe, volunteerId: gid("Volunteer", elsewhere.id) } }, tokens.leader);
    expect(foreign.data!.addTeamMember.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    expect(await prisma.teamMembership.count({ where: { volunteerId: elsewhere.id, teamId: demo.haolinshe.id } })).toBe(0);

    // Someone of the same station (another team): only an officer adds them (a leader who could add
    // anyone would read anyone's personal data); nobody but an officer makes them a leader.
    const neighbour = await addPerson(demo.fushan.id, "红枫义警", "13700000077", "邻所队员");
    const notInTeam = await gql(app, add, { input: { squadId: created.id, volunteerId: gid("Volunteer", neighbour.id) } }, tokens.leader);
    expect(notInTeam.data!.addSquadMember.userErrors).toEqual([{ code: "CONFLICT", field: ["input", "volunteerId"] }]);
    const byLeaderAdd = await gql(app, addTeam, { input: { teamId: haolinshe, volunteerId: gid("Volunteer", neighbour.id) } }, tokens.leader);
    expect(byLeaderAdd.data!.addTeamMember.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const asMember = await gql(app, addTeam, { input: { teamId: haolinshe, volunteerId: gid("Volunteer", neighbour.id) } }, tokens.officer);
    expect(asMember.data!.addTeamMember).toEqual({ membership: { role: "MEMBER" }, userErrors: [] });
    expect((await gql(app, add, { input: { squadId: created.id, volunteerId: gid("Volunteer", neighbour.id) } }, tokens.leader)).data!.addSquadMember).toEqual({
      membership: { role: "MEMBER" },
      userErrors: [],
    });
    // A squad leader cannot widen their own view by adding people to their squad.
    const squadLeader = (await prisma.squadMembership.findFirstOrThrow({ where: { squadId: demo.squads[0]!.id, role: "LEADER" }, include: { volunteer: true } })).volunteer;
    const someone = (await prisma.teamMembership.findFirstOrThrow({ where: { teamId: demo.haolinshe.id, volunteer: { squads: { none: { squadId: demo.squads[0]!.id } } }, role: "MEMBER" } })).volunteerId;
    const slAdd = await gql(app, add, { input: { squadId: gid("Squad", demo.squads[0]!.id), volunteerId: gid("Volunteer", someone) } }, await signIn(app, squadLeader.phone));
    expect(slAdd.data!.addSquadMember.userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);

    // Leader roles change only by officers.
    const SET_LEADER = `mutation ($input: SetSquadLeaderInput!) { setSquadLeader(input: $input) { membership { role volunteer { displayName } } userErrors { code } } }`;
    const byLeader = await gql(app, SET_LEADER, { input: { squadId: created.id, volunteerId: gid("Volunteer", neighbour.id) } }, tokens.leader);
    expect(byLeader.data!.setSquadLeader.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const byOfficer = await gql(app, SET_LEADER, { input: { squadId: created.id, volunteerId: gid("Volunteer", neighbour.id) } }, tokens.officer);
    expect(byOfficer.data!.setSquadLeader.membership.role).toBe("LEADER");
    // A team leader cannot demote a co-leader by "adding" them again as a member.
    const coLeader = (await prisma.teamMembership.findFirstOrThrow({ where: { teamId: demo.haolinshe.id, role: "LEADER" }, include: { volunteer: true } })).volunteer;
    const demote = await gql(app, addTeam, { input: { teamId: haolinshe, volunteerId: gid("Volunteer", coLeader.id), role: "MEMBER" } }, tokens.leader);
    expect(demote.data!.addTeamMember.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    expect((await prisma.teamMembership.findFirstOrThrow({ where: { teamId: demo.haolinshe.id, volunteerId: coLeader.id } })).role).toBe("LEADER");

    // A squad leader cannot be removed by a team leader, neither from the squad nor from the team.
    const REMOVE_SQUAD = `mutation ($input: RemoveSquadMemberInput!) { removeSquadMember(input: $input) { squad { id } userErrors { code } } }`;
    expect((await gql(app, REMOVE_SQUAD, { input: { squadId: created.id, volunteerId: gid("Volunteer", neighbour.id) } }, tokens.leader)).data!.removeSquadMember.userErrors).toEqual([
      { code: "FORBIDDEN" },
    ]);
    const REMOVE_TEAM = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { name } userErrors { code } } }`;
    expect((await gql(app, REMOVE_TEAM, { input: { teamId: haolinshe, volunteerId: gid("Volunteer", neighbour.id) } }, tokens.leader)).data!.removeTeamMember.userErrors).toEqual([
      { code: "FORBIDDEN" },
    ]);
    const remove = await gql(
      app,
      `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { name } userErrors { code } } }`,
      { input: { teamId: haolinshe, volunteerId: gid("Volunteer", neighbour.id) } },
      tokens.officer,
    );
    expect(remove.data!.removeTeamMember.userErrors).toEqual([]);
    // Leaving the team leaves its squads too.
    expect(await prisma.squadMembership.count({ where: { volunteerId: neighbour.id, squad: { teamId: demo.haolinshe.id } } })).toBe(0);
  });

  it("a volunteer cannot manage the team", async () => {
    const res = await gql(
      app,
      `mutation ($input: UpdateTeamInput!) { updateTeam(input: $input) { team { name } userErrors { code } } }`,
      { input: { teamId: gid("Team", demo.haolinshe.id), name: "我的队" } },
      tokens.volunteer,
    );
    expect(res.data!.updateTeam).toEqual({ team: null, userErrors: [{ code: "FORBIDDEN" }] });
  });

  it("an officer registers a resident who joins by activating with the code; a second registration is a CONFLICT", async () => {
    const input = {
      teamId: gid("Team", demo.haolinshe.id),
      squadIds: [gid("Squad", demo.squads[0]!.id)],
      name: "方晓燕",
      displayName: "方护士",
      phone: "13700000001",
      idNumber: "33060219900101001x",
      specialties: ["MEDICAL_GUARD"],
      skills: ["急救证"],
    };
    const ok = await gql(app, REGISTER, { input }, tokens.officer);
    expect(ok.data!.registerVolunteer).toMatchObject({
      enrollment: { displayName: "方护士", phone: "13700000001", status: "PENDING" },
      activationCode: expect.stringMatching(/^[A-Z2-9]{10}$/),
      userErrors: [],
    });
    // Nobody is a volunteer before consenting.
    expect(await prisma.volunteer.count({ where: { phone: "13700000001" } })).toBe(0);
    const activated = await gql(app, ACTIVATE, { input: { phone: "13700000001", code: ok.data!.registerVolunteer.activationCode.toLowerCase(), password: "hushi-2026", acceptTerms: true } });
    expect(activated.data!.activateAccount.userErrors).toEqual([]);
    expect(activated.data!.activateAccount.viewer.roleNames).toEqual(["VOLUNTEER"]);
    expect(await signIn(app, "13700000001", "hushi-2026")).toBeTruthy();
    const stored = await prisma.volunteer.findUniqueOrThrow({ where: { phone: "13700000001" }, include: { squads: true, teams: true } });
    expect(stored.idNumber).toBe("33060219900101001X");
    expect(stored.squads).toHaveLength(1);
    // The code works once.
    const reused = await gql(app, ACTIVATE, { input: { phone: "13700000001", code: ok.data!.registerVolunteer.activationCode, password: "other-pass-1", acceptTerms: true } });
    expect(reused.data!.activateAccount.userErrors[0].code).toBe("UNAUTHENTICATED");

    const again = await gql(app, REGISTER, { input: { ...input, name: "别人" } }, tokens.officer);
    expect(again.data!.registerVolunteer.userErrors).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "phone"] }]);

    const bad = await gql(app, REGISTER, { input: { ...input, phone: "555", idNumber: "123" } }, tokens.officer);
    expect(bad.data!.registerVolunteer.userErrors.map((e: { field: string[] }) => e.field.join("."))).toEqual(["input.phone", "input.idNumber"]);

    const byLeader = await gql(app, REGISTER, { input: { ...input, phone: "13700000002" } }, tokens.leader);
    expect(byLeader.data!.registerVolunteer.userErrors[0].code).toBe("FORBIDDEN");
    expect(await prisma.enrollment.count({ where: { phone: "13700000002" } })).toBe(0);
  });

  it("answers another station's officer the same for a phone in use there as for a new one, and touches no account", async () => {
    const committee = gid("Team", demo.committee.id);
    const known = DEMO_PHONES.fushanOfficer; // an officer of 府山, unknown to 长庆
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: known } });
    const shape = (r: GqlResponse) => ({
      keys: Object.keys(r.data!.registerVolunteer.enrollment).sort(),
      status: r.data!.registerVolunteer.enrollment.status,
      code: typeof r.data!.registerVolunteer.activationCode,
      errors: r.data!.registerVolunteer.userErrors,
    });
    const person = { teamId: committee, name: "李四", specialties: [] };
    const used = await gql(app, REGISTER, { input: { ...person, phone: known } }, tokens.otherOfficer);
    const fresh = await gql(app, REGISTER, { input: { ...person, phone: "13700000123" } }, tokens.otherOfficer);
    expect(shape(used)).toEqual(shape(fresh));
    expect(await prisma.account.findUniqueOrThrow({ where: { phone: known } })).toEqual(account);
    // Only the phone's owner, signed in, can accept it.
    const owner = tokens.officer!;
    const pending = await gql(app, `{ viewer { pendingEnrollments { id stationName } } }`, {}, owner);
    expect(pending.data!.viewer.pendingEnrollments).toEqual([{ id: used.data!.registerVolunteer.enrollment.id, stationName: "长庆派出所" }]);
    const code = await gql(app, ACTIVATE, { input: { phone: known, code: used.data!.registerVolunteer.activationCode, password: "take-over-9", acceptTerms: true } });
    expect(code.data!.activateAccount.userErrors[0].code).toBe("CONFLICT");
    expect(await prisma.account.findUniqueOrThrow({ where: { phone: known } })).toEqual(account);
  });
  it("an account without a volunteer record accepts its phone's registration once and becomes that volunteer; only the phone's owner, only while open; declining twice is harmless", async () => {
    const ACCEPT = `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { enrollment { id status } userErrors { code message field } } }`;
    const DECLINE = `mutation ($input: DeclineEnrollmentInput!) { declineEnrollment(input: $input) { enrollment { id status } userErrors { code message field } } }`;
    const partner = await prisma.partner.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const codes = new Map<string, string>();
    const registerFor = async (phone: string) => {
      const r = await gql(app, REGISTER, { input: { teamId: gid("Team", demo.haolinshe.id), name: "王联络", displayName: "老王", phone, specialties: ["TRAFFIC"] } }, tokens.officer);
      expect(r.data!.registerVolunteer.userErrors).toEqual([]);
      codes.set(r.data!.registerVolunteer.enrollment.id, r.data!.registerVolunteer.activationCode);
      return r.data!.registerVolunteer.enrollment.id as string;
    };
    const withCode = (enrollmentId: string) => ({ enrollmentId, code: codes.get(enrollmentId)! });
    const contact = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    const enrollmentId = await registerFor(contact.phone);
    const stranger = await createVolunteer();
    expect((await gql(app, ACCEPT, { input: withCode(enrollmentId) }, stranger.token)).data!.acceptEnrollment.userErrors).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "enrollmentId"] }]);
    expect((await gql(app, DECLINE, { input: withCode(enrollmentId) }, stranger.token)).data!.declineEnrollment.userErrors[0].code).toBe("NOT_FOUND");

    // As the person types it: lower case, a space and a dash do not matter.
    const typed = codes.get(enrollmentId)!.toLowerCase().replace(/^(.{3})(.{3})/, "$1 $2-");
    const ok = await gql(app, ACCEPT, { input: { enrollmentId, code: typed } }, contact.token);
    expect(ok.data!.acceptEnrollment.userErrors).toEqual([]);
    const volunteer = await prisma.volunteer.findUniqueOrThrow({ where: { phone: contact.phone }, include: { teams: true } });
    expect(volunteer).toMatchObject({ name: "王联络", displayName: "老王", specialties: ["TRAFFIC"] });
    expect(volunteer.teams.map((m) => [m.teamId, m.status])).toEqual([[demo.haolinshe.id, "ACTIVE"]]);
    expect((await prisma.account.findUniqueOrThrow({ where: { id: contact.accountId } })).volunteerId).toBe(volunteer.id);
    expect((await gql(app, ACCEPT, { input: withCode(enrollmentId) }, contact.token)).data!.acceptEnrollment.userErrors).toEqual([{ code: "CONFLICT", message: "该邀请已失效", field: ["input", "enrollmentId"] }]);

    // Expired: refused, and nothing is made.
    const late = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    const lateId = await registerFor(late.phone);
    await prisma.enrollment.update({ where: { id: Buffer.from(lateId, "base64").toString().split(":")[1]! }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await gql(app, ACCEPT, { input: withCode(lateId) }, late.token)).data!.acceptEnrollment.userErrors[0].code).toBe("CONFLICT");
    expect(await prisma.volunteer.count({ where: { phone: late.phone } })).toBe(0);

    // A volunteer record of the phone that is not this account's is never attached.
    const other = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    const otherId = await registerFor(other.phone);
    await prisma.volunteer.create({ data: { name: "另一人", displayName: "另一人", phone: other.phone, skills: [] } });
    expect((await gql(app, ACCEPT, { input: withCode(otherId) }, other.token)).data!.acceptEnrollment.userErrors[0]).toMatchObject({ code: "CONFLICT", field: ["input", "enrollmentId"] });
    expect((await prisma.account.findUniqueOrThrow({ where: { id: other.accountId } })).volunteerId).toBeNull();

    // Declining: closed for good, once in the audit however often it is sent.
    const declined = await gql(app, DECLINE, { input: withCode(otherId) }, other.token);
    expect(declined.data!.declineEnrollment.enrollment.status).toBe("CANCELLED");
    expect((await gql(app, DECLINE, { input: withCode(otherId) }, other.token)).data!.declineEnrollment).toEqual({ enrollment: { id: otherId, status: "CANCELLED" }, userErrors: [] });
    expect(await prisma.auditEntry.count({ where: { action: "enrollment.decline", targetId: Buffer.from(otherId, "base64").toString().split(":")[1]! } })).toBe(1);
    expect((await gql(app, ACCEPT, { input: withCode(otherId) }, other.token)).data!.acceptEnrollment.userErrors[0].code).toBe("CONFLICT");
  });

  it("registration checks the team, its squads and the partner", async () => {
    const nobody = "00000000-0000-7000-8000-000000000000";
    const partner = await prisma.partner.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const foreignPartner = await prisma.partner.create({ data: { stationId: demo.changqing.id, name: `长庆测试单位${freshPhone()}`, kind: "OTHER" } });
    const foreignSquad = await createSquad(demo.committee.id);
    const base = { teamId: gid("Team", demo.haolinshe.id), name: "张" };
    const register = async (input: Record<string, unknown>) => (await gql(app, REGISTER, { input: { ...base, phone: freshPhone(), ...input } }, tokens.officer)).data!.registerVolunteer;
    expect((await register({ teamId: gid("Team", nobody) })).userErrors).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "teamId"] }]);
    expect((await register({ squadIds: [gid("Squad", demo.squads[0]!.id), gid("Squad", foreignSquad.id)] })).userErrors).toEqual([
      { code: "NOT_FOUND", message: expect.any(String), field: ["input", "squadIds", "1"] },
    ]);
    expect((await register({ partnerId: gid("Partner", foreignPartner.id) })).userErrors).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "partnerId"] }]);
    const ok = await register({ partnerId: gid("Partner", partner.id) });
    expect(ok).toMatchObject({ enrollment: { displayName: "张", status: "PENDING" }, userErrors: [] });
    expect(await prisma.enrollment.findUniqueOrThrow({ where: { id: Buffer.from(ok.enrollment.id, "base64").toString().split(":")[1]! } })).toMatchObject({ partnerId: partner.id });
  });

  it("masks a one-character name fully, and shows no ID number where there is none", async () => {
    const [person, other] = await createVolunteers(2, { teamId: demo.haolinshe.id });
    await prisma.volunteer.update({ where: { id: person!.id }, data: { name: "张", idNumber: null } });
    expect((await gql(app, PERSON, { id: gid("Volunteer", person!.id) }, other!.token)).data!.node).toMatchObject({ name: "*", idNumber: null });
    // Privacy settings are a volunteer's own.
    expect((await gql(app, `mutation { updateMyPrivacy(input: { publicRanking: false }) { userErrors { code } } }`, {}, tokens.officer)).data!.updateMyPrivacy.userErrors).toEqual([
      { code: "FORBIDDEN" },
    ]);
  });
});

describe("squads", () => {
  const UPDATE_SQUAD = `mutation ($input: UpdateSquadInput!) { updateSquad(input: $input) { squad { name specialty description } userErrors { code field } } }`;
  const REMOVE = `mutation ($input: RemoveSquadMemberInput!) { removeSquadMember(input: $input) { squad { name } userErrors { code field } } }`;

  it("the squad's leader, the team's leaders and officers edit a squad; a duplicate name is a CONFLICT", async () => {
    const [squad, other] = [await createSquad(demo.haolinshe.id, "TRAFFIC"), await createSquad(demo.haolinshe.id)];
    const squadLeader = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squad.id], squadRole: "LEADER" });
    const otherLeader = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [other.id], squadRole: "LEADER" });
    const member = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squad.id] });
    const update = async (token: string, input: Record<string, unknown>) => (await gql(app, UPDATE_SQUAD, { input: { squadId: gid("Squad", squad.id), ...input } }, token)).data!.updateSquad;
    for (const token of [member.token, otherLeader.token]) {
      expect((await update(token, { name: "越权改名" })).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    }
    expect((await update(tokens.otherOfficer!, { name: "越权改名" })).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "squadId"] }]); // another station's
    const name = `${squad.name}·路口劝导`;
    expect(await update(squadLeader.token, { name, description: "早晚高峰路口劝导" })).toEqual({
      squad: { name, specialty: "TRAFFIC", description: "早晚高峰路口劝导" },
      userErrors: [],
    });
    expect((await update(tokens.leader!, { specialty: "NIGHT_PATROL" })).squad.specialty).toBe("NIGHT_PATROL");
    expect((await update(tokens.officer!, { name: other.name })).userErrors).toEqual([{ code: "CONFLICT", field: ["input", "name"] }]);
    expect((await update(tokens.officer!, { name: "" })).userErrors).toEqual([{ code: "VALIDATION", field: ["input", "name"] }]);
    expect((await gql(app, UPDATE_SQUAD, { input: { squadId: gid("Squad", "00000000-0000-7000-8000-000000000000"), name: "x" } }, tokens.officer)).data!.updateSquad.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "squadId"] },
    ]);
    expect((await prisma.squad.findUniqueOrThrow({ where: { id: squad.id } })).name).toBe(name);
  });

  it("a squad's leader removes a member from the squad, who stays in the team; a member cannot", async () => {
    const squad = await createSquad(demo.haolinshe.id);
    const squadLeader = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squad.id], squadRole: "LEADER" });
    const [a, b] = await createVolunteers(2, { teamId: demo.haolinshe.id, squadIds: [squad.id] });
    const remove = async (token: string, volunteerId: string) => (await gql(app, REMOVE, { input: { squadId: gid("Squad", squad.id), volunteerId: gid("Volunteer", volunteerId) } }, token)).data!.removeSquadMember;
    expect((await remove(b!.token, a!.id)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect(await remove(squadLeader.token, a!.id)).toEqual({ squad: { name: squad.name }, userErrors: [] });
    expect(await prisma.squadMembership.count({ where: { squadId: squad.id, volunteerId: a!.id } })).toBe(0);
    expect(await prisma.teamMembership.count({ where: { teamId: demo.haolinshe.id, volunteerId: a!.id } })).toBe(1);
    expect((await remove(squadLeader.token, a!.id)).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "volunteerId"] }]);
    expect((await remove(tokens.officer!, b!.id)).userErrors).toEqual([]);
  });
});

describe("who the viewer is", () => {
  const ROLES = `{ viewer { roleNames roles { role station { name } team { name } squad { name } partner { name } } stations { name } } }`;

  it("names each role with where it applies: a squad leader, a partner's contact, an admin", async () => {
    const squad = await createSquad(demo.haolinshe.id);
    const squadLeader = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squad.id], squadRole: "LEADER" });
    const asLeader = (await gql(app, ROLES, {}, squadLeader.token)).data!.viewer;
    expect(asLeader.roleNames.sort()).toEqual(["LEADER", "VOLUNTEER"]);
    expect(asLeader.roles).toEqual([
      { role: "LEADER", station: { name: "府山派出所" }, team: { name: "好邻舍义警" }, squad: { name: squad.name }, partner: null },
      { role: "VOLUNTEER", station: null, team: null, squad: null, partner: null },
    ]);
    const asPartner = (await gql(app, ROLES, {}, tokens.partner)).data!.viewer;
    expect(asPartner.roles).toEqual([{ role: "PARTNER_ADMIN", station: { name: "府山派出所" }, team: null, squad: null, partner: { name: expect.any(String) } }]);

    const admin = await createAccount({ role: "ADMIN" });
    const asAdmin = (await gql(app, ROLES, {}, admin.token)).data!.viewer;
    expect(asAdmin.roleNames).toEqual(["ADMIN"]);
    const all = await prisma.station.count();
    expect(asAdmin.stations).toHaveLength(all);
    const paged = await gql(app, `{ stations(first: 100) { edges { node { name viewerIsOfficer } } } }`, {}, admin.token);
    expect(paged.data!.stations.edges).toHaveLength(all);
    expect(paged.data!.stations.edges.every((e: any) => e.node.viewerIsOfficer)).toBe(true);
  });
});

describe("membership rules", () => {
  const ADD = `mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { membership { role } userErrors { code field } } }`;
  const REMOVE = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { name } userErrors { code field } } }`;
  const ADD_SQUAD = `mutation ($input: AddSquadMemberInput!) { addSquadMember(input: $input) { membership { role } userErrors { code field } } }`;
  const SET_LEADER = `mutation ($input: SetSquadLeaderInput!) { setSquadLeader(input: $input) { membership { role } userErrors { code field } } }`;
  const nobody = "00000000-0000-7000-8000-000000000000";

  it("check who asks and that the team, squad and volunteer exist", async () => {
    const team = gid("Team", demo.haolinshe.id);
    const squad = await createSquad(demo.haolinshe.id);
    const squadLeader = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squad.id], squadRole: "LEADER" });
    // newcomer: of the station (another team), not of 好邻舍义警.
    const [member, newcomer] = [await createVolunteer({ teamId: demo.haolinshe.id }), await createVolunteer({ teamId: (await createTeam(demo.fushan.id)).id })];
    const coLeader = await createVolunteer({ teamId: demo.haolinshe.id, teamRole: "LEADER" });
    const run = async (m: string, input: Record<string, unknown>, token: string) => Object.values((await gql(app, m, { input }, token)).data!)[0] as any;
    const v = (p: { id: string }) => gid("Volunteer", p.id);

    expect((await run(ADD, { teamId: team, volunteerId: v(newcomer) }, member.token)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await run(ADD, { teamId: team, volunteerId: gid("Volunteer", nobody) }, tokens.leader!)).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "volunteerId"] }]);
    expect((await run(ADD, { teamId: gid("Team", nobody), volunteerId: v(newcomer) }, tokens.leader!)).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "teamId"] }]);
    expect((await run(REMOVE, { teamId: team, volunteerId: v(coLeader) }, member.token)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await run(REMOVE, { teamId: team, volunteerId: v(newcomer) }, tokens.leader!)).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "volunteerId"] }]);
    // A leader does not remove a co-leader; an officer does.
    expect((await run(REMOVE, { teamId: team, volunteerId: v(coLeader) }, tokens.leader!)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await run(REMOVE, { teamId: team, volunteerId: v(coLeader) }, tokens.officer!)).userErrors).toEqual([]);

    expect((await run(ADD_SQUAD, { squadId: gid("Squad", squad.id), volunteerId: v(member) }, member.token)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await run(ADD_SQUAD, { squadId: gid("Squad", nobody), volunteerId: v(member) }, tokens.leader!)).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "squadId"] }]);
    // A squad leader adds nobody (that would widen their own view of personal data); the team's leader does.
    expect((await run(ADD_SQUAD, { squadId: gid("Squad", squad.id), volunteerId: v(member) }, squadLeader.token)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect(await run(ADD_SQUAD, { squadId: gid("Squad", squad.id), volunteerId: v(member) }, tokens.leader!)).toEqual({ membership: { role: "MEMBER" }, userErrors: [] });
    // Only officers choose a squad's leader, from the team's members.
    for (const token of [squadLeader.token, tokens.leader!]) {
      expect((await run(SET_LEADER, { squadId: gid("Squad", squad.id), volunteerId: v(member) }, token)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    }
    expect((await run(SET_LEADER, { squadId: gid("Squad", squad.id), volunteerId: v(newcomer) }, tokens.officer!)).userErrors).toEqual([{ code: "CONFLICT", field: ["input", "volunteerId"] }]);
    expect((await run(SET_LEADER, { squadId: gid("Squad", squad.id), volunteerId: v(member) }, tokens.officer!)).membership).toEqual({ role: "LEADER" });
    const roles = await prisma.squadMembership.findMany({ where: { squadId: squad.id }, select: { volunteerId: true, role: true } });
    expect(new Map(roles.map((r) => [r.volunteerId, r.role]))).toEqual(new Map([[squadLeader.id, "MEMBER"], [member.id, "LEADER"]]));

    const lost = await gql(app, CREATE_TEAM, { input: { stationId: gid("Station", nobody), name: "无处可去" } }, tokens.officer);
    expect(lost.data!.createTeam.userErrors).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "stationId"] }]);
    const sibling = await createTeam(demo.fushan.id);
    const rename = await gql(app, `mutation ($input: UpdateTeamInput!) { updateTeam(input: $input) { userErrors { code field } } }`, {
      input: { teamId: gid("Team", sibling.id), name: "好邻舍义警" },
    }, tokens.officer);
    expect(rename.data!.updateTeam.userErrors).toEqual([{ code: "CONFLICT", field: ["input", "name"] }]);
  });
});

describe("connections", () => {
  const MEMBERS = `query ($id: ID!, $first: Int!, $after: String) {
    node(id: $id) { ... on Team { members(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id volunteer { displayName } } } } } }
  }`;

  it("pages through all members without gaps or repeats", async () => {
    const id = gid("Team", demo.haolinshe.id);
    const expected = await prisma.teamMembership.count({ where: { teamId: demo.haolinshe.id } });
    const seen = new Set<string>();
    let after: string | null = null;
    let pages = 0;
    do {
      const res: GqlResponse = await gql(app, MEMBERS, { id, first: 50, after }, tokens.officer);
      const conn: any = res.data!.node.members;
      expect(conn.totalCount).toBe(expected);
      for (const e of conn.edges) seen.add(e.node.id);
      after = conn.pageInfo.hasNextPage ? conn.pageInfo.endCursor : null;
      pages++;
    } while (after);
    expect(seen.size).toBe(expected);
    expect(pages).toBe(Math.ceil(expected / 50));
  });

  it("refuses a page larger than 100 with a clear error", async () => {
    const res = await gql(app, MEMBERS, { id: gid("Team", demo.haolinshe.id), first: 101 }, tokens.officer);
    expect(res.errors?.[0]?.message).toBe("`first` 须在0到100之间，收到101"); // Chinese when the client did not ask for English
    expect(res.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("answers teams → squads → members with a bounded number of SQL statements, whatever the page size", async () => {
    // Pages small enough for the operation cost limit (1 × 5 × 20 × 50 memberships at most).
    const q = `query ($first: Int!) { stations(first: 1) { edges { node { name teams(first: 5) { edges { node { name viewerCanManage
      squads(first: 20) { edges { node { name specialty viewerCanManage members(first: $first) { totalCount edges { node { role volunteer { displayName phone } } } } } } } } } } } } } }`;
    const count = async (first: number) => {
      const before = sqlStats.statements;
      const res = await gql(app, q, { first }, tokens.officer);
      expect(res.errors).toBeUndefined();
      const squads = res.data!.stations.edges[0].node.teams.edges.flatMap((t: any) => t.node.squads.edges);
      const members = squads.flatMap((s: any) => s.node.members.edges);
      return { statements: sqlStats.statements - before, members: members.length, phones: members.map((m: any) => m.node.volunteer.phone) };
    };
    const small = await count(5);
    const large = await count(50);
    expect(large.members).toBeGreaterThan(small.members * 3);
    expect(large.phones.every((p: string) => /^1\d{10}$/.test(p))).toBe(true); // the officer sees them unmasked
    expect(large.statements).toBe(small.statements);
    // The viewer (1), the nested page with relation joins, and the batched personal-data and
    // team-station loaders; the bound leaves room but must not grow with the page.
    expect(large.statements).toBeLessThanOrEqual(12);
  });
});
