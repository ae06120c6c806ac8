// 通知: services write a notification in the same transaction as what caused it. Delivery reads the
// stored rows, so nothing is lost when the app is closed: the inbox lists them, `notificationReceived`
// streams them in commit order (notification.stream.ts), and those a person wants by SMS get an
// outbox row in the same transaction (sms.service.ts sends it once).
import { clock } from "../../clock.js";
import { prisma, type Tx } from "../../db.js";
import { Prisma, type NotificationKind, type Notification as NotificationRow } from "../../generated/prisma/client.js";
import { notificationStream } from "./notification.stream.js";
import { wakeSmsSender } from "./sms.service.js";
import { msg, type Msg } from "../../i18n.js";

export interface NotifyInput {
  accountId: string;
  stationId?: string | null;
  kind: NotificationKind;
  /** msg("中文", "English") (or joinMsg): stored with both, shown in the reader's language. */
  title: Msg;
  body?: Msg;
  link?: string | null;
  /** What it is about: a Node type name and the row's id (e.g. "Mobilization", its id). */
  subject?: { type: string; id: string } | null;
}

const WHEN = new Intl.DateTimeFormat("zh-CN", { timeZone: "Asia/Shanghai", month: "numeric", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false });
const WHEN_EN = new Intl.DateTimeFormat("en-GB", { timeZone: "Asia/Shanghai", month: "short", day: "numeric", weekday: "short", hour: "2-digit", minute: "2-digit", hour12: false });
/** "11月27日周五 13:00" / "Fri 27 Nov, 13:00" (msg()) — times in notifications are Asia/Shanghai, like everything shown. */
export function when(d: Date): Msg {
  return msg(WHEN.format(d).replace(/\s+/g, ""), WHEN_EN.format(d));
}

/** Kinds sent by SMS unless the person says otherwise (SMS costs the station; keep it to what is urgent). */
export const DEFAULT_SMS_KINDS: NotificationKind[] = ["MOBILIZATION", "WAITLIST_PROMOTED", "SHIFT_CANCELLED"];
/** A call-up always shows in the app and by SMS ignores quiet hours. */
export const URGENT_KINDS: NotificationKind[] = ["MOBILIZATION"];

export interface Preferences {
  inAppOff: NotificationKind[];
  smsOn: NotificationKind[];
  quietFrom: number | null;
  quietUntil: number | null;
}
export const DEFAULT_PREFERENCES: Preferences = { inAppOff: [], smsOn: DEFAULT_SMS_KINDS, quietFrom: null, quietUntil: null };

const SHANGHAI_OFFSET_MIN = 8 * 60; // no daylight saving time

/** Minutes after midnight in Asia/Shanghai. */
const shanghaiMinutes = (d: Date) => (Math.floor(d.getTime() / 60_000) + SHANGHAI_OFFSET_MIN) % 1440;

export function inQuietHours(p: Pick<Preferences, "quietFrom" | "quietUntil">, at: Date): boolean {
  if (p.quietFrom == null || p.quietUntil == null || p.quietFrom === p.quietUntil) return false;
  const m = shanghaiMinutes(at);
  return p.quietFrom < p.quietUntil ? m >= p.quietFrom && m < p.quietUntil : m >= p.quietFrom || m < p.quietUntil;
}

/** The first instant at or after `at` outside quiet hours. */
export function afterQuietHours(p: Pick<Preferences, "quietFrom" | "quietUntil">, at: Date): Date {
  if (!inQuietHours(p, at)) return at;
  const m = shanghaiMinutes(at);
  const wait = (p.quietUntil! - m + 1440) % 1440;
  const d = new Date(Math.floor(at.getTime() / 60_000) * 60_000 + wait * 60_000);
  return d;
}

export async function preferencesOf(db: Tx | typeof prisma, accountIds: string[]): Promise<Map<string, Preferences>> {
  if (!accountIds.length) return new Map();
  const rows = await db.notificationSettings.findMany({ where: { accountId: { in: accountIds } } });
  return new Map(rows.map((r) => [r.accountId, r]));
}

