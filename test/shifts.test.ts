import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { localize } from "../api/src/i18n.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { closeFinishedShifts, startShiftSweeper } from "../api/src/modules/shift/checkin.service.js";
import { sharedSubscriptionStats } from "../api/src/graphql/shared-subscriptions.js";
import { encodeCursor, parseCursor, type Position } from "../api/src/events/stored-stream.js";
import { settled } from "./support/horizon.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { createSquad, createStation, createTeam as createTeamOf, createVolunteer, createVolunteers, DEMO_PHONES, gid, rawId, seedDemoData, type Person } from "./support/fixtures.js";
import { CANCEL_CLAIM, CHECK_IN, CHECK_OUT, CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let leader: string;
let officer: string;
let team: string;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  team = teamGid(demo.haolinshe.id);
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const members = (n: number) => createVolunteers(n, { teamId: demo.haolinshe.id });
const claim = (who: Person, shiftId: string) => gql(app, CLAIM, { input: { shiftId } }, who.token);
const claimId = async (who: Person, shiftId: string) => {
  const res = await claim(who, shiftId);
  expect(res.data!.claimShift.userErrors).toEqual([]);
  return res.data!.claimShift.claim.id as string;
};
const SHIFT = `query ($id: ID!) { node(id: $id) { ... on Shift { seatsTaken seatsLeft waitlistLength viewerCanClaim viewerClaim { status waitlistPosition } } } }`;
const shiftAs = async (token: string, id: string) => (await gql(app, SHIFT, { id }, token)).data!.node;
const UPDATE = `mutation ($input: UpdateShiftInput!) {
  updateShift(input: $input) { shifts { id title capacity seatsTaken waitlistLength startsAt endsAt } userErrors { code field } }
}`;
const NOTICES = `subscription { notificationReceived { kind subjectId } }`;

/** Each person's notifications (claim notices among them), acknowledged as listening before this returns. */
async function listen(people: Person[]) {
  const clients = people.map((p) => wsClient(app, p.token));
  const subs = clients.map((c) => subscribe(c, NOTICES));
  await Promise.all(subs.map((s) => s.ready));
  return { subs, dispose: () => Promise.all(clients.map((c) => c.dispose())) };
}

describe("claiming under concurrency", () => {
  it("200 volunteers claiming a 10-seat shift at once: 10 confirmed, 190 waitlisted 1..190 in claim order", { timeout: 240_000 }, async () => {
    const people = await members(200);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(120), endsAt: inMinutes(240), capacity: 10 });
    const results = await Promise.all(people.map((p) => claim(p, shift.id)));
    for (const r of results) expect(r.data!.claimShift.userErrors).toEqual([]);
    const statuses = results.map((r) => r.data!.claimShift.claim.status);
    expect(statuses.filter((s) => s === "CONFIRMED")).toHaveLength(10);
    expect(statuses.filter((s) => s === "WAITLISTED")).toHaveLength(190);
    const positions = results.map((r) => r.data!.claimShift.claim.waitlistPosition).filter((p) => p !== null);
    // Positions are read right after each claim commits, so compare the stored order instead.
    expect(positions.length).toBe(190);

    const shiftId = rawId(shift.id);
    const rows = await prisma.shiftClaim.findMany({ where: { shiftId }, orderBy: { waitlistSeq: "asc" } });
    const waiting = rows.filter((r) => r.status === "WAITLISTED");
    expect(waiting.map((r) => r.waitlistSeq)).toEqual(Array.from({ length: 190 }, (_, i) => i + 1));
    for (let i = 1; i < waiting.length; i++) expect(waiting[i]!.claimedAt >= waiting[i - 1]!.claimedAt).toBe(true);
    const confirmedLast = Math.max(...rows.filter((r) => r.status === "CONFIRMED").map((r) => r.claimedAt.getTime()));
    expect(confirmedLast).toBeLessThanOrEqual(waiting[0]!.claimedAt.getTime());
    const stored = await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } });
    expect([stored.confirmedCount, stored.waitlistCount]).toEqual([10, 190]);

    // The board agrees, and each volunteer sees their own position.
    const byVolunteer = new Map(people.map((p) => [p.id, p]));
    const confirmedOne = byVolunteer.get(rows.find((r) => r.status === "CONFIRMED")!.volunteerId)!;
    expect(await shiftAs(confirmedOne.token, shift.id)).toMatchObject({ seatsTaken: 10, seatsLeft: 0, waitlistLength: 190, viewerClaim: { status: "CONFIRMED" } });
    const third = byVolunteer.get(waiting[2]!.volunteerId)!;
    expect((await shiftAs(third.token, shift.id)).viewerClaim.waitlistPosition).toBe(3);

    // Cancelling a confirmed claim promotes the first of the waitlist, who is told over the WebSocket.
    const first = byVolunteer.get(waiting[0]!.volunteerId)!;
    const told = await listen([first]);
    const cancel = await gql(app, CANCEL_CLAIM, { input: { claimId: gid("ShiftClaim", rows.find((r) => r.status === "CONFIRMED")!.id) } }, confirmedOne.token);
    expect(cancel.data!.cancelShiftClaim).toMatchObject({ claim: { status: "CANCELLED" }, shift: { seatsTaken: 10, waitlistLength: 189 }, userErrors: [] });
    expect((await prisma.shiftClaim.findUniqueOrThrow({ where: { id: waiting[0]!.id } })).status).toBe("CONFIRMED");
    const [notice] = await told.subs[0]!.waitFor(1);
    expect(notice!.data).toEqual({ notificationReceived: { kind: "WAITLIST_PROMOTED", subjectId: shift.id } });
    const second = byVolunteer.get(waiting[1]!.volunteerId)!;
    expect((await shiftAs(second.token, shift.id)).viewerClaim.waitlistPosition).toBe(1);
    await told.dispose();
  });
});

