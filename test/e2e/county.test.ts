// A station taking in its people, in Chromium through the real forms: the officer makes an invitation
// (QR poster), previews a sheet of 1,000 volunteers with 3 bad rows (the table shows them, nothing is
// saved), fixes it and imports it; a resident opens the invitation on a phone, joins and waits; the
// officer approves. axe on each page.
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../api/src/app.js";
import { prisma } from "../../api/src/db.js";
import { readSheet } from "../../api/src/lib/sheet.js";
import { startApp } from "../support/client.js";
import { DEMO_PHONES, seedDemoData } from "../support/fixtures.js";
import { context, DESKTOP, launch, NARROW, PHONE, seriousViolations, shoot, sidewaysOverflow, signInAs } from "./browser.js";

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

const HEADER = "姓名,手机号,身份证号,小队,特长";
const sheet = (rows: string[]) => Buffer.from([HEADER, ...rows].join("\r\n"), "utf8");
const good = Array.from({ length: 1000 }, (_, i) => `新队员${i},${15800000000 + i},,警民夜巡,夜巡`);

describe("a platform admin sets up a county through the forms", () => {
  it("creates 诸暨市公安局, a station with a community and 3 grids, and an officer who activates", async () => {
    const demoHash = (await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } })).passwordHash;
    await prisma.account.create({ data: { phone: "13700000009", passwordHash: demoHash, displayName: "平台管理员", roles: { create: { role: "ADMIN" } } } });
    const ctx = await context(browser, app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, "13700000009");
    expect(new URL(page.url()).pathname).toBe("/county");
    await page.getByLabel("名称").fill("诸暨市公安局");
    await page.getByLabel("城市").fill("绍兴市");
    await page.getByRole("button", { name: "创建区域" }).click();
    const region = page.getByRole("region", { name: "诸暨市公安局" });
    await region.waitFor();
    await region.getByLabel("派出所名称").fill("暨阳派出所");
    await region.getByLabel("区县").fill("诸暨市");
    await region.getByRole("button", { name: "创建派出所" }).click();
    const station = region.getByTestId("station").filter({ hasText: "暨阳派出所" });
    await station.waitFor();
    await station.getByLabel("新社区").fill("城东社区");
    await station.getByRole("button", { name: "添加社区" }).click();
    await station.getByText("城东社区").first().waitFor();
    for (const name of ["一号网格", "二号网格", "三号网格"]) {
      await station.getByLabel("新网格").fill(name);
      await station.getByLabel("巡防方案").fill(`${name}：每晚19:00-21:00两人一组巡逻`);
      await station.getByRole("button", { name: "添加网格" }).click();
      await station.getByTestId("grid-name").filter({ hasText: name }).waitFor();
    }
    await station.getByRole("textbox", { name: "手机号" }).fill("13700000010");
    await station.getByRole("textbox", { name: "姓名" }).fill("陈警官");
    await station.getByRole("button", { name: "任命" }).click();
    const code = await station.getByTestId("activation-code").innerText();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "desktop-county");
    const st = await prisma.station.findUniqueOrThrow({ where: { name: "暨阳派出所" }, include: { region: true, communities: { include: { grids: true } } } });
    expect(st.region?.name).toBe("诸暨市公安局");
    expect(st.communities[0]!.grids.map((g) => g.name).sort()).toEqual(["一号网格", "三号网格", "二号网格"].sort());
    await ctx.close();

    const officerCtx = await context(browser, app.url, DESKTOP);
    const officer = await officerCtx.newPage();
    await officer.goto("/activate");
    await officer.getByRole("textbox", { name: "手机号" }).fill("13700000010");
    await officer.getByLabel("激活码").fill(code);
    await officer.getByLabel("设置密码（至少8位）").fill("officer-pass-1");
    await officer.getByTestId("accept-terms").click();
    await officer.getByRole("button", { name: "激活并登录" }).click();
    await officer.waitForURL((u) => u.pathname === "/watch", { timeout: 15_000 });
    await officerCtx.close();
  }, 240_000);
});

