// A station taking in its people, in Chromium through the real forms: the officer makes an invitation
// (QR poster), previews a sheet of 1,000 volunteers with 3 bad rows (the table shows them, nothing is
// saved), fixes it and imports it; a resident opens the invitation on a phone, joins and waits; the
// officer approves; the resident signs in and claims a shift; the officer edits, suspends, adds to a
// squad and exports members and revokes an invitation. axe on each page.

import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { readSheet } from "../../api/src/lib/sheet.js";
import { DEMO_PHONES } from "../support/fixtures.js";
import { context, demoBrowserApp, DESKTOP, NARROW, PHONE, seriousViolations, shoot, sidewaysOverflow, signInAs } from "./browser.js";

const t = demoBrowserApp();

const HEADER = "姓名,手机号,身份证号,小队,特长";
const sheet = (rows: string[]) => Buffer.from([HEADER, ...rows].join("\r\n"), "utf8");
const good = Array.from({ length: 1000 }, (_, i) => `新队员${i},${15800000000 + i},,警民夜巡,夜巡`);

describe("a platform admin sets up a county through the forms", () => {
  it("creates 诸暨市公安局, a station with a community and 3 grids, and an officer who activates", async () => {
    const demoHash = (await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } })).passwordHash;
    await prisma.account.create({ data: { phone: "13700000009", passwordHash: demoHash, displayName: "平台管理员", roles: { create: { role: "ADMIN" } } } });
    const ctx = await context(t.browser, t.app.url, DESKTOP);
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
    // A phone whose account is in use (a demo volunteer): a 确认码, the appointment listed as waiting, and withdrawn.
    await station.getByRole("textbox", { name: "手机号" }).fill("13800000150");
    await station.getByRole("textbox", { name: "姓名" }).fill("待确认民警");
    await station.getByRole("button", { name: "任命" }).click();
    await station.getByText("任命待本人确认").waitFor();
    const pending = station.getByTestId("pending-offers");
    await pending.getByText("（待确认）").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "desktop-county-pending-offer");
    await pending.getByRole("button", { name: /撤回对.*的任命/ }).click();
    await page.getByRole("dialog").getByRole("button", { name: "撤回" }).click();
    await pending.waitFor({ state: "detached" });
    expect(await prisma.roleOffer.count({ where: { account: { phone: "13800000150" } } })).toBe(0);
    // Its 确认码 no longer works, so it is no longer shown.
    await station.getByTestId("activation-code").waitFor({ state: "detached" });
    // Appointed again, and withdrawn by another admin (or confirmed by the person) while this page still lists it: 撤回
    // is told it is gone and the list is read again (before, the stale row stayed, its button earning the same error).
    await station.getByRole("textbox", { name: "手机号" }).fill("13800000151");
    await station.getByRole("textbox", { name: "姓名" }).fill("已被撤回");
    await station.getByRole("button", { name: "任命" }).click();
    await pending.getByText("（待确认）").waitFor();
    await prisma.roleOffer.deleteMany({ where: { account: { phone: "13800000151" } } });
    await pending.getByRole("button", { name: /撤回对.*的任命/ }).click();
    await page.getByRole("dialog").getByRole("button", { name: "撤回" }).click();
    await pending.waitFor({ state: "detached", timeout: 10_000 });
    // A region admin appointed to a phone in use: listed under the region for the platform admin, and withdrawn.
    const grantAdmin = region.getByRole("form", { name: "任命区域管理员" });
    await grantAdmin.getByRole("textbox", { name: "手机号" }).fill("13800000152");
    await grantAdmin.getByRole("textbox", { name: "姓名" }).fill("待确认区域管理员");
    await grantAdmin.getByRole("button", { name: "任命" }).click();
    await grantAdmin.getByText("任命待本人确认").waitFor();
    const regionPending = region.getByTestId("pending-offers").first();
    await regionPending.getByText("（待确认）").waitFor();
    await regionPending.getByRole("button", { name: /撤回对.*的任命/ }).click();
    await page.getByRole("dialog").getByRole("button", { name: "撤回" }).click();
    await regionPending.waitFor({ state: "detached", timeout: 10_000 });
    expect(await prisma.roleOffer.count({ where: { account: { phone: "13800000152" } } })).toBe(0);
    await grantAdmin.getByTestId("activation-code").waitFor({ state: "detached" });
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "desktop-county");
    const st = await prisma.station.findUniqueOrThrow({ where: { name: "暨阳派出所" }, include: { region: true, communities: { include: { grids: true } } } });
    expect(st.region?.name).toBe("诸暨市公安局");
    expect(st.communities[0]!.grids.map((g) => g.name).sort()).toEqual(["一号网格", "三号网格", "二号网格"].sort());
    await ctx.close();

    const officerCtx = await context(t.browser, t.app.url, DESKTOP);
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
    const ctx = await context(t.browser, t.app.url, DESKTOP);
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
    expect(await prisma.enrollment.count({ where: { teamId: t.demo.haolinshe.id, phone: { startsWith: "158000" } } })).toBe(1000);
    await shoot(page, "desktop-import-done");
    // The codes sheet the officer downloads.
    const href = (await codes.getAttribute("href"))!;
    codesSheet = await readSheet(Buffer.from(href.slice(href.indexOf(",") + 1), "base64"), { maxRows: 2000 });
    expect(codesSheet.rows).toHaveLength(1000);
    await ctx.close();
  }, 180_000);

  it("lets an imported person activate on a phone with the code from the sheet", async () => {
    const [, , , phone, code] = codesSheet!.rows[0]!.cells;
    const phoneCtx = await context(t.browser, t.app.url, PHONE);
    const resident = await phoneCtx.newPage();
    await resident.goto("/login");
    await resident.getByRole("link", { name: "有激活码？激活账号" }).click();
    await resident.locator("h1", { hasText: "激活账号" }).waitFor();
    await resident.getByRole("textbox", { name: "手机号" }).fill(phone!);
    await resident.getByLabel("激活码").fill(code!);
    await resident.getByLabel("设置密码（至少8位）").fill("imported-pass-1");
    await resident.getByTestId("accept-terms").click();
    // What they consent to opens beside the form (a new tab), which keeps what they typed.
    const [privacy] = await Promise.all([phoneCtx.waitForEvent("page"), resident.getByRole("link", { name: "《隐私说明》" }).click()]);
    await privacy.getByRole("heading", { level: 1, name: "隐私说明" }).waitFor();
    expect(await privacy.getByRole("heading", { level: 2 }).allInnerTexts()).toEqual(["收集什么", "用来做什么", "谁能看到", "保存多久", "您能做什么"]);
    expect(await seriousViolations(privacy)).toEqual([]);
    await privacy.setViewportSize(NARROW);
    expect(await sidewaysOverflow(privacy)).toBe(0);
    await shoot(privacy, "phone-privacy-360");
    await privacy.goto("/rules");
    await privacy.getByRole("heading", { level: 1, name: "义警守则" }).waitFor();
    expect(await seriousViolations(privacy)).toEqual([]);
    await privacy.close();
    expect(await resident.getByLabel("激活码").inputValue()).toBe(code!);
    expect(await seriousViolations(resident)).toEqual([]);
    await shoot(resident, "phone-activate");
    await resident.getByRole("button", { name: "激活并登录" }).click();
    await resident.waitForURL((u) => u.pathname === "/shifts", { timeout: 15_000 });
    await phoneCtx.close();
  }, 120_000);

  it("gives the officer an invitation with a QR poster", async () => {
    const ctx = await context(t.browser, t.app.url, DESKTOP);
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
    const ctx = await context(t.browser, t.app.url, PHONE);
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

    const officerCtx = await context(t.browser, t.app.url, DESKTOP);
    const officer = await officerCtx.newPage();
    // From the notice in the inbox, as an officer would come: its link leads to the applications.
    await signInAs(officer, DEMO_PHONES.fushanOfficer, "linshe-demo", "/inbox");
    await officer.getByRole("link", { name: /小明.*申请加入/ }).first().click();
    const row = officer.getByTestId("pending-row").filter({ hasText: "小明" });
    await row.waitFor();
    await row.getByRole("button", { name: "通过" }).click();
    await officer.getByTestId("pending-row").filter({ hasText: "小明" }).waitFor({ state: "detached" });
    const after = await prisma.teamMembership.findFirstOrThrow({ where: { volunteerId: v.id } });
    expect(after.status).toBe("ACTIVE");
    await officerCtx.close();

    // Approved: the resident signs in through the login form on a phone and claims a shift.
    const residentCtx = await context(t.browser, t.app.url, PHONE);
    const resident = await residentCtx.newPage();
    await signInAs(resident, "15912345678", "join-pass-123");
    expect(new URL(resident.url()).pathname).toBe("/shifts");
    const talk = resident.getByRole("article", { name: "反诈进社区宣讲" });
    await talk.getByRole("button", { name: "认领" }).click();
    await resident.getByTestId("toast-success").filter({ hasText: "认领成功" }).waitFor();
    const claim = await prisma.shiftClaim.findFirstOrThrow({ where: { volunteerId: v.id }, include: { shift: true } });
    expect([claim.shift.title, claim.status]).toEqual(["反诈进社区宣讲", "CONFIRMED"]);
    expect(await seriousViolations(resident)).toEqual([]);
    await shoot(resident, "phone-joined-claims");
    await residentCtx.close();

    // A volunteer of 长庆 joins only signed in as themselves, and waits for approval too.
    const otherCtx = await context(t.browser, t.app.url, PHONE);
    const other = await otherCtx.newPage();
    await signInAs(other, "13900000002", "linshe-demo", joinPath);
    await other.getByRole("button", { name: "用当前账号申请加入" }).click();
    await other.getByTestId("join-pending").waitFor();
    const theirs = await prisma.volunteer.findFirstOrThrow({ where: { phone: "13900000002" }, include: { teams: true } });
    expect(theirs.teams.find((m) => m.teamId === t.demo.haolinshe.id)?.status).toBe("PENDING");
    await otherCtx.close();
  }, 180_000);

  it("lets the officer edit, suspend, add to a squad and export members, and revoke an invitation", async () => {
    const ctx = await context(t.browser, t.app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer, "linshe-demo", "/members");
    const list = page.getByRole("region", { name: "队员名册" });
    await list.getByLabel("搜索姓名或手机尾号").fill("5678");
    await list.getByTestId("member-total").filter({ hasText: "共 1 人" }).waitFor();
    const v = await prisma.volunteer.findFirstOrThrow({ where: { phone: "15912345678" } });

    // One person's squads and specialties.
    await list.getByRole("button", { name: "编辑 小明" }).click();
    const edit = page.getByTestId("edit-member");
    await edit.getByText("好邻舍义警 · 警民夜巡").click();
    await edit.getByText("夜巡", { exact: true }).click();
    await edit.getByRole("button", { name: "保存" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "已保存「小明」" }).waitFor();
    await edit.waitFor({ state: "detached" });
    const squadNames = async () => (await prisma.squadMembership.findMany({ where: { volunteerId: v.id }, include: { squad: true } })).map((m) => m.squad.name).sort();
    expect(await squadNames()).toEqual(["警民夜巡"]);
    expect((await prisma.volunteer.findUniqueOrThrow({ where: { id: v.id } })).specialties.sort()).toEqual(["ANTI_FRAUD", "NIGHT_PATROL"]);
    await list.getByRole("row").filter({ hasText: "小明" }).filter({ hasText: "警民夜巡" }).waitFor();

    // Bulk: the reason is required (said next to the field); a failed request keeps what was typed.
    await list.getByRole("checkbox", { name: "选择 小明" }).click();
    const bulk = page.getByTestId("bulk-bar");
    await bulk.getByText("已选 1 人").waitFor();
    await bulk.getByRole("combobox", { name: "状态", exact: true }).selectOption("SUSPENDED");
    await bulk.getByRole("button", { name: "更改状态" }).click();
    const reason = bulk.getByLabel("原因（本人会收到）");
    expect(await reason.getAttribute("aria-invalid")).toBe("true");
    await bulk.locator(".field-error").filter({ hasText: "请填写" }).waitFor();
    await reason.fill("连续三个月未参加活动");
    await page.route("**/graphql", (route) => ((route.request().postData() ?? "").includes('"SetVolunteerStatus"') ? route.abort("internetdisconnected") : route.fallback()));
    await bulk.getByRole("button", { name: "更改状态" }).click();
    await page.getByTestId("toast-error").filter({ hasText: "网络连接失败" }).waitFor();
    expect(await reason.inputValue()).toBe("连续三个月未参加活动");
    await page.unroute("**/graphql");
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "desktop-members-bulk");
    await bulk.getByRole("button", { name: "更改状态" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "已将 1 人设为「暂停」" }).waitFor();
    await list.getByTestId("member-total").filter({ hasText: "共 0 人" }).waitFor();
    const m = await prisma.teamMembership.findFirstOrThrow({ where: { volunteerId: v.id } });
    expect([m.status, m.statusReason]).toEqual(["SUSPENDED", "连续三个月未参加活动"]);

    // The suspended list; back to active, then bulk into a second squad.
    await page.locator("#member-status").selectOption("SUSPENDED");
    await list.getByTestId("member-total").filter({ hasText: "共 1 人" }).waitFor();
    await list.getByRole("checkbox", { name: "全选本页" }).click();
    await bulk.getByRole("combobox", { name: "状态", exact: true }).selectOption("ACTIVE");
    await bulk.getByLabel("原因（本人会收到）").fill("已恢复参加活动");
    await bulk.getByRole("button", { name: "更改状态" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "已将 1 人设为「在队」" }).waitFor();
    await page.locator("#member-status").selectOption("ACTIVE");
    await list.getByTestId("member-total").filter({ hasText: "共 1 人" }).waitFor();
    await list.getByRole("checkbox", { name: "选择 小明" }).click();
    await bulk.getByRole("combobox", { name: "小队", exact: true }).selectOption({ label: "好邻舍义警 · 校园安保" });
    await bulk.getByRole("button", { name: "加入小队" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "1 人加入「校园安保」" }).waitFor();
    expect(await squadNames()).toEqual(["校园安保", "警民夜巡"].sort());

    // Export the filtered list: a download of an .xlsx.
    const [file] = await Promise.all([page.waitForEvent("download"), list.getByRole("button", { name: "导出 Excel" }).click()]);
    expect(file.suggestedFilename()).toMatch(/\.xlsx$/);
    const exported = await readSheet(await readFile((await file.path())!), { maxRows: 100 });
    expect(exported.rows.map((r) => r.cells.join(" "))).toEqual([expect.stringContaining("小明")]);
    await page.getByTestId("toast-success").filter({ hasText: "已导出 1 人" }).waitFor();

    // Revoke an invitation: its QR code stops working.
    const invite = page.getByTestId("invite").first();
    const code = new URL(await invite.getByTestId("invite-link").innerText()).pathname.split("/").pop()!;
    await invite.getByRole("button", { name: "撤销邀请" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "撤销" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "邀请已撤销" }).waitFor();
    expect((await prisma.teamInvite.findUniqueOrThrow({ where: { code } })).revokedAt).not.toBeNull();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "desktop-members-list");
    await page.setViewportSize(NARROW);
    expect(await sidewaysOverflow(page)).toBe(0);
    await ctx.close();
  }, 180_000);

  it("gives a team leader the team's list, and pickers that search it on the server", async () => {
    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    const asked: string[] = [];
    page.on("request", (r) => {
      const body = r.postData() ?? "";
      if (body.includes('"PickVolunteers"')) asked.push(JSON.parse(body).variables.search);
    });
    await signInAs(page, DEMO_PHONES.haolinsheLeader, "linshe-demo", "/members");
    const list = page.getByRole("region", { name: "队员名册" });
    await list.getByLabel("搜索姓名或手机尾号").fill("5678");
    await list.getByTestId("member-total").filter({ hasText: "共 1 人" }).waitFor();
    // A leader edits no one's standing (officers do) but may add to the team's squads.
    expect(await list.getByRole("button", { name: "编辑 小明" }).count()).toBe(0);
    await list.getByRole("checkbox", { name: "选择 小明" }).click();
    expect(await page.getByTestId("bulk-status").count()).toBe(0);
    await page.getByTestId("bulk-squad").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await page.setViewportSize(NARROW);
    expect(await sidewaysOverflow(page)).toBe(0);
    await shoot(page, "narrow-leader-members");

    await page.goto("/lead");
    const picker = page.getByTestId("deed-volunteer").getByRole("combobox");
    await picker.fill("5678");
    await page.getByRole("option", { name: "小明" }).waitFor();
    expect(asked).toContain("5678");
    await ctx.close();
  }, 120_000);
});

