// Casework through the real forms: a volunteer on a phone reports a finding with photos, the officer
// assigns and resolves it and the volunteer sees the outcome; a resident asks for home-watch, the
// officer approves it, a volunteer claims a visit and logs it (a problem, with a photo) on a phone, the
// officer sees it at once and the resident sees its date and result by the code; a mediation case is opened, recorded and
// settled and the rate changes. Then axe and sideways scrolling on every casework page.
import { mkdtempSync, writeFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { clock } from "../../api/src/clock.js";
import { config } from "../../api/src/config.js";
import { prisma } from "../../api/src/db.js";
import { localize } from "../../api/src/i18n.js";
import { exifOf, jpegWithGps } from "../support/casework.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import { context, DESKTOP, NARROW, PHONE, seriousViolations, setLanguage, shoot, sidewaysOverflow, signInAs, demoBrowserApp, settle } from "./browser.js";

const env = demoBrowserApp();

const VOLUNTEER = "13800000180";
/** A member of 好邻舍义警, the team that visits 府山's home-watch requests. */
const VISITOR = "13800000182";
const OFFICER = DEMO_PHONES.fushanOfficer;
const HERE = { latitude: 30.0021, longitude: 120.5783 };


/** axe on the page as it is now; the violations with where they were found. */
async function axe(page: Page, where: string, found: string[]) {
  for (const v of await seriousViolations(page)) found.push(`${where} ${v}`);
}

describe("a finding, from the street to its outcome", () => {
  it("a volunteer reports with two photos on a phone, the officer assigns and resolves it, the volunteer sees the outcome", async () => {
    const found: string[] = [];
    const ctx = await context(env.browser, env.app.url, PHONE);
    await ctx.grantPermissions(["geolocation"]);
    await ctx.setGeolocation(HERE);
    const page = await ctx.newPage();
    await signInAs(page, VOLUNTEER);
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "上报" }).click();
    await page.waitForURL((u) => u.pathname === "/report");
    await settle(page);
    await axe(page, "volunteer /report", found);

    const form = page.getByTestId("report-form");
    await form.getByLabel("类别").selectOption({ label: "消防隐患" });
    const description = `E2E 5幢地下车库电动车集中充电，插座发烫 ${Date.now()}`;
    await form.getByLabel("发现了什么").fill(description);
    await form.getByLabel("地点").fill("府山社区5幢地下车库");
    await form.getByRole("button", { name: "获取当前位置" }).click();
    await expect.poll(() => form.getByTestId("located").innerText()).toContain("30.00210");

    const album = form.getByLabel("现场照片");
    // Both ways to add photos are buttons in the page's language; the browser's own file input ("Choose Files",
    // "No file chosen" in the browser's language) is not what the volunteer sees.
    await expect.poll(() => form.locator("label.button").allInnerTexts()).toEqual(["拍照", "从相册选择"]);
    expect(await form.locator("input[type=file]").evaluateAll((inputs) => inputs.filter((i) => getComputedStyle(i).opacity !== "0" && i.getBoundingClientRect().width > 1).length)).toBe(0);
    // A 20 MB photo is refused at once, before any upload, and says why.
    // (From disk: a 20 MB buffer crawls through the DevTools protocol on a busy machine.)
    const big = path.join(mkdtempSync(path.join(os.tmpdir(), "linshe-e2e-")), "big.jpg");
    writeFileSync(big, Buffer.alloc(20 * 1024 * 1024, 1));
    await album.setInputFiles(big);
    await form.getByText("“big.jpg”太大（20.0MB）：每张照片不能超过10MB").waitFor();
    expect(await form.getByRole("img").count()).toBe(0);
    // A text file named .jpg passes the browser (it trusts the name); the API reads its bytes and refuses it.
    const photo = await jpegWithGps("#a63");
    await album.setInputFiles([
      { name: "scene.jpg", mimeType: "image/jpeg", buffer: photo },
      { name: "notes.jpg", mimeType: "image/jpeg", buffer: Buffer.from("这不是图片，只是改了扩展名的文本文件。\n".repeat(20)) },
    ]);
    expect(await form.getByRole("img").count()).toBe(2);
    await form.getByRole("button", { name: "提交上报" }).click();
    await form.getByText("第2张照片不是有效的图片：只能上传 JPEG、PNG 或 WebP 格式的照片").first().waitFor();
    await shoot(page, "casework-phone-report-refused");
    expect(await prisma.patrolReport.count({ where: { description } })).toBe(0);
    // Remove it, add a second real photo, send.
    await form.getByRole("button", { name: "移除第2张照片" }).click();
    await album.setInputFiles({ name: "scene2.jpg", mimeType: "image/jpeg", buffer: await jpegWithGps("#36a") });
    expect(await form.getByRole("img").count()).toBe(2);
    await shoot(page, "casework-phone-report-filled");
    await form.getByRole("button", { name: "提交上报" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "已上报" }).waitFor();
    const mine = page.getByTestId("report").filter({ hasText: description });
    await mine.waitFor();
    expect(await mine.getAttribute("data-status")).toBe("NEW");
    expect(await mine.getByRole("img").count()).toBe(2);

    // Stored: the place, the position, the volunteer, two photos without EXIF or GPS.
    const report = await prisma.patrolReport.findFirstOrThrow({ where: { description }, include: { photos: { orderBy: { position: "asc" } } } });
    expect(report).toMatchObject({ stationId: env.demo.fushan.id, category: "FIRE_HAZARD", place: "府山社区5幢地下车库", status: "NEW" });
    expect(report.latitude).toBeCloseTo(HERE.latitude, 4);
    expect(report.photos).toHaveLength(2);
    for (const p of report.photos) expect(await exifOf(await readFile(path.join(config.uploadDir, p.key)))).toEqual({ exif: false, gps: false, make: false });

    // The officer (desktop) finds it in the queue, assigns it to the team with a due date, resolves it.
    const octx = await context(env.browser, env.app.url, DESKTOP);
    const officer = await octx.newPage();
    await signInAs(officer, OFFICER);
    await officer.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "案件" }).click();
    await officer.waitForURL((u) => u.pathname === "/cases/findings");
    await settle(officer);
    const card = officer.getByTestId("report").filter({ hasText: description });
    await card.waitFor();
    expect(await card.innerText()).toContain("上报人");
    await card.getByRole("button", { name: "分派" }).click();
    const assign = card.getByRole("form", { name: "分派" });
    await assign.getByLabel("分派给").selectOption("TEAM");
    await assign.getByLabel("处理人").selectOption({ label: "好邻舍义警" });
    await assign.getByLabel("处理期限").fill(new Date(Date.now() + 3 * 86400_000 + 8 * 3600_000).toISOString().slice(0, 10));
    await assign.getByLabel("说明").fill("请小队今晚复查并通知物业");
    await assign.getByRole("button", { name: "分派" }).click();
    await officer.getByTestId("toast-success").filter({ hasText: "已分派" }).waitFor();
    await expect.poll(() => card.getAttribute("data-status")).toBe("ASSIGNED");
    await axe(officer, "officer /cases/findings", found);
    await shoot(officer, "casework-desktop-findings-assigned");

    await card.getByRole("button", { name: "办结" }).click();
    const resolve = card.getByRole("form", { name: "办结" });
    await resolve.getByLabel("处理结果").fill("物业已拆除私拉电线，增设集中充电桩");
    await resolve.getByLabel("整改照片").setInputFiles({ name: "after.jpg", mimeType: "image/jpeg", buffer: await jpegWithGps("#6a3") });
    await resolve.getByRole("button", { name: "办结" }).click();
    await officer.getByTestId("toast-success").filter({ hasText: "已办结" }).waitFor();
    // The default filter shows open findings only: it leaves the queue.
    await expect.poll(() => officer.getByTestId("report").filter({ hasText: description }).count()).toBe(0);
    // The team leader's notification links to this finding: the page shows it first, filters or not.
    const leaderNote = await prisma.notification.findFirstOrThrow({ where: { kind: "PATROL_REPORT_ASSIGNED" }, orderBy: { createdAt: "desc" } });
    expect(leaderNote.link).toMatch(/^\/cases\/findings\?report=/);
    await officer.goto(leaderNote.link!);
    await officer.getByRole("heading", { name: "通知中的隐患" }).waitFor();
    const linked = officer.locator("section.focused").getByTestId("report");
    expect(await linked.innerText()).toContain(description);
    expect(await linked.getAttribute("data-status")).toBe("RESOLVED");
    await octx.close();

    // The volunteer sees the outcome (闭环) and was told at each step.
    await page.reload();
    await settle(page);
    const done = page.getByTestId("report").filter({ hasText: description });
    await done.waitFor();
    expect(await done.getAttribute("data-status")).toBe("RESOLVED");
    expect(await done.getByTestId("outcome").innerText()).toContain("物业已拆除私拉电线");
    await done.getByText("处理经过").click();
    expect(await done.locator("details.history").innerText()).toMatch(/上报[\s\S]*分派[\s\S]*办结/);
    await shoot(page, "casework-phone-report-outcome");
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: VOLUNTEER } });
    const told = await prisma.notification.findMany({ where: { accountId: account.id, title: { startsWith: "你上报的隐患" } }, orderBy: { createdAt: "asc" } });
    expect(told.map((n) => localize(n.title, "zh"))).toEqual(["你上报的隐患已分派处理", "你上报的隐患已办结"]);
    await ctx.close();
    expect(found).toEqual([]);
  }, 180_000);
});

