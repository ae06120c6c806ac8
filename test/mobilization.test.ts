// 一键召集 with the demo data: 200 volunteers of 好邻舍义警 living over 府山's six grids. A call-up
// with a 300 m radius, 30 accept, the wait runs out, the sweeper calls the next wave (once, however
// many processes sweep), and the officer's live board matches what is stored.
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { config } from "../api/src/config.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { localize } from "../api/src/i18n.js";
import { escalateMobilizations } from "../api/src/modules/mobilization/mobilization.service.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let leader: string;
let otherOfficer: string;
let tokens: Map<string, string>;
const phones = Array.from({ length: 200 }, (_, i) => String(13800000101 + i));

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
  tokens = await tokensFor([...phones, "13900000005"]);
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const START = `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id wave status escalateAt counts { called } } userErrors { code field message } } }`;
const RESPOND = `mutation ($input: RespondToMobilizationInput!) { respondToMobilization(input: $input) { responder { response etaMinutes } userErrors { code field } } }`;
const gqlCounts = `query ($id: ID!) { node(id: $id) { ... on Mobilization { counts { called } } } }`;
const CLOSE = `mutation ($input: CloseMobilizationInput!) { closeMobilization(input: $input) { mobilization { status outcome } goodDeedDraft { title story teamId place } userErrors { code field } } }`;
const BOARD = `query ($id: ID!, $after: String) { node(id: $id) { ... on Mobilization { status wave counts { wanted called accepted declined pending }
  waves { number radiusMeters calledCount escalation } viewerCanManage
  responders(first: 100, after: $after) { edges { node { displayName phone response etaMinutes distanceMeters wave } } pageInfo { hasNextPage endCursor } } } } }`;
const LIVE = `subscription ($id: ID!) { mobilizationUpdated(mobilizationId: $id) { counts { accepted declined pending called } wave } }`;

/** Same formula as the service: metres on a sphere. */
function metres(lat1: number, lng1: number, lat2: number, lng2: number) {
  const r = (d: number) => (d * Math.PI) / 180;
  const a = Math.sin(r(lat2 - lat1) / 2) ** 2 + Math.cos(r(lat1)) * Math.cos(r(lat2)) * Math.sin(r(lng2 - lng1) / 2) ** 2;
  return 2 * 6371000 * Math.asin(Math.sqrt(a));
}

async function allResponders(id: string, token: string) {
  const out: any[] = [];
  let after: string | null = null;
  for (;;) {
    const page: any = (await gql(app, BOARD, { id, after }, token)).data!.node;
    out.push(...page.responders.edges.map((e: any) => e.node));
    if (!page.responders.pageInfo.hasNextPage) return { board: page, responders: out };
    after = page.responders.pageInfo.endCursor;
  }
}

