// The journeys around a patrol, as a first-time user does them on a phone: why a shift can't be claimed,
// a shift's page (place, route, briefing, contact, who is going), claim, check in with the post code,
// check out to a summary of hours and points kept under 历史; a squad leader's 巡防动态.
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import { clock } from "../../api/src/clock.js";
import { prisma } from "../../api/src/db.js";
import { signIn } from "../support/client.js";
import { DEMO_PHONES } from "../support/fixtures.js";
import { inMinutes, publishShift, teamGid } from "../support/shifts.js";
import { context, demoBrowserApp, PHONE, seriousViolations, shoot, signInAs } from "./browser.js";

const t = demoBrowserApp();
afterEach(() => clock.reset());

/** A volunteer of the 物业联防 squad: the 警民夜巡 squad's shifts are not theirs to claim. */
const VOLUNTEER = "13800000180";
/** The first volunteer leads the first squad (医疗守护). */
const SQUAD_LEADER = "13800000101";

async function axe(page: Page, where: string) {
  await page.waitForLoadState("networkidle");
  expect(await seriousViolations(page), where).toEqual([]);
}

describe("a patrol from the board to its closure", () => {
  it("shows why a shift can't be claimed; the shift's page; claim; check in by post code; check out to hours and points kept in 历史", async () => {
    const leader = await prisma.volunteer.findFirstOrThrow({ where: { phone: DEMO_PHONES.haolinsheLeader } });
    await prisma.volunteer.update({ where: { id: leader.id }, data: { sharePhoneWithTeam: true } });
    const title = "府山街区巡逻·东门";
    const { shift } = await publishShift(t.app, await signIn(t.app, DEMO_PHONES.haolinsheLeader), {
      teamId: teamGid(t.demo.haolinshe.id),
      title,
      place: "府山公园东门",
      route: "东门—仓桥直街—越王台",
      notes: "穿好义警马甲，带手电；遇警情先报110。",
      startsAt: inMinutes(10),
      endsAt: inMinutes(130),
      capacity: 4,
    });

    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, VOLUNTEER);
    // Shifts of another squad say why they can't be claimed, in Chinese.
    await page.getByTestId("claim-blocker").filter({ hasText: "仅本小队队员可认领" }).first().waitFor();
    await shoot(page, "phone-volunteer-board-reasons");

    // The card's title opens the shift's page.
    await page.getByRole("link", { name: title }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/shifts/"));
    await page.locator("h1", { hasText: title }).waitFor();
    const detail = page.getByTestId("shift-detail");
    await detail.getByText("东门—仓桥直街—越王台").waitFor();
    await detail.getByText("穿好义警马甲").waitFor();
    const contact = page.getByTestId("shift-contact");
    const call = contact.getByRole("link", { name: DEMO_PHONES.haolinsheLeader });
    await call.waitFor();
    // A thumb-size target to call the leader; the card on the shift's own page links nowhere new.
    expect((await call.boundingBox())!.height).toBeGreaterThanOrEqual(44);
    expect(await page.getByTestId("shift-card").getByRole("link", { name: title }).count()).toBe(0);
    await contact.getByText("府山派出所").waitFor();
    await page.getByTestId("shift-going").getByText("还没有人认领").waitFor();
    await axe(page, "shift page");
    await shoot(page, "phone-volunteer-shift-detail");

    await page.getByTestId("shift-card").getByRole("button", { name: "认领" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "认领成功" }).waitFor();
    await page.getByTestId("shift-going").getByText("（我）").or(page.getByTestId("shift-going").getByText("(我)")).waitFor();

    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "我的班次" }).click();
    const card = page.getByTestId("my-claim").filter({ hasText: title });
    await card.getByLabel("岗点码").fill(shift.postCode);
    await card.getByRole("button", { name: "岗点码签到" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "签到成功" }).waitFor();

    clock.advance(70 * 60_000); // an hour into the patrol
    await card.getByRole("button", { name: "签退" }).click();
    const summary = page.getByTestId("checkout-summary");
    await summary.waitFor();
    const text = await summary.innerText();
    expect(text).toContain(title);
    expect(text).toMatch(/\d+(\.\d)?\s*小时/);
    expect(text).toMatch(/\+[1-9]\d*\s*积分/);
    // The shift left the upcoming list, and nothing says "还没有认领班次" next to the summary by mistake of order.
    await expect.poll(() => page.getByTestId("my-claim").filter({ hasText: title }).count()).toBe(0);
    await axe(page, "check-out summary");
    await shoot(page, "phone-volunteer-checkout-summary");

    await summary.getByRole("button", { name: "查看历史" }).click();
    const past = page.getByTestId("history-claim").filter({ hasText: title });
    await past.waitFor();
    expect(await past.innerText()).toMatch(/已完成[\s\S]*\+[1-9]\d*\s*积分/);
    await shoot(page, "phone-volunteer-history");

    // The printable 志愿服务时长证明 counts the hours this patrol served (not "服务 0 小时").
    const served = (await prisma.shiftClaim.findFirstOrThrow({ where: { shift: { title }, volunteer: { phone: VOLUNTEER } } })).minutesServed!;
    expect(served).toBeGreaterThan(0);
    const hours = String(Math.round((served / 60) * 10) / 10);
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "积分" }).click();
    await page.getByRole("link", { name: "查看并打印证明" }).click();
    await page.waitForURL((u) => u.pathname === "/points/certificate");
    const certificate = page.getByTestId("certificate");
    await certificate.waitFor();
    expect(await certificate.innerText()).toContain("府山派出所");
    const row = page.getByTestId("certificate-row").filter({ hasText: title });
    expect((await row.locator("td").last().innerText()).trim()).toBe(hours);
    expect(Number(await page.getByTestId("certificate-hours").innerText())).toBeGreaterThanOrEqual(Number(hours));
    await axe(page, "hours certificate");
    await shoot(page, "phone-volunteer-certificate");
    // Printed: the certificate alone.
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("header.top").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "打印证明" }).isVisible()).toBe(false);
    expect(await certificate.isVisible()).toBe(true);
    await shoot(page, "print-volunteer-certificate");
    await ctx.close();
  }, 120_000);
});

describe("a squad leader", () => {
  it("has 巡防动态 for their squad, and it opens without an error", async () => {
    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, SQUAD_LEADER);
    const nav = page.getByRole("navigation", { name: "主导航" });
    expect(await nav.getByRole("link").allInnerTexts()).toContain("巡防动态");
    expect(await nav.getByRole("link").allInnerTexts()).not.toContain("队长");
    await nav.getByRole("link", { name: "巡防动态" }).click();
    await page.waitForURL((u) => u.pathname === "/watch");
    await page.locator("h1").first().waitFor();
    await page.waitForLoadState("networkidle");
    expect(await page.getByRole("alert").count()).toBe(0);
    expect(await page.locator("main").innerText()).not.toMatch(/forbidden|仅本所民警/i);
    await axe(page, "squad leader watch");
    await shoot(page, "phone-squad-leader-watch");
    await ctx.close();
  }, 60_000);
});
