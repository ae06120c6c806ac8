// Editing a county's structure through /county as a platform admin (signed in through the form): a
// station's address and point, a grid's patrol plan (巡防方案) and radius, and revoking an officer after
// a confirmation dialog. axe on the page.
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { DEMO_PHONES } from "../support/fixtures.js";
import { context, demoBrowserApp, DESKTOP, seriousViolations, shoot, signInAs, settle } from "./browser.js";

const t = demoBrowserApp();


describe("区域与派出所: editing", () => {
  it("a platform admin edits 府山's address, a grid's patrol plan and radius, and revokes an officer", async () => {
    const region = await prisma.region.create({ data: { name: "越城区公安分局", city: "绍兴市" } });
    await prisma.station.update({ where: { id: t.demo.fushan.id }, data: { regionId: region.id } });
    const demoHash = (await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } })).passwordHash;
    await prisma.account.create({ data: { phone: "13700000021", passwordHash: demoHash, displayName: "平台管理员", roles: { create: { role: "ADMIN" } } } });
    const extra = await prisma.account.create({ data: { phone: "13700000022", passwordHash: demoHash, displayName: "待撤销民警", roles: { create: { role: "OFFICER", stationId: t.demo.fushan.id } } } });
    const grid = await prisma.grid.findFirstOrThrow({ where: { community: { stationId: t.demo.fushan.id } }, orderBy: { name: "asc" } });

    const ctx = await context(t.browser, t.app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, "13700000021");
    await page.goto("/county");
    await settle(page);
    const station = page.getByTestId("station").filter({ hasText: "府山派出所" });
    await station.getByTestId("grid-name").first().waitFor();

    await station.getByRole("button", { name: "编辑派出所信息" }).click();
    await station.getByLabel("地址").fill("越城区府山街道新址1号");
    await station.getByLabel("纬度").fill("30.0");
    await station.getByRole("button", { name: "保存", exact: true }).click();
    await page.getByText("派出所信息已保存").first().waitFor();
    const st = await prisma.station.findUniqueOrThrow({ where: { id: t.demo.fushan.id } });
    expect(st.address).toBe("越城区府山街道新址1号");
    expect(st.latitude).toBe(30);

    await station.getByRole("button", { name: `编辑${grid.name}` }).click();
    const form = station.getByRole("form", { name: `编辑网格${grid.name}` });
    await form.getByLabel("巡防方案").fill("每晚19:00-21:00两人一组，重点仓桥直街");
    await form.getByLabel("半径（米）").fill("450");
    await form.getByRole("button", { name: "保存网格" }).click();
    await page.getByText("网格已保存").first().waitFor();
    await station.getByTestId("patrol-plan").filter({ hasText: "重点仓桥直街" }).waitFor();
    const g = await prisma.grid.findUniqueOrThrow({ where: { id: grid.id } });
    expect([g.patrolPlan, g.radiusMeters]).toEqual(["每晚19:00-21:00两人一组，重点仓桥直街", 450]);

    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "county-edit");

    // Revoking asks first; cancelling keeps the role.
    await station.getByRole("button", { name: "撤销待撤销民警" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "取消" }).click();
    expect(await prisma.accountRole.count({ where: { accountId: extra.id } })).toBe(1);
    await station.getByRole("button", { name: "撤销待撤销民警" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "撤销" }).click();
    await page.getByText("已撤销任命").first().waitFor();
    await station.getByRole("button", { name: "撤销待撤销民警" }).waitFor({ state: "detached" });
    expect(await prisma.accountRole.count({ where: { accountId: extra.id } })).toBe(0);
    await ctx.close();
  }, 180_000);
});
