import { decodeGlobalID } from "@pothos/plugin-relay";
import { z } from "zod";
import { defineMutation } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { resetCalendarFeed } from "./calendar.js";
import { markRead, unreadCount, updatePreferences } from "./notification.service.js";
import { NOTIFICATION_KINDS, NotificationKind, NotificationPreferences } from "./notification.type.js";
import { builder } from "../../builder.js";

/** A Notification's global ID (its database id is a number). */
const notificationId = z.string().transform((value, ctx) => {
  try {
    const { typename, id } = decodeGlobalID(value);
    if (typename === "Notification" && /^\d{1,18}$/.test(id)) return BigInt(id);
  } catch {
    /* fall through */
  }
  ctx.addIssue({ code: "custom", message: msg("无效的编号", "Not a valid Notification ID") });
  return z.NEVER;
});

/** "HH:MM" → minutes after midnight. */
const clockTime = z
  .string()
  .trim()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$/, msg("时间格式为 HH:MM", "Use HH:MM"))
  .transform((s) => Number(s.slice(0, 2)) * 60 + Number(s.slice(3)));

defineMutation("markNotificationsRead", {
  description: "Marks the viewer's notifications read: the given ones, or all",
  inputFields: (t) => ({ ids: t.idList({ description: "Notifications to mark (others' IDs are ignored)" }), all: t.boolean() }),
  schema: z
    .object({ ids: z.array(notificationId).max(100).nullish(), all: z.boolean().nullish() })
    .refine((i) => i.all || i.ids?.length, { message: msg("请指定通知或全部", "Give `ids` or `all: true`"), path: ["ids"] }),
  resolve: async (input, ctx) => {
    const marked = await markRead(ctx.viewer!.accountId, input);
    return { marked, unreadCount: await unreadCount(ctx.viewer!.accountId) };
  },
  payloadFields: (t) => ({
    marked: t.int({ nullable: true, resolve: (p) => p.marked ?? null }),
    unreadCount: t.int({ nullable: true, resolve: (p) => p.unreadCount ?? null }),
  }),
});

const KindPreferenceInput = builder.inputType("NotificationKindPreferenceInput", {
  fields: (t) => ({
    kind: t.field({ type: NotificationKind, required: true }),
    inApp: t.boolean({ required: true }),
    sms: t.boolean({ required: true }),
  }),
});

defineMutation("updateNotificationPreferences", {
  description: "Per kind: in the app and/or by SMS; quiet hours (Asia/Shanghai) hold SMS back, except call-ups",
  inputFields: (t) => ({
    kinds: t.field({ type: [KindPreferenceInput] }),
    quietHoursFrom: t.string({ description: "HH:MM" }),
    quietHoursUntil: t.string({ description: "HH:MM" }),
    clearQuietHours: t.boolean(),
  }),
  schema: z
    .object({
      kinds: z.array(z.object({ kind: z.enum(NOTIFICATION_KINDS), inApp: z.boolean(), sms: z.boolean() })).max(NOTIFICATION_KINDS.length).nullish(),
      quietHoursFrom: clockTime.nullish(),
      quietHoursUntil: clockTime.nullish(),
      clearQuietHours: z.boolean().nullish(),
    })
    .refine((i) => (i.quietHoursFrom == null) === (i.quietHoursUntil == null), {
      message: msg("免打扰须同时给出开始和结束", "Give both ends of the quiet hours"),
      path: ["quietHoursUntil"],
    })
    // Equal ends would be stored and shown as quiet hours that hold nothing back.
    .refine((i) => i.quietHoursFrom == null || i.quietHoursFrom !== i.quietHoursUntil, {
      message: msg("免打扰的开始和结束不能相同", "Quiet hours must not start and end at the same time"),
      path: ["quietHoursUntil"],
    }),
  resolve: async (input, ctx) => ({
    preferences: await updatePreferences(ctx.viewer!.accountId, { kinds: input.kinds, quietFrom: input.quietHoursFrom, quietUntil: input.quietHoursUntil, clearQuietHours: input.clearQuietHours }),
  }),
  payloadFields: (t) => ({ preferences: t.field({ type: NotificationPreferences, nullable: true, resolve: (p) => p.preferences ?? null }) }),
});

defineMutation("resetCalendarFeed", {
  description: "A new secret calendar feed URL; the old one stops working at once",
  inputFields: (t) => ({ confirm: t.boolean({ required: true, description: "Must be true" }) }),
  schema: z.object({ confirm: z.literal(true, { error: msg("请确认", "Confirm with `confirm: true`") }) }),
  resolve: async (_input, ctx) => {
    if (!ctx.viewer!.volunteerId) {
      const { UserFacingError } = await import("../../graphql/errors.js");
      throw new UserFacingError("FORBIDDEN", msg("仅义警有班次日历", "Only volunteers have a shift calendar"));
    }
    return { calendarFeedUrl: await resetCalendarFeed(ctx.viewer!.accountId) };
  },
  payloadFields: (t) => ({ calendarFeedUrl: t.string({ nullable: true, resolve: (p) => p.calendarFeedUrl ?? null }) }),
});
