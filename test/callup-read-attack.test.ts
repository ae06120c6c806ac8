// Who may read a 一键召集 call-up (mobilization.read), attacked from outside over HTTP and graphql-ws: a member
// of the station it did not call, a partner's admin, another station's officer, an anonymous caller — and
// those who should still see it (the officer, a leader, whom it called, also by an earlier wave or declining).
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
let partner: string;
let otherOfficer: string;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  partner = await signIn(app, DEMO_PHONES.partnerAdmin);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const SECRET = "走失老人：八十二岁，穿蓝色外套，患阿尔茨海默症";
const START = `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id } userErrors { code field message } } }`;
const RESPOND = `mutation ($input: RespondToMobilizationInput!) { respondToMobilization(input: $input) { responder { id } mobilization { description } userErrors { code field message } } }`;
const CLOSE = `mutation ($input: CloseMobilizationInput!) { closeMobilization(input: $input) { mobilization { status description } userErrors { code field message } } }`;
const FIELDS = `reason description place latitude longitude closeNote counts { called } waves { number } responders(first: 50) { edges { node { id displayName } } }`;
const NODE = `query ($id: ID!) { node(id: $id) { id ... on Mobilization { ${FIELDS} } ... on MobilizationResponder { displayName mobilization { ${FIELDS} } } } }`;
const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { id ... on Mobilization { ${FIELDS} } ... on MobilizationResponder { mobilization { description } } } }`;
const LIST = `query ($s: ID!, $status: MobilizationStatus, $after: String) { mobilizations(stationId: $s, status: $status, first: 50, after: $after) { edges { cursor node { id description place } } } }`;
const INBOX = `query { viewer { notifications(first: 100) { edges { node { kind title body subjectId link } } } } }`;
const callUp = (extra: Record<string, unknown> = {}) => ({
  stationId: gid("Station", demo.fushan.id), reason: "寻找走失老人", description: SECRET, place: "府山街道越王台", latitude: 30.0, longitude: 120.58, radiusMeters: 50000, wanted: 3, escalateAfterMinutes: 30, ...extra,
});
const errOf = (r: any, field: string) => {
  const e = r.data?.[field]?.userErrors?.[0] ?? r.errors?.[0];
  return e ? { code: e.code ?? e.extensions?.code, message: e.message } : null;
};

/** A member of the station, no leader, whom the call-up did not call. */
async function memberNotCalled(mobilizationId: string) {
  return prisma.volunteer.findFirstOrThrow({
    where: {
      account: { isNot: null }, status: "ACTIVE",
      teams: { some: { status: "ACTIVE", role: "MEMBER", team: { stationId: demo.fushan.id } }, none: { role: "LEADER" } },
      squads: { none: { role: "LEADER" } },
      mobilizationResponses: { none: { mobilizationId } },
    },
  });
}

describe("a call-up's contents, from outside, to those it did not call", () => {
  it("gives nothing by node, nodes, the list (any status, any cursor), a responder, answer, close, inbox or live updates; its errors are those of a call-up that does not exist", async () => {
    const squad = demo.squads[0]!;
    const m = (await gql(app, START, { input: callUp({ squadIds: [gid("Squad", squad.id)] }) }, officer)).data!.startMobilization.mobilization;
    const older = (await gql(app, START, { input: callUp({ reason: "较早的召集", squadIds: [gid("Squad", squad.id)] }) }, officer)).data!.startMobilization.mobilization;
    try {
      const responder = await prisma.mobilizationResponder.findFirstOrThrow({ where: { mobilizationId: rawId(m.id) } });
      const responderId = gid("MobilizationResponder", responder.id);
      const member = await memberNotCalled(rawId(m.id));
      const memberToken = (await tokensFor([member.phone])).get(member.phone)!;
      const ghost = gid("Mobilization", "00000000-0000-4000-8000-000000000000");
      const officerPage = (await gql(app, LIST, { s: gid("Station", demo.fushan.id) }, officer)).data!.mobilizations.edges as any[];
      expect(officerPage.map((e) => e.node.id)).toEqual(expect.arrayContaining([m.id, older.id]));
      const cursors = [null, ...officerPage.map((e) => e.cursor)];

      for (const [who, token] of [["member not called", memberToken], ["partner admin", partner], ["other station's officer", otherOfficer], ["anonymous", null]] as const) {
        const byNode = await gql(app, NODE, { id: m.id }, token);
        expect([who, byNode.data?.node ?? null, JSON.stringify(byNode).includes("八十二岁")]).toEqual([who, null, false]);
        const byResponder = await gql(app, NODE, { id: responderId }, token);
        expect([who, byResponder.data?.node ?? null, JSON.stringify(byResponder).includes("八十二岁")]).toEqual([who, null, false]);
        const byNodes = await gql(app, NODES, { ids: [m.id, older.id, responderId] }, token);
        expect([who, byNodes.data?.nodes ?? null, JSON.stringify(byNodes).includes("八十二岁")]).toEqual([who, byNodes.data ? [null, null, null] : null, false]);
        for (const status of [null, "OPEN", "CLOSED"])
          for (const after of cursors) {
            const list = await gql(app, LIST, { s: gid("Station", demo.fushan.id), status, after }, token);
            const ids = (list.data?.mobilizations?.edges ?? []).map((e: any) => e.node.id);
            expect([who, status, after, ids.includes(m.id) || ids.includes(older.id), JSON.stringify(list).includes("八十二岁")]).toEqual([who, status, after, false, false]);
          }
        // Answering or closing it says what answering or closing a call-up that does not exist says.
        for (const [mutation, field, input] of [[RESPOND, "respondToMobilization", { response: "ACCEPT" }], [CLOSE, "closeMobilization", { outcome: "CANCELLED" }]] as const) {
          const real = await gql(app, mutation, { input: { mobilizationId: m.id, ...input } }, token);
          const none = await gql(app, mutation, { input: { mobilizationId: ghost, ...input } }, token);
          expect([who, field, errOf(real, field), JSON.stringify(real).includes("八十二岁")]).toEqual([who, field, errOf(none, field), false]);
        }
        const ws = wsClient(app, token);
        try {
          for (const [q, vars] of [
            [`subscription ($id: ID!) { mobilizationUpdated(mobilizationId: $id) { description } }`, { id: m.id }],
            [`subscription ($id: ID!) { mobilizationUpdated(mobilizationId: $id, since: "0") { description } }`, { id: m.id }],
            [`subscription ($s: ID!) { stationMobilizationUpdated(stationId: $s, since: "0") { mobilization { description place } } }`, { s: gid("Station", demo.fushan.id) }],
          ] as const) {
            const live = subscribe(ws, q, vars);
            const [first] = await live.waitFor(1);
            expect([who, q, first?.data ?? null, JSON.stringify(first ?? live.error ?? "").includes("八十二岁")]).toEqual([who, q, null, false]);
            live.dispose();
          }
          // Same errors as for a call-up that does not exist.
          const real = subscribe(ws, `subscription ($id: ID!) { mobilizationUpdated(mobilizationId: $id) { id } }`, { id: m.id });
          const none = subscribe(ws, `subscription ($id: ID!) { mobilizationUpdated(mobilizationId: $id) { id } }`, { id: ghost });
          const [[a], [b]] = await Promise.all([real.waitFor(1), none.waitFor(1)]);
          expect([who, a?.errors?.[0]?.message, a?.errors?.[0]?.extensions?.code]).toEqual([who, b?.errors?.[0]?.message, b?.errors?.[0]?.extensions?.code]);
          real.dispose();
          none.dispose();
        } finally {
          await ws.dispose();
        }
      }
      const inbox = await gql(app, INBOX, {}, memberToken);
      expect(JSON.stringify(inbox).includes(rawId(m.id)) || JSON.stringify(inbox).includes(m.id)).toBe(false);
      expect((await prisma.mobilization.findUniqueOrThrow({ where: { id: rawId(m.id) } })).status).toBe("OPEN");
    } finally {
      for (const x of [m, older]) await gql(app, CLOSE, { input: { mobilizationId: x.id, outcome: "CANCELLED" } }, officer);
    }
  });
});

describe("a call-up's contents to those who should read it", () => {
  it("the officer, a leader of the station, whom it called (by an earlier wave, declined, closed) — from the inbox link — and no longer one who left the station", async () => {
    const squad = demo.squads[0]!;
    const m = (await gql(app, START, { input: callUp({ squadIds: [gid("Squad", squad.id)] }) }, officer)).data!.startMobilization.mobilization;
    const called = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: rawId(m.id), volunteer: { account: { isNot: null }, teams: { none: { role: "LEADER" } }, squads: { none: { role: "LEADER" } } } }, include: { volunteer: true }, take: 3, orderBy: { id: "asc" } });
    expect(called.length).toBe(3);
    const [decliner, earlier, leaver] = called.map((r) => r.volunteer);
    const tokens = await tokensFor(called.map((r) => r.volunteer.phone));
    const t = (v: { phone: string }) => tokens.get(v.phone)!;
    try {
      expect(errOf(await gql(app, RESPOND, { input: { mobilizationId: m.id, response: "DECLINE" } }, t(decliner!)), "respondToMobilization")).toBe(null);
      // As if a later wave called others since: the earlier one keeps reading it.
      await prisma.mobilizationResponder.updateMany({ where: { mobilizationId: rawId(m.id), volunteerId: earlier!.id }, data: { wave: 1 } });
      await prisma.mobilization.update({ where: { id: rawId(m.id) }, data: { wave: 3 } });
      const reads = async (token: string) => {
        const inbox = (await gql(app, INBOX, {}, token)).data?.viewer?.notifications.edges.map((e: any) => e.node) ?? [];
        const notice = inbox.find((n: any) => n.kind === "MOBILIZATION" && n.subjectId === m.id);
        const viaLink = notice ? (await gql(app, NODE, { id: decodeURIComponent(notice.link.split("/").pop()) }, token)).data?.node?.description ?? null : null;
        const list = (await gql(app, LIST, { s: gid("Station", demo.fushan.id) }, token)).data?.mobilizations?.edges.some((e: any) => e.node.id === m.id) ?? false;
        return { byId: (await gql(app, NODE, { id: m.id }, token)).data?.node?.description ?? null, list, viaLink };
      };
      expect(await reads(officer)).toMatchObject({ byId: SECRET, list: true });
      expect(await reads(leader)).toMatchObject({ byId: SECRET, list: true });
      expect(await reads(t(decliner!))).toEqual({ byId: SECRET, list: true, viaLink: SECRET });
      expect(await reads(t(earlier!))).toEqual({ byId: SECRET, list: true, viaLink: SECRET });
      await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "STOOD_DOWN" } }, officer);
      expect(await reads(t(decliner!))).toEqual({ byId: SECRET, list: true, viaLink: SECRET });
      await prisma.teamMembership.updateMany({ where: { volunteerId: leaver!.id, team: { stationId: demo.fushan.id } }, data: { status: "LEFT" } });
      expect(await reads(t(leaver!))).toEqual({ byId: null, list: false, viaLink: null });
      // Nor when they also run a partner of the station: that sees the station, it is not belonging to it.
      const partnerOrg = await prisma.partner.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
      const account = await prisma.account.findUniqueOrThrow({ where: { volunteerId: leaver!.id } });
      await prisma.accountRole.create({ data: { accountId: account.id, role: "PARTNER_ADMIN", partnerId: partnerOrg.id } });
      expect(await reads(t(leaver!))).toEqual({ byId: null, list: false, viaLink: null });
    } finally {
      await prisma.accountRole.deleteMany({ where: { account: { volunteerId: leaver!.id }, role: "PARTNER_ADMIN" } });
      await prisma.teamMembership.updateMany({ where: { volunteerId: leaver!.id, team: { stationId: demo.fushan.id } }, data: { status: "ACTIVE" } });
      await gql(app, CLOSE, { input: { mobilizationId: m.id, outcome: "CANCELLED" } }, officer);
    }
  });
});

describe("the call-up list's cursors", () => {
  it("works only with a cursor of a call-up the list shows the viewer: another station's, one that did not call them or one that does not exist is answered as a cursor of another list, so it tells nothing of where that call-up sorts", async () => {
    const [s1, s2] = demo.squads;
    const a0 = (await gql(app, START, { input: callUp({ reason: "游标甲零", squadIds: [gid("Squad", s1!.id)] }) }, officer)).data!.startMobilization.mobilization;
    const a1 = (await gql(app, START, { input: callUp({ reason: "游标甲一", squadIds: [gid("Squad", s1!.id)] }) }, officer)).data!.startMobilization.mobilization;
    const b = (await gql(app, START, { input: callUp({ reason: "游标乙", squadIds: [gid("Squad", s2!.id)] }) }, officer)).data!.startMobilization.mobilization;
    const a2 = (await gql(app, START, { input: callUp({ reason: "游标甲二", squadIds: [gid("Squad", s1!.id)] }) }, officer)).data!.startMobilization.mobilization;
    const c = (await gql(app, START, { input: { ...callUp({ reason: "他所召集" }), stationId: gid("Station", demo.changqing.id), latitude: 29.99, longitude: 120.57 } }, otherOfficer)).data!.startMobilization.mobilization;
    try {
      // Called by the 甲 call-ups, not by 乙: before, 乙's cursor paged on to the 甲 call-ups older than 乙.
      const called = await prisma.mobilizationResponder.findMany({ where: { mobilizationId: rawId(a1.id), volunteer: { account: { isNot: null }, teams: { none: { role: "LEADER" } }, squads: { none: { role: "LEADER" } } } }, include: { volunteer: true } });
      const bCalled = new Set((await prisma.mobilizationResponder.findMany({ where: { mobilizationId: rawId(b.id) } })).map((r) => r.volunteerId));
      const a2Called = new Set((await prisma.mobilizationResponder.findMany({ where: { mobilizationId: rawId(a2.id) } })).map((r) => r.volunteerId));
      const member = called.find((r) => !bCalled.has(r.volunteerId) && a2Called.has(r.volunteerId))!.volunteer;
      const memberToken = (await tokensFor([member.phone])).get(member.phone)!;
      const cursorOf = async (token: string, stationId: string, id: string) =>
        ((await gql(app, LIST, { s: gid("Station", stationId) }, token)).data!.mobilizations.edges as any[]).find((e) => e.node.id === id)!.cursor as string;
      const [cursorA2, cursorB, cursorC] = [await cursorOf(officer, demo.fushan.id, a2.id), await cursorOf(officer, demo.fushan.id, b.id), await cursorOf(otherOfficer, demo.changqing.id, c.id)];
      const ghost = Buffer.from("GPC:S:00000000-0000-4000-8000-000000000000").toString("base64");
      const otherKind = Buffer.from("OffsetConnection:0").toString("base64"); // well formed, of another kind of list
      const answer = async (token: string, after: string, args = "first: 50, after: $after") => {
        const r = await gql(app, LIST.replace("first: 50, after: $after", args), { s: gid("Station", demo.fushan.id), status: null, after }, token);
        return { data: r.data?.mobilizations ?? null, errors: (r.errors ?? []).map((e: any) => [e.message, e.extensions?.code]) };
      };
      const refused = await answer(memberToken, otherKind);
      expect(refused).toEqual({ data: null, errors: [["游标无效：不是这个列表的游标", "BAD_USER_INPUT"]] });
      // Their own call-ups page as before, forward and back.
      expect((await answer(memberToken, cursorA2)).data.edges.map((e: any) => e.node.id)).toContain(a1.id);
      expect((await answer(memberToken, cursorA2, "last: 50, before: $after")).errors).toEqual([]);
      for (const [who, token, cursor] of [["member, a call-up that did not call them", memberToken, cursorB], ["member, another station's", memberToken, cursorC], ["member, none", memberToken, ghost], ["officer, another station's", officer, cursorC], ["officer, none", officer, ghost], ["partner admin", partner, cursorA2]] as const) {
        expect([who, await answer(token, cursor)]).toEqual([who, refused]);
        expect([who, await answer(token, cursor, "last: 50, before: $after")]).toEqual([who, refused]);
      }
    } finally {
      for (const x of [a0, a1, b, a2]) await gql(app, CLOSE, { input: { mobilizationId: x.id, outcome: "CANCELLED" } }, officer);
      await gql(app, CLOSE, { input: { mobilizationId: c.id, outcome: "CANCELLED" } }, otherOfficer);
    }
  });
});

describe("bulletin lists and foreign cursors", () => {
  it("Station.bulletins and publicBulletins take only the cursor of a bulletin the list shows the viewer", async () => {
    const PUBLISH = `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id } userErrors { code } } }`;
    const publish = async (title: string, extra: Record<string, unknown>) =>
      (await gql(app, PUBLISH, { input: { stationId: gid("Station", demo.fushan.id), title, body: "……", category: "NOTICE", ...extra } }, officer)).data!.publishBulletin.bulletin.id as string;
    const older = await publish("公开·较早", { public: true, audience: { squadIds: [gid("Squad", demo.squads[0]!.id)] } });
    const internal = await publish("内部·仅一个小队", { audience: { squadIds: [gid("Squad", demo.squads[1]!.id)] } });
    const newer = await publish("公开·较新", { public: true, audience: { squadIds: [gid("Squad", demo.squads[0]!.id)] } });
    const OWN = `query ($s: ID!, $after: String) { node(id: $s) { ... on Station { bulletins(first: 50, after: $after) { edges { cursor node { id } } } } } }`;
    const PUB = `query ($s: ID!, $after: String) { publicBulletins(stationId: $s, first: 50, after: $after) { edges { cursor node { id } } } }`;
    const s = gid("Station", demo.fushan.id);
    const cursorOf = async (id: string) => ((await gql(app, OWN, { s }, officer)).data!.node.bulletins.edges as any[]).find((e) => e.node.id === id)!.cursor as string;
    const [cInternal, cNewer] = [await cursorOf(internal), await cursorOf(newer)];
    // Someone the internal one did not reach: in neither list, so its cursor is no cursor of theirs.
    const squad1 = new Set((await prisma.squadMembership.findMany({ where: { squadId: demo.squads[1]!.id } })).map((m) => m.volunteerId));
    const outsider = (await prisma.squadMembership.findFirstOrThrow({ where: { squadId: demo.squads[0]!.id, role: "MEMBER", volunteerId: { notIn: [...squad1] }, volunteer: { account: { isNot: null } } }, include: { volunteer: true } })).volunteer;
    const token = (await tokensFor([outsider.phone])).get(outsider.phone)!;
    const errors = (r: any) => (r.errors ?? []).map((e: any) => [e.message, e.extensions?.code]);
    const refused = [["游标无效：不是这个列表的游标", "BAD_USER_INPUT"]];
    expect(errors(await gql(app, OWN, { s, after: cInternal }, token))).toEqual(refused);
    expect(errors(await gql(app, PUB, { s, after: cInternal }, null))).toEqual(refused);
    // A cursor of a bulletin they see pages on as before, and the officer's own cursor still works for them.
    for (const [q, tok, field] of [[OWN, token, "node"], [PUB, null, "publicBulletins"]] as const) {
      const r = await gql(app, q, { s, after: cNewer }, tok);
      expect(r.errors).toBeUndefined();
      const ids = ((field === "node" ? r.data!.node.bulletins : r.data!.publicBulletins).edges as any[]).map((e) => e.node.id);
      expect(ids).toContain(older);
      expect(ids).not.toContain(internal);
    }
    expect((await gql(app, OWN, { s, after: cInternal }, officer)).data!.node.bulletins.edges.map((e: any) => e.node.id)).toContain(older);
  });
});
