// An outside attack on the casework (patrol findings, photos, mediation, home-watch): what another
// station's officer, an anonymous caller, a plain volunteer, a partner's contact or a careless officer
// tries. Each finding fixed is guarded here.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createAccount, createStation, createVolunteer, gid, rawId } from "./support/fixtures.js";
import { CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const SUBMIT = `mutation ($input: SubmitPatrolReportInput!) { submitPatrolReport(input: $input) { report { id } userErrors { code message field } } }`;
const ASSIGN = `mutation ($input: AssignPatrolReportInput!) { assignPatrolReport(input: $input) { report { id status } userErrors { code message field } } }`;
const REQUEST = `mutation ($input: RequestHomeWatchInput!) { requestHomeWatch(input: $input) { confirmationCode userErrors { code message field } } }`;
const APPROVE = `mutation ($input: ApproveHomeWatchRequestInput!) { approveHomeWatchRequest(input: $input) { request { id shifts { id startsAt } } userErrors { code message field } } }`;
const LOG = `mutation ($input: LogHomeWatchVisitInput!) { logHomeWatchVisit(input: $input) { visit { id } userErrors { code message field } } }`;
const SET_STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { userErrors { code message field } } }`;

const days = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();

async function report(stationId: string, token: string, place = "仓桥直街12号302室") {
  const res = await gql(app, SUBMIT, { input: { stationId: gid("Station", stationId), category: "FIRE_HAZARD", description: "独居老人家中电线老化", place } }, token);
  expect(res.data!.submitPatrolReport.userErrors).toEqual([]);
  return res.data!.submitPatrolReport.report.id as string;
}

describe("patrol findings", () => {
  it("a team's leader suspended or gone from the station is not told of a finding assigned to the team (its place and description)", async () => {
    const { station, officer, team } = await createStation();
    const [suspended, left, still] = [await createVolunteer({ teamId: team.id, teamRole: "LEADER" }), await createVolunteer({ teamId: team.id, teamRole: "LEADER" }), await createVolunteer({ teamId: team.id, teamRole: "LEADER" })];
    const reporter = await createVolunteer({ teamId: team.id });
    const reportId = await report(station.id, reporter.token);
    for (const [who, status] of [[suspended, "SUSPENDED"], [left, "LEFT"]] as const) {
      const res = await gql(app, SET_STATUS, { input: { stationId: gid("Station", station.id), volunteerIds: [gid("Volunteer", who.id)], status, reason: "测试" } }, officer.token);
      expect(res.data!.setVolunteerStatus.userErrors).toEqual([]);
    }
    expect((await gql(app, ASSIGN, { input: { reportId, teamId: gid("Team", team.id) } }, officer.token)).data!.assignPatrolReport.userErrors).toEqual([]);
    const told = async (p: { accountId: string }) => prisma.notification.count({ where: { accountId: p.accountId, kind: "PATROL_REPORT_ASSIGNED" } });
    expect(await told(still)).toBe(1);
    // They could not open it either.
    for (const p of [suspended, left]) {
      expect(await told(p)).toBe(0);
      expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: reportId }, p.token)).data!.node).toBeNull();
    }
  });
  it("a reporter who left the station still reads their reports and their outcome; the station's grid and shift are null for them, not a FORBIDDEN that failed the list", async () => {
    const { station, officer, team } = await createStation();
    const community = await prisma.community.create({ data: { stationId: station.id, name: "仓桥社区" } });
    const grid = await prisma.grid.create({ data: { stationId: station.id, communityId: community.id, name: "仓桥一网格" } });
    const reporter = await createVolunteer({ teamId: team.id });
    const res = await gql(app, SUBMIT, { input: { stationId: gid("Station", station.id), category: "FIRE_HAZARD", description: "楼道堆物", gridId: gid("Grid", grid.id) } }, reporter.token);
    const reportId = res.data!.submitPatrolReport.report.id as string;
    const { shift } = await publishShift(app, officer.token, { teamId: teamGid(team.id), startsAt: inMinutes(60).toISOString(), endsAt: inMinutes(120).toISOString() });
    await prisma.patrolReport.update({ where: { id: rawId(reportId) }, data: { shiftId: rawId(shift.id) } });
    await gql(app, `mutation ($input: RejectPatrolReportInput!) { rejectPatrolReport(input: $input) { userErrors { code } } }`, { input: { reportId, reason: "重复上报" } }, officer.token);
    const MINE = `{ viewer { myPatrolReports(first: 5) { edges { node { id status rejectReason grid { name } shift { title } history { kind } } } } } }`;
    expect((await gql(app, MINE, {}, reporter.token)).data!.viewer.myPatrolReports.edges[0].node).toMatchObject({ grid: { name: "仓桥一网格" }, shift: { title: "府山街区巡逻" } });
    expect((await gql(app, SET_STATUS, { input: { stationId: gid("Station", station.id), volunteerIds: [gid("Volunteer", reporter.id)], status: "LEFT", reason: "搬家" } }, officer.token)).data!.setVolunteerStatus.userErrors).toEqual([]);
    const after = await gql(app, MINE, {}, reporter.token);
    expect(after.errors).toBeUndefined();
    expect(after.data!.viewer.myPatrolReports.edges).toEqual([{ node: { id: reportId, status: "REJECTED", rejectReason: "重复上报", grid: null, shift: null, history: [{ kind: "SUBMITTED" }, { kind: "REJECTED" }] } }]);
    // The station's officer still sees both.
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { ... on PatrolReport { grid { name } shift { title } } } }`, { id: reportId }, officer.token)).data!.node).toEqual({ grid: { name: "仓桥一网格" }, shift: { title: "府山街区巡逻" } });
  });
  it("a careless officer cannot assign a finding to a team with no active leader or a partner with no contact account: nobody would hear of it", async () => {
    const { station, officer, team } = await createStation();
    const reporter = await createVolunteer({ teamId: team.id });
    const reportId = await report(station.id, reporter.token);
    const partner = await prisma.partner.create({ data: { stationId: station.id, name: "无联络人物业", kind: "PROPERTY_MANAGEMENT" } });
    const suspended = await createVolunteer({ teamId: team.id, teamRole: "LEADER" });
    await gql(app, SET_STATUS, { input: { stationId: gid("Station", station.id), volunteerIds: [gid("Volunteer", suspended.id)], status: "SUSPENDED", reason: "测试" } }, officer.token);
    expect((await gql(app, ASSIGN, { input: { reportId, teamId: gid("Team", team.id) } }, officer.token)).data!.assignPatrolReport.userErrors).toEqual([
      { code: "VALIDATION", message: "该队伍目前没有在队的队长，无人接手：请分派给其他队伍、共建单位或民警", field: ["input", "teamId"] },
    ]);
    expect((await gql(app, ASSIGN, { input: { reportId, partnerId: gid("Partner", partner.id) } }, officer.token)).data!.assignPatrolReport.userErrors).toEqual([
      { code: "VALIDATION", message: "该共建单位还没有联络人账号，无人接手：请先指定联络人，或分派给队伍或民警", field: ["input", "partnerId"] },
    ]);
    expect(await prisma.patrolReport.findUniqueOrThrow({ where: { id: rawId(reportId) }, select: { status: true } })).toEqual({ status: "NEW" });
    // With a contact, it goes.
    const contact = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    expect((await gql(app, ASSIGN, { input: { reportId, partnerId: gid("Partner", partner.id) } }, officer.token)).data!.assignPatrolReport.report).toEqual({ id: reportId, status: "ASSIGNED" });
    expect(await prisma.notification.count({ where: { accountId: contact.accountId, kind: "PATROL_REPORT_ASSIGNED" } })).toBe(1);
  });
});

