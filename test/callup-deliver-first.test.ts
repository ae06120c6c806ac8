// 一键召集, deliver first: a large wave is announced as one stored row (NotificationWave) that every
// process hands to its phones at once; each person's notice is stored after, in batches, at the id and
// place in the stream the announcement reserved. Checked here with the batches held back (a lock on
// the SMS outbox, which only they write): every phone is told exactly once — live, by a replay from
// before the wave while its row is not written, and again after it is — with the id its inbox row
// gets; a volunteer answers before their row exists; and nothing is told twice when the rows arrive.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { App } from "../api/src/app.js";
import { config } from "../api/src/config.js";
import { prisma } from "../api/src/db.js";
import { delivered, notify } from "../api/src/modules/notification/notification.service.js";
import { asWritten } from "../api/src/i18n.js";
import { gql, signIn, startApp, subscribe, wsClient, type GqlResponse } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { dbId, holdCallUpBatches } from "./support/callups.js";
import { tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let tokens: Map<string, string>;
// Plain volunteers (the first few of the demo lead squads, and leaders see every call-up anyway).
const phones = Array.from({ length: 6 }, (_, i) => String(13800000151 + i));
const tok = (p: string) => tokens.get(p)!;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  tokens = await tokensFor(phones);
});
afterAll(() => app?.stop());

const START = `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id counts { called } } userErrors { code field message } } }`;
const RESPOND = `mutation ($input: RespondToMobilizationInput!) { respondToMobilization(input: $input) { responder { response etaMinutes } userErrors { code field } } }`;
const CLOSE = `mutation ($input: CloseMobilizationInput!) { closeMobilization(input: $input) { userErrors { code } } }`;
const RECEIVED = `subscription ($since: String) { notificationReceived(since: $since) { id kind subjectId body createdAt cursor } }`;
const INBOX = `{ viewer { notifications(first: 5) { edges { node { id kind subjectId body createdAt } } } } }`;

const callUpNotices = (rs: GqlResponse[], mId: string) => rs.map((r) => r.data!.notificationReceived).filter((n: any) => n.kind === "MOBILIZATION" && dbId(n.subjectId) === mId);
const quiet = (ms = 400) => new Promise((r) => setTimeout(r, ms));

async function accountOf(phone: string) {
  return (await prisma.account.findFirstOrThrow({ where: { volunteer: { phone } }, select: { id: true, volunteerId: true } })) as { id: string; volunteerId: string };
}

