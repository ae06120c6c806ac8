// One phone, two volunteers in turn in the same tab, through the login page: the first claims, cancels,
// claims again and signs out; nothing of theirs may show for the second (name, unread badge, the
// board's claim buttons from the cache, messages), and the board still follows the seats live.
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import { context, demoBrowserApp, PHONE, shoot, signInAs } from "./browser.js";

const env = demoBrowserApp();

async function newShift(title: string, hours: number) {
  const leaderToken = await signIn(env.app, DEMO_PHONES.haolinsheLeader);
  const start = new Date(Date.now() + hours * 3600_000);
  const r = await gql(env.app, `mutation ($input: CreateShiftInput!) { createShift(input: $input) { shift { id } userErrors { message } } }`,
    { input: { teamId: gid("Team", env.demo.haolinshe.id), kind: "PATROL", title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 3600_000).toISOString(), capacity: 4 } }, leaderToken);
  return { id: r.data!.createShift.shift.id as string, leaderToken };
}

describe("switching person in one tab", () => {
  it("claim, cancel, sign out, sign in as another: nothing of the first shows", async () => {
    const members = await prisma.volunteer.findMany({ where: { status: "ACTIVE", teams: { some: { teamId: env.demo.haolinshe.id, status: "ACTIVE" } }, account: { passwordSet: true, roles: { none: {} } } }, include: { account: true }, orderBy: { phone: "asc" } });
    const free = [];
    for (const m of members) if ((await prisma.shiftClaim.count({ where: { volunteerId: m.id } })) === 0 && (await prisma.teamMembership.count({ where: { volunteerId: m.id, role: { not: "MEMBER" } } })) === 0) free.push(m);
    expect(free.length).toBeGreaterThanOrEqual(3);
    const [a, b] = free as [typeof free[0], typeof free[0]];
    await prisma.notification.updateMany({ where: { accountId: { in: [a.account!.id, b.account!.id] } }, data: { readAt: new Date() } });
    const s1 = await newShift("换人测试班次一", 30);
    const s2 = await newShift("换人测试班次二", 54);
    // A gets a notice (assigned to shift 2): A's badge shows 1, B has none.
    const as = await gql(env.app, `mutation ($input: AssignShiftInput!) { assignShift(input: $input) { claim { id } userErrors { message } } }`, { input: { shiftId: s2.id, volunteerId: gid("Volunteer", a.id) } }, s2.leaderToken);
    expect(JSON.stringify(as)).toContain('"claim":{"id"');

    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, a.phone);
    await page.goto("/shifts");
    const card1 = page.getByTestId("shift-card").filter({ hasText: "换人测试班次一" });
    const card2 = page.getByTestId("shift-card").filter({ hasText: "换人测试班次二" });
    await card1.waitFor({ timeout: 15_000 });
    await page.getByTestId("unread-count").filter({ hasText: "1" }).waitFor({ timeout: 10_000 });
    expect(await page.locator(".who").innerText()).toBe(a.displayName);
    await card1.getByRole("button", { name: "认领" }).click();
    await card1.getByRole("button", { name: "取消认领" }).waitFor();
    await card1.getByRole("button", { name: "取消认领" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "取消认领" }).click();
    await card1.getByRole("button", { name: "认领" }).waitFor();
    await card1.getByRole("button", { name: "认领" }).click(); // claimed again: A holds shift 1 and 2
    await card1.getByRole("button", { name: "取消认领" }).waitFor();
    await card2.getByRole("button", { name: "取消认领" }).waitFor();
    await shoot(page, "phone-switch-person-first");

    // The same page from here on (no reload): what the app holds in memory is what is tested.
    await page.evaluate(() => ((window as unknown as { samePage: boolean }).samePage = true));
    await page.getByRole("button", { name: "退出" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    await page.getByLabel("手机号").fill(b.phone);
    await page.getByLabel("密码").fill("linshe-demo");
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL((u) => u.pathname !== "/login" && u.pathname !== "/", { timeout: 15_000 });
    if (new URL(page.url()).pathname !== "/shifts") await page.getByRole("link", { name: "班次", exact: true }).click();
    await card1.waitFor({ timeout: 15_000 });
    await page.waitForLoadState("networkidle");
    await shoot(page, "phone-switch-person-second");
    expect(await page.locator(".who").innerText()).toBe(b.displayName);
    expect(await page.getByTestId("unread-count").count()).toBe(0);
    expect(await page.locator("[data-testid^=toast-]").allInnerTexts()).toEqual([]);
    for (const c of [card1, card2]) {
      expect(await c.getByRole("button", { name: "取消认领" }).count()).toBe(0);
      expect(await c.getByRole("button", { name: "认领" }).count()).toBe(1);
    }
    expect(await page.getByText("已确认", { exact: true }).count()).toBe(0);
    // Live seat counts still arrive for B (the board's subscription under B's client).
    await gql(env.app, `mutation ($input: AssignShiftInput!) { assignShift(input: $input) { claim { id } } }`, { input: { shiftId: s1.id, volunteerId: gid("Volunteer", free[2]!.id) } }, s1.leaderToken);
    await card1.getByTestId("seats").filter({ hasText: "2/4" }).waitFor({ timeout: 10_000 });
    expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true);
    await ctx.close();
  });
});