describe("home-watch", () => {
  beforeAll(async () => {
    const { resetHomeWatchLimits } = await import("../api/src/modules/homewatch/homewatch.service.js");
    resetHomeWatchLimits();
  });

  /** A station whose officer approved a request; `visitor` is on its first visit's shift, which has begun. */
  async function approvedRequest(address = "仓桥直街12号302室") {
    // One address and phone for every test here: the form's limits start afresh for each.
    (await import("../api/src/modules/homewatch/homewatch.service.js")).resetHomeWatchLimits();
    const { station, officer, team } = await createStation();
    const visitor = await createVolunteer({ teamId: team.id });
    const asked = await gql(app, REQUEST, { input: { stationId: gid("Station", station.id), name: "钱阿婆", phone: "13612340001", address, awayFrom: days(1), awayTo: days(3) } });
    expect(asked.data!.requestHomeWatch.userErrors).toEqual([]);
    const row = await prisma.homeWatchRequest.findFirstOrThrow({ where: { stationId: station.id } });
    const approved = await gql(app, APPROVE, { input: { requestId: gid("HomeWatchRequest", row.id) } }, officer.token);
    expect(approved.data!.approveHomeWatchRequest.userErrors).toEqual([]);
    const shift = approved.data!.approveHomeWatchRequest.request.shifts[0];
    expect((await gql(app, CLAIM, { input: { shiftId: shift.id } }, visitor.token)).data!.claimShift.userErrors).toEqual([]);
    return { station, officer, team, visitor, row, shift };
  }

  it("a volunteer of the station who is not on the visit sees no street, building, unit or room of the empty home", async () => {
    const SHIFT = `query ($id: ID!) { node(id: $id) { ... on Shift { homeWatch { name phone address viewerSeesDetails } } } }`;
    const { team, visitor, shift } = await approvedRequest("5幢2单元301室");
    const other = await createVolunteer({ teamId: team.id });
    const masked = (await gql(app, SHIFT, { id: shift.id }, other.token)).data!.node.homeWatch;
    expect(masked).toMatchObject({ name: "钱**", phone: "136****0001", viewerSeesDetails: false });
    expect(masked.address).not.toMatch(/\d|幢|单元|室/);
    expect((await gql(app, SHIFT, { id: shift.id }, visitor.token)).data!.node.homeWatch).toMatchObject({ address: "5幢2单元301室", viewerSeesDetails: true });
    const { maskAddress } = await import("../api/src/modules/homewatch/homewatch.type.js");
    const cases: [string, string][] = [
      ["杭州市拱墅区吴牙社区5幢2单元301", "杭州市拱墅区****"],
      ["吴牙社区5幢2单元301", "吴牙社区****"],
      ["12幢301", "****"],
      ["仓桥直街12号", "****"],
      ["解放北路188号3楼", "****"],
      ["绍兴市越城区府山街道仓桥直街12号", "绍兴市****"],
      ["三号楼二单元502", "****"],
      ["", "****"],
    ];
    for (const [address, shown] of cases) expect(maskAddress(address), address).toBe(shown);
  });

  it("the volunteers on a visit read what was logged on it by a co-visitor or a leader (the list no longer fails FORBIDDEN); the rest of the team does not", async () => {
    const { team, officer, visitor, row } = await approvedRequest();
    const co = await createVolunteer({ teamId: team.id });
    const leader = await createVolunteer({ teamId: team.id, teamRole: "LEADER" });
    const other = await createVolunteer({ teamId: team.id });
    // A second visit on the same shift; the approval made one visitor's seat per visit.
    const shift = await prisma.shift.findFirstOrThrow({ where: { homeWatchRequestId: row.id }, orderBy: { startsAt: "asc" } });
    await prisma.shift.update({ where: { id: shift.id }, data: { capacity: 2 } });
    const shiftId = gid("Shift", shift.id);
    expect((await gql(app, CLAIM, { input: { shiftId } }, co.token)).data!.claimShift.userErrors).toEqual([]);
    clock.advance(shift.startsAt.getTime() - Date.now() + 60_000);
    for (const [who, note] of [[visitor, "门窗完好"], [leader, "队长复查：信箱已清"]] as const) {
      expect((await gql(app, LOG, { input: { shiftId, result: "ALL_FINE", note } }, who.token)).data!.logHomeWatchVisit.userErrors).toEqual([]);
    }
    const VISITS = `query ($id: ID!) { node(id: $id) { ... on Shift { homeWatchVisits { note photos { url } } } } }`;
    for (const who of [visitor, co, leader, officer]) {
      const res = await gql(app, VISITS, { id: shiftId }, who.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.node.homeWatchVisits.map((v: { note: string }) => v.note)).toEqual(["门窗完好", "队长复查：信箱已清"]);
    }
    expect((await gql(app, VISITS, { id: shiftId }, other.token)).data!.node.homeWatchVisits).toBeNull();
    // One by one too: the leader's visit to the co-visitor; nothing to the rest of the team.
    const leaders = await prisma.homeWatchVisit.findFirstOrThrow({ where: { requestId: row.id, volunteerId: null } });
    const NODE = `query ($id: ID!) { node(id: $id) { ... on HomeWatchVisit { note } } }`;
    expect((await gql(app, NODE, { id: gid("HomeWatchVisit", leaders.id) }, co.token)).data!.node).toEqual({ note: "队长复查：信箱已清" });
    expect((await gql(app, NODE, { id: gid("HomeWatchVisit", leaders.id) }, other.token)).data!.node).toBeNull();
  });

  it("a visit is not logged long after its shift (a claim from weeks ago alarming the officer after the resident is back)", async () => {
    const { officer, visitor, row, shift } = await approvedRequest();
    const end = (await prisma.shift.findUniqueOrThrow({ where: { id: rawId(shift.id) } })).endsAt.getTime();
    const CAN = `query ($id: ID!) { node(id: $id) { ... on Shift { viewerCanLogVisit } } }`;
    clock.advance(end + 13 * 3600_000 - Date.now());
    expect((await gql(app, CAN, { id: shift.id }, visitor.token)).data!.node.viewerCanLogVisit).toBe(false);
    for (const input of [{ shiftId: shift.id, result: "PROBLEM", note: "门没锁" }, { shiftId: shift.id, result: "ALL_FINE", visitedAt: new Date(end + 13 * 3600_000 - 60_000).toISOString() }]) {
      expect((await gql(app, LOG, { input }, visitor.token)).data!.logHomeWatchVisit.userErrors).toEqual([
        { code: "VALIDATION", message: "照看时间晚于本班次：请在当天的照看班次上记录", field: ["input", "visitedAt"] },
      ]);
    }
    expect(await prisma.homeWatchVisit.count({ where: { requestId: row.id } })).toBe(0);
    expect(await prisma.notification.count({ where: { accountId: officer.accountId, kind: "HOME_WATCH_PROBLEM" } })).toBe(0);
    // The next morning is still that visit's: logged late, with the time it was made.
    clock.reset();
    clock.advance(end + 11 * 3600_000 - Date.now());
    expect((await gql(app, CAN, { id: shift.id }, visitor.token)).data!.node.viewerCanLogVisit).toBe(true);
    expect((await gql(app, LOG, { input: { shiftId: shift.id, result: "ALL_FINE", visitedAt: new Date(end - 600_000).toISOString() } }, visitor.token)).data!.logHomeWatchVisit.userErrors).toEqual([]);
  });

  it("the erasure 30 days after the return also blanks the visit's note quoted in the officer's notice of a problem", async () => {
    const { eraseExpiredHomeWatch } = await import("../api/src/modules/homewatch/homewatch.service.js");
    const { officer, visitor, row, shift } = await approvedRequest();
    clock.advance(new Date(shift.startsAt).getTime() - Date.now() + 60_000);
    const note = "302室钱阿婆家门锁被撬，邻居王先生13612349999已报警";
    expect((await gql(app, LOG, { input: { shiftId: shift.id, result: "PROBLEM", note } }, visitor.token)).data!.logHomeWatchVisit.userErrors).toEqual([]);
    const notice = await prisma.notification.findFirstOrThrow({ where: { accountId: officer.accountId, kind: "HOME_WATCH_PROBLEM" } });
    expect(notice.body).toContain("13612349999");
    // A notice written before the notices named their request (the migration gives it its subject).
    const older = await prisma.notification.create({ data: { accountId: officer.accountId, stationId: row.stationId, kind: "HOME_WATCH_PROBLEM", title: notice.title, body: notice.body, link: notice.link } });
    const sql = await readFile(path.join(import.meta.dirname, "../prisma/migrations/20261128020000_home_watch_notice_subjects/migration.sql"), "utf8");
    for (const statement of sql.split(/;\s*\n/).map((s) => s.replace(/^--.*$/gm, "").trim()).filter(Boolean)) await prisma.$executeRawUnsafe(statement);
    expect(await prisma.notification.findUniqueOrThrow({ where: { id: older.id } })).toMatchObject({ subjectType: "HomeWatchRequest", subjectId: row.id });

    expect(await eraseExpiredHomeWatch(new Date(Date.now() + 40 * 86_400_000))).toBeGreaterThanOrEqual(1);
    expect((await prisma.homeWatchVisit.findFirstOrThrow({ where: { requestId: row.id } })).note).toBe("");
    for (const id of [notice.id, older.id]) {
      const after = await prisma.notification.findUniqueOrThrow({ where: { id } });
      expect(after.body, String(id)).not.toMatch(/13612349999|302室|钱/);
      expect(after.title).toBe(notice.title);
    }
    // Over the inbox too.
    const inbox = await gql(app, `{ viewer { notifications(first: 50) { edges { node { kind body } } } } }`, {}, officer.token);
    expect(JSON.stringify(inbox.data)).not.toContain("13612349999");
  });
});

