import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { closeFinishedShifts } from "../api/src/modules/shift/checkin.service.js";
import { sharedSubscriptionStats } from "../api/src/graphql/shared-subscriptions.js";
import { encodeCursor, parseCursor, type Position } from "../api/src/events/stored-stream.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { CANCEL_CLAIM, CHECK_IN, CHECK_OUT, CLAIM, inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let leader: string;
let officer: string;
let volunteers: Map<string, string>;
const phones = Array.from({ length: 200 }, (_, i) => String(13800000101 + i));

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  volunteers = await tokensFor(phones);
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const tok = (phone: string) => volunteers.get(phone)!;
const claim = (phone: string, shiftId: string) => gql(app, CLAIM, { input: { shiftId } }, tok(phone));

describe("claiming under concurrency", () => {
  it("200 volunteers claiming a 10-seat shift at once: 10 confirmed, 190 waitlisted 1..190 in claim order", async () => {
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(120), endsAt: inMinutes(240), capacity: 10 });
    const results = await Promise.all(phones.map((p) => claim(p, shift.id)));
    for (const r of results) expect(r.data!.claimShift.userErrors).toEqual([]);
    const statuses = results.map((r) => r.data!.claimShift.claim.status);
    expect(statuses.filter((s) => s === "CONFIRMED")).toHaveLength(10);
    expect(statuses.filter((s) => s === "WAITLISTED")).toHaveLength(190);
    const positions = results.map((r) => r.data!.claimShift.claim.waitlistPosition).filter((p) => p !== null);
    // Positions are read right after each claim commits, so compare the stored order instead.
    expect(positions.length).toBe(190);

    const shiftId = Buffer.from(shift.id, "base64").toString().split(":")[1]!;
    const rows = await prisma.shiftClaim.findMany({ where: { shiftId }, orderBy: { waitlistSeq: "asc" } });
    const waiting = rows.filter((r) => r.status === "WAITLISTED");
    expect(waiting.map((r) => r.waitlistSeq)).toEqual(Array.from({ length: 190 }, (_, i) => i + 1));
    for (let i = 1; i < waiting.length; i++) expect(waiting[i]!.claimedAt >= waiting[i - 1]!.claimedAt).toBe(true);
    const confirmedLast = Math.max(...rows.filter((r) => r.status === "CONFIRMED").map((r) => r.claimedAt.getTime()));
    expect(confirmedLast).toBeLessThanOrEqual(waiting[0]!.claimedAt.getTime());
    const stored = await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } });
    expect([stored.confirmedCount, stored.waitlistCount]).toEqual([10, 190]);

    // The board agrees, and each volunteer sees their own position.
    const view = await gql(
      app,
      `query ($id: ID!) { node(id: $id) { ... on Shift { seatsTaken seatsLeft waitlistLength viewerClaim { status waitlistPosition } } } }`,
      { id: shift.id },
      tok(phones[0]!),
    );
    expect(view.data!.node).toMatchObject({ seatsTaken: 10, seatsLeft: 0, waitlistLength: 190 });
    const third = await prisma.shiftClaim.findFirstOrThrow({ where: { shiftId, waitlistSeq: 3 }, include: { volunteer: true } });
    const mine = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Shift { viewerClaim { waitlistPosition } } } }`, { id: shift.id }, tok(third.volunteer.phone));
    expect(mine.data!.node.viewerClaim.waitlistPosition).toBe(3);

    // Cancelling a confirmed claim promotes the first of the waitlist, who is told over the WebSocket.
    const first = await prisma.shiftClaim.findFirstOrThrow({ where: { shiftId, waitlistSeq: 1 }, include: { volunteer: true } });
    const ws = wsClient(app, tok(first.volunteer.phone));
    const notices = subscribe(ws, `subscription { claimNotices { reason claim { status shift { title } } } }`);
    await new Promise((r) => setTimeout(r, 300));
    const leaving = rows.find((r) => r.status === "CONFIRMED")!;
    const leavingPhone = (await prisma.volunteer.findUniqueOrThrow({ where: { id: leaving.volunteerId } })).phone;
    const cancel = await gql(app, CANCEL_CLAIM, { input: { claimId: gid("ShiftClaim", leaving.id) } }, tok(leavingPhone));
    expect(cancel.data!.cancelShiftClaim).toMatchObject({ claim: { status: "CANCELLED" }, shift: { seatsTaken: 10, waitlistLength: 189 }, userErrors: [] });
    expect((await prisma.shiftClaim.findUniqueOrThrow({ where: { id: first.id } })).status).toBe("CONFIRMED");
    const [notice] = await notices.waitFor(1);
    expect(notice!.data).toEqual({ claimNotices: { reason: "PROMOTED", claim: { status: "CONFIRMED", shift: { title: "府山街区巡逻" } } } });
    const second = await prisma.shiftClaim.findFirstOrThrow({ where: { shiftId, waitlistSeq: 2 }, include: { volunteer: true } });
    const now1 = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Shift { viewerClaim { waitlistPosition } } } }`, { id: shift.id }, tok(second.volunteer.phone));
    expect(now1.data!.node.viewerClaim.waitlistPosition).toBe(1);
    await ws.dispose();
  });
});

