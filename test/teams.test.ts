import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { gql, signIn, startApp, type GqlResponse } from "./support/client.js";
import { createAccount, createSquad, createTeam, createVolunteer, createVolunteers, DEMO_PHONES, freshPhone, gid, seedDemoData } from "./support/fixtures.js";

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
    // Another volunteer of the team, another station's officer, the station's partner contact.
    for (const token of [peer!.token, tokens.otherOfficer!, tokens.partner!]) {
      expect((await gql(app, PERSON, { id }, token)).data!.node).toEqual(masked);
    }
    const full = { displayName: target!.displayName, name: target!.name, phone: target!.phone, idNumber: target!.idNumber, viewerCanSeePersonalData: true };
    for (const token of [tokens.officer!, tokens.leader!, target!.token]) {
      expect((await gql(app, PERSON, { id }, token)).data!.node).toEqual(full);
    }
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
    // Nothing of the team leaks; the field says why.
    expect(read.data?.node?.name ?? null).toBeNull();
    expect(read.errors?.[0]?.message).toMatch(/Not authorized/);
    const write = await gql(
      app,
      `mutation ($input: CreateSquadInput!) { createSquad(input: $input) { squad { id } userErrors { code } } }`,
      { input: { teamId, name: "越界小队", specialty: "TRAFFIC" } },
      tokens.otherOfficer,
    );
    expect(write.data!.createSquad).toEqual({ squad: null, userErrors: [{ code: "FORBIDDEN" }] });
    expect(await prisma.squad.count({ where: { name: "越界小队" } })).toBe(0);
  });
});