describe("holiday home-watch", () => {
  it("a resident asks without an account, the officer approves, a volunteer claims a visit and logs a problem on a phone, the officer and the resident see it", async () => {
    const found: string[] = [];
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await page.goto("/home-watch");
    await settle(page);
    await axe(page, "public /home-watch", found);
    const form = page.getByTestId("home-watch-form");
    await form.getByLabel("派出所").selectOption({ label: "府山派出所" });
    await form.getByLabel("姓名").fill("陆阿姨");
    await form.getByLabel("手机号").fill("13955550123");
    await form.getByLabel("住址").fill("府山社区仓桥直街12号2单元301");
    const day = (n: number) => new Date(Date.now() + n * 86400_000 + 8 * 3600_000).toISOString().slice(0, 10);
    await form.getByLabel("离家日期").fill(day(2));
    await form.getByLabel("返回日期").fill(day(4));
    await form.getByLabel("离家期间联系方式").fill("女儿 13955550124");
    expect(await page.getByTestId("privacy-notice").innerText()).toContain("30天后自动删除");
    await shoot(page, "casework-phone-home-watch-form");
    // The first request reaches the API, its answer never reaches the phone; 提交申请 again answers that request.
    let lost = 0;
    await page.route("**/graphql**", async (route) => {
      if (!lost && (route.request().postData() ?? "").includes('"awayFrom"')) {
        lost++;
        await route.fetch();
        return route.abort("failed");
      }
      return route.fallback();
    });
    await form.getByRole("button", { name: "提交申请" }).click();
    await page.getByTestId("toast-error").filter({ hasText: "网络连接失败" }).waitFor();
    expect(lost).toBe(1);
    await form.getByRole("button", { name: "提交申请" }).click();
    const code = (await page.getByTestId("confirmation-code").innerText()).trim();
    expect(await prisma.homeWatchRequest.count({ where: { name: "陆阿姨" } })).toBe(1);
    expect(code.length).toBeGreaterThan(6);
    await shoot(page, "casework-phone-home-watch-code");
    await page.getByRole("button", { name: "查看办理进度" }).click();
    const status = page.getByTestId("home-watch-status");
    await status.waitFor();
    expect(await status.innerText()).toContain("待审批");
    await axe(page, "public /home-watch/status", found);

    // The officer approves: every day, for the suggested team.
    const octx = await context(env.browser, env.app.url, PHONE);
    const officer = await octx.newPage();
    await signInAs(officer, OFFICER);
    await officer.goto("/cases/homewatch");
    await settle(officer);
    const request = officer.getByTestId("home-watch-request").filter({ hasText: "陆阿姨" });
    await request.waitFor();
    expect(await request.innerText()).toContain("府山社区仓桥直街12号2单元301");
    await axe(officer, "officer /cases/homewatch", found);
    await request.getByRole("button", { name: "批准并排班" }).click();
    await officer.getByTestId("toast-success").filter({ hasText: "已批准，生成3个照看班次" }).waitFor();
    await shoot(officer, "casework-phone-home-watch-approved");
    const hw = await prisma.homeWatchRequest.findFirstOrThrow({ where: { name: "陆阿姨" } });
    expect(hw.status).toBe("APPROVED");
    expect(await prisma.shift.count({ where: { homeWatchRequestId: hw.id, kind: "HOME_WATCH" } })).toBe(3);
    await octx.close();

    // The resident checks again by the code, typed in.
    await page.goto("/home-watch/status");
    await page.getByLabel("确认码").fill(code);
    await page.getByRole("button", { name: "查询" }).click();
    await status.waitFor();
    expect(await status.innerText()).toContain("已安排照看");
    expect(await status.innerText()).toContain("已安排 3 次上门照看");
    await shoot(page, "casework-phone-home-watch-status");

    // A volunteer of the visiting team claims the first visit on the board, on a phone; the address
    // shows only once they are on it.
    const vctx = await context(env.browser, env.app.url, PHONE);
    const volunteer = await vctx.newPage();
    await signInAs(volunteer, VISITOR);
    await volunteer.goto("/shifts");
    await settle(volunteer);
    await volunteer.getByText("筛选").click();
    await volunteer.getByLabel("类型").selectOption({ label: "长假照看" });
    const first = await prisma.shift.findFirstOrThrow({ where: { homeWatchRequestId: hw.id }, orderBy: { startsAt: "asc" } });
    const visitCard = volunteer.getByTestId("shift-card").filter({ hasText: first.title }).first();
    await visitCard.waitFor();
    expect(await volunteer.locator("main").innerText()).not.toContain("仓桥直街12号");
    await visitCard.getByRole("button", { name: "认领" }).click();
    await volunteer.getByTestId("toast-success").filter({ hasText: "认领成功" }).waitFor();
    const claim = await prisma.shiftClaim.findFirstOrThrow({ where: { volunteer: { phone: VISITOR }, shift: { homeWatchRequestId: hw.id }, status: "CONFIRMED" }, include: { shift: true } });

    // The visit's time comes (the API's clock; the browser keeps its own).
    clock.advance(claim.shift.startsAt.getTime() - Date.now() + 5 * 60_000);
    try {
      await volunteer.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "我的班次" }).click();
      await volunteer.waitForURL((u) => u.pathname === "/my");
      await settle(volunteer);
      const log = volunteer.getByTestId("home-watch-log");
      await log.waitFor();
      expect(await log.innerText()).toContain("府山社区仓桥直街12号2单元301");
      expect(await log.innerText()).toContain("女儿 13955550124");
      const visitForm = log.getByTestId("visit-form");
      await visitForm.getByText("发现问题").click();
      await visitForm.getByLabel("发现的问题").fill("二楼窗户未关，已联系女儿确认");
      await visitForm.getByLabel("照片").setInputFiles({ name: "window.jpg", mimeType: "image/jpeg", buffer: await jpegWithGps("#5a5") });
      expect(await visitForm.getByRole("img").count()).toBe(1);
      await axe(volunteer, "volunteer /my home-watch visit", found);
      await shoot(volunteer, "casework-phone-home-watch-visit-form");
      // The first log's answer is lost too: 记录照看 again logs it once, and the officer hears of it once.
      let lostVisit = 0;
      await volunteer.route("**/graphql**", async (route) => {
        if (!lostVisit && (route.request().postDataBuffer()?.toString() ?? "").includes('"PROBLEM"')) {
          lostVisit++;
          await route.fetch();
          return route.abort("failed");
        }
        return route.fallback();
      });
      await visitForm.getByRole("button", { name: "记录照看" }).click();
      await volunteer.getByTestId("toast-error").filter({ hasText: "网络连接失败" }).waitFor();
      expect(lostVisit).toBe(1);
      await visitForm.getByRole("button", { name: "记录照看" }).click();
      await volunteer.getByTestId("toast-success").filter({ hasText: "已记录，民警已收到通知" }).waitFor();
      const logged = log.getByTestId("visit").filter({ hasText: "二楼窗户未关" });
      await logged.waitFor();
      expect(await logged.innerText()).toContain("发现问题");
      expect(await logged.getByRole("img").count()).toBe(1);
      expect(await sidewaysOverflow(volunteer)).toBe(0);
      await shoot(volunteer, "casework-phone-home-watch-visit-logged");
      expect(await prisma.homeWatchVisit.count({ where: { requestId: hw.id } })).toBe(1);
      expect(await prisma.notification.count({ where: { kind: "HOME_WATCH_PROBLEM", subjectId: hw.id } })).toBe(1);
      const visit = await prisma.homeWatchVisit.findFirstOrThrow({ where: { requestId: hw.id }, include: { photos: true } });
      expect(visit).toMatchObject({ result: "PROBLEM", note: "二楼窗户未关，已联系女儿确认", shiftId: claim.shiftId });
      expect(await exifOf(await readFile(path.join(config.uploadDir, visit.photos[0]!.key)))).toEqual({ exif: false, gps: false, make: false });
    } finally {
      clock.reset();
    }
    await vctx.close();

    // The officer was told at once and sees the visit on the request; the resident sees its date and result.
    const officerAccount = await prisma.account.findUniqueOrThrow({ where: { phone: OFFICER } });
    expect(await prisma.notification.count({ where: { accountId: officerAccount.id, kind: "HOME_WATCH_PROBLEM", body: { contains: "二楼窗户未关" } } })).toBe(1);
    const octx2 = await context(env.browser, env.app.url, PHONE);
    const officer2 = await octx2.newPage();
    await signInAs(officer2, OFFICER);
    // From the notification in the inbox to the request, with its visits.
    await officer2.goto("/inbox");
    await settle(officer2);
    await officer2.getByRole("link", { name: "长假照看发现问题" }).first().click();
    await officer2.waitForURL((u) => u.pathname === "/cases/homewatch" && u.searchParams.has("request"));
    await settle(officer2);
    const card = officer2.locator('[data-testid="home-watch-request"][aria-current="true"]');
    await card.waitFor();
    expect(await card.innerText()).toContain("陆阿姨");
    const seen = card.getByTestId("visit").filter({ hasText: "二楼窗户未关" });
    await seen.waitFor();
    expect(await seen.innerText()).toContain("发现问题");
    expect(await card.innerText()).toContain("1次发现问题");
    await axe(officer2, "officer /cases/homewatch with a visit", found);
    await shoot(officer2, "casework-phone-home-watch-officer-sees-visit");
    await octx2.close();

    await page.goto("/home-watch/status");
    await page.getByLabel("确认码").fill(code);
    await page.getByRole("button", { name: "查询" }).click();
    await status.waitFor();
    const visits = page.getByTestId("public-visits");
    await expect.poll(() => visits.innerText()).toContain("发现问题");
    // Dates and results only: not the note.
    expect(await status.innerText()).not.toContain("二楼窗户");
    await shoot(page, "casework-phone-home-watch-status-visited");
    await ctx.close();
    expect(found).toEqual([]);
  }, 180_000);
});

