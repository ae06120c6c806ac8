// The header's badge: the unread count from the API, kept current by the live notification stream
// (one subscription for the whole app; pages that care about a kind subscribe to the same document,
// which urql shares).
import { toast } from "../components/Toast";
import { NotificationReceivedDocument, UnreadCountDocument } from "../gql/graphql";
import { tr } from "./i18n";
import { createEffect, on } from "solid-js";
import { afterIdle } from "./idle";
import { label } from "./labels";
import { createQuery, createSubscription } from "./query";
import { refreshOnReturn } from "./refresh";

/**
 * A call-up's notices to a large wave are stored a moment after the phones are told (deliver first, see
 * docs/performance.md): the count is asked for once they are, and thousands of phones do not all ask
 * in the same second.
 */
export const callUpCountDelay = { minMs: 3000, spreadMs: 3000 };

/** Runs `then` once the live notice is stored: at once, or for a call-up after the spread wait. Returns a cancel. */
export function whenStored(n: { kind: string }, then: () => void): () => void {
  if (n.kind !== "MOBILIZATION") {
    then();
    return () => {};
  }
  const timer = setTimeout(then, callUpCountDelay.minMs + Math.random() * callUpCountDelay.spreadMs);
  return () => clearTimeout(timer);
}

export function createUnreadBadge() {
  // The header is drawn with the page; its count (and the socket for the live stream) can wait a moment.
  const idle = afterIdle();
  const [count, refetch] = createQuery({ query: UnreadCountDocument, requestPolicy: "cache-and-network", pause: () => !idle() });
  // Notices the live stream did not bring (sent while the socket reopened, or while the phone slept) show
  // only in the count: say how many came, once the count says so. Those toasted live are not told again:
  // `toastedLive` are stored (the next answer counts them); `awaiting` are call-ups heard before their rows
  // may be stored (an answer may count them or not yet; their own wait turns them into toastedLive).
  let known: number | undefined;
  let toastedLive = 0;
  let awaiting = 0;
  createEffect(
    on(
      () => count.data?.viewer?.unreadNotificationCount,
      (n) => {
        if (n === undefined) return;
        const rose = known === undefined ? 0 : n - known;
        const unheard = rose - toastedLive - awaiting;
        if (unheard > 0) toast.info(tr(`收到 ${unheard} 条新通知`, `${unheard} new ${unheard === 1 ? "notice" : "notices"}`));
        awaiting = Math.max(0, awaiting - Math.max(0, rose - toastedLive));
        known = n;
        toastedLive = 0;
      },
    ),
  );
  createSubscription({ query: NotificationReceivedDocument, pause: () => !idle() }, (_prev: unknown, data) => {
    const n = data.notificationReceived;
    if (n.kind === "MOBILIZATION") {
      awaiting += 1;
      whenStored(n, () => {
        if (awaiting > 0) {
          awaiting -= 1;
          toastedLive += 1;
        }
        refetch({ requestPolicy: "network-only" });
      });
      // Its title says so already (一键召集：… / Call-up: …); it shows as an alert.
      toast.error(n.title);
    } else {
      toastedLive += 1;
      refetch({ requestPolicy: "network-only" });
      toast.info(`${label("NotificationKind", n.kind)}${tr("：", ": ")}${n.title}`);
    }
    return data;
  });
  const refresh = () => refetch({ requestPolicy: "network-only" });
  refreshOnReturn(refresh);
  return {
    unread: () => count.data?.viewer?.unreadNotificationCount ?? 0,
    refresh,
  };
}
