// An outsider's attack on 一键召集 "deliver first" (session 25): a large wave is told by its announcement,
// its rows are written after in batches. Here the batches are held (a lock on the SMS outbox, which
// only they write) while phones reconnect with every kind of cursor, people not called (or no longer
// allowed) read and answer, the inbox and the unread count are asked, the call-up is closed, escalated
// and its batch crashes. Each phone must be told exactly once, nobody else told, and every error typed.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { App } from "../api/src/app.js";
import { config } from "../api/src/config.js";
import { deliveryHorizon } from "../api/src/events/stored-stream.js";
import { prisma } from "../api/src/db.js";
import { asWritten } from "../api/src/i18n.js";
import { escalateMobilizations } from "../api/src/modules/mobilization/mobilization.service.js";
import { delivered, notify } from "../api/src/modules/notification/notification.service.js";
import { gql, startApp, subscribe, wsClient, type GqlResponse } from "./support/client.js";
import { createStation, createVolunteers, gid, type Person } from "./support/fixtures.js";
import { dbId, holdCallUpBatches } from "./support/callups.js";

let app: App;
let s: Awaited<ReturnType<typeof createStation>>;
let other: Awaited<ReturnType<typeof createStation>>;
let vols: Person[];
let outsiders: Person[];
const batch = config.callUpNoticeBatch;

beforeAll(async () => {
  app = await startApp();
  s = await createStation();
  other = await createStation();
  vols = await createVolunteers(24, { teamId: s.team.id });
  outsiders = await createVolunteers(2, { teamId: other.team.id });
  // The first 12 live at the call-up's place (its first wave); the others' base is unknown (the second).
  const community = await prisma.community.create({ data: { stationId: s.station.id, name: "测试社区" } });
  const grid = await prisma.grid.create({ data: { stationId: s.station.id, communityId: community.id, name: "测试网格", latitude: 30.0, longitude: 120.58 } });
  await prisma.volunteer.updateMany({ where: { id: { in: vols.slice(0, 12).map((v) => v.id) } }, data: { homeGridId: grid.id } });
  config.callUpNoticeBatch = 4; // 24 people make a large wave: 6 batches and more
});
afterAll(async () => {
  config.callUpNoticeBatch = batch;
  await app?.stop();
});

const START = `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id counts { called } } userErrors { code field message } } }`;
const RESPOND = `mutation ($input: RespondToMobilizationInput!) { respondToMobilization(input: $input) { responder { response } userErrors { code field message } } }`;
const CLOSE = `mutation ($input: CloseMobilizationInput!) { closeMobilization(input: $input) { mobilization { status } userErrors { code message } } }`;
const READ = `query ($id: ID!) { node(id: $id) { ... on Mobilization { id viewerResponse { response } } } }`;
const RECEIVED = `subscription ($since: String) { notificationReceived(since: $since) { id kind subjectId cursor } }`;
const INBOX = `{ viewer { unreadNotificationCount notifications(first: 30) { edges { node { id kind subjectId cursor read } } } } }`;
const MARK = `mutation ($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { marked unreadCount userErrors { code } } }`;

const callUpNotices = (rs: GqlResponse[], mId: string) => rs.filter((r) => r.data).map((r) => r.data!.notificationReceived).filter((n: any) => n.kind === "MOBILIZATION" && dbId(n.subjectId) === mId);
const quiet = (ms = 500) => new Promise((r) => setTimeout(r, ms));

/** Holds every batch of notices: they wait to write their SMS rows until `release`. */
const holdBatches = async () => {
  const hold = await holdCallUpBatches();
  return { release: hold.end };
};

async function startCallUp(reason: string) {
  const res = await gql(app, START, { input: { stationId: gid("Station", s.station.id), reason, place: "测试街道", latitude: 30.0, longitude: 120.58, radiusMeters: 1000, wanted: 50, escalateAfterMinutes: 30 } }, s.officer.token);
  expect(res.data!.startMobilization.userErrors).toEqual([]);
  const mGid: string = res.data!.startMobilization.mobilization.id;
  const called: number = res.data!.startMobilization.mobilization.counts.called;
  expect(called).toBeGreaterThan(config.callUpNoticeBatch);
  return { mGid, mId: dbId(mGid), called };
}

