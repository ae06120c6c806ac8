// Notifications end to end: written with what caused them, in the inbox, live in commit order with
// resume from a cursor, preferences and quiet hours, shift reminders once, the calendar feed, and
// bulletins with read statistics.
import ICAL from "ical.js";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { asWritten, localize, msg } from "../api/src/i18n.js";
import { sendShiftReminders } from "../api/src/modules/shift/checkin.service.js";
import { afterQuietHours, delivered, inQuietHours, notify } from "../api/src/modules/notification/notification.service.js";
import { sharedSubscriptionStats } from "../api/src/graphql/shared-subscriptions.js";
import { settled } from "./support/horizon.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { createStation, createVolunteers, DEMO_PHONES, gid, rawId, seedDemoData, type Person } from "./support/fixtures.js";
import { CANCEL_CLAIM, CLAIM, inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let leader: string;
let officer: string;
let otherOfficer: string;
let tokens: Map<string, string>;
const phones = Array.from({ length: 12 }, (_, i) => String(13800000201 + i));
const tok = (phone: string) => tokens.get(phone)!;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
  tokens = await tokensFor([...phones, "13900000002", "13900000003"]);
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const INBOX = `query ($unread: Boolean, $after: String) { viewer { unreadNotificationCount notifications(first: 10, unreadOnly: $unread, after: $after) {
  edges { cursor node { id kind title body link subjectId read cursor smsStatus } } pageInfo { hasNextPage endCursor } } } }`;
const readInbox = async (vars: Record<string, unknown>, token: string) => (await settled(), gql(app, INBOX, vars, token));
const RECEIVED = `subscription ($since: String) { notificationReceived(since: $since) { id kind title body subjectId cursor } }`;
const MARK = `mutation ($input: MarkNotificationsReadInput!) { markNotificationsRead(input: $input) { marked unreadCount userErrors { code field } } }`;
const PREFS = `mutation ($input: UpdateNotificationPreferencesInput!) { updateNotificationPreferences(input: $input) {
  preferences { quietHoursFrom quietHoursUntil kinds { kind inApp sms urgent } } userErrors { code field message } } }`;

describe("claim notices are notifications", () => {
  it("tells the promoted volunteer live and in the inbox; the inbox counts, pages and marks read; the stream resumes from a cursor", async () => {
    const [a, b, c] = phones;
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(600), endsAt: inMinutes(720), capacity: 1, title: "通知测试巡逻" });
    const first = await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(a!));
    expect(first.data!.claimShift.claim.status).toBe("CONFIRMED");
    expect((await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(b!))).data!.claimShift.claim.status).toBe("WAITLISTED");
    expect((await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(c!))).data!.claimShift.claim.status).toBe("WAITLISTED");

    const before = (await readInbox({}, tok(b!))).data!.viewer;
    const ws = wsClient(app, tok(b!));
    const live = subscribe(ws, RECEIVED);
    await new Promise((r) => setTimeout(r, 300));
    const cancel = await gql(app, CANCEL_CLAIM, { input: { claimId: first.data!.claimShift.claim.id } }, tok(a!));
    expect(cancel.data!.cancelShiftClaim.userErrors).toEqual([]);
    const [got] = await live.waitFor(1);
    expect(got!.data!.notificationReceived).toMatchObject({ kind: "WAITLIST_PROMOTED", title: "候补转正：通知测试巡逻", subjectId: shift.id });
    live.dispose();

    const inbox = (await readInbox({}, tok(b!))).data!.viewer;
    expect(inbox.unreadNotificationCount).toBe(before.unreadNotificationCount + 1);
    const top = inbox.notifications.edges[0].node;
    expect(top).toMatchObject({ kind: "WAITLIST_PROMOTED", read: false, link: "/my", smsStatus: "PENDING" });
    // Nobody else heard of it: the one who cancelled made the change herself; c is still waiting.
    for (const p of [a!, c!]) expect((await readInbox({}, tok(p))).data!.viewer.notifications.edges.filter((e: any) => e.node.subjectId === shift.id)).toEqual([]);

    // A leader removing the promoted volunteer: SHIFT_REMOVED to b, WAITLIST_PROMOTED to c, and b's
    // stream resumed from the earlier cursor replays it.
    const claimB = await prisma.shiftClaim.findFirstOrThrow({ where: { shiftId: Buffer.from(shift.id, "base64").toString().split(":")[1], volunteer: { phone: b } } });
    await gql(app, CANCEL_CLAIM, { input: { claimId: gid("ShiftClaim", claimB.id) } }, leader);
    const resumed = subscribe(ws, RECEIVED, { since: top.cursor });
    const [replayed] = await resumed.waitFor(1);
    expect(replayed!.data!.notificationReceived).toMatchObject({ kind: "SHIFT_REMOVED", subjectId: shift.id });
    resumed.dispose();
    await ws.dispose();
    const cInbox = (await readInbox({}, tok(c!))).data!.viewer.notifications.edges.map((e: any) => e.node.kind);
    expect(cInbox[0]).toBe("WAITLIST_PROMOTED");

    // Mark one read, then all; another person's ID marks nothing.
    const foreign = (await readInbox({}, tok(c!))).data!.viewer.notifications.edges[0].node.id;
    expect((await gql(app, MARK, { input: { ids: [foreign] } }, tok(b!))).data!.markNotificationsRead.marked).toBe(0);
    const mine = (await readInbox({ unread: true }, tok(b!))).data!.viewer;
    const one = await gql(app, MARK, { input: { ids: [mine.notifications.edges[0].node.id] } }, tok(b!));
    expect(one.data!.markNotificationsRead).toMatchObject({ marked: 1, unreadCount: mine.unreadNotificationCount - 1 });
    const all = await gql(app, MARK, { input: { all: true } }, tok(b!));
    expect(all.data!.markNotificationsRead.unreadCount).toBe(0);
    expect((await gql(app, MARK, { input: {} }, tok(b!))).data!.markNotificationsRead.userErrors[0].code).toBe("VALIDATION");
    // Someone else's notification is no node for them.
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: foreign }, tok(b!))).data!.node).toBeNull();
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: foreign }, tok(c!))).data!.node).not.toBeNull();

    // Pages, newest first; a cursor that is not one of ours is the caller's error, not page one again.
    const PAGE = `query ($after: String) { viewer { notifications(first: 1, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } } }`;
    const p1 = (await gql(app, PAGE, {}, tok(b!))).data!.viewer.notifications;
    const p2 = (await gql(app, PAGE, { after: p1.pageInfo.endCursor }, tok(b!))).data!.viewer.notifications;
    expect(p1.pageInfo.hasNextPage).toBe(true);
    expect(p2.edges[0].node.id).not.toBe(p1.edges[0].node.id);
    const whole = (await readInbox({}, tok(b!))).data!.viewer.notifications.edges.map((e: any) => e.node.id);
    expect([p1.edges[0].node.id, p2.edges[0].node.id]).toEqual(whole.slice(0, 2));
    const bad = await gql(app, PAGE, { after: "12" }, tok(b!));
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("tells everyone on a cancelled shift, and everyone on a rescheduled one", async () => {
    const [, , , d, e] = phones;
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(900), endsAt: inMinutes(960), capacity: 1, title: "变更测试" });
    await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(d!));
    await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(e!));
    const moved = await gql(app, `mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { userErrors { code } } }`, { input: { shiftId: shift.id, startsAt: inMinutes(1000), endsAt: inMinutes(1060) } }, leader);
    expect(moved.data!.updateShift.userErrors).toEqual([]);
    await gql(app, `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`, { input: { shiftId: shift.id, reason: "暴雨" } }, leader);
    for (const p of [d!, e!]) {
      const kinds = (await readInbox({}, tok(p))).data!.viewer.notifications.edges.filter((x: any) => x.node.subjectId === shift.id).map((x: any) => x.node.kind);
      expect(kinds).toEqual(["SHIFT_CANCELLED", "SHIFT_CHANGED"]);
    }
    const body = (await readInbox({}, tok(d!))).data!.viewer.notifications.edges[0].node.body;
    expect(body).toContain("暴雨");
  });
});

