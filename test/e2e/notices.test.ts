// 一键召集 and notices as people use them: the officer calls up from the composer (place from a grid),
// a volunteer nearby sees the badge on the phone, answers in one tap from the inbox, and the
// officer's board shows it live. axe on every new page; screenshots to look at.

import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { msg } from "../../api/src/i18n.js";
import { delivered, notify } from "../../api/src/modules/notification/notification.service.js";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import { context, demoBrowserApp, DESKTOP, NARROW, PHONE, seriousViolations, setLanguage, shoot, sidewaysOverflow, signInAs } from "./browser.js";

const t = demoBrowserApp();

describe("一键召集 in the browser", () => {
  it("officer calls up, a volunteer answers in one tap on the phone, the board shows it live; every page passes axe", async () => {
    const near = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "府山社区第1网格" }, teams: { every: { role: "MEMBER" } }, squads: { every: { role: "MEMBER" } } }, orderBy: { phone: "asc" } });
    const violations: string[] = [];

    const officerCtx = await context(t.browser, t.app.url, DESKTOP);
    const officer = await officerCtx.newPage();
    await signInAs(officer, DEMO_PHONES.fushanOfficer);
    await officer.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "召集" }).click();
    await officer.locator("h1", { hasText: "一键召集" }).waitFor();
    await officer.getByLabel("事由").fill("寻找走失老人");
    await officer.getByLabel("地点").fill("府山社区第1网格");
    await officer.getByLabel("或选择网格").selectOption({ label: "府山社区第1网格" });
    await officer.getByLabel("需要人数").fill("2");
    await officer.getByLabel("首轮半径（米）").fill("300");
    for (const v of await seriousViolations(officer)) violations.push(`officer /callups ${v}`);
    await shoot(officer, "desktop-officer-callups");
    await officer.getByRole("button", { name: "立即召集" }).click();
    await officer.waitForURL((u) => /^\/callups\/.+/.test(u.pathname));
    await officer.getByTestId("callup-counts").waitFor();
    expect(await officer.getByTestId("callup-counts").innerText()).toContain("0/2");

    const phoneCtx = await context(t.browser, t.app.url, PHONE);
    const phone = await phoneCtx.newPage();
    await signInAs(phone, near.phone);
    await phone.getByTestId("unread-count").waitFor();
    await phone.getByRole("link", { name: /消息/ }).click();
    await phone.locator("h1", { hasText: "消息" }).waitFor();
    const notice = phone.getByTestId("notice").first();
    await notice.getByText("一键召集：寻找走失老人").waitFor();
    for (const v of await seriousViolations(phone)) violations.push(`volunteer /inbox ${v}`);
    await shoot(phone, "phone-volunteer-inbox-callup");
    await notice.getByTestId("accept").click();
    await phone.getByTestId("toast-success").waitFor();

    // Live on the officer's board: no reload.
    await officer.getByTestId("callup-counts").getByText("1/2").waitFor({ timeout: 10_000 });
    expect(await officer.getByTestId("responders").innerText()).toContain(near.displayName);
    for (const v of await seriousViolations(officer)) violations.push(`officer board ${v}`);
    await shoot(officer, "desktop-officer-callup-board");

    // The volunteer's own view of the call-up, and the settings, at 360 px without sideways scrolling.
    await phone.getByRole("link", { name: "一键召集：寻找走失老人" }).click();
    await phone.locator("h1", { hasText: "寻找走失老人" }).waitFor();
    expect(await phone.locator("main").innerText()).toContain("前往");
    for (const v of await seriousViolations(phone)) violations.push(`volunteer callup ${v}`);
    await shoot(phone, "phone-volunteer-callup");
    await phone.setViewportSize(NARROW);
    expect(await sidewaysOverflow(phone)).toBe(0);
    await phone.goto("/inbox");
    await phone.getByRole("tab", { name: "提醒设置" }).click();
    await phone.getByLabel("常驻网格").waitFor();
    for (const v of await seriousViolations(phone)) violations.push(`volunteer settings ${v}`);
    expect(await sidewaysOverflow(phone)).toBe(0);
    await shoot(phone, "narrow-volunteer-inbox-settings");

    // The officer's bulletin composer and list.
    await officer.goto("/bulletins");
    await officer.locator("h1", { hasText: "警情提醒" }).waitFor();
    await officer.getByText("发布新的提醒").click();
    await officer.getByLabel("标题").fill("台风预警");
    await officer.getByLabel("内容").fill("今晚台风过境，请关好门窗，巡逻暂停。");
    await officer.getByLabel("同时在公开表扬榜页面展示").check();
    await officer.getByRole("button", { name: "发送" }).click();
    await officer.getByTestId("toast-success").waitFor();
    await officer.getByRole("link", { name: "台风预警" }).waitFor();
    for (const v of await seriousViolations(officer)) violations.push(`officer /bulletins ${v}`);
    await shoot(officer, "desktop-officer-bulletins");
    await officer.getByRole("link", { name: "台风预警" }).click();
    await officer.getByText("尚未阅读").waitFor();
    for (const v of await seriousViolations(officer)) violations.push(`officer bulletin ${v}`);
    await shoot(officer, "desktop-officer-bulletin-detail");

    // A public bulletin is on the station's public board page, for anyone.
    const fushan = await prisma.station.findUniqueOrThrow({ where: { name: "府山派出所" } });
    const visitorCtx = await context(t.browser, t.app.url, PHONE);
    const visitor = await visitorCtx.newPage();
    await visitor.goto(`/board/${encodeURIComponent(gid("Station", fushan.id))}`);
    await visitor.getByTestId("public-bulletins").getByText("台风预警").waitFor();
    for (const v of await seriousViolations(visitor)) violations.push(`public board ${v}`);
    await shoot(visitor, "phone-public-board-bulletin");
    await visitorCtx.close();

    expect(violations).toEqual([]);
    await phoneCtx.close();
    await officerCtx.close();
  }, 300_000);

  it("the inbox on a 360 px phone: a closed call-up offers no answer, an answered one shows the answer", async () => {
    const station = await prisma.station.findUniqueOrThrow({ where: { name: "府山派出所" } });
    const grid = await prisma.grid.findFirstOrThrow({ where: { name: "府山社区第2网格" } });
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { id: grid.id }, teams: { every: { role: "MEMBER" } }, squads: { every: { role: "MEMBER" } } }, orderBy: { phone: "desc" } });
    const officer = await signIn(t.app, DEMO_PHONES.fushanOfficer);
    const start = async (reason: string) => {
      const r = await gql(t.app, `mutation($i: StartMobilizationInput!) { startMobilization(input: $i) { mobilization { id } userErrors { message } } }`, {
        i: { stationId: gid("Station", station.id), reason, place: grid.name, latitude: grid.latitude, longitude: grid.longitude, radiusMeters: 100, wanted: 1, escalateAfterMinutes: 60 },
      }, officer);
      return r.data!.startMobilization.mobilization.id as string;
    };
    const answered = await start("协助寻人（已回复）");
    const mine = await signIn(t.app, person.phone);
    const r = await gql(t.app, `mutation($i: RespondToMobilizationInput!) { respondToMobilization(input: $i) { userErrors { message } } }`, { i: { mobilizationId: answered, response: "DECLINE" } }, mine);
    expect(r.data!.respondToMobilization.userErrors).toEqual([]);
    const closed = await start("协助疏散（已结束）");
    await gql(t.app, `mutation($i: CloseMobilizationInput!) { closeMobilization(input: $i) { userErrors { message } } }`, { i: { mobilizationId: closed, outcome: "STOOD_DOWN" } }, officer);

    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, person.phone, undefined, "/inbox");
    const closedCard = page.getByTestId("notice").filter({ hasText: "一键召集：协助疏散（已结束）" });
    await closedCard.getByText("召集已结束").waitFor();
    expect(await closedCard.getByTestId("accept").count()).toBe(0);
    const answeredCard = page.getByTestId("notice").filter({ hasText: "一键召集：协助寻人（已回复）" });
    await answeredCard.getByText("你的回复：无法前往").waitFor();
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "narrow-volunteer-inbox-callups-closed-answered");
    // The notice's title opens it: a thumb-sized target (it was 21 px tall), as the shift board's titles are.
    const title = (await answeredCard.getByRole("link", { name: "一键召集：协助寻人（已回复）" }).boundingBox())!;
    expect(title.height).toBeGreaterThanOrEqual(44);
    // The call-up's own page says the distance in Chinese, as the notice does (约50米), not "50 m".
    await answeredCard.getByRole("link", { name: "一键召集：协助寻人（已回复）" }).click();
    await page.locator("h1", { hasText: "协助寻人（已回复）" }).waitFor();
    expect(await page.locator("main").innerText()).toMatch(/你距现场：(\d+ 米|\d+\.\d 公里)/);
    await ctx.close();
  }, 120_000);

  it("a bulletin read on its own page (from the station's list or a link) counts as read: the badge and the officer's count follow", async () => {
    const station = await prisma.station.findUniqueOrThrow({ where: { name: "府山派出所" } });
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "戴山社区第1网格" }, teams: { every: { role: "MEMBER" } } }, orderBy: { phone: "desc" } });
    const officer = await signIn(t.app, DEMO_PHONES.fushanOfficer);
    const r = await gql(t.app, `mutation($i: PublishBulletinInput!) { publishBulletin(input: $i) { bulletin { id } userErrors { message } } }`, {
      i: { stationId: gid("Station", station.id), title: "防诈骗提醒", body: "近期冒充客服诈骗多发，请提醒邻居。", category: "FRAUD_WARNING", audience: { wholeStation: true } },
    }, officer);
    const bulletinId = r.data!.publishBulletin.bulletin.id as string;
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: person.phone } });
    const unread = () => prisma.notification.count({ where: { accountId: account.id, readAt: null } });
    const before = await unread();

    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, person.phone, undefined, "/bulletins");
    await page.getByRole("link", { name: "防诈骗提醒" }).click();
    await page.locator("h1", { hasText: "防诈骗提醒" }).waitFor();
    await expect.poll(unread, { timeout: 10_000 }).toBe(before - 1);
    const badge = page.getByTestId("unread-count");
    if (before > 1) await badge.getByText(String(before - 1)).waitFor();
    else await badge.waitFor({ state: "detached" });
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "narrow-volunteer-bulletin");
    await ctx.close();
  }, 120_000);

  it("resetting the calendar feed on the phone asks first; only a confirmed reset retires the old address", async () => {
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "戴山社区第2网格" }, teams: { every: { role: "MEMBER" } } }, orderBy: { phone: "desc" } });
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, person.phone, undefined, "/inbox");
    // The tabs by keyboard, as the ARIA tabs pattern has them: one tab stop, arrows move and choose.
    await page.getByRole("tab", { name: "消息" }).focus();
    await page.keyboard.press("ArrowRight");
    const settingsTab = page.getByRole("tab", { name: "提醒设置" });
    expect(await settingsTab.evaluate((e) => e === document.activeElement && e.getAttribute("aria-selected"))).toBe("true");
    expect(await page.getByRole("tab", { name: "消息" }).getAttribute("tabindex")).toBe("-1");
    await page.getByRole("tabpanel", { name: "提醒设置" }).waitFor();
    // Quiet hours: both time boxes say what they are to the eye, not only to a screen reader.
    const quiet = page.getByRole("group", { name: /免打扰/ });
    for (const name of ["开始", "结束"]) expect((await quiet.getByText(name, { exact: true }).boundingBox())!.width).toBeGreaterThan(10);
    await quiet.getByLabel("开始").fill("22:00");
    await quiet.getByLabel("结束").fill("07:00");
    await page.getByRole("button", { name: "保存", exact: true }).click();
    await page.getByTestId("toast-success").getByText("已保存").waitFor();
    await page.getByRole("button", { name: "取消免打扰" }).waitFor();
    const feed = page.getByLabel("订阅地址");
    const first = await feed.inputValue();
    expect((await fetch(first)).status).toBe(200);

    await page.getByRole("button", { name: "重置地址" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("旧地址将立即失效").waitFor();
    await shoot(page, "narrow-volunteer-calendar-reset-confirm");
    await dialog.getByRole("button", { name: "取消" }).click();
    await dialog.waitFor({ state: "detached" });
    expect(await feed.inputValue()).toBe(first);
    expect((await fetch(first)).status).toBe(200);

    await page.getByRole("button", { name: "重置地址" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "重置" }).click();
    await page.getByTestId("toast-success").waitFor();
    await expect.poll(() => feed.inputValue()).not.toBe(first);
    expect((await fetch(first)).status).toBe(404);
    expect((await fetch(await feed.inputValue())).status).toBe(200);
    await ctx.close();
  }, 120_000);

  it("switching to English shows the inbox's notices in English at once, and a notice arriving after the switch too", async () => {
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "仓桥社区第1网格" }, teams: { every: { role: "MEMBER" } } }, orderBy: { phone: "desc" } });
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: person.phone } });
    await notify(prisma, { accountId: account.id, kind: "OTHER", title: msg("切换语言之前的通知", "A notice from before the switch") });
    // Routed now: left to the reader's next round, it could reach the inbox's live stream once open, as a
    // toast beside the listed notice (seen once: two elements with its text).
    delivered();

    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, person.phone, undefined, "/inbox");
    await page.getByRole("heading", { name: "切换语言之前的通知" }).waitFor();
    await page.getByTestId("unread-count").waitFor(); // the live stream is open
    // The socket the app opens after the switch, and the server's acknowledgement of its subscription.
    // Only the acknowledgement of the live notice stream's own subscription counts: the new socket carries
    // other subscriptions too, and one of them acknowledged first let the notice be published before the
    // stream listened (a toast that never came, now and then in a full run).
    const resubscribed = new Promise<void>((resolve) =>
      page.on("websocket", (ws) => {
        const ids = new Set<string>();
        ws.on("framesent", (f) => {
          const m = JSON.parse(String(f.payload)) as { type?: string; id?: string; payload?: { query?: string; operationName?: string; extensions?: unknown } };
          if (m.type === "subscribe" && m.id && /NotificationReceived/.test(JSON.stringify(m.payload))) ids.add(m.id);
        });
        ws.on("framereceived", (f) => {
          const m = JSON.parse(String(f.payload)) as { type?: string; payload?: { subscribed?: string } };
          if (m.type === "pong" && m.payload?.subscribed && ids.has(m.payload.subscribed)) resolve();
        });
      }),
    );
    await setLanguage(page, "en");
    await page.locator("h1", { hasText: "Inbox" }).waitFor();
    await page.getByTestId("notice").getByText("A notice from before the switch").waitFor({ timeout: 10_000 });
    expect(await page.getByText("切换语言之前的通知").count()).toBe(0);

    await Promise.race([resubscribed, new Promise((_, reject) => setTimeout(() => reject(new Error("the app did not open its socket again after the switch")), 10_000))]);
    await notify(prisma, { accountId: account.id, kind: "OTHER", title: msg("切换语言之后的通知", "A notice after the switch") });
    delivered();
    await page.getByTestId("toast-info").getByText("Other: A notice after the switch").waitFor({ timeout: 10_000 });
    await ctx.close();
  }, 120_000);

  it("the inbox pages: older notices than the first page are one tap away, and 全部标为已读 clears every page and the badge", async () => {
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "仓桥社区第2网格" }, teams: { every: { role: "MEMBER" } } }, orderBy: { phone: "desc" } });
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: person.phone } });
    await prisma.notification.updateMany({ where: { accountId: account.id }, data: { readAt: new Date() } });
    for (let i = 1; i <= 35; i++) await notify(prisma, { accountId: account.id, kind: "OTHER", title: msg(`测试通知${i}号`, `Test notice ${i}`) });

    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, person.phone, undefined, "/inbox");
    await page.getByText("测试通知35号").waitFor();
    await page.getByTestId("unread-count").getByText("35").waitFor();
    expect(await page.getByText("测试通知1号", { exact: true }).count()).toBe(0);
    await page.getByRole("button", { name: "加载更多" }).click();
    await page.getByText("测试通知1号", { exact: true }).waitFor();
    expect(await page.getByTestId("notice").filter({ hasText: /测试通知\d+号/ }).count()).toBe(35);
    // the header at 360 px with a two-digit count: the name keeps room for 4 characters or more (the
    // language button says EN there, its visible text its name)
    const who = await page.locator("header .who").evaluate((e) => ({ width: e.getBoundingClientRect().width, clipped: e.scrollWidth > e.clientWidth }));
    expect(who.width, JSON.stringify(who)).toBeGreaterThanOrEqual(64);
    await page.locator("header").getByRole("button", { name: "EN", exact: true }).waitFor();
    await page.getByRole("button", { name: "全部标为已读" }).click();
    // said in words where the thumb is, not only by the badge going away
    await page.getByTestId("toast-success").filter({ hasText: "已将 35 条消息标为已读" }).waitFor();
    await shoot(page, "phone-inbox-all-read");
    await page.getByTestId("unread-count").waitFor({ state: "detached" });
    await expect.poll(() => page.locator(".notice.unread").count()).toBe(0);
    expect(await sidewaysOverflow(page)).toBe(0);
    await ctx.close();
  }, 120_000);
});
