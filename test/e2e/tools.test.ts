// Officer tools through their forms, as people would use them: station settings (值班电话), partners and
// agreements (revise, terminate — also from the partner's side), the mediators of 警调超市, editing and
// cancelling a weekly shift from its page (a team leader on a phone), and the points shop's rewards.
// A bad input shows a Chinese error beside its field and keeps what was typed; axe finds nothing serious;
// nothing scrolls sideways at 360 px.
import type { Locator, Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { signIn } from "../support/client.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import { publishShift } from "../support/shifts.js";
import path from "node:path";
import { context, demoBrowserApp, NARROW, PHONE, seriousViolations, shoot, SHOTS, sidewaysOverflow, signInAs, settle } from "./browser.js";

const t = demoBrowserApp();


/** The error shown beside a field (its Field wrapper, by the field's name). */
const errorOf = (scope: Page | Locator, name: string) => scope.locator(`[data-field="${name}"] .field-error`);
const toast = (page: Page) => page.getByTestId("toast-success");

/** axe at phone size and no sideways scroll at 360 px, for the page as it is now; the form's own picture too. */
async function checkPage(page: Page, shot: string, form?: Locator) {
  expect(await seriousViolations(page)).toEqual([]);
  await shoot(page, shot);
  await page.setViewportSize(NARROW);
  expect(await sidewaysOverflow(page)).toBe(0);
  await shoot(page, `${shot}-360`);
  if (form) await form.screenshot({ path: path.join(SHOTS, `${shot}-360-form.png`) });
  await page.setViewportSize(PHONE);
}

describe("派出所设置", () => {
  it("an officer sets the duty phone: bad values get Chinese errors beside their fields and stay typed; the shift page shows the phone", async () => {
    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.goto("/review");
    await settle(page);
    await page.getByRole("link", { name: /派出所设置/ }).click();
    await page.waitForURL((u) => u.pathname === "/settings");
    await settle(page);
    const form = page.getByTestId("station-settings");
    await form.waitFor();

    await form.getByLabel("值班电话").fill("值班室");
    await form.getByLabel("定位签到范围（米）").fill("10");
    await form.getByLabel("每日短信上限（条）").fill("1.5");
    await form.getByLabel("调解当事人信息保留（结案后天数）").fill("10");
    await form.getByRole("button", { name: "保存设置" }).click();
    // Not a whole number: refused before sending, beside its field.
    expect(await errorOf(form, "smsDailyBudget").innerText()).toBe("请输入整数");
    await form.getByLabel("每日短信上限（条）").fill("500");
    await form.getByRole("button", { name: "保存设置" }).click();
    await errorOf(form, "dutyPhone").waitFor();
    expect(await errorOf(form, "dutyPhone").innerText()).toBe("电话格式不正确");
    expect(await errorOf(form, "checkInRadiusMeters").innerText()).toBe("不能小于50");
    expect(await errorOf(form, "mediationRetentionDays").innerText()).toBe("至少30天");
    // Nothing typed is lost.
    expect(await form.getByLabel("值班电话").inputValue()).toBe("值班室");
    expect(await form.getByLabel("定位签到范围（米）").inputValue()).toBe("10");
    expect(await form.getByLabel("每日短信上限（条）").inputValue()).toBe("500");
    expect(await form.getByLabel("调解当事人信息保留（结案后天数）").inputValue()).toBe("10");
    await checkPage(page, "tools-settings-errors");

    await form.getByLabel("值班电话").fill("0575-85012110");
    await form.getByLabel("定位签到范围（米）").fill("300");
    await form.getByLabel("调解当事人信息保留（结案后天数）").fill("90");
    await form.getByRole("checkbox", { name: /队长和小队长也可以发起一键召集/ }).check();
    // Shorter than the 180 days kept now: asked first; 取消 sends nothing and keeps what was typed.
    await form.getByRole("button", { name: "保存设置" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("结案超过90天的调解案件").waitFor();
    await checkPage(page, "tools-settings-shorten-retention");
    await dialog.getByRole("button", { name: "取消" }).click();
    expect((await prisma.station.findUniqueOrThrow({ where: { id: t.demo.fushan.id } })).mediationRetentionDays).toBe(180);
    expect(await form.getByLabel("调解当事人信息保留（结案后天数）").inputValue()).toBe("90");
    await form.getByRole("button", { name: "保存设置" }).click();
    await dialog.getByRole("button", { name: "缩短并删除" }).click();
    await toast(page).getByText("设置已保存").waitFor();
    expect(await form.locator(".field-error").count()).toBe(0);
    const station = await prisma.station.findUniqueOrThrow({ where: { id: t.demo.fushan.id } });
    expect([station.dutyPhone, station.checkInRadiusMeters, station.smsDailyBudget, station.leadersMayMobilize, station.mediationRetentionDays]).toEqual(["0575-85012110", 300, 500, true, 90]);
    await ctx.close();

    // A volunteer reads it on a shift whose leader does not share a phone.
    const leader = await signIn(t.app, DEMO_PHONES.haolinsheLeader);
    const start = new Date(Date.now() + 2 * 86_400_000);
    const { shift } = await publishShift(t.app, leader, { teamId: gid("Team", t.demo.haolinshe.id), title: "值班电话核对巡逻", startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 2 * 3600_000).toISOString() });
    const vctx = await context(t.browser, t.app.url, PHONE);
    const vpage = await vctx.newPage();
    await signInAs(vpage, "13800000150");
    await vpage.goto(`/shifts/${encodeURIComponent(shift.id)}`);
    await vpage.getByTestId("shift-contact").getByRole("link", { name: "0575-85012110" }).waitFor();
    await vctx.close();
  }, 120_000);

  it("is an officer's page only: a volunteer is sent home", async () => {
    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, "13800000151");
    await page.goto("/settings");
    await page.waitForURL((u) => u.pathname === "/shifts");
    await ctx.close();
  });
});

describe("共建单位与协议", () => {
  it("an officer adds a partner and revises an agreement; the partner's contact terminates it on a phone", async () => {
    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.goto("/partners");
    await settle(page);

    const add = page.getByTestId("create-partner");
    await add.getByLabel("单位名称").fill("府山实验小学");
    // The select shows the value the form will send (企业 is not the first option).
    expect(await add.getByLabel("单位类型").inputValue()).toBe("ENTERPRISE");
    await add.getByLabel("单位类型").selectOption({ label: "学校" });
    await add.getByLabel("联络人").fill("王老师");
    await add.getByLabel("联络电话").fill("12");
    await add.getByRole("button", { name: "添加" }).click();
    await errorOf(add, "contactPhone").waitFor();
    expect(await errorOf(add, "contactPhone").innerText()).toBe("电话格式不正确");
    expect(await add.getByLabel("单位名称").inputValue()).toBe("府山实验小学");
    expect(await add.getByLabel("联络人").inputValue()).toBe("王老师");
    await add.getByLabel("联络电话").fill("0575-85550000");
    await add.getByRole("button", { name: "添加" }).click();
    await toast(page).getByText("已添加共建单位：府山实验小学").waitFor();
    await page.getByTestId("partner-row").filter({ hasText: "府山实验小学" }).filter({ hasText: "王老师" }).waitFor();
    expect(await add.getByLabel("单位名称").inputValue()).toBe("");
    expect((await prisma.partner.findFirstOrThrow({ where: { name: "府山实验小学" } })).kind).toBe("SCHOOL");

    // Revise next year's agreement (signed by the station only so far).
    const card = page.getByTestId("agreement").filter({ hasText: "续签" });
    await card.getByRole("button", { name: "修订协议" }).click();
    const revise = card.getByTestId("revise-agreement");
    const from = await revise.getByLabel("生效日期").inputValue();
    // Each obligation row shows its own kind and period, not the first option's.
    expect(await revise.getByLabel("义务 2", { exact: true }).inputValue()).toBe("PATROL_HOURS");
    expect(await revise.getByLabel("周期").nth(2).inputValue()).toBe("QUARTER");
    await revise.getByLabel("数量").first().fill("十");
    await revise.getByRole("button", { name: "提交修订" }).click();
    expect(await errorOf(revise, "quantity-0").innerText()).toBe("请输入整数");
    await revise.getByLabel("数量").first().fill("12");
    const lastDay = await revise.getByLabel("截止日期（含当日）").inputValue();
    await revise.getByLabel("截止日期（含当日）").fill(`${Number(from.slice(0, 4)) - 1}${from.slice(4)}`);
    await revise.getByLabel("修订说明").fill("巡逻人次由每月8次增至12次");
    await revise.getByRole("button", { name: "提交修订" }).click();
    await errorOf(revise, "effectiveTo").waitFor();
    expect(await errorOf(revise, "effectiveTo").innerText()).toBe("结束日期须晚于开始日期");
    expect(await revise.getByLabel("数量").first().inputValue()).toBe("12");
    expect(await revise.getByLabel("修订说明").inputValue()).toBe("巡逻人次由每月8次增至12次");
    await checkPage(page, "tools-agreement-revise-errors", revise);
    await revise.getByLabel("截止日期（含当日）").fill(lastDay);
    await revise.getByRole("button", { name: "提交修订" }).click();
    await toast(page).getByText("已修订为第 2 版，双方需重新签署").waitFor();
    await card.getByText("第 2 版").first().waitFor();
    const agreement = await prisma.agreement.findFirstOrThrow({ where: { versions: { some: { version: 2 } } }, include: { versions: { orderBy: { version: "desc" }, take: 1, include: { obligations: true } } } });
    expect(agreement.status).toBe("DRAFT");
    expect(agreement.versions[0]!.obligations.find((o) => o.kind === "PATROL_PERSON_SHIFTS")?.quantity).toBe(12);
    expect(agreement.versions[0]!.obligations).toHaveLength(4); // the other obligations kept
    await ctx.close();

    // The partner's contact, on a phone: sees version 2 and terminates it with a reason.
    const pctx = await context(t.browser, t.app.url, PHONE);
    const ppage = await pctx.newPage();
    await signInAs(ppage, DEMO_PHONES.partnerAdmin);
    await ppage.goto("/partners");
    await settle(ppage);
    const pcard = ppage.getByTestId("agreement").filter({ hasText: "续签" });
    await pcard.getByText("第 2 版").first().waitFor();
    await pcard.getByRole("button", { name: "终止协议" }).click();
    const dialog = ppage.getByRole("dialog");
    await dialog.getByRole("button", { name: "终止协议" }).click();
    expect(await dialog.locator(".field-error").innerText()).toBe("请填写");
    await dialog.getByLabel("终止原因").fill("物业联合会改组，待新班子确定后重新签订");
    await dialog.getByRole("button", { name: "终止协议" }).click();
    await toast(ppage).getByText("协议已终止，对方会看到终止原因").waitFor();
    await pcard.getByText("已终止").first().waitFor();
    await pcard.getByText("终止原因：物业联合会改组").waitFor();
    expect(await pcard.getByRole("button", { name: "修订协议" }).count()).toBe(0);
    expect((await prisma.agreement.findUniqueOrThrow({ where: { id: agreement.id } })).status).toBe("TERMINATED");
    await checkPage(ppage, "tools-partner-terminated", pcard);
    await pctx.close();
  }, 180_000);
});

describe("警调超市", () => {
  it("an officer edits a mediator's profile and takes them off the list for now", async () => {
    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.goto("/cases/mediation");
    await settle(page);
    await page.getByRole("button", { name: "编辑调解员：何老娘舅" }).click();
    const form = page.getByTestId("edit-mediator");
    await form.getByLabel("调解年限").fill("二十一");
    await form.getByLabel("简介").fill("退休社区干部，周二、周四下午在警务室。");
    await form.getByRole("button", { name: "保存" }).click();
    expect(await errorOf(form, "years").innerText()).toBe("请输入整数");
    await form.getByLabel("调解年限").fill("81");
    await form.getByRole("button", { name: "保存" }).click();
    await errorOf(form, "years").getByText("不能大于80").waitFor();
    expect(await form.getByLabel("简介").inputValue()).toBe("退休社区干部，周二、周四下午在警务室。");
    await checkPage(page, "tools-mediator-errors", form);
    await form.getByLabel("调解年限").fill("21");
    await form.getByRole("checkbox", { name: "劳资纠纷" }).check();
    await form.getByRole("checkbox", { name: /接受群众选择/ }).uncheck();
    await form.getByRole("button", { name: "保存" }).click();
    await toast(page).getByText("调解员资料已保存").waitFor();
    const card = page.getByTestId("mediator").filter({ hasText: "何老娘舅" });
    await card.getByText("暂停接案").waitFor();
    await card.getByText("周二、周四下午在警务室").waitFor();
    const m = await prisma.mediator.findFirstOrThrow({ where: { displayName: "何老娘舅" } });
    expect([m.years, m.active, [...m.fields].sort()]).toEqual([21, false, ["FAMILY", "LABOUR", "NEIGHBOUR"]]);
    await ctx.close();
  }, 120_000);
});

describe("修改班次", () => {
  it("a team leader on a phone edits a weekly series from the shift's page, then cancels the later ones", async () => {
    const leader = await signIn(t.app, DEMO_PHONES.haolinsheLeader);
    // Tomorrow 19:00 in Shanghai, weekly, three times.
    const day = new Date(Date.now() + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10);
    const start = new Date(`${day}T11:00:00Z`);
    const weekday = ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
    const published = await publishShift(t.app, leader, {
      teamId: gid("Team", t.demo.haolinshe.id),
      title: "周四夜巡",
      place: "府山公园东门",
      capacity: 6,
      startsAt: start.toISOString(),
      endsAt: new Date(start.getTime() + 2 * 3600_000).toISOString(),
      repeat: { weekdays: [weekday], until: new Date(start.getTime() + 15 * 86_400_000).toISOString() },
    });
    expect(published.shifts).toHaveLength(3);
    const [first, second] = published.shifts;

    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.haolinsheLeader);
    await page.goto(`/shifts/${encodeURIComponent(first!.id)}`);
    await settle(page);
    await page.getByRole("button", { name: "修改班次" }).click();
    const form = page.getByTestId("edit-shift");
    await form.getByLabel("标题").fill("周四夜巡（东门集合）");
    await form.getByLabel("名额").fill("0");
    await form.locator(`[data-field="endsAt"] input[type=date]`).fill(`${Number(day.slice(0, 4)) - 1}${day.slice(4)}`);
    await form.getByRole("button", { name: "保存修改" }).click();
    // The API's Chinese errors, each beside its field; what was typed stays.
    await errorOf(form, "capacity").waitFor();
    expect(await errorOf(form, "capacity").innerText()).toBe("至少1个名额");
    expect(await form.getByLabel("标题").inputValue()).toBe("周四夜巡（东门集合）");
    await form.getByLabel("名额").fill("8");
    await form.getByRole("button", { name: "保存修改" }).click();
    await errorOf(form, "endsAt").getByText("结束时间须晚于开始时间").waitFor();
    expect(await form.getByLabel("名额").inputValue()).toBe("8");
    await checkPage(page, "tools-shift-edit-errors", form);
    await form.locator(`[data-field="endsAt"] input[type=date]`).fill(day);
    await form.getByLabel("结束时间").selectOption("21:30");
    await form.getByRole("button", { name: "这一次及以后" }).click();
    await form.getByRole("button", { name: "保存修改" }).click();
    await toast(page).getByText("已修改 3 个班次，已通知相关队员").waitFor();
    await page.getByRole("heading", { level: 1, name: "周四夜巡（东门集合）" }).waitFor();
    const rows = await prisma.shift.findMany({ where: { id: { in: published.shifts.map((s) => Buffer.from(s.id, "base64").toString().split(":")[1]!) } }, orderBy: { startsAt: "asc" } });
    expect(rows.map((r) => [r.title, r.capacity, r.place, (r.endsAt.getTime() - r.startsAt.getTime()) / 60_000])).toEqual(Array(3).fill(["周四夜巡（东门集合）", 8, "府山公园东门", 150]));

    // Cancel the second and the third from the second's page.
    await page.goto(`/shifts/${encodeURIComponent(second!.id)}`);
    await settle(page);
    await page.getByRole("button", { name: "取消本次及以后" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByLabel("取消原因").fill("公园东门施工封闭");
    await dialog.getByRole("button", { name: "取消本次及以后" }).click();
    await toast(page).getByText("已取消 2 个班次，已通知队员").waitFor();
    const after = await prisma.shift.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { startsAt: "asc" } });
    expect(after.map((r) => r.status)).toEqual(["OPEN", "CANCELLED", "CANCELLED"]);
    expect(after[1]!.cancelReason).toBe("公园东门施工封闭");
    await ctx.close();
  }, 180_000);
});

