// The light urql binding (lib/query.ts): what pages rely on besides the answer itself.
import { Client, makeResult, type Exchange, type Operation } from "@urql/core";
import { Provider } from "@urql/solid";
import { render } from "@solidjs/testing-library";
import { createSignal } from "solid-js";
import { describe, expect, it } from "vitest";
import { empty, fromArray, fromValue, mergeMap, pipe, tap } from "wonka";
import { ShiftsUpdatedDocument, UnreadCountDocument } from "../gql/graphql";
import { createQuery, createSubscription } from "./query";

/** Answers every query with `count` (its number) and a subscription with two events; records operations. */
function fakeClient() {
  const sent: Operation[] = [];
  const exchange: Exchange = () => (ops$) =>
    pipe(
      ops$,
      tap((op) => op.kind !== "teardown" && sent.push(op)),
      mergeMap((op) => {
        if (op.kind === "teardown") return empty;
        if (op.kind === "subscription") return fromArray([1, 2].map((n) => makeResult(op, { data: { shiftsUpdated: { __typename: "Shift", id: `S${n}` } } })));
        return fromValue(makeResult(op, { data: { viewer: { __typename: "Viewer", accountId: "A", unreadNotificationCount: sent.length } } }));
      }),
    );
  return { client: new Client({ url: "http://api.test/graphql", exchanges: [exchange] }), sent };
}

describe("createQuery (lib/query)", () => {
  it("sends a query again only when its variables change, not when their accessor merely runs again", () => {
    const { client, sent } = fakeClient();
    const [ids, setIds] = createSignal(["S1", "S2"]);
    let state!: { data?: unknown; fetching: boolean };
    render(() => (
      <Provider value={client}>
        {(() => {
          // A new array with the same ids, as a board's answer gives after each seat update.
          [state] = createQuery({ query: UnreadCountDocument, variables: () => ({ ids: [...ids()] }) as never });
          return null;
        })()}
      </Provider>
    ));
    expect(sent.filter((o) => o.kind === "query")).toHaveLength(1);
    expect(state.data).toEqual({ viewer: { __typename: "Viewer", accountId: "A", unreadNotificationCount: 1 } });
    expect(state.fetching).toBe(false);
    setIds(["S1", "S2"]);
    expect(sent.filter((o) => o.kind === "query")).toHaveLength(1);
    setIds(["S1", "S3"]);
    expect(sent.filter((o) => o.kind === "query")).toHaveLength(2);
  });

  it("sends nothing while paused, and the query once unpaused; refetch sends it again", () => {
    const { client, sent } = fakeClient();
    const [paused, setPaused] = createSignal(true);
    let state!: { data?: { viewer?: { unreadNotificationCount: number } | null } };
    let refetch!: (o?: object) => void;
    render(() => (
      <Provider value={client}>
        {(() => {
          [state, refetch] = createQuery({ query: UnreadCountDocument, pause: paused }) as unknown as [typeof state, typeof refetch];
          return null;
        })()}
      </Provider>
    ));
    expect(sent).toHaveLength(0);
    expect(state.data).toBeUndefined();
    setPaused(false);
    expect(sent).toHaveLength(1);
    refetch({ requestPolicy: "network-only" });
    expect(sent).toHaveLength(2);
    expect(sent[1]!.context.requestPolicy).toBe("network-only");
    expect(state.data?.viewer?.unreadNotificationCount).toBe(2);
  });
});

describe("createSubscription (lib/query)", () => {
  it("folds each event into the last through the handler", () => {
    const { client } = fakeClient();
    let state!: { data?: string[] };
    render(() => (
      <Provider value={client}>
        {(() => {
          [state] = createSubscription({ query: ShiftsUpdatedDocument, variables: { shiftIds: ["S1", "S2"] } }, (prev: string[] | undefined, d) => [...(prev ?? []), d.shiftsUpdated.id]);
          return null;
        })()}
      </Provider>
    ));
    expect(state.data).toEqual(["S1", "S2"]);
  });
});
