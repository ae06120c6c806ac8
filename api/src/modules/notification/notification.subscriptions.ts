import { builder } from "../../builder.js";
import type { Notification as NotificationRow, NotificationKind } from "../../generated/prisma/client.js";
import type { StreamMessage } from "../../events/stored-stream.js";
import { notificationStream, type NotificationColumns } from "./notification.stream.js";
import { Notification, notificationFields, type NotificationShape } from "./notification.type.js";
import { can } from "../../auth/policy.js";
import { answerDirectly } from "../../graphql/shared-subscriptions.js";

/** A stored-stream message is the whole notification: no read per recipient. */
function fromMessage(m: StreamMessage<NotificationColumns>): NotificationRow & { streamCursor: string } {
  return {
    id: BigInt(m.id),
    xid: 0n,
    accountId: m.key,
    stationId: m.stationId,
    kind: m.kind as NotificationKind,
    title: m.title,
    body: m.body,
    link: m.link,
    subjectType: m.subjectType,
    subjectId: m.subjectId,
    silent: m.silent === "true",
    createdAt: new Date(`${m.createdAt.replace(" ", "T")}Z`),
    readAt: null,
    streamCursor: m.cursor,
  };
}

// The recipient is the viewer by construction (the stream is keyed by account): the policy is asked
// once per subscription, each row only checked to be the viewer's, and the selection answered
// without executing it — a call-up delivers thousands of these per process at once.
answerDirectly<NotificationShape>("notificationReceived", {
  typeName: "Notification",
  resolve: (m: StreamMessage<NotificationColumns>) => fromMessage(m),
  authorize: (ctx) => {
    const viewer = ctx.viewer;
    if (!viewer || !can(viewer, "notification.read", { accountId: viewer.accountId })) return null;
    return (n) => n.accountId === viewer.accountId;
  },
  fields: notificationFields,
});

builder.subscriptionField("notificationReceived", (t) =>
  t.field({
    type: Notification,
    description: "The viewer's new notifications as they are committed; with `since` (a notification's cursor) it first replays what came after it",
    args: { since: t.arg.string({ description: "Cursor of the last notification seen" }) },
    authScopes: { signedIn: true },
    subscribe: (_r, args, ctx) => notificationStream.subscribe(ctx.viewer!.accountId, args.since, (m) => m.silent !== "true"),
    resolve: (m: StreamMessage<NotificationColumns>) => fromMessage(m),
  }),
);
