// The call-up pages attacked from the officer's and leader's side: a leader who started a call-up
// (where the station allows it) follows its responders like an officer does; the composer is not
// offered to leaders where the station does not allow them to call up.
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import { tokensFor } from "../support/shifts.js";
import { context, demoBrowserApp, DESKTOP, NARROW, seriousViolations, settle, shoot, signInAs, sidewaysOverflow } from "./browser.js";

const t = demoBrowserApp();

describe("a leader's call-up in the browser", () => {
  it("shows the leader who started it who was called, on a narrow phone", async () => {
    await prisma.station.update({ where: { id: t.demo.fushan.id }, data: { leadersMayMobilize: true } });
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    try {
      await signInAs(page, "13800000002");
      await page.goto("/callups");
      await settle(page);
      await page.getByText("发起召集").first().click();
      await page.getByLabel("事由").fill("队长召集测试");
      await page.getByLabel("地点").fill("府山街道");
      await page.getByLabel("或选择网格").selectOption({ index: 1 });
      await page.getByLabel("需要人数").fill("2");
      await page.getByLabel("首轮半径（米）").fill("50000");
      await page.getByRole("button", { name: "立即召集" }).click();
      await page.waitForURL((u) => /^\/callups\/.+/.test(u.pathname));
      await page.getByTestId("callup-counts").waitFor();
      const called = await prisma.mobilizationResponder.count({ where: { mobilization: { reason: "队长召集测试" } } });
      expect(called).toBeGreaterThan(0);
      await expect.poll(() => page.locator("[data-testid=responders] tbody tr").count(), { timeout: 10_000 }).toBe(Math.min(called, 100));
      expect(await sidewaysOverflow(page)).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, "narrow-leader-callup-board");
    } finally {
      await prisma.station.update({ where: { id: t.demo.fushan.id }, data: { leadersMayMobilize: false } });
      await ctx.close();
    }
  }, 120_000);

  it("does not offer the composer to a leader where the station does not allow leaders to call up", async () => {
    await prisma.station.update({ where: { id: t.demo.fushan.id }, data: { leadersMayMobilize: false } });
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    try {
      await signInAs(page, "13800000002");
      await page.goto("/callups");
      await settle(page);
      await page.getByText("最近的召集").waitFor();
      expect(await page.getByText("发起召集").count()).toBe(0);
      await shoot(page, "narrow-leader-callups-not-allowed");
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it("offers the good-deed draft after closing: the leader desk's form opens filled with it", async () => {
    const officerToken = await signIn(t.app, DEMO_PHONES.fushanOfficer);
    const start = await gql(t.app, `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id } userErrors { message } } }`, {
      input: { stationId: gid("Station", t.demo.fushan.id), reason: "好人好事草稿测试", place: "越王台", latitude: 30.0, longitude: 120.58, radiusMeters: 50000, wanted: 1, escalateAfterMinutes: 30 },
    }, officerToken);
    const id = start.data!.startMobilization.mobilization.id as string;
    const responder = await prisma.mobilizationResponder.findFirstOrThrow({ where: { mobilizationId: Buffer.from(id, "base64").toString().split(":")[1] }, include: { volunteer: true } });
    const [token] = (await tokensFor([responder.volunteer.phone])).values();
    await gql(t.app, `mutation ($input: RespondToMobilizationInput!) { respondToMobilization(input: $input) { userErrors { message } } }`, { input: { mobilizationId: id, response: "ACCEPT", etaMinutes: 5 } }, token);

    const ctx = await context(t.browser, t.app.url, DESKTOP);
    const page = await ctx.newPage();
    try {
      await signInAs(page, DEMO_PHONES.fushanOfficer);
      await page.goto(`/callups/${id}`);
      await settle(page);
      await page.getByLabel("结束说明").fill("已在越王台找到老人");
      await page.getByRole("button", { name: "结束并通知所有人" }).click();
      await page.getByRole("button", { name: "为响应的义警提交好人好事" }).click();
      expect((await prisma.mobilization.findUniqueOrThrow({ where: { id: responder.mobilizationId } })).closeNote).toBe("已在越王台找到老人");
      await page.waitForURL((u) => u.pathname === "/lead");
      await settle(page);
      const deed = page.getByRole("form", { name: "提交好人好事" });
      await expect.poll(() => deed.getByLabel("标题").inputValue(), { timeout: 10_000 }).toBe("一键召集：好人好事草稿测试");
      expect(await deed.getByLabel("事迹").inputValue()).toContain(responder.volunteer.displayName);
      expect(await deed.getByLabel("事迹").inputValue()).toContain("已在越王台找到老人");
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, "desktop-officer-good-deed-draft");
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it("lets the officer page the responder board of a whole-station call-up past the first 100 (加载更多), each person once while answers reorder it, with the whole call-up's counts", async () => {
    const officerToken = await signIn(t.app, DEMO_PHONES.fushanOfficer);
    const start = await gql(t.app, `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id } userErrors { message } } }`, {
      input: { stationId: gid("Station", t.demo.fushan.id), reason: "全所召集", place: "越王台", latitude: 30.0, longitude: 120.58, radiusMeters: 50000, wanted: 500, escalateAfterMinutes: 30 },
    }, officerToken);
    const id = start.data!.startMobilization.mobilization.id as string;
    const mId = Buffer.from(id, "base64").toString().split(":")[1]!;
    const ctx = await context(t.browser, t.app.url, DESKTOP);
    const page = await ctx.newPage();
    try {
      const called = await prisma.mobilizationResponder.count({ where: { mobilizationId: mId } });
      expect(called).toBeGreaterThan(100);
      await signInAs(page, DEMO_PHONES.fushanOfficer);
      await page.goto(`/callups/${id}`);
      await settle(page);
      const rows = page.locator("[data-testid=responders] tbody tr");
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(100);
      const counts = page.getByTestId("callup-counts");
      expect(await counts.textContent()).toContain(`${called}已通知`);
      await page.getByTestId("responders-more").click();
      await expect.poll(() => rows.count(), { timeout: 10_000 }).toBe(Math.min(called, 200));
      while (await page.getByTestId("responders-more").count()) {
        const before = await rows.count();
        await page.getByTestId("responders-more").click();
        await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThan(before);
      }
      expect(await rows.count()).toBe(called);
      // The farthest person (last row) accepts: their row moves to the top, the board still shows everyone once.
      const last = await prisma.mobilizationResponder.findFirstOrThrow({ where: { mobilizationId: mId }, orderBy: [{ distanceMeters: { sort: "desc", nulls: "first" } }, { id: "desc" }], include: { volunteer: true } });
      const [token] = (await tokensFor([last.volunteer.phone])).values();
      await gql(t.app, `mutation ($input: RespondToMobilizationInput!) { respondToMobilization(input: $input) { userErrors { message } } }`, { input: { mobilizationId: id, response: "ACCEPT", etaMinutes: 3 } }, token);
      await expect.poll(() => rows.first().locator("th").textContent(), { timeout: 10_000 }).toBe(last.volunteer.displayName);
      await expect.poll(async () => {
        const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.textContent));
        return [ids.length, new Set(ids).size];
      }, { timeout: 10_000 }).toEqual([called, called]);
      expect(await counts.textContent()).toContain(`1/500`);
      expect(await seriousViolations(page)).toEqual([]);
    } finally {
      await gql(t.app, `mutation ($input: CloseMobilizationInput!) { closeMobilization(input: $input) { userErrors { message } } }`, { input: { mobilizationId: id, outcome: "CANCELLED" } }, officerToken);
      await ctx.close();
    }
  }, 180_000);

  it("tells the officer how many more have not read a bulletin than the names shown", async () => {
    const officerToken = await signIn(t.app, DEMO_PHONES.fushanOfficer);
    const res = await gql(t.app, `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id recipientCount } } }`, {
      input: { stationId: gid("Station", t.demo.fushan.id), title: "全所提醒", body: "今晚降温，巡逻注意保暖。", category: "WEATHER", audience: { wholeStation: true } },
    }, officerToken);
    const b = res.data!.publishBulletin.bulletin;
    expect(b.recipientCount).toBeGreaterThan(50);
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    try {
      await signInAs(page, DEMO_PHONES.fushanOfficer);
      await page.goto(`/bulletins/${b.id}`);
      await settle(page);
      await page.getByText("尚未阅读").waitFor();
      await page.getByText(`等 ${b.recipientCount} 人未读`).waitFor();
      expect(await sidewaysOverflow(page)).toBe(0);
      await shoot(page, "narrow-officer-bulletin-unread");
      // A partner's admin who has not read it is among the names, labelled by the partner.
      const property = await prisma.partner.findFirstOrThrow({ where: { name: "府山物业联合会" } });
      const toPartner = await gql(t.app, `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id } } }`, {
        input: { stationId: gid("Station", t.demo.fushan.id), title: "共建单位提醒", body: "物业巡查注意消防通道。", category: "NOTICE", audience: { partnerIds: [gid("Partner", property.id)] } },
      }, officerToken);
      await page.goto(`/bulletins/${toPartner.data!.publishBulletin.bulletin.id}`);
      await settle(page);
      await page.getByText("陈建国（府山物业联合会联络人）").waitFor();
    } finally {
      await ctx.close();
    }
  }, 120_000);

  it("shows a squad leader who started a call-up the others' masked numbers as text, not as a number to dial", async () => {
    await prisma.station.update({ where: { id: t.demo.fushan.id }, data: { leadersMayMobilize: true } });
    const sq = await prisma.squadMembership.findFirstOrThrow({ where: { role: "LEADER", squad: { team: { stationId: t.demo.fushan.id } } }, include: { volunteer: true } });
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    try {
      const token = await signIn(t.app, sq.volunteer.phone);
      const start = await gql(t.app, `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id } } }`, {
        input: { stationId: gid("Station", t.demo.fushan.id), reason: "小队长召集", place: "越王台", latitude: 30.0, longitude: 120.58, radiusMeters: 50000, wanted: 3, escalateAfterMinutes: 30 },
      }, token);
      await signInAs(page, sq.volunteer.phone);
      await page.goto(`/callups/${start.data!.startMobilization.mobilization.id}`);
      await settle(page);
      const table = page.getByTestId("responders");
      await expect.poll(() => table.getByText(/\*\*\*\*/).count(), { timeout: 10_000 }).toBeGreaterThan(0);
      expect(await table.locator('a[href*="*"]').count()).toBe(0);
      expect(await table.locator('a[href^="tel:"]').count()).toBeGreaterThan(0); // their own squad's numbers
    } finally {
      await prisma.station.update({ where: { id: t.demo.fushan.id }, data: { leadersMayMobilize: false } });
      await ctx.close();
    }
  }, 120_000);
});