describe("mediation", () => {
  const OPEN = `mutation ($input: OpenMediationCaseInput!) { openMediationCase(input: $input) { case { id } userErrors { code message field } } }`;

  it("a volunteer mediator suspended at the station or gone from it is not put on a new case, nor told of it, nor offered on the public list", async () => {
    const { station, officer, team } = await createStation();
    const people = [await createVolunteer({ teamId: team.id, specialties: ["MEDIATION"] }), await createVolunteer({ teamId: team.id, specialties: ["MEDIATION"] }), await createVolunteer({ teamId: team.id, specialties: ["MEDIATION"] })];
    const mediators = [];
    for (const p of people) {
      const res = await gql(app, `mutation ($input: CreateMediatorInput!) { createMediator(input: $input) { mediator { id displayName } userErrors { code } } }`, { input: { stationId: gid("Station", station.id), volunteerId: gid("Volunteer", p.id) } }, officer.token);
      mediators.push(res.data!.createMediator.mediator as { id: string; displayName: string });
    }
    for (const [p, status] of [[people[1]!, "SUSPENDED"], [people[2]!, "LEFT"]] as const) {
      expect((await gql(app, SET_STATUS, { input: { stationId: gid("Station", station.id), volunteerIds: [gid("Volunteer", p.id)], status, reason: "测试" } }, officer.token)).data!.setVolunteerStatus.userErrors).toEqual([]);
    }
    const open = (mediatorIds: string[]) =>
      gql(app, OPEN, { input: { stationId: gid("Station", station.id), category: "NEIGHBOUR", summary: "邻里噪音", source: "RESIDENT", parties: [{ name: "孙七", phone: "13712345555", role: "APPLICANT" }], mediatorIds } }, officer.token);
    for (const i of [1, 2]) {
      const res = await open([mediators[0]!.id, mediators[i]!.id]);
      expect(res.data!.openMediationCase.userErrors).toEqual([{ code: "VALIDATION", message: `调解员${mediators[i]!.displayName}目前不在本所在队，不能指派`, field: ["input", "mediatorIds", "1"] }]);
      expect(await prisma.notification.count({ where: { accountId: people[i]!.accountId, kind: "MEDIATION_ASSIGNED" } })).toBe(0);
    }
    expect(await prisma.mediationCase.count({ where: { stationId: station.id } })).toBe(0);
    // Nor are they offered to residents on the public list (警调超市); the station's officers still see them there.
    const LIST = `query ($s: ID!, $all: Boolean) { mediators(stationId: $s, first: 10, includeInactive: $all) { edges { node { displayName } } } }`;
    const names = async (token: string | null, all = false) => (await gql(app, LIST, { s: gid("Station", station.id), all }, token)).data!.mediators.edges.map((e: { node: { displayName: string } }) => e.node.displayName).sort();
    expect(await names(null)).toEqual([mediators[0]!.displayName]);
    expect(await names(people[0]!.token)).toEqual([mediators[0]!.displayName]);
    expect(await names(officer.token, true)).toEqual(mediators.map((m) => m.displayName).sort());
    // The one still at the station takes the case.
    expect((await open([mediators[0]!.id])).data!.openMediationCase.userErrors).toEqual([]);
    expect(await prisma.notification.count({ where: { accountId: people[0]!.accountId, kind: "MEDIATION_ASSIGNED" } })).toBe(1);
  });
});

