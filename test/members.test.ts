// The member list (队员名册): search by name or phone digits, filters, pages with totals, personal data
// masked per policy; standing per station (ACTIVE, SUSPENDED, LEFT, with a reason, audited); squads and
// specialties; the .xlsx export (audited).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { readSheet } from "../api/src/lib/sheet.js";
import { gql, signIn, startApp } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
const t: Record<string, string> = {};
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  t.officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  t.leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  t.otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
  t.volunteer = await signIn(app, "13800000150");
});
afterAll(() => app?.stop());

const LIST = `query ($id: ID!, $search: String, $teamId: ID, $squadId: ID, $specialty: Specialty, $status: MembershipStatus, $first: Int, $after: String) {
  node(id: $id) { ... on Station { volunteers(search: $search, teamId: $teamId, squadId: $squadId, specialty: $specialty, status: $status, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { node { id displayName name phone specialties } memberships { status statusReason team { name } } squads { name } } } } } }`;
const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code message field } } }`;
const UPDATE = `mutation ($input: UpdateVolunteerInput!) { updateVolunteer(input: $input) { volunteer { specialties squads(first: 20) { edges { node { squad { name } } } } } userErrors { code message field } } }`;
const EXPORT = `mutation ($input: ExportVolunteersInput!) { exportVolunteers(input: $input) { rowCount file { filename contentType base64 } userErrors { code } } }`;

const station = () => gid("Station", demo.fushan.id);
async function list(token: string, vars: Record<string, unknown> = {}) {
  const r = await gql(app, LIST, { id: station(), ...vars }, token);
  return r;
}

describe("the member list", () => {
  it("pages through the whole station with a total, searching by name or the last digits of a phone", async () => {
    const all = await list(t.officer!, { first: 100 });
    expect(all.errors).toBeUndefined();
    const conn = all.data!.node.volunteers;
    expect(conn.totalCount).toBe(201); // 200 volunteers and their leader
    expect(conn.edges).toHaveLength(100);
    const seen = new Set<string>(conn.edges.map((e: { node: { id: string } }) => e.node.id));
    let after = conn.pageInfo.endCursor;
    for (let page = 0; page < 5 && after; page++) {
      const next = (await list(t.officer!, { first: 100, after })).data!.node.volunteers;
      for (const e of next.edges) seen.add(e.node.id);
      after = next.pageInfo.hasNextPage ? next.pageInfo.endCursor : null;
    }
    expect(seen.size).toBe(201);
    const byPhone = (await list(t.officer!, { search: "0150" })).data!.node.volunteers;
    expect(byPhone.totalCount).toBe(1);
    expect(byPhone.edges[0].node.phone).toBe("13800000150");
    const target = await demo.volunteer("13800000150");
    const byName = (await list(t.officer!, { search: target.name, first: 100 })).data!.node.volunteers;
    expect(byName.edges.map((e: { node: { phone: string } }) => e.node.phone)).toContain("13800000150");
    const byDisplay = (await list(t.officer!, { search: "老吴" })).data!.node.volunteers;
    expect(byDisplay.edges.map((e: { node: { displayName: string } }) => e.node.displayName)).toEqual(["老吴"]);
    expect((await gql(app, LIST, { id: station(), first: 101 }, t.officer)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("filters by team, squad, specialty and standing, and shows each person's teams and squads", async () => {
    const squad = demo.squads.find((s) => s.name === "警民夜巡")!;
    const r = (await list(t.officer!, { squadId: gid("Squad", squad.id), first: 100 })).data!.node.volunteers;
    expect(r.totalCount).toBe(20);
    expect(r.edges.every((e: { squads: { name: string }[] }) => e.squads.some((s) => s.name === "警民夜巡"))).toBe(true);
    expect(r.edges[0].memberships[0]).toMatchObject({ status: "ACTIVE", team: { name: "好邻舍义警" } });
    const spec = (await list(t.officer!, { specialty: "TRAFFIC", first: 100 })).data!.node.volunteers;
    expect(spec.totalCount).toBe(20);
    const team = (await list(t.officer!, { teamId: gid("Team", demo.haolinshe.id) })).data!.node.volunteers;
    expect(team.totalCount).toBe(201);
    const foreignTeam = await list(t.officer!, { teamId: gid("Team", demo.committee.id) });
    expect(foreignTeam.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect((await list(t.officer!, { status: "PENDING" })).data!.node.volunteers.totalCount).toBe(0);
  });

  it("is the officers' and, for their own team, the leaders'; others get nothing", async () => {
    const leader = await list(t.leader!, { teamId: gid("Team", demo.haolinshe.id), search: "0150" });
    expect(leader.data!.node.volunteers.edges[0].node.phone).toBe("13800000150");
    expect((await list(t.leader!, {})).errors?.[0]?.extensions?.code).toBe("FORBIDDEN"); // the whole station is the officers'
    expect((await list(t.leader!, { teamId: gid("Team", demo.haolinshe.id), status: "SUSPENDED" })).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await list(t.volunteer!, { teamId: gid("Team", demo.haolinshe.id) })).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect((await list(t.otherOfficer!, {})).data!.node).toBeNull(); // the station itself is not theirs
    // A squad leader: their squad only.
    const squad = demo.squads[0]!;
    const sl = await prisma.squadMembership.findFirstOrThrow({ where: { squadId: squad.id, role: "LEADER" }, include: { volunteer: true } });
    const slToken = await signIn(app, sl.volunteer.phone);
    expect((await list(slToken, { squadId: gid("Squad", squad.id) })).data!.node.volunteers.totalCount).toBe(20);
    expect((await list(slToken, { squadId: gid("Squad", demo.squads[1]!.id) })).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });
});

describe("standing at a station", () => {
  it("suspends with a reason: rights end, future claims are cancelled, the person is told, audited; restores", async () => {
    const v = await demo.volunteer("13800000111");
    const token = await signIn(app, v.phone);
    const shift = await publishShift(app, t.officer!, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(48 * 60), endsAt: inMinutes(49 * 60), capacity: 1 });
    expect((await gql(app, CLAIM, { input: { shiftId: shift.shift.id } }, token)).data!.claimShift.claim.status).toBe("CONFIRMED");
    const waiting = await signIn(app, "13800000112");
    expect((await gql(app, CLAIM, { input: { shiftId: shift.shift.id } }, waiting)).data!.claimShift.claim.status).toBe("WAITLISTED");

    const noReason = await gql(app, STATUS, { input: { stationId: station(), volunteerIds: [gid("Volunteer", v.id)], status: "SUSPENDED", reason: "" } }, t.officer);
    expect(noReason.data!.setVolunteerStatus.userErrors[0].field).toEqual(["input", "reason"]);
    const byLeader = await gql(app, STATUS, { input: { stationId: station(), volunteerIds: [gid("Volunteer", v.id)], status: "SUSPENDED", reason: "x" } }, t.leader);
    expect(byLeader.data!.setVolunteerStatus.userErrors[0].code).toBe("FORBIDDEN");
    const r = await gql(app, STATUS, { input: { stationId: station(), volunteerIds: [gid("Volunteer", v.id)], status: "SUSPENDED", reason: "连续三次无故缺勤" } }, t.officer);
    expect(r.data!.setVolunteerStatus).toMatchObject({ changed: 1, userErrors: [] });
    // The seat went to the waitlist; the suspended person sees nothing of the team any more.
    const claims = await prisma.shiftClaim.findMany({ where: { shiftId: (await prisma.shift.findFirstOrThrow({ where: { postCode: shift.shift.postCode, startsAt: { gt: new Date() } }, orderBy: { createdAt: "desc" } })).id }, include: { volunteer: true } });
    expect(claims.find((c) => c.volunteer.phone === v.phone)!.status).toBe("CANCELLED");
    expect(claims.find((c) => c.volunteer.phone === "13800000112")!.status).toBe("CONFIRMED");
    expect((await gql(app, `{ viewer { stations { name } } }`, {}, token)).data!.viewer.stations).toEqual([]);
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: v.phone } });
    expect((await prisma.notification.findFirstOrThrow({ where: { accountId: account.id, kind: "MEMBERSHIP_STATUS_CHANGED" } })).body).toContain("连续三次无故缺勤");
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { action: "volunteer.status", targetId: v.id } });
    expect(audit.summary).toContain("ACTIVE → SUSPENDED");
    expect(audit.summary).not.toContain(v.name);
    // Listed under SUSPENDED with the reason, no longer under ACTIVE.
    const sus = (await list(t.officer!, { status: "SUSPENDED" })).data!.node.volunteers;
    expect(sus.edges.map((e: { node: { phone: string } }) => e.node.phone)).toEqual([v.phone]);
    expect(sus.edges[0].memberships[0]).toMatchObject({ status: "SUSPENDED", statusReason: "连续三次无故缺勤" });
    expect((await list(t.officer!, { search: "0111" })).data!.node.volunteers.totalCount).toBe(0);
    // Restored.
    const back = await gql(app, STATUS, { input: { stationId: station(), volunteerIds: [gid("Volunteer", v.id)], status: "ACTIVE", reason: "已说明情况" } }, t.officer);
    expect(back.data!.setVolunteerStatus.changed).toBe(1);
    expect((await gql(app, `{ viewer { stations { name } } }`, {}, token)).data!.viewer.stations).toEqual([{ name: "府山派出所" }]);
  });

  it("ends membership with LEFT: final for the station, the person's data masked from then on", async () => {
    const v = await demo.volunteer("13800000113");
    const r = await gql(app, STATUS, { input: { stationId: station(), volunteerIds: [gid("Volunteer", v.id)], status: "LEFT", reason: "搬离本区" } }, t.officer);
    expect(r.data!.setVolunteerStatus.changed).toBe(1);
    const left = (await list(t.officer!, { status: "LEFT" })).data!.node.volunteers;
    expect(left.edges[0].node.phone).toBe("138****0113");
    expect(left.edges[0].squads).toEqual([]);
    // Phone digits no longer find a former member.
    expect((await list(t.officer!, { status: "LEFT", search: "0113" })).data!.node.volunteers.totalCount).toBe(0);
    const again = await gql(app, STATUS, { input: { stationId: station(), volunteerIds: [gid("Volunteer", v.id)], status: "ACTIVE", reason: "回来" } }, t.officer);
    expect(again.data!.setVolunteerStatus.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "volunteerIds", "0"] });
  });

  it("changes many at once, all or nothing, and never someone of another station", async () => {
    const a = await demo.volunteer("13800000114");
    const b = await demo.volunteer("13800000115");
    const stranger = await demo.volunteer("13900000003");
    const mixed = await gql(app, STATUS, { input: { stationId: station(), volunteerIds: [gid("Volunteer", a.id), gid("Volunteer", stranger.id)], status: "SUSPENDED", reason: "x" } }, t.officer);
    expect(mixed.data!.setVolunteerStatus.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "volunteerIds", "1"] });
    expect(await prisma.teamMembership.count({ where: { volunteerId: a.id, status: "SUSPENDED" } })).toBe(0);
    const both = await gql(app, STATUS, { input: { stationId: station(), volunteerIds: [gid("Volunteer", a.id), gid("Volunteer", b.id)], status: "SUSPENDED", reason: "集中整训" } }, t.officer);
    expect(both.data!.setVolunteerStatus.changed).toBe(2);
    const foreign = await gql(app, STATUS, { input: { stationId: gid("Station", demo.changqing.id), volunteerIds: [gid("Volunteer", stranger.id)], status: "SUSPENDED", reason: "x" } }, t.officer);
    expect(foreign.data!.setVolunteerStatus.userErrors[0].code).toBe("NOT_FOUND");
  });
});

describe("squads, specialties and the export", () => {
  it("sets a volunteer's squads and specialties (officers), audited", async () => {
    const v = await demo.volunteer("13800000120");
    const [s1, s2] = [demo.squads.find((s) => s.name === "反诈宣传")!, demo.squads.find((s) => s.name === "交通劝导")!];
    const r = await gql(app, UPDATE, { input: { stationId: station(), volunteerId: gid("Volunteer", v.id), squadIds: [gid("Squad", s1.id), gid("Squad", s2.id)], specialties: ["ANTI_FRAUD", "TRAFFIC"] } }, t.officer);
    expect(r.data!.updateVolunteer.userErrors).toEqual([]);
    expect(r.data!.updateVolunteer.volunteer.specialties).toEqual(["ANTI_FRAUD", "TRAFFIC"]);
    expect(r.data!.updateVolunteer.volunteer.squads.edges.map((e: { node: { squad: { name: string } } }) => e.node.squad.name).sort()).toEqual(["交通劝导", "反诈宣传"].sort());
    expect(await prisma.auditEntry.count({ where: { action: "volunteer.update", targetId: v.id } })).toBe(1);
    const foreignSquad = await prisma.squad.create({ data: { teamId: demo.committee.id, name: "长庆小队", specialty: "TRAFFIC" } });
    const bad = await gql(app, UPDATE, { input: { stationId: station(), volunteerId: gid("Volunteer", v.id), squadIds: [gid("Squad", foreignSquad.id)] } }, t.officer);
    expect(bad.data!.updateVolunteer.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "squadIds", "0"] });
    const byLeader = await gql(app, UPDATE, { input: { stationId: station(), volunteerId: gid("Volunteer", v.id), specialties: ["TRAFFIC"] } }, t.leader);
    expect(byLeader.data!.updateVolunteer.userErrors[0].code).toBe("FORBIDDEN");
    // Someone not of this station: the error points at the one field the form has.
    const outsider = await prisma.volunteer.create({ data: { phone: "13900009901", displayName: "外所义警", name: "外所义警" } });
    const unknown = await gql(app, UPDATE, { input: { stationId: station(), volunteerId: gid("Volunteer", outsider.id), specialties: ["TRAFFIC"] } }, t.officer);
    expect(unknown.data!.updateVolunteer.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "volunteerId"] });
  });

  it("exports the filtered list as .xlsx for officers, audited", async () => {
    const squad = demo.squads.find((s) => s.name === "医疗守护")!;
    const r = await gql(app, EXPORT, { input: { stationId: station(), squadId: gid("Squad", squad.id) } }, t.officer);
    expect(r.data!.exportVolunteers.userErrors).toEqual([]);
    expect(r.data!.exportVolunteers.rowCount).toBe(20);
    expect(r.data!.exportVolunteers.file.filename).toMatch(/^府山派出所义警名册_\d{4}-\d{2}-\d{2}\.xlsx$/);
    const sheet = await readSheet(Buffer.from(r.data!.exportVolunteers.file.base64, "base64"), { maxRows: 100 });
    expect(sheet.header.slice(0, 4)).toEqual(["显示名", "姓名", "手机号", "身份证号"]);
    expect(sheet.rows).toHaveLength(20);
    expect(sheet.rows.every((row) => /^1\d{10}$/.test(row.cells[2]!))).toBe(true);
    const audit = await prisma.auditEntry.findFirstOrThrow({ where: { action: "volunteer.export" } });
    expect(audit.summary).toContain("20");
    expect(audit.summary).not.toMatch(/1\d{10}/);
    expect((await gql(app, EXPORT, { input: { stationId: station() } }, t.leader)).data!.exportVolunteers.userErrors[0].code).toBe("FORBIDDEN");
    expect((await gql(app, EXPORT, { input: { stationId: station() } }, t.otherOfficer)).data!.exportVolunteers.userErrors[0].code).toBe("NOT_FOUND");
    expect(await prisma.auditEntry.count({ where: { action: "volunteer.export" } })).toBe(1);
  });
});