describe("claim rules", () => {
  it("claiming twice returns the same claim without a duplicate", async () => {
    const [v] = await members(1);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(600), endsAt: inMinutes(660) });
    const a = await claim(v!, shift.id);
    const b = await claim(v!, shift.id);
    expect(b.data!.claimShift.claim.id).toBe(a.data!.claimShift.claim.id);
    expect(b.data!.claimShift.shift.seatsTaken).toBe(1);
  });

  it("refuses a shift that overlaps a confirmed one from either side, and allows back-to-back shifts", async () => {
    const [v] = await members(1);
    const t0 = Date.now();
    const minute = (m: number) => new Date(t0 + m * 60_000);
    const at = (from: number, to: number, title: string) => publishShift(app, leader, { teamId: team, startsAt: minute(from), endsAt: minute(to), title });
    const confirmed = await at(1000, 1120, "已确认班次");
    expect((await claim(v!, confirmed.shift.id)).data!.claimShift.claim.status).toBe("CONFIRMED");
    for (const [from, to, what] of [
      [1060, 1180, "starts inside, ends after"],
      [940, 1060, "starts before, runs into it"],
      [1020, 1100, "inside it"],
      [900, 1200, "around it"],
      [1000, 1120, "the same time"],
    ] as const) {
      const other = await at(from, to, what);
      const res = await claim(v!, other.shift.id);
      expect(res.data!.claimShift, what).toMatchObject({ claim: null, userErrors: [{ code: "CONFLICT", field: ["input", "shiftId"] }] });
    }
    // End == next start is no overlap, on either side.
    for (const [from, to] of [
      [1120, 1180],
      [940, 1000],
    ] as const) {
      const next = await at(from, to, "紧挨着的班次");
      expect((await claim(v!, next.shift.id)).data!.claimShift, `${from}–${to}`).toMatchObject({ claim: { status: "CONFIRMED" }, userErrors: [] });
    }
  });

  it("refuses a non-member, a missing specialty and a squad outsider, and viewerCanClaim says so beforehand", async () => {
    const squad = await createSquad(demo.haolinshe.id, "MEDICAL_GUARD");
    const medic = await createVolunteer({ teamId: demo.haolinshe.id, specialties: ["MEDICAL_GUARD"] });
    const plain = await createVolunteer({ teamId: demo.haolinshe.id, specialties: ["HIGH_RISE"] });
    const squadMember = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squad.id] });
    const elsewhere = await createStation();
    const outsider = await createVolunteer({ teamId: elsewhere.team.id, specialties: ["MEDICAL_GUARD"] });

    const open = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(1300), endsAt: inMinutes(1360) });
    const medical = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(1400), endsAt: inMinutes(1460), requiredSpecialty: "MEDICAL_GUARD" });
    const squadShift = await publishShift(app, leader, { teamId: team, squadId: gid("Squad", squad.id), startsAt: inMinutes(1500), endsAt: inMinutes(1560) });
    const canClaim = async (who: string, shiftId: string) => (await gql(app, SHIFT, { id: shiftId }, who)).data?.node?.viewerCanClaim ?? null;

    expect(await canClaim(plain.token, open.shift.id)).toBe(true);
    expect(await canClaim(plain.token, medical.shift.id)).toBe(false);
    expect(await canClaim(medic.token, medical.shift.id)).toBe(true);
    expect(await canClaim(plain.token, squadShift.shift.id)).toBe(false);
    expect(await canClaim(squadMember.token, squadShift.shift.id)).toBe(true);
    expect(await canClaim(officer, open.shift.id)).toBe(false); // not a volunteer
    expect(await canClaim(outsider.token, open.shift.id)).toBeNull(); // cannot even see it

    // Another station's volunteer: the shift does not exist for them.
    expect((await claim(outsider, open.shift.id)).data!.claimShift.userErrors[0].code).toBe("NOT_FOUND");
    expect((await claim(plain, medical.shift.id)).data!.claimShift.userErrors[0].code).toBe("FORBIDDEN");
    expect((await claim(medic, medical.shift.id)).data!.claimShift.claim.status).toBe("CONFIRMED");
    expect(await canClaim(medic.token, medical.shift.id)).toBe(false); // claimed already
    expect((await claim(plain, squadShift.shift.id)).data!.claimShift.userErrors[0].code).toBe("FORBIDDEN");
    expect((await claim(squadMember, squadShift.shift.id)).data!.claimShift.claim.status).toBe("CONFIRMED");
  });

  it("refuses claims once the shift has started, and viewerCanClaim turns false", async () => {
    const [v] = await members(1);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(2000), endsAt: inMinutes(2060) });
    clock.advance(2001 * 60_000);
    expect(await shiftAs(v!.token, shift.id)).toMatchObject({ viewerCanClaim: false, viewerClaim: null });
    const late = await claim(v!, shift.id);
    expect(late.data!.claimShift.userErrors).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "shiftId"] }]);
  });

  it("only leaders and officers publish shifts; bad input is VALIDATION", async () => {
    const [v] = await members(1);
    const asVolunteer = await gql(app, `mutation ($input: CreateShiftInput!) { createShift(input: $input) { shift { id } userErrors { code } } }`, {
      input: { teamId: team, kind: "PATROL", title: "x", startsAt: inMinutes(60), endsAt: inMinutes(120), capacity: 5 },
    }, v!.token);
    expect(asVolunteer.data!.createShift.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const create = async (input: Record<string, unknown>) =>
      (await gql(app, `mutation ($input: CreateShiftInput!) { createShift(input: $input) { shift { id } userErrors { code field } } }`, {
        input: { teamId: team, kind: "PATROL", title: "x", startsAt: inMinutes(120), endsAt: inMinutes(180), capacity: 3, ...input },
      }, leader)).data!.createShift.userErrors;
    expect(await create({ endsAt: inMinutes(60), capacity: 0 })).toEqual([{ code: "VALIDATION", field: ["input", "capacity"] }]);
    expect(await create({ endsAt: inMinutes(60) })).toEqual([{ code: "VALIDATION", field: ["input", "endsAt"] }]);
    expect(await create({ endsAt: inMinutes(120 + 25 * 60) })).toEqual([{ code: "VALIDATION", field: ["input", "endsAt"] }]);
    expect(await create({ startsAt: inMinutes(-10) })).toEqual([{ code: "VALIDATION", field: ["input", "startsAt"] }]);
    expect(await create({ teamId: teamGid("00000000-0000-7000-8000-000000000000") })).toEqual([{ code: "NOT_FOUND", field: ["input", "teamId"] }]);
    const elsewhere = await createStation();
    const foreignSquad = await createSquad(elsewhere.team.id);
    expect(await create({ squadId: gid("Squad", foreignSquad.id) })).toEqual([{ code: "NOT_FOUND", field: ["input", "squadId"] }]);
    const foreignGrid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.changqing.id } });
    expect(await create({ gridId: gid("Grid", foreignGrid.id) })).toEqual([{ code: "NOT_FOUND", field: ["input", "gridId"] }]);
    expect(await create({ jointOfficerId: elsewhere.officer.accountId })).toEqual([{ code: "NOT_FOUND", field: ["input", "jointOfficerId"] }]);
    const weekly = { weekdays: [1], until: inMinutes(-60 * 24) };
    expect(await create({ repeat: weekly })).toEqual([{ code: "VALIDATION", field: ["input", "repeat"] }]);
    expect(await create({ repeat: { weekdays: [1, 2, 3, 4, 5, 6, 7], until: inMinutes(60 * 24 * 400) } })).toEqual([
      { code: "VALIDATION", field: ["input", "repeat", "until"] },
    ]);
  });

  it("hides the post code from volunteers and the shift from another station", async () => {
    const [v] = await members(1);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(3000), endsAt: inMinutes(3060) });
    expect(shift.postCode).toMatch(/^\d{6}$/);
    const q = `query ($id: ID!) { node(id: $id) { ... on Shift { title postCode } } }`;
    expect((await gql(app, q, { id: shift.id }, v!.token)).data!.node).toEqual({ title: "府山街区巡逻", postCode: null });
    const other = await signIn(app, DEMO_PHONES.changqingOfficer);
    expect(await gql(app, q, { id: shift.id }, other)).toEqual({ data: { node: null } });
  });
});

describe("editing shifts", () => {
  it("capacity below the confirmed count is a CONFLICT; more capacity promotes the waitlist in claim order and tells them", async () => {
    const people = await members(5);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(300), endsAt: inMinutes(360), capacity: 2 });
    const claims: string[] = [];
    for (const p of people) claims.push(await claimId(p, shift.id)); // in this order: 2 seats, then waitlist 1, 2, 3
    const waitlisted = people.slice(2);
    const told = await listen(waitlisted);

    const lower = await gql(app, UPDATE, { input: { shiftId: shift.id, capacity: 1 } }, leader);
    expect(lower.data!.updateShift).toEqual({ shifts: null, userErrors: [{ code: "CONFLICT", field: ["input", "capacity"] }] });

    const grow = await gql(app, UPDATE, { input: { shiftId: shift.id, capacity: 4 } }, leader);
    expect(grow.data!.updateShift.userErrors).toEqual([]);
    expect(grow.data!.updateShift.shifts[0]).toMatchObject({ capacity: 4, seatsTaken: 4, waitlistLength: 1 });
    // The first two of the waitlist got the seats, the third waits, now first in line.
    for (const [i, p] of waitlisted.entries()) {
      expect((await shiftAs(p.token, shift.id)).viewerClaim, `waitlisted #${i + 1}`).toEqual(
        i < 2 ? { status: "CONFIRMED", waitlistPosition: null } : { status: "WAITLISTED", waitlistPosition: 1 },
      );
    }
    expect((await told.subs[0]!.waitFor(1))[0]!.data!.notificationReceived).toEqual({ kind: "WAITLIST_PROMOTED", subjectId: shift.id });
    expect((await told.subs[1]!.waitFor(1))[0]!.data!.notificationReceived).toEqual({ kind: "WAITLIST_PROMOTED", subjectId: shift.id });

    // A new time is told to everyone with a claim, seated or waiting (and it is the third's first notice).
    const [startsAt, endsAt] = [inMinutes(330), inMinutes(400)];
    const moved = await gql(app, UPDATE, { input: { shiftId: shift.id, startsAt, endsAt, title: "改期巡逻" } }, leader);
    expect(moved.data!.updateShift.shifts[0]).toMatchObject({ title: "改期巡逻", startsAt: startsAt.toISOString(), endsAt: endsAt.toISOString() });
    const reasons = await Promise.all(told.subs.map(async (s, i) => (await s.waitFor(i < 2 ? 2 : 1)).map((r) => r.data!.notificationReceived.kind)));
    expect(reasons).toEqual([["WAITLIST_PROMOTED", "SHIFT_CHANGED"], ["WAITLIST_PROMOTED", "SHIFT_CHANGED"], ["SHIFT_CHANGED"]]);
    await told.dispose();
  });

  it("only the shift's leaders and officers edit it, and only before it starts", async () => {
    const [v] = await members(1);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(100), endsAt: inMinutes(160) });
    const edit = async (token: string, input: Record<string, unknown>) => (await gql(app, UPDATE, { input: { shiftId: shift.id, ...input } }, token)).data!.updateShift.userErrors;
    expect(await edit(v!.token, { title: "x" })).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect(await edit(await signIn(app, DEMO_PHONES.changqingOfficer), { title: "x" })).toEqual([{ code: "NOT_FOUND", field: ["input", "shiftId"] }]);
    expect(await edit(officer, { endsAt: inMinutes(90) })).toEqual([{ code: "VALIDATION", field: ["input", "endsAt"] }]);
    expect(await edit(officer, { kind: "NIGHT_PATROL", place: "府山公园", notes: "带手电", requiredSpecialty: "NIGHT_PATROL" })).toEqual([]);
    expect(
      (await gql(app, UPDATE, { input: { shiftId: gid("Shift", "00000000-0000-7000-8000-000000000000"), title: "x" } }, leader)).data!.updateShift.userErrors,
    ).toEqual([{ code: "NOT_FOUND", field: ["input", "shiftId"] }]);
    clock.advance(101 * 60_000);
    expect(await edit(leader, { title: "开始后修改" })).toEqual([{ code: "CONFLICT", field: ["input", "shiftId"] }]);
    clock.reset();
    await gql(app, `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`, { input: { shiftId: shift.id, reason: "下雨" } }, leader);
    expect(await edit(leader, { title: "取消后修改" })).toEqual([{ code: "CONFLICT", field: ["input", "shiftId"] }]);
  });

  it("edits one occurrence of a weekly series, or it and the later ones", async () => {
    const start = inMinutes(24 * 60);
    const res = await publishShift(app, leader, {
      teamId: team,
      title: "每日巡逻",
      startsAt: start,
      endsAt: new Date(start.getTime() + 3600_000),
      repeat: { weekdays: [1, 2, 3, 4, 5, 6, 7], until: new Date(start.getTime() + 4 * 24 * 3600_000) },
    });
    expect(res.shifts).toHaveLength(5);
    const titles = async () =>
      Promise.all(res.shifts.map(async (s) => (await gql(app, `query ($id: ID!) { node(id: $id) { ... on Shift { title } } }`, { id: s.id }, leader)).data!.node.title));
    await gql(app, UPDATE, { input: { shiftId: res.shifts[1]!.id, title: "只改这一次" } }, leader);
    expect(await titles()).toEqual(["每日巡逻", "只改这一次", "每日巡逻", "每日巡逻", "每日巡逻"]);
    const later = await gql(app, UPDATE, { input: { shiftId: res.shifts[3]!.id, title: "以后都改", applyTo: "FUTURE_SHIFTS" } }, leader);
    expect(later.data!.updateShift.shifts).toHaveLength(2);
    expect(await titles()).toEqual(["每日巡逻", "只改这一次", "每日巡逻", "以后都改", "以后都改"]);
  });
});

