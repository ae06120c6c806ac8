// An outside tester on the badge's toast for notices the live stream did not bring (notices.ts): what is
// said when live notices and count answers interleave.
import { Client, fetchExchange, subscriptionExchange, type ExecutionResult } from "@urql/core";
import { render, waitFor } from "@solidjs/testing-library";
import { Provider } from "@urql/solid";
import { afterEach, describe, expect, it, vi } from "vitest";
import { toast } from "../components/Toast";
import { callUpCountDelay, createUnreadBadge } from "./notices";

type Sink = { next: (v: ExecutionResult) => void };

function setup(answers: (() => number | Promise<number>)[]) {
  const sinks: Sink[] = [];
  let calls = 0;
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = String(init?.body ?? "") + decodeURIComponent(String(_url));
    const n = /UnreadCount/.test(body) ? await answers[Math.min(calls++, answers.length - 1)]!() : 0;
    return new Response(JSON.stringify({ data: { viewer: { __typename: "Viewer", accountId: "A", unreadNotificationCount: n } } }), { status: 200, headers: { "content-type": "application/json" } });
  });
  const client = new Client({
    url: "http://api.test/graphql",
    fetch: fetch as never,
    exchanges: [
      fetchExchange,
      subscriptionExchange({ forwardSubscription: () => ({ subscribe: (sink: Sink) => (sinks.push(sink), { unsubscribe: () => undefined }) }) }),
    ],
  });
  let badge!: ReturnType<typeof createUnreadBadge>;
  render(() => (
    <Provider value={client}>
      {(() => {
        badge = createUnreadBadge();
        return <span>{badge.unread()}</span>;
      })()}
    </Provider>
  ));
  const notice = (title: string, kind = "BULLETIN") => sinks.forEach((s) => s.next({ data: { notificationReceived: { __typename: "Notification", id: title, kind, title } } } as ExecutionResult));
  return { notice, badge: () => badge, calls: () => calls, sinks };
}

afterEach(() => vi.restoreAllMocks());