describe("claim rules", () => {
  it("claiming twice returns the same claim without a duplicate", async () => {
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(600), endsAt: inMinutes(660) });
    const a = await claim(phones[5]!, shift.id);
    const b = await claim(phones[5]!, shift.id);
    expect(b.data!.claimShift.claim.id).toBe(a.data!.claimShift.claim.id);
    expect(b.data!.claimShift.shift.seatsTaken).toBe(1);
  });

  it("refuses an overlapping shift, a non-member, a missing specialty and a squad outsider", async () => {
    const team = teamGid(demo.haolinshe.id);
    const a = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(1000), endsAt: inMinutes(1120) });
    const b = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(1060), endsAt: inMinutes(1180), title: "交叉班次" });
    expect((await claim(phones[6]!, a.shift.id)).data!.claimShift.claim.status).toBe("CONFIRMED");
    const overlap = await claim(phones[6]!, b.shift.id);
    expect(overlap.data!.claimShift).toMatchObject({ claim: null, userErrors: [{ code: "CONFLICT", field: ["input", "shiftId"] }] });

    // Another station's volunteer: the shift does not exist for them.
    const outsider = await signIn(app, "13900000002");
    const notMember = await gql(app, CLAIM, { input: { shiftId: a.shift.id } }, outsider);
    expect(notMember.data!.claimShift.userErrors[0].code).toBe("NOT_FOUND");

    // phones[0] is in the 医疗守护 squad with MEDICAL_GUARD; phones[1] is in 高层楼宇 with HIGH_RISE.
    const medical = await publishShift(app, leader, { teamId: team, startsAt: inMinutes(1300), endsAt: inMinutes(1360), requiredSpecialty: "MEDICAL_GUARD" });
    expect((await claim(phones[1]!, medical.shift.id)).data!.claimShift.userErrors[0].code).toBe("FORBIDDEN");
    expect((await claim(phones[0]!, medical.shift.id)).data!.claimShift.claim.status).toBe("CONFIRMED");
    const squadShift = await publishShift(app, leader, {
      teamId: team,
      squadId: gid("Squad", demo.squads[0]!.id),
      startsAt: inMinutes(1400),
      endsAt: inMinutes(1460),
    });
    expect((await claim(phones[1]!, squadShift.shift.id)).data!.claimShift.userErrors[0].code).toBe("FORBIDDEN");
  });

  it("refuses claims once the shift has started", async () => {
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(2000), endsAt: inMinutes(2060) });
    clock.advance(2001 * 60_000);
    const late = await claim(phones[7]!, shift.id);
    expect(late.data!.claimShift.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringContaining("已开始"), field: ["input", "shiftId"] }]);
  });

  it("only leaders and officers publish shifts; bad input is VALIDATION", async () => {
    const asVolunteer = await gql(app, `mutation ($input: CreateShiftInput!) { createShift(input: $input) { shift { id } userErrors { code } } }`, {
      input: { teamId: teamGid(demo.haolinshe.id), kind: "PATROL", title: "x", startsAt: inMinutes(60), endsAt: inMinutes(120), capacity: 5 },
    }, tok(phones[8]!));
    expect(asVolunteer.data!.createShift.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const bad = await gql(app, `mutation ($input: CreateShiftInput!) { createShift(input: $input) { shift { id } userErrors { code field } } }`, {
      input: { teamId: teamGid(demo.haolinshe.id), kind: "PATROL", title: "x", startsAt: inMinutes(120), endsAt: inMinutes(60), capacity: 0 },
    }, leader);
    expect(bad.data!.createShift.userErrors).toEqual([{ code: "VALIDATION", field: ["input", "capacity"] }]);
    const backwards = await gql(app, `mutation ($input: CreateShiftInput!) { createShift(input: $input) { shift { id } userErrors { code field } } }`, {
      input: { teamId: teamGid(demo.haolinshe.id), kind: "PATROL", title: "x", startsAt: inMinutes(120), endsAt: inMinutes(60), capacity: 3 },
    }, leader);
    expect(backwards.data!.createShift.userErrors).toEqual([{ code: "VALIDATION", field: ["input", "endsAt"] }]);
  });

  it("hides the post code from volunteers and the shift from another station", async () => {
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(3000), endsAt: inMinutes(3060) });
    expect(shift.postCode).toMatch(/^\d{6}$/);
    const q = `query ($id: ID!) { node(id: $id) { ... on Shift { title postCode } } }`;
    expect((await gql(app, q, { id: shift.id }, tok(phones[9]!))).data!.node).toEqual({ title: "府山街区巡逻", postCode: null });
    const other = await signIn(app, DEMO_PHONES.changqingOfficer);
    const res = await gql(app, q, { id: shift.id }, other);
    expect(res).toEqual({ data: { node: null } });
  });
});

