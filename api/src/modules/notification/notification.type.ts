import { encodeGlobalID } from "@pothos/plugin-relay";
import { check, receivableNoticeKinds } from "../../auth/policy.js";
import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import { deliveryHorizon, encodeCursor } from "../../events/stored-stream.js";
import type { Notification as NotificationRow } from "../../generated/prisma/client.js";
import { Viewer } from "../account/account.type.js";
import { calendarFeedUrl } from "./calendar.js";
import { DEFAULT_PREFERENCES, pendingNotices, preferencesOf, unreadCount, URGENT_KINDS, type Preferences } from "./notification.service.js";
import { localize } from "../../i18n.js";
import type { Context } from "../../context.js";
import { E, enumValues } from "../../lib/enums.js";

export const NOTIFICATION_KINDS = enumValues(E.NotificationKind);

export const NotificationKind = builder.enumType(E.NotificationKind, {
  name: "NotificationKind",
  values: {
    WAITLIST_PROMOTED: { description: "候补转正: a seat freed up and is yours" },
    SHIFT_REMINDER: { description: "班次提醒: your shift starts soon" },
    SHIFT_CANCELLED: { description: "班次取消" },
    SHIFT_CHANGED: { description: "班次时间变更" },
    SHIFT_ASSIGNED: { description: "被安排到班次" },
    SHIFT_REMOVED: { description: "被移出班次" },
    GOOD_DEED_APPROVED: { description: "好人好事审核通过" },
    GOOD_DEED_REJECTED: { description: "好人好事未通过" },
    BOARD_PUBLISHED: { description: "表扬榜发布，榜上有你" },
    BULLETIN: { description: "警情提醒单" },
    MOBILIZATION: { description: "一键召集: you are called up" },
    MOBILIZATION_CLOSED: { description: "召集结束" },
    AGREEMENT_TO_SIGN: { description: "共建协议待签署" },
    MEMBERSHIP_REQUESTED: { description: "有人通过邀请申请入队，待审核" },
    MEMBERSHIP_APPROVED: { description: "入队申请通过" },
    MEMBERSHIP_REJECTED: { description: "入队申请未通过" },
    MEMBERSHIP_STATUS_CHANGED: { description: "你在本所的状态变更（暂停、恢复、退出）" },
    ENROLLMENT: { description: "派出所登记了你的手机号" },
    PATROL_REPORT_UPDATED: { description: "巡防上报有进展" },
    PATROL_REPORT_ASSIGNED: { description: "巡逻发现（隐患）分派给你处理" },
    HOME_WATCH_REQUESTED: { description: "新的长假照看申请待审批" },
    HOME_WATCH_PROBLEM: { description: "看家护院发现问题" },
    MEDIATION_ASSIGNED: { description: "调解案件指派给你" },
    OTHER: { description: "其他" },
  } as const,
});

export const SmsStatus = builder.enumType(E.SmsStatus, {
  name: "SmsStatus",
  values: {
    PENDING: { description: "待发送（或等待免打扰时段结束、等待重试）" },
    SENDING: { description: "发送中" },
    SENT: { description: "已发送" },
    FAILED: { description: "发送失败" },
    OVER_BUDGET: { description: "超出本所当日短信额度，未发送" },
  } as const,
});

/** A notification as the stream hands it out, or a row read from the inbox. */
export type NotificationShape = NotificationRow & { streamCursor?: string };

/**
 * What the fields show, as GraphQL serializes it: the resolvers below and the direct answers of
 * `notificationReceived` (notification.subscriptions.ts) use the same functions.
 */
export const notificationFields = {
  id: (n: NotificationShape) => encodeGlobalID("Notification", String(n.id)),
  kind: (n: NotificationShape) => n.kind,
  // Stored in both languages (msg()); people's own text (a bulletin) passes unchanged.
  title: (n: NotificationShape, ctx: Pick<Context, "locale">) => localize(n.title, ctx.locale),
  body: (n: NotificationShape, ctx: Pick<Context, "locale">) => localize(n.body, ctx.locale),
  link: (n: NotificationShape) => n.link,
  subjectId: (n: NotificationShape) => (n.subjectType && n.subjectId ? encodeGlobalID(n.subjectType, n.subjectId) : null),
  createdAt: (n: NotificationShape) => n.createdAt.toISOString(),
  read: (n: NotificationShape) => n.readAt !== null,
  readAt: (n: NotificationShape) => n.readAt?.toISOString() ?? null,
  cursor: (n: NotificationShape) => n.streamCursor ?? encodeCursor({ xid: n.xid, id: n.id }),
  // Not smsStatus: a stream row has no SMS row, and executing it loads one.
};

