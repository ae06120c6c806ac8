// The command view (/watch, 大屏 at 1920×1080) and the statistics page (/stats): through the login form,
// axe, screenshots, the charts' code loaded only on /stats, and an .xlsx export that names the station
// and the period.
import ExcelJS from "exceljs";
import type { Browser, WebSocketRoute } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../api/src/app.js";
import { prisma } from "../../api/src/db.js";
import { gql, startApp } from "../support/client.js";
import { tokensFor } from "../support/shifts.js";
import { DEMO_PHONES, gid, seedDemoData } from "../support/fixtures.js";
import { context, DESKTOP, launch, PHONE, SCREEN, seriousViolations, shoot, sidewaysOverflow, signInAs, settle } from "./browser.js";

let app: App;
let browser: Browser;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let vols: { id: string; displayName: string; phone: string }[];
let callUpId: string;
const HOUR = 3_600_000;

beforeAll(async () => {
  demo = await seedDemoData();
  // Shifts going on now at two grids: one with everyone in, one with people missing.
  const grids = await prisma.grid.findMany({ where: { stationId: demo.fushan.id }, orderBy: { name: "asc" }, take: 2 });
  const account = await prisma.account.findFirstOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });
  vols = await prisma.volunteer.findMany({ where: { teams: { some: { teamId: demo.haolinshe.id } } }, orderBy: { phone: "asc" }, take: 6 });
  for (const [i, grid] of grids.entries()) {
    const startsAt = new Date(Date.now() - HOUR);
    const shift = await prisma.shift.create({
      data: { stationId: demo.fushan.id, teamId: demo.haolinshe.id, gridId: grid.id, kind: "PATROL", title: `${grid.name}巡逻`, startsAt, endsAt: new Date(startsAt.getTime() + 3 * HOUR), capacity: 3, postCode: "123456", createdById: account.id },
    });
    for (const [j, v] of vols.slice(i * 3, i * 3 + 3).entries()) {
      const checkedIn = i === 0 || j === 0;
      await prisma.shiftClaim.create({
        data: {
          shiftId: shift.id, volunteerId: v.id, status: "CONFIRMED", checkedInAt: checkedIn ? startsAt : null, checkInMethod: checkedIn ? "GPS" : null,
          checkInLat: checkedIn ? (grid.latitude ?? 30) + 0.0005 * j : null, checkInLng: checkedIn ? (grid.longitude ?? 120.58) + 0.0005 * j : null,
        },
      });
    }
  }
  // An open call-up with one of two wanted accepted.
  const callUp = await prisma.mobilization.create({
    data: { stationId: demo.fushan.id, reason: "走失老人", place: "府山公园", latitude: grids[0]!.latitude ?? 30, longitude: (grids[0]!.longitude ?? 120.58) + 0.003, radiusMeters: 1000, wanted: 2, escalateAfterMinutes: 10, startedById: account.id },
  });
  await prisma.mobilizationResponder.create({ data: { mobilizationId: callUp.id, volunteerId: vols[5]!.id, wave: 1, response: "ACCEPTED", etaMinutes: 7, respondedAt: new Date() } });
  // one more called, who answers while the page is open
  await prisma.mobilizationResponder.create({ data: { mobilizationId: callUp.id, volunteerId: vols[4]!.id, wave: 1 } });
  callUpId = callUp.id;
  // the first grid's outline, and an open finding in it
  const [g0] = grids;
  const [lat, lng] = [g0!.latitude ?? 30, g0!.longitude ?? 120.58];
  await prisma.grid.update({ where: { id: g0!.id }, data: { outline: { type: "Polygon", coordinates: [[[lng - 0.002, lat - 0.002], [lng + 0.002, lat - 0.002], [lng + 0.002, lat + 0.002], [lng - 0.002, lat + 0.002], [lng - 0.002, lat - 0.002]]] } } });
  await prisma.patrolReport.create({ data: { stationId: demo.fushan.id, gridId: g0!.id, reporterAccountId: account.id, category: "FIRE_HAZARD", description: "楼道堆放杂物", latitude: lat + 0.001, longitude: lng - 0.001 } });
  // a region over both stations and its admin (the officer's password)
  const region = await prisma.region.create({ data: { name: "绍兴市公安局", city: "绍兴市" } });
  await prisma.station.updateMany({ where: { id: { in: [demo.fushan.id, demo.changqing.id] } }, data: { regionId: region.id } });
  await prisma.account.create({ data: { phone: "13600009101", passwordHash: account.passwordHash, displayName: "区域管理员", roles: { create: { role: "REGION_ADMIN", regionId: region.id } } } });
  app = await startApp();
  browser = await launch();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await app?.stop();
});


