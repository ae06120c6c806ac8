// 警民联调 retention: the parties' names and phones, and the texts that quote them, are erased the station's
// retention days after a case closed (the sweeper's eraseExpiredMediation); outcomes, dates, category and
// counts stay. And a mediator suspended at or gone from the station opens by id only for its own people.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { eraseExpiredMediation } from "../api/src/modules/mediation/mediation.service.js";
import { gql, useApp } from "./support/client.js";
import { createStation, createVolunteer, gid, rawId } from "./support/fixtures.js";

let app: App;
useApp((a) => (app = a));

const DAY = 86_400_000;
const OPEN = `mutation ($input: OpenMediationCaseInput!) { openMediationCase(input: $input) { case { id } userErrors { code message field } } }`;
const SESSION = `mutation ($input: RecordMediationSessionInput!) { recordMediationSession(input: $input) { session { id } userErrors { code message field } } }`;
const CLOSE = `mutation ($input: CloseMediationCaseInput!) { closeMediationCase(input: $input) { case { id } userErrors { code message field } } }`;
const SETTINGS = `mutation ($input: UpdateStationSettingsInput!) { updateStationSettings(input: $input) { station { mediationRetentionDays } userErrors { code message field } } }`;
const SET_STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { userErrors { code message field } } }`;
const CASE = `query ($id: ID!) { node(id: $id) { ... on MediationCase { id category source status outcome succeeded summary agreementText referredTo openedAt closedAt erasedAt
  parties { name phone role } sessions { heldAt place notes } mediators { displayName } } } }`;
const STATION = `query ($s: ID!, $from: DateTime!, $to: DateTime!) {
  node(id: $s) { ... on Station {
    mediationStats { open closed succeeded successRate byOutcome { outcome count } openByAge { bucket count } }
    mediationCases(first: 50) { edges { node { id summary status outcome parties { name phone } } } }
  } }
  stationStatistics(stationId: $s, from: $from, to: $to) { mediationOpened mediationClosed mediationSucceeded mediationSuccessRate }
  mediators(stationId: $s, first: 10, includeInactive: true) { edges { node { displayName closedCases openCases successRate } } }
}`;
const AUDIT = `query ($s: ID!) { auditLog(stationId: $s, first: 100) { edges { node { action summary targetName } } } }`;
const INBOX = `{ viewer { notifications(first: 50) { edges { node { kind title body link } } } } }`;

/** Each case's own party names, phones and words, to look for everywhere afterwards. */
function party(tag: string) {
  return {
    applicant: `申请${tag}`,
    respondent: `被申${tag}`,
    phones: [`137${tag.padStart(4, "0")}1111`, `137${tag.padStart(4, "0")}2222`],
    address: `仓桥直街${tag}号`,
  };
}

async function caseWith(stationId: string, officerToken: string, mediatorId: string, tag: string, close: "SETTLED" | "FAILED" | null) {
  const p = party(tag);
  const opened = await gql(app, OPEN, {
    input: {
      stationId: gid("Station", stationId),
      category: "NEIGHBOUR",
      summary: `${p.applicant}（${p.address}）与楼上${p.respondent}漏水纠纷`,
      source: "RESIDENT",
      parties: [
        { name: p.applicant, phone: p.phones[0], role: "APPLICANT" },
        { name: p.respondent, phone: p.phones[1], role: "RESPONDENT" },
      ],
      mediatorIds: [mediatorId],
    },
  }, officerToken);
  expect(opened.data!.openMediationCase.userErrors).toEqual([]);
  const caseId = opened.data!.openMediationCase.case.id as string;
  const s = await gql(app, SESSION, { input: { caseId, heldAt: clock.now().toISOString(), place: `${p.address}${p.applicant}家`, notes: `${p.respondent}同意赔偿，电话${p.phones[1]}` } }, officerToken);
  expect(s.data!.recordMediationSession.userErrors).toEqual([]);
  if (close) {
    const agreementText = close === "SETTLED" ? `${p.respondent}赔偿${p.applicant}两千元，身份证号330602199001011234` : null;
    expect((await gql(app, CLOSE, { input: { caseId, outcome: close, agreementText } }, officerToken)).data!.closeMediationCase.userErrors).toEqual([]);
  }
  return { caseId, words: [p.applicant, p.respondent, ...p.phones, p.address, "330602199001011234"].filter((w) => close === "SETTLED" || w !== "330602199001011234") };
}

const containsAny = (text: string, words: string[]) => words.filter((w) => text.includes(w));

describe("mediation retention", () => {
  it("erases a closed case's parties and texts after the station's retention, keeps cases inside it and open ones, and leaves every figure as it was", async () => {
    const { station, officer, team } = await createStation();
    const other = await createStation();
    const S = gid("Station", station.id);
    // The station keeps parties' data 30 days after closing; the other station keeps the default.
    const set = await gql(app, SETTINGS, { input: { stationId: S, mediationRetentionDays: 30 } }, officer.token);
    expect(set.data!.updateStationSettings).toEqual({ station: { mediationRetentionDays: 30 }, userErrors: [] });
    expect((await gql(app, SETTINGS, { input: { stationId: S, mediationRetentionDays: 7 } }, officer.token)).data!.updateStationSettings.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "mediationRetentionDays"] });
    expect((await prisma.station.findUniqueOrThrow({ where: { id: other.station.id } })).mediationRetentionDays).toBe(180);

    const volunteer = await createVolunteer({ teamId: team.id, specialties: ["MEDIATION"] });
    const created = await gql(app, `mutation ($input: CreateMediatorInput!) { createMediator(input: $input) { mediator { id } userErrors { code } } }`, { input: { stationId: S, volunteerId: gid("Volunteer", volunteer.id) } }, officer.token);
    const mediatorId = created.data!.createMediator.mediator.id as string;
    const otherMediator = gid("Mediator", (await prisma.mediator.create({ data: { stationId: other.station.id, displayName: "陈法官" } })).id);

    const expired = await caseWith(station.id, officer.token, mediatorId, "101", "SETTLED");
    const expiredFailed = await caseWith(station.id, officer.token, mediatorId, "102", "FAILED");
    const open = await caseWith(station.id, officer.token, mediatorId, "103", null);
    const elsewhere = await caseWith(other.station.id, other.officer.token, otherMediator, "104", "SETTLED");
    clock.advance(20 * DAY);
    const recent = await caseWith(station.id, officer.token, mediatorId, "105", "SETTLED");
    clock.advance(15 * DAY);
    // Now: the first two closed 35 days ago (past 30), the recent one 15 days ago; the other station's 35 of 180.

    const vars = { s: S, from: new Date(clock.now().getTime() - 60 * DAY).toISOString(), to: new Date(clock.now().getTime() + DAY).toISOString() };
    const figures = async () => {
      const r = await gql(app, STATION, vars, officer.token);
      expect(r.errors).toBeUndefined();
      return { stats: r.data!.node.mediationStats, period: r.data!.stationStatistics, mediators: r.data!.mediators, list: r.data!.node.mediationCases.edges.map((e: { node: { id: string; status: string; outcome: string } }) => [e.node.id, e.node.status, e.node.outcome]) };
    };
    const before = await figures();
    const caseBefore = (await gql(app, CASE, { id: expired.caseId }, officer.token)).data!.node;
    expect(containsAny(JSON.stringify(caseBefore), expired.words)).toEqual(expired.words);

    // The sweeper's job (run directly here with the moved clock); a second run finds nothing.
    expect(await eraseExpiredMediation()).toBe(2);
    expect(await eraseExpiredMediation()).toBe(0);

    // The figures are the same, and so are the erased case's outcome, dates, category, counts and mediators.
    expect(await figures()).toEqual(before);
    const after = (await gql(app, CASE, { id: expired.caseId }, officer.token)).data!.node;
    expect(after).toMatchObject({ category: "NEIGHBOUR", source: "RESIDENT", status: "CLOSED", outcome: "SETTLED", succeeded: true, openedAt: caseBefore.openedAt, closedAt: caseBefore.closedAt, mediators: caseBefore.mediators });
    expect(after.erasedAt).not.toBeNull();
    expect(after.parties.map((p: { role: string }) => p.role)).toEqual(["APPLICANT", "RESPONDENT"]);
    expect(after.sessions.map((s: { heldAt: string }) => s.heldAt)).toEqual(caseBefore.sessions.map((s: { heldAt: string }) => s.heldAt));

    // No party data in any answer: the case to the officer and to its mediator, the lists, the audit log, the inboxes.
    const answers = [
      await gql(app, CASE, { id: expired.caseId }, officer.token),
      await gql(app, CASE, { id: expiredFailed.caseId }, officer.token),
      await gql(app, CASE, { id: expired.caseId }, volunteer.token),
      await gql(app, STATION, vars, officer.token),
      await gql(app, STATION, vars, volunteer.token),
      await gql(app, AUDIT, { s: S }, officer.token),
      await gql(app, INBOX, {}, volunteer.token),
      await gql(app, INBOX, {}, officer.token),
    ].map((r) => JSON.stringify(r));
    for (const gone of [expired, expiredFailed]) for (const a of answers) expect(containsAny(a, gone.words)).toEqual([]);

    // Nor in the rows.
    for (const gone of [expired, expiredFailed]) {
      const id = rawId(gone.caseId);
      const rows = JSON.stringify([
        await prisma.mediationCase.findUniqueOrThrow({ where: { id } }),
        await prisma.mediationParty.findMany({ where: { caseId: id } }),
        await prisma.mediationSession.findMany({ where: { caseId: id } }),
        await prisma.notification.findMany({ where: { stationId: station.id } }),
        await prisma.auditEntry.findMany({ where: { stationId: station.id } }),
      ], (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v));
      expect(containsAny(rows, gone.words)).toEqual([]);
      expect(await prisma.mediationParty.findMany({ where: { caseId: id }, select: { name: true, phone: true } })).toEqual([{ name: "", phone: "" }, { name: "", phone: "" }]);
    }
    expect((await prisma.mediationCase.findUniqueOrThrow({ where: { id: rawId(expiredFailed.caseId) } })).agreementText).toBeNull();
    expect(await prisma.auditEntry.count({ where: { stationId: station.id, action: "mediation.erase" } })).toBe(1);

    // A case inside the retention, an open case and the other station's case (180 days) keep everything.
    for (const [kept, token] of [[recent, officer.token], [open, officer.token], [elsewhere, other.officer.token]] as const) {
      const c = (await gql(app, CASE, { id: kept.caseId }, token)).data!.node;
      expect(c.erasedAt).toBeNull();
      expect(containsAny(JSON.stringify(c), kept.words)).toEqual(kept.words);
    }
    // The recent one goes when its own 30 days are over, the open one never while open.
    clock.advance(16 * DAY);
    expect(await eraseExpiredMediation()).toBe(1);
    expect((await prisma.mediationCase.findUniqueOrThrow({ where: { id: rawId(recent.caseId) } })).erasedAt).not.toBeNull();
    expect((await prisma.mediationCase.findUniqueOrThrow({ where: { id: rawId(open.caseId) } })).erasedAt).toBeNull();
    expect((await prisma.mediationCase.findUniqueOrThrow({ where: { id: rawId(elsewhere.caseId) } })).erasedAt).toBeNull();
  });
});

describe("the sweeper", () => {
  it("erases by itself, with the shift sweeper's other jobs", async () => {
    const { startShiftSweeper } = await import("../api/src/modules/shift/checkin.service.js");
    const { station, officer } = await createStation();
    const mediator = gid("Mediator", (await prisma.mediator.create({ data: { stationId: station.id, displayName: "调解员甲" } })).id);
    const closed = await caseWith(station.id, officer.token, mediator, "201", "FAILED");
    clock.advance(181 * DAY);
    const stop = startShiftSweeper(25);
    try {
      await expect.poll(async () => (await prisma.mediationCase.findUniqueOrThrow({ where: { id: rawId(closed.caseId) } })).erasedAt, { timeout: 10_000 }).not.toBeNull();
    } finally {
      await stop();
    }
    expect(await prisma.mediationParty.findMany({ where: { caseId: rawId(closed.caseId) }, select: { name: true } })).toEqual([{ name: "" }, { name: "" }]);
  });
});

describe("a mediator suspended at or gone from the station", () => {
  const PROFILE = `query ($id: ID!) { node(id: $id) { ... on Mediator { displayName active atStation } } }`;

  it("is null by id to the public and to another station, as an unknown id, and opens for the station's own officers with its status", async () => {
    const { station, officer, team } = await createStation();
    const other = await createStation();
    const people = [await createVolunteer({ teamId: team.id, specialties: ["MEDIATION"] }), await createVolunteer({ teamId: team.id, specialties: ["MEDIATION"] }), await createVolunteer({ teamId: team.id, specialties: ["MEDIATION"] })];
    const ids: string[] = [];
    for (const p of people) {
      const res = await gql(app, `mutation ($input: CreateMediatorInput!) { createMediator(input: $input) { mediator { id } userErrors { code } } }`, { input: { stationId: gid("Station", station.id), volunteerId: gid("Volunteer", p.id) } }, officer.token);
      ids.push(res.data!.createMediator.mediator.id as string);
    }
    for (const [p, status] of [[people[1]!, "SUSPENDED"], [people[2]!, "LEFT"]] as const) {
      expect((await gql(app, SET_STATUS, { input: { stationId: gid("Station", station.id), volunteerIds: [gid("Volunteer", p.id)], status, reason: "测试" } }, officer.token)).data!.setVolunteerStatus.userErrors).toEqual([]);
    }
    const unknown = gid("Mediator", randomUUID());
    const answer = async (id: string, token: string | null) => gql(app, PROFILE, { id }, token);
    const nodesAnswer = async (id: string, token: string | null) => gql(app, `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Mediator { displayName } } }`, { ids: [id] }, token);

    // Still at the station: public.
    expect((await answer(ids[0]!, null)).data!.node).toEqual({ displayName: people[0]!.displayName, active: true, atStation: true });
    for (const i of [1, 2]) {
      for (const token of [null, other.officer.token]) {
        expect(await answer(ids[i]!, token), `${i} ${token ? "other station" : "public"}`).toEqual(await answer(unknown, token));
        expect((await answer(ids[i]!, token)).data!.node).toBeNull();
        expect(await nodesAnswer(ids[i]!, token)).toEqual(await nodesAnswer(unknown, token));
      }
      // The station's officers see it, with its status.
      expect((await answer(ids[i]!, officer.token)).data!.node).toEqual({ displayName: people[i]!.displayName, active: true, atStation: false });
    }
  });
});
