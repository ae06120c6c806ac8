// End-to-end: the built web app served by the API, real Chromium, real PostgreSQL.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../api/src/app.js";
import { prisma } from "../../api/src/db.js";
import { gql, signIn, startApp } from "../support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "../support/fixtures.js";
import { context, DESKTOP, launch, PHONE, shoot, signInAs } from "./browser.js";

let app: App;
let browser: Browser;
let demo: Awaited<ReturnType<typeof seedDemoData>>;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  browser = await launch();
});
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe("in the browser", () => {
  it("a volunteer signs in on a phone and claims a shift; the seat count moves", async () => {
    const ctx = await context(browser, app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, "13800000160");
    await page.goto("/shifts");
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
    const v = await demo.volunteer("13800000160");
    expect(await prisma.shiftClaim.count({ where: { volunteerId: v.id, status: "CONFIRMED" } })).toBe(1);
    await page.goto("/my");
    await page.getByTestId("my-claim").first().waitFor();
    await shoot(page, "phone-my-shifts");
    await page.goto("/points");
    await page.getByTestId("balance").waitFor();
    await shoot(page, "phone-points");
    await ctx.close();
  });

  it("an officer's live watch shows a check-in made in another browser within seconds", async () => {
    // A shift starting soon, claimed by a volunteer.
    const leaderToken = await signIn(app, DEMO_PHONES.haolinsheLeader);
    const start = new Date(Date.now() + 10 * 60_000);
    const created = await gql(app, `mutation ($input: CreateShiftInput!) { createShift(input: $input) { shift { id postCode } userErrors { message } } }`, {
      input: { teamId: gid("Team", demo.haolinshe.id), kind: "NIGHT_PATROL", title: "今晚警民夜巡", startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), capacity: 4, gridId: gid("Grid", (await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id } })).id) },
    }, leaderToken);
    const shift = created.data!.createShift.shift;
    const volunteerToken = await signIn(app, "13800000170");
    await gql(app, `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { claim { id } } }`, { input: { shiftId: shift.id } }, volunteerToken);

    const officerCtx = await context(browser, app.url, DESKTOP);
    const officer = await officerCtx.newPage();
    await signInAs(officer, DEMO_PHONES.fushanOfficer);
    await officer.goto("/watch");
    await officer.getByTestId("watch-status").filter({ hasText: "实时" }).waitFor({ timeout: 10_000 });

    const volunteerCtx = await context(browser, app.url, PHONE);
    const volunteer = await volunteerCtx.newPage();
    await signInAs(volunteer, "13800000170");
    await volunteer.goto("/my");
    const card = volunteer.getByTestId("my-claim").filter({ hasText: "今晚警民夜巡" });
    await card.getByPlaceholder("输入岗点码").fill(shift.postCode);
    await card.getByRole("button", { name: "扫码/岗点码签到" }).click();
    await card.getByText("签到成功").waitFor();
    await shoot(volunteer, "phone-checked-in");

    // "Within seconds": the feed must show it while we wait at most 5 s.
    const volunteerName = (await demo.volunteer("13800000170")).displayName;
    await officer.getByTestId("watch-feed").getByText(volunteerName).waitFor({ timeout: 5000 });
    await shoot(officer, "desktop-patrol-watch");
    await officerCtx.close();
    await volunteerCtx.close();
  });

  it("a leader publishes a board edition and the public board shows it without sign-in", async () => {
    const ctx = await context(browser, app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.haolinsheLeader);
    await page.goto("/lead");
    const board = page.getByRole("region", { name: "发布表扬榜" });
    await board.getByRole("checkbox").first().waitFor();
    await board.getByLabel("标题").fill("浏览器测试表扬榜");
    await board.getByRole("checkbox").first().check();
    await shoot(page, "desktop-leader");
    await board.getByRole("button", { name: "发布表扬榜" }).click();
    await board.getByText("表扬榜已发布").waitFor();
    await ctx.close();

    const pub = await context(browser, app.url, DESKTOP);
    const screen = await pub.newPage();
    await screen.goto(`/board/${encodeURIComponent(gid("Station", demo.fushan.id))}?screen=1`);
    await screen.getByText("浏览器测试表扬榜").first().waitFor();
    const text = await screen.locator("body").innerText();
    expect(text).not.toMatch(/138\d{8}/);
    await shoot(screen, "desktop-public-board");
    await pub.close();
  });

  it("a partner admin signs the agreement awaiting its signature and sees exactly which version it signed", async () => {
    const ctx = await context(browser, app.url, PHONE);
    const page = await ctx.newPage();
    page.on("dialog", (d) => void d.accept());
    await signInAs(page, DEMO_PHONES.partnerAdmin);
    await page.goto("/partners");
    const awaiting = page.getByTestId("agreement").filter({ has: page.getByRole("button", { name: "签署第 1 版" }) });
    await awaiting.waitFor();
    await shoot(page, "phone-partner-agreements");
    await awaiting.getByRole("button", { name: "签署第 1 版" }).click();
    const signed = page.getByTestId("agreement").filter({ hasText: "续签" });
    await signed.getByText("生效").first().waitFor();
    await expect.poll(() => signed.innerText()).toContain("共建单位 已签署第 1 版");
    const agreement = await prisma.agreement.findFirstOrThrow({ where: { versions: { some: { title: { contains: "续签" } } } } });
    expect(agreement.status).toBe("ACTIVE");
    await ctx.close();
  });

  it("an officer registers a volunteer in the browser; a bad phone is explained and nothing is saved", async () => {
    const ctx = await context(browser, app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.goto("/teams");
    const form = page.getByRole("form", { name: "登记义警" });
    await form.getByLabel("姓名").fill("方晓燕");
    await form.getByLabel("手机号").fill("12345");
    await form.getByRole("button", { name: "登记" }).click();
    await page.getByRole("alert").getByText("手机号格式不正确").waitFor();
    expect(await prisma.enrollment.count({ where: { name: "方晓燕" } })).toBe(0);
    await form.getByLabel("手机号").fill("13712345678");
    await form.getByRole("button", { name: "登记" }).click();
    await page.getByText(/已登记。激活码 [A-Z2-9]{10}/).waitFor();
    expect(await prisma.enrollment.count({ where: { name: "方晓燕", phone: "13712345678", status: "PENDING" } })).toBe(1);
    await ctx.close();
  });

  it("an officer drafts an agreement and gives upcoming shifts to partners in turn", async () => {
    const ctx = await context(browser, app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.goto("/partners");
    const form = page.getByRole("form", { name: "起草共建协议" });
    await form.getByLabel("共建单位").selectOption({ label: "府山中学" });
    await form.getByLabel("标题").fill("府山中学护学共建协议");
    await form.getByLabel("协议条款").fill("学校每月派出教师志愿者参与护学岗。");
    await form.getByRole("button", { name: "起草" }).click();
    await form.getByText("协议已起草").waitFor();
    await page.getByTestId("agreement").filter({ hasText: "府山中学护学共建协议" }).getByText("草稿").waitFor();
    const school = await prisma.partner.findFirstOrThrow({ where: { name: "府山中学" } });
    expect(await prisma.agreement.count({ where: { partnerId: school.id, status: "DRAFT" } })).toBe(1);

    await page.getByRole("checkbox", { name: "府山中学" }).check();
    await page.getByRole("checkbox", { name: /护学岗/ }).first().check();
    await page.getByRole("button", { name: "按顺序分配" }).click();
    await page.getByText("轮值已安排").waitFor();
    expect(await prisma.rotationSlot.count({ where: { partnerId: school.id } })).toBe(1);
    await shoot(page, "desktop-officer-partner-planning");
    await ctx.close();
  });

  it("screens every main page at phone and desktop sizes", async () => {
    for (const [size, viewport] of [["phone", PHONE], ["desktop", DESKTOP]] as const) {
      const ctx = await context(browser, app.url, viewport);
      const page = await ctx.newPage();
      await page.goto("/login");
      await shoot(page, `${size}-login`);
      await signInAs(page, DEMO_PHONES.fushanOfficer);
      for (const [path, name] of [["/shifts", "officer-shifts"], ["/review", "officer-review"], ["/partners", "officer-partners"], ["/teams", "officer-teams"], ["/board", "board-picker"]] as const) {
        await page.goto(path);
        await page.locator("h1").first().waitFor();
        await page.waitForLoadState("networkidle");
        await shoot(page, `${size}-${name}`);
      }
      // The page never scrolls sideways at 360 px.
      if (size === "phone") {
        await page.goto("/shifts");
        await page.getByTestId("shift-card").first().waitFor();
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
      }
      await ctx.close();
    }
  });
});