export const Notification = builder.prismaNode("Notification", {
  id: { field: "id" },
  description: "通知: one message in the viewer's inbox",
  authScopes: (n) => ({ policy: check("notification.read", { accountId: n.accountId }) }),
  fields: (t) => ({
    kind: t.field({ type: NotificationKind, resolve: (n) => notificationFields.kind(n) }),
    title: t.string({ resolve: (n, _a, ctx) => notificationFields.title(n, ctx) }),
    body: t.string({ resolve: (n, _a, ctx) => notificationFields.body(n, ctx) }),
    link: t.string({ nullable: true, description: "A path in the web app, e.g. /callups/<id>", resolve: (n) => notificationFields.link(n) }),
    subjectId: t.id({
      nullable: true,
      description: "Global ID of what it is about (a Mobilization, a Bulletin, a Shift …)",
      resolve: (n) => notificationFields.subjectId(n),
    }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    read: t.boolean({ resolve: (n) => notificationFields.read(n) }),
    readAt: t.expose("readAt", { type: "DateTime", nullable: true }),
    cursor: t.string({
      description: "Pass as `since` to notificationReceived to get what came after this one (commit order)",
      resolve: (n) => notificationFields.cursor(n),
    }),
    smsStatus: t.field({
      type: SmsStatus,
      nullable: true,
      description: "Delivery by SMS, when the person wants this kind by SMS",
      // The inbox loads `sms` with its rows; a call-up notice told by its wave's announcement and not
      // stored yet (pendingNotices) has none, and no row to load it from: asked only when absent.
      resolve: async (n) => {
        const r = n as typeof n & { sms?: { status: (typeof SmsStatus.$inferType) } | null };
        if (r.sms !== undefined) return r.sms?.status ?? null;
        return (await prisma.smsMessage.findUnique({ where: { notificationId: n.id }, select: { status: true } }))?.status ?? null;
      },
    }),
  }),
});

const KindPreference = builder.objectRef<{ kind: (typeof NOTIFICATION_KINDS)[number]; inApp: boolean; sms: boolean; urgent: boolean }>("NotificationKindPreference").implement({
  fields: (t) => ({
    kind: t.field({ type: NotificationKind, resolve: (p) => p.kind }),
    inApp: t.exposeBoolean("inApp"),
    sms: t.exposeBoolean("sms"),
    urgent: t.exposeBoolean("urgent", { description: "Always shown in the app and sent by SMS even in quiet hours (call-ups)" }),
  }),
});

const hhmm = (m: number | null) => (m == null ? null : `${String(Math.floor(m / 60)).padStart(2, "0")}:${String(m % 60).padStart(2, "0")}`);

export const NotificationPreferences = builder.objectRef<Preferences>("NotificationPreferences").implement({
  description: "How the viewer wants to be told, per kind; quiet hours hold SMS back (call-ups excepted)",
  fields: (t) => ({
    kinds: t.field({
      type: [KindPreference],
      description: "The kinds that can reach the viewer (by their roles), in the order of NotificationKind",
      resolve: async (p, _a, ctx) => {
        const v = ctx.viewer;
        const mediator = !!v?.volunteerId && (await prisma.mediator.count({ where: { volunteerId: v.volunteerId, active: true } })) > 0;
        const theirs = new Set(receivableNoticeKinds(v, { mediator }));
        return NOTIFICATION_KINDS.filter((kind) => theirs.has(kind)).map((kind) => ({ kind, inApp: !p.inAppOff.includes(kind), sms: p.smsOn.includes(kind), urgent: URGENT_KINDS.includes(kind) }));
      },
    }),
    quietHoursFrom: t.string({ nullable: true, description: "HH:MM, Asia/Shanghai", resolve: (p) => hhmm(p.quietFrom) }),
    quietHoursUntil: t.string({ nullable: true, description: "HH:MM, Asia/Shanghai", resolve: (p) => hhmm(p.quietUntil) }),
  }),
});

builder.objectFields(Viewer, (t) => ({
  notifications: t.connection({
    type: Notification,
    description: "The inbox, newest first",
    args: { unreadOnly: t.arg.boolean({ defaultValue: false }) },
    resolve: async (v, args) => {
      const first = args.first ?? 20;
      const after = args.after ? decodeInboxCursor(args.after) : null;
      // Only rows every reader has handed out (below the delivery horizon): the newest cursor shown
      // is a safe `since` for notificationReceived.
      const horizon = await deliveryHorizon();
      const rows = await prisma.notification.findMany({
        where: { accountId: v.accountId, xid: { lt: horizon }, ...(args.unreadOnly ? { readAt: null } : {}), ...(after !== null ? { id: { lt: after } } : {}) },
        include: { sms: { select: { status: true } } },
        orderBy: { id: "desc" },
        take: first + 1,
      });
      // With the call-up notices told by an announcement and not stored yet: else a phone taking the
      // newest cursor shown as `since` would skip them (their place in the stream is below it).
      const pending = await pendingNotices(v.accountId, { horizon, beforeId: after, take: first + 1 });
      if (pending.length) rows.push(...(pending as unknown as typeof rows)), rows.sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0)), rows.splice(first + 1);
      const page = rows.slice(0, first);
      return {
        edges: page.map((n) => ({ cursor: inboxCursor(n.id), node: n })),
        pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: after !== null, startCursor: page[0] ? inboxCursor(page[0].id) : null, endCursor: page.at(-1) ? inboxCursor(page.at(-1)!.id) : null },
      };
    },
  }),
  unreadNotificationCount: t.int({ resolve: (v) => unreadCount(v.accountId) }),
  notificationPreferences: t.field({
    type: NotificationPreferences,
    resolve: async (v) => (await preferencesOf(prisma, [v.accountId])).get(v.accountId) ?? DEFAULT_PREFERENCES,
  }),
  calendarFeedUrl: t.string({
    nullable: true,
    description: "Secret iCal feed of the viewer's shifts (volunteers); absolute when PUBLIC_URL is set, else a path. Anyone with it can read the feed: reset it with resetCalendarFeed",
    resolve: async (v) => {
      if (!v.volunteerId) return null;
      const a = await prisma.account.findUniqueOrThrow({ where: { id: v.accountId }, select: { calendarFeedVersion: true } });
      return calendarFeedUrl(v.accountId, a.calendarFeedVersion);
    },
  }),
}));

// The row-id cursor format of Pothos prisma connections, which enforcePageSizeLimit (graphql/limits.ts)
// already checked before the resolver runs.
const inboxCursor = (id: bigint) => Buffer.from(`GPC:N:${id}`).toString("base64");
function decodeInboxCursor(c: string): bigint {
  return BigInt(Buffer.from(c, "base64").toString("utf8").slice(6));
}