describe("weekly series", () => {
  it("creates the occurrences and cancels only future ones of the series", async () => {
    const start = inMinutes(24 * 60);
    const res = await publishShift(app, leader, {
      teamId: teamGid(demo.haolinshe.id),
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
  it("QR needs the post code, repeats are idempotent, GPS far away is flagged, check-out records minutes", async () => {
    const { shift } = await publishShift(app, leader, {
      teamId: teamGid(demo.haolinshe.id),
      gridId: gid("Grid", (await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id, latitude: { not: null } } })).id),
      startsAt: inMinutes(60),
      endsAt: inMinutes(180),
    });
    const qr = await claim(phones[20]!, shift.id);
    const gps = await claim(phones[21]!, shift.id);
    const qrClaim = qr.data!.claimShift.claim.id;
    const gpsClaim = gps.data!.claimShift.claim.id;

    const early = await gql(app, CHECK_IN, { input: { claimId: qrClaim, method: "QR", code: shift.postCode } }, tok(phones[20]!));
    expect(early.data!.checkIn.userErrors[0]).toMatchObject({ code: "CONFLICT" });

    clock.advance(45 * 60_000); // 15 minutes before the start
    const wrong = await gql(app, CHECK_IN, { input: { claimId: qrClaim, method: "QR", code: "000000" === shift.postCode ? "111111" : "000000" } }, tok(phones[20]!));
    expect(wrong.data!.checkIn.userErrors).toEqual([{ code: "VALIDATION", message: expect.any(String), field: ["input", "code"] }]);
    const ok = await gql(app, CHECK_IN, { input: { claimId: qrClaim, method: "QR", code: shift.postCode } }, tok(phones[20]!));
    expect(ok.data!.checkIn.claim).toMatchObject({ checkInMethod: "QR", checkInFlagged: false });
    const again = await gql(app, CHECK_IN, { input: { claimId: qrClaim, method: "QR", code: shift.postCode } }, tok(phones[20]!));
    expect(again.data!.checkIn.claim.checkedInAt).toBe(ok.data!.checkIn.claim.checkedInAt);
    const claimId = Buffer.from(qrClaim, "base64").toString().split(":")[1]!;
    expect(await prisma.patrolEvent.count({ where: { claimId, kind: "CHECKED_IN" } })).toBe(1);

    // Someone else cannot check this volunteer in.
    const stranger = await gql(app, CHECK_IN, { input: { claimId: gpsClaim, method: "GPS", latitude: 30, longitude: 120.5 } }, tok(phones[22]!));
    expect(stranger.data!.checkIn.userErrors[0].code).toBe("FORBIDDEN");
    const far = await gql(app, CHECK_IN, { input: { claimId: gpsClaim, method: "GPS", latitude: 30.1, longitude: 120.6 } }, tok(phones[21]!));
    expect(far.data!.checkIn.claim.checkInFlagged).toBe(true);

    clock.advance(75 * 60_000); // one hour into the shift
    const out = await gql(app, CHECK_OUT, { input: { claimId: qrClaim } }, tok(phones[20]!));
    expect(out.data!.checkOut.claim).toMatchObject({ status: "COMPLETED", minutesServed: 60 });
  });

  // Far beyond the other tests' shifts, so that no earlier claim overlaps it.
  const DAYS_40 = 40 * 24 * 60;
  it("tells the points a completed shift earned; names its leader, with the phone only when shared, and who is going", async () => {
    // phones[0] leads squad 0; phones[10] is a member of it; phones[11] is in squad 1.
    const [leaderPhone, member, outsider] = [phones[0]!, phones[10]!, phones[11]!];
    const led = await prisma.squadMembership.findFirstOrThrow({ where: { role: "LEADER", volunteer: { phone: leaderPhone } } });
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), squadId: gid("Squad", led.squadId), startsAt: inMinutes(DAYS_40 + 30), endsAt: inMinutes(DAYS_40 + 150) });
    const claimed = await claim(member, shift.id);
    expect(claimed.data!.claimShift.userErrors).toEqual([]);
    const mine = claimed.data!.claimShift.claim.id;
    const DETAIL = `query ($id: ID!) { node(id: $id) { ... on Shift { contact { leaderRole leaderName leaderPhone viewerCanCallLeader stationName stationPhone }
      going(first: 20) { edges { node { displayName isViewer } } } } } }`;
    const before = (await gql(app, DETAIL, { id: shift.id }, tok(member))).data!.node;
    expect(before.contact).toMatchObject({ leaderRole: "SQUAD_LEADER", viewerCanCallLeader: false, stationName: "府山派出所" });
    expect(before.contact.leaderPhone).not.toBe(leaderPhone);
    expect(before.going.edges).toEqual([{ node: { displayName: expect.any(String), isViewer: true } }]);
    const share = await gql(app, `mutation { updateMyPrivacy(input: { sharePhoneWithTeam: true }) { volunteer { sharePhoneWithTeam } userErrors { code } } }`, {}, tok(leaderPhone));
    expect(share.data!.updateMyPrivacy.volunteer.sharePhoneWithTeam).toBe(true);
    const after = (await gql(app, DETAIL, { id: shift.id }, tok(member))).data!.node;
    expect(after.contact).toMatchObject({ leaderPhone, viewerCanCallLeader: true });
    // Someone outside the squad does not see who is going.
    expect((await gql(app, DETAIL, { id: shift.id }, tok(outsider))).data?.node?.going ?? null).toBeNull();

    clock.advance((DAYS_40 + 30) * 60_000);
    await gql(app, CHECK_IN, { input: { claimId: mine, method: "QR", code: shift.postCode } }, tok(member));
    clock.advance(60 * 60_000);
    expect((await gql(app, CHECK_OUT, { input: { claimId: mine } }, tok(member))).data!.checkOut.claim.status).toBe("COMPLETED");
    const earned = await gql(app, `query ($id: ID!) { node(id: $id) { ... on ShiftClaim { minutesServed pointsEarned } } }`, { id: mine }, tok(member));
    expect(earned.data!.node.minutesServed).toBe(60);
    expect(earned.data!.node.pointsEarned).toBeGreaterThan(0);

    // The squad's leader watches their squad's patrols, and only theirs.
    const log = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Station { patrolLog(first: 50) { edges { node { kind shift { squad { id } } } } } } } }`, { id: gid("Station", demo.fushan.id) }, tok(leaderPhone));
    const squads = log.data!.node.patrolLog.edges.map((e: any) => e.node.shift.squad?.id ?? null);
    expect(squads.length).toBeGreaterThan(0);
    expect(new Set(squads)).toEqual(new Set([gid("Squad", led.squadId)]));
  });

  it("marks no-shows after the end and checks out forgotten check-ins two hours later", async () => {
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(30), endsAt: inMinutes(90) });
    const present = (await claim(phones[30]!, shift.id)).data!.claimShift.claim.id;
    const absent = (await claim(phones[31]!, shift.id)).data!.claimShift.claim.id;
    clock.advance(40 * 60_000);
    await gql(app, CHECK_IN, { input: { claimId: present, method: "LEADER" } }, leader);
    const shiftId = Buffer.from(shift.id, "base64").toString().split(":")[1]!;
    const end = (await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } })).endsAt;

    await closeFinishedShifts(new Date(end.getTime() + 60_000));
    const id = (g: string) => Buffer.from(g, "base64").toString().split(":")[1]!;
    expect((await prisma.shiftClaim.findUniqueOrThrow({ where: { id: id(absent) } })).status).toBe("NO_SHOW");
    expect((await prisma.shiftClaim.findUniqueOrThrow({ where: { id: id(present) } })).status).toBe("CONFIRMED");

    await closeFinishedShifts(new Date(end.getTime() + 121 * 60_000));
    await closeFinishedShifts(new Date(end.getTime() + 122 * 60_000)); // running again changes nothing
    const closed = await prisma.shiftClaim.findUniqueOrThrow({ where: { id: id(present) } });
    expect(closed).toMatchObject({ status: "COMPLETED", checkedOutAt: end, minutesServed: 50 });
    expect((await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } })).status).toBe("DONE");
    const kinds = (await prisma.patrolEvent.findMany({ where: { shiftId }, orderBy: { id: "asc" } })).map((e) => e.kind);
    expect(kinds).toEqual(["CHECKED_IN", "NO_SHOW", "CHECKED_OUT"]);
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
    patrolCheckIns(stationId: $stationId, since: $since) { cursor kind flagged claim { volunteer { displayName } } shift { title grid { name } } }
  }`;

  it("streams check-ins to officers and replays what a reconnecting dashboard missed, without duplicates", async () => {
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(20), endsAt: inMinutes(140), capacity: 6 });
    const claims: string[] = [];
    for (const p of phones.slice(40, 46)) claims.push((await claim(p, shift.id)).data!.claimShift.claim.id);
    const stationId = gid("Station", demo.fushan.id);

    const ws1 = wsClient(app, officer);
    const live = subscribe(ws1, WATCH, { stationId });
    await new Promise((r) => setTimeout(r, 300));
    await gql(app, CHECK_IN, { input: { claimId: claims[0], method: "LEADER" } }, leader);
    await gql(app, CHECK_IN, { input: { claimId: claims[1], method: "LEADER" } }, leader);
    const seen = await live.waitFor(2);
    expect(seen.map((r) => r.data!.patrolCheckIns.kind)).toEqual(["CHECKED_IN", "CHECKED_IN"]);
    expect(seen[0]!.data!.patrolCheckIns.shift.title).toBe("府山街区巡逻");
    const lastCursor = seen[1]!.data!.patrolCheckIns.cursor;
    await ws1.dispose(); // the dashboard drops off …

    for (const c of claims.slice(2, 5)) await gql(app, CHECK_IN, { input: { claimId: c, method: "LEADER" } }, leader);

    const ws2 = wsClient(app, officer); // … and comes back with its last cursor
    const resumed = subscribe(ws2, WATCH, { stationId, since: lastCursor });
    const replayed = await resumed.waitFor(3);
    await gql(app, CHECK_IN, { input: { claimId: claims[5], method: "LEADER" } }, leader);
    const all = await resumed.waitFor(4);
    const cursors = all.map((r) => r.data!.patrolCheckIns.cursor as string);
    expect(cursors.length).toBe(4);
    expect(new Set(cursors).size).toBe(4);
    expect([...cursors].sort(byPosition)).toEqual(cursors);
    expect(byPosition(cursors[0]!, lastCursor)).toBe(1);
    expect(replayed.length).toBeGreaterThanOrEqual(3);
    await new Promise((r) => setTimeout(r, 200));
    expect(resumed.results).toHaveLength(4);
    await ws2.dispose();
  });

  it("executes each event once for all dashboards of one viewer, and separately for another viewer", async () => {
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(25), endsAt: inMinutes(145), capacity: 2 });
    const claimId = (await claim(phones[70]!, shift.id)).data!.claimShift.claim.id;
    const stationId = gid("Station", demo.fushan.id);
    const officerWs = wsClient(app, officer);
    const dashboards = Array.from({ length: 20 }, () => subscribe(officerWs, WATCH, { stationId }));
    const leaderWs = wsClient(app, leader);
    const leaderWatch = subscribe(leaderWs, WATCH, { stationId });
    await new Promise((r) => setTimeout(r, 300));
    const before = sharedSubscriptionStats.executions;
    expect((await gql(app, CHECK_IN, { input: { claimId, method: "LEADER" } }, leader)).data!.checkIn.userErrors).toEqual([]);
    const seen = await Promise.all(dashboards.map((d) => d.waitFor(1)));
    const [byLeader] = await leaderWatch.waitFor(1);
    expect(sharedSubscriptionStats.executions - before).toBe(2);
    for (const [r] of seen) expect(r).toEqual(seen[0]![0]);
    expect(seen[0]![0]!.data!.patrolCheckIns.kind).toBe("CHECKED_IN");
    expect(byLeader!.data!.patrolCheckIns.cursor).toBe(seen[0]![0]!.data!.patrolCheckIns.cursor);
    await Promise.all([officerWs.dispose(), leaderWs.dispose()]);
  });

  it("lists the latest log entries newest first for a dashboard that opens, to officers only", async () => {
    const q = `query ($id: ID!) { node(id: $id) { ... on Station { patrolLog(first: 3) { edges { node { cursor kind claim { volunteer { displayName } } } } } } } }`;
    const log = await gql(app, q, { id: gid("Station", demo.fushan.id) }, officer);
    const cursors = log.data!.node.patrolLog.edges.map((e: any) => e.node.cursor as string);
    expect(cursors.length).toBe(3);
    expect([...cursors].sort(byPosition).reverse()).toEqual(cursors);
    const newest = await prisma.patrolEvent.findFirstOrThrow({ where: { stationId: demo.fushan.id }, orderBy: [{ xid: "desc" }, { id: "desc" }] });
    expect(cursors[0]).toBe(encodeCursor(newest));
    const asVolunteer = await gql(app, q, { id: gid("Station", demo.fushan.id) }, tok(phones[60]!));
    expect(asVolunteer.data!.node.patrolLog).toBeNull();
  });

  it("is closed to volunteers and to another station's officers", async () => {
    for (const token of [tok(phones[50]!), await signIn(app, DEMO_PHONES.changqingOfficer)]) {
      const ws = wsClient(app, token);
      const sub = subscribe(ws, WATCH, { stationId: gid("Station", demo.fushan.id) });
      const results = await sub.waitFor(1).catch((e) => [{ errors: [e] }]);
      expect(JSON.stringify(results)).toMatch(/仅本所民警和队长可查看巡防动态/);
      await ws.dispose();
    }
  });
});

