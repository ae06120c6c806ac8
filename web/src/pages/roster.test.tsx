// 名单 at the post: the API offers 代签到 only while check-in is open (30 minutes before the start to the
// end), so a roster opened before that reads itself again when the window opens: the leader standing at the
// post sees the button appear without reloading the page. When the window opens is the API's to say
// (Shift.checkInOpensAt): the page keeps no rule of its own, so the mock API here opens it at a time its
// "30 minutes before the start" would not guess.
import { Client, subscriptionExchange } from "@urql/core";
import { render, screen, waitFor } from "@solidjs/testing-library";
import { createMemoryHistory, MemoryRouter, Route } from "@solidjs/router";
import { Provider } from "@urql/solid";
import { describe, expect, it, vi } from "vitest";
import { networkExchanges } from "../lib/client";
import ShiftPage from "./Roster";

// The live seat counts are not under test: the stream stays silent.
const quiet = subscriptionExchange({ forwardSubscription: () => ({ subscribe: () => ({ unsubscribe() {} }) }) });

function setup(opensInMs: number) {
  const checkInOpensAt = new Date(Date.now() + opensInMs).toISOString();
  const startsAt = new Date(Date.now() + 60 * 60_000 + opensInMs).toISOString();
  const endsAt = new Date(Date.now() + 120 * 60_000).toISOString();
  const shift = {
    __typename: "Shift",
    id: "U2hpZnQ6MQ==",
    kind: "PATROL",
    title: "夜巡",
    status: "OPEN",
    place: "府山公园东门",
    route: null,
    startsAt,
    endsAt,
    checkInOpensAt,
    capacity: 4,
    seatsTaken: 1,
    seatsLeft: 3,
    waitlistLength: 0,
    requiredSpecialty: null,
    isJointPatrol: false,
    jointOfficerName: null,
    cancelReason: null,
    team: { __typename: "Team", id: "T1", name: "好邻舍义警" },
    squad: null,
    grid: null,
    rotationPartner: null,
    viewerCanClaim: false,
    viewerClaimBlocker: null,
    viewerCanManage: true,
    viewerClaim: null,
    notes: "",
    isRecurring: false,
    contact: { __typename: "ShiftContact", leaderRole: null, leaderName: null, leaderPhone: null, viewerCanCallLeader: false, stationName: "府山派出所", stationAddress: "", stationPhone: null },
    going: { __typename: "ShiftGoingConnection", edges: [] },
  };
  let rosterCalls = 0;
  const roster = (open: boolean) => ({
    data: {
      node: {
        __typename: "Shift",
        id: shift.id,
        postCode: "4821",
        claims: {
          __typename: "ShiftClaimConnection",
          edges: [
            {
              __typename: "ShiftClaimEdge",
              node: { __typename: "ShiftClaim", id: "C1", status: "CONFIRMED", waitlistPosition: null, checkedInAt: null, checkedOutAt: null, checkInFlagged: false, viewerCanCheckInFor: open, volunteer: { __typename: "Volunteer", id: "V1", displayName: "王小明", phone: "138****0001" } },
            },
          ],
        },
      },
    },
  });
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const body = String(init?.body ?? "");
    // The API's answer: open once the window has opened by its clock (here, the test's).
    const answer = /ShiftRoster/.test(body) ? (rosterCalls++, roster(Date.now() >= new Date(checkInOpensAt).getTime())) : { data: { node: shift } };
    return new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } });
  });
  const client = new Client({ url: "http://api.test/graphql", exchanges: [...networkExchanges(null), quiet], fetch: fetch as never });
  const history = createMemoryHistory();
  history.set({ value: `/shifts/${encodeURIComponent(shift.id)}` });
  render(() => (
    <Provider value={client}>
      <MemoryRouter history={history}>
        <Route path="/shifts/:id" component={ShiftPage} />
      </MemoryRouter>
    </Provider>
  ));
  return { rosterCalls: () => rosterCalls };
}

describe("the roster of a shift about to start", () => {
  it("shows 代签到 once check-in opens, without a reload", async () => {
    const s = setup(400);
    expect(await screen.findByText("王小明")).toBeTruthy();
    expect(screen.queryByRole("button", { name: "代签到" })).toBeNull();
    expect(s.rosterCalls()).toBe(1);
    // Before the fix the roster was read once: the button never came. With the page's own "30 minutes
    // before the start" it was read again an hour too late.
    await waitFor(() => expect(screen.getByRole("button", { name: "代签到" })).toBeTruthy(), { timeout: 4000 });
    expect(s.rosterCalls()).toBe(2);
  });
});