describe("一键召集", () => {
  it("calls the nearest first, 30 accept, escalates once after the wait, the live board matches, and closing credits the responders", async () => {
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id, name: "府山社区第1网格" } });
    const input = {
      stationId: gid("Station", demo.fushan.id),
      reason: "寻找走失老人",
      description: "101岁老人，穿蓝色外套",
      place: "府山社区第1网格",
      latitude: grid.latitude!,
      longitude: grid.longitude!,
      radiusMeters: 300,
      wanted: 40,
      escalateAfterMinutes: 10,
    };
    // Outsiders: another station's officer does not find the station; a leader may not unless the station allows it.
    expect((await gql(app, START, { input }, otherOfficer)).data!.startMobilization.userErrors[0].code).toBe("NOT_FOUND");
    expect((await gql(app, START, { input }, leader)).data!.startMobilization.userErrors[0].code).toBe("FORBIDDEN");
    expect((await gql(app, START, { input: { ...input, squadIds: [gid("Squad", (await prisma.squad.findFirstOrThrow({ where: { teamId: demo.committee.id } }).catch(() => prisma.squad.create({ data: { teamId: demo.committee.id, name: "长庆小队", specialty: "TRAFFIC" } }))).id)] } }, officer)).data!.startMobilization.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "squadIds", "0"] });
    expect((await gql(app, START, { input: { ...input, radiusMeters: 5 } }, officer)).data!.startMobilization.userErrors[0].field).toEqual(["input", "radiusMeters"]);

    // Wave 1 is exactly the station's active volunteers whose home grid lies within 300 m.
    const people = await prisma.volunteer.findMany({ where: { status: "ACTIVE", account: { isNot: null }, teams: { some: { team: { stationId: demo.fushan.id } } } }, include: { homeGrid: true, account: true } });
    const near = people.filter((p) => p.homeGrid && metres(grid.latitude!, grid.longitude!, p.homeGrid.latitude!, p.homeGrid.longitude!) <= 300);
    // One of them is in quiet hours all day (a call-up ignores them), one takes call-ups in the app only.
    const [quiet, appOnly] = [near[0]!.account!.id, near[1]!.account!.id];
    await prisma.notificationSettings.create({ data: { accountId: quiet, inAppOff: [], smsOn: ["MOBILIZATION"], quietFrom: 0, quietUntil: 1439 } });
    await prisma.notificationSettings.create({ data: { accountId: appOnly, inAppOff: ["MOBILIZATION"], smsOn: [] } });

    const started = await gql(app, START, { input }, officer);
    expect(started.data!.startMobilization.userErrors).toEqual([]);
    const m = started.data!.startMobilization.mobilization;
    const mId = Buffer.from(m.id, "base64").toString().split(":")[1]!;

    expect(near.length).toBeGreaterThan(40);
    expect(near.length).toBeLessThan(people.length);
    expect(m).toMatchObject({ wave: 1, status: "OPEN", counts: { called: near.length } });
    const wave1 = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: mId } });
    expect(new Set(wave1.map((r) => r.volunteerId))).toEqual(new Set(near.map((p) => p.id)));
    // Every channel: an in-app notification, and an urgent SMS even for someone in quiet hours.
    const calledAccounts = await prisma.account.findMany({ where: { volunteerId: { in: near.map((p) => p.id) } } });
    const notes = await prisma.notification.findMany({ where: { subjectId: mId, kind: "MOBILIZATION" }, include: { sms: true } });
    expect(notes.length).toBe(near.length);
    expect(new Set(notes.map((n) => n.accountId))).toEqual(new Set(calledAccounts.map((a) => a.id)));
    expect(notes.filter((n) => n.accountId !== appOnly).every((n) => n.sms?.urgent && n.sms.status === "PENDING" && n.sms.nextAttemptAt <= clock.now())).toBe(true);
    expect(notes.find((n) => n.accountId === appOnly)!.sms).toBeNull();
    expect(notes.every((n) => !n.silent && n.readAt === null)).toBe(true); // a call-up shows in the app even if its kind is off there
    // Each body tells the place, the person's own distance and how many are wanted, in both languages.
    const distances = new Map(wave1.map((r) => [r.volunteerId, r.distanceMeters!]));
    const volunteerOf = new Map(calledAccounts.map((a) => [a.id, a.volunteerId!]));
    for (const n of notes) {
      const d = distances.get(volunteerOf.get(n.accountId)!)!;
      const shown = Math.max(50, Math.round(d / 50) * 50);
      expect(localize(n.body, "zh")).toBe(`府山社区第1网格，距您约${shown}米。需要40人，请立即回复能否前往`);
      expect(localize(n.body, "en")).toBe(`府山社区第1网格, about ${shown} m from you. 40 needed: please answer now whether you can come`);
    }
    // Responders written in SQL get time-ordered ids (version 7) like every other row.
    expect(wave1.every((r) => /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(r.id))).toBe(true);
    expect(localize(notes[0]!.title, "zh")).toBe("一键召集：寻找走失老人");

    // The officer follows the board live.
    const ws = wsClient(app, officer);
    const live = subscribe(ws, LIVE, { id: m.id });
    await new Promise((r) => setTimeout(r, 300));

    // 30 accept with an ETA, 5 decline, in one tap each.
    const byPhone = new Map(people.map((p) => [p.id, p.phone]));
    const acceptors = near.slice(0, 30);
    const decliners = near.slice(30, 35);
    const answers = await Promise.all([
      ...acceptors.map((p, i) => gql(app, RESPOND, { input: { mobilizationId: m.id, response: "ACCEPT", etaMinutes: 5 + (i % 10) } }, tokens.get(byPhone.get(p.id)!)!)),
      ...decliners.map((p) => gql(app, RESPOND, { input: { mobilizationId: m.id, response: "DECLINE" } }, tokens.get(byPhone.get(p.id)!)!)),
    ]);
    for (const a of answers) expect(a.data!.respondToMobilization.userErrors).toEqual([]);
    // Someone not called, and someone of the other station, cannot answer: to both the call-up is not
    // there (mobilization.read: the command view and whom it called).
    // (one we hold a token for: findMany's order is unspecified, and the demo's own volunteers have none here;
    // and no leader of a team or squad: they have the command view, so to them it is there, FORBIDDEN)
    const leaders = new Set([
      ...(await prisma.teamMembership.findMany({ where: { role: "LEADER" }, select: { volunteerId: true } })),
      ...(await prisma.squadMembership.findMany({ where: { role: "LEADER" }, select: { volunteerId: true } })),
    ].map((r) => r.volunteerId));
    const notCalled = people.find((p) => !near.some((n) => n.id === p.id) && tokens.has(p.phone) && !leaders.has(p.id))!;
    expect(notCalled).toBeDefined();
    expect((await gql(app, RESPOND, { input: { mobilizationId: m.id, response: "ACCEPT" } }, tokens.get(notCalled.phone)!)).data!.respondToMobilization.userErrors[0].code).toBe("NOT_FOUND");
    expect((await gql(app, RESPOND, { input: { mobilizationId: m.id, response: "ACCEPT" } }, tokens.get("13900000005")!)).data!.respondToMobilization.userErrors[0].code).toBe("NOT_FOUND");

    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !live.results.some((r) => r.data?.mobilizationUpdated.counts.accepted === 30 && r.data.mobilizationUpdated.counts.declined === 5)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(live.results.at(-1)!.data!.mobilizationUpdated.counts).toEqual({ accepted: 30, declined: 5, pending: near.length - 35, called: near.length });

    // Before the wait is over nothing happens; after it, two sweepers at once call wave 2 once.
    expect(await escalateMobilizations(clock.now())).toBe(0);
    clock.advance(10 * 60_000 + 1000);
    const runs = await Promise.all([escalateMobilizations(clock.now()), escalateMobilizations(clock.now())]);
    expect(runs[0]! + runs[1]!).toBe(1);
    const waves = await prisma.mobilizationWave.findMany({ where: { mobilizationId: mId }, orderBy: { number: "asc" } });
    expect(waves.map((w) => [w.number, w.trigger])).toEqual([[1, "START"], [2, "ESCALATION"]]);
    const wave2 = await prisma.mobilizationResponder.count({ where: { mobilizationId: mId, wave: 2 } });
    expect(wave2).toBe(waves[1]!.calledCount);
    expect(wave2).toBeGreaterThan(0);
    while (Date.now() < deadline + 10_000 && live.results.at(-1)!.data!.mobilizationUpdated.wave !== 2) await new Promise((r) => setTimeout(r, 100));
    expect(live.results.at(-1)!.data!.mobilizationUpdated).toEqual({ wave: 2, counts: { accepted: 30, declined: 5, pending: near.length - 35 + wave2, called: near.length + wave2 } });
    live.dispose();
    await ws.dispose();

    // The officer's board matches the stored answers, accepted first by ETA, phones in full for the officer.
    const { board, responders } = await allResponders(m.id, officer);
    const stored = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: mId }, include: { volunteer: true } });
    expect(board.counts).toEqual({ wanted: 40, called: stored.length, accepted: 30, declined: 5, pending: stored.length - 35 });
    expect(board.waves).toEqual([
      { number: 1, radiusMeters: 300, calledCount: near.length, escalation: false },
      { number: 2, radiusMeters: 900, calledCount: wave2, escalation: true },
    ]);
    expect(responders.length).toBe(stored.length);
    const accepted = responders.filter((r) => r.response === "ACCEPTED");
    expect(accepted.length).toBe(30);
    expect(responders.slice(0, 30).every((r) => r.response === "ACCEPTED")).toBe(true);
    expect(accepted.map((r) => r.etaMinutes)).toEqual([...accepted.map((r) => r.etaMinutes)].sort((a, b) => a - b));
    for (const r of responders) {
      const row = stored.find((s) => s.volunteer.displayName === r.displayName)!;
      expect(r).toMatchObject({ response: row.response, distanceMeters: row.distanceMeters, wave: row.wave, phone: row.volunteer.phone });
    }

    // A volunteer of the station sees the call-up but not the board; another station sees nothing.
    const someone = tokens.get(acceptors[0]!.phone)!;
    const seen = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Mobilization { reason viewerCanManage viewerResponse { response } responders(first: 5) { edges { node { phone } } } } } }`, { id: m.id }, someone);
    expect(seen.data!.node).toMatchObject({ reason: "寻找走失老人", viewerCanManage: false, viewerResponse: { response: "ACCEPTED" }, responders: null });
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: m.id }, otherOfficer)).data!.node).toBeNull();
    const foreignWs = wsClient(app, otherOfficer);
    const foreign = subscribe(foreignWs, LIVE, { id: m.id });
    await foreign.waitFor(1);
    expect(foreign.results[0]!.errors![0]!.extensions!.code).toBe("NOT_FOUND");
    await foreignWs.dispose();
    const volWs = wsClient(app, someone);
    const volSub = subscribe(volWs, LIVE, { id: m.id });
    await volSub.waitFor(1);
    expect(volSub.results[0]?.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    await volWs.dispose();

    // Accepting again later (a new ETA) keeps the time of the first answer: service time counts from it.
    const first = await prisma.mobilizationResponder.findFirstOrThrow({ where: { mobilizationId: mId, volunteer: { phone: acceptors[0]!.phone } } });
    const again = await gql(app, RESPOND, { input: { mobilizationId: m.id, response: "ACCEPT", etaMinutes: 3 } }, someone);
    expect(again.data!.respondToMobilization).toEqual({ responder: { response: "ACCEPTED", etaMinutes: 3 }, userErrors: [] });
    expect((await prisma.mobilizationResponder.findUniqueOrThrow({ where: { id: first.id } })).respondedAt).toEqual(first.respondedAt);

    // Closing: everyone called is told, responders get service time and points, a good-deed draft is offered.
    clock.advance(50 * 60_000);
    expect((await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "RESOLVED" } }, otherOfficer)).data!.closeMobilization.userErrors[0].code).toBe("NOT_FOUND");
    expect((await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "RESOLVED" } }, someone)).data!.closeMobilization.userErrors[0].code).toBe("FORBIDDEN");
    const closed = await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "RESOLVED", note: "老人已找到" } }, officer);
    expect(closed.data!.closeMobilization).toMatchObject({ mobilization: { status: "CLOSED", outcome: "RESOLVED" }, userErrors: [] });
    const draft = closed.data!.closeMobilization.goodDeedDraft;
    expect(draft).toMatchObject({ title: "一键召集：寻找走失老人", place: "府山社区第1网格", teamId: gid("Team", demo.haolinshe.id) });
    expect(draft.story).toContain("30名义警响应召集");
    const served = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: mId, minutesServed: { not: null } } });
    expect(served.length).toBe(30);
    expect(served.every((r) => r.minutesServed! >= 60 && r.minutesServed! <= 61)).toBe(true);
    const points = await prisma.pointsEntry.findMany({ where: { source: { in: served.map((r) => `mobilization:${r.id}`) } } });
    expect(points.length).toBe(30);
    expect(points.every((p) => p.reason === "MOBILIZATION" && p.stationId === demo.fushan.id && p.amount === 10)).toBe(true);
    expect(await prisma.notification.count({ where: { subjectId: mId, kind: "MOBILIZATION_CLOSED" } })).toBe(stored.length);
    // Closed: no more answers, no more waves, closing again changes nothing.
    expect((await gql(app, RESPOND, { input: { mobilizationId: m.id, response: "DECLINE" } }, someone)).data!.respondToMobilization.userErrors[0].code).toBe("CONFLICT");
    clock.advance(60 * 60_000);
    expect(await escalateMobilizations(clock.now())).toBe(0);
    // Closing again alike (a double tap) is no error; with another outcome (a second officer on a stale
    // page) it says the outcome was not changed.
    expect((await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "RESOLVED" } }, officer)).data!.closeMobilization).toMatchObject({ mobilization: { outcome: "RESOLVED" }, userErrors: [] });
    expect((await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, officer)).data!.closeMobilization).toMatchObject({ mobilization: null, userErrors: [{ code: "CONFLICT", field: ["input", "outcome"] }] });
    expect((await prisma.mobilization.findUniqueOrThrow({ where: { id: mId } })).outcome).toBe("RESOLVED");
    expect(await prisma.pointsEntry.count({ where: { source: { startsWith: "mobilization:" }, volunteerId: { in: served.map((r) => r.volunteerId) } } })).toBe(30);
    // The hours certificate counts the call-up.
    const cert = await gql(app, `query ($v: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) { node(id: $v) { ... on Volunteer { hoursCertificate(stationId: $s, from: $from, to: $to) { totalMinutes csv } } } }`, { v: gid("Volunteer", served[0]!.volunteerId), s: gid("Station", demo.fushan.id), from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date(Date.now() + 7 * 86_400_000).toISOString() }, officer);
    expect(cert.data!.node.hoursCertificate.totalMinutes).toBeGreaterThanOrEqual(served[0]!.minutesServed!);
    expect(cert.data!.node.hoursCertificate.csv).toContain("召集 Call-up");
  });

  it("follows the station's call-ups live: another officer's call-up, its answers and close arrive in order, a cursor resumes without gaps, others are refused", async () => {
    // A second officer of 府山 watches the command view while the first one calls up.
    const watcherPhone = "13700000931";
    const acc = await prisma.account.create({ data: { phone: watcherPhone, passwordHash: "-", displayName: "值班民警" } });
    await prisma.accountRole.create({ data: { accountId: acc.id, role: "OFFICER", stationId: demo.fushan.id } });
    const watcher = (await tokensFor([watcherPhone])).get(watcherPhone)!;
    const STATION = `subscription ($s: ID!, $since: String) { stationMobilizationUpdated(stationId: $s, since: $since) { cursor kind mobilization { id status counts { accepted } } } }`;
    const station = gid("Station", demo.fushan.id);
    type Update = { cursor: string; kind: string; mobilization: { id: string; status: string; counts: { accepted: number } } };
    const updatesOf = (sub: ReturnType<typeof subscribe>, id: string): Update[] =>
      sub.results.map((r) => {
        expect(r.errors).toBeUndefined();
        return r.data!.stationMobilizationUpdated as Update;
      }).filter((u) => u.mobilization.id === id);
    const until = async (ok: () => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!ok() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    };

    const ws = wsClient(app, watcher);
    const live = subscribe(ws, STATION, { s: station });
    await live.ready;
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id, name: "府山社区第1网格" } });
    const started = await gql(app, START, { input: { stationId: station, reason: "寻找走失儿童", place: "府山社区第1网格", latitude: grid.latitude!, longitude: grid.longitude!, radiusMeters: 300, wanted: 2, escalateAfterMinutes: 10 } }, officer);
    expect(started.data!.startMobilization.userErrors).toEqual([]);
    const m = started.data!.startMobilization.mobilization;
    const mId = Buffer.from(m.id, "base64").toString().split(":")[1]!;
    const called = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: mId }, include: { volunteer: true }, orderBy: { id: "asc" } });
    const [first, second] = called.filter((r) => tokens.has(r.volunteer.phone));
    expect(second).toBeDefined();
    const answer = async (r: typeof first) =>
      expect((await gql(app, RESPOND, { input: { mobilizationId: m.id, response: "ACCEPT", etaMinutes: 5 } }, tokens.get(r!.volunteer.phone)!)).data!.respondToMobilization.userErrors).toEqual([]);
    await answer(first);
    await until(() => updatesOf(live, m.id).length >= 3);
    // Each update carries the call-up as it is when delivered.
    expect(updatesOf(live, m.id).map((u) => [u.kind, u.mobilization.status])).toEqual([["STARTED", "OPEN"], ["WAVE", "OPEN"], ["RESPONSE", "OPEN"]]);
    expect(updatesOf(live, m.id).at(-1)!.mobilization.counts.accepted).toBe(1);
    // The watcher's screen goes away; meanwhile a second answer and the close.
    const seen = updatesOf(live, m.id);
    live.dispose();
    await ws.dispose();
    await answer(second);
    expect((await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "RESOLVED" } }, officer)).data!.closeMobilization.userErrors).toEqual([]);

    // Back with the last cursor: exactly what was missed, in order; from the first cursor: the rest of the history.
    const ws2 = wsClient(app, watcher);
    const resumed = subscribe(ws2, STATION, { s: station, since: seen.at(-1)!.cursor });
    const replay = subscribe(ws2, STATION, { s: station, since: seen[0]!.cursor });
    await until(() => updatesOf(resumed, m.id).length >= 2 && updatesOf(replay, m.id).length >= 4);
    expect(updatesOf(resumed, m.id).map((u) => u.kind)).toEqual(["RESPONSE", "CLOSED"]);
    expect(updatesOf(resumed, m.id).at(-1)!.mobilization).toMatchObject({ status: "CLOSED", counts: { accepted: 2 } });
    expect(updatesOf(replay, m.id).map((u) => u.kind)).toEqual(["WAVE", "RESPONSE", "RESPONSE", "CLOSED"]);
    expect(updatesOf(replay, m.id).slice(0, 2).map((u) => u.cursor)).toEqual(seen.slice(1).map((u) => u.cursor));
    expect(updatesOf(replay, m.id).slice(2).map((u) => u.cursor)).toEqual(updatesOf(resumed, m.id).map((u) => u.cursor));
    await ws2.dispose();

    // The station's leaders follow it too (they have the command view); another station's officer
    // does not find the station, and a volunteer of the station (not a leader: the first ten lead squads) may not follow it.
    const leaderWs = wsClient(app, leader);
    const leaderSub = subscribe(leaderWs, STATION, { s: station });
    await leaderSub.ready;
    await leaderWs.dispose();
    for (const [token, code] of [[otherOfficer, "NOT_FOUND"], [tokens.get(phones[50]!)!, "FORBIDDEN"]] as const) {
      const c = wsClient(app, token);
      const refused = subscribe(c, STATION, { s: station });
      await refused.waitFor(1);
      expect(refused.results[0]?.errors?.[0]?.extensions?.code).toBe(code);
      await c.dispose();
    }
  });

  it("tells a large wave in batches after the answer, nearest first, each person once; the sweeper finishes what a stopped process left", async () => {
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id, name: "府山社区第1网格" } });
    const batch = config.callUpNoticeBatch;
    config.callUpNoticeBatch = 7;
    let mobilizationId: string | null = null;
    try {
      const res = await gql(app, START, { input: { stationId: gid("Station", demo.fushan.id), reason: "大范围寻人", place: "府山街道", latitude: grid.latitude!, longitude: grid.longitude!, radiusMeters: 50_000, wanted: 150, escalateAfterMinutes: 30 } }, officer);
      expect(res.data!.startMobilization.userErrors).toEqual([]);
      const m = res.data!.startMobilization.mobilization;
      mobilizationId = m.id;
      const mId = Buffer.from(m.id, "base64").toString().split(":")[1]!;
      const called: number = m.counts.called;
      expect(called).toBeGreaterThan(50);
      const told = () => prisma.notification.findMany({ where: { subjectId: mId, kind: "MOBILIZATION" }, include: { sms: true }, orderBy: { id: "asc" } });
      await vi.waitFor(async () => expect((await told()).length).toBe(called), { timeout: 30_000, interval: 50 });
      const notes = await told();
      expect(new Set(notes.map((n) => n.accountId)).size).toBe(called);
      const appOnly = new Set((await prisma.notificationSettings.findMany({ where: { NOT: { smsOn: { has: "MOBILIZATION" } } } })).map((s) => s.accountId));
      expect(notes.every((n) => (appOnly.has(n.accountId) ? n.sms === null : n.sms?.urgent))).toBe(true);
      expect((await prisma.mobilization.findUniqueOrThrow({ where: { id: mId } })).notifying).toBe(false);
      // The counts are read in one statement (one snapshot), so a batch committing meanwhile cannot hide
      // the people it moves from the queue to the responders.
      const before = sqlStats.statements;
      await gql(app, `query ($id: ID!) { node(id: $id) { ... on Mobilization { counts { called } } } }`, { id: m.id }, officer);
      const countsOnly = sqlStats.statements - before;
      await gql(app, `query ($id: ID!) { node(id: $id) { ... on Mobilization { id } } }`, { id: m.id }, officer);
      expect(countsOnly - (sqlStats.statements - before - countsOnly)).toBe(1);
      // Nearest first: notices were written in the order of the responders' distance.
      const responders = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: mId }, select: { distanceMeters: true, volunteer: { select: { account: { select: { id: true } } } } } });
      const distance = new Map(responders.map((r) => [r.volunteer.account!.id, r.distanceMeters ?? Infinity]));
      const inOrder = notes.map((n) => distance.get(n.accountId)!);
      expect(inOrder).toEqual([...inOrder].sort((a, b) => a - b));

      // A person is a responder exactly when told: the batches write both together.
      const respondersAre = async () => {
        const rs = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: mId }, select: { volunteer: { select: { account: { select: { id: true } } } } } });
        return rs.map((r) => r.volunteer.account!.id).sort();
      };
      expect(await respondersAre()).toEqual(notes.map((n) => n.accountId).sort());
      expect(await prisma.mobilizationCallQueue.count({ where: { mobilizationId: mId } })).toBe(0);
      // A process stopped between batches: the last 10 still in the queue, neither told nor
      // responders, the call-up still marked. Two sweepers at once tell them, once each.
      const untell = async (n: number) => {
        const last = (await told()).slice(-n);
        const vols = await prisma.account.findMany({ where: { id: { in: last.map((x) => x.accountId) } }, select: { id: true, volunteerId: true } });
        const volOf = new Map(vols.map((a) => [a.id, a.volunteerId!]));
        const rows = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: mId, volunteerId: { in: [...volOf.values()] } } });
        const byVol = new Map(rows.map((r) => [r.volunteerId, r]));
        const queue = last.map((x) => byVol.get(volOf.get(x.accountId)!)!);
        await prisma.$transaction([
          prisma.notification.deleteMany({ where: { id: { in: last.map((x) => x.id) } } }),
          prisma.mobilizationResponder.deleteMany({ where: { id: { in: queue.map((r) => r.id) } } }),
          // As the wave left them: the accounts, and the ids and place (xid) their announcement reserved.
          prisma.mobilizationCallQueue.create({
            data: {
              mobilizationId: mId,
              wave: queue[0]!.wave,
              volunteerIds: queue.map((r) => r.volunteerId),
              distances: queue.map((r) => r.distanceMeters ?? 0),
              accountIds: last.map((x) => x.accountId),
              noticeIds: last.map((x) => x.id),
              xid: last[0]!.xid,
            },
          }),
          prisma.mobilization.update({ where: { id: mId }, data: { notifying: true } }),
        ]);
        expect((await gql(app, gqlCounts, { id: m.id }, officer)).data!.node.counts.called).toBe(called);
      };
      const stored = (await told()).map((n) => `${n.xid}:${n.id}`);
      await untell(10);
      await Promise.all([escalateMobilizations(clock.now()), escalateMobilizations(clock.now())]);
      const after = await told();
      expect(after.length).toBe(called);
      // Written where the wave announced them: the same ids at the same place in the stream.
      expect(after.map((n) => `${n.xid}:${n.id}`)).toEqual(stored);
      expect(new Set(after.map((n) => n.accountId)).size).toBe(called);
      expect(await respondersAre()).toEqual(after.map((n) => n.accountId).sort());
      expect((await prisma.mobilization.findUniqueOrThrow({ where: { id: mId } })).notifying).toBe(false);
      expect(await prisma.mobilizationCallQueue.count({ where: { mobilizationId: mId } })).toBe(0);

      // Closing an unfinished call-up stores the rest: the wave told them all already.
      await untell(3);
      expect((await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, officer)).data!.closeMobilization.userErrors).toEqual([]);
      mobilizationId = null;
      await escalateMobilizations(clock.now());
      expect((await told()).map((n) => `${n.xid}:${n.id}`)).toEqual(stored);
      expect((await respondersAre()).length).toBe(called);
      expect(await prisma.mobilizationCallQueue.count({ where: { mobilizationId: mId } })).toBe(0);
    } finally {
      config.callUpNoticeBatch = batch;
      if (mobilizationId) await gql(app, CLOSE, { input: { mobilizationId, outcome: "CANCELLED" } }, officer);
    }
  });

  it("calls the whole station when nobody fits nearby, and lets leaders call up where the station allows it", async () => {
    await prisma.station.update({ where: { id: demo.fushan.id }, data: { leadersMayMobilize: true } });
    const res = await gql(app, START, { input: { stationId: gid("Station", demo.fushan.id), reason: "交通疏导", place: "远处路口", latitude: 30.2, longitude: 120.9, radiusMeters: 200, wanted: 3, escalateAfterMinutes: 5, specialties: ["TRAFFIC"] } }, leader);
    expect(res.data!.startMobilization.userErrors).toEqual([]);
    const m = res.data!.startMobilization.mobilization;
    // Nobody within 200 m or 600 m (wave 2 finds only fitting people without a known base: the leader himself, who has no home grid and no TRAFFIC), so the whole station is called at once.
    expect(m.wave).toBe(3);
    expect(m.escalateAt).toBeNull();
    const mId = Buffer.from(m.id, "base64").toString().split(":")[1]!;
    const waves = await prisma.mobilizationWave.findMany({ where: { mobilizationId: mId }, orderBy: { number: "asc" } });
    expect(waves.map((w) => w.calledCount)).toEqual([0, 0, await prisma.volunteer.count({ where: { status: "ACTIVE", account: { isNot: null }, teams: { some: { status: "ACTIVE", team: { stationId: demo.fushan.id } } } } })]);
    // The leader runs their own call-up's board; another leader's would be the officers' alone.
    expect((await gql(app, BOARD, { id: m.id }, leader)).data!.node.viewerCanManage).toBe(true);
    expect((await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, leader)).data!.closeMobilization.goodDeedDraft).toBeNull();
    await prisma.station.update({ where: { id: demo.fushan.id }, data: { leadersMayMobilize: false } });
  });

  it("pages the responder board through every responder of a whole-station call-up, each once in the board's order, with the whole call-up's counts on every page", async () => {
    const res = await gql(app, START, { input: { stationId: gid("Station", demo.fushan.id), reason: "全所召集翻页", place: "越王台", latitude: 30.0, longitude: 120.58, radiusMeters: 50000, wanted: 500, escalateAfterMinutes: 5 } }, officer);
    const m = res.data!.startMobilization.mobilization;
    const mId = Buffer.from(m.id, "base64").toString().split(":")[1]!;
    try {
      const called = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: mId }, include: { volunteer: true }, orderBy: { id: "asc" } });
      expect(called.length).toBeGreaterThan(150);
      // As if some bases were unknown (no distance) and some equally far.
      await prisma.mobilizationResponder.updateMany({ where: { id: { in: called.slice(40, 50).map((r) => r.id) } }, data: { distanceMeters: null } });
      await prisma.mobilizationResponder.updateMany({ where: { id: { in: called.slice(50, 60).map((r) => r.id) } }, data: { distanceMeters: 1234 } });
      // Answers that tie on the ETA and on the distance, and people whose base is unknown (no distance).
      for (const [i, r] of called.slice(0, 30).entries()) {
        const t = tokens.get(r.volunteer.phone);
        if (t) await gql(app, RESPOND, { input: { mobilizationId: m.id, response: i % 3 === 0 ? "DECLINE" : "ACCEPT", etaMinutes: 5 + (i % 2) } }, t);
      }
      const PAGE = `query ($id: ID!, $first: Int!, $after: String) { node(id: $id) { ... on Mobilization { counts { called accepted declined pending }
        responders(first: $first, after: $after) { edges { node { id response } } pageInfo { hasNextPage endCursor } } } } }`;
      const stored = await prisma.mobilizationResponder.findMany({
        where: { mobilizationId: mId },
        orderBy: [{ response: "asc" }, { etaMinutes: { sort: "asc", nulls: "last" } }, { distanceMeters: { sort: "asc", nulls: "last" } }, { id: "asc" }],
      });
      expect(stored.some((r) => r.distanceMeters === null)).toBe(true);
      const counts = { called: stored.length, accepted: stored.filter((r) => r.response === "ACCEPTED").length, declined: stored.filter((r) => r.response === "DECLINED").length, pending: stored.filter((r) => r.response === "PENDING").length };
      for (const first of [100, 7]) {
        const seen: string[] = [];
        let after: string | null = null;
        for (let pages = 0; pages < 100; pages++) {
          const node: any = (await gql(app, PAGE, { id: m.id, first, after }, officer)).data!.node;
          expect(node.counts).toEqual(counts);
          seen.push(...node.responders.edges.map((e: any) => e.node.id));
          if (!node.responders.pageInfo.hasNextPage) break;
          after = node.responders.pageInfo.endCursor;
        }
        expect([first, seen]).toEqual([first, stored.map((r) => gid("MobilizationResponder", r.id))]);
      }
    } finally {
      await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, officer);
    }
  });

  it("takes a volunteer's latest GPS check-in of the last hours with a point as the base, over the home grid", async () => {
    const at = { latitude: 30.2, longitude: 120.9 }; // far from every grid of the station
    const hoursAgo = (h: number) => new Date(clock.now().getTime() - h * 3600_000);
    const [s1, s2] = await prisma.shift.findMany({ where: { stationId: demo.fushan.id }, take: 2, orderBy: { id: "asc" } });
    const free = await prisma.volunteer.findMany({
      where: { status: "ACTIVE", account: { isNot: null }, teams: { some: { team: { stationId: demo.fushan.id } } }, claims: { none: { OR: [{ shiftId: { in: [s1!.id, s2!.id] } }, { checkedInAt: { gte: hoursAgo(4) } }] } } },
      take: 4,
      orderBy: { id: "asc" },
    });
    const [latestHere, onlyOld, latestWithoutPoint, latestElsewhere] = free;
    const claim = (v: { id: string }, shiftId: string, h: number, point: { latitude: number; longitude: number } | null) =>
      prisma.shiftClaim.create({ data: { shiftId, volunteerId: v.id, status: "COMPLETED", checkedInAt: hoursAgo(h), checkInLat: point?.latitude ?? null, checkInLng: point?.longitude ?? null } });
    const elsewhere = { latitude: 29.5, longitude: 120.3 };
    await claim(latestHere!, s1!.id, 1, at);
    await claim(latestHere!, s2!.id, 2, elsewhere);
    await claim(onlyOld!, s1!.id, 4, at); // older than the last hours: the home grid counts
    await claim(latestWithoutPoint!, s1!.id, 1, null); // checked in without a point: the one before counts
    await claim(latestWithoutPoint!, s2!.id, 2, at);
    await claim(latestElsewhere!, s1!.id, 1, elsewhere);
    await claim(latestElsewhere!, s2!.id, 2, at);
    const res = await gql(app, START, { input: { stationId: gid("Station", demo.fushan.id), reason: "定位测试", place: "远处路口", ...at, radiusMeters: 300, wanted: 1, escalateAfterMinutes: 5 } }, officer);
    const m = res.data!.startMobilization.mobilization;
    expect(m.wave).toBe(1);
    const called = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: Buffer.from(m.id, "base64").toString().split(":")[1]! }, orderBy: { volunteerId: "asc" } });
    expect(called.map((r) => [r.volunteerId, r.distanceMeters])).toEqual([latestHere!.id, latestWithoutPoint!.id].sort().map((id) => [id, 0]));
    await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, officer);
  });

  it("calls only the station's active members: not those who left, are suspended or wait for approval, nor another station's volunteers, however near they checked in", async () => {
    const at = { latitude: 30.25, longitude: 120.95 }; // far from every grid, and from the test above
    const since = new Date(clock.now().getTime() - 4 * 3600_000);
    const shift = await prisma.shift.findFirstOrThrow({ where: { stationId: demo.fushan.id }, orderBy: { id: "desc" } });
    const fresh = { claims: { none: { OR: [{ shiftId: shift.id }, { checkedInAt: { gte: since } }] } } };
    const [member, left, suspended, pending] = await prisma.volunteer.findMany({
      where: { status: "ACTIVE", account: { isNot: null }, teams: { some: { team: { stationId: demo.fushan.id } }, none: { team: { stationId: { not: demo.fushan.id } } } }, ...fresh },
      take: 4,
      orderBy: { id: "desc" },
    });
    const outsider = await prisma.volunteer.findFirstOrThrow({
      where: { status: "ACTIVE", account: { isNot: null }, teams: { some: { team: { stationId: demo.changqing.id } }, none: { team: { stationId: demo.fushan.id } } }, ...fresh },
    });
    const setStatus = (v: { id: string }, status: "ACTIVE" | "LEFT" | "SUSPENDED" | "PENDING") =>
      prisma.teamMembership.updateMany({ where: { volunteerId: v.id, team: { stationId: demo.fushan.id } }, data: { status } });
    await setStatus(left!, "LEFT");
    await setStatus(suspended!, "SUSPENDED");
    await setStatus(pending!, "PENDING");
    // Each checked in an hour ago right where the call-up is (the outsider at another station's shift would do as well).
    for (const v of [member!, left!, suspended!, pending!, outsider]) {
      await prisma.shiftClaim.create({ data: { shiftId: shift.id, volunteerId: v.id, status: "COMPLETED", checkedInAt: new Date(clock.now().getTime() - 3600_000), checkInLat: at.latitude, checkInLng: at.longitude } });
    }
    try {
      const res = await gql(app, START, { input: { stationId: gid("Station", demo.fushan.id), reason: "成员测试", place: "远处路口", ...at, radiusMeters: 300, wanted: 1, escalateAfterMinutes: 5 } }, officer);
      const m = res.data!.startMobilization.mobilization;
      expect(m.wave).toBe(1);
      const called = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: Buffer.from(m.id, "base64").toString().split(":")[1]! } });
      expect(called.map((r) => [r.volunteerId, r.distanceMeters])).toEqual([[member!.id, 0]]);
      await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, officer);
    } finally {
      for (const v of [left!, suspended!, pending!]) await setStatus(v, "ACTIVE");
    }
  });

  it("a call-up for a squad calls its active members first, not those whose squad membership waits or is suspended with their team", async () => {
    const at = { latitude: 30.3, longitude: 121.0 };
    const team = await prisma.team.create({ data: { stationId: demo.fushan.id, name: "召集测试队" } });
    const squad = await prisma.squad.create({ data: { teamId: team.id, name: "召集测试小队", specialty: "COMMUNITY_GRID" } });
    const since = new Date(clock.now().getTime() - 4 * 3600_000);
    const shift = await prisma.shift.findFirstOrThrow({ where: { stationId: demo.fushan.id }, orderBy: { id: "desc" }, skip: 1 });
    // Active members of the station (haolinshe) who checked in right there an hour ago.
    const [inSquad, suspendedThere] = await prisma.volunteer.findMany({
      where: { status: "ACTIVE", account: { isNot: null }, teams: { some: { status: "ACTIVE", team: { stationId: demo.fushan.id } } }, claims: { none: { OR: [{ shiftId: shift.id }, { checkedInAt: { gte: since } }] } } },
      take: 2,
      orderBy: { phone: "asc" },
    });
    await prisma.teamMembership.create({ data: { teamId: team.id, volunteerId: inSquad!.id } });
    await prisma.squadMembership.create({ data: { squadId: squad.id, volunteerId: inSquad!.id } });
    await prisma.teamMembership.create({ data: { teamId: team.id, volunteerId: suspendedThere!.id, status: "SUSPENDED" } });
    await prisma.squadMembership.create({ data: { squadId: squad.id, volunteerId: suspendedThere!.id, active: false } });
    for (const v of [inSquad!, suspendedThere!]) {
      await prisma.shiftClaim.create({ data: { shiftId: shift.id, volunteerId: v.id, status: "COMPLETED", checkedInAt: new Date(clock.now().getTime() - 3600_000), checkInLat: at.latitude, checkInLng: at.longitude } });
    }
    const res = await gql(app, START, { input: { stationId: gid("Station", demo.fushan.id), reason: "小队测试", place: "远处路口", ...at, radiusMeters: 300, wanted: 1, escalateAfterMinutes: 5, squadIds: [gid("Squad", squad.id)] } }, officer);
    const m = res.data!.startMobilization.mobilization;
    expect(m.wave).toBe(1);
    const called = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: Buffer.from(m.id, "base64").toString().split(":")[1]! } });
    expect(called.map((r) => r.volunteerId)).toEqual([inSquad!.id]);
    await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, officer);
  });
});
