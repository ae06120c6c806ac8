// An outside attack on the casework (patrol findings, photos, mediation, home-watch): what another
// station's officer, an anonymous caller, a plain volunteer, a partner's contact or a careless officer
// tries. Each finding fixed is guarded here.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createAccount, createStation, createVolunteer, gid, rawId } from "./support/fixtures.js";
import { CLAIM, inMinutes } from "./support/shifts.js";

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
});