async function stored(mId: string, n: number) {
  await vi.waitFor(async () => expect(await prisma.notification.count({ where: { subjectId: mId, kind: "MOBILIZATION" } })).toBe(n), { timeout: 30_000, interval: 50 });
}

/** A cursor of the phone's own from before anything here: a notice of its own, seen live. */
async function cursorBefore(p: Person, title: string) {
  const ws = wsClient(app, p.token);
  const sub = subscribe(ws, RECEIVED);
  await sub.ready;
  await prisma.$transaction((tx) => notify(tx, { accountId: p.accountId, stationId: s.station.id, kind: "BULLETIN", title: asWritten(title) }));
  delivered();
  const [r] = await sub.waitFor(1);
  sub.dispose();
  await ws.dispose();
  return r!.data!.notificationReceived as { id: string; cursor: string };
}

describe("一键召集 delivered first, attacked", () => {
  it("a phone that lists its inbox during the batches and resumes from the newest cursor shown is told of the call-up and of what came after, once", async () => {
    const p = vols[0]!;
    await cursorBefore(p, "收件箱之前");
    const hold = await holdBatches();
    let mGid = "";
    try {
      const c = await startCallUp("收件箱游标");
      mGid = c.mGid;
      // A notice of theirs committed after the announcement, stored at once (not a call-up).
      const [bulletin] = await prisma.$transaction(async (tx) => {
        await notify(tx, { accountId: p.accountId, stationId: s.station.id, kind: "BULLETIN", title: asWritten("召集之后的公告") });
        return tx.notification.findMany({ where: { accountId: p.accountId }, orderBy: { id: "desc" }, take: 1 });
      });
      const { id: bulletinId, xid } = bulletin!;
      delivered();
      await vi.waitFor(async () => expect(await deliveryHorizon()).toBeGreaterThan(xid), { timeout: 10_000, interval: 20 });
      // The phone was offline: it lists its inbox, then follows the stream from the newest cursor shown.
      const listed = (await gql(app, INBOX, {}, p.token)).data!.viewer.notifications.edges.map((e: any) => e.node);
      const ws = wsClient(app, p.token);
      const resumed = subscribe(ws, RECEIVED, { since: listed[0].cursor });
      await resumed.ready;
      await quiet();
      // Told of the call-up, and of the notice after it, by exactly one of the two: the inbox or the stream.
      const told = (id: (n: any) => boolean) => listed.filter(id).length + resumed.results.map((r) => r.data!.notificationReceived).filter(id).length;
      expect(told((n) => n.kind === "MOBILIZATION" && dbId(n.subjectId) === c.mId)).toBe(1);
      expect(told((n) => dbId(n.id) === String(bulletinId))).toBe(1);
      await hold.release();
      await stored(c.mId, c.called);
      // Once the rows are stored, the inbox shows the call-up and the newer notice alike; the stream tells nothing again.
      const after = (await gql(app, INBOX, {}, p.token)).data!.viewer.notifications.edges.map((e: any) => e.node);
      expect(after.filter((n: any) => n.kind === "MOBILIZATION" && dbId(n.subjectId) === c.mId).length).toBe(1);
      expect(after.filter((n: any) => dbId(n.id) === String(bulletinId)).length).toBe(1);
      await quiet();
      expect(told((n) => n.kind === "MOBILIZATION" && dbId(n.subjectId) === c.mId)).toBe(1);
      expect(told((n) => dbId(n.id) === String(bulletinId))).toBe(1);
      resumed.dispose();
      await ws.dispose();
    } finally {
      await hold.release();
      if (mGid) await gql(app, CLOSE, { input: { mobilizationId: mGid, outcome: "CANCELLED" } }, s.officer.token);
    }
  });

  it("legacy numeric and forged cursors: told once before and after the rows exist; nothing of others; errors typed, Chinese first", async () => {
    const p = vols[1]!;
    const before = await cursorBefore(p, "旧游标之前");
    const legacy = dbId(before.id); // a plain id: cursors before positions existed
    const stranger = outsiders[0]!;
    const hold = await holdBatches();
    let mGid = "";
    try {
      const c = await startCallUp("旧游标");
      mGid = c.mGid;
      const ws = wsClient(app, p.token);
      const during = subscribe(ws, RECEIVED, { since: legacy });
      await vi.waitFor(() => expect(callUpNotices(during.results, c.mId).length).toBe(1), { timeout: 10_000, interval: 20 });
      // Another station's volunteer replaying from the very beginning hears nothing of it.
      const wsS = wsClient(app, stranger.token);
      const fromZero = subscribe(wsS, RECEIVED, { since: "0" });
      const fromPos = subscribe(wsS, RECEIVED, { since: Buffer.from("0:0").toString("base64url") });
      await Promise.all([fromZero.ready, fromPos.ready]);
      // Forged cursors: refused as input, not a crash.
      for (const bad of ["-1", "99999999999999999999", Buffer.from("1:99999999999999999999").toString("base64url"), Buffer.from("x:1").toString("base64url"), "🙂", "a".repeat(70)]) {
        const f = subscribe(ws, RECEIVED, { since: bad });
        await vi.waitFor(() => expect(f.error ?? f.results[0]?.errors).toBeTruthy(), { timeout: 5000, interval: 20 });
        const errs = (f.error ?? f.results[0]!.errors) as any;
        const e = Array.isArray(errs) ? errs[0] : errs;
        expect(e.extensions?.code ?? e.code).toBe("BAD_USER_INPUT");
        expect(e.message).toMatch(/^`since` 不是有效的游标/);
      }
      await hold.release();
      await stored(c.mId, c.called);
      const again = subscribe(ws, RECEIVED, { since: legacy });
      await vi.waitFor(() => expect(callUpNotices(again.results, c.mId).length).toBe(1), { timeout: 10_000, interval: 20 });
      await quiet();
      expect(callUpNotices(during.results, c.mId).length).toBe(1);
      expect(callUpNotices(again.results, c.mId).length).toBe(1);
      expect(callUpNotices(fromZero.results, c.mId)).toEqual([]);
      expect(callUpNotices(fromPos.results, c.mId)).toEqual([]);
      for (const x of [during, again, fromZero, fromPos]) x.dispose();
      await Promise.all([ws.dispose(), wsS.dispose()]);
    } finally {
      await hold.release();
      if (mGid) await gql(app, CLOSE, { input: { mobilizationId: mGid, outcome: "CANCELLED" } }, s.officer.token);
    }
  });

  it("during the batches, those not called, removed from the station or disabled neither read nor answer, and become no responders", async () => {
    const hold = await holdBatches();
    let mGid = "";
    const [removed, disabled] = [vols[2]!, vols[3]!];
    try {
      const c = await startCallUp("名单之外");
      mGid = c.mGid;
      const late = (await createVolunteers(1, { teamId: s.team.id }))[0]!; // joined after the call-up
      await prisma.teamMembership.updateMany({ where: { volunteerId: removed.id }, data: { status: "LEFT" } });
      await prisma.account.update({ where: { id: disabled.accountId }, data: { disabled: true } });
      for (const who of [outsiders[0]!, late, removed]) {
        const read = await gql(app, READ, { id: mGid }, who.token);
        expect(read.data?.node ?? null).toBeNull();
        const r = await gql(app, RESPOND, { input: { mobilizationId: mGid, response: "ACCEPT", etaMinutes: 5 } }, who.token);
        expect(r.errors).toBeUndefined();
        expect(r.data!.respondToMobilization.responder).toBeNull();
        expect(["NOT_FOUND", "FORBIDDEN"]).toContain(r.data!.respondToMobilization.userErrors[0].code);
        expect(r.data!.respondToMobilization.userErrors[0].message).toMatch(/^[\u4e00-\u9fff]/);
        expect(await prisma.mobilizationResponder.count({ where: { mobilizationId: c.mId, volunteerId: who.id } })).toBe(0);
      }
      const d = await gql(app, RESPOND, { input: { mobilizationId: mGid, response: "ACCEPT" } }, disabled.token);
      expect(d.errors).toBeUndefined();
      expect(d.data!.respondToMobilization).toEqual({ responder: null, userErrors: [{ code: "UNAUTHENTICATED", field: null, message: expect.stringMatching(/^[\u4e00-\u9fff]/) }] });
      expect(await prisma.mobilizationResponder.count({ where: { mobilizationId: c.mId, volunteerId: disabled.id, respondedAt: { not: null } } })).toBe(0);
      await hold.release();
      await stored(c.mId, c.called - 1); // the disabled account gets no notice (nor SMS)
      expect(await prisma.smsMessage.count({ where: { accountId: disabled.accountId, notification: { subjectId: c.mId } } })).toBe(0);
    } finally {
      await hold.release();
      await prisma.teamMembership.updateMany({ where: { volunteerId: removed.id }, data: { status: "ACTIVE" } });
      await prisma.account.update({ where: { id: disabled.accountId }, data: { disabled: false } });
      if (mGid) await gql(app, CLOSE, { input: { mobilizationId: mGid, outcome: "CANCELLED" } }, s.officer.token);
    }
  });

  it("a call-up notice marked read before it is stored (before its batch, or while the batch writes it) is stored read", async () => {
    await Promise.all(vols.map((p) => gql(app, MARK, { input: { all: true } }, p.token)));
    const hold = await holdBatches();
    let mGid = "";
    try {
      const c = await startCallUp("已读");
      mGid = c.mGid;
      const [queue] = await prisma.$queryRaw<{ accountIds: string[]; noticeIds: bigint[] }[]>`SELECT "accountIds"::text[] AS "accountIds", "noticeIds" FROM "MobilizationCallQueue" WHERE "mobilizationId" = ${c.mId}::uuid`;
      if (!queue) throw new Error("no queue");
      const byAccount = new Map(vols.map((p) => [p.accountId, p]));
      // The first in the queue is in the batch held below; the last is written by a later one.
      const lastOurs = queue.accountIds.findLastIndex((a) => byAccount.has(a));
      const [first, last] = [0, lastOurs].map((i) => ({ p: byAccount.get(queue.accountIds[i]!)!, id: gid("Notification", String(queue.noticeIds[i])) }));
      // Someone else's pending notice: not theirs to mark.
      const theirs = await gql(app, MARK, { input: { ids: [first!.id] } }, last!.p.token);
      expect(theirs.data!.markNotificationsRead).toMatchObject({ marked: 0, userErrors: [] });
      // Marked before its batch runs.
      const early = gql(app, MARK, { input: { ids: [last!.id] } }, last!.p.token);
      // Then the first batch is let go and stopped after it read the queue, before it commits: another
      // transaction holds the responder row it is about to write for `first` (it waits for it to end).
      const other = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await other.connect();
      await other.query("BEGIN");
      await other.query(`INSERT INTO "MobilizationResponder" (id, "mobilizationId", "volunteerId", wave, "notifiedAt") SELECT linshe_uuid7(), $1::uuid, $2::uuid, 1, now()`, [c.mId, first!.p.id]);
      await quiet(300);
      await hold.release();
      try {
        await vi.waitFor(async () => expect((await prisma.$queryRaw<unknown[]>`SELECT 1 FROM pg_locks WHERE NOT granted AND locktype = 'transactionid'`).length).toBeGreaterThan(0), { timeout: 10_000, interval: 50 });
        // Marked while the batch writes it: it must still come out read.
        const during = gql(app, MARK, { input: { ids: [first!.id] } }, first!.p.token);
        await quiet(300);
        await other.query("ROLLBACK");
        expect((await early).data!.markNotificationsRead).toMatchObject({ marked: 1, userErrors: [] });
        expect((await during).data!.markNotificationsRead).toMatchObject({ marked: 1, userErrors: [] });
      } finally {
        await other.query("ROLLBACK").catch(() => {});
        await other.end();
      }
      await stored(c.mId, c.called);
      for (const { p, id } of [first!, last!]) {
        const inbox = (await gql(app, INBOX, {}, p.token)).data!.viewer;
        expect(inbox.notifications.edges.find((e: any) => e.node.id === id)?.node.read).toBe(true);
        expect(inbox.unreadNotificationCount).toBe(0);
      }
      const others = await prisma.notification.count({ where: { subjectId: c.mId, kind: "MOBILIZATION", readAt: { not: null } } });
      expect(others).toBe(2);
    } finally {
      await hold.release();
      if (mGid) await gql(app, CLOSE, { input: { mobilizationId: mGid, outcome: "CANCELLED" } }, s.officer.token);
    }
  });

  it("closing while the batches are held: waits for them, everyone stored and told once, no call-up text after the close, and all hear of the close", async () => {
    const phones = vols.slice(5, 8);
    const ws = phones.map((p) => wsClient(app, p.token));
    const live = ws.map((w) => subscribe(w, RECEIVED));
    await Promise.all(live.map((l) => l.ready));
    const hold = await holdBatches();
    let c: Awaited<ReturnType<typeof startCallUp>> | null = null;
    try {
      c = await startCallUp("持锁结束");
      await vi.waitFor(() => live.forEach((l) => expect(callUpNotices(l.results, c!.mId).length).toBe(1)), { timeout: 10_000, interval: 20 });
      const closing = gql(app, CLOSE, { input: { mobilizationId: c.mGid, outcome: "RESOLVED" } }, s.officer.token);
      await quiet(800);
      await hold.release();
      const closed = await closing;
      expect(closed.errors).toBeUndefined();
      expect(closed.data!.closeMobilization).toEqual({ mobilization: { status: "CLOSED" }, userErrors: [] });
      await stored(c.mId, c.called);
      expect(await prisma.mobilizationResponder.count({ where: { mobilizationId: c.mId } })).toBe(c.called);
      expect(await prisma.notificationWave.count({ where: { mobilizationId: c.mId } })).toBe(0);
      // Texts only for what was stored before the close: the rest the close stores hear no "come now" by SMS.
      const sms = await prisma.smsMessage.groupBy({ by: ["accountId"], where: { notification: { subjectId: c.mId, kind: "MOBILIZATION" } }, _count: true, _max: { createdAt: true } });
      const closedAt = (await prisma.mobilization.findUniqueOrThrow({ where: { id: c.mId } })).closedAt!;
      expect(sms.length).toBeLessThan(c.called);
      expect(sms.every((x) => x._count === 1 && x._max.createdAt! <= closedAt)).toBe(true);
      await vi.waitFor(() => live.forEach((l) => expect(l.results.filter((r) => r.data?.notificationReceived.kind === "MOBILIZATION_CLOSED" && dbId(r.data.notificationReceived.subjectId) === c!.mId).length).toBe(1)), { timeout: 10_000, interval: 20 });
      await quiet();
      live.forEach((l) => expect(callUpNotices(l.results, c!.mId).length).toBe(1));
    } finally {
      await hold.release();
      live.forEach((l) => l.dispose());
      await Promise.all(ws.map((w) => w.dispose()));
    }
  });

  it("escalating while the first wave's batches are held: the rest of it is stored first, each wave told once, every notice and SMS once", async () => {
    const [near, far] = [vols[9]!, vols[20]!];
    const ws = [near, far].map((p) => wsClient(app, p.token));
    const live = ws.map((w) => subscribe(w, RECEIVED));
    await Promise.all(live.map((l) => l.ready));
    const hold = await holdBatches();
    let mGid = "";
    try {
      const c = await startCallUp("持锁升级");
      mGid = c.mGid;
      expect(c.called).toBe(12);
      await vi.waitFor(() => expect(callUpNotices(live[0]!.results, c.mId).length).toBe(1), { timeout: 10_000, interval: 20 });
      expect(callUpNotices(live[1]!.results, c.mId)).toEqual([]);
      const escalating = escalateMobilizations(new Date(Date.now() + 31 * 60_000));
      await quiet(800);
      await hold.release();
      expect(await escalating).toBe(1);
      const waves = await prisma.mobilizationWave.findMany({ where: { mobilizationId: c.mId }, orderBy: { number: "asc" } });
      const total = waves.reduce((n, w) => n + w.calledCount, 0);
      expect(total).toBeGreaterThan(12);
      await stored(c.mId, total);
      await vi.waitFor(async () => expect(await prisma.notificationWave.count({ where: { mobilizationId: c.mId } })).toBe(0), { timeout: 30_000, interval: 50 });
      await vi.waitFor(() => expect(callUpNotices(live[1]!.results, c.mId).length).toBe(1), { timeout: 10_000, interval: 20 });
      expect(await prisma.mobilizationResponder.count({ where: { mobilizationId: c.mId } })).toBe(total);
      const sms = await prisma.smsMessage.groupBy({ by: ["accountId"], where: { notification: { subjectId: c.mId, kind: "MOBILIZATION" } }, _count: true });
      expect(sms.length).toBe(total);
      expect(sms.every((x) => x._count === 1)).toBe(true);
      await quiet();
      live.forEach((l) => expect(callUpNotices(l.results, c.mId).length).toBe(1));
    } finally {
      await hold.release();
      live.forEach((l) => l.dispose());
      await Promise.all(ws.map((w) => w.dispose()));
      if (mGid) await gql(app, CLOSE, { input: { mobilizationId: mGid, outcome: "CANCELLED" } }, s.officer.token);
    }
  });

  it("a batch that dies mid-call-up is finished by the sweeper: nobody told twice, every notice and SMS once", async () => {
    const p = vols[8]!;
    const before = await cursorBefore(p, "崩溃之前");
    const ws = wsClient(app, p.token);
    const live = subscribe(ws, RECEIVED);
    await live.ready;
    const hold = await holdBatches();
    let mGid = "";
    try {
      const c = await startCallUp("批次崩溃");
      mGid = c.mGid;
      await vi.waitFor(() => expect(callUpNotices(live.results, c.mId).length).toBe(1), { timeout: 10_000, interval: 20 });
      // The batch waits on the lock: end it as a crash would (its transaction rolls back).
      let killed = 0;
      await vi.waitFor(async () => {
        const rows = await prisma.$queryRaw<{ pid: number }[]>`SELECT pid FROM pg_locks WHERE NOT granted AND relation = '"SmsMessage"'::regclass`;
        expect(rows.length).toBeGreaterThan(0);
        for (const r of rows) await prisma.$queryRaw`SELECT pg_terminate_backend(${r.pid}::int)`;
        killed += rows.length;
      }, { timeout: 10_000, interval: 50 });
      expect(killed).toBeGreaterThan(0);
      await hold.release();
      await quiet(300);
      expect((await prisma.mobilization.findUniqueOrThrow({ where: { id: c.mId } })).notifying).toBe(true);
      // A replay during the gap: once, from the announcement.
      const replay = subscribe(ws, RECEIVED, { since: before.cursor });
      await vi.waitFor(() => expect(callUpNotices(replay.results, c.mId).length).toBe(1), { timeout: 10_000, interval: 20 });
      await escalateMobilizations();
      await stored(c.mId, c.called);
      const sms = await prisma.smsMessage.groupBy({ by: ["accountId"], where: { notification: { subjectId: c.mId, kind: "MOBILIZATION" } }, _count: true });
      expect(sms.length).toBe(c.called);
      expect(sms.every((x) => x._count === 1)).toBe(true);
      await quiet();
      expect(callUpNotices(live.results, c.mId).length).toBe(1);
      expect(callUpNotices(replay.results, c.mId).length).toBe(1);
      replay.dispose();
    } finally {
      await hold.release();
      live.dispose();
      await ws.dispose();
      if (mGid) await gql(app, CLOSE, { input: { mobilizationId: mGid, outcome: "CANCELLED" } }, s.officer.token);
    }
  });
});
