// 我的班次 on a 360 px phone, tried by an outside tester: the open scanner and the typed post codes
// outlive a redraw of /my (MyShifts.tsx keeps them beside the cards) but not leaving /my, a check-in,
// nor the phone changing hands: signing out and in again in the same tab (no reload) finds neither.
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES } from "../support/fixtures.js";
import { CLAIM, inMinutes, publishShift, teamGid } from "../support/shifts.js";
import { context, demoBrowserApp, NARROW, sidewaysOverflow, signInAs } from "./browser.js";

let leader: string;
const env = demoBrowserApp();
beforeAll(async () => {
  leader = await signIn(env.app, DEMO_PHONES.haolinsheLeader);
});

async function claimedShift(volunteerPhone: string, title: string, inMin = 10) {
  const { shift } = await publishShift(env.app, leader, { teamId: teamGid(env.demo.haolinshe.id), title, place: "府山公园东门", startsAt: inMinutes(inMin), endsAt: inMinutes(inMin + 120), capacity: 4 });
  const claim = await gql(env.app, CLAIM, { input: { shiftId: shift.id } }, await signIn(env.app, volunteerPhone));
  expect(claim.data!.claimShift.userErrors).toEqual([]);
  return shift;
}

/** Through the app's own links and form, without reloading the page (module state lives on). */
async function inApp(page: Page, link: string) {
  await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: link, exact: true }).click();
  await page.locator("h1").first().waitFor();
}
async function signOutAndIn(page: Page, phone: string) {
  await page.getByRole("button", { name: "退出" }).click();
  await page.waitForURL((u) => u.pathname === "/login");
  await page.getByLabel("手机号").fill(phone);
  await page.getByLabel("密码").fill("linshe-demo");
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => u.pathname !== "/login" && u.pathname !== "/", { timeout: 15_000 });
  await page.locator("h1").first().waitFor();
}

describe("我的班次: the scanner and the typed codes", () => {
  it("one scanner across two cards; gone on leaving /my, on checking in, and on the phone changing hands", async () => {
    const [A, B] = ["13800000260", "13800000261"];
    const night = await claimedShift(A, "攻击夜巡", 10);
    await claimedShift(A, "攻击早巡", 200);
    await claimedShift(B, "他人巡逻", 10);
    const ctx = await context(env.browser, env.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, A);
    await page.goto("/my");
    const card = (title: string) => page.getByTestId("my-claim").filter({ hasText: title });
    const scan = (title: string) => card(title).getByRole("button", { name: "扫码签到" });
    await card("攻击早巡").waitFor();

    // Two cards: the scanner opens on one, then on the other; never both (one camera).
    await scan("攻击夜巡").click();
    await card("攻击夜巡").getByTestId("qr-scanner").waitFor();
    await scan("攻击早巡").click();
    await card("攻击早巡").getByTestId("qr-scanner").waitFor();
    expect(await page.getByTestId("qr-scanner").count()).toBe(1);
    expect(await scan("攻击夜巡").getAttribute("aria-expanded")).toBe("false");
    expect(await sidewaysOverflow(page)).toBe(0);
    await card("攻击夜巡").getByLabel("岗点码").fill("1111");
    await card("攻击早巡").getByLabel("岗点码").fill("2222");

    // Away and back through the app's links: closed and empty.
    await inApp(page, "班次");
    await inApp(page, "我的班次");
    await card("攻击早巡").waitFor();
    expect(await page.getByTestId("qr-scanner").count()).toBe(0);
    expect(await card("攻击夜巡").getByLabel("岗点码").inputValue()).toBe("");
    expect(await card("攻击早巡").getByLabel("岗点码").inputValue()).toBe("");

    // Scanner open on the night patrol, its code typed and checked in: scanner and form go.
    await scan("攻击夜巡").click();
    await card("攻击夜巡").getByTestId("qr-scanner").waitFor();
    await card("攻击夜巡").getByLabel("岗点码").fill(night.postCode);
    await card("攻击夜巡").getByRole("button", { name: "岗点码签到" }).click();
    await card("攻击夜巡").getByText("已签到").waitFor();
    expect(await page.getByTestId("qr-scanner").count()).toBe(0);
    await card("攻击早巡").getByLabel("岗点码").fill("3333");
    await scan("攻击早巡").click();
    await card("攻击早巡").getByTestId("qr-scanner").waitFor();

    // The phone handed to B (same tab, no reload): none of A's; then A again: nothing left open.
    await signOutAndIn(page, B);
    if (new URL(page.url()).pathname !== "/my") await inApp(page, "我的班次");
    await card("他人巡逻").waitFor();
    expect(await page.getByTestId("qr-scanner").count()).toBe(0);
    expect(await card("他人巡逻").getByLabel("岗点码").inputValue()).toBe("");
    expect(await page.getByTestId("my-claim").filter({ hasText: "攻击" }).count()).toBe(0);
    await signOutAndIn(page, A);
    if (new URL(page.url()).pathname !== "/my") await inApp(page, "我的班次");
    await card("攻击早巡").waitFor();
    expect(await page.getByTestId("qr-scanner").count()).toBe(0);
    expect(await card("攻击早巡").getByLabel("岗点码").inputValue()).toBe("");
    await ctx.close();
  }, 120_000);
});