describe("leaders put people on shifts", () => {
  it("a leader assigns a member (who is told), a volunteer cannot; the claim rules still apply; a leader removes someone (who is told)", async () => {
    const [v, other] = await members(2);
    const elsewhere = await createStation();
    const outsider = await createVolunteer({ teamId: elsewhere.team.id });
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(700), endsAt: inMinutes(760), capacity: 1 });
    const ASSIGN = `mutation ($input: AssignShiftInput!) { assignShift(input: $input) { claim { id status assignedByLeader } userErrors { code field } } }`;
    const assign = (token: string, volunteerId: string, shiftId = shift.id) => gql(app, ASSIGN, { input: { shiftId, volunteerId } }, token);
    const told = await listen([v!]);

    expect((await assign(other!.token, gid("Volunteer", v!.id))).data!.assignShift.userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await assign(leader, gid("Volunteer", outsider.id))).data!.assignShift.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "volunteerId"] }]); // another station's
    expect((await assign(leader, gid("Volunteer", "00000000-0000-7000-8000-000000000000"))).data!.assignShift.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "volunteerId"] },
    ]);
    expect((await assign(leader, gid("Volunteer", v!.id), gid("Shift", "00000000-0000-7000-8000-000000000000"))).data!.assignShift.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "shiftId"] },
    ]);
    const ok = await assign(leader, gid("Volunteer", v!.id));
    expect(ok.data!.assignShift).toMatchObject({ claim: { status: "CONFIRMED", assignedByLeader: true }, userErrors: [] });
    const id = ok.data!.assignShift.claim.id;
    expect((await assign(officer, gid("Volunteer", other!.id))).data!.assignShift.claim.status).toBe("WAITLISTED");

    const removed = await gql(app, CANCEL_CLAIM, { input: { claimId: id } }, leader);
    expect(removed.data!.cancelShiftClaim).toMatchObject({ claim: { status: "CANCELLED" }, shift: { seatsTaken: 1, waitlistLength: 0 }, userErrors: [] });
    const notices = await told.subs[0]!.waitFor(2);
    expect(notices.map((n) => [n.data!.notificationReceived.kind, n.data!.notificationReceived.subjectId])).toEqual([
      ["SHIFT_ASSIGNED", shift.id],
      ["SHIFT_REMOVED", shift.id],
    ]);
    // Someone else cannot cancel it; cancelling twice changes nothing.
    expect((await gql(app, CANCEL_CLAIM, { input: { claimId: id } }, other!.token)).data!.cancelShiftClaim.userErrors).toEqual([expect.objectContaining({ code: "FORBIDDEN", field: null })]);
    expect((await gql(app, CANCEL_CLAIM, { input: { claimId: id } }, leader)).data!.cancelShiftClaim.claim.status).toBe("CANCELLED");
    await told.dispose();
  });
});

describe("who sees a roster and a volunteer's shifts", () => {
  const ROSTER = `query ($id: ID!) { node(id: $id) { ... on Shift { claims(first: 10) { edges { node { status volunteer { id } } } } } } }`;
  const THEIR_SHIFTS = `query ($id: ID!) { node(id: $id) { ... on Volunteer { shifts(first: 10) { edges { node { status shift { id } } } } } } }`;

  it("the roster (confirmed first, then the waitlist in order) is for the shift's leaders and officers only", async () => {
    const people = await members(3);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(800), endsAt: inMinutes(860), capacity: 1 });
    for (const p of [people[1]!, people[2]!, people[0]!]) await claimId(p, shift.id);
    for (const token of [leader, officer]) {
      const roster = (await gql(app, ROSTER, { id: shift.id }, token)).data!.node.claims.edges.map((e: any) => [e.node.status, e.node.volunteer.id]);
      expect(roster).toEqual([
        ["CONFIRMED", gid("Volunteer", people[1]!.id)],
        ["WAITLISTED", gid("Volunteer", people[2]!.id)],
        ["WAITLISTED", gid("Volunteer", people[0]!.id)],
      ]);
    }
    const asMember = await gql(app, ROSTER, { id: shift.id }, people[1]!.token);
    expect(asMember.data!.node.claims).toBeNull();
    expect(asMember.errors?.[0]?.path).toEqual(["node", "claims"]);
    const elsewhere = await createStation();
    expect(await gql(app, ROSTER, { id: shift.id }, elsewhere.officer.token)).toEqual({ data: { node: null } });
  });

  it("a volunteer's shifts are for the person, their leaders and their station's officers", async () => {
    const [v, peer] = await members(2);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(900), endsAt: inMinutes(960) });
    await claimId(v!, shift.id);
    const id = gid("Volunteer", v!.id);
    for (const token of [v!.token, leader, officer]) {
      expect((await gql(app, THEIR_SHIFTS, { id }, token)).data!.node.shifts.edges.map((e: any) => e.node)).toEqual([{ status: "CONFIRMED", shift: { id: shift.id } }]);
    }
    const res = await gql(app, THEIR_SHIFTS, { id }, peer!.token);
    expect(res.data!.node.shifts).toBeNull();
    expect(res.errors?.[0]?.path).toEqual(["node", "shifts"]);
    const elsewhere = await createStation();
    expect(await gql(app, THEIR_SHIFTS, { id }, elsewhere.officer.token)).toEqual({ data: { node: null } });
  });
});

describe("weekly series", () => {
  it("creates the occurrences and cancels only future ones of the series", async () => {
    const start = inMinutes(24 * 60);
    const res = await publishShift(app, leader, {
      teamId: team,
      kind: "NIGHT_PATROL",
      title: "周一三五夜巡",
      startsAt: start,
      endsAt: new Date(start.getTime() + 2 * 3600_000),
      repeat: { weekdays: [1, 3, 5], until: new Date(start.getTime() + 20 * 24 * 3600_000) },
    });
    const starts = res.shifts.map((s) => new Date(s.startsAt));
    expect(starts.length).toBeGreaterThanOrEqual(8);
    expect(starts.length).toBeLessThanOrEqual(10);
    for (const s of starts) {
      const local = new Date(s.getTime() + 8 * 3600_000);
      expect([1, 3, 5]).toContain(((local.getUTCDay() + 6) % 7) + 1);
      expect(local.getUTCHours()).toBe(new Date(start.getTime() + 8 * 3600_000).getUTCHours());
    }
    const third = res.shifts[2]!;
    const cancel = await gql(
      app,
      `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { shifts { id status cancelReason } userErrors { code } } }`,
      { input: { shiftId: third.id, reason: "台风停巡", applyTo: "FUTURE_SHIFTS" } },
      leader,
    );
    expect(cancel.data!.cancelShift.shifts).toHaveLength(res.shifts.length - 2);
    const statuses = await Promise.all(
      res.shifts.map(async (s) => (await gql(app, `query ($id: ID!) { node(id: $id) { ... on Shift { status } } }`, { id: s.id }, leader)).data!.node.status),
    );
    expect(statuses.slice(0, 2)).toEqual(["OPEN", "OPEN"]);
    expect(new Set(statuses.slice(2))).toEqual(new Set(["CANCELLED"]));
  });
});