const CREATE_TEAM = `mutation ($input: CreateTeamInput!) { createTeam(input: $input) { team { id name viewerCanManage } userErrors { code message field } } }`;
const REGISTER = `mutation ($input: RegisterVolunteerInput!) {
  registerVolunteer(input: $input) { volunteer { id displayName phone specialties } userErrors { code message field } }
}`;

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

    const outsider = await createVolunteer(); // in no team yet
    const add = `mutation ($input: AddSquadMemberInput!) { addSquadMember(input: $input) { membership { role } userErrors { code field } } }`;
    const notInTeam = await gql(app, add, { input: { squadId: created.id, volunteerId: gid("Volunteer", outsider.id) } }, tokens.leader);
    expect(notInTeam.data!.addSquadMember.userErrors).toEqual([{ code: "CONFLICT", field: ["input", "volunteerId"] }]);

    const addTeam = `mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { membership { role } userErrors { code } } }`;
    const asLeader = await gql(app, addTeam, { input: { teamId: gid("Team", demo.haolinshe.id), volunteerId: gid("Volunteer", outsider.id), role: "LEADER" } }, tokens.leader);
    expect(asLeader.data!.addTeamMember.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const asMember = await gql(app, addTeam, { input: { teamId: gid("Team", demo.haolinshe.id), volunteerId: gid("Volunteer", outsider.id) } }, tokens.leader);
    expect(asMember.data!.addTeamMember).toEqual({ membership: { role: "MEMBER" }, userErrors: [] });

    const setLeader = await gql(
      app,
      `mutation ($input: SetSquadLeaderInput!) { setSquadLeader(input: $input) { membership { role volunteer { displayName } } userErrors { code } } }`,
      { input: { squadId: created.id, volunteerId: gid("Volunteer", outsider.id) } },
      tokens.leader,
    );
    expect(setLeader.data!.setSquadLeader.membership.role).toBe("LEADER");

    const remove = await gql(
      app,
      `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { name } userErrors { code } } }`,
      { input: { teamId: gid("Team", demo.haolinshe.id), volunteerId: gid("Volunteer", outsider.id) } },
      tokens.leader,
    );
    expect(remove.data!.removeTeamMember.userErrors).toEqual([]);
    // Leaving the team leaves its squads too.
    expect(await prisma.squadMembership.count({ where: { volunteerId: outsider.id, squad: { teamId: demo.haolinshe.id } } })).toBe(0);
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

  it("an officer registers a volunteer who can then sign in; a second registration of the phone is a CONFLICT", async () => {
    const phone = freshPhone();
    const input = {
      teamId: gid("Team", demo.haolinshe.id),
      squadIds: [gid("Squad", demo.squads[0]!.id)],
      name: "方晓燕",
      displayName: "方护士",
      phone,
      idNumber: "33060219900101002x",
      specialties: ["MEDICAL_GUARD"],
      skills: ["急救证"],
      initialPassword: "hushi-2026",
    };
    const ok = await gql(app, REGISTER, { input }, tokens.officer);
    expect(ok.data!.registerVolunteer).toMatchObject({
      volunteer: { displayName: "方护士", phone, specialties: ["MEDICAL_GUARD"] },
      userErrors: [],
    });
    expect(await signIn(app, phone, "hushi-2026")).toBeTruthy();
    const stored = await prisma.volunteer.findUniqueOrThrow({ where: { phone }, include: { squads: true, teams: true } });
    expect(stored.idNumber).toBe("33060219900101002X");
    expect(stored.squads).toHaveLength(1);

    const again = await gql(app, REGISTER, { input: { ...input, name: "别人" } }, tokens.officer);
    expect(again.data!.registerVolunteer.userErrors).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "phone"] }]);

    const bad = await gql(app, REGISTER, { input: { ...input, phone: "555", idNumber: "123", initialPassword: "short" } }, tokens.officer);
    expect(bad.data!.registerVolunteer.userErrors.map((e: { field: string[] }) => e.field.join("."))).toEqual([
      "input.phone",
      "input.idNumber",
      "input.initialPassword",
    ]);

    const other = freshPhone();
    const byLeader = await gql(app, REGISTER, { input: { ...input, phone: other } }, tokens.leader);
    expect(byLeader.data!.registerVolunteer.userErrors[0].code).toBe("FORBIDDEN");
    expect(await prisma.volunteer.count({ where: { phone: other } })).toBe(0);
  });
  it("registration checks the team, its squads and the partner; without a password there is no account", async () => {
    const nobody = "00000000-0000-7000-8000-000000000000";
    const partner = await prisma.partner.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const foreignPartner = await prisma.partner.findFirstOrThrow({ where: { stationId: demo.changqing.id } }).catch(async () =>
      prisma.partner.create({ data: { stationId: demo.changqing.id, name: "长庆测试单位", kind: "OTHER" } }),
    );
    const foreignSquad = await createSquad(demo.committee.id);
    const base = { teamId: gid("Team", demo.haolinshe.id), name: "张" };
    const register = async (input: Record<string, unknown>) => (await gql(app, REGISTER, { input: { ...base, phone: freshPhone(), ...input } }, tokens.officer)).data!.registerVolunteer;
    expect((await register({ teamId: gid("Team", nobody) })).userErrors).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "teamId"] }]);
    expect((await register({ squadIds: [gid("Squad", demo.squads[0]!.id), gid("Squad", foreignSquad.id)] })).userErrors).toEqual([
      { code: "NOT_FOUND", message: expect.any(String), field: ["input", "squadIds", "1"] },
    ]);
    expect((await register({ partnerId: gid("Partner", foreignPartner.id) })).userErrors).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "partnerId"] }]);
    const ok = await register({ partnerId: gid("Partner", partner.id) });
    expect(ok.userErrors).toEqual([]);
    expect(ok.volunteer).toMatchObject({ displayName: "张", specialties: [] });
    const stored = await prisma.volunteer.findUniqueOrThrow({ where: { phone: ok.volunteer.phone }, include: { account: true } });
    expect(stored).toMatchObject({ partnerId: partner.id, idNumber: null, account: null });
    // Another volunteer sees a one-character name fully masked, and no ID number at all.
    const other = await createVolunteer({ teamId: demo.haolinshe.id });
    expect((await gql(app, PERSON, { id: ok.volunteer.id }, other.token)).data!.node).toMatchObject({ name: "*", idNumber: null });
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
    for (const token of [member.token, otherLeader.token, tokens.otherOfficer!]) {
      expect((await update(token, { name: "越权改名" })).userErrors, token).toEqual([{ code: "FORBIDDEN", field: null }]);
    }
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
    const [member, newcomer] = [await createVolunteer({ teamId: demo.haolinshe.id }), await createVolunteer()];
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
    expect(await run(ADD_SQUAD, { squadId: gid("Squad", squad.id), volunteerId: v(member) }, squadLeader.token)).toEqual({ membership: { role: "MEMBER" }, userErrors: [] });
    // Only officers and the team's leaders choose a squad's leader, from the team's members.
    expect((await run(SET_LEADER, { squadId: gid("Squad", squad.id), volunteerId: v(member) }, squadLeader.token)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await run(SET_LEADER, { squadId: gid("Squad", squad.id), volunteerId: v(newcomer) }, tokens.leader!)).userErrors).toEqual([{ code: "CONFLICT", field: ["input", "volunteerId"] }]);
    expect((await run(SET_LEADER, { squadId: gid("Squad", squad.id), volunteerId: v(member) }, tokens.leader!)).membership).toEqual({ role: "LEADER" });
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
    expect(res.errors?.[0]?.message).toBe("`first` must be between 0 and 100, got 101");
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