describe("the command view", () => {
  it("shows per grid expected, checked in and missing, a map, and a wall layout; loads no chart code", async () => {
    const ctx = await context(browser, app.url, DESKTOP);
    const page = await ctx.newPage();
    const scripts: string[] = [];
    page.on("request", (r) => r.resourceType() === "script" && scripts.push(r.url()));
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    expect(new URL(page.url()).pathname).toBe("/watch");
    await settle(page);
    const table = page.getByTestId("watch-grids");
    await table.locator("tr.missing").first().waitFor();
    expect(await table.locator("tr.missing").count()).toBe(1);
    expect(await table.innerText()).toMatch(/巡逻/);
    expect(await page.getByTestId("watch-map").locator("circle.map-pos").count()).toBe(4);
    expect(await page.getByTestId("watch-map").locator(".map-grid.missing").count()).toBe(1);
    const callUps = await page.getByTestId("watch-callups").innerText();
    expect(callUps).toContain("走失老人");
    expect(callUps).toContain("1/2");
    expect(callUps).toContain(vols[5]!.displayName);
    expect(await page.getByTestId("watch-map").locator(".map-callup").count()).toBe(1);
    // the grid's outline and the open finding, on the map and in the list
    expect(await page.getByTestId("watch-map").locator("polygon.map-outline").count()).toBe(1);
    expect(await page.getByTestId("watch-map").locator(".map-finding").count()).toBe(1);
    expect(await page.getByTestId("watch-findings").innerText()).toMatch(/消防隐患 · 楼道堆放杂物/);
    // a volunteer accepts: the board follows through the subscription, long before the minute's refresh
    const listLoads: string[] = [];
    page.on("request", (r) => /CommandCallUps/.test(r.postData() ?? r.url()) && listLoads.push(r.url()));
    const accountOf4 = await prisma.account.findUnique({ where: { volunteerId: vols[4]!.id } })
      ?? (await prisma.account.create({ data: { phone: vols[4]!.phone, passwordHash: "!", volunteerId: vols[4]!.id } }));
    const token = (await tokensFor([accountOf4.phone])).get(accountOf4.phone)!;
    const answer = await gql(app, `mutation ($input: RespondToMobilizationInput!) { respondToMobilization(input: $input) { userErrors { code message } } }`,
      { input: { mobilizationId: gid("Mobilization", callUpId), response: "ACCEPT", etaMinutes: 4 } }, token);
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.respondToMobilization?.userErrors).toEqual([]);
    await page.getByTestId("watch-callups").getByText("2/2").waitFor({ timeout: 15_000 });
    expect(await page.getByTestId("watch-callups").innerText()).toContain(vols[4]!.displayName);
    expect(listLoads).toEqual([]);
    // Another officer calls up through the API: the call-up appears without a reload (the station's
    // call-up stream), long before the minute's tick.
    const other = await prisma.account.create({ data: { phone: "13600009102", passwordHash: "!", displayName: "值班民警", roles: { create: { role: "OFFICER", stationId: demo.fushan.id } } } });
    const otherToken = (await tokensFor([other.phone])).get(other.phone)!;
    const started = await gql(app, `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { userErrors { code message } } }`,
      { input: { stationId: gid("Station", demo.fushan.id), reason: "寻找走失儿童", place: "府山广场", latitude: 30.0, longitude: 120.58, radiusMeters: 500, wanted: 3, escalateAfterMinutes: 10 } }, otherToken);
    expect(started.data?.startMobilization?.userErrors).toEqual([]);
    await expect.poll(() => page.getByTestId("watch-callups").innerText(), { timeout: 10_000 }).toContain("寻找走失儿童");
    expect(await page.getByTestId("watch-map").locator(".map-callup").count()).toBe(2);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "watch-command-desktop");
    expect(scripts.some((u) => /charts|exceljs/.test(u))).toBe(false);

    await page.setViewportSize(SCREEN);
    await page.getByTestId("watch-wall").click();
    await page.waitForURL((u) => u.searchParams.get("wall") === "1");
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.screenshot({ path: "test/e2e/screenshots/watch-wall-1920.png" });
    await ctx.close();
  });

  it("after its socket drops, fetches once what happened meanwhile: a call-up started while it was down appears", async () => {
    const ctx = await context(browser, app.url, DESKTOP);
    const page = await ctx.newPage();
    // Every WebSocket of the page goes through here: passed to the server while up; while down, open
    // ones are closed (1012, "service restart": clients retry) and new ones are closed at once.
    let down = false;
    const open = new Set<WebSocketRoute>();
    await page.routeWebSocket(/\/graphql/, (ws) => {
      if (down) return void ws.close({ code: 1012, reason: "test: down" });
      ws.connectToServer();
      open.add(ws);
      ws.onClose(() => open.delete(ws));
    });
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await settle(page);
    const status = page.getByTestId("watch-status");
    await expect.poll(() => status.innerText(), { timeout: 15_000 }).toBe("实时");
    await page.getByTestId("watch-callups").waitFor();

    down = true;
    for (const ws of [...open]) await ws.close({ code: 1012, reason: "test: down" });
    await expect.poll(() => status.innerText(), { timeout: 15_000 }).toBe("重连中");
    const starter = await prisma.account.create({ data: { phone: "13600009103", passwordHash: "!", displayName: "夜班民警", roles: { create: { role: "OFFICER", stationId: demo.fushan.id } } } });
    const token = (await tokensFor([starter.phone])).get(starter.phone)!;
    const started = await gql(app, `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { userErrors { code message } } }`,
      { input: { stationId: gid("Station", demo.fushan.id), reason: "断线期间的召集", place: "府山北门", latitude: 30.0, longitude: 120.58, radiusMeters: 500, wanted: 2, escalateAfterMinutes: 10 } }, token);
    expect(started.data?.startMobilization?.userErrors).toEqual([]);
    await page.waitForTimeout(1500); // the call-up's live event is gone: no socket to carry it
    expect(await page.getByTestId("watch-callups").innerText()).not.toContain("断线期间的召集");

    down = false;
    await expect.poll(() => status.innerText(), { timeout: 15_000 }).toBe("实时");
    await expect.poll(() => page.getByTestId("watch-callups").innerText(), { timeout: 10_000 }).toContain("断线期间的召集");
    expect(await seriousViolations(page)).toEqual([]);
    await ctx.close();
  });

  it("fits a phone", async () => {
    const ctx = await context(browser, app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await settle(page);
    await page.getByTestId("watch-grids").waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    await shoot(page, "watch-command-phone");
    await ctx.close();
  });
});