describe("an officer takes in volunteers; a resident joins by invitation", () => {
  let joinPath = "";
  let codesSheet: Awaited<ReturnType<typeof readSheet>> | null = null;

  it("imports a sheet: the preview lists the 3 bad rows and saves nothing; the fixed sheet imports 1,000", async () => {
    const ctx = await context(browser, app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer, "linshe-demo", "/members");
    await page.locator("h1", { hasText: "队员" }).waitFor();
    const form = page.getByTestId("import-form");

    const bad = [...good];
    bad[10] = "新队员10,1580000,,警民夜巡,夜巡"; // row 12
    bad[500] = `新队员500,${15800000000 + 3},,警民夜巡,夜巡`; // row 502: same phone as row 5
    bad[900] = "新队员900,15800000900,,没有这个小队,夜巡"; // row 902
    const before = await prisma.enrollment.count();
    await form.getByLabel("表格文件").setInputFiles({ name: "队员.csv", mimeType: "text/csv", buffer: sheet(bad) });
    await form.getByRole("button", { name: "预览检查" }).click();
    const table = page.getByTestId("import-errors");
    await table.waitFor();
    const rows = await table.locator("tbody tr").allInnerTexts();
    expect(rows.map((r) => r.replace(/\s+/g, " ").trim())).toEqual([
      "12 手机号 手机号格式不正确（应为11位手机号）",
      "502 手机号 与第5行手机号重复",
      "902 小队 本队没有“没有这个小队”小队",
    ]);
    expect(await page.getByTestId("import-report").innerText()).toContain("读取 1000 行：997 行可导入，3 行有错误。未保存任何数据。");
    expect(await form.getByRole("button", { name: "确认导入" }).isDisabled()).toBe(true);
    expect(await prisma.enrollment.count()).toBe(before);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "desktop-import-preview");

    await form.getByLabel("表格文件").setInputFiles({ name: "队员.csv", mimeType: "text/csv", buffer: sheet(good) });
    await form.getByRole("button", { name: "预览检查" }).click();
    await page.getByText("读取 1000 行：1000 行可导入，0 行有错误。").waitFor();
    await form.getByRole("button", { name: "确认导入" }).click();
    const codes = page.getByTestId("codes-file");
    await codes.waitFor({ timeout: 60_000 });
    expect(await codes.getAttribute("download")).toMatch(/^好邻舍义警_激活码_\d{4}-\d{2}-\d{2}\.xlsx$/);
    expect(await prisma.enrollment.count({ where: { teamId: demo.haolinshe.id, phone: { startsWith: "158000" } } })).toBe(1000);
    await shoot(page, "desktop-import-done");
    // The codes sheet the officer downloads.
    const href = (await codes.getAttribute("href"))!;
    codesSheet = await readSheet(Buffer.from(href.slice(href.indexOf(",") + 1), "base64"), { maxRows: 2000 });
    expect(codesSheet.rows).toHaveLength(1000);
    await ctx.close();
  }, 180_000);

  it("lets an imported person activate on a phone with the code from the sheet", async () => {
    const [, , , phone, code] = codesSheet!.rows[0]!.cells;
    const phoneCtx = await context(browser, app.url, PHONE);
    const resident = await phoneCtx.newPage();
    await resident.goto("/login");
    await resident.getByRole("link", { name: "有激活码？激活账号" }).click();
    await resident.locator("h1", { hasText: "激活账号" }).waitFor();
    await resident.getByRole("textbox", { name: "手机号" }).fill(phone!);
    await resident.getByLabel("激活码").fill(code!);
    await resident.getByLabel("设置密码（至少8位）").fill("imported-pass-1");
    await resident.getByTestId("accept-terms").click();
    expect(await seriousViolations(resident)).toEqual([]);
    await shoot(resident, "phone-activate");
    await resident.getByRole("button", { name: "激活并登录" }).click();
    await resident.waitForURL((u) => u.pathname === "/shifts", { timeout: 15_000 });
    await phoneCtx.close();
  }, 120_000);

  it("gives the officer an invitation with a QR poster", async () => {
    const ctx = await context(browser, app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer, "linshe-demo", "/members");
    await page.locator("h1", { hasText: "队员" }).waitFor();
    // An invitation with its QR code, for a poster.
    await page.getByRole("button", { name: "生成二维码" }).click();
    const link = page.getByTestId("invite-link").first();
    await link.waitFor();
    joinPath = new URL(await link.innerText()).pathname;
    expect(joinPath).toMatch(/^\/join\/\S+$/);
    expect(await page.locator(".invite-poster .qr svg").count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "desktop-members-invite");
    await ctx.close();
  }, 120_000);

  it("lets a resident join on a phone; the officer approves", async () => {
    const ctx = await context(browser, app.url, PHONE);
    const page = await ctx.newPage();
    await page.goto(joinPath);
    await page.locator("h1", { hasText: "加入义警队伍" }).waitFor();
    await page.getByText("邀请您加入 府山派出所「好邻舍义警」").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByRole("button", { name: "申请加入" }).click();
    expect(await page.locator('[aria-invalid="true"]').count()).toBeGreaterThan(0);
    await page.getByLabel("姓名（实名，仅民警可见）").fill("王小明");
    await page.getByLabel("显示名（队友看到的名字）").fill("小明");
    await page.getByRole("textbox", { name: "手机号", exact: true }).fill("15912345678");
    await page.getByLabel("设置密码（至少8位）").fill("join-pass-123");
    await page.getByText("反诈宣传").click();
    // Without consent the API refuses, in Chinese.
    await page.getByRole("button", { name: "申请加入" }).click();
    await page.getByRole("alert").filter({ hasText: /同意/ }).first().waitFor();
    await page.getByTestId("accept-terms").click();
    await shoot(page, "phone-join-form");
    await page.getByRole("button", { name: "申请加入" }).click();
    await page.getByTestId("join-pending").waitFor();
    expect(await page.getByTestId("join-pending").innerText()).toContain("已提交申请，加入府山派出所「好邻舍义警」");
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "phone-join-pending");
    const v = await prisma.volunteer.findFirstOrThrow({ where: { phone: "15912345678" }, include: { teams: true } });
    expect(v.teams.map((m) => m.status)).toEqual(["PENDING"]);
    expect(v.specialties).toEqual(["ANTI_FRAUD"]);
    await page.setViewportSize(NARROW);
    expect(await sidewaysOverflow(page)).toBe(0);
    await ctx.close();

    const officerCtx = await context(browser, app.url, DESKTOP);
    const officer = await officerCtx.newPage();
    await signInAs(officer, DEMO_PHONES.fushanOfficer, "linshe-demo", "/members");
    const row = officer.getByTestId("pending-row").filter({ hasText: "小明" });
    await row.waitFor();
    await row.getByRole("button", { name: "通过" }).click();
    await officer.getByTestId("pending-row").filter({ hasText: "小明" }).waitFor({ state: "detached" });
    const after = await prisma.teamMembership.findFirstOrThrow({ where: { volunteerId: v.id } });
    expect(after.status).toBe("ACTIVE");
    await officerCtx.close();

    // A volunteer of 长庆 joins only signed in as themselves, and waits for approval too.
    const otherCtx = await context(browser, app.url, PHONE);
    const other = await otherCtx.newPage();
    await signInAs(other, "13900000002", "linshe-demo", joinPath);
    await other.getByRole("button", { name: "用当前账号申请加入" }).click();
    await other.getByTestId("join-pending").waitFor();
    const theirs = await prisma.volunteer.findFirstOrThrow({ where: { phone: "13900000002" }, include: { teams: true } });
    expect(theirs.teams.find((m) => m.teamId === demo.haolinshe.id)?.status).toBe("PENDING");
    await otherCtx.close();
  }, 180_000);
});