describe("the stream's order", () => {
  it("delivers live and replays in commit order when one transaction's ids gain a digit (…98, 99, 100, …)", async () => {
    const h = phones[11]!;
    const account = await prisma.account.findFirstOrThrow({ where: { volunteer: { phone: h } }, select: { id: true } });
    const ws = wsClient(app, tok(h));
    const live = subscribe(ws, RECEIVED);
    await live.ready;
    // The next ids cross a power of ten inside one read: 10^k - 5 … 10^k + 4.
    const [{ max }] = (await prisma.$queryRaw<{ max: bigint }[]>`SELECT coalesce(max(id), 0) AS max FROM "Notification"`) as [{ max: bigint }];
    const edge = 10n ** BigInt(String(max).length + 1);
    await prisma.$executeRaw`SELECT setval(pg_get_serial_sequence('"Notification"', 'id'), ${edge - 6n})`;
    await prisma.$transaction((tx) => notify(tx, Array.from({ length: 10 }, (_, i) => ({ accountId: account.id, stationId: demo.fushan.id, kind: "BULLETIN" as const, title: asWritten(`位数${i}`) }))));
    delivered();
    const got = await live.waitFor(10);
    const ids = (rs: typeof got) => rs.map((r) => BigInt(Buffer.from(r.data!.notificationReceived.id, "base64").toString().split(":")[1]!));
    const want = Array.from({ length: 10 }, (_, i) => edge - 5n + BigInt(i));
    await new Promise((r) => setTimeout(r, 300)); // nothing more (a repeated row) arrives
    expect(ids(live.results)).toEqual(want);
    // A replay from before them reads the same order.
    await settled();
    const replay = subscribe(ws, RECEIVED, { since: live.results[0]!.data!.notificationReceived.cursor });
    await replay.waitFor(9);
    await new Promise((r) => setTimeout(r, 300));
    expect(ids(replay.results)).toEqual(want.slice(1));
    live.dispose();
    replay.dispose();
    await ws.dispose();
  });
});