describe("what held", () => {
  it("another station's officer, an anonymous caller, a plain volunteer and a partner's contact neither read the casework nor change it", async () => {
    const { resetHomeWatchLimits } = await import("../api/src/modules/homewatch/homewatch.service.js");
    resetHomeWatchLimits();
    const { station, officer, team } = await createStation();
    const S = gid("Station", station.id);
    const reporter = await createVolunteer({ teamId: team.id });
    const reportId = await report(station.id, reporter.token);
    const mediator = await prisma.mediator.create({ data: { stationId: station.id, displayName: "陈法官", years: 20 } });
    const opened = await gql(app, `mutation ($input: OpenMediationCaseInput!) { openMediationCase(input: $input) { case { id } userErrors { code } } }`, {
      input: { stationId: S, category: "NEIGHBOUR", summary: "漏水纠纷", source: "RESIDENT", parties: [{ name: "张建国", phone: "13711112222", role: "APPLICANT" }], mediatorIds: [gid("Mediator", mediator.id)] },
    }, officer.token);
    const caseId = opened.data!.openMediationCase.case.id as string;
    for (const phone of ["13612340011", "13612340012"]) {
      expect((await gql(app, REQUEST, { input: { stationId: S, name: "钱阿婆", phone, address: "杭州市拱墅区吴牙社区5幢2单元301", awayFrom: days(1), awayTo: days(3) } })).data!.requestHomeWatch.userErrors).toEqual([]);
    }
    const [pending, toApprove] = await prisma.homeWatchRequest.findMany({ where: { stationId: station.id }, orderBy: { createdAt: "asc" } });
    const approved = await gql(app, APPROVE, { input: { requestId: gid("HomeWatchRequest", toApprove!.id) } }, officer.token);
    const shiftId = approved.data!.approveHomeWatchRequest.request.shifts[0].id as string;

    const other = await createStation();
    const partner = await prisma.partner.create({ data: { stationId: station.id, name: "测试物业公司", kind: "PROPERTY_MANAGEMENT" } });
    const contact = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    const plain = await createVolunteer({ teamId: team.id });
    const attackers: [string, string | null][] = [["anonymous", null], ["other station's officer", other.officer.token], ["plain volunteer", plain.token], ["partner's contact", contact.token]];

    const mutations: [string, string, Record<string, unknown>][] = [
      ["assignPatrolReport", "AssignPatrolReportInput", { reportId, teamId: gid("Team", team.id) }],
      ["rejectPatrolReport", "RejectPatrolReportInput", { reportId, reason: "x" }],
      ["referPatrolReport", "ReferPatrolReportInput", { reportId, department: "城管" }],
      ["resolvePatrolReport", "ResolvePatrolReportInput", { reportId, note: "x" }],
      ["recordMediationSession", "RecordMediationSessionInput", { caseId, heldAt: new Date().toISOString(), notes: "x" }],
      ["closeMediationCase", "CloseMediationCaseInput", { caseId, outcome: "FAILED" }],
      ["updateMediator", "UpdateMediatorInput", { mediatorId: gid("Mediator", mediator.id), bio: "x" }],
      ["approveHomeWatchRequest", "ApproveHomeWatchRequestInput", { requestId: gid("HomeWatchRequest", pending!.id) }],
      ["declineHomeWatchRequest", "DeclineHomeWatchRequestInput", { requestId: gid("HomeWatchRequest", pending!.id), reason: "x" }],
      ["logHomeWatchVisit", "LogHomeWatchVisitInput", { shiftId, result: "PROBLEM", note: "x" }],
    ];
    const snapshot = async () => JSON.stringify([
      await prisma.patrolReport.findUniqueOrThrow({ where: { id: rawId(reportId) }, select: { status: true, updatedAt: true } }),
      await prisma.mediationCase.findUniqueOrThrow({ where: { id: rawId(caseId) }, select: { status: true, _count: { select: { sessions: true } } } }),
      await prisma.mediator.findUniqueOrThrow({ where: { id: mediator.id }, select: { bio: true } }),
      await prisma.homeWatchRequest.findMany({ where: { stationId: station.id }, select: { status: true, _count: { select: { visits: true } } }, orderBy: { createdAt: "asc" } }),
      await prisma.notification.count({ where: { stationId: station.id } }),
    ]);
    const before = await snapshot();
    for (const [who, token] of attackers) {
      for (const [name, input, variables] of mutations) {
        const res = await gql(app, `mutation ($input: ${input}!) { ${name}(input: $input) { userErrors { code message } } }`, { input: variables }, token);
        expect(res.errors, `${who} ${name}`).toBeUndefined();
        const [error] = res.data![name].userErrors;
        expect(["UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"], `${who} ${name}: ${JSON.stringify(error)}`).toContain(error?.code);
        expect(error.message, `${who} ${name}`).toMatch(/\p{Script=Han}/u);
      }
      // Nothing of it to read: not by id, not in the station's lists, not its numbers.
      for (const id of [reportId, caseId, gid("HomeWatchRequest", pending!.id)]) {
        expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id }, token)).data!.node, `${who} ${id}`).toBeNull();
      }
      const lists = await gql(app, `query ($s: ID!) { node(id: $s) { ... on Station {
        patrolReports(first: 10) { edges { node { id } } } mediationCases(first: 10) { edges { node { id } } } homeWatchRequests(first: 10) { edges { node { id } } }
        patrolReportStats { total } mediationStats { open } } } }`, { s: S }, token);
      const station_ = lists.data?.node;
      // The station itself: its own people see it (with empty lists), the others not at all.
      expect(!!station_, who).toBe(who === "plain volunteer" || who === "partner's contact");
      if (station_) {
        expect([station_.patrolReports.edges, station_.mediationCases.edges, station_.homeWatchRequests.edges], who).toEqual([[], [], []]);
        expect([station_.patrolReportStats, station_.mediationStats], who).toEqual([null, null]);
      }
      // The visit's shift: masked for the station's own people, nothing for the others.
      const shown = (await gql(app, `query ($id: ID!) { node(id: $id) { ... on Shift { homeWatch { name phone address contactWhileAway notes viewerSeesDetails } homeWatchVisits { id } } } }`, { id: shiftId }, token)).data?.node;
      expect(!!shown, who).toBe(!!station_);
      if (shown) expect(shown, who).toEqual({ homeWatch: { name: "钱**", phone: "136****0012", address: "杭州市拱墅区****", contactWhileAway: "", notes: "", viewerSeesDetails: false }, homeWatchVisits: null });
      expect(JSON.stringify(shown ?? null), who).not.toMatch(/吴牙|5幢|13612340012/);
    }
    expect(await snapshot()).toBe(before);
  });
});
