// 我的班次 at the post: whatever draws the page anew (a reload of the list or of the session after a
// notice or a reconnect) leaves the volunteer's open scanner open and a typed post code in place.
import { Client, subscriptionExchange } from "@urql/core";
import { fireEvent, render, screen } from "@solidjs/testing-library";
import { MemoryRouter, Route } from "@solidjs/router";
import { Provider } from "@urql/solid";
import { createSignal, Show } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { setToken, signOut, token } from "../lib/auth";
import { networkExchanges } from "../lib/client";
import MyShifts from "./MyShifts";

const claim = (id: string, title: string) => ({
  __typename: "ShiftClaim",
  id,
  status: "CONFIRMED",
  waitlistPosition: null,
  checkedInAt: null,
  checkedOutAt: null,
  checkInFlagged: false,
  minutesServed: null,
  pointsEarned: null,
  shift: { __typename: "Shift", id: `S${id}`, title, kind: "PATROL", place: "府山公园东门", startsAt: "2026-11-28T01:00:00Z", endsAt: "2026-11-28T03:00:00Z", status: "PUBLISHED", postCode: null, grid: null, team: { __typename: "Team", name: "好邻舍义警" } },
});

const answer = {
  data: {
    viewer: {
      __typename: "Viewer",
      accountId: "A",
      myShifts: { __typename: "ShiftClaimConnection", edges: [claim("C1", "夜巡"), claim("C2", "早巡")].map((node) => ({ __typename: "ShiftClaimEdge", node })) },
    },
  },
};

// The notices stream is not under test: it stays silent.
const quiet = subscriptionExchange({ forwardSubscription: () => ({ subscribe: () => ({ unsubscribe() {} }) }) });

describe("MyShifts", () => {
  it("keeps the open scanner and a typed code when the page is drawn anew, and only on that card", async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } }));
    const client = new Client({ url: "http://api.test/graphql", exchanges: [...networkExchanges(null), quiet], fetch: fetch as never });
    const [shown, setShown] = createSignal(true);
    render(() => (
      <Provider value={client}>
        <MemoryRouter>
          <Route path="/" component={() => <Show when={shown()}><MyShifts /></Show>} />
        </MemoryRouter>
      </Provider>
    ));
    const cards = async () => screen.findAllByTestId("my-claim");
    const [night] = await cards();
    fireEvent.click(night!.querySelector("button")!);
    fireEvent.input(night!.querySelector("input")!, { target: { value: "4821" } });
    expect(screen.getAllByTestId("qr-scanner")).toHaveLength(1);

    setShown(false);
    expect(screen.queryByTestId("qr-scanner")).toBeNull();
    setShown(true);
    const [again, other] = await cards();
    expect(again!.querySelector("[data-testid=qr-scanner]")).not.toBeNull();
    expect(again!.querySelector("input")!.value).toBe("4821");
    expect(other!.querySelector("[data-testid=qr-scanner]")).toBeNull();
    expect(other!.querySelector("input")!.value).toBe("");

    // Turning to 历史 and back is the volunteer's own doing: the camera stays closed, the code stays typed.
    fireEvent.click(screen.getByRole("tab", { name: "历史" }));
    fireEvent.click(screen.getByRole("tab", { name: "待参加" }));
    const [back] = await cards();
    expect(screen.queryByTestId("qr-scanner")).toBeNull();
    expect(back!.querySelector("input")!.value).toBe("4821");
  });
});

describe("MyShifts on a phone shared by two people", () => {
  // Signing out draws the pages anew on the same URL (the API client is made per token) before /login:
  // the scanner a volunteer left open and the code typed must not wait there for the next sign-in.
  it("forgets the open scanner and the typed code on signing out", async () => {
    const fetch = vi.fn(async () => new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } }));
    const client = new Client({ url: "http://api.test/graphql", exchanges: [...networkExchanges(null), quiet], fetch: fetch as never });
    setToken("t.first");
    render(() => (
      <Provider value={client}>
        <MemoryRouter>
          <Route path="/" component={() => <Show when={token()} keyed>{(_held) => <MyShifts />}</Show>} />
        </MemoryRouter>
      </Provider>
    ));
    const [night] = await screen.findAllByTestId("my-claim");
    // (Open already when the test above left it so: the state outlives a render, as meant.)
    if (night!.querySelector("button")!.getAttribute("aria-expanded") !== "true") fireEvent.click(night!.querySelector("button")!);
    fireEvent.input(night!.querySelector("input")!, { target: { value: "4821" } });
    expect(screen.getAllByTestId("qr-scanner")).toHaveLength(1);

    signOut();
    expect(screen.queryByTestId("my-claim")).toBeNull();
    setToken("t.second");
    const [again] = await screen.findAllByTestId("my-claim");
    expect(again!.querySelector("[data-testid=qr-scanner]")).toBeNull();
    expect(again!.querySelector("input")!.value).toBe("");
    signOut();
  });
});