describe("check-in and check-out", () => {
  it("GPS near the grid's point is not flagged; GPS for a shift without a point always is", async () => {
    const [near, nowhere] = await members(2);
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id, latitude: { not: null } } });
    const withPoint = await publishShift(app, leader, { teamId: team, gridId: gid("Grid", grid.id), startsAt: inMinutes(20), endsAt: inMinutes(80) });
    const withoutPoint = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(20), endsAt: inMinutes(80) });
    const at = { method: "GPS", latitude: grid.latitude, longitude: grid.longitude };
    const a = await gql(app, CHECK_IN, { input: { claimId: await claimId(near!, withPoint.shift.id), ...at } }, near!.token);
    expect(a.data!.checkIn.claim).toMatchObject({ checkInMethod: "GPS", checkInFlagged: false });
    const b = await gql(app, CHECK_IN, { input: { claimId: await claimId(nowhere!, withoutPoint.shift.id), ...at } }, nowhere!.token);
    expect(b.data!.checkIn.claim).toMatchObject({ checkInMethod: "GPS", checkInFlagged: true });
  });

  it("QR needs the post code, repeats are idempotent, GPS far away is flagged, check-out records minutes", async () => {
    const [a, b, stranger] = await members(3);
    const { shift } = await publishShift(app, leader, {
      teamId: team,
      gridId: gid("Grid", (await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id, latitude: { not: null } } })).id),
      startsAt: inMinutes(60),
      endsAt: inMinutes(180),
    });
    const qrClaim = await claimId(a!, shift.id);
    const gpsClaim = await claimId(b!, shift.id);

    const early = await gql(app, CHECK_IN, { input: { claimId: qrClaim, method: "QR", code: shift.postCode } }, a!.token);
    expect(early.data!.checkIn.userErrors[0]).toMatchObject({ code: "CONFLICT", field: ["input", "claimId"] });

    clock.advance(45 * 60_000); // 15 minutes before the start
    const noCode = await gql(app, CHECK_IN, { input: { claimId: qrClaim, method: "QR" } }, a!.token);
    expect(noCode.data!.checkIn.userErrors).toEqual([{ code: "VALIDATION", message: expect.any(String), field: ["input", "code"] }]);
    const wrong = await gql(app, CHECK_IN, { input: { claimId: qrClaim, method: "QR", code: "000000" === shift.postCode ? "111111" : "000000" } }, a!.token);
    expect(wrong.data!.checkIn.userErrors).toEqual([{ code: "VALIDATION", message: expect.any(String), field: ["input", "code"] }]);
    const ok = await gql(app, CHECK_IN, { input: { claimId: qrClaim, method: "QR", code: shift.postCode } }, a!.token);
    expect(ok.data!.checkIn.claim).toMatchObject({ checkInMethod: "QR", checkInFlagged: false });
    const again = await gql(app, CHECK_IN, { input: { claimId: qrClaim, method: "QR", code: shift.postCode } }, a!.token);
    expect(again.data!.checkIn.claim.checkedInAt).toBe(ok.data!.checkIn.claim.checkedInAt);
    expect(await prisma.patrolEvent.count({ where: { claimId: rawId(qrClaim), kind: "CHECKED_IN" } })).toBe(1);

    // Someone else cannot check this volunteer in, nor can a volunteer check in by "leader".
    expect((await gql(app, CHECK_IN, { input: { claimId: gpsClaim, method: "GPS", latitude: 30, longitude: 120.5 } }, stranger!.token)).data!.checkIn.userErrors[0].code).toBe("FORBIDDEN");
    expect((await gql(app, CHECK_IN, { input: { claimId: gpsClaim, method: "LEADER" } }, b!.token)).data!.checkIn.userErrors[0].code).toBe("FORBIDDEN");
    const noPlace = await gql(app, CHECK_IN, { input: { claimId: gpsClaim, method: "GPS" } }, b!.token);
    expect(noPlace.data!.checkIn.userErrors).toEqual([{ code: "VALIDATION", message: expect.any(String), field: ["input", "latitude"] }]);
    const far = await gql(app, CHECK_IN, { input: { claimId: gpsClaim, method: "GPS", latitude: 30.1, longitude: 120.6 } }, b!.token);
    expect(far.data!.checkIn.claim.checkInFlagged).toBe(true);

    clock.advance(75 * 60_000); // one hour into the shift
    const out = await gql(app, CHECK_OUT, { input: { claimId: qrClaim } }, a!.token);
    expect(out.data!.checkOut.claim).toMatchObject({ status: "COMPLETED", minutesServed: 60 });
    const twice = await gql(app, CHECK_OUT, { input: { claimId: qrClaim } }, a!.token);
    expect(twice.data!.checkOut.claim.checkedOutAt).toBe(out.data!.checkOut.claim.checkedOutAt);
  });

  it("refuses check-in after the shift has ended, check-in while waitlisted, and check-out before check-in or past its deadline", async () => {
    const [seated, waiting, late] = await members(3);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(30), endsAt: inMinutes(90), capacity: 2 });
    const seatedClaim = await claimId(seated!, shift.id);
    const lateClaim = await claimId(late!, shift.id);
    const waitingClaim = await claimId(waiting!, shift.id);
    const checkIn = async (who: Person, id: string) => (await gql(app, CHECK_IN, { input: { claimId: id, method: "QR", code: shift.postCode } }, who.token)).data!.checkIn.userErrors;
    const checkOut = async (who: Person, id: string) => (await gql(app, CHECK_OUT, { input: { claimId: id } }, who.token)).data!.checkOut.userErrors;

    clock.advance(40 * 60_000);
    expect(await checkIn(waiting!, waitingClaim)).toEqual([{ code: "CONFLICT", field: ["input", "claimId"], message: expect.any(String) }]);
    expect(await checkOut(seated!, seatedClaim)).toEqual([{ code: "CONFLICT", field: ["input", "claimId"], message: expect.any(String) }]);
    expect(await checkIn(seated!, seatedClaim)).toEqual([]);

    clock.advance(51 * 60_000); // one minute after the end
    expect(await checkIn(late!, lateClaim)).toEqual([{ code: "CONFLICT", field: ["input", "claimId"], message: expect.any(String) }]);
    expect(await prisma.shiftClaim.findUniqueOrThrow({ where: { id: rawId(lateClaim) } })).toMatchObject({ checkedInAt: null });
    clock.advance(120 * 60_000); // past the check-out deadline
    expect(await checkOut(seated!, seatedClaim)).toEqual([{ code: "CONFLICT", field: ["input", "claimId"], message: expect.any(String) }]);
  });

  it("tells when check-in opens (Shift.checkInOpensAt), the time checkIn starts taking it, for the roster to read", async () => {
    const [early] = await members(1);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(60), endsAt: inMinutes(120) });
    const id = await claimId(early!, shift.id);
    const read = (await gql(app, `query ($id: ID!) { node(id: $id) { ... on Shift { startsAt checkInOpensAt } } }`, { id: shift.id }, early!.token)).data!.node;
    const opens = new Date(read.checkInOpensAt).getTime();
    expect(new Date(read.startsAt).getTime() - opens).toBe(30 * 60_000);
    const checkIn = async () => (await gql(app, CHECK_IN, { input: { claimId: id, method: "QR", code: shift.postCode } }, early!.token)).data!.checkIn.userErrors;
    clock.advance(opens - 10_000 - Date.now()); // ten seconds before
    expect(await checkIn()).toEqual([{ code: "CONFLICT", field: ["input", "claimId"], message: expect.any(String) }]);
    clock.reset();
    clock.advance(opens + 1000 - Date.now()); // a second after
    expect(await checkIn()).toEqual([]);
  });

  // Far beyond the other tests' shifts, so that no earlier claim overlaps it.
  const DAYS_40 = 40 * 24 * 60;
  it("tells the points a completed shift earned; names its leader, with the phone only when shared, and who is going", async () => {
    const [squadA, squadB] = [await createSquad(demo.haolinshe.id), await createSquad(demo.haolinshe.id)];
    const squadLeader = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squadA.id], squadRole: "LEADER" });
    const member = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squadA.id] });
    const outsider = await createVolunteer({ teamId: demo.haolinshe.id, squadIds: [squadB.id] });
    const leaderPhone = squadLeader.phone;
    const led = { squadId: squadA.id };
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), squadId: gid("Squad", led.squadId), startsAt: inMinutes(DAYS_40 + 30), endsAt: inMinutes(DAYS_40 + 150) });
    const claimed = await claim(member, shift.id);
    expect(claimed.data!.claimShift.userErrors).toEqual([]);
    const mine = claimed.data!.claimShift.claim.id;
    const DETAIL = `query ($id: ID!) { node(id: $id) { ... on Shift { contact { leaderRole leaderName leaderPhone viewerCanCallLeader stationName stationPhone }
      going(first: 20) { edges { node { displayName isViewer } } } } } }`;
    const before = (await gql(app, DETAIL, { id: shift.id }, member.token)).data!.node;
    expect(before.contact).toMatchObject({ leaderRole: "SQUAD_LEADER", viewerCanCallLeader: false, stationName: "府山派出所" });
    expect(before.contact.leaderPhone).not.toBe(leaderPhone);
    expect(before.going.edges).toEqual([{ node: { displayName: expect.any(String), isViewer: true } }]);
    const share = await gql(app, `mutation { updateMyPrivacy(input: { sharePhoneWithTeam: true }) { volunteer { sharePhoneWithTeam } userErrors { code } } }`, {}, squadLeader.token);
    expect(share.data!.updateMyPrivacy.volunteer.sharePhoneWithTeam).toBe(true);
    const after = (await gql(app, DETAIL, { id: shift.id }, member.token)).data!.node;
    expect(after.contact).toMatchObject({ leaderPhone, viewerCanCallLeader: true });
    // Someone outside the squad does not see who is going.
    expect((await gql(app, DETAIL, { id: shift.id }, outsider.token)).data?.node?.going ?? null).toBeNull();

    clock.advance((DAYS_40 + 30) * 60_000);
    expect((await gql(app, CHECK_IN, { input: { claimId: mine, method: "QR", code: shift.postCode } }, member.token)).data!.checkIn.userErrors).toEqual([]);
    clock.advance(60 * 60_000);
    expect((await gql(app, CHECK_OUT, { input: { claimId: mine } }, member.token)).data!.checkOut.claim.status).toBe("COMPLETED");
    const earned = await gql(app, `query ($id: ID!) { node(id: $id) { ... on ShiftClaim { minutesServed pointsEarned } } }`, { id: mine }, member.token);
    expect(earned.data!.node.minutesServed).toBe(60);
    expect(earned.data!.node.pointsEarned).toBeGreaterThan(0);

    // The squad's leader watches their squad's patrols, and only theirs.
    await settled("PatrolEvent");
    const log = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Station { patrolLog(first: 50) { edges { node { kind shift { squad { id } } } } } } } }`, { id: gid("Station", demo.fushan.id) }, squadLeader.token);
    expect(log.errors).toBeUndefined();
    const squads = log.data!.node.patrolLog.edges.map((e: any) => e.node.shift.squad?.id ?? null);
    expect(squads.length).toBeGreaterThan(0);
    expect(new Set(squads)).toEqual(new Set([gid("Squad", led.squadId)]));
  });

  it("marks no-shows after the end and checks out forgotten check-ins two hours later", async () => {
    const [present, absent, waiting] = await members(3);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(30), endsAt: inMinutes(90), capacity: 2 });
    const presentClaim = await claimId(present!, shift.id);
    const absentClaim = await claimId(absent!, shift.id);
    const waitingClaim = await claimId(waiting!, shift.id);
    clock.advance(40 * 60_000);
    await gql(app, CHECK_IN, { input: { claimId: presentClaim, method: "LEADER" } }, leader);
    const shiftId = rawId(shift.id);
    const end = (await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } })).endsAt;

    await closeFinishedShifts(new Date(end.getTime() + 60_000));
    const status = async (id: string) => (await prisma.shiftClaim.findUniqueOrThrow({ where: { id: rawId(id) } })).status;
    expect([await status(absentClaim), await status(presentClaim), await status(waitingClaim)]).toEqual(["NO_SHOW", "CONFIRMED", "CANCELLED"]);

    await closeFinishedShifts(new Date(end.getTime() + 121 * 60_000));
    await closeFinishedShifts(new Date(end.getTime() + 122 * 60_000)); // running again changes nothing
    const closed = await prisma.shiftClaim.findUniqueOrThrow({ where: { id: rawId(presentClaim) } });
    expect(closed).toMatchObject({ status: "COMPLETED", checkedOutAt: end, minutesServed: 50 });
    expect((await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } })).status).toBe("DONE");
    const kinds = (await prisma.patrolEvent.findMany({ where: { shiftId }, orderBy: { id: "asc" } })).map((e) => e.kind);
    expect(kinds).toEqual(["CHECKED_IN", "NO_SHOW", "CHECKED_OUT"]);
    // A volunteer marked absent cannot claim the finished shift again.
    expect((await claim(absent!, shift.id)).data!.claimShift.userErrors).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "shiftId"] }]);
  });

  it("the sweeper closes finished shifts by itself, on every tick", async () => {
    const [a, b] = await members(2);
    const first = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(10), endsAt: inMinutes(20) });
    const second = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(30), endsAt: inMinutes(40) });
    const firstClaim = rawId(await claimId(a!, first.shift.id));
    const secondClaim = rawId(await claimId(b!, second.shift.id));
    const status = async (id: string) => (await prisma.shiftClaim.findUniqueOrThrow({ where: { id } })).status;
    const stop = startShiftSweeper(25);
    try {
      clock.advance(21 * 60_000); // the first has ended
      await expect.poll(() => status(firstClaim), { timeout: 10_000 }).toBe("NO_SHOW");
      expect(await status(secondClaim)).toBe("CONFIRMED");
      clock.advance(20 * 60_000); // and now the second: a later tick closes it
      await expect.poll(() => status(secondClaim), { timeout: 10_000 }).toBe("NO_SHOW");
    } finally {
      stop();
    }
  });
});

/** Orders cursors by the position they encode (commit order: transaction id, then event id). */
function byPosition(a: string, b: string): number {
  const pos = (c: string) => (parseCursor(c) as { after: Position }).after;
  const [x, y] = [pos(a), pos(b)];
  return x.xid !== y.xid ? (x.xid < y.xid ? -1 : 1) : x.id === y.id ? 0 : x.id < y.id ? -1 : 1;
}

describe("live patrol watch", () => {
  const WATCH = `subscription ($stationId: ID!, $since: String) {
    patrolCheckIns(stationId: $stationId, since: $since) { cursor kind flagged claim { volunteer { displayName } } shift { id title grid { name } } }
  }`;
  const stationId = () => gid("Station", demo.fushan.id);
  const checkInAll = async (claims: string[]) => {
    for (const c of claims) expect((await gql(app, CHECK_IN, { input: { claimId: c, method: "LEADER" } }, leader)).data!.checkIn.userErrors).toEqual([]);
  };

  it("streams check-ins to officers and replays what a reconnecting dashboard missed, without duplicates", async () => {
    const people = await members(7);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(20), endsAt: inMinutes(140), capacity: 7 });
    const claims: string[] = [];
    for (const p of people) claims.push(await claimId(p, shift.id));

    // Only this shift's events: sweepers of earlier tests may still log no-shows of theirs.
    type Sub = ReturnType<typeof subscribe>;
    const mine = async (sub: Sub, n: number) => {
      const own = () => sub.results.filter((r) => r.data!.patrolCheckIns.shift.id === shift.id);
      while (own().length < n) await sub.waitFor(sub.results.length + 1);
      return own();
    };
    const ws1 = wsClient(app, officer);
    const live = subscribe(ws1, WATCH, { stationId: stationId() });
    await live.ready;
    await checkInAll(claims.slice(0, 2));
    const seen = await mine(live, 2);
    expect(seen.map((r) => r.data!.patrolCheckIns.kind)).toEqual(["CHECKED_IN", "CHECKED_IN"]);
    expect(seen[0]!.data!.patrolCheckIns.shift.title).toBe("府山街区巡逻");
    const lastCursor = seen[1]!.data!.patrolCheckIns.cursor;
    await ws1.dispose(); // the dashboard drops off …

    await checkInAll(claims.slice(2, 5));

    const ws2 = wsClient(app, officer); // … and comes back with its last cursor
    const resumed = subscribe(ws2, WATCH, { stationId: stationId(), since: lastCursor });
    await resumed.ready;
    const replayed = await mine(resumed, 3);
    await checkInAll([claims[5]!]);
    const all = await mine(resumed, 4);
    const cursors = all.map((r) => r.data!.patrolCheckIns.cursor as string);
    expect(cursors.length).toBe(4);
    expect(new Set(cursors).size).toBe(4);
    expect([...cursors].sort(byPosition)).toEqual(cursors);
    expect(byPosition(cursors[0]!, lastCursor)).toBe(1);
    expect(replayed.length).toBeGreaterThanOrEqual(3);
    // Events arrive in order: once a last check-in is seen, no duplicate of the earlier ones can follow.
    await checkInAll([claims[6]!]);
    const final = await mine(resumed, 5);
    expect(final).toHaveLength(5);
    expect(final.map((r) => r.data!.patrolCheckIns.claim.volunteer.displayName)).toEqual(people.slice(2).map((p) => p.displayName));
    await ws2.dispose();
  });

  it("executes each event once for all dashboards of one viewer, and separately for another viewer", async () => {
    const [v] = await members(1);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(25), endsAt: inMinutes(145), capacity: 2 });
    const id = await claimId(v!, shift.id);
    const officerWs = wsClient(app, officer);
    const dashboards = Array.from({ length: 20 }, () => subscribe(officerWs, WATCH, { stationId: stationId() }));
    const leaderWs = wsClient(app, leader);
    const leaderWatch = subscribe(leaderWs, WATCH, { stationId: stationId() });
    await Promise.all([...dashboards, leaderWatch].map((d) => d.ready));
    const before = sharedSubscriptionStats.executions;
    await checkInAll([id]);
    const seen = await Promise.all(dashboards.map((d) => d.waitFor(1)));
    const [byLeader] = await leaderWatch.waitFor(1);
    expect(sharedSubscriptionStats.executions - before).toBe(2);
    for (const [r] of seen) expect(r).toEqual(seen[0]![0]);
    expect(seen[0]![0]!.data!.patrolCheckIns.kind).toBe("CHECKED_IN");
    expect(byLeader!.data!.patrolCheckIns.cursor).toBe(seen[0]![0]!.data!.patrolCheckIns.cursor);
    await Promise.all([officerWs.dispose(), leaderWs.dispose()]);
  });

  it("lists the latest log entries newest first for a dashboard that opens, to officers and the team's leaders only", async () => {
    const people = await members(3);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(15), endsAt: inMinutes(75), capacity: 3 });
    const claims: string[] = [];
    for (const p of people) claims.push(await claimId(p, shift.id));
    await checkInAll(claims);
    await settled("PatrolEvent");
    const q = `query ($id: ID!) { node(id: $id) { ... on Station { patrolLog(first: 3) { edges { node { cursor kind claim { volunteer { displayName } } } } } } } }`;
    for (const token of [officer, leader]) {
      const log = (await gql(app, q, { id: stationId() }, token)).data!.node.patrolLog.edges.map((e: any) => e.node);
      expect(log.map((n: any) => n.claim.volunteer.displayName)).toEqual(people.map((p) => p.displayName).reverse());
      const cursors = log.map((n: any) => n.cursor as string);
      expect([...cursors].sort(byPosition).reverse()).toEqual(cursors);
      const newest = await prisma.patrolEvent.findFirstOrThrow({ where: { stationId: demo.fushan.id }, orderBy: [{ xid: "desc" }, { id: "desc" }] });
      expect(cursors[0]).toBe(encodeCursor(newest));
    }
    const asVolunteer = await gql(app, q, { id: stationId() }, people[0]!.token);
    expect(asVolunteer.data!.node.patrolLog).toBeNull();
  });

  it("is closed to volunteers and to another station's officers", async () => {
    const [v] = await members(1);
    for (const token of [v!.token, await signIn(app, DEMO_PHONES.changqingOfficer)]) {
      const ws = wsClient(app, token);
      const sub = subscribe(ws, WATCH, { stationId: stationId() });
      const results = await sub.waitFor(1).catch((e) => [{ errors: [e] }]);
      expect(JSON.stringify(results)).toContain('"code":"FORBIDDEN"');
      await ws.dispose();
    }
  });
});

describe("refusals and filters", () => {
  const nobody = "00000000-0000-7000-8000-000000000000";
  const CANCEL_SHIFT = `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { shifts { status } userErrors { code field } } }`;

  it("cancelling a shift: unknown, not the viewer's, twice, or over", async () => {
    const [v] = await members(1);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(50), endsAt: inMinutes(80) });
    const cancel = async (token: string, shiftId = shift.id) => (await gql(app, CANCEL_SHIFT, { input: { shiftId, reason: "暴雨" } }, token)).data!.cancelShift;
    expect((await cancel(leader, gid("Shift", nobody))).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "shiftId"] }]);
    expect((await cancel(v!.token)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    const other = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(55), endsAt: inMinutes(85) });
    expect(await cancel(officer)).toEqual({ shifts: [{ status: "CANCELLED" }], userErrors: [] });
    expect(await cancel(officer)).toEqual({ shifts: [{ status: "CANCELLED" }], userErrors: [] });
    clock.advance(90 * 60_000);
    expect((await cancel(leader, other.shift.id)).userErrors).toEqual([{ code: "CONFLICT", field: ["input", "shiftId"] }]);
  });

  it("claims and cancellations that cannot be: no shift, not a volunteer, a suspended one, a cancelled shift, a closed claim, a started shift", async () => {
    const [v, w, suspended] = await members(3);
    await prisma.volunteer.update({ where: { id: suspended!.id }, data: { status: "SUSPENDED" } });
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(100), endsAt: inMinutes(160) });
    const errors = async (who: string, shiftId: string) => (await gql(app, CLAIM, { input: { shiftId } }, who)).data!.claimShift.userErrors;
    expect(await errors(v!.token, gid("Shift", nobody))).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "shiftId"] }]);
    expect((await errors(officer, shift.id))[0].code).toBe("FORBIDDEN");
    expect((await errors(suspended!.token, shift.id))[0].code).toBe("NOT_FOUND"); // a suspended volunteer's team rights are gone
    const cancelled = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(200), endsAt: inMinutes(260) });
    await gql(app, CANCEL_SHIFT, { input: { shiftId: cancelled.shift.id, reason: "取消" } }, leader);
    expect(await errors(v!.token, cancelled.shift.id)).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "shiftId"] }]);

    const cancelClaim = async (token: string, claimId: string) => (await gql(app, CANCEL_CLAIM, { input: { claimId } }, token)).data!.cancelShiftClaim.userErrors;
    expect(await cancelClaim(v!.token, gid("ShiftClaim", nobody))).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "claimId"] }]);
    const mine = await claimId(v!, shift.id);
    const theirs = await claimId(w!, shift.id);
    clock.advance(101 * 60_000); // started: a volunteer asks the leader, the leader may remove
    expect(await cancelClaim(v!.token, mine)).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "claimId"] }]);
    expect(await cancelClaim(leader, mine)).toEqual([]);
    await gql(app, CHECK_IN, { input: { claimId: theirs, method: "LEADER" } }, leader);
    expect(await cancelClaim(leader, theirs)).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "claimId"] }]);
    clock.advance(60 * 60_000);
    await gql(app, CHECK_OUT, { input: { claimId: theirs, method: "LEADER" } }, leader);
    expect(await cancelClaim(w!.token, theirs)).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "claimId"] }]);
    expect((await gql(app, CHECK_IN, { input: { claimId: gid("ShiftClaim", nobody), method: "LEADER" } }, leader)).data!.checkIn.userErrors).toEqual([
      { code: "NOT_FOUND", message: expect.any(String), field: ["input", "claimId"] },
    ]);
    const fill = await gql(app, `mutation ($input: FillRotationSlotInput!) { fillRotationSlot(input: $input) { userErrors { code field } } }`, {
      input: { shiftId: shift.id, volunteerId: gid("Volunteer", v!.id) },
    }, leader);
    expect(fill.data!.fillRotationSlot.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "shiftId"] }]);
  });

  it("a freed seat skips a waiting volunteer now busy on another shift at that time, and goes to the next", async () => {
    const [seated, busy, next] = await members(3);
    const { shift } = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(400), endsAt: inMinutes(460), capacity: 1 });
    const seatedClaim = await claimId(seated!, shift.id);
    const busyClaim = await claimId(busy!, shift.id); // waitlisted first …
    const nextClaim = await claimId(next!, shift.id);
    const elsewhere = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(430), endsAt: inMinutes(490) });
    expect((await claim(busy!, elsewhere.shift.id)).data!.claimShift.claim.status).toBe("CONFIRMED"); // … then took an overlapping seat
    await gql(app, CANCEL_CLAIM, { input: { claimId: seatedClaim } }, seated!.token);
    const status = async (id: string) => (await prisma.shiftClaim.findUniqueOrThrow({ where: { id: rawId(id) } })).status;
    expect([await status(busyClaim), await status(nextClaim)]).toEqual(["WAITLISTED", "CONFIRMED"]);
  });

  it("the board filters by team, squad, kind, time and open seats; a shift shows its joint officer and its roster by status", async () => {
    const squad = await createSquad(demo.haolinshe.id, "NIGHT_PATROL");
    const [a, b] = await createVolunteers(2, { teamId: demo.haolinshe.id, squadIds: [squad.id] });
    const officerAccount = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const t0 = Date.now() + 40_000 * 60_000; // after the shifts other tests put on the board
    const at = (m: number) => new Date(t0 + m * 60_000);
    const joint = await publishShift(app, leader, {
      teamId: team, squadId: gid("Squad", squad.id), kind: "NIGHT_PATROL", title: "警民共巡", startsAt: at(0), endsAt: at(60), capacity: 1, jointOfficerId: officerAccount.id,
    });
    const later = await publishShift(app, leader, { teamId: team, title: "稍后的巡逻", startsAt: at(120), endsAt: at(180) });
    await claimId(a!, joint.shift.id);
    await claimId(b!, joint.shift.id);
    const moved = await gql(app, UPDATE, { input: { shiftId: later.shift.id, squadId: gid("Squad", squad.id), gridId: gid("Grid", grid.id) } }, leader);
    expect(moved.data!.updateShift.userErrors).toEqual([]);

    const BOARD = `query ($s: ID!, $team: ID, $squad: ID, $kind: ShiftKind, $from: DateTime, $to: DateTime, $open: Boolean) {
      shifts(stationId: $s, teamId: $team, squadId: $squad, kind: $kind, from: $from, to: $to, onlyOpen: $open, first: 50) { edges { node { title } } } }`;
    const titles = async (vars: Record<string, unknown>) =>
      (await gql(app, BOARD, { s: gid("Station", demo.fushan.id), from: at(-1), to: at(300), ...vars }, officer)).data!.shifts.edges.map((e: any) => e.node.title);
    expect(await titles({ squad: gid("Squad", squad.id) })).toEqual(["警民共巡", "稍后的巡逻"]);
    expect(await titles({ squad: gid("Squad", squad.id), kind: "NIGHT_PATROL" })).toEqual(["警民共巡"]);
    expect(await titles({ squad: gid("Squad", squad.id), team, open: true, to: at(100) })).toEqual(["警民共巡"]);
    expect(await titles({ squad: gid("Squad", squad.id), from: at(61) })).toEqual(["稍后的巡逻"]);

    const SHOW = `query ($id: ID!) { node(id: $id) { ... on Shift { isJointPatrol jointOfficerName isRecurring squad { name } grid { name }
      claims(first: 5, status: [WAITLISTED]) { edges { node { volunteer { id } waitlistPosition } } } } } }`;
    expect((await gql(app, SHOW, { id: joint.shift.id }, leader)).data!.node).toEqual({
      isJointPatrol: true,
      jointOfficerName: officerAccount.displayName,
      isRecurring: false,
      squad: { name: squad.name },
      grid: null,
      claims: { edges: [{ node: { volunteer: { id: gid("Volunteer", b!.id) }, waitlistPosition: 1 } }] },
    });
    expect((await gql(app, SHOW, { id: later.shift.id }, leader)).data!.node).toMatchObject({ isJointPatrol: false, jointOfficerName: null, grid: { name: grid.name } });
  });

  it("onlyMyTeams: a volunteer's board keeps their teams' shifts and their own squads', as shift.claim allows, on both of the board's paths", async () => {
    const [mine, notMine] = [await createSquad(demo.haolinshe.id), await createSquad(demo.haolinshe.id)];
    const otherTeam = await createTeamOf(demo.fushan.id);
    const [inSquad] = await createVolunteers(1, { teamId: demo.haolinshe.id, squadIds: [mine.id] });
    const [teamOnly] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const [stranger] = await createVolunteers(1, { teamId: otherTeam.id });
    const t0 = Date.now() + 50_000 * 60_000;
    const at = (m: number) => new Date(t0 + m * 60_000);
    await publishShift(app, leader, { teamId: team, title: "全队班", startsAt: at(0), endsAt: at(60) });
    await publishShift(app, leader, { teamId: team, squadId: gid("Squad", mine.id), title: "本小队班", startsAt: at(10), endsAt: at(70) });
    await publishShift(app, leader, { teamId: team, squadId: gid("Squad", notMine.id), title: "别的小队班", startsAt: at(20), endsAt: at(80) });
    await publishShift(app, officer, { teamId: teamGid(otherTeam.id), title: "别的队伍班", startsAt: at(30), endsAt: at(90) });
    // first: the board's own statement; last (a backward page) goes through Prisma.
    const BOARD = `query ($s: ID!, $from: DateTime, $to: DateTime, $mine: Boolean) {
      forward: shifts(stationId: $s, from: $from, to: $to, onlyMyTeams: $mine, first: 50) { edges { node { title viewerCanClaim } } }
      backward: shifts(stationId: $s, from: $from, to: $to, onlyMyTeams: $mine, last: 50) { edges { node { title } } } }`;
    const board = async (token: string, mine: boolean) => {
      const r = await gql(app, BOARD, { s: gid("Station", demo.fushan.id), from: at(-1), to: at(100), mine }, token);
      expect(r.errors).toBeUndefined();
      const forward = r.data!.forward;
      expect(r.data!.backward.edges.map((e: any) => e.node.title)).toEqual(forward.edges.map((e: any) => e.node.title));
      return forward.edges.map((e: any) => e.node) as { title: string; viewerCanClaim: boolean }[];
    };
    expect((await board(inSquad!.token, false)).map((n) => n.title)).toEqual(["全队班", "本小队班", "别的小队班", "别的队伍班"]);
    for (const who of [inSquad!, teamOnly!, stranger!]) {
      const kept = await board(who.token, true);
      // Exactly the shifts the viewer may claim (nothing else stands in the way of these four).
      expect(kept.map((n) => n.title)).toEqual((await board(who.token, false)).filter((n) => n.viewerCanClaim).map((n) => n.title));
    }
    expect((await board(inSquad!.token, true)).map((n) => n.title)).toEqual(["全队班", "本小队班"]);
    expect((await board(teamOnly!.token, true)).map((n) => n.title)).toEqual(["全队班"]);
    expect((await board(stranger!.token, true)).map((n) => n.title)).toEqual(["别的队伍班"]);
    // An officer belongs to no team: nothing is theirs to claim.
    expect(await board(officer, true)).toEqual([]);
    // Someone of another station (as a suspended or pending member) gets no board of this one, filtered or not.
    const elsewhere = await createStation();
    const [outsider] = await createVolunteers(1, { teamId: elsewhere.team.id });
    const refused = await gql(app, BOARD, { s: gid("Station", demo.fushan.id), from: at(-1), to: at(100), mine: true }, outsider!.token);
    expect(refused.data?.forward ?? null).toBeNull();
    expect(refused.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("a volunteer's own shifts: upcoming first, or all newest first, and by status", async () => {
    const [v] = await members(1);
    const first = await publishShift(app, leader, { teamId: team, title: "第一班", startsAt: inMinutes(30), endsAt: inMinutes(60) });
    const second = await publishShift(app, leader, { teamId: team, title: "第二班", startsAt: inMinutes(90), endsAt: inMinutes(120) });
    const done = await publishShift(app, leader, { teamId: team, title: "已取消", startsAt: inMinutes(150), endsAt: inMinutes(180) });
    for (const s of [first, second, done]) await claimId(v!, s.shift.id);
    await gql(app, CANCEL_CLAIM, { input: { claimId: (await claim(v!, done.shift.id)).data!.claimShift.claim.id } }, v!.token);
    const MY = `query ($upcoming: Boolean) { viewer { myShifts(first: 10, upcoming: $upcoming) { edges { node { shift { title } } } } } }`;
    const my = async (upcoming?: boolean, token = v!.token) => (await gql(app, MY, { upcoming }, token)).data!.viewer.myShifts.edges.map((e: any) => e.node.shift.title);
    expect(await my(true)).toEqual(["第一班", "第二班"]);
    expect(await my()).toEqual(["已取消", "第二班", "第一班"]);
    expect(await my(true, officer)).toEqual([]);
    const THEIRS = `query ($id: ID!) { node(id: $id) { ... on Volunteer { shifts(first: 10, status: [CANCELLED]) { edges { node { shift { title } } } } } } }`;
    expect((await gql(app, THEIRS, { id: gid("Volunteer", v!.id) }, leader)).data!.node.shifts.edges.map((e: any) => e.node.shift.title)).toEqual(["已取消"]);
  });

  it("subscriptions refuse what they cannot follow; a leader's watch shows only the teams they lead", async () => {
    const [v] = await members(1);
    const ws = wsClient(app, officer);
    const refused = async (query: string, variables: Record<string, unknown>) => JSON.stringify(await subscribe(ws, query, variables).waitFor(1).catch((e) => [{ errors: e }]));
    expect(await refused(`subscription ($s: ID!) { patrolCheckIns(stationId: $s, since: "not-a-cursor") { cursor } }`, { s: gid("Station", demo.fushan.id) })).toContain('"code":"BAD_USER_INPUT"');
    expect(await refused(`subscription ($id: ID!) { shiftUpdated(shiftId: $id) { id } }`, { id: gid("Shift", nobody) })).toContain('"code":"NOT_FOUND"');
    await ws.dispose();
    const anonymous = wsClient(app);
    expect(JSON.stringify(await subscribe(anonymous, `subscription { notificationReceived { kind } }`).waitFor(1).catch((e) => [{ errors: e }]))).toContain('"code":"FORBIDDEN"');
    await anonymous.dispose();

    // 好邻舍's leader follows 好邻舍's patrols, not those of another team of the station.
    const otherTeam = await createTeamOf(demo.fushan.id);
    const [stranger, baseline] = await createVolunteers(2, { teamId: otherTeam.id });
    const ours = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(10), endsAt: inMinutes(70) });
    const theirs = await publishShift(app, officer, { teamId: teamGid(otherTeam.id), startsAt: inMinutes(10), endsAt: inMinutes(70), capacity: 2 });
    const ourClaim = await claimId(v!, ours.shift.id);
    const theirClaim = await claimId(stranger!, theirs.shift.id);
    // A first check-in gives the cursor the leader's dashboard resumes from.
    await gql(app, CHECK_IN, { input: { claimId: await claimId(baseline!, theirs.shift.id), method: "LEADER" } }, officer);
    const since = encodeCursor(await prisma.patrolEvent.findFirstOrThrow({ orderBy: [{ xid: "desc" }, { id: "desc" }] }));
    await gql(app, CHECK_IN, { input: { claimId: theirClaim, method: "GPS", latitude: 30.0, longitude: 120.58 } }, stranger!.token);
    await gql(app, CHECK_IN, { input: { claimId: ourClaim, method: "GPS", latitude: 30.0, longitude: 120.58 } }, v!.token);
    const leaderWs = wsClient(app, leader);
    const watch = subscribe(leaderWs, `subscription ($s: ID!, $since: String) { patrolCheckIns(stationId: $s, since: $since) { claim { id } location { latitude longitude } } }`, {
      s: gid("Station", demo.fushan.id),
      since,
    });
    await watch.ready;
    const third = await claimId(stranger!, (await publishShift(app, officer, { teamId: teamGid(otherTeam.id), startsAt: inMinutes(100), endsAt: inMinutes(130) })).shift.id);
    const fourth = await claimId(v!, (await publishShift(app, leader, { teamId: team, startsAt: inMinutes(100), endsAt: inMinutes(130) })).shift.id);
    clock.advance(80 * 60_000);
    await gql(app, CHECK_IN, { input: { claimId: third, method: "LEADER" } }, officer);
    await gql(app, CHECK_IN, { input: { claimId: fourth, method: "LEADER" } }, leader);
    const seen = await watch.waitFor(2);
    expect(seen.map((r) => r.data!.patrolCheckIns)).toEqual([
      { claim: { id: ourClaim }, location: { latitude: 30, longitude: 120.58 } },
      { claim: { id: fourth }, location: null },
    ]);
    await leaderWs.dispose();
  });
});

describe("shift board", () => {
  it("costs the same number of SQL statements for 10 and 50 shifts", async () => {
    const [v] = await members(1);
    const base = 5000;
    for (let i = 0; i < 50; i++) {
      await publishShift(app, leader, { teamId: team, squadId: gid("Squad", demo.squads[i % 10]!.id), startsAt: inMinutes(base + i * 120), endsAt: inMinutes(base + i * 120 + 60) });
    }
    const q = `query ($stationId: ID!, $first: Int!, $from: DateTime) { shifts(stationId: $stationId, first: $first, from: $from) { edges { node {
      id title startsAt seatsTaken seatsLeft waitlistLength viewerCanClaim team { name } squad { name } grid { name } viewerClaim { status waitlistPosition } } } } }`;
    const count = async (first: number) => {
      const before = sqlStats.statements;
      const res = await gql(app, q, { stationId: gid("Station", demo.fushan.id), first, from: inMinutes(base - 1) }, v!.token);
      expect(res.errors).toBeUndefined();
      expect(res.data!.shifts.edges).toHaveLength(first);
      return sqlStats.statements - before;
    };
    const ten = await count(10);
    const fifty = await count(50);
    expect(fifty).toBe(ten);
    expect(fifty).toBeLessThanOrEqual(6);
  });
});

describe("shift board in pages", () => {
  const FIELDS = `id kind title status place route startsAt endsAt capacity seatsTaken seatsLeft waitlistLength requiredSpecialty
    isJointPatrol jointOfficerName cancelReason team { id name } squad { id name } grid { id name } rotationPartner { id name }
    viewerCanClaim viewerClaimBlocker viewerCanManage viewerClaim { id status waitlistPosition checkedInAt checkedOutAt }`;
  const PAGE = `query ($stationId: ID!, $first: Int, $after: String, $last: Int, $before: String, $from: DateTime, $to: DateTime) {
    shifts(stationId: $stationId, first: $first, after: $after, last: $last, before: $before, from: $from, to: $to) {
      pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { ${FIELDS} } } } }`;
  const ONE = `query ($id: ID!) { node(id: $id) { ... on Shift { ${FIELDS} } } }`;

  it("pages forward and back to the same shifts as one long page, each as the shift itself answers; a page is one statement", async () => {
    const [v, w, x] = await members(3);
    const base = 20_000; // minutes ahead: a window of its own
    const window = { stationId: gid("Station", demo.fushan.id), from: inMinutes(base - 1), to: inMinutes(base + 2000) };
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const squad = i % 3 === 1 ? { squadId: gid("Squad", demo.squads[0]!.id) } : {};
      const shift = await publishShift(app, leader, { teamId: team, ...squad, title: `分页${i}`, capacity: i === 2 ? 1 : 5, startsAt: inMinutes(base + i * 120), endsAt: inMinutes(base + i * 120 + 90) });
      ids.push(shift.shift.id);
    }
    // The same start for two shifts: the cursor orders by id after the start.
    ids.push((await publishShift(app, leader, { teamId: team, title: "分页同时", startsAt: inMinutes(base + 120), endsAt: inMinutes(base + 200) })).shift.id);
    const raw = ids.map(rawId);
    const officerAccount = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const partner = await prisma.partner.create({ data: { stationId: demo.fushan.id, name: `分页共建${Date.now()}`, kind: "SCHOOL" } });
    await prisma.shift.update({ where: { id: raw[3] }, data: { jointOfficerId: officerAccount.id, gridId: grid.id } });
    await prisma.rotationSlot.create({ data: { stationId: demo.fushan.id, shiftId: raw[4]!, partnerId: partner.id } });
    await prisma.shift.update({ where: { id: raw[5] }, data: { requiredSpecialty: "HIGH_RISE" } });
    await prisma.shift.update({ where: { id: raw[7] }, data: { status: "CANCELLED", cancelReason: "下雨" } });
    // v: confirmed on 0, second on 2's waitlist (after x), so 1 overlaps nothing but 0 and the shift at the same time as 1 does not.
    await claimId(v!, ids[0]!);
    await claimId(w!, ids[2]!);
    await claimId(x!, ids[2]!);
    await claimId(v!, ids[2]!);
    await prisma.shift.update({ where: { id: raw[6] }, data: { startsAt: inMinutes(base + 30), endsAt: inMinutes(base + 60) } });

    const all = await gql(app, PAGE, { ...window, first: 20 }, v!.token);
    expect(all.errors).toBeUndefined();
    const long = all.data!.shifts.edges as { cursor: string; node: { id: string } }[];
    // Other tests of this file may have shifts in the window too: all of them, ours among them.
    const inWindow = await prisma.shift.count({ where: { stationId: demo.fushan.id, endsAt: { gt: window.from }, startsAt: { lt: window.to } } });
    expect(long).toHaveLength(inWindow);
    expect(long.map((e) => e.node.id)).toEqual(expect.arrayContaining(ids));
    expect(all.data!.shifts.pageInfo.hasNextPage).toBe(false);
    // Each row as the shift answers by itself (Prisma and the loaders, not the board's statement).
    for (const e of long) expect(e.node).toEqual((await gql(app, ONE, { id: e.node.id }, v!.token)).data!.node);
    const byTitle = Object.fromEntries(long.map((e) => [(e.node as unknown as { title: string }).title, e.node as Record<string, unknown>]));
    expect(byTitle["分页2"]!.viewerClaim).toMatchObject({ status: "WAITLISTED", waitlistPosition: 2 });
    expect(byTitle["分页3"]!.jointOfficerName).toBe(officerAccount.displayName);
    expect(byTitle["分页4"]!.rotationPartner).toMatchObject({ name: partner.name });
    expect(byTitle["分页5"]!.viewerClaimBlocker).toBe("SPECIALTY_MISSING");
    expect(byTitle["分页6"]!.viewerClaimBlocker).toBe("OVERLAPS");
    expect(byTitle["分页7"]!.viewerClaimBlocker).toBe("NOT_OPEN");

    const paged: typeof long = [];
    let after: string | null = null;
    for (;;) {
      const before = sqlStats.statements;
      const page = (await gql(app, PAGE, { ...window, first: 3, after }, v!.token)) as { errors?: unknown; data?: { shifts: { edges: typeof long; pageInfo: { hasNextPage: boolean; endCursor: string } } } };
      const statements = sqlStats.statements - before;
      expect(page.errors).toBeUndefined();
      // The viewer's session, then the page: team, squad, grid, partner, officer, claim and the claim's reasons included.
      expect(statements).toBe(2);
      paged.push(...page.data!.shifts.edges);
      if (!page.data!.shifts.pageInfo.hasNextPage) break;
      after = page.data!.shifts.pageInfo.endCursor;
    }
    expect(paged).toEqual(long);
    // Backward from the end (through Prisma) reads the same rows.
    const back = await gql(app, PAGE, { ...window, last: 4, before: long.at(-1)!.cursor }, v!.token);
    expect(back.data!.shifts.edges).toEqual(long.slice(-5, -1));
  });
});

describe("a shift's own check, wherever it is read", () => {
  // Each Shift and ShiftClaim object is checked once, when the executor completes it (runScopesOnType),
  // not only through node(id), which asks the type's authScopes itself (graphql/node.ts).
  it("a volunteer who left the station keeps their claim but no longer reads its shift (left out of myShifts, not an error that empties the page)", async () => {
    const [v] = await members(1);
    const shift = (await publishShift(app, leader, { teamId: team, title: "离队后", startsAt: inMinutes(30_000), endsAt: inMinutes(30_090) })).shift;
    await claimId(v!, shift.id);
    const MINE = `{ viewer { myShifts(first: 50) { edges { node { status shift { title } } } } } }`;
    const before = await gql(app, MINE, {}, v!.token);
    expect(before.errors).toBeUndefined();
    expect(JSON.stringify(before.data)).toContain("离队后");
    await prisma.teamMembership.updateMany({ where: { volunteerId: v!.id }, data: { status: "LEFT" } });
    const after = await gql(app, MINE, {}, v!.token);
    expect(JSON.stringify(after.data ?? null)).not.toContain("离队后");
    expect(after.errors).toBeUndefined();
    expect(await prisma.shiftClaim.count({ where: { volunteerId: v!.id, shiftId: rawId(shift.id) } })).toBe(1);
  });
});

describe("live shift board", () => {
  const BOARD = `subscription ($ids: [ID!]!) { shiftsUpdated(shiftIds: $ids) { id seatsTaken waitlistLength } }`;

  it("one subscription follows every shift the board shows; a shift out of sight is NOT_FOUND", async () => {
    const [v, w] = await members(2);
    const a = (await publishShift(app, leader, { teamId: team, title: "板上一", startsAt: inMinutes(60), endsAt: inMinutes(120), capacity: 1 })).shift;
    const b = (await publishShift(app, leader, { teamId: team, title: "板上二", startsAt: inMinutes(180), endsAt: inMinutes(240) })).shift;
    const ws = wsClient(app, v!.token);
    const board = subscribe(ws, BOARD, { ids: [a.id, b.id] });
    await board.ready;
    await claimId(v!, b.id);
    await claimId(w!, a.id);
    await claimId(v!, a.id); // waitlisted
    const events = (await board.waitFor(3)).map((e) => e.data!.shiftsUpdated);
    expect(events).toEqual(expect.arrayContaining([{ id: b.id, seatsTaken: 1, waitlistLength: 0 }, { id: a.id, seatsTaken: 1, waitlistLength: 1 }]));
    await ws.dispose();

    // 长庆's officer sees neither 府山's shifts nor a missing one; one such id refuses the whole list.
    const stranger = wsClient(app, await signIn(app, DEMO_PHONES.changqingOfficer));
    const refused = async (ids: string[]) => JSON.stringify(await subscribe(stranger, BOARD, { ids }).waitFor(1).catch((e) => [{ errors: e }]));
    expect(await refused([a.id])).toContain('"code":"NOT_FOUND"');
    expect(await refused([gid("Shift", "00000000-0000-7000-8000-000000000000")])).toContain('"code":"NOT_FOUND"');
    expect(await refused(Array.from({ length: 101 }, () => a.id))).toContain('"code":"BAD_USER_INPUT"');
    await stranger.dispose();
  });
});

describe("station settings", () => {
  it("only the station's officers set the GPS radius, within bounds", async () => {
    const m = `mutation ($input: UpdateStationSettingsInput!) { updateStationSettings(input: $input) { station { checkInRadiusMeters } userErrors { code field } } }`;
    const { station, officer: own } = await createStation();
    const stationId = gid("Station", station.id);
    expect((await gql(app, m, { input: { stationId, checkInRadiusMeters: 800 } }, officer)).data!.updateStationSettings.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "stationId"] }]);
    expect((await gql(app, m, { input: { stationId, checkInRadiusMeters: 10 } }, own.token)).data!.updateStationSettings.userErrors).toEqual([
      { code: "VALIDATION", field: ["input", "checkInRadiusMeters"] },
    ]);
    expect((await gql(app, m, { input: { stationId, checkInRadiusMeters: 800 } }, own.token)).data!.updateStationSettings).toEqual({
      station: { checkInRadiusMeters: 800 },
      userErrors: [],
    });
    // Audited once, for the change that happened (not for the refused ones).
    const audit = await prisma.auditEntry.findMany({ where: { stationId: station.id, action: "station.settings" } });
    expect(audit.map((a) => localize(a.summary, "zh"))).toEqual(["修改设置 checkInRadiusMeters"]);
    expect((await gql(app, m, { input: { stationId: gid("Station", "00000000-0000-7000-8000-000000000000") } }, own.token)).data!.updateStationSettings.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "stationId"] },
    ]);
  });
});
