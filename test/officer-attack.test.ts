// The officer's side of bulletins and call-ups, attacked from outside: another station's officer, a
// leader where the station does not allow leaders to call up, anonymous callers, and careless inputs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { DEMO_PHONES, gid, rawId, seedDemoData } from "./support/fixtures.js";
import { tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let leader: string;
let otherOfficer: string;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const PUBLISH = `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id recipientCount } userErrors { code field message } } }`;
const INBOX = `query { viewer { notifications(first: 50) { edges { node { kind title body subjectId } } } } }`;

describe("bulletins reach the station's members only", () => {
  it("does not send a bulletin to those who left, are suspended or wait for approval, by whole station, team or squad", async () => {
    const squad = demo.squads[0]!;
    const members = await prisma.squadMembership.findMany({
      where: { squadId: squad.id, role: "MEMBER", volunteer: { account: { isNot: null }, teams: { none: { team: { stationId: { not: demo.fushan.id } } } } } },
      include: { volunteer: true },
      orderBy: { volunteerId: "asc" },
      take: 4,
    });
    const [member, left, suspended, pending] = members.map((m) => m.volunteer);
    const setStatus = (v: { id: string }, status: "ACTIVE" | "LEFT" | "SUSPENDED" | "PENDING") =>
      prisma.$transaction([
        prisma.teamMembership.updateMany({ where: { volunteerId: v.id, team: { stationId: demo.fushan.id } }, data: { status } }),
        prisma.squadMembership.updateMany({ where: { volunteerId: v.id }, data: { active: status === "ACTIVE" } }),
      ]);
    await setStatus(left!, "LEFT");
    await setStatus(suspended!, "SUSPENDED");
    await setStatus(pending!, "PENDING");
    const tokens = await tokensFor([member!.phone, left!.phone, suspended!.phone, pending!.phone]);
    try {
      for (const audience of [{ wholeStation: true }, { teamIds: [gid("Team", demo.haolinshe.id)] }, { squadIds: [gid("Squad", squad.id)] }]) {
        const title = `内部警情 ${Object.keys(audience)[0]}`;
        const res = await gql(app, PUBLISH, { input: { stationId: gid("Station", demo.fushan.id), title, body: "仅限本所义警", category: "CASE_ALERT", audience } }, officer);
        expect(res.data!.publishBulletin.userErrors).toEqual([]);
        const b = res.data!.publishBulletin.bulletin;
        const got = async (phone: string) =>
          (await gql(app, INBOX, {}, tokens.get(phone)!)).data!.viewer.notifications.edges.some((e: any) => e.node.subjectId === b.id);
        // A notice may be written after the answer (a large audience goes in batches): wait for the member's.
        await expect.poll(() => got(member!.phone), { timeout: 15_000 }).toBe(true);
        for (const v of [left!, suspended!, pending!]) expect([audience, v.phone, await got(v.phone)]).toEqual([audience, v.phone, false]);
      }
    } finally {
      for (const v of [left!, suspended!, pending!]) await setStatus(v, "ACTIVE");
    }
  });
});

describe("a bulletin to nobody", () => {
  it("is refused with the audience named, unless it is public; nothing is stored", async () => {
    const empty = await prisma.community.create({ data: { stationId: demo.fushan.id, name: `无人社区 ${Date.now()}` } });
    try {
      const before = await prisma.bulletin.count();
      const input = (pub: boolean) => ({ stationId: gid("Station", demo.fushan.id), title: "无人可收", body: "……", category: "CASE_ALERT", public: pub, audience: { communityIds: [gid("Community", empty.id)] } });
      const res = await gql(app, PUBLISH, { input: input(false) }, officer);
      expect(res.data!.publishBulletin).toMatchObject({ bulletin: null, userErrors: [{ code: "VALIDATION", field: ["input", "audience"] }] });
      expect(res.data!.publishBulletin.userErrors[0].message).toMatch(/^所选接收对象中没有可通知的人/);
      expect(await prisma.bulletin.count()).toBe(before);
      const pub = await gql(app, PUBLISH, { input: input(true) }, officer);
      expect(pub.data!.publishBulletin).toMatchObject({ bulletin: { recipientCount: 0 }, userErrors: [] });
    } finally {
      await prisma.bulletin.deleteMany({ where: { communityIds: { has: empty.id } } });
      await prisma.community.delete({ where: { id: empty.id } });
    }
  });
});

const START = `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id } userErrors { code field message } } }`;
const RESPOND = `mutation ($input: RespondToMobilizationInput!) { respondToMobilization(input: $input) { responder { id } userErrors { code field } } }`;
const CLOSE = `mutation ($input: CloseMobilizationInput!) { closeMobilization(input: $input) { mobilization { status } userErrors { code field } } }`;
const RESPONDERS = `query ($id: ID!) { node(id: $id) { ... on Mobilization { viewerCanManage responders(first: 100) { edges { node { phone volunteer { phone idNumber squads(first: 5) { edges { node { squad { id } } } } } } } } } } }`;
const LIVE = `subscription ($id: ID!) { mobilizationUpdated(mobilizationId: $id) { counts { accepted } } }`;
const callUp = (extra: Record<string, unknown> = {}) => ({
  stationId: gid("Station", demo.fushan.id), reason: "寻找走失老人", place: "府山街道", latitude: 30.0, longitude: 120.58, radiusMeters: 50000, wanted: 3, escalateAfterMinutes: 30, ...extra,
});
const code = (r: any, field: string) => r.data?.[field]?.userErrors?.[0]?.code ?? r.errors?.[0]?.extensions?.code;

describe("call-ups from outside", () => {
  it("refuses a leader where the station does not allow it, an anonymous caller and another station's officer: start, answer, close, board, live board", async () => {
    await prisma.station.update({ where: { id: demo.fushan.id }, data: { leadersMayMobilize: false } });
    const m = (await gql(app, START, { input: callUp() }, officer)).data!.startMobilization.mobilization;
    for (const [who, token, expected] of [["leader", leader, "FORBIDDEN"], ["anonymous", null, "UNAUTHENTICATED"], ["other station", otherOfficer, "NOT_FOUND"]] as const) {
      expect([who, code(await gql(app, START, { input: callUp() }, token), "startMobilization")]).toEqual([who, expected]);
      expect([who, code(await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, token), "closeMobilization")]).toEqual([who, expected]);
      const answer = code(await gql(app, RESPOND, { input: { mobilizationId: m.id, response: "ACCEPT" } }, token), "respondToMobilization");
      expect([who, answer]).toEqual([who, who === "leader" ? "FORBIDDEN" : expected]); // the leader was not called
      const board = await gql(app, RESPONDERS, { id: m.id }, token);
      expect([who, board.data?.node?.responders ?? null]).toEqual([who, null]);
      const ws = wsClient(app, token);
      const live = subscribe(ws, LIVE, { id: m.id });
      const [first] = await live.waitFor(1);
      expect([who, first!.data?.mobilizationUpdated ?? null, first!.errors?.[0]?.extensions?.code]).toEqual([who, null, who === "other station" ? "NOT_FOUND" : "FORBIDDEN"]);
      live.dispose();
      await ws.dispose();
    }
    expect((await prisma.mobilization.findUniqueOrThrow({ where: { id: rawId(m.id) } })).status).toBe("OPEN");
    await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, officer);
  });

  it("shows a call-up, its description and place, to the command view and to whom it called, not to every member of the station", async () => {
    const squad = demo.squads[0]!;
    const m = (await gql(app, START, { input: callUp({ reason: "只召集一个小队", description: "走失老人：八十岁，穿灰色外套", squadIds: [gid("Squad", squad.id)] }) }, officer)).data!.startMobilization.mobilization;
    try {
      const called = await prisma.mobilizationResponder.findFirstOrThrow({ where: { mobilizationId: rawId(m.id), volunteer: { account: { isNot: null } } }, include: { volunteer: true } });
      const notCalled = await prisma.volunteer.findFirstOrThrow({
        where: { account: { isNot: null }, status: "ACTIVE", teams: { some: { status: "ACTIVE", role: "MEMBER", team: { stationId: demo.fushan.id } }, none: { role: "LEADER" } }, squads: { none: { OR: [{ squadId: squad.id }, { role: "LEADER" }] } }, mobilizationResponses: { none: { mobilizationId: rawId(m.id) } } },
      });
      const tokens = await tokensFor([called.volunteer.phone, notCalled.phone]);
      const LIST = `query ($s: ID!) { mobilizations(stationId: $s, first: 50) { edges { node { id description } } } }`;
      const NODE = `query ($id: ID!) { node(id: $id) { ... on Mobilization { id description place } } }`;
      const sees = async (token: string) => ({
        listed: (await gql(app, LIST, { s: gid("Station", demo.fushan.id) }, token)).data?.mobilizations?.edges.some((e: any) => e.node.id === m.id) ?? false,
        byId: (await gql(app, NODE, { id: m.id }, token)).data?.node?.description ?? null,
      });
      expect(await sees(officer)).toEqual({ listed: true, byId: "走失老人：八十岁，穿灰色外套" });
      expect(await sees(leader)).toEqual({ listed: true, byId: "走失老人：八十岁，穿灰色外套" }); // the command view
      expect(await sees(tokens.get(called.volunteer.phone)!)).toEqual({ listed: true, byId: "走失老人：八十岁，穿灰色外套" });
      expect(await sees(tokens.get(notCalled.phone)!)).toEqual({ listed: false, byId: null });
      expect(await sees(otherOfficer)).toEqual({ listed: false, byId: null });
    } finally {
      await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, officer);
    }
  });

  it("masks the phone and ID numbers of responders outside a squad leader's squad on the board of the call-up they started", async () => {
    await prisma.station.update({ where: { id: demo.fushan.id }, data: { leadersMayMobilize: true } });
    try {
      const sq = await prisma.squadMembership.findFirstOrThrow({ where: { role: "LEADER", squad: { team: { stationId: demo.fushan.id } } }, include: { volunteer: true } });
      const squadLeader = await signIn(app, sq.volunteer.phone);
      const m = (await gql(app, START, { input: callUp({ reason: "小队长召集" }) }, squadLeader)).data!.startMobilization.mobilization;
      const edges = (await gql(app, RESPONDERS, { id: m.id }, squadLeader)).data!.node.responders.edges.map((e: any) => e.node);
      const inSquad = (n: any) => n.volunteer.squads.edges.some((e: any) => e.node.squad?.id === gid("Squad", sq.squadId));
      const others = edges.filter((n: any) => !inSquad(n));
      expect(edges.filter(inSquad).length).toBeGreaterThan(0);
      expect(others.length).toBeGreaterThan(0);
      for (const n of edges.filter(inSquad)) expect(n.phone).toMatch(/^1\d{10}$/);
      for (const n of others) {
        expect(n.phone).toContain("****");
        expect(n.volunteer.phone).toContain("****");
        expect(n.volunteer.idNumber ?? "***").toContain("***");
      }
      await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, squadLeader);
    } finally {
      await prisma.station.update({ where: { id: demo.fushan.id }, data: { leadersMayMobilize: false } });
    }
  });
});