/**
 * Writes notifications (and their SMS outbox rows) in the caller's transaction. Call `delivered()`
 * after the transaction commits (`prisma.$transaction(…).then(thenDelivered)`) so that open apps get
 * them at once, not at the next poll (EVENTS_POLL_MS); test/notices-delivered.test.ts checks each module does.
 */
export async function notify(db: Tx | typeof prisma, n: NotifyInput | NotifyInput[]): Promise<number> {
  const rows = Array.isArray(n) ? n : [n];
  if (!rows.length) return 0;
  const now = clock.now();
  const prefs = await preferencesOf(db, [...new Set(rows.map((r) => r.accountId))]);
  const pref = (accountId: string) => prefs.get(accountId) ?? DEFAULT_PREFERENCES;
  // One statement per table whatever the number of rows (a call-up writes 15,000): Prisma's createMany
  // spent seconds per thousand rows building and mapping them; unnest() takes each column as one array.
  const cols = rows.map((r) => {
    const silent = !URGENT_KINDS.includes(r.kind) && pref(r.accountId).inAppOff.includes(r.kind);
    return { ...r, silent, readAt: silent ? now : null };
  });
  const created = await db.$queryRaw<{ id: bigint; accountId: string; stationId: string | null; kind: NotificationKind }[]>`
    INSERT INTO "Notification" ("accountId", "stationId", kind, title, body, link, "subjectType", "subjectId", silent, "readAt", "createdAt")
    SELECT a, s, k, t, b, l, st, si, sl, ra, ${now}::timestamptz
    FROM unnest(
      ${cols.map((c) => c.accountId)}::uuid[], ${cols.map((c) => c.stationId ?? null)}::uuid[], ${cols.map((c) => c.kind)}::"NotificationKind"[],
      ${cols.map((c) => c.title)}::text[], ${cols.map((c) => c.body ?? "")}::text[], ${cols.map((c) => c.link ?? null)}::text[],
      ${cols.map((c) => c.subject?.type ?? null)}::text[], ${cols.map((c) => c.subject?.id ?? null)}::uuid[], ${cols.map((c) => c.silent)}::boolean[],
      ${cols.map((c) => c.readAt)}::timestamptz[]
    ) AS n(a, s, k, t, b, l, st, si, sl, ra)
    RETURNING id, "accountId", "stationId", kind`;
  const sms = created.filter((c) => pref(c.accountId).smsOn.includes(c.kind));
  if (sms.length) {
    await db.$executeRaw`
      INSERT INTO "SmsMessage" ("notificationId", "accountId", "stationId", kind, urgent, "nextAttemptAt")
      SELECT * FROM unnest(
        ${sms.map((c) => c.id)}::bigint[], ${sms.map((c) => c.accountId)}::uuid[], ${sms.map((c) => c.stationId)}::uuid[],
        ${sms.map((c) => c.kind)}::"NotificationKind"[], ${sms.map((c) => URGENT_KINDS.includes(c.kind))}::boolean[],
        ${sms.map((c) => (URGENT_KINDS.includes(c.kind) ? now : afterQuietHours(pref(c.accountId), now)))}::timestamptz[]
      )`;
  }
  return created.length;
}

/**
 * `notify` for an urgent kind and a recipient list that PostgreSQL computes (`recipients` selects
 * id, xid, "accountId", body and "createdAt": a call-up's notices are stored at the ids and the place
 * in the stream that its announcement reserved): the rows never travel through the API. A call-up's 15,000 notifications and
 * SMS rows are two statements' work in the database; through `notify` its arrays cost seconds of CPU in
 * the API. Urgent kinds are never silent and ignore quiet hours, so the person's settings decide only
 * whether an SMS goes out — the same rule as `notify`.
 */
