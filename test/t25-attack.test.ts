// Session 25, attacking 一键召集 delivered first (test/callup-deliver-first.test.ts): a wave is
// announced at once and its people's notices are stored after, in batches. Here: what happens when the
// call-up is closed while those batches are held, and what a phone learns from its inbox meanwhile.
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { App } from "../api/src/app.js";
import { config } from "../api/src/config.js";
import { prisma } from "../api/src/db.js";
import { encodeCursor } from "../api/src/events/stored-stream.js";
import { delivered, notify } from "../api/src/modules/notification/notification.service.js";
import { asWritten } from "../api/src/i18n.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { dbId, holdCallUpBatches } from "./support/callups.js";
import { tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let tokens: Map<string, string>;
const phones = Array.from({ length: 6 }, (_, i) => String(13800000161 + i));
const tok = (p: string) => tokens.get(p)!;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  tokens = await tokensFor(phones);
});
afterAll(() => app?.stop());

const START = `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id counts { called } } userErrors { code field message } } }`;
const CLOSE = `mutation ($input: CloseMobilizationInput!) { closeMobilization(input: $input) { mobilization { status } userErrors { code message } } }`;
const RECEIVED = `subscription ($since: String) { notificationReceived(since: $since) { id kind subjectId cursor } }`;
const quiet = (ms = 400) => new Promise((r) => setTimeout(r, ms));

/** A large wave (the demo station's 200 with batches of 20) whose batches are held by a lock on the SMS outbox. */
async function heldWave(reason: string) {
  const hold = await holdCallUpBatches();
  const batch = config.callUpNoticeBatch;
  config.callUpNoticeBatch = 20;
  const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id, name: "府山社区第1网格" } });
  const res = await gql(app, START, { input: { stationId: gid("Station", demo.fushan.id), reason, place: "府山街道", latitude: grid.latitude!, longitude: grid.longitude!, radiusMeters: 50_000, wanted: 10, escalateAfterMinutes: 30 } }, officer);
  expect(res.data!.startMobilization.userErrors).toEqual([]);
  const mGid: string = res.data!.startMobilization.mobilization.id;
  const called: number = res.data!.startMobilization.mobilization.counts.called;
  expect(called).toBeGreaterThan(config.callUpNoticeBatch);
  return {
    mGid,
    mId: dbId(mGid),
    called,
    release: hold.release,
    done: async () => {
      config.callUpNoticeBatch = batch;
      await hold.end();
    },
  };
}

