// 没有找到: an unknown address, and a call-up or bulletin that is not there, are pages with a heading of
// their own, in Chinese and in English (axe: page-has-heading-one, besides the WCAG rules).
import AxeBuilder from "@axe-core/playwright";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import path from "node:path";
import { context, demoBrowserApp, NARROW, seriousViolations, setLanguage, SHOTS, signInAs } from "./browser.js";

const t = demoBrowserApp();

/** The page's headings as axe sees them: "page-has-heading-one" is a best practice, not among the WCAG tags. */
async function headingViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withRules(["page-has-heading-one"]).analyze();
  return result.violations.map((v) => v.id);
}

describe("没有找到", () => {
  it("has its own heading, zh-CN first and English after the switch, on an unknown address and for a call-up or bulletin that is not there", async () => {
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "府山社区第1网格" }, teams: { every: { role: "MEMBER" } } }, orderBy: { phone: "desc" } });
    const nothing = "00000000-0000-7000-8000-000000000000";
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, person.phone, undefined, "/no-such-page");
    const paths = ["/no-such-page", `/callups/${encodeURIComponent(gid("Mobilization", nothing))}`, `/bulletins/${encodeURIComponent(gid("Bulletin", nothing))}`];
    for (const path of paths) {
      await page.goto(path);
      await page.locator("h1", { hasText: "没有找到" }).waitFor();
      expect(await headingViolations(page), path).toEqual([]);
      expect(await seriousViolations(page), path).toEqual([]);
    }
    await setLanguage(page, "en");
    for (const path of paths) {
      await page.goto(path);
      await page.locator("h1", { hasText: "Not found" }).waitFor();
      expect(await headingViolations(page), path).toEqual([]);
    }
    await ctx.close();
  }, 120_000);

  it("a volunteer who opens an officer's page (/settings, /review) lands on the shift board and is told why", async () => {
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "府山社区第1网格" }, teams: { every: { role: "MEMBER" } } }, orderBy: { phone: "asc" } });
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, person.phone, undefined, "/settings");
    await page.waitForURL((u) => u.pathname === "/shifts");
    await page.getByTestId("toast-info").filter({ hasText: "你的角色不能打开这个页面，已为你打开首页" }).waitFor();
    await page.screenshot({ path: path.join(SHOTS, "phone-not-for-you.png") });
    expect(await seriousViolations(page)).toEqual([]);
    await page.goto("/review");
    await page.waitForURL((u) => u.pathname === "/shifts");
    await page.getByTestId("toast-info").filter({ hasText: "你的角色不能打开这个页面" }).waitFor();
    // one message, not one per render
    expect(await page.getByTestId("toast-info").count()).toBe(1);
    await ctx.close();

    // the station's officer, sent to the login page from /settings, comes back to it without a word
    const officerCtx = await context(t.browser, t.app.url, NARROW);
    const officer = await officerCtx.newPage();
    await signInAs(officer, DEMO_PHONES.fushanOfficer, undefined, "/settings");
    await officer.waitForURL((u) => u.pathname === "/settings");
    await officer.locator("h1").first().waitFor();
    await officer.waitForTimeout(500);
    expect(await officer.getByTestId("toast-info").count()).toBe(0);
    await officerCtx.close();
  }, 120_000);
});