describe("notifications in the reader's language", () => {
  it("shows a notice in English to an English client and in Chinese otherwise; people's own text passes unchanged", async () => {
    const [, , , , , f] = phones;
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(1500), endsAt: inMinutes(1560), capacity: 1, title: "语言测试" });
    await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(f!));
    await gql(app, `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`, { input: { shiftId: shift.id, reason: "暴雨" } }, leader);
    await settled();
    const read = async (language?: string) => {
      const res = await fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tok(f!)}`, ...(language ? { "accept-language": language } : {}) },
        body: JSON.stringify({ query: `{ viewer { notifications(first: 10) { edges { node { subjectId title body } } } } }` }),
      });
      const json = (await res.json()) as { data: { viewer: { notifications: { edges: { node: { subjectId: string; title: string; body: string } }[] } } } };
      return json.data.viewer.notifications.edges.map((e) => e.node).find((n) => n.subjectId === shift.id)!;
    };
    const en = await read("en-US,en;q=0.9");
    expect(en.title).toBe("Shift cancelled: 语言测试");
    expect(en.body).toMatch(/^[A-Z][a-z]{2} \d{1,2} [A-Z][a-z]{2}, \d{2}:\d{2}, reason: 暴雨$/);
    const zh = await read();
    expect(zh.title).toBe("班次取消：语言测试");
    expect(zh.body).toMatch(/周.\d{2}:\d{2}，原因：暴雨$/);
    expect(await read("zh-CN")).toEqual(zh);
    // The SMS goes out in Chinese.
    const row = await prisma.notification.findFirstOrThrow({ where: { subjectId: Buffer.from(shift.id, "base64").toString().split(":")[1], kind: "SHIFT_CANCELLED" } });
    expect(localize(row.title, "zh")).toBe("班次取消：语言测试");
  });
});

describe("live notifications answered directly", () => {
  it("answers a plain selection of notificationReceived without executing it, exactly as executing it would, in both languages", async () => {
    const [, , , , , , g] = phones;
    const account = await prisma.account.findFirstOrThrow({ where: { volunteer: { phone: g } }, select: { id: true } });
    // As the web asks (a fragment), and more. A directive makes the server execute the selection: the reference.
    const FIELDS = `__typename ...F readAt again: kind ... on Notification { title } ... { kind }`;
    const F = `fragment F on Notification { id kind title body link subjectId createdAt read cursor }`;
    const plain = `subscription { n: notificationReceived { ${FIELDS} } } ${F}`;
    const executed = `subscription { n: notificationReceived { ${FIELDS} id @include(if: true) } } ${F}`;
    // smsStatus loads the SMS row: executed too.
    const withSms = `subscription { n: notificationReceived { id smsStatus } }`;
    const sockets = [wsClient(app, tok(g!)), wsClient(app, tok(g!), { locale: "en" })];
    const subs = sockets.flatMap((ws) => [subscribe(ws, plain), subscribe(ws, executed)]);
    const sms = subscribe(sockets[0]!, withSms);
    subs.push(sms);
    await Promise.all(subs.map((s) => s.ready));
    const before = { ...sharedSubscriptionStats };
    await notify(prisma, { accountId: account.id, stationId: demo.fushan.id, kind: "MOBILIZATION", title: msg("一键召集：直达", "Call-up: direct"), body: msg("府山，距您约50米", "Fushan, about 50 m from you"), link: "/callups/x", subject: { type: "Mobilization", id: demo.fushan.id } });
    delivered();
    const [zhDirect, zhExecuted, enDirect, enExecuted, smsStatus] = await Promise.all(subs.map(async (s) => (await s.waitFor(1))[0]!));
    expect(sharedSubscriptionStats.direct - before.direct).toBe(2);
    expect(sharedSubscriptionStats.executions - before.executions).toBe(5);
    expect(smsStatus!.data!.n.smsStatus).toBe("PENDING");
    expect(zhDirect).toEqual(zhExecuted);
    expect(enDirect).toEqual(enExecuted);
    expect(Object.keys(zhDirect!.data!.n)).toEqual(["__typename", "id", "kind", "title", "body", "link", "subjectId", "createdAt", "read", "cursor", "readAt", "again"]);
    expect(zhDirect!.data!.n).toMatchObject({ __typename: "Notification", kind: "MOBILIZATION", again: "MOBILIZATION", title: "一键召集：直达", read: false, readAt: null, subjectId: gid("Mobilization", demo.fushan.id) });
    expect(enDirect!.data!.n).toMatchObject({ title: "Call-up: direct", body: "Fushan, about 50 m from you" });
    subs.forEach((s) => s.dispose());
    await Promise.all(sockets.map((ws) => ws.dispose()));
  });

  it("answers aliases that swap field names, __typename under an alias and fragments on an interface as executing them would", async () => {
    const [, , , , , , , h] = phones;
    const account = await prisma.account.findFirstOrThrow({ where: { volunteer: { phone: h } }, select: { id: true } });
    const ODD = `body: title title: body t: __typename id: cursor k: kind ... on Notification { kind }`;
    const direct = `subscription { n: notificationReceived { ${ODD} } }`;
    const executed = `subscription { n: notificationReceived { ${ODD} k: kind @include(if: true) } }`;
    const onInterface = `subscription { n: notificationReceived { ... on Node { id } title } }`;
    const ws = wsClient(app, tok(h!));
    const subs = [direct, executed, onInterface].map((q) => subscribe(ws, q));
    await Promise.all(subs.map((s) => s.ready));
    const before = { ...sharedSubscriptionStats };
    await notify(prisma, { accountId: account.id, stationId: demo.fushan.id, kind: "MOBILIZATION", title: msg("标题", "Title"), body: msg("正文", "Body"), link: null, subject: null });
    delivered();
    const [a, b, c] = await Promise.all(subs.map(async (s) => (await s.waitFor(1))[0]!));
    expect(sharedSubscriptionStats.direct - before.direct).toBe(1);
    expect(a).toEqual(b);
    expect(Object.keys(a!.data!.n)).toEqual(["body", "title", "t", "id", "k", "kind"]);
    expect(a!.data!.n).toMatchObject({ body: "标题", title: "正文", t: "Notification", k: "MOBILIZATION", kind: "MOBILIZATION" });
    expect(c!.data!.n).toMatchObject({ title: "标题" });
    expect(c!.data!.n.id).toMatch(/=*$/);
    subs.forEach((s) => s.dispose());
    await ws.dispose();
  });
});

describe("preferences", () => {
  it("turns a kind off in the app (stored as read, not pushed), adds SMS, and holds SMS back in quiet hours except call-ups", async () => {
    const p = phones[5]!;
    const bad = await gql(app, PREFS, { input: { quietHoursFrom: "25:00", quietHoursUntil: "07:00" } }, tok(p));
    expect(bad.data!.updateNotificationPreferences.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "quietHoursFrom"] });
    const res = await gql(app, PREFS, { input: { kinds: [{ kind: "SHIFT_ASSIGNED", inApp: false, sms: true }, { kind: "MOBILIZATION", inApp: false, sms: true }], quietHoursFrom: "22:00", quietHoursUntil: "07:00" } }, tok(p));
    const prefs = res.data!.updateNotificationPreferences.preferences;
    expect(prefs).toMatchObject({ quietHoursFrom: "22:00", quietHoursUntil: "07:00" });
    expect(prefs.kinds.find((k: any) => k.kind === "SHIFT_ASSIGNED")).toEqual({ kind: "SHIFT_ASSIGNED", inApp: false, sms: true, urgent: false });
    // A call-up cannot be silenced in the app.
    expect(prefs.kinds.find((k: any) => k.kind === "MOBILIZATION")).toEqual({ kind: "MOBILIZATION", inApp: true, sms: true, urgent: true });

    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(1200), endsAt: inMinutes(1260), title: "安排测试" });
    const unread = (await readInbox({}, tok(p))).data!.viewer.unreadNotificationCount;
    const vol = await demo.volunteer(p);
    const ws = wsClient(app, tok(p));
    const live = subscribe(ws, RECEIVED);
    await new Promise((r) => setTimeout(r, 300));
    const assigned = await gql(app, `mutation ($input: AssignShiftInput!) { assignShift(input: $input) { userErrors { code } } }`, { input: { shiftId: shift.id, volunteerId: gid("Volunteer", vol.id) } }, leader);
    expect(assigned.data!.assignShift.userErrors).toEqual([]);
    const inbox = (await readInbox({}, tok(p))).data!.viewer;
    expect(inbox.unreadNotificationCount).toBe(unread);
    expect(inbox.notifications.edges[0].node).toMatchObject({ kind: "SHIFT_ASSIGNED", read: true, smsStatus: "PENDING" });
    await new Promise((r) => setTimeout(r, 600));
    expect(live.results).toEqual([]);
    live.dispose();
    await ws.dispose();
    const sms = await prisma.smsMessage.findFirstOrThrow({ where: { accountId: (await prisma.account.findUniqueOrThrow({ where: { phone: p } })).id, kind: "SHIFT_ASSIGNED" } });
    expect(sms.urgent).toBe(false);
  });

  it("lists to each person only the kinds that can reach them: not the officers' to a volunteer", async () => {
    const SETTINGS = `{ viewer { notificationPreferences { kinds { kind } } } }`;
    const listed = async (token: string) => (await gql(app, SETTINGS, {}, token)).data!.viewer.notificationPreferences.kinds.map((k: { kind: string }) => k.kind) as string[];
    const OFFICERS = ["HOME_WATCH_REQUESTED", "HOME_WATCH_PROBLEM", "AGREEMENT_TO_SIGN", "MEMBERSHIP_REQUESTED", "PATROL_REPORT_ASSIGNED"];
    const volunteer = await listed(tok(phones[6]!));
    expect(volunteer).toContain("MOBILIZATION");
    expect(volunteer).toContain("SHIFT_CANCELLED");
    for (const k of [...OFFICERS, "MEDIATION_ASSIGNED", "OTHER"]) expect(volunteer).not.toContain(k);
    const theOfficer = await listed(officer);
    for (const k of OFFICERS) expect(theOfficer).toContain(k);
    expect(theOfficer).not.toContain("MOBILIZATION");
    // A volunteer on the mediator list hears of their cases.
    const v = await demo.volunteer(phones[6]!);
    await prisma.mediator.create({ data: { stationId: demo.fushan.id, volunteerId: v.id, displayName: v.displayName } });
    expect(await listed(tok(phones[6]!))).toContain("MEDIATION_ASSIGNED");
  });

  it("refuses quiet hours that start and end at the same minute (they would silence nothing)", async () => {
    const p = phones[6]!;
    const res = await gql(app, PREFS, { input: { quietHoursFrom: "22:00", quietHoursUntil: "22:00" } }, tok(p));
    expect(res.data!.updateNotificationPreferences.userErrors).toEqual([{ code: "VALIDATION", field: ["input", "quietHoursUntil"], message: "免打扰的开始和结束不能相同" }]);
    const viewer = await gql(app, `{ viewer { notificationPreferences { quietHoursFrom quietHoursUntil } } }`, {}, tok(p));
    expect(viewer.data!.viewer.notificationPreferences).toEqual({ quietHoursFrom: null, quietHoursUntil: null });
  });

  it("computes quiet hours in Asia/Shanghai, across midnight", () => {
    const q = { quietFrom: 22 * 60, quietUntil: 7 * 60 };
    const at = (iso: string) => new Date(iso);
    expect(inQuietHours(q, at("2026-11-26T15:30:00Z"))).toBe(true); // 23:30 in Shanghai
    expect(inQuietHours(q, at("2026-11-26T22:59:00Z"))).toBe(true); // 06:59
    expect(inQuietHours(q, at("2026-11-26T23:00:00Z"))).toBe(false); // 07:00
    expect(inQuietHours(q, at("2026-11-26T05:00:00Z"))).toBe(false); // 13:00
    expect(afterQuietHours(q, at("2026-11-26T15:30:00Z")).toISOString()).toBe("2026-11-26T23:00:00.000Z");
    expect(afterQuietHours(q, at("2026-11-26T05:00:00Z")).toISOString()).toBe("2026-11-26T05:00:00.000Z");
  });
});

describe("shift reminders", () => {
  it("reminds each confirmed volunteer once, N hours before the start, however many sweepers run", async () => {
    const [, , , , , , g, h] = phones;
    await prisma.station.update({ where: { id: demo.fushan.id }, data: { reminderHoursBefore: 3 } });
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(5 * 60), endsAt: inMinutes(6 * 60), capacity: 1, title: "提醒测试" });
    await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(g!));
    await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(h!)); // waitlisted: no reminder
    const shiftId = Buffer.from(shift.id, "base64").toString().split(":")[1]!;
    const count = () => prisma.notification.count({ where: { kind: "SHIFT_REMINDER", subjectId: shiftId } });
    await sendShiftReminders(clock.now());
    expect(await count()).toBe(0); // 5 hours ahead, the station says 3
    clock.advance(2.5 * 3600_000);
    const runs = await Promise.all([sendShiftReminders(clock.now()), sendShiftReminders(clock.now()), sendShiftReminders(clock.now())]);
    expect(runs.reduce((a, b) => a + b, 0)).toBe(1);
    await sendShiftReminders(clock.now());
    expect(await count()).toBe(1);
    const n = await prisma.notification.findFirstOrThrow({ where: { kind: "SHIFT_REMINDER", subjectId: shiftId }, include: { account: true } });
    expect(n.account.phone).toBe(g);
    expect(localize(n.title, "zh")).toBe("班次提醒：提醒测试");
    await prisma.station.update({ where: { id: demo.fushan.id }, data: { reminderHoursBefore: 2 } });
  });

  it("reminds again a volunteer who cancelled after the reminder and claimed the shift again", async () => {
    const g = phones[6]!;
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(26 * 60), endsAt: inMinutes(27 * 60), capacity: 2, title: "再次认领提醒" });
    const shiftId = Buffer.from(shift.id, "base64").toString().split(":")[1]!;
    const count = () => prisma.notification.count({ where: { kind: "SHIFT_REMINDER", subjectId: shiftId } });
    const first = await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(g));
    clock.advance(25 * 3600_000); // the station reminds 2 hours before
    await sendShiftReminders(clock.now());
    expect(await count()).toBe(1);
    expect((await gql(app, CANCEL_CLAIM, { input: { claimId: first.data!.claimShift.claim.id } }, tok(g))).data!.cancelShiftClaim.userErrors).toEqual([]);
    expect((await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(g))).data!.claimShift.claim.status).toBe("CONFIRMED");
    await sendShiftReminders(clock.now());
    expect(await count()).toBe(2);
  });
});

describe("the calendar feed", () => {
  it("serves claimed, waitlisted and cancelled shifts in Asia/Shanghai at a secret URL that a reset revokes; guesses get 404", async () => {
    const [, , , , , , , , i, j] = phones;
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: new Date("2026-12-24T11:00:00Z"), endsAt: new Date("2026-12-24T13:00:00Z"), capacity: 1, title: "平安夜巡逻", place: "府山公园" });
    await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(j!));
    await gql(app, CLAIM, { input: { shiftId: shift.id } }, tok(i!)); // waitlisted
    const { shift: other } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: new Date("2026-12-25T01:00:00Z"), endsAt: new Date("2026-12-25T02:00:00Z"), title: "圣诞早班" });
    await gql(app, CLAIM, { input: { shiftId: other.id } }, tok(i!));
    await gql(app, `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`, { input: { shiftId: other.id, reason: "取消" } }, leader);

    const url = (await gql(app, `{ viewer { calendarFeedUrl } }`, {}, tok(i!))).data!.viewer.calendarFeedUrl as string;
    expect(url).toMatch(/^\/calendar\/[0-9a-f]{32}\.0\.[A-Za-z0-9_-]{27}\.ics$/);
    const res = await fetch(`${app.url}${url}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/calendar");
    const cal = new ICAL.Component(ICAL.parse(await res.text()));
    const tz = cal.getFirstSubcomponent("vtimezone")!;
    expect(tz.getFirstPropertyValue("tzid")).toBe("Asia/Shanghai");
    ICAL.TimezoneService.register(tz);
    const events = cal.getAllSubcomponents("vevent").map((v) => new ICAL.Event(v));
    const eve = events.find((e) => e.summary.includes("平安夜巡逻"))!;
    expect(eve.summary).toBe("【候补】平安夜巡逻");
    expect(eve.component.getFirstPropertyValue("status")).toBe("TENTATIVE");
    expect(eve.component.getFirstProperty("dtstart")!.getParameter("tzid")).toBe("Asia/Shanghai");
    expect(eve.startDate.zone!.tzid).toBe("Asia/Shanghai");
    expect([eve.startDate.hour, eve.startDate.minute]).toEqual([19, 0]);
    expect(eve.startDate.toJSDate().toISOString()).toBe("2026-12-24T11:00:00.000Z");
    expect(eve.location).toBe("府山公园");
    const xmas = events.find((e) => e.summary.includes("圣诞早班"))!;
    expect(xmas.component.getFirstPropertyValue("status")).toBe("CANCELLED");

    // The volunteer with the seat sees it CONFIRMED in their own feed.
    const jUrl = (await gql(app, `{ viewer { calendarFeedUrl } }`, {}, tok(j!))).data!.viewer.calendarFeedUrl as string;
    const jCal = new ICAL.Component(ICAL.parse(await (await fetch(`${app.url}${jUrl}`)).text()));
    expect(jCal.getAllSubcomponents("vevent").map((v) => [v.getFirstPropertyValue("summary"), v.getFirstPropertyValue("status")])).toContainEqual(["平安夜巡逻", "CONFIRMED"]);

    // Guessing: another account's id with a made-up signature, a tampered version, junk.
    const [hex, , sig] = url.slice("/calendar/".length, -4).split(".");
    const jHex = jUrl.slice("/calendar/".length, -4).split(".")[0];
    for (const guess of [`${jHex}.0.${sig}`, `${hex}.1.${sig}`, `${hex}.0.${"A".repeat(27)}`, "x", `${hex}.0.${sig}x`]) {
      const r = await fetch(`${app.url}/calendar/${guess}.ics`);
      expect(r.status, guess).toBe(404);
    }
    const reset = await gql(app, `mutation { resetCalendarFeed(input: { confirm: true }) { calendarFeedUrl userErrors { code } } }`, {}, tok(i!));
    const fresh = reset.data!.resetCalendarFeed.calendarFeedUrl as string;
    expect(fresh).not.toBe(url);
    expect((await fetch(`${app.url}${url}`)).status).toBe(404);
    expect((await fetch(`${app.url}${fresh}`)).status).toBe(200);
    // Officers have no shift calendar.
    expect((await gql(app, `{ viewer { calendarFeedUrl } }`, {}, officer)).data!.viewer.calendarFeedUrl).toBeNull();
  });
});

