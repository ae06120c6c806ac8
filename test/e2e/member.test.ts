// 义警详情 (/members/:id) in Chromium through the real forms, as 府山's officer: the profile in full,
// team role and squads, a points adjustment and its reversal, a password reset code, disabling and
// enabling the account. Another station's officer is refused (the API decides, the page says so in
// Chinese), and so is a request the page sends about another station's volunteer. axe on the page.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { createVolunteers, DEMO_PHONES, gid } from "../support/fixtures.js";
import { context, demoBrowserApp, DESKTOP, NARROW, seriousViolations, shoot, sidewaysOverflow, signInAs, settle } from "./browser.js";

const t = demoBrowserApp();

const toast = (page: Page, text: string) => page.getByText(text).first().waitFor({ timeout: 10_000 });

describe("义警详情", () => {
  it("an officer manages a volunteer's teams, squads, points and account through the page", async () => {
    const [person] = await createVolunteers(1, { teamId: t.demo.haolinshe.id });
    const squad = t.demo.squads[0]!;
    const ctx = await context(t.browser, t.app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.goto(`/members/${encodeURIComponent(gid("Volunteer", person!.id))}`);
    await settle(page);
    const v = await prisma.volunteer.findUniqueOrThrow({ where: { id: person!.id } });
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe(v.displayName);
    // The officer sees personal data in full.
    expect(await page.getByTestId("phone").innerText()).toBe(v.phone);
    expect(await page.getByTestId("account-state").innerText()).toBe("正常");

    // Team role: leader and back.
    const teams = page.getByTestId("teams");
    await teams.getByRole("button", { name: "设为队长" }).click();
    await toast(page, "角色已更改");
    await teams.getByText("队长", { exact: true }).waitFor();
    expect((await prisma.teamMembership.findFirstOrThrow({ where: { volunteerId: v.id } })).role).toBe("LEADER");
    await teams.getByRole("button", { name: "改为队员" }).click();
    await teams.getByRole("button", { name: "设为队长" }).waitFor();

    // Squads: add, make leader, remove (confirmation dialog).
    await page.getByRole("form", { name: "加入小队" }).getByLabel("小队").selectOption({ label: `${t.demo.haolinshe.name} · ${squad.name}` });
    await page.getByRole("button", { name: "加入小队" }).click();
    await toast(page, "已加入小队");
    const squads = page.getByTestId("squads");
    await squads.getByText(squad.name).waitFor();
    await squads.getByRole("button", { name: "设为小队长" }).click();
    await squads.getByText("小队长", { exact: true }).waitFor();
    expect((await prisma.squadMembership.findFirstOrThrow({ where: { volunteerId: v.id, squadId: squad.id } })).role).toBe("LEADER");
    await shoot(page, "member-desktop");
    expect(await seriousViolations(page)).toEqual([]);
    await squads.getByRole("button", { name: "移出小队" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "移出" }).click();
    await toast(page, "已移出小队");
    await squads.getByText("不在任何小队").waitFor();

    // Points: a reason is required; adjust, then reverse with a reason.
    await page.getByLabel("积分（扣减填负数）").fill("30");
    await page.getByRole("button", { name: "调整积分" }).click();
    await page.getByText("必填").first().waitFor().catch(() => {});
    expect(await prisma.pointsEntry.count({ where: { volunteerId: v.id } })).toBe(0);
    await page.getByRole("textbox", { name: "原因", exact: true }).fill("协助寻找走失老人");
    await page.getByRole("button", { name: "调整积分" }).click();
    await toast(page, "积分已调整");
    await page.getByTestId("balance").filter({ hasText: "30" }).waitFor();
    await page.getByTestId("ledger").getByRole("button", { name: "冲正" }).click();
    await page.getByRole("dialog").getByLabel("冲正原因").fill("录入错误");
    await page.getByRole("dialog").getByRole("button", { name: "冲正" }).click();
    await toast(page, "已冲正");
    await page.getByTestId("balance").filter({ hasText: /^0$/ }).waitFor();

    // Account: a one-time reset code, then disable (reason) and enable.
    await page.getByRole("button", { name: "重置密码" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "重置密码" }).click();
    await page.getByTestId("account-state").filter({ hasText: "待激活" }).waitFor();
    const code = await page.getByTestId("reset-code").innerText();
    expect(code.length).toBeGreaterThanOrEqual(6);
    await page.getByRole("button", { name: "停用账号" }).click();
    await page.getByRole("dialog").getByLabel("停用原因").fill("本人申请暂停");
    await page.getByRole("dialog").getByRole("button", { name: "停用" }).click();
    await page.getByTestId("account-state").filter({ hasText: "已停用" }).waitFor();
    expect((await prisma.account.findUniqueOrThrow({ where: { volunteerId: v.id } })).disabled).toBe(true);
    await page.getByRole("button", { name: "恢复账号" }).click();
    // After the reset the account waits for its owner to set a new password with the code.
    await page.getByTestId("account-state").filter({ hasText: "待激活" }).waitFor();
    expect((await prisma.account.findUniqueOrThrow({ where: { volunteerId: v.id } })).disabled).toBe(false);

    await page.setViewportSize(NARROW);
    await settle(page);
    expect(await sidewaysOverflow(page)).toBe(0);
    await shoot(page, "member-narrow");
    // Removing from the team (confirmation): they no longer belong to the station, so the page no longer shows them.
    await teams.getByRole("button", { name: "移出队伍" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "移出" }).click();
    await toast(page, "已移出队伍");

    await page.getByText("没有找到这名义警，或你无权查看").waitFor();
    await ctx.close();
  }, 240_000);

  it("another station's officer is refused, and so is a request about another station's volunteer", async () => {
    const [fushanPerson] = await createVolunteers(1, { teamId: t.demo.haolinshe.id });
    const [changqingPerson] = await createVolunteers(1, { teamId: t.demo.committee.id });
    // 长庆's officer opens 府山's volunteer: the API answers as for a missing one.
    const other = await t.browser.newContext({ baseURL: t.app.url, viewport: DESKTOP, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
    const page = await other.newPage();
    await signInAs(page, DEMO_PHONES.changqingOfficer);
    await page.goto(`/members/${encodeURIComponent(gid("Volunteer", fushanPerson!.id))}`);
    await page.getByText("没有找到这名义警，或你无权查看").waitFor();
    await other.close();

    // 府山's officer on a 府山 volunteer's page; the adjustment sent names a 长庆 volunteer instead.
    const ctx = await context(t.browser, t.app.url, DESKTOP);
    const own = await ctx.newPage();
    await signInAs(own, DEMO_PHONES.fushanOfficer);
    await own.goto(`/members/${encodeURIComponent(gid("Volunteer", fushanPerson!.id))}`);
    await settle(own);
    await own.route("**/graphql", async (route) => {
      const body = route.request().postData() ?? "";
      if (!body.includes("volunteerId")) return route.continue();
      await route.continue({ postData: body.replaceAll(gid("Volunteer", fushanPerson!.id), gid("Volunteer", changqingPerson!.id)) });
    });
    await own.getByLabel("积分（扣减填负数）").fill("100");
    await own.getByRole("textbox", { name: "原因", exact: true }).fill("越权尝试");
    await own.getByRole("button", { name: "调整积分" }).click();
    await own.getByRole("alert").filter({ hasText: /[\u4e00-\u9fff]/ }).first().waitFor();
    const shown = (await own.getByRole("alert").allInnerTexts()).join(" ");
    expect(shown).toMatch(/未找到义警|无权/);
    expect(await prisma.pointsEntry.count({ where: { volunteerId: changqingPerson!.id } })).toBe(0);
    await ctx.close();
  }, 120_000);
});
