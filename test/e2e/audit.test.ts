// 审计日志 (/audit): an officer of 府山 signs in through the form and reads who adjusted points and
// changed a role, filters by action and period, loads more; volunteers and team leaders get no tab
// and are sent home from /audit.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { recordAudit } from "../../api/src/modules/audit/audit.service.js";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import { context, demoBrowserApp, DESKTOP, NARROW, PHONE, seriousViolations, shoot, sidewaysOverflow, signInAs, settle } from "./browser.js";

const t = demoBrowserApp();

const path = (page: Page) => new URL(page.url()).pathname;


describe("the audit log page", () => {
  it("shows an officer of 府山 the points adjustment and the role change, filters and pages, on a phone and a desktop", async () => {
    const officer = await signIn(t.app, DEMO_PHONES.fushanOfficer);
    const volunteer = await t.demo.volunteer("13800000177");
    const adjusted = await gql(t.app, `mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { userErrors { code message } } }`, {
      input: { stationId: gid("Station", t.demo.fushan.id), volunteerId: gid("Volunteer", volunteer.id), amount: 15, note: "协助寻找走失老人" },
    }, officer);
    expect(adjusted.data!.adjustPoints.userErrors).toEqual([]);
    const role = await gql(t.app, `mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { userErrors { code message } } }`, {
      input: { teamId: gid("Team", t.demo.haolinshe.id), volunteerId: gid("Volunteer", volunteer.id), role: "LEADER" },
    }, officer);
    expect(role.data!.addTeamMember.userErrors).toEqual([]);
    // 长庆's entry is never shown at 府山; enough older entries of 府山 to need "load more".
    const changqingOfficer = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.changqingOfficer } });
    await recordAudit(prisma, { actor: { accountId: changqingOfficer.id }, stationId: t.demo.changqing.id, action: "points.adjust", summary: "长庆的调整" });
    const fushanOfficer = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });
    for (let i = 0; i < 35; i++) await recordAudit(prisma, { actor: { accountId: fushanOfficer.id }, stationId: t.demo.fushan.id, action: "export.hoursCertificate", summary: `导出第${i + 1}份`, clientAddress: "198.51.100.7" });

    for (const [viewport, name] of [[PHONE, "phone"], [NARROW, "narrow"], [DESKTOP, "desktop"]] as const) {
      const ctx = await context(t.browser, t.app.url, viewport);
      const page = await ctx.newPage();
      await signInAs(page, DEMO_PHONES.fushanOfficer);
      if (viewport !== DESKTOP) {
        await page.goto("/audit");
      } else {
        await page.getByRole("link", { name: "审计" }).click();
      }
      await page.getByRole("heading", { level: 1, name: "审计日志" }).waitFor();
      await settle(page);
      expect(path(page)).toBe("/audit");
      const entries = page.getByTestId("audit-entry");
      await entries.first().waitFor();
      expect(await entries.count()).toBe(30);
      const all = (await entries.allInnerTexts()).join("\n");
      expect(all).not.toContain("长庆的调整");
      expect(all).toMatch(/导出服务时长证明/);
      expect(all).toMatch(/来源地址\s*198\.51\.100\.7/);
      expect(await sidewaysOverflow(page)).toBe(0);
      await page.getByRole("button", { name: "加载更多" }).click();
      await page.waitForFunction(() => document.querySelectorAll("[data-testid=audit-entry]").length > 30);
      const more = (await entries.allInnerTexts()).join("\n");
      expect(more).toContain("调整积分");
      expect(more).toContain("任免队长");
      // Filter: only points adjustments, in this period.
      await page.getByLabel("操作").selectOption({ label: "调整积分" });
      await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=audit-entry]")].every((e) => e.textContent?.includes("调整积分")));
      await settle(page);
      const adjustments = await entries.allInnerTexts();
      expect(adjustments.length).toBeGreaterThanOrEqual(1);
      expect(adjustments.join("\n")).toMatch(/\+?15/);
      expect(adjustments.join("\n")).toMatch(/操作人/);
      // The target by its public name, not an ID.
      expect(adjustments.join("\n")).toContain(`积分记录 · ${volunteer.displayName}`);
      expect(adjustments[0]).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
      const today = await page.evaluate(() => new Intl.DateTimeFormat("sv-SE", { timeZone: "Asia/Shanghai" }).format(new Date()));
      await page.getByLabel("开始日期").fill(today);
      await page.getByLabel("结束日期").fill(today);
      await settle(page);
      expect(await entries.count()).toBe(adjustments.length);
      // A period before any entry: none.
      await page.getByLabel("开始日期").fill("2001-01-01");
      await page.getByLabel("结束日期").fill("2001-01-31");
      await page.getByText("这段时间没有记录").waitFor();
      await page.getByLabel("开始日期").fill(today);
      await page.getByLabel("结束日期").fill(today);
      await entries.first().waitFor();
      // Sign-ins of the station's people are the station's: this officer's own are there.
      await page.getByLabel("操作").selectOption({ label: "登录" });
      await page.waitForFunction(() => {
        const all = [...document.querySelectorAll("[data-testid=audit-entry]")];
        return all.length > 0 && all.every((e) => e.textContent?.includes("登录"));
      });
      expect((await entries.allInnerTexts()).join("\n")).toContain("账号 · ");
      expect(await sidewaysOverflow(page)).toBe(0);
      expect(await seriousViolations(page)).toEqual([]);
      await shoot(page, `audit-${name}`);
      await ctx.close();
    }
  }, 240_000);

  it("gives volunteers and team leaders no tab and sends them home from /audit", async () => {
    for (const [phone, home] of [["13800000178", "/shifts"], [DEMO_PHONES.haolinsheLeader, "/lead"]] as const) {
      const ctx = await context(t.browser, t.app.url, PHONE);
      const page = await ctx.newPage();
      await signInAs(page, phone);
      expect(await page.getByRole("link", { name: "审计" }).count()).toBe(0);
      await page.goto("/audit");
      await page.waitForURL((u) => u.pathname === home, { timeout: 15_000 });
      expect(await page.getByRole("heading", { name: "审计日志" }).count()).toBe(0);
      await ctx.close();
    }
  }, 120_000);
});