const PUBLISH = `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id recipientCount audience } userErrors { code field } } }`;
const STATS = `query ($id: ID!) { node(id: $id) { ... on Bulletin { title viewerHasRead readStats { recipients read unread byTeam { name recipients read } byPartner { name recipients read } notReadBy(first: 100) { edges { node { displayName adminOf { name } } } } } } } }`;

describe("bulletins", () => {
  it("reaches the chosen audience, counts reads per team and partner, and shows public ones on the public board", async () => {
    const property = await prisma.partner.findFirstOrThrow({ where: { name: "府山物业联合会" } });
    const squad = demo.squads[0]!;
    const input = {
      stationId: gid("Station", demo.fushan.id),
      title: "近期电信诈骗高发",
      body: "冒充客服退款类诈骗高发，请提醒邻居：不转账、不透露验证码。",
      category: "FRAUD_WARNING",
      public: true,
      audience: { squadIds: [gid("Squad", squad.id)], partnerIds: [gid("Partner", property.id)] },
    };
    // Another station's officer, a leader, and an ID of the other station are refused.
    expect((await gql(app, PUBLISH, { input }, otherOfficer)).data!.publishBulletin.userErrors[0].code).toBe("NOT_FOUND");
    expect((await gql(app, PUBLISH, { input }, leader)).data!.publishBulletin.userErrors[0].code).toBe("FORBIDDEN");
    const committeeTeam = gid("Team", demo.committee.id);
    const foreign = await gql(app, PUBLISH, { input: { ...input, audience: { teamIds: [committeeTeam] } } }, officer);
    expect(foreign.data!.publishBulletin.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "audience", "teamIds", "0"] });
    expect((await gql(app, PUBLISH, { input: { ...input, audience: {} } }, officer)).data!.publishBulletin.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "audience"] });

    const res = await gql(app, PUBLISH, { input }, officer);
    expect(res.data!.publishBulletin.userErrors).toEqual([]);
    const b = res.data!.publishBulletin.bulletin;
    const squadMembers = await prisma.squadMembership.count({ where: { squadId: squad.id } });
    const partnerPeople = await prisma.volunteer.count({ where: { partnerId: property.id, squads: { none: { squadId: squad.id } } } });
    const partnerAdmins = await prisma.accountRole.count({ where: { partnerId: property.id, role: "PARTNER_ADMIN" } });
    expect(b.recipientCount).toBe(squadMembers + partnerPeople + partnerAdmins);

    const member = await prisma.squadMembership.findFirstOrThrow({ where: { squadId: squad.id, role: "MEMBER" }, include: { volunteer: true } });
    const [memberToken] = (await tokensFor([member.volunteer.phone])).values();
    const n = (await readInbox({}, memberToken!)).data!.viewer.notifications.edges.find((e: any) => e.node.subjectId === b.id).node;
    expect(n).toMatchObject({ kind: "BULLETIN", title: "近期电信诈骗高发" });
    expect((await gql(app, STATS, { id: b.id }, memberToken)).data!.node).toMatchObject({ viewerHasRead: false, readStats: null });
    await gql(app, MARK, { input: { ids: [n.id] } }, memberToken);
    expect((await gql(app, STATS, { id: b.id }, memberToken)).data!.node.viewerHasRead).toBe(true);

    const stats = (await gql(app, STATS, { id: b.id }, officer)).data!.node.readStats;
    expect(stats).toMatchObject({ recipients: b.recipientCount, read: 1, unread: b.recipientCount - 1 });
    expect(stats.byTeam).toEqual([{ name: "好邻舍义警", recipients: squadMembers + partnerPeople, read: 1 }]);
    expect(stats.byPartner[0]).toMatchObject({ name: "府山物业联合会", recipients: (await prisma.volunteer.count({ where: { partnerId: property.id } })) + partnerAdmins });
    expect(stats.notReadBy.edges.map((e: any) => e.node.displayName)).not.toContain(member.volunteer.displayName);
    // The partner's admins are among those who have not read it, labelled by their partner: as many as unread.
    expect(stats.notReadBy.edges.length).toBe(stats.unread);
    expect(stats.notReadBy.edges.filter((e: any) => e.node.adminOf).map((e: any) => e.node.adminOf.name)).toEqual(Array(partnerAdmins).fill("府山物业联合会"));

    // Public: anyone reads it on the station's public board; the other station's officer sees it too but not its statistics.
    const pub = await gql(app, `query ($s: ID!) { publicBulletins(stationId: $s, first: 5) { edges { node { id title } } } }`, { s: input.stationId }, null);
    expect(pub.data!.publicBulletins.edges[0].node).toEqual({ id: b.id, title: "近期电信诈骗高发" });
    expect((await gql(app, STATS, { id: b.id }, otherOfficer)).data!.node.readStats).toBeNull();
  });

  it("counts reads by the teams and partners people were in when it was published, and lists every recipient who has not read it, partners' admins labelled by their partner", async () => {
    const property = await prisma.partner.findFirstOrThrow({ where: { name: "府山物业联合会" } });
    const squad = demo.squads[1]!;
    const PAGED = `query ($id: ID!, $after: String) { node(id: $id) { ... on Bulletin { readStats { recipients read unread byTeam { name recipients read } byPartner { name recipients read }
      notReadBy(first: 7, after: $after) { edges { node { displayName adminOf { name } } } pageInfo { hasNextPage endCursor } } } } } }`;
    const statsOf = async (id: string) => {
      const names: { displayName: string; adminOf: { name: string } | null }[] = [];
      let after: string | null = null;
      for (;;) {
        const st: any = (await gql(app, PAGED, { id, after }, officer)).data!.node.readStats;
        names.push(...st.notReadBy.edges.map((e: any) => e.node));
        if (!st.notReadBy.pageInfo.hasNextPage) return { ...st, notReadBy: names };
        after = st.notReadBy.pageInfo.endCursor;
      }
    };
    const res = await gql(app, PUBLISH, { input: { stationId: gid("Station", demo.fushan.id), title: "阅读统计按发送时", body: "……", category: "NOTICE", audience: { squadIds: [gid("Squad", squad.id)], partnerIds: [gid("Partner", property.id)] } } }, officer);
    const b = res.data!.publishBulletin.bulletin;
    const admins = await prisma.accountRole.findMany({ where: { partnerId: property.id, role: "PARTNER_ADMIN" }, include: { account: true } });
    expect(admins.length).toBeGreaterThan(0);
    const published = await statsOf(b.id);
    expect(published.byTeam).toEqual([{ name: "好邻舍义警", recipients: b.recipientCount - admins.length, read: 0 }]);
    expect(published.notReadBy.length).toBe(b.recipientCount);
    expect(published.notReadBy.filter((n: any) => n.adminOf)).toEqual(admins.map((a) => ({ displayName: a.account.displayName, adminOf: { name: "府山物业联合会" } })));

    // After it was sent: one recipient joins another team and leaves 好邻舍义警, one reads it.
    const members = await prisma.squadMembership.findMany({ where: { squadId: squad.id, role: "MEMBER", volunteer: { account: { isNot: null } } }, include: { volunteer: true }, take: 2, orderBy: { id: "asc" } });
    const [mover, reader] = members.map((m) => m.volunteer);
    const team = (await gql(app, `mutation ($input: CreateTeamInput!) { createTeam(input: $input) { team { id } } }`, { input: { stationId: gid("Station", demo.fushan.id), name: "后来的队" } }, officer)).data!.createTeam.team.id;
    try {
      expect((await gql(app, `mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { userErrors { code } } }`, { input: { teamId: team, volunteerId: gid("Volunteer", mover!.id), role: "MEMBER" } }, officer)).data!.addTeamMember.userErrors).toEqual([]);
      await prisma.teamMembership.updateMany({ where: { volunteerId: mover!.id, teamId: demo.haolinshe.id }, data: { status: "LEFT" } });
      await prisma.teamMembership.deleteMany({ where: { volunteerId: reader!.id, teamId: demo.haolinshe.id } }); // as if the row were gone
      const readerAccount = await prisma.account.findUniqueOrThrow({ where: { volunteerId: reader!.id } });
      await prisma.notification.updateMany({ where: { accountId: readerAccount.id, subjectId: rawId(b.id), kind: "BULLETIN" }, data: { readAt: new Date() } });
      const later = await statsOf(b.id);
      expect(later.byTeam).toEqual([{ name: "好邻舍义警", recipients: b.recipientCount - admins.length, read: 1 }]);
      expect(later).toMatchObject({ recipients: b.recipientCount, read: 1, unread: b.recipientCount - 1 });
      expect(later.notReadBy.length).toBe(later.unread);
      expect(later.notReadBy.map((n: any) => n.displayName)).not.toContain(reader!.displayName);
      expect(later.notReadBy.map((n: any) => n.displayName)).toContain(mover!.displayName);
    } finally {
      await prisma.teamMembership.updateMany({ where: { volunteerId: mover!.id, teamId: demo.haolinshe.id }, data: { status: "ACTIVE" } });
      await prisma.teamMembership.create({ data: { volunteerId: reader!.id, teamId: demo.haolinshe.id } }).catch(() => undefined);
      await prisma.teamMembership.deleteMany({ where: { teamId: rawId(team) } });
    }
  });

  it("keeps a non-public bulletin inside the station", async () => {
    const res = await gql(app, PUBLISH, { input: { stationId: gid("Station", demo.fushan.id), title: "内部通知", body: "周五例会", category: "NOTICE", audience: { wholeStation: true } } }, officer);
    const b = res.data!.publishBulletin.bulletin;
    expect(b.recipientCount).toBe(await prisma.account.count({ where: { volunteer: { status: "ACTIVE", teams: { some: { team: { stationId: demo.fushan.id } } } } } }));
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: b.id }, otherOfficer)).data!.node).toBeNull();
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: b.id }, null)).data!.node).toBeNull();
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: b.id }, tok(phones[0]!))).data!.node).not.toBeNull();
  });
});