describe("警民联调", () => {
  it("the officer opens a case with two parties and a mediator, records a session, settles it, and the rate changes", async () => {
    const found: string[] = [];
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, OFFICER);
    await page.goto("/cases/mediation");
    await settle(page);
    await axe(page, "officer /cases/mediation", found);
    const statsBefore = await page.getByTestId("mediation-stats").innerText();

    const form = page.getByTestId("open-case");
    await form.getByLabel("纠纷类别").selectOption({ label: "邻里纠纷" });
    await form.getByLabel("来源").selectOption({ label: "群众来访" });
    const summary = `E2E 空调外机滴水到楼下阳台 ${Date.now()}`;
    await form.getByLabel("案情简述").fill(summary);
    await form.getByLabel("当事人1姓名").fill("钱申请");
    await form.locator("#party-phone-0").fill("13966660001");
    await form.getByLabel("当事人2姓名").fill("孙被申");
    await form.locator("#party-phone-1").fill("13966660002");
    await form.getByText("何老娘舅").click();
    await form.getByRole("button", { name: "受理" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "已受理" }).waitFor();
    await page.getByRole("link", { name: new RegExp(summary.slice(0, 20)) }).click();
    await page.waitForURL((u) => u.pathname.startsWith("/cases/mediation/"));
    await settle(page);
    expect(await page.locator("main").innerText()).toContain("13966660001");
    await axe(page, "officer /cases/mediation/:id", found);

    await page.getByLabel("调解记录").fill("双方到场，楼上同意加装冷凝水管。");
    await page.getByRole("button", { name: "保存记录" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "已记录" }).waitFor();
    await page.getByTestId("session").filter({ hasText: "冷凝水管" }).waitFor();

    const close = page.getByTestId("close-case");
    await close.getByLabel("调解结果").selectOption("SETTLED");
    await close.getByLabel("调解协议内容").fill("楼上住户一周内加装冷凝水管，并赔偿楼下晾晒衣物损失200元。");
    await close.getByRole("button", { name: "结案" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "已结案" }).waitFor();
    await page.getByTestId("agreement").waitFor();
    await shoot(page, "casework-phone-mediation-settled");
    const row = await prisma.mediationCase.findFirstOrThrow({ where: { summary } });
    expect(row).toMatchObject({ status: "CLOSED", outcome: "SETTLED" });

    await page.goto("/cases/mediation");
    await settle(page);
    // One more closed and settled: the station's numbers move (the demo's cases all settled, so the rate stays 100%).
    await expect.poll(() => page.getByTestId("mediation-stats").innerText()).not.toBe(statsBefore);
    expect(await page.getByTestId("success-rate").innerText()).toBe("100%");
    const stats = await page.getByTestId("mediation-stats").innerText();

    // Past the station's retention (closed 181 days ago), the sweeper's erasure: the page says so, no party is left on it.
    const { eraseExpiredMediation } = await import("../../api/src/modules/mediation/mediation.service.js");
    await prisma.mediationCase.update({ where: { id: row.id }, data: { openedAt: new Date(Date.now() - 182 * 86_400_000), closedAt: new Date(Date.now() - 181 * 86_400_000) } });
    expect(await eraseExpiredMediation()).toBe(1);
    await page.goto(`/cases/mediation/${encodeURIComponent(gid("MediationCase", row.id))}`);
    await settle(page);
    await page.getByTestId("erased").filter({ hasText: "按保留期限删除" }).waitFor();
    const text = await page.locator("main").innerText();
    for (const gone of ["钱申请", "孙被申", "13966660001", "13966660002", "冷凝水管", "空调外机"]) expect(text, gone).not.toContain(gone);
    expect(text).toContain("邻里纠纷");
    await axe(page, "officer /cases/mediation/:id erased", found);
    await shoot(page, "casework-phone-mediation-erased");
    await page.goto("/cases/mediation");
    await settle(page);
    await page.getByRole("link", { name: /案情已按保留期限删除/ }).waitFor();
    expect(await page.getByTestId("mediation-stats").innerText()).toBe(stats);
    await ctx.close();
    expect(found).toEqual([]);
  }, 120_000);
});

