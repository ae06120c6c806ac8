// 上报隐患 on a weak signal: a resend after a lost answer carries the same report key (the API answers it with
// the report already made); an edit of the form, or another station, makes another report and a new key.
import { Client } from "@urql/core";
import { fireEvent, render, screen, waitFor } from "@solidjs/testing-library";
import { MemoryRouter, Route } from "@solidjs/router";
import { Provider } from "@urql/solid";
import { createSignal } from "solid-js";
import { describe, expect, it, vi } from "vitest";
import { networkExchanges } from "../lib/client";
import { SessionContext, type Session } from "../lib/session";
import Report from "./Report";

const station = (id: string) => ({
  data: { node: { __typename: "Station", id, name: `派出所${id}`, viewerCanReport: true, grids: { __typename: "GridConnection", edges: [] } } },
});
const noReports = { data: { viewer: { __typename: "Viewer", accountId: "A", myPatrolReports: { __typename: "PatrolReportConnection", edges: [] } } } };

describe("Report", () => {
  it("sends the same key again after a lost answer, and a new one after an edit or a station switch", async () => {
    const keys: { stationId: string; requestId: string }[] = [];
    const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
      const body = typeof init?.body === "string" ? init.body : "";
      const parsed = JSON.parse(body || "{}") as { variables?: Record<string, unknown> & { input?: { stationId: string; requestId: string } } };
      if (/SubmitPatrolReport/.test(body)) {
        keys.push({ stationId: parsed.variables!.input!.stationId, requestId: parsed.variables!.input!.requestId });
        // The answer never arrives (a weak signal): the form stays as it was.
        throw new TypeError("Failed to fetch");
      }
      const answer = /ReportForm/.test(body) ? station(String(parsed.variables?.stationId)) : noReports;
      return new Response(JSON.stringify(answer), { status: 200, headers: { "content-type": "application/json" } });
    });
    const client = new Client({ url: "http://api.test/graphql", exchanges: networkExchanges(null), fetch: fetch as never });
    const [stationId, setStationId] = createSignal<string | null>("S1");
    const session: Session = { viewer: () => null, stationId, setStationId, has: () => false, refetch: () => {} };
    render(() => (
      <SessionContext.Provider value={session}>
        <Provider value={client}>
          <MemoryRouter>
            <Route path="/" component={Report} />
          </MemoryRouter>
        </Provider>
      </SessionContext.Provider>
    ));
    const form = await screen.findByTestId("report-form");
    const description = form.querySelector("textarea")!;
    const send = async (n: number) => {
      fireEvent.submit(form);
      await waitFor(() => expect(keys).toHaveLength(n));
      // Wait until the form is no longer busy before the next tap.
      await waitFor(() => expect(form.querySelector("button[type=submit]")!.hasAttribute("disabled")).toBe(false));
    };

    fireEvent.input(description, { target: { value: "3幢楼道堆放电动车电池" } });
    await send(1);
    await send(2);
    expect(keys[1]).toEqual(keys[0]);

    fireEvent.input(description, { target: { value: "3幢楼道堆放电动车电池，堵塞消防通道" } });
    await send(3);
    expect(keys[2]!.requestId).not.toBe(keys[1]!.requestId);

    setStationId("S2");
    await send(4);
    expect(keys[3]!.stationId).toBe("S2");
    expect(keys[3]!.requestId).not.toBe(keys[2]!.requestId);
    expect(new Set(keys.map((k) => k.requestId)).size).toBe(3);
  });
});