describe("every notice in both languages", () => {
  // Each was once written in Chinese only. The names in them are data, made ASCII here so that any
  // Chinese left in the English text is the notice's own.
  it("membership approved and rejected, a volunteer's status, a role granted and revoked: English to an English client", async () => {
    const { station, officer: stationOfficer, team } = await createStation();
    await prisma.station.update({ where: { id: station.id }, data: { name: `Station ${station.id.slice(-6)}` } });
    await prisma.team.update({ where: { id: team.id }, data: { name: `Team ${team.id.slice(-6)}` } });
    const partner = await prisma.partner.create({ data: { stationId: station.id, name: `Partner ${station.id.slice(-6)}`, kind: "ENTERPRISE" } });
    const [member, applicant, refused] = await createVolunteers(3, { teamId: team.id });
    await prisma.teamMembership.updateMany({ where: { volunteerId: { in: [applicant!.id, refused!.id] } }, data: { status: "PENDING" } });
    const membership = async (p: Person) => gid("TeamMembership", (await prisma.teamMembership.findFirstOrThrow({ where: { volunteerId: p.id } })).id);
    const ok = async (query: string, input: Record<string, unknown>) => {
      const r = await gql(app, query, { input }, stationOfficer.token);
      expect(r.errors).toBeUndefined();
      expect(Object.values(r.data!)[0].userErrors).toEqual([]);
      return Object.values(r.data!)[0];
    };
    await ok(`mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { userErrors { code } } }`, { stationId: gid("Station", station.id), volunteerIds: [gid("Volunteer", member!.id)], status: "SUSPENDED", reason: "reason one" });
    await ok(`mutation ($input: ApproveMembershipInput!) { approveMembership(input: $input) { userErrors { code } } }`, { membershipId: await membership(applicant!) });
    await ok(`mutation ($input: RejectMembershipInput!) { rejectMembership(input: $input) { userErrors { code } } }`, { membershipId: await membership(refused!), reason: "reason two" });
    // The member's account is in use: the role waits for the code the officer hands over, and is taken up with it.
    const granted = await ok(`mutation ($input: GrantRoleInput!) { grantRole(input: $input) { assignment { id } activationCode confirmationNeeded userErrors { code } } }`, { role: "PARTNER_ADMIN", partnerId: gid("Partner", partner.id), phone: member!.phone, displayName: "Admin" });
    expect(granted).toMatchObject({ assignment: null, confirmationNeeded: true });
    const offerId = (await gql(app, `{ viewer { pendingRoleOffers { id } } }`, {}, member!.token)).data!.viewer.pendingRoleOffers[0].id;
    const confirmed = await gql(app, `mutation ($input: ConfirmRoleOfferInput!) { confirmRoleOffer(input: $input) { assignment { id } userErrors { code } } }`, { input: { offerId, code: granted.activationCode } }, member!.token);
    expect(confirmed.data!.confirmRoleOffer.userErrors).toEqual([]);
    await ok(`mutation ($input: RevokeRoleInput!) { revokeRole(input: $input) { revokedId userErrors { code } } }`, { assignmentId: confirmed.data!.confirmRoleOffer.assignment.id });
    await settled();

    const read = async (p: Person, language: string) => {
      const res = await fetch(`${app.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${p.token}`, "accept-language": language },
        body: JSON.stringify({ query: `{ viewer { notifications(first: 10) { edges { node { kind title body } } } } }` }),
      });
      const json = (await res.json()) as { data: { viewer: { notifications: { edges: { node: { kind: string; title: string; body: string } }[] } } } };
      return json.data.viewer.notifications.edges.map((e) => e.node);
    };
    const han = /\p{Script=Han}|[：，。！（）]/u;
    const en = [...(await read(member!, "en")), ...(await read(applicant!, "en")), ...(await read(refused!, "en"))];
    expect(en.map((n) => n.kind).sort()).toEqual(["MEMBERSHIP_APPROVED", "MEMBERSHIP_REJECTED", "MEMBERSHIP_STATUS_CHANGED", "OTHER", "OTHER"]);
    for (const n of en) expect(`${n.title} ${n.body}`, n.kind).not.toMatch(han);
    const zh = [...(await read(member!, "zh-CN")), ...(await read(applicant!, "zh-CN")), ...(await read(refused!, "zh-CN"))];
    for (const n of zh) expect(n.title, n.kind).toMatch(han);
    expect(en.map((n) => n.title).sort()).toEqual([
      `You are appointed partner admin of Partner ${station.id.slice(-6)}: confirm it`,
      `You joined Team ${team.id.slice(-6)}`,
      `Your request to join Team ${team.id.slice(-6)} was not approved`,
      `Your rights as partner admin of Partner ${station.id.slice(-6)} were revoked`,
      `Your status at Station ${station.id.slice(-6)}: suspended`,
    ]);
  });
});

