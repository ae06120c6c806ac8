// 待本人确认: the API lists the oldest 50 pending appointments of a place (roleOffers) and says how many there are
// (roleOfferCount); the page says that some are not shown rather than leaving them out silently.
import { Client } from "@urql/core";
import { render, screen } from "@solidjs/testing-library";
import { Provider } from "@urql/solid";
import { afterEach, describe, expect, it } from "vitest";
import { setLang } from "../lib/i18n";
import { PendingOffers } from "./Appointments";

const client = new Client({ url: "http://api.test/graphql", exchanges: [] });
const offers = Array.from({ length: 50 }, (_, i) => ({ id: `O${i}`, displayName: `任命${i}`, viewerCanWithdraw: true }));
const show = (total: number | null, list = offers) =>
  render(() => (
    <Provider value={client}>
      <PendingOffers offers={list} total={total} what="民警" onChange={() => {}} />
    </Provider>
  ));

afterEach(() => setLang("zh"));

describe("pending appointments beyond the 50 listed", () => {
  it("says how many more there are, in Chinese and in English", () => {
    show(52);
    expect(screen.getAllByRole("listitem")).toHaveLength(50);
    expect(screen.getByTestId("pending-offers-more").textContent).toBe("另有 2 条未显示");
    setLang("en");
    expect(screen.getByTestId("pending-offers-more").textContent).toBe("2 more not shown");
  });

  it("says nothing more when all are listed, or when the count is not known", () => {
    show(50);
    expect(screen.queryByTestId("pending-offers-more")).toBeNull();
    show(null, offers.slice(0, 3));
    expect(screen.queryByTestId("pending-offers-more")).toBeNull();
    expect(screen.queryByText(/未显示/)).toBeNull();
  });
});