export async function notifyUrgent(
  db: Tx,
  n: {
    kind: NotificationKind;
    stationId: string | null;
    title: Msg;
    link: string | null;
    subject: { type: string; id: string } | null;
    recipients: Prisma.Sql;
    /** Further top-level CTEs `recipients` may select from (a data-modifying one cannot be nested). */
    before?: Prisma.Sql;
    /** false: the rows only, no SMS (a call-up closed before its notices were stored: texting "come now" would be wrong). */
    sms?: boolean;
  },
): Promise<number> {
  if (!URGENT_KINDS.includes(n.kind)) throw new Error(`notifyUrgent: ${n.kind} is not urgent`);
  const now = clock.now();
  const [row] = await db.$queryRaw<{ notified: number }[]>`
    WITH ${n.before ? Prisma.sql`${n.before},` : Prisma.empty} r AS (${n.recipients}),
    created AS (
      INSERT INTO "Notification" (id, xid, "accountId", "stationId", kind, title, body, link, "subjectType", "subjectId", silent, "readAt", "createdAt")
      SELECT r.id, r.xid, r."accountId", ${n.stationId}::uuid, ${n.kind}::"NotificationKind", ${n.title}, r.body, ${n.link}, ${n.subject?.type ?? null}, ${n.subject?.id ?? null}::uuid, false, NULL, r."createdAt"
      FROM r
      -- A notice its person read before its batch came is stored already (markRead): kept, not texted.
      ON CONFLICT (id) DO NOTHING
      RETURNING id, "accountId"
    ),
    sms AS (
      INSERT INTO "SmsMessage" ("notificationId", "accountId", "stationId", kind, urgent, "nextAttemptAt")
      SELECT c.id, c."accountId", ${n.stationId}::uuid, ${n.kind}::"NotificationKind", true, ${now}::timestamptz
      FROM created c LEFT JOIN "NotificationSettings" s ON s."accountId" = c."accountId"
      WHERE ${n.sms !== false} AND CASE WHEN s."accountId" IS NULL THEN ${DEFAULT_PREFERENCES.smsOn.includes(n.kind)} ELSE ${n.kind}::"NotificationKind" = ANY(s."smsOn") END
    )
    SELECT count(*)::int AS notified FROM created`;
  return row!.notified;
}

/** After the writing transaction committed: readers of every process read now, the SMS sender sends. */
export function delivered(): void {
  notificationStream.notify();
  wakeSmsSender();
}

/** `prisma.$transaction(…).then(thenDelivered)`: `delivered()` once the transaction that notified committed, its result passed on. */
export function thenDelivered<T>(result: T): T {
  delivered();
  return result;
}

/** The accounts of volunteers (volunteers without an account are skipped: they have no inbox). */
export async function accountsOf(db: Tx | typeof prisma, volunteerIds: string[]): Promise<Map<string, string>> {
  if (!volunteerIds.length) return new Map();
  const rows = await db.account.findMany({ where: { volunteerId: { in: volunteerIds }, disabled: false }, select: { id: true, volunteerId: true } });
  return new Map(rows.map((r) => [r.volunteerId!, r.id]));
}

/** Notifies volunteers (through their accounts); the same message for each. */
export async function notifyVolunteers(db: Tx, volunteerIds: string[], n: Omit<NotifyInput, "accountId">): Promise<number> {
  const accounts = await accountsOf(db, volunteerIds);
  return notify(db, [...accounts.values()].map((accountId) => ({ ...n, accountId })));
}

/**
 * SQL: the account's announced notices not stored yet, as `w` (the wave's row), `j.p` (the account's
 * place in it, found once with array_position rather than by unnesting 15,000) and `j.i` (the reserved id).
 */
const pendingFrom = (accountId: string) => Prisma.sql`
  FROM "NotificationWave" w CROSS JOIN LATERAL (SELECT p.p, w."noticeIds"[p.p] AS i FROM (SELECT array_position(w."accountIds", ${accountId}::uuid) AS p) p OFFSET 0) j
  WHERE j.p IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "Notification" x WHERE x.id = j.i)`;

/**
 * The account's notices told by a call-up wave's announcement whose rows are not stored yet (deliver
 * first, mobilization.service.ts), as the rows they will be: the inbox lists them (so its newest
 * cursor is still a safe `since`: nothing at or before it is missing), below `beforeId` if given.
 */
