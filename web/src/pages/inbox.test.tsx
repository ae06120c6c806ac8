// The inbox on a phone: back online or back in the foreground, it asks the API again (live events
// sent meanwhile never arrived).
import { Client } from "@urql/core";
import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { MemoryRouter, Route } from "@solidjs/router";
import { Provider } from "@urql/solid";
import { afterEach, describe, expect, it, vi } from "vitest";
import { networkExchanges } from "../lib/client";
import { ToastHost, toast } from "../components/Toast";
import Inbox from "./Inbox";

const inbox = (title: string) => ({
  data: {
    viewer: {
      __typename: "Viewer",
      accountId: "A",
      unreadNotificationCount: 1,
      notifications: {
        __typename: "NotificationConnection",
        pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: null },
        edges: [{ __typename: "NotificationEdge", node: { __typename: "Notification", id: "N1", kind: "BULLETIN", title, body: "", link: null, subjectId: null, createdAt: "2026-11-27T05:00:00Z", read: false, smsStatus: null, cursor: "c" } }],
      },
    },
  },
});

function setup() {
  let inboxCalls = 0;
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = String(init?.body ?? "");
    if (/markNotificationsRead/i.test(body)) {
      const marked = /"all":true/.test(body) ? 3 : 1;
      return new Response(JSON.stringify({ data: { markNotificationsRead: { __typename: "MarkNotificationsReadPayload", marked, unreadCount: 0, userErrors: [] } } }), { status: 200, headers: { "content-type": "application/json" } });
    }
    if (/Inbox/.test(body)) inboxCalls += 1;
    return new Response(JSON.stringify(inbox(`第${inboxCalls}次`)), { status: 200, headers: { "content-type": "application/json" } });
  });
  const client = new Client({ url: "http://api.test/graphql", exchanges: networkExchanges(null), fetch: fetch as never });
  render(() => (
    <Provider value={client}>
      <MemoryRouter>
        <Route path="/" component={Inbox} />
      </MemoryRouter>
      <ToastHost />
    </Provider>
  ));
  return { calls: () => inboxCalls };
}

let hidden = false;
afterEach(() => {
  hidden = false;
  vi.restoreAllMocks();
  toast.clear();
});

describe("Inbox", () => {
  it("refetches when the phone is back online and when the app is back in the foreground", async () => {
    vi.spyOn(document, "visibilityState", "get").mockImplementation(() => (hidden ? "hidden" : "visible"));
    const s = setup();
    expect(await screen.findByText("第1次")).toBeTruthy();
    expect(s.calls()).toBe(1);

    dispatchEvent(new Event("online"));
    await waitFor(() => expect(s.calls()).toBe(2));
    expect(await screen.findByText("第2次")).toBeTruthy();

    // Going to the background asks nothing; coming back does.
    hidden = true;
    document.dispatchEvent(new Event("visibilitychange"));
    hidden = false;
    document.dispatchEvent(new Event("visibilitychange"));
    await waitFor(() => expect(s.calls()).toBe(3));
    expect(await screen.findByText("第3次")).toBeTruthy();
  });

  it("says so when 标为已读 or 全部标为已读 is tapped (the badge alone is easy to miss on a phone)", async () => {
    setup();
    expect(await screen.findByText("第1次")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "标为已读" }));
    expect((await screen.findByTestId("toast-success")).textContent).toContain("已标为已读");
    toast.clear();
    fireEvent.click(await screen.findByRole("button", { name: "全部标为已读" }));
    expect((await screen.findByTestId("toast-success")).textContent).toContain("已将 3 条消息标为已读");
  });
});
