// A call-up in the browser, for whom it called and for a member it did not: the called volunteer opens it
// from the inbox on a narrow phone (through the login page) and reads what and where; a member of the
// station it did not call finds neither it in the list nor its description at its address.
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES, gid, rawId } from "../support/fixtures.js";
import { context, demoBrowserApp, NARROW, seriousViolations, settle, shoot, sidewaysOverflow, signInAs } from "./browser.js";

const t = demoBrowserApp();
const SECRET = "走失老人：八十二岁，穿蓝色外套";

describe("who reads a call-up in the browser", () => {
  it("shows it to the volunteer it called from the inbox link on a 360 px phone, and not to a member it did not call", async () => {
    const officer = await signIn(t.app, DEMO_PHONES.fushanOfficer);
    const squad = t.demo.squads[0]!;
    const start = await gql(t.app, `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id } userErrors { message } } }`, {
      input: { stationId: gid("Station", t.demo.fushan.id), reason: "浏览器召集阅读测试", description: SECRET, place: "越王台", latitude: 30.0, longitude: 120.58, radiusMeters: 50000, wanted: 2, escalateAfterMinutes: 30, squadIds: [gid("Squad", squad.id)] },
    }, officer);
    const id = start.data!.startMobilization.mobilization.id as string;
    const called = await prisma.mobilizationResponder.findFirstOrThrow({
      where: { mobilizationId: rawId(id), volunteer: { account: { isNot: null }, teams: { none: { role: "LEADER" } }, squads: { none: { role: "LEADER" } } } },
      include: { volunteer: true },
    });
    const notCalled = await prisma.volunteer.findFirstOrThrow({
      where: { account: { isNot: null }, status: "ACTIVE", teams: { some: { status: "ACTIVE", role: "MEMBER", team: { stationId: t.demo.fushan.id } }, none: { role: "LEADER" } }, squads: { none: { role: "LEADER" } }, mobilizationResponses: { none: { mobilizationId: rawId(id) } } },
    });

    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    try {
      await signInAs(page, called.volunteer.phone);
      await page.goto("/inbox");
      await settle(page);
      await page.getByRole("link", { name: /浏览器召集阅读测试/ }).first().click();
      await page.waitForURL((u) => u.pathname === `/callups/${id}` || u.pathname === `/callups/${encodeURIComponent(id)}`);
      await settle(page);
      await page.getByText(SECRET).waitFor();
      await page.getByText("越王台").first().waitFor();
      await page.getByTestId("accept").waitFor();
      expect(await sidewaysOverflow(page)).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, "narrow-called-volunteer-callup");
    } finally {
      await ctx.close();
    }

    const other = await context(t.browser, t.app.url, NARROW);
    const page2 = await other.newPage();
    try {
      await signInAs(page2, notCalled.phone);
      await page2.goto("/callups");
      await settle(page2);
      await page2.getByText("最近的召集").waitFor();
      expect(await page2.getByText("浏览器召集阅读测试").count()).toBe(0);
      await shoot(page2, "narrow-member-not-called-callups");
      await page2.goto(`/callups/${id}`);
      // No heading here: the page says it found nothing.
      await page2.waitForLoadState("networkidle");
      await page2.locator(".loading").first().waitFor({ state: "detached", timeout: 10_000 }).catch(() => {});
      await shoot(page2, "narrow-member-not-called-callup-page");
      await page2.getByText("没有找到").waitFor(); // as for a call-up that does not exist
      expect(await page2.getByText(SECRET).count()).toBe(0);
      expect(await page2.getByText("浏览器召集阅读测试").count()).toBe(0);
    } finally {
      await other.close();
      await gql(t.app, `mutation ($input: CloseMobilizationInput!) { closeMobilization(input: $input) { userErrors { message } } }`, { input: { mobilizationId: id, outcome: "CANCELLED" } }, officer);
    }
  }, 120_000);
});
