// The SMS outbox against a local HTTP gateway that fails sometimes: every message is delivered
// exactly once per idempotency key although senders run side by side, crash mid-send and retry
// with backoff; the station's daily budget holds across senders; the log provider masks phones.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { clock } from "../api/src/clock.js";
import { config } from "../api/src/config.js";
import { prisma } from "../api/src/db.js";
import { asWritten } from "../api/src/i18n.js";
import { delivered, notify } from "../api/src/modules/notification/notification.service.js";
import { httpProvider, setSmsProvider, smsProvider } from "../api/src/modules/notification/sms.js";
import { sendDueSms, startSmsSender } from "../api/src/modules/notification/sms.service.js";
import { notificationStream } from "../api/src/modules/notification/notification.stream.js";
import { seedDemoData } from "./support/fixtures.js";

let demo: Awaited<ReturnType<typeof seedDemoData>>;
let server: Server;
let url: string;
/** What the gateway saw: accepted keys (a repeated key is answered 200 but not sent again), and every request. */
const gateway = { sent: new Map<string, number>(), duplicates: new Set<string>(), requests: 0, failEvery: 3, permanentFor: new Set<string>(), tokens: new Set<string>() };

beforeAll(async () => {
  demo = await seedDemoData();
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (d) => (body += d));
    req.on("end", () => {
      gateway.requests++;
      gateway.tokens.add(String(req.headers.authorization));
      const key = String(req.headers["idempotency-key"]);
      const msg = JSON.parse(body) as { to: string; text: string };
      if (gateway.permanentFor.has(msg.to)) return void res.writeHead(400).end("bad number");
      // Fails sometimes: every n-th request a 503, some slow answers.
      if (gateway.failEvery && gateway.requests % gateway.failEvery === 0) return void res.writeHead(503).end("busy");
      if (gateway.sent.has(key)) {
        gateway.duplicates.add(key);
        return void res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `dup-${key}` }));
      }
      gateway.sent.set(key, Date.now());
      setTimeout(() => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: `gw-${key}` })), gateway.requests % 5 === 0 ? 30 : 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sms`;
  setSmsProvider(httpProvider(url, "test-token"));
});
afterAll(async () => {
  setSmsProvider(null);
  await new Promise((r) => server.close(r));
});
afterEach(() => clock.reset());

async function accountsOfStation(n: number) {
  return prisma.account.findMany({ where: { volunteer: { teams: { some: { team: { stationId: demo.fushan.id } } } } }, take: n, orderBy: { phone: "asc" } });
}

/** Runs senders until nothing is due, moving the clock past backoffs; like several processes at once. */
async function drain(senders: number) {
  for (let round = 0; round < 30; round++) {
    const runs = await Promise.all(Array.from({ length: senders }, () => sendDueSms(25)));
    if (runs.every((r) => r.claimed === 0)) {
      const waiting = await prisma.smsMessage.count({ where: { status: { in: ["PENDING", "SENDING"] } } });
      if (!waiting) return;
      clock.advance(3600_000);
    }
  }
}

describe("the SMS outbox", () => {
  it("sends each message once across concurrent senders, a crash mid-send and retries with backoff", async () => {
    await prisma.station.update({ where: { id: demo.fushan.id }, data: { smsDailyBudget: 10_000 } });
    const accounts = await accountsOfStation(120);
    await prisma.$transaction((tx) => notify(tx, accounts.map((a) => ({ accountId: a.id, stationId: demo.fushan.id, kind: "MOBILIZATION" as const, title: asWritten("一键召集：测试"), body: asWritten("请回复") }))));
    delivered();
    const rows = await prisma.smsMessage.findMany({ where: { kind: "MOBILIZATION", status: "PENDING" } });
    expect(rows.length).toBe(120);

    // A process claims some rows and dies before it records anything: their lease runs out later.
    await prisma.smsMessage.updateMany({ where: { id: { in: rows.slice(0, 10).map((r) => r.id) } }, data: { status: "SENDING", attempts: 1, leaseUntil: new Date(clock.now().getTime() + 60_000) } });
    // ...and had in fact reached the gateway for 5 of them.
    for (const r of rows.slice(0, 5)) gateway.sent.set(String(r.notificationId), Date.now());

    await drain(3);
    const after = await prisma.smsMessage.findMany({ where: { id: { in: rows.map((r) => r.id) } } });
    expect(after.filter((r) => r.status !== "SENT").map((r) => [r.status, r.lastError])).toEqual([]);
    // Every key reached the gateway, and a key it had already sent was not sent again.
    for (const r of rows) expect(gateway.sent.has(String(r.notificationId))).toBe(true);
    // The 5 sent before the crash came again with the same key. (Others may too: an answer lost to a
    // timeout on a busy machine is retried with its key, which is what the key is for.)
    for (const r of rows.slice(0, 5)) expect(gateway.duplicates.has(String(r.notificationId))).toBe(true);
    // Failures were retried: some rows needed more than one attempt, none was sent twice.
    expect(after.some((r) => r.attempts > 1)).toBe(true);
    expect(after.every((r) => r.providerId)).toBe(true);
    expect([...gateway.tokens]).toEqual(["Bearer test-token"]);
  });

  it("gives up on a number the gateway rejects, and after the last attempt on a gateway that keeps failing", async () => {
    const [a, b] = await accountsOfStation(2);
    gateway.permanentFor.add(a!.phone);
    await prisma.$transaction((tx) => notify(tx, [a!, b!].map((x) => ({ accountId: x.id, stationId: demo.fushan.id, kind: "MOBILIZATION" as const, title: asWritten("拒收测试") }))));
    gateway.failEvery = 1; // every request fails with 503 (except the rejected number: 400)
    await drain(1);
    const rows = await prisma.smsMessage.findMany({ where: { notification: { title: "拒收测试" } }, include: { notification: true } });
    const byAccount = new Map(rows.map((r) => [r.accountId, r]));
    expect(byAccount.get(a!.id)).toMatchObject({ status: "FAILED", attempts: 1, lastError: "gateway answered 400" });
    expect(byAccount.get(b!.id)).toMatchObject({ status: "FAILED", attempts: 6, lastError: "gateway answered 503" });
    gateway.failEvery = 3;
    gateway.permanentFor.clear();
  });

  it("keeps to the station's daily budget across senders, call-ups first", async () => {
    await prisma.smsMessage.deleteMany({});
    await prisma.smsBudgetDay.deleteMany({});
    await prisma.station.update({ where: { id: demo.fushan.id }, data: { smsDailyBudget: 30 } });
    const accounts = await accountsOfStation(40);
    // 40 ordinary messages first, then 20 call-ups: the call-ups still go out.
    await prisma.$transaction((tx) => notify(tx, accounts.map((a) => ({ accountId: a.id, stationId: demo.fushan.id, kind: "SHIFT_CANCELLED" as const, title: asWritten("预算测试") }))));
    await prisma.$transaction((tx) => notify(tx, accounts.slice(0, 20).map((a) => ({ accountId: a.id, stationId: demo.fushan.id, kind: "MOBILIZATION" as const, title: asWritten("预算召集") }))));
    await drain(4);
    const rows = await prisma.smsMessage.findMany({ include: { notification: { select: { title: true } } } });
    const sent = rows.filter((r) => r.status === "SENT");
    expect(sent.length).toBe(30);
    expect(rows.filter((r) => r.status === "OVER_BUDGET").length).toBe(30);
    expect(sent.filter((r) => r.kind === "MOBILIZATION").length).toBe(20);
    const [budget] = await prisma.smsBudgetDay.findMany({ where: { stationId: demo.fushan.id } });
    expect(budget!.used).toBe(30);
  });

  it("the process's sender sends at once when woken, more than one batch per wake, and stopping waits for the run in progress", async () => {
    await prisma.smsMessage.deleteMany({});
    await prisma.smsBudgetDay.deleteMany({});
    await prisma.station.update({ where: { id: demo.fushan.id }, data: { smsDailyBudget: 10_000 } });
    gateway.failEvery = 0;
    // Polling once an hour: only a wake-up can send these in the test's time.
    const stop = startSmsSender(3600_000);
    let release = () => {};
    try {
      const accounts = await accountsOfStation(130);
      // 260 messages: more than the 200 one run claims.
      for (const title of ["唤醒测试一", "唤醒测试二"]) {
        await prisma.$transaction((tx) => notify(tx, accounts.map((a) => ({ accountId: a.id, stationId: demo.fushan.id, kind: "MOBILIZATION" as const, title: asWritten(title) }))));
      }
      expect(await prisma.smsMessage.count({ where: { status: "PENDING" } })).toBe(260);
      delivered();
      await vi.waitFor(async () => expect(await prisma.smsMessage.count({ where: { status: "SENT" } })).toBe(260), { timeout: 30_000, interval: 50 });

      // A run held up at the gateway: stop() returns only after it has recorded its sends.
      const gate = new Promise<void>((r) => (release = r));
      let calls = 0;
      setSmsProvider({ name: "held", send: async (m) => { calls++; await gate; return { providerId: `held-${m.key}` }; } });
      await prisma.$transaction((tx) => notify(tx, accounts.slice(0, 20).map((a) => ({ accountId: a.id, stationId: demo.fushan.id, kind: "MOBILIZATION" as const, title: asWritten("停止测试") }))));
      delivered();
      delivered(); // a second wake while the run is busy is remembered, not run beside it
      await vi.waitFor(() => expect(calls).toBeGreaterThan(0), { timeout: 30_000, interval: 20 });
      let stopped = false;
      const stopping = stop().then(() => (stopped = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(stopped).toBe(false);
      release();
      await stopping;
      expect(await prisma.smsMessage.count({ where: { notification: { title: "停止测试" }, status: "SENT" } })).toBe(20);
    } finally {
      release();
      await stop();
      setSmsProvider(httpProvider(url, "test-token"));
      gateway.failEvery = 3;
    }
    // Stopped: a new notification is not sent by this process any more.
    const [one] = await accountsOfStation(1);
    await prisma.$transaction((tx) => notify(tx, [{ accountId: one!.id, stationId: demo.fushan.id, kind: "MOBILIZATION" as const, title: asWritten("停止之后") }]));
    delivered();
    await new Promise((r) => setTimeout(r, 200));
    expect(await prisma.smsMessage.findFirstOrThrow({ where: { notification: { title: "停止之后" } } })).toMatchObject({ status: "PENDING" });
  });

  it("lets the process's live delivery of a burst go first, and sends anyway when the reader never catches up", async () => {
    await prisma.smsMessage.deleteMany({});
    await prisma.smsBudgetDay.deleteMany({});
    await prisma.station.update({ where: { id: demo.fushan.id }, data: { smsDailyBudget: 10_000 } });
    gateway.failEvery = 0;
    const saved = config.sms.yieldMs;
    const duplicates = gateway.duplicates.size;
    const reader = notificationStream as unknown as { polling: Promise<void> | null };
    const held = reader.polling;
    let release = () => {};
    // The reader busy routing a burst (a read in progress that does not end yet).
    reader.polling = new Promise<void>((r) => (release = () => {
      reader.polling = held; // as a read's end does
      r();
    }));
    const stop = startSmsSender(3600_000);
    try {
      const accounts = await accountsOfStation(5);
      const sent = (title: string) => prisma.smsMessage.count({ where: { notification: { title }, status: "SENT" } });
      config.sms.yieldMs = 60_000;
      await prisma.$transaction((tx) => notify(tx, accounts.map((a) => ({ accountId: a.id, stationId: demo.fushan.id, kind: "MOBILIZATION" as const, title: asWritten("让路测试") }))));
      delivered();
      // Long enough for a sender that did not wait to have sent them (seen red so).
      await new Promise((r) => setTimeout(r, 2000));
      expect(await sent("让路测试")).toBe(0);
      release(); // caught up: the sender goes on
      await vi.waitFor(async () => expect(await sent("让路测试")).toBe(5), { timeout: 30_000, interval: 50 });

      // A reader that never catches up delays SMS by yieldMs at most, never for good.
      config.sms.yieldMs = 50;
      reader.polling = new Promise<void>(() => {});
      await prisma.$transaction((tx) => notify(tx, accounts.map((a) => ({ accountId: a.id, stationId: demo.fushan.id, kind: "MOBILIZATION" as const, title: asWritten("不被饿死") }))));
      delivered();
      await vi.waitFor(async () => expect(await sent("不被饿死")).toBe(5), { timeout: 30_000, interval: 50 });
      expect(gateway.duplicates.size).toBe(duplicates);
    } finally {
      release();
      reader.polling = held;
      config.sms.yieldMs = saved;
      await stop();
      gateway.failEvery = 3;
    }
  });

  it("a gateway that answers 200 without a body and a provider without a token: the message counts as sent under its key, no authorization header", async () => {
    const seen: (string | undefined)[] = [];
    const bare = createServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume().on("end", () => res.writeHead(200).end());
    });
    await new Promise<void>((r) => bare.listen(0, "127.0.0.1", () => r()));
    try {
      const p = httpProvider(`http://127.0.0.1:${(bare.address() as AddressInfo).port}/`, undefined);
      expect(await p.send({ key: "42", to: "13812345678", kind: "MOBILIZATION", templateId: null, title: "t", body: "" })).toEqual({ providerId: "http-42" });
      expect(seen).toEqual([undefined]);
    } finally {
      await new Promise((r) => bare.close(r));
    }
  });

  it("SMS_PROVIDER=http without SMS_HTTP_URL fails loudly instead of sending nowhere; log is the default", async () => {
    const saved = { ...config.sms };
    try {
      setSmsProvider(null);
      config.sms.provider = "http";
      config.sms.httpUrl = undefined;
      expect(() => smsProvider()).toThrow("SMS_PROVIDER=http needs SMS_HTTP_URL");
      config.sms.httpUrl = url;
      expect(smsProvider().name).toBe("http");
      setSmsProvider(null);
      config.sms.provider = "log";
      expect(smsProvider().name).toBe("log");
    } finally {
      Object.assign(config.sms, saved);
      setSmsProvider(httpProvider(url, "test-token"));
    }
  });

  it("writes what it would send to the log with the phone masked (SMS_PROVIDER=log)", async () => {
    const { logProvider } = await import("../api/src/modules/notification/sms.js");
    const { log } = await import("../api/src/log.js");
    const lines: unknown[] = [];
    const original = log.info.bind(log);
    (log as { info: unknown }).info = (...args: unknown[]) => void lines.push(args);
    try {
      await logProvider.send({ key: "1", to: "13812345678", kind: "MOBILIZATION", templateId: null, title: "t", body: "b" });
    } finally {
      (log as { info: unknown }).info = original;
    }
    const text = JSON.stringify(lines);
    expect(text).toContain("138****5678");
    expect(text).not.toContain("13812345678");
  });
});