export async function pendingNotices(accountId: string, opts: { horizon: bigint; beforeId: bigint | null; take: number }) {
  const rows = await prisma.$queryRaw<Omit<NotificationRow, "accountId" | "silent" | "readAt">[]>`
    SELECT j.i AS id, w.xid, w."stationId"::text AS "stationId", w.kind, w.title, w.bodies[j.p] AS body, w.link, w."subjectType", w."subjectId"::text AS "subjectId", w."createdAt"
    ${pendingFrom(accountId)} AND w.xid < ${opts.horizon}
      AND (${opts.beforeId}::bigint IS NULL OR j.i < ${opts.beforeId}::bigint)
    ORDER BY j.i DESC LIMIT ${opts.take}`;
  return rows.map((r) => ({ ...r, accountId, silent: false, readAt: null, sms: null }));
}

/** SQL: the account's announced notices not stored yet, as (id, mobilizationId). */
const pendingOf = (accountId: string) => Prisma.sql`SELECT j.i AS id, w."mobilizationId" ${pendingFrom(accountId)}`;

/**
 * Stores now the account's announced notices among `ids` (all of them with null) that their batch has
 * not stored yet, so that marking them read sticks. No lock needed: the row's id is unique, so this
 * insert and a batch storing the same notice wait for each other and the second does nothing (the
 * batch keeps this row, and sends it no SMS: already read in the app); the marking follows.
 */
async function storePending(accountId: string, ids: bigint[] | null) {
  await prisma.$executeRaw`
    INSERT INTO "Notification" (id, xid, "accountId", "stationId", kind, title, body, link, "subjectType", "subjectId", silent, "readAt", "createdAt")
    SELECT j.i, w.xid, ${accountId}::uuid, w."stationId", w.kind, w.title, w.bodies[j.p], w.link, w."subjectType", w."subjectId", false, NULL, w."createdAt"
    ${pendingFrom(accountId)} AND (${ids === null} OR j.i = ANY(${ids ?? []}::bigint[]))
    ON CONFLICT (id) DO NOTHING`;
}

export async function markRead(accountId: string, input: { ids?: bigint[] | null; all?: boolean | null }): Promise<number> {
  const now = clock.now();
  if (input.all) {
    await storePending(accountId, null);
    const { count } = await prisma.notification.updateMany({ where: { accountId, readAt: null }, data: { readAt: now } });
    return count;
  }
  if (!input.ids?.length) return 0;
  await storePending(accountId, input.ids);
  // Someone else's notification ids are simply not the viewer's: nothing happens to them.
  const { count } = await prisma.notification.updateMany({ where: { accountId, id: { in: input.ids }, readAt: null }, data: { readAt: now } });
  return count;
}

/** The unread rows and the announced notices not stored yet (one statement: a batch storing them is counted once). */
export async function unreadCount(accountId: string): Promise<number> {
  const [row] = await prisma.$queryRaw<{ n: number }[]>`
    SELECT ((SELECT count(*) FROM "Notification" WHERE "accountId" = ${accountId}::uuid AND "readAt" IS NULL) + (SELECT count(*) FROM (${pendingOf(accountId)}) p))::int AS n`;
  return row!.n;
}

export async function updatePreferences(
  accountId: string,
  input: { kinds?: { kind: NotificationKind; inApp: boolean; sms: boolean }[] | null; quietFrom?: number | null; quietUntil?: number | null; clearQuietHours?: boolean | null },
): Promise<Preferences> {
  const current = (await preferencesOf(prisma, [accountId])).get(accountId) ?? DEFAULT_PREFERENCES;
  const inAppOff = new Set(current.inAppOff);
  const smsOn = new Set(current.smsOn);
  for (const k of input.kinds ?? []) {
    if (k.inApp || URGENT_KINDS.includes(k.kind)) inAppOff.delete(k.kind);
    else inAppOff.add(k.kind);
    if (k.sms) smsOn.add(k.kind);
    else smsOn.delete(k.kind);
  }
  const quiet = input.clearQuietHours
    ? { quietFrom: null, quietUntil: null }
    : input.quietFrom != null && input.quietUntil != null
      ? { quietFrom: input.quietFrom, quietUntil: input.quietUntil }
      : { quietFrom: current.quietFrom, quietUntil: current.quietUntil };
  const data = { inAppOff: [...inAppOff], smsOn: [...smsOn], ...quiet };
  return prisma.notificationSettings.upsert({ where: { accountId }, create: { accountId, ...data }, update: data });
}