describe("一键召集 delivered first", () => {
  it("tells every phone once, live or by replay, before and after its notice is stored, with the id and cursor its stored row has; a volunteer answers before the row exists", async () => {
    const [p1, p2, p3] = phones as [string, string, string];
    const [a1, a2, a3] = await Promise.all([accountOf(p1), accountOf(p2), accountOf(p3)]);
    // A cursor from before the call-up for p1 and p3: a notice of their own, seen live.
    const before = new Map<string, string>();
    for (const [p, a] of [[p1, a1], [p3, a3]] as const) {
      const ws = wsClient(app, tok(p));
      const s = subscribe(ws, RECEIVED);
      await s.ready;
      await prisma.$transaction((tx) => notify(tx, { accountId: a.id, stationId: demo.fushan.id, kind: "BULLETIN", title: asWritten("召集之前") }));
      delivered();
      before.set(p, (await s.waitFor(1))[0]!.data!.notificationReceived.cursor);
      s.dispose();
      await ws.dispose();
    }

    const ws1 = wsClient(app, tok(p1));
    const ws2 = wsClient(app, tok(p2));
    const live1 = subscribe(ws1, RECEIVED);
    const live2 = subscribe(ws2, RECEIVED);
    await Promise.all([live1.ready, live2.ready]);

    // The batches are held: only they write SMS rows, and this lock makes them wait to commit.
    const hold = await holdCallUpBatches();
    const batch = config.callUpNoticeBatch;
    config.callUpNoticeBatch = 20; // the demo station's 200 make a large wave
    let mId = "";
    let mGid = "";
    try {
      const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id, name: "府山社区第1网格" } });
      const res = await gql(app, START, { input: { stationId: gid("Station", demo.fushan.id), reason: "先通知后落库", place: "府山街道", latitude: grid.latitude!, longitude: grid.longitude!, radiusMeters: 50_000, wanted: 10, escalateAfterMinutes: 30 } }, officer);
      expect(res.data!.startMobilization.userErrors).toEqual([]);
      mGid = res.data!.startMobilization.mobilization.id;
      mId = dbId(mGid);
      const called: number = res.data!.startMobilization.mobilization.counts.called;
      expect(called).toBeGreaterThan(config.callUpNoticeBatch);

      // Told at once, with nothing stored yet: the ids are the ones reserved in the queue.
      const queue = await prisma.mobilizationCallQueue.findUniqueOrThrow({ where: { mobilizationId: mId } });
      const reserved = new Map(queue.accountIds.map((a, i) => [a, queue.noticeIds[i]!]));
      expect(queue.accountIds.length).toBe(called);
      await vi.waitFor(() => expect(callUpNotices(live1.results, mId).length + callUpNotices(live2.results, mId).length).toBe(2), { timeout: 10_000, interval: 20 });
      expect(await prisma.notification.count({ where: { subjectId: mId } })).toBe(0);
      const [n1] = callUpNotices(live1.results, mId) as any[];
      const [n2] = callUpNotices(live2.results, mId) as any[];
      expect(BigInt(dbId(n1.id))).toBe(reserved.get(a1.id));
      expect(BigInt(dbId(n2.id))).toBe(reserved.get(a2.id));
      expect(n1.body).toMatch(/^府山街道，距您约.+需要10人/);

      // A phone back online (p3) replays from before the wave: told once, from the announcement.
      const ws3 = wsClient(app, tok(p3));
      const replay3 = subscribe(ws3, RECEIVED, { since: before.get(p3) });
      await vi.waitFor(() => expect(callUpNotices(replay3.results, mId).length).toBe(1), { timeout: 10_000, interval: 20 });
      expect(BigInt(dbId((callUpNotices(replay3.results, mId)[0] as any).id))).toBe(reserved.get(a3.id));
      // p1 again on a second device: from its latest cursor nothing; from before the wave, the same notice.
      const ws1b = wsClient(app, tok(p1));
      const fromLatest = subscribe(ws1b, RECEIVED, { since: n1.cursor });
      const fromBefore = subscribe(ws1b, RECEIVED, { since: before.get(p1) });
      await vi.waitFor(() => expect(callUpNotices(fromBefore.results, mId).length).toBe(1), { timeout: 10_000, interval: 20 });
      expect(callUpNotices(fromBefore.results, mId)[0]).toEqual(n1);

      // p2 answers before their row is written: the answer is kept, and the batch still stores their notice.
      const answered = await gql(app, RESPOND, { input: { mobilizationId: mGid, response: "ACCEPT", etaMinutes: 7 } }, tok(p2));
      expect(answered.data!.respondToMobilization).toEqual({ responder: { response: "ACCEPTED", etaMinutes: 7 }, userErrors: [] });
      const seen = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Mobilization { id viewerResponse { response } } } }`, { id: mGid }, tok(p2));
      expect(seen.data!.node).toEqual({ id: mGid, viewerResponse: { response: "ACCEPTED" } });

      // The rows are written once the lock goes: at the reserved ids, at the wave's place in the stream.
      await hold.release();
      await vi.waitFor(async () => expect(await prisma.notification.count({ where: { subjectId: mId } })).toBe(called), { timeout: 30_000, interval: 50 });
      const rows = await prisma.notification.findMany({ where: { subjectId: mId }, orderBy: { id: "asc" } });
      expect(new Set(rows.map((r) => r.xid)).size).toBe(1);
      expect(rows.map((r) => [r.accountId, r.id])).toEqual(queue.accountIds.map((a, i) => [a, queue.noticeIds[i]]));
      expect(await prisma.notificationWave.count({ where: { mobilizationId: mId } })).toBe(0);
      expect((await prisma.mobilizationResponder.findUniqueOrThrow({ where: { mobilizationId_volunteerId: { mobilizationId: mId, volunteerId: a2.volunteerId } } })).response).toBe("ACCEPTED");
      expect(await prisma.mobilizationResponder.count({ where: { mobilizationId: mId } })).toBe(called);

      // Nothing is told twice when the rows arrive; a replay from before the wave now reads the row, the same notice.
      await quiet();
      expect(callUpNotices(live1.results, mId)).toEqual([n1]);
      expect(callUpNotices(live2.results, mId)).toEqual([n2]);
      expect(callUpNotices(replay3.results, mId).length).toBe(1);
      expect(callUpNotices(fromBefore.results, mId)).toEqual([n1]);
      expect(callUpNotices(fromLatest.results, mId)).toEqual([]);
      const again = subscribe(ws1b, RECEIVED, { since: before.get(p1) });
      await vi.waitFor(() => expect(callUpNotices(again.results, mId)).toEqual([n1]), { timeout: 10_000, interval: 20 });
      // The inbox has it under the same id and time.
      const inbox = (await gql(app, INBOX, {}, tok(p1))).data!.viewer.notifications.edges.map((e: any) => e.node);
      const { cursor: _c, ...shown } = n1;
      expect(inbox.find((n: any) => n.id === n1.id)).toEqual(shown);
      for (const s of [live1, live2, replay3, fromLatest, fromBefore, again]) s.dispose();
      await Promise.all([ws1.dispose(), ws2.dispose(), ws3.dispose(), ws1b.dispose()]);
    } finally {
      config.callUpNoticeBatch = batch;
      await hold.end();
      if (mGid) await gql(app, CLOSE, { input: { mobilizationId: mGid, outcome: "CANCELLED" } }, officer);
    }
  });

  it("a small wave, stored with the call-up itself, is told once too", async () => {
    const p = phones[4]!;
    const ws = wsClient(app, tok(p));
    const live = subscribe(ws, RECEIVED);
    await live.ready;
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id, name: "府山社区第1网格" } });
    const res = await gql(app, START, { input: { stationId: gid("Station", demo.fushan.id), reason: "小范围", place: "府山街道", latitude: grid.latitude!, longitude: grid.longitude!, radiusMeters: 50_000, wanted: 10, escalateAfterMinutes: 30 } }, officer);
    const mGid = res.data!.startMobilization.mobilization.id;
    const mId = dbId(mGid);
    expect(res.data!.startMobilization.mobilization.counts.called).toBeLessThanOrEqual(config.callUpNoticeBatch);
    expect(await prisma.notification.count({ where: { subjectId: mId } })).toBe(res.data!.startMobilization.mobilization.counts.called);
    await vi.waitFor(() => expect(callUpNotices(live.results, mId).length).toBe(1), { timeout: 10_000, interval: 20 });
    await quiet();
    expect(callUpNotices(live.results, mId).length).toBe(1);
    const row = await prisma.notification.findFirstOrThrow({ where: { subjectId: mId, account: { volunteer: { phone: p } } } });
    expect(dbId((callUpNotices(live.results, mId)[0] as any).id)).toBe(String(row.id));
    live.dispose();
    await ws.dispose();
    await gql(app, CLOSE, { input: { mobilizationId: mGid, outcome: "CANCELLED" } }, officer);
  });
});
