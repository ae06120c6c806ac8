// The command view (/watch, 大屏 at 1920×1080) and the statistics page (/stats): through the login form,
// axe, screenshots, the charts' code loaded only on /stats, and an .xlsx export that names the station
// and the period.
import ExcelJS from "exceljs";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../api/src/app.js";
import { prisma } from "../../api/src/db.js";
import { startApp } from "../support/client.js";
import { DEMO_PHONES, seedDemoData } from "../support/fixtures.js";
import { context, DESKTOP, launch, PHONE, SCREEN, seriousViolations, shoot, sidewaysOverflow, signInAs, settle } from "./browser.js";

let app: App;
let browser: Browser;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let vols: { id: string; displayName: string }[];
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
    expect(wb.worksheets.map((w) => w.name)).toEqual(["总览", "各网格", "每日", "共建单位履约"]);
    const grids = wb.getWorksheet("各网格")!;
    expect(String(grids.getCell("A1").value)).toContain("府山派出所");
    expect(String(grids.getCell("A2").value)).toMatch(/统计区间：\d{4}-\d{2}-01 至 \d{4}-\d{2}-01/);
    expect(grids.getRow(4).values).toEqual([undefined, "网格", "班次", "应到", "签到", "缺勤"]);
    expect(grids.rowCount - 4).toBe(await page.getByTestId("table-grids").locator("tbody tr").count());
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