describe("the unread badge's toast", () => {
  // A notice heard live but read at once elsewhere (another tab): the count answer after it does not rise;
  // the next notice only the count brings is still told (each answer settles what was heard live).
  it("a live notice the count never showed does not swallow the next unheard one", async () => {
    const info = vi.spyOn(toast, "info");
    const s = setup([() => 5, () => 5, () => 6]);
    await waitFor(() => expect(s.badge().unread()).toBe(5), { timeout: 5000 });
    await waitFor(() => expect(s.sinks.length).toBe(1));
    s.notice("读了就没了");
    await waitFor(() => expect(s.calls()).toBe(2));
    await new Promise((r) => setTimeout(r, 50));
    s.badge().refresh(); // back in the foreground: one notice came while asleep
    await waitFor(() => expect(s.badge().unread()).toBe(6));
    expect(info.mock.calls.map((c) => c[0])).toEqual([expect.stringContaining("读了就没了"), "收到 1 条新通知"]);
  });

  // Two notices at once: the count answer asked after the first comes back late, counting only the first;
  // only the last answer asked is read, so neither is told again as an unheard notice.
  it("two live notices whose count answers come back one by one are not told again", async () => {
    const info = vi.spyOn(toast, "info");
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const s = setup([() => 5, async () => (await gate, 6), () => 7]);
    await waitFor(() => expect(s.badge().unread()).toBe(5), { timeout: 5000 });
    await waitFor(() => expect(s.sinks.length).toBe(1));
    s.notice("一");
    await waitFor(() => expect(s.calls()).toBe(2));
    s.notice("二");
    release();
    await waitFor(() => expect(s.badge().unread()).toBe(7));
    await new Promise((r) => setTimeout(r, 50));
    expect(info.mock.calls.map((c) => c[0])).toEqual([expect.stringContaining("一"), expect.stringContaining("二")]);
  });

  // A call-up to a large wave reaches the phone before its row is stored: a count asked at once would
  // not hold it yet (the badge would lag, and the next answer tell it again as unheard). The count is
  // asked for after a short, spread wait instead.
  it("asks for the count a moment after a call-up, not at once, and does not tell it again", async () => {
    const info = vi.spyOn(toast, "info");
    const error = vi.spyOn(toast, "error");
    const saved = { ...callUpCountDelay };
    Object.assign(callUpCountDelay, { minMs: 400, spreadMs: 0 });
    try {
      const s = setup([() => 5, () => 6]);
      await waitFor(() => expect(s.badge().unread()).toBe(5), { timeout: 5000 });
      await waitFor(() => expect(s.sinks.length).toBe(1));
      s.notice("寻找走失老人", "MOBILIZATION");
      await new Promise((r) => setTimeout(r, 150));
      expect(s.calls()).toBe(1);
      await waitFor(() => expect(s.badge().unread()).toBe(6), { timeout: 3000 });
      expect(s.calls()).toBe(2);
      expect(error.mock.calls.map((c) => c[0])).toEqual([expect.stringContaining("寻找走失老人")]);
      expect(info).not.toHaveBeenCalled();
    } finally {
      Object.assign(callUpCountDelay, saved);
    }
  });

  // The inbox opened right after a call-up asks for the count before the call-up's row is stored: that
  // answer does not count it, the later one does; neither tells it again as an unheard notice. Another
  // notice that only the count brings is still told.
  it("a call-up counted only by a later answer is not told again; an unheard notice after it still is", async () => {
    const info = vi.spyOn(toast, "info");
    const saved = { ...callUpCountDelay };
    Object.assign(callUpCountDelay, { minMs: 400, spreadMs: 0 });
    try {
      const s = setup([() => 5, () => 5, () => 6, () => 7]);
      await waitFor(() => expect(s.badge().unread()).toBe(5), { timeout: 5000 });
      await waitFor(() => expect(s.sinks.length).toBe(1));
      s.notice("台风夜全员集结", "MOBILIZATION");
      s.badge().refresh(); // the inbox opened at once: not stored yet
      await waitFor(() => expect(s.calls()).toBe(2));
      await waitFor(() => expect(s.badge().unread()).toBe(6), { timeout: 3000 }); // the call-up's own wait
      await new Promise((r) => setTimeout(r, 50));
      expect(info).not.toHaveBeenCalled();
      s.badge().refresh(); // one more came while the socket was down
      await waitFor(() => expect(s.badge().unread()).toBe(7));
      expect(info.mock.calls.map((c) => c[0])).toEqual(["收到 1 条新通知"]);
    } finally {
      Object.assign(callUpCountDelay, saved);
    }
  });

  // Stored sooner than the wait: an answer asked meanwhile (the inbox opened) already counts the call-up.
  // It is not told again, and a notice that only the count brings after it still is.
  it("a call-up counted by an answer before its own wait is not told again; the next unheard notice still is", async () => {
    const info = vi.spyOn(toast, "info");
    const saved = { ...callUpCountDelay };
    Object.assign(callUpCountDelay, { minMs: 600, spreadMs: 0 });
    try {
      const s = setup([() => 5, () => 6, () => 7, () => 7]);
      await waitFor(() => expect(s.badge().unread()).toBe(5), { timeout: 5000 });
      await waitFor(() => expect(s.sinks.length).toBe(1));
      s.notice("台风夜全员集结", "MOBILIZATION");
      s.badge().refresh();
      await waitFor(() => expect(s.badge().unread()).toBe(6));
      await new Promise((r) => setTimeout(r, 30));
      expect(info).not.toHaveBeenCalled();
      s.badge().refresh(); // one more came while the socket was down
      await waitFor(() => expect(s.badge().unread()).toBe(7));
      await waitFor(() => expect(s.calls()).toBe(4), { timeout: 3000 }); // the call-up's own wait
      await new Promise((r) => setTimeout(r, 50));
      expect(info.mock.calls.map((c) => c[0])).toEqual(["收到 1 条新通知"]);
    } finally {
      Object.assign(callUpCountDelay, saved);
    }
  });
});
