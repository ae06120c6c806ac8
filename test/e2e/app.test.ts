// End-to-end: the built web app served by the API, real Chromium, real PostgreSQL.
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import { context, demoBrowserApp, DESKTOP, NARROW, PHONE, SCREEN, shoot, signInAs } from "./browser.js";


const env = demoBrowserApp();

describe("in the browser", () => {
  it("a volunteer signs in on a phone and claims a shift; the seat count moves", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, "13800000160");
    expect(new URL(page.url()).pathname).toBe("/shifts");
    const card = page.getByTestId("shift-card").filter({ has: page.getByRole("button", { name: "认领" }) }).first();
    await card.waitFor();
    const title = await card.locator("strong").first().innerText();
    const before = await card.getByTestId("seats").innerText();
    await shoot(page, "phone-shift-board");
    await card.getByRole("button", { name: "认领" }).click();
    const claimed = page.getByTestId("shift-card").filter({ hasText: title }).first();
    await expect.poll(() => claimed.getByTestId("seats").innerText(), { timeout: 5000 }).not.toBe(before);
    // The badge comes from the server's answer (the seat count above may be the optimistic one).
    await claimed.locator(".badge", { hasText: "已确认" }).waitFor();
    await page.getByTestId("toast-success").filter({ hasText: "认领成功" }).waitFor();
    const v = await env.demo.volunteer("13800000160");
    expect(await prisma.shiftClaim.count({ where: { volunteerId: v.id, status: "CONFIRMED" } })).toBe(1);
    await page.getByRole("link", { name: "我的班次" }).click();
    await page.getByTestId("my-claim").first().waitFor();
    await shoot(page, "phone-my-shifts");
    // The claim's title opens its shift, where the volunteer can cancel it.
    await page.getByTestId("my-claim").getByRole("link", { name: title }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/shifts/"));
    await page.getByRole("button", { name: "取消认领" }).waitFor();
    await page.goBack();
    await page.getByRole("link", { name: "积分" }).click();
    await page.getByTestId("balance").waitFor();
    await shoot(page, "phone-points");
    await ctx.close();
  });

  it("a volunteer keeps only their teams' and squads' shifts on the board with one box above it", async () => {
    const ctx = await context(env.browser, env.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.firstVolunteer);
    const cards = page.getByTestId("shift-card");
    await cards.first().waitFor();
    // Not in the squads of most of the week's shifts: the board says so on each of them.
    const notMine = cards.filter({ hasText: "仅本小队队员可认领" });
    expect(await notMine.count()).toBeGreaterThan(0);
    // In sight on the board, not folded into 筛选.
    await page.getByRole("checkbox", { name: "只看我的队伍和小队的班次" }).check();
    await expect.poll(() => notMine.count()).toBe(0);
    await cards.first().waitFor();
    expect(await cards.filter({ hasText: "不是本队队员" }).count()).toBe(0);
    await shoot(page, "narrow-volunteer-board-only-mine");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await ctx.close();
  });

  it("the shift board follows seat counts live: another volunteer's claim shows without a reload", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, "13800000170");
    const card = page.getByTestId("shift-card").filter({ has: page.getByRole("button", { name: "认领" }) }).filter({ hasNotText: "需要" }).first();
    await card.waitFor();
    const shiftId = decodeURIComponent((await card.locator("a.card-title").getAttribute("href"))!.split("/").pop()!);
    const before = await card.getByTestId("seats").innerText();
    const other = await signIn(env.app, "13800000171");
    const claimed = await gql(env.app, `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { userErrors { code message } } }`, { input: { shiftId } }, other);
    expect(claimed.data?.claimShift?.userErrors).toEqual([]);
    const same = page.locator(`article:has(a[href="/shifts/${encodeURIComponent(shiftId)}"])`).getByTestId("seats");
    await expect.poll(() => same.innerText(), { timeout: 10_000 }).not.toBe(before);
    expect(Number((await same.innerText()).split("/")[0])).toBe(Number(before.split("/")[0]) + 1);
    await ctx.close();
  });

  it("an officer's live watch shows a check-in made in another browser within seconds", async () => {
    // A shift starting soon, claimed by a volunteer.
    const leaderToken = await signIn(env.app, DEMO_PHONES.haolinsheLeader);
    const start = new Date(Date.now() + 10 * 60_000);
    const created = await gql(env.app, `mutation ($input: CreateShiftInput!) { createShift(input: $input) { shift { id postCode } userErrors { message } } }`, {
      input: { teamId: gid("Team", env.demo.haolinshe.id), kind: "NIGHT_PATROL", title: "今晚警民夜巡", startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), capacity: 4, gridId: gid("Grid", (await prisma.grid.findFirstOrThrow({ where: { stationId: env.demo.fushan.id } })).id) },
    }, leaderToken);
    const shift = created.data!.createShift.shift;
    const volunteerToken = await signIn(env.app, "13800000170");
    await gql(env.app, `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { claim { id } } }`, { input: { shiftId: shift.id } }, volunteerToken);

    const officerCtx = await context(env.browser, env.app.url, DESKTOP);
    const officer = await officerCtx.newPage();
    await signInAs(officer, DEMO_PHONES.fushanOfficer);
    expect(new URL(officer.url()).pathname).toBe("/watch");
    await officer.getByTestId("watch-status").filter({ hasText: "实时" }).waitFor({ timeout: 10_000 });

    const volunteerCtx = await context(env.browser, env.app.url, PHONE);
    const volunteer = await volunteerCtx.newPage();
    await signInAs(volunteer, "13800000170");
    await volunteer.goto("/my");
    const card = volunteer.getByTestId("my-claim").filter({ hasText: "今晚警民夜巡" });
    await card.getByPlaceholder("输入岗点码").fill(shift.postCode);
    await card.getByRole("button", { name: "岗点码签到" }).click();
    await volunteer.getByTestId("toast-success").filter({ hasText: "签到成功" }).waitFor();
    await card.getByText("已签到").waitFor();
    await shoot(volunteer, "phone-checked-in");

    // "Within seconds": the feed must show it while we wait at most 5 s.
    const volunteerName = (await env.demo.volunteer("13800000170")).displayName;
    await officer.getByTestId("watch-feed").getByText(volunteerName).waitFor({ timeout: 5000 });
    await shoot(officer, "desktop-patrol-watch");

    // Check-out closes the patrol: hours in a toast, and the shift stays in the 历史 tab.
    await card.getByRole("button", { name: "签退" }).click();
    await volunteer.getByTestId("toast-success").filter({ hasText: "签退成功" }).waitFor();
    await volunteer.getByRole("tab", { name: "历史" }).click();
    await volunteer.getByTestId("history-claim").filter({ hasText: "今晚警民夜巡" }).getByText("已完成").waitFor();
    await shoot(volunteer, "phone-history");
    await officerCtx.close();
    await volunteerCtx.close();
  });

  it("a leader publishes a board edition and the street screen shows it live, without sign-in", async () => {
    // The street screen is open before the edition is published.
    const pub = await context(env.browser, env.app.url, SCREEN);
    const screen = await pub.newPage();
    await screen.goto(`/board/${encodeURIComponent(gid("Station", env.demo.fushan.id))}?screen=1`);
    await screen.getByTestId("screen-station").getByText("府山派出所").waitFor();

    const ctx = await context(env.browser, env.app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.haolinsheLeader);
    expect(new URL(page.url()).pathname).toBe("/lead");
    const board = page.getByRole("region", { name: "发布表扬榜" });
    await board.getByRole("checkbox").first().waitFor();
    await board.getByLabel("标题").fill("浏览器测试表扬榜");
    await board.getByRole("checkbox").first().check();
    await shoot(page, "desktop-leader");
    await board.getByRole("button", { name: "发布表扬榜" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "表扬榜已发布" }).waitFor();
    // The form is reset: a second click cannot publish the same edition again.
    expect(await board.getByRole("checkbox", { checked: true }).count()).toBe(0);
    expect(await board.getByRole("button", { name: "发布表扬榜" }).isDisabled()).toBe(true);
    await ctx.close();

    // Live: the newest edition's heading comes first, without a reload.
    await screen.getByTestId("screen-edition").getByText("浏览器测试表扬榜").waitFor({ timeout: 10_000 });
    const text = await screen.locator("body").innerText();
    expect(text).not.toMatch(/138\d{8}/);
    await shoot(screen, "screen-public-board");
    await pub.close();
  });

  it("a partner admin signs the agreement awaiting its signature and sees exactly which version it signed", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.partnerAdmin);
    expect(new URL(page.url()).pathname).toBe("/partners");
    const awaiting = page.getByTestId("agreement").filter({ has: page.getByRole("button", { name: "签署第 1 版" }) });
    await awaiting.waitFor();
    await shoot(page, "phone-partner-agreements");
    await awaiting.getByRole("button", { name: "签署第 1 版" }).click();
    // An in-page dialog, not the browser's confirm().
    await page.getByRole("dialog").getByRole("button", { name: "签署" }).click();
    // Next year's agreement, signed by both now, is not in effect before its start date.
    await page.getByTestId("toast-success").filter({ hasText: "到开始日期后生效" }).waitFor();
    const signed = page.getByTestId("agreement").filter({ hasText: "续签" });
    await signed.getByText("已签署·待生效").waitFor();
    await expect.poll(() => signed.innerText()).toContain("共建单位 已签署第 1 版");
    const agreement = await prisma.agreement.findFirstOrThrow({ where: { versions: { some: { title: { contains: "续签" } } } } });
    expect(agreement.status).toBe("ACTIVE");
    await ctx.close();
  });

  it("an officer registers a volunteer in the browser; a bad phone is explained and nothing is saved", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.getByRole("link", { name: "队伍" }).click();
    const form = page.getByRole("form", { name: "登记义警" });
    await form.getByLabel("姓名").fill("方晓燕");
    await form.getByLabel("手机号").fill("12345");
    await form.getByRole("button", { name: "登记" }).click();
    // The error sits under the phone field, which is marked invalid and scrolled into view.
    const phoneField = form.locator('[data-field="phone"]');
    await phoneField.locator(".field-error").getByText("手机号格式不正确").waitFor();
    expect(await form.getByLabel("手机号").getAttribute("aria-invalid")).toBe("true");
    await expect.poll(() => phoneField.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })).toBe(true);
    expect(await prisma.enrollment.count({ where: { name: "方晓燕" } })).toBe(0);
    await form.getByLabel("手机号").fill("13712345678");
    await form.getByRole("button", { name: "登记" }).click();
    // The activation code is shown once, where the officer looks, to hand to the person.
    await page.getByTestId("activation-code").getByText(/^[A-Z2-9]{10}$/).waitFor();
    expect(await prisma.enrollment.count({ where: { name: "方晓燕", phone: "13712345678", status: "PENDING" } })).toBe(1);
    // The form is empty again.
    expect(await form.getByLabel("姓名").inputValue()).toBe("");
    await ctx.close();
  });

  it("an officer drafts an agreement and gives upcoming shifts to partners in turn", async () => {
    const ctx = await context(env.browser, env.app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.getByRole("link", { name: "共建" }).click();
    const form = page.getByRole("form", { name: "起草共建协议" });
    await form.getByLabel("共建单位").selectOption({ label: "府山中学" });
    await form.getByLabel("标题").fill("府山中学护学共建协议");
    await form.getByLabel("协议条款").fill("学校每月派出教师志愿者参与护学岗。");
    await form.getByRole("button", { name: "起草" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "协议已起草" }).waitFor();
    await page.getByTestId("agreement").filter({ hasText: "府山中学护学共建协议" }).getByText("草稿").waitFor();
    const school = await prisma.partner.findFirstOrThrow({ where: { name: "府山中学" } });
    expect(await prisma.agreement.count({ where: { partnerId: school.id, status: "DRAFT" } })).toBe(1);

    await page.getByRole("checkbox", { name: "府山中学" }).check();
    await page.getByRole("checkbox", { name: /护学岗/ }).first().check();
    await page.getByRole("button", { name: "按顺序分配" }).click();
    // The success message is where the eye is: inside the viewport.
    const done = page.getByTestId("toast-success").filter({ hasText: "轮值已安排" });
    await done.waitFor();
    expect(await done.evaluate((el) => { const r = el.getBoundingClientRect(); return r.top >= 0 && r.bottom <= window.innerHeight; })).toBe(true);
    expect(await prisma.rotationSlot.count({ where: { partnerId: school.id } })).toBe(1);
    await shoot(page, "desktop-officer-partner-planning");
    await ctx.close();
  });
});

