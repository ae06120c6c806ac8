// Notifications as a stored event stream keyed by account: every process reads new rows once and
// routes them to the subscriptions of each account; a subscriber carries everything a notification
// shows, so delivering one to 15,000 phones reads no row per phone.
import { defineStoredStream } from "../../events/stored-stream.js";

export type NotificationColumns = {
  stationId: string | null;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  subjectType: string | null;
  subjectId: string | null;
  silent: string;
  createdAt: string;
};

export const notificationStream = defineStoredStream<NotificationColumns>({
  name: "notifications",
  table: "Notification",
  key: "accountId",
  columns: ["stationId", "kind", "title", "body", "link", "subjectType", "subjectId", "silent", "createdAt"],
  // A call-up's wave: announced at once, the people's rows written after (mobilization.service.ts).
  fanout: { table: "NotificationWave", keys: "accountIds", ids: "noticeIds", keyType: "uuid", each: { body: "bodies" }, common: { silent: "false" } },
});