describe("一键召集 delivered first, attacked", () => {
  it("closing while the batches are held stores everyone's notice but sends no call-up SMS after the close", async () => {
    const w = await heldWave("收队前短信");
    try {
      // The officer closes while the first batch waits on the lock (or before it starts): closing waits for it.
      const closing = gql(app, CLOSE, { input: { mobilizationId: w.mGid, outcome: "CANCELLED" } }, officer);
      await quiet(300);
      await w.release();
      const closed = await closing;
      expect(closed.data!.closeMobilization).toEqual({ mobilization: { status: "CLOSED" }, userErrors: [] });
      await vi.waitFor(async () => expect((await prisma.mobilization.findUniqueOrThrow({ where: { id: w.mId } })).notifying).toBe(false), { timeout: 10_000, interval: 50 });
      await quiet();
      // Everyone was told in the app (the announcement): each has the notice, and hears of the close.
      const notices = await prisma.notification.findMany({ where: { subjectId: w.mId, kind: "MOBILIZATION" }, select: { id: true, sms: { select: { id: true } } } });
      expect(notices.length).toBe(w.called);
      expect(await prisma.notification.count({ where: { subjectId: w.mId, kind: "MOBILIZATION_CLOSED" } })).toBe(w.called);
      // But "请立即回复能否前往" by SMS goes only to those whose batch was stored while the call-up was open.
      const texted = notices.filter((n) => n.sms).length;
      expect(texted).toBeLessThan(w.called);
      expect(texted % config.callUpNoticeBatch).toBe(0);
    } finally {
      await w.done();
    }
  });

  it("the inbox shows a notice told by the announcement before its row is stored (its newest cursor stays a safe `since`); it counts as unread, and marking it read sticks", async () => {
    const p = phones[0]!;
    const account = await prisma.account.findFirstOrThrow({ where: { phone: p }, select: { id: true } });
    const INBOX = `{ viewer { unreadNotificationCount notifications(first: 5) { edges { node { id kind read cursor smsStatus } } } } }`;
    const MARK = `mutation ($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { marked unreadCount userErrors { code } } }`;
    const w = await heldWave("收件箱里的召集");
    try {
      const queue = await prisma.mobilizationCallQueue.findUniqueOrThrow({ where: { mobilizationId: w.mId } });
      const reserved = gid("Notification", String(queue.noticeIds[queue.accountIds.indexOf(account.id)]));
      // After the wave, something else for p, stored at once.
      await prisma.$transaction((tx) => notify(tx, { accountId: account.id, stationId: demo.fushan.id, kind: "BULLETIN", title: asWritten("召集之后的公告") }));
      delivered();
      const inbox = async () => {
        const res = await gql(app, INBOX, {}, tok(p));
        expect(res.errors).toBeUndefined();
        return res.data!.viewer;
      };
      await vi.waitFor(async () => expect((await inbox()).notifications.edges[0].node.kind).toBe("BULLETIN"), { timeout: 10_000, interval: 50 });
      const seen = await inbox();
      const unreadBefore = seen.unreadNotificationCount;
      // The phone opens the app: its inbox, then the stream from the newest cursor shown. Together they hold the call-up.
      const ws = wsClient(app, tok(p));
      const replay = subscribe(ws, RECEIVED, { since: seen.notifications.edges[0].node.cursor });
      await quiet(600);
      const told = [...seen.notifications.edges.map((e: any) => e.node.id), ...replay.results.map((r) => r.data!.notificationReceived.id)];
      expect(told).toContain(reserved);
      expect(seen.notifications.edges.find((e: any) => e.node.id === reserved).node).toMatchObject({ kind: "MOBILIZATION", read: false });
      // Read now, before its row exists: it stays read when the batch stores it.
      const marked = await gql(app, MARK, { input: { ids: [reserved] } }, tok(p));
      expect(marked.data!.markNotificationsRead).toEqual({ marked: 1, unreadCount: unreadBefore - 1, userErrors: [] });
      await w.release();
      await vi.waitFor(async () => expect(await prisma.notification.count({ where: { subjectId: w.mId } })).toBe(w.called), { timeout: 30_000, interval: 50 });
      const after = await inbox();
      expect(after.unreadNotificationCount).toBe(unreadBefore - 1);
      expect(after.notifications.edges.find((e: any) => e.node.id === reserved).node).toMatchObject({ kind: "MOBILIZATION", read: true });
      replay.dispose();
      await ws.dispose();
    } finally {
      await w.done();
      await gql(app, CLOSE, { input: { mobilizationId: w.mGid, outcome: "CANCELLED" } }, officer);
    }
  });

  it("a volunteer told by the announcement finds the call-up in their list of call-ups before their row is stored, as they can open and answer it", async () => {
    const p = phones[1]!;
    const LIST = `query ($s: ID!) { mobilizations(stationId: $s, first: 5) { edges { node { id } } } }`;
    const w = await heldWave("名单里的召集");
    try {
      expect(await prisma.mobilizationResponder.count({ where: { mobilizationId: w.mId, volunteer: { phone: p } } })).toBe(0);
      const opened = await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: w.mGid }, tok(p));
      expect(opened.data!.node).toEqual({ id: w.mGid });
      const listed = await gql(app, LIST, { s: gid("Station", demo.fushan.id) }, tok(p));
      expect(listed.data!.mobilizations.edges.map((e: any) => e.node.id)).toContain(w.mGid);
    } finally {
      await w.release();
      await w.done();
      await gql(app, CLOSE, { input: { mobilizationId: w.mGid, outcome: "CANCELLED" } }, officer);
    }
  });

  it("held: a cursor forged inside the wave's reserved ids, or a legacy id cursor, replays only the viewer's own notice, once", async () => {
    const [pa, pb] = [phones[2]!, phones[3]!];
    const [a, b] = (await Promise.all([pa, pb].map((p) => prisma.account.findFirstOrThrow({ where: { phone: p }, select: { id: true } })))) as [{ id: string }, { id: string }];
    const w = await heldWave("伪造游标");
    try {
      const queue = await prisma.mobilizationCallQueue.findUniqueOrThrow({ where: { mobilizationId: w.mId } });
      const idOf = (acc: string) => queue.noticeIds[queue.accountIds.indexOf(acc)]!;
      // b replays from just before a's reserved place, from the wave's first id, and with a legacy id cursor of 0.
      const ws = wsClient(app, tok(pb));
      const first = queue.noticeIds.reduce((m, x) => (x < m ? x : m));
      const streams = [
        subscribe(ws, RECEIVED, { since: encodeCursor({ xid: queue.xid, id: idOf(a.id) - 1n }) }),
        subscribe(ws, RECEIVED, { since: encodeCursor({ xid: queue.xid, id: first - 1n }) }),
        subscribe(ws, RECEIVED, { since: "0" }),
      ];
      const mine = gid("Notification", String(idOf(b.id)));
      await quiet(800);
      for (const s of streams) {
        const got = s.results.map((r) => r.data!.notificationReceived).filter((n: any) => n.kind === "MOBILIZATION" && dbId(n.subjectId) === w.mId);
        // Only b's own (when its place lies after the cursor), never a's or anyone else's.
        expect(got.every((n: any) => n.id === mine)).toBe(true);
        expect(got.length).toBeLessThanOrEqual(1);
      }
      expect(streams[1]!.results.map((r) => r.data!.notificationReceived.id)).toContain(mine);
      expect(streams[2]!.results.map((r) => r.data!.notificationReceived.id)).toContain(mine);
      for (const s of streams) s.dispose();
      await ws.dispose();
    } finally {
      await w.release();
      await w.done();
      await gql(app, CLOSE, { input: { mobilizationId: w.mGid, outcome: "CANCELLED" } }, officer);
    }
  });
});
