// The call-up board attacked on a 360 px phone: another call-up opened on the same page after live
// answers.
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import { tokensFor } from "../support/shifts.js";
import { context, demoBrowserApp, NARROW, seriousViolations, settle, shoot, signInAs } from "./browser.js";

const t = demoBrowserApp();
const START = `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id } userErrors { message } } }`;
const RESPOND = `mutation ($input: RespondToMobilizationInput!) { respondToMobilization(input: $input) { userErrors { message } } }`;
const CLOSE = `mutation ($input: CloseMobilizationInput!) { closeMobilization(input: $input) { userErrors { message } } }`;
const rawId = (id: string) => Buffer.from(id, "base64").toString().split(":")[1]!;

describe("the call-up board on a phone", () => {
  it("another call-up opened on the same page after live answers shows that call-up, not the last live update of the one before", async () => {
    const officerToken = await signIn(t.app, DEMO_PHONES.fushanOfficer);
    const start = async (reason: string, radiusMeters: number) =>
      (await gql(t.app, START, { input: { stationId: gid("Station", t.demo.fushan.id), reason, place: "越王台", latitude: 30.0, longitude: 120.58, radiusMeters, wanted: 3, escalateAfterMinutes: 30 } }, officerToken)).data!.startMobilization.mobilization.id as string;
    const a = await start("先开的召集", 50000);
    const b = await start("后开的召集", 50000);
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    try {
      await signInAs(page, DEMO_PHONES.fushanOfficer, undefined, `/callups/${a}`);
      await settle(page);
      await page.locator("h1", { hasText: "先开的召集" }).waitFor();
      const counts = page.getByTestId("callup-counts");
      // Someone answers A: the board follows live.
      const responder = await prisma.mobilizationResponder.findFirstOrThrow({ where: { mobilizationId: rawId(a) }, include: { volunteer: true }, orderBy: { id: "asc" } });
      const [token] = (await tokensFor([responder.volunteer.phone])).values();
      await page.waitForTimeout(1000); // the subscription is open
      expect((await gql(t.app, RESPOND, { input: { mobilizationId: a, response: "ACCEPT", etaMinutes: 4 } }, token)).data!.respondToMobilization.userErrors).toEqual([]);
      await expect.poll(() => counts.textContent(), { timeout: 10_000 }).toContain("1/3");
      // A link to B on the same page (as from a notice).
      await page.evaluate((href) => {
        const link = document.createElement("a");
        link.href = href;
        link.textContent = "B";
        link.id = "to-b";
        document.querySelector("main")!.append(link);
      }, `/callups/${b}`);
      await page.locator("#to-b").click();
      await page.waitForURL((u) => u.pathname === `/callups/${b}`);
      await settle(page);
      await page.waitForTimeout(1000);
      await shoot(page, "narrow-officer-callup-switched");
      expect(await page.locator("h1").first().innerText()).toContain("后开的召集");
      expect(await counts.textContent()).toContain("0/3");
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      for (const id of [a, b]) await gql(t.app, CLOSE, { input: { mobilizationId: id, outcome: "CANCELLED" } }, officerToken);
      await ctx.close();
    }
  }, 120_000);
});