describe("a long board", () => {
  it("offers 加载更多 after 30 shifts, and every shift of the period can be reached once", async () => {
    // 35 more shifts 20–27 days ahead, beyond the 7-day view the other tests use.
    const leader = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.haolinsheLeader } });
    const day0 = Date.now() + 20 * 86_400_000;
    await prisma.shift.createMany({
      data: Array.from({ length: 35 }, (_, k) => ({
        stationId: env.demo.fushan.id, teamId: env.demo.haolinshe.id, kind: "PATROL" as const, title: `翻页班次${k + 1}`,
        startsAt: new Date(day0 + k * 4 * 3600_000), endsAt: new Date(day0 + k * 4 * 3600_000 + 3600_000), capacity: 3, postCode: "246810", createdById: leader.id,
      })),
    });
    const expected = await prisma.shift.count({ where: { stationId: env.demo.fushan.id, status: { not: "CANCELLED" }, startsAt: { gte: new Date(), lt: new Date(Date.now() + 29 * 86_400_000) } } });
    expect(expected).toBeGreaterThan(30);
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, "13800000172");
    await page.getByRole("button", { name: "30天内" }).click();
    const cards = page.getByTestId("shift-card");
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(30);
    await shoot(page, "phone-shift-board-long");
    await page.getByTestId("board-more").click();
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(expected);
    const titles = await cards.locator("a.card-title").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    expect(new Set(titles).size).toBe(titles.length);
    await page.getByText("翻页班次35").waitFor();
    // Another period starts from its first page again.
    await page.getByRole("button", { name: "7天内" }).click();
    await expect.poll(async () => (await page.getByText("翻页班次35").count()) === 0, { timeout: 10_000 }).toBe(true);
    await ctx.close();
  });
  it("opened again on /shifts, asks for the board together with the viewer, not after its answer, and once", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, "13800000174");
    await page.getByTestId("shift-card").first().waitFor(); // the board's station is now remembered
    const log: string[] = [];
    const op = (body: string | null) => /"operationName":"(\w+)"/.exec(body ?? "")?.[1];
    page.on("request", (r) => op(r.postData()) && log.push(`request ${op(r.postData())}`));
    page.on("response", (r) => op(r.request().postData()) && log.push(`response ${op(r.request().postData())}`));
    await page.reload();
    await page.getByTestId("shift-card").first().waitFor();
    expect(log.filter((l) => l === "request ShiftBoard")).toHaveLength(1);
    expect(log.indexOf("request ShiftBoard")).toBeGreaterThanOrEqual(0);
    expect(log.indexOf("request ShiftBoard")).toBeLessThan(log.indexOf("response Viewer"));
    await ctx.close();
  });
});
