// The header's badge: the unread count from the API, kept current by the live notification stream
// (one subscription for the whole app; pages that care about a kind subscribe to the same document,
// which urql shares).
import { toast } from "../components/Toast";
import { NotificationReceivedDocument, UnreadCountDocument } from "../gql/graphql";
import { tr } from "./i18n";
import { afterIdle } from "./idle";
import { label } from "./labels";
import { createQuery, createSubscription } from "./query";
import { refreshOnReturn } from "./refresh";

export function createUnreadBadge() {
  // The header is drawn with the page; its count (and the socket for the live stream) can wait a moment.
  const idle = afterIdle();
  const [count, refetch] = createQuery({ query: UnreadCountDocument, requestPolicy: "cache-and-network", pause: () => !idle() });
  createSubscription({ query: NotificationReceivedDocument, pause: () => !idle() }, (_prev: unknown, data) => {
    const n = data.notificationReceived;
    refetch({ requestPolicy: "network-only" });
    if (n.kind === "MOBILIZATION") toast.error(`${tr("紧急召集", "Call-up")}${tr("：", ": ")}${n.title}`);
    else toast.info(`${label("NotificationKind", n.kind)}${tr("：", ": ")}${n.title}`);
    return data;
  });
  const refresh = () => refetch({ requestPolicy: "network-only" });
  refreshOnReturn(refresh);
  return {
    unread: () => count.data?.viewer?.unreadNotificationCount ?? 0,
    refresh,
  };
}