describe("积分商城的奖品", () => {
  it("an officer edits a reward, restocks it and takes it off the shop", async () => {
    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.goto("/review");
    await settle(page);
    const card = page.getByTestId("reward").filter({ hasText: "定制保温杯" });
    await card.getByRole("button", { name: "编辑奖品：定制保温杯" }).click();
    await card.getByLabel("所需积分").fill("0");
    await card.getByLabel("库存").fill("60");
    await card.getByRole("button", { name: "保存" }).click();
    await errorOf(card, "cost").waitFor();
    expect(await errorOf(card, "cost").innerText()).toBe("不能小于1");
    expect(await card.getByLabel("库存").inputValue()).toBe("60");
    await checkPage(page, "tools-reward-errors", card);
    await card.getByLabel("所需积分").fill("90");
    await card.getByRole("button", { name: "保存" }).click();
    await toast(page).getByText("奖品已保存").waitFor();
    await card.getByText("90 积分 · 库存 60").waitFor();

    await card.getByRole("button", { name: "下架" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "下架" }).click();
    await toast(page).getByText("已下架，队员不能再兑换").waitFor();
    await card.getByText("已下架").waitFor();
    const reward = await prisma.reward.findFirstOrThrow({ where: { name: "定制保温杯" } });
    expect([reward.cost, reward.stock, reward.active]).toEqual([90, 60, false]);
    await card.getByRole("button", { name: "重新上架" }).waitFor();
    await ctx.close();
  }, 120_000);

  it("a form opened before redemptions renames the reward without putting them back, and a stale restock is refused beside the stock", async () => {
    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.goto("/review");
    await settle(page);
    const card = page.getByTestId("reward").filter({ hasText: "荣誉义警证书" });
    await card.getByRole("button", { name: "编辑奖品：荣誉义警证书" }).click();
    // Two are redeemed while the form is open (stock 20 → 18).
    const fushan = await prisma.station.findUniqueOrThrow({ where: { name: "府山派出所" } });
    const before = await prisma.reward.update({ where: { stationId_name: { stationId: fushan.id, name: "荣誉义警证书" } }, data: { stock: { decrement: 2 } } });
    await card.getByLabel("说明").fill("年度表彰（加盖公章）");
    await card.getByRole("button", { name: "保存" }).click();
    await toast(page).getByText("奖品已保存").waitFor();
    expect((await prisma.reward.findUniqueOrThrow({ where: { id: before.id } })).stock).toBe(18);

    await card.getByText("库存 18").waitFor();
    await card.getByRole("button", { name: "编辑奖品：荣誉义警证书" }).click();
    await prisma.reward.update({ where: { id: before.id }, data: { stock: { decrement: 1 } } });
    await card.getByLabel("库存").fill("30");
    await card.getByRole("button", { name: "保存" }).click();
    await errorOf(card, "stock").waitFor();
    expect(await errorOf(card, "stock").innerText()).toMatch(/^库存已变化（现为 17）/);
    expect((await prisma.reward.findUniqueOrThrow({ where: { id: before.id } })).stock).toBe(17);
    await ctx.close();
  }, 120_000);
});