describe("approvals and memberships", () => {
  const kindsAbout = async (phone: string, subjectId: string) =>
    (await readInbox({}, tok(phone))).data!.viewer.notifications.edges.filter((e: any) => e.node.subjectId === subjectId).map((e: any) => e.node.kind);

  it("tells a volunteer an officer added to a team and a squad, once however often the officer adds", async () => {
    const p = phones[11]!;
    const v = await demo.volunteer(p);
    const team = (await gql(app, `mutation ($input: CreateTeamInput!) { createTeam(input: $input) { team { id } userErrors { code } } }`, { input: { stationId: gid("Station", demo.fushan.id), name: "通知测试队" } }, officer)).data!.createTeam.team.id;
    const squad = (await gql(app, `mutation ($input: CreateSquadInput!) { createSquad(input: $input) { squad { id } userErrors { code } } }`, { input: { teamId: team, name: "通知测试小队", specialty: "TRAFFIC" } }, officer)).data!.createSquad.squad.id;
    const ADD_TEAM = `mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { userErrors { code } } }`;
    const ADD_SQUAD = `mutation ($input: AddSquadMemberInput!) { addSquadMember(input: $input) { userErrors { code } } }`;
    for (let i = 0; i < 2; i++) {
      expect((await gql(app, ADD_TEAM, { input: { teamId: team, volunteerId: gid("Volunteer", v.id), role: "MEMBER" } }, officer)).data!.addTeamMember.userErrors).toEqual([]);
      expect((await gql(app, ADD_SQUAD, { input: { squadId: squad, volunteerId: gid("Volunteer", v.id) } }, officer)).data!.addSquadMember.userErrors).toEqual([]);
    }
    expect(await kindsAbout(p, team)).toEqual(["MEMBERSHIP_APPROVED"]);
    expect(await kindsAbout(p, squad)).toEqual(["MEMBERSHIP_APPROVED"]);
  });

  it("tells the volunteer a good deed was approved or rejected", async () => {
    const p = phones[10]!;
    const v = await demo.volunteer(p);
    const SUBMIT = `mutation ($input: SubmitGoodDeedInput!) { submitGoodDeed(input: $input) { goodDeed { id } userErrors { code } } }`;
    const submit = async (title: string) =>
      (await gql(app, SUBMIT, { input: { teamId: teamGid(demo.haolinshe.id), volunteerId: gid("Volunteer", v.id), category: "LOST_PROPERTY_RETURNED", title, story: "在府山公园拾到钱包，交还失主。", occurredAt: inMinutes(-60 * 24) } }, tok(p))).data!.submitGoodDeed.goodDeed.id as string;
    const [good, bad] = [await submit("拾金不昧"), await submit("重复上报")];
    expect((await gql(app, `mutation ($input: ApproveGoodDeedInput!) { approveGoodDeed(input: $input) { userErrors { code } } }`, { input: { goodDeedId: good, points: 10 } }, officer)).data!.approveGoodDeed.userErrors).toEqual([]);
    expect((await gql(app, `mutation ($input: RejectGoodDeedInput!) { rejectGoodDeed(input: $input) { userErrors { code } } }`, { input: { goodDeedId: bad, reason: "与上一条重复" } }, officer)).data!.rejectGoodDeed.userErrors).toEqual([]);
    expect(await kindsAbout(p, good)).toEqual(["GOOD_DEED_APPROVED"]);
    expect(await kindsAbout(p, bad)).toEqual(["GOOD_DEED_REJECTED"]);
  });
});