describe("the statistics page", () => {
  it("draws the charts, shows the tables and exports them as .xlsx with the station and the period", async () => {
    const ctx = await context(browser, app.url, DESKTOP);
    const page = await ctx.newPage();
    const cspErrors: string[] = [];
    page.on("console", (m) => m.type() === "error" && /Content Security Policy|Refused/.test(m.text()) && cspErrors.push(m.text()));
    await signInAs(page, DEMO_PHONES.fushanOfficer, "linshe-demo", "/stats");
    expect(new URL(page.url()).pathname).toBe("/stats");
    await settle(page);
    await page.getByTestId("stats-kpis").waitFor();
    for (const id of ["chart-days", "chart-coverage", "chart-grids"]) await page.getByTestId(id).locator("canvas").first().waitFor();
    expect(await page.getByTestId("table-grids").locator("tbody tr").count()).toBeGreaterThan(0);
    expect(await seriousViolations(page)).toEqual([]);
    expect(cspErrors).toEqual([]);
    await shoot(page, "stats-desktop");

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-all").click()]);
    expect(download.suggestedFilename()).toMatch(/^府山派出所-统计-\d{4}-\d{2}-01-\d{4}-\d{2}-01\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await import("node:fs")).readFileSync((await download.path())!) as never);
    expect(wb.worksheets.map((w) => w.name)).toEqual(["总览", "各网格", "每日", "共建单位履约", "巡逻发现（按类别）"]);
    const grids = wb.getWorksheet("各网格")!;
    expect(String(grids.getCell("A1").value)).toContain("府山派出所");
    expect(String(grids.getCell("A2").value)).toMatch(/统计区间：\d{4}-\d{2}-01 至 \d{4}-\d{2}-01/);
    expect(grids.getRow(4).values).toEqual([undefined, "网格", "班次", "应到", "签到", "缺勤"]);
    expect(grids.rowCount - 4).toBe(await page.getByTestId("table-grids").locator("tbody tr").count());
    await ctx.close();
  });

  it("shows a region admin the region's stations side by side and exports them", async () => {
    const ctx = await context(browser, app.url, DESKTOP);
    const page = await ctx.newPage();
    await signInAs(page, "13600009101", "linshe-demo", "/stats");
    expect(new URL(page.url()).pathname).toBe("/stats");
    await settle(page);
    await page.getByTestId("stats-scope").selectOption({ label: "绍兴市公安局（各所对比）" });
    const table = page.getByTestId("table-region");
    await table.waitFor();
    const heads = await table.locator("thead th").allInnerTexts();
    expect(heads[0]).toBe("指标");
    expect(heads.slice(1).sort()).toEqual(["府山派出所", demo.changqing.name].sort());
    expect(await table.innerText()).toMatch(/巡逻发现上报/);
    expect(await table.innerText()).toMatch(/调解成功率/);
    await page.getByTestId("chart-region").locator("canvas").first().waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "stats-region-desktop");
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("export-region").click()]);
    expect(download.suggestedFilename()).toMatch(/^绍兴市公安局-统计-\d{4}-\d{2}-01-\d{4}-\d{2}-01\.xlsx$/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await import("node:fs")).readFileSync((await download.path())!) as never);
    const sheet = wb.getWorksheet("各所对比")!;
    expect(String(sheet.getCell("A1").value)).toContain("绍兴市公安局");
    expect((sheet.getRow(4).values as unknown[]).slice(1)).toEqual(await table.locator("thead th").allInnerTexts());
    await ctx.close();
  });

  it("is not offered to a team leader", async () => {
    const ctx = await context(browser, app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.haolinsheLeader, "linshe-demo", "/stats");
    await page.waitForURL((u) => u.pathname === "/lead");
    await ctx.close();
  });
});