describe("shift board", () => {
  it("costs the same number of SQL statements for 10 and 50 shifts", async () => {
    const team = teamGid(demo.haolinshe.id);
    const base = 5000;
    for (let i = 0; i < 50; i++) {
      await publishShift(app, leader, { teamId: team, squadId: gid("Squad", demo.squads[i % 10]!.id), startsAt: inMinutes(base + i * 120), endsAt: inMinutes(base + i * 120 + 60) });
    }
    const q = `query ($stationId: ID!, $first: Int!, $from: DateTime) { shifts(stationId: $stationId, first: $first, from: $from) { edges { node {
      id title startsAt seatsTaken seatsLeft waitlistLength viewerCanClaim team { name } squad { name } grid { name } viewerClaim { status waitlistPosition } } } } }`;
    const count = async (first: number) => {
      const before = sqlStats.statements;
      const res = await gql(app, q, { stationId: gid("Station", demo.fushan.id), first, from: inMinutes(base - 1) }, tok(phones[0]!));
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

describe("station settings", () => {
  it("only the station's officers set the GPS radius, within bounds", async () => {
    const m = `mutation ($input: UpdateStationSettingsInput!) { updateStationSettings(input: $input) { station { checkInRadiusMeters } userErrors { code field } } }`;
    const stationId = gid("Station", demo.fushan.id);
    expect((await gql(app, m, { input: { stationId, checkInRadiusMeters: 800 } }, leader)).data!.updateStationSettings.userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await gql(app, m, { input: { stationId, checkInRadiusMeters: 10 } }, officer)).data!.updateStationSettings.userErrors).toEqual([
      { code: "VALIDATION", field: ["input", "checkInRadiusMeters"] },
    ]);
    expect((await gql(app, m, { input: { stationId, checkInRadiusMeters: 800 } }, officer)).data!.updateStationSettings).toEqual({
      station: { checkInRadiusMeters: 800 },
      userErrors: [],
    });
  });
});