describe("every casework page", () => {
  it("never scrolls sideways at 360 px, in Chinese and in English", async () => {
    const caseRow = await prisma.mediationCase.findFirstOrThrow({ where: { stationId: env.demo.fushan.id }, orderBy: { openedAt: "asc" } });
    const who = [
      { phone: VOLUNTEER, role: "volunteer", paths: ["/report"] },
      { phone: OFFICER, role: "officer", paths: ["/cases/findings", "/cases/mediation", `/cases/mediation/${encodeURIComponent(gid("MediationCase", caseRow.id))}`, "/cases/homewatch"] },
      { phone: null, role: "public", paths: ["/home-watch", "/home-watch/status"] },
    ];
    const wide: string[] = [];
    const found: string[] = [];
    for (const lang of ["zh", "en"] as const) {
      for (const w of who) {
        const ctx = await context(env.browser, env.app.url, NARROW);
        const page = await ctx.newPage();
        if (w.phone) await signInAs(page, w.phone);
        else await page.goto("/home-watch");
        await setLanguage(page, lang);
        for (const p of w.paths) {
          await page.goto(p);
          await settle(page);
          const over = await sidewaysOverflow(page);
          if (over > 0) wide.push(`${lang} ${w.role} ${p}: ${over}px`);
          if (lang === "zh") await axe(page, `${w.role} ${p}`, found);
          await shoot(page, `casework-narrow-${lang}-${w.role}-${p.split("/").slice(1, 3).join("-")}${p.split("/").length > 3 ? "-detail" : ""}`);
        }
        await ctx.close();
      }
    }
    expect(wide).toEqual([]);
    expect(found).toEqual([]);
  }, 300_000);
});
