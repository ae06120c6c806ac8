// Journeys as a first-time user tries them: sign-in for every role, role tabs, an expired session,
// accessibility (axe) and sideways scrolling on every page, "busy" and network failures, the street screen.
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import { context, NARROW, PHONE, SCREEN, seriousViolations, setLanguage, shoot, sidewaysOverflow, signInAs, demoBrowserApp, settle } from "./browser.js";
import { directStats } from "../../api/src/graphql/direct.js";

const env = demoBrowserApp();

const VOLUNTEER = "13800000180";
const path = (page: Page) => new URL(page.url()).pathname;
const tabs = async (page: Page) => (await page.getByRole("navigation", { name: "主导航" }).getByRole("link").allInnerTexts()).map((t) => t.trim());


describe("signing in", () => {
  it("lands every role on its home page the first time, through the form", async () => {
    const homes: [string, string][] = [
      [VOLUNTEER, "/shifts"],
      [DEMO_PHONES.haolinsheLeader, "/lead"],
      [DEMO_PHONES.fushanOfficer, "/watch"],
      [DEMO_PHONES.partnerAdmin, "/partners"],
    ];
    for (const [phone, home] of homes) {
      const ctx = await context(env.browser, env.app.url, PHONE);
      const page = await ctx.newPage();
      await signInAs(page, phone);
      expect(path(page), phone).toBe(home);
      // The page shows its data: no "加载中…" left, no error.
      await settle(page);
      expect(await page.getByRole("alert").count(), phone).toBe(0);
      await ctx.close();
    }
  });

  it("returns to the page that was asked for", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await page.goto("/points");
    await page.waitForURL((u) => u.pathname === "/login");
    expect(new URL(page.url()).searchParams.get("next")).toBe("/points");
    await page.getByLabel("手机号").fill(VOLUNTEER);
    await page.getByLabel("密码").fill("linshe-demo");
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL((u) => u.pathname === "/points");
    await page.getByTestId("balance").waitFor();
    await ctx.close();
  });

  it("tells a first-time resident how to join, and its links are thumb-sized on a phone", async () => {
    const ctx = await context(env.browser, env.app.url, NARROW);
    const page = await ctx.newPage();
    await page.goto("/login");
    expect(await page.getByTestId("how-to-join").innerText()).toContain("请向他们索取加入链接或激活码");
    for (const name of ["有激活码？激活账号", "查看表扬榜（无需登录）"]) {
      const box = (await page.getByRole("link", { name }).boundingBox())!;
      expect(box.height, name).toBeGreaterThanOrEqual(40);
    }
    expect(await sidewaysOverflow(page)).toBe(0);
    await shoot(page, "narrow-login-how-to-join");
    // The links that stand alone on the pages a resident opens next are as tall as a thumb too.
    const heights = async (names: (string | RegExp)[]) => Promise.all(names.map(async (name) => (await page.getByRole("link", { name }).first().boundingBox())!.height));
    await page.goto("/activate");
    expect(Math.min(...(await heights(["已激活？去登录"])))).toBeGreaterThanOrEqual(40);
    await page.goto("/board");
    await page.getByRole("link", { name: "府山派出所" }).waitFor();
    expect(Math.min(...(await heights(["府山派出所", "长庆派出所"])))).toBeGreaterThanOrEqual(40);
    await ctx.close();
  });

  it("explains a wrong password in Chinese and stays on the form", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await page.goto("/login");
    await page.getByLabel("手机号").fill(VOLUNTEER);
    await page.getByLabel("密码").fill("wrong-password");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("toast-error").waitFor();
    expect(path(page)).toBe("/login");
    expect(await page.getByTestId("toast-error").innerText()).toMatch(/[\u4e00-\u9fff]/);
    await ctx.close();
  });

  it("an expired token is cleared, said so, and the page asked for comes back after signing in", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    // The one test that puts a token in place: an invalid one, as an expired session leaves behind.
    await ctx.addInitScript(() => {
      if (!sessionStorage.getItem("seeded")) {
        localStorage.setItem("linshe.token", "expired.token.value");
        sessionStorage.setItem("seeded", "1");
      }
    });
    const page = await ctx.newPage();
    await page.goto("/my");
    await page.waitForURL((u) => u.pathname === "/login");
    await page.getByRole("alert").getByText("登录已过期，请重新登录").waitFor();
    expect(await page.evaluate(() => localStorage.getItem("linshe.token"))).toBeNull();
    await shoot(page, "phone-login-expired");
    await page.getByLabel("手机号").fill(VOLUNTEER);
    await page.getByLabel("密码").fill("linshe-demo");
    await page.getByRole("button", { name: "登录" }).click();
    await page.waitForURL((u) => u.pathname === "/my");
    await page.locator("h1", { hasText: "我的班次" }).waitFor();
    await ctx.close();
  });
});

describe("navigation by role", () => {
  it("shows only the tabs each role can use, and a page it cannot use sends it home", async () => {
    const ctx = await context(env.browser, env.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, VOLUNTEER);
    expect(await tabs(page)).toEqual(["班次", "我的班次", "积分", "上报", "表扬榜", "账号"]);
    // The header stays one row: brand, name, language and sign-out share one line.
    const row = await page.locator("header.top .top-row").evaluate((el) => el.getBoundingClientRect().height);
    expect(row).toBeLessThan(56);
    await page.goto("/lead");
    await page.waitForURL((u) => u.pathname === "/shifts");
    await page.goto("/watch");
    await page.waitForURL((u) => u.pathname === "/shifts");
    await ctx.close();

    const officerCtx = await context(env.browser, env.app.url, NARROW);
    const officer = await officerCtx.newPage();
    await signInAs(officer, DEMO_PHONES.fushanOfficer);
    const officerTabs = await tabs(officer);
    expect(officerTabs).toContain("表扬榜");
    expect(officerTabs).not.toContain("我的班次");
    // Every tab, 表扬榜 included, is inside the screen (not cut off).
    const outside = await officer.getByRole("navigation", { name: "主导航" }).getByRole("link").evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().right > window.innerWidth).length);
    expect(outside).toBe(0);
    // In English too (longer labels, an unread count beside 消息/Inbox), sign-out stays on the first row.
    const officerAccount = await prisma.account.findFirstOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });
    await prisma.notification.create({ data: { accountId: officerAccount.id, kind: "OTHER", title: "窄屏页头测试" } });
    await officer.reload();
    await officer.getByTestId("unread-count").waitFor();
    await officer.getByRole("button", { name: "EN", exact: true }).click();
    await officer.getByRole("button", { name: "Sign out" }).waitFor();
    const officerRow = await officer.locator("header.top .top-row").evaluate((el) => el.getBoundingClientRect().height);
    expect(officerRow).toBeLessThan(56);
    // …and the officer's three-character name is not cut beside Inbox and its count.
    const name = await officer.locator("header.top .who").evaluate((el) => ({ text: el.textContent, cut: el.scrollWidth > el.clientWidth }));
    expect(name).toEqual({ text: "方警官", cut: false });
    await shoot(officer, "narrow-officer-header-en");
    await officerCtx.close();
  });
});

/** Every page each role uses, with the account that uses it. */
async function pagesOf() {
  const shift = await prisma.shift.findFirstOrThrow({ where: { teamId: env.demo.haolinshe.id, status: "OPEN" }, orderBy: { startsAt: "asc" } });
  return [
    { phone: VOLUNTEER, role: "volunteer", paths: ["/shifts", "/my", "/points", "/points/certificate", "/board", "/inbox", "/report", "/account"] },
    { phone: DEMO_PHONES.haolinsheLeader, role: "leader", paths: ["/lead", "/watch", "/members", `/shifts/${encodeURIComponent(gid("Shift", shift.id))}`, `/shifts/${encodeURIComponent(gid("Shift", shift.id))}/poster`] },
    { phone: DEMO_PHONES.fushanOfficer, role: "officer", paths: ["/watch", "/shifts", "/members", "/review", "/teams", "/partners", "/stats", "/bulletins", "/callups", "/settings", "/audit", "/cases/findings", "/cases/mediation", "/cases/homewatch"] },
    { phone: DEMO_PHONES.partnerAdmin, role: "partner", paths: ["/partners"] },
    { phone: null, role: "public", paths: ["/login", `/board/${encodeURIComponent(gid("Station", env.demo.fushan.id))}`, "/home-watch"] },
  ];
}

describe("every page", () => {
  it("has no serious or critical axe violations at phone size, and keeps the screenshots", async () => {
    const found: string[] = [];
    for (const who of await pagesOf()) {
      const ctx = await context(env.browser, env.app.url, PHONE);
      const page = await ctx.newPage();
      if (who.phone) await signInAs(page, who.phone);
      for (const p of who.paths) {
        await page.goto(p);
        await settle(page);
        for (const v of await seriousViolations(page)) found.push(`${who.role} ${p} ${v}`);
        await shoot(page, `phone-${who.role}-${p.split("/")[1] || "home"}${p.split("/").length > 3 ? `-${p.split("/")[3]}` : p.split("/").length > 2 ? "-detail" : ""}`);
      }
      await ctx.close();
    }
    expect(found).toEqual([]);
  }, 300_000);

  it("never scrolls sideways at 360 px, in Chinese and in English", async () => {
    const wide: string[] = [];
    // A ledger entry with a long note, so /points has a row whose date could wrap.
    const me = await prisma.account.findUniqueOrThrow({ where: { phone: VOLUNTEER } });
    await prisma.pointsEntry.create({
      data: { volunteerId: me.volunteerId!, stationId: env.demo.fushan.id, amount: 20, reason: "ADJUSTMENT", note: "夜巡补记积分（网格长核实后补录，含周末加班）", source: `e2e-360:${Date.now()}` },
    });
    for (const lang of ["zh", "en"] as const) {
      for (const who of await pagesOf()) {
        const ctx = await context(env.browser, env.app.url, NARROW);
        const page = await ctx.newPage();
        if (who.phone) await signInAs(page, who.phone);
        else await page.goto("/login");
        await setLanguage(page, lang);
        for (const p of who.paths) {
          await page.goto(p);
          await settle(page);
          const over = await sidewaysOverflow(page);
          if (over > 0) wide.push(`${lang} ${who.role} ${p}: ${over}px`);
          // A date in a table stays on one line (the points ledger's broke in two at 360 px).
          const broken = await page.locator("td.date").evaluateAll((cells) =>
            cells.filter((c) => { const r = document.createRange(); r.selectNodeContents(c); return new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size > 1; }).length,
          );
          if (broken) wide.push(`${lang} ${who.role} ${p}: ${broken} dates on two lines`);
          // A column's name is never broken inside a word (the ledger's "Points" read "Poi / nts" at 360 px), nor is
          // a Latin word in a cell ("Adjustme / nt"); Chinese in a cell may break anywhere.
          const headers = await page.locator("th, td").evaluateAll((cells) =>
            cells.flatMap((c) => {
              const texts: Text[] = [];
              const walk = document.createTreeWalker(c, NodeFilter.SHOW_TEXT);
              for (let n = walk.nextNode(); n; n = walk.nextNode()) texts.push(n as Text);
              return texts.filter((t) => {
                const text = (t.textContent ?? "").trim();
                // Only what is seen: a hidden column name (.sr-only, 1 px wide) is one letter per line by design.
                if (!text || t.parentElement?.closest(".sr-only")) return false;
                if (c.tagName === "TD" && !/^[\x20-\x7e]+$/.test(text)) return false;
                const r = document.createRange();
                r.selectNodeContents(t);
                const lines = new Set([...r.getClientRects()].filter((x) => x.width > 0).map((x) => Math.round(x.top))).size;
                return lines > text.split(/[\s\-/·（(]+/).length;
              }).map((t) => t.textContent);
            }),
          );
          if (headers.length) wide.push(`${lang} ${who.role} ${p}: words broken in a table: ${headers.join(", ")}`);
          await shoot(page, `narrow-${lang}-${who.role}-${p.split("/").slice(1, 4).join("-").replace(/[^\w-]/g, "").slice(0, 40) || "home"}`);
        }
        await ctx.close();
      }
    }
    expect(wide).toEqual([]);
  }, 400_000);

  it("the new-shift form fits 360 px with every part open (weekly repeat), in Chinese and in English", async () => {
    const wide: string[] = [];
    for (const lang of ["zh", "en"] as const) {
      const ctx = await context(env.browser, env.app.url, NARROW);
      const page = await ctx.newPage();
      await signInAs(page, DEMO_PHONES.haolinsheLeader);
      await setLanguage(page, lang);
      await page.goto("/lead");
      await settle(page);
      const form = page.getByRole("form", { name: lang === "zh" ? "发布班次" : "Publish a shift" });
      await form.getByText(lang === "zh" ? "每周重复" : "Repeat weekly").click();
      await form.locator("[data-field=weekdays]").waitFor();
      const over = await sidewaysOverflow(page);
      if (over > 0) wide.push(`${lang}: ${over}px`);
      // No field of the form sticks out of the screen either (a wide one inside a clipped box would not scroll the page).
      const outside = await form.locator("input, select, button, label").evaluateAll((els) => els.filter((e) => e.getBoundingClientRect().right > window.innerWidth + 0.5).length);
      if (outside) wide.push(`${lang}: ${outside} controls outside the screen`);
      await form.scrollIntoViewIfNeeded();
      await shoot(page, `narrow-${lang}-leader-new-shift-weekly`);
      await ctx.close();
    }
    expect(wide).toEqual([]);
  }, 120_000);

  it("the leader desk follows its team live: a squad an officer adds appears in the new-shift form without reloading", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.haolinsheLeader);
    await page.goto("/lead");
    await settle(page);
    const form = page.getByRole("form", { name: "发布班次" });
    const squad = form.getByLabel("小队");
    await squad.waitFor();
    expect(await squad.locator("option", { hasText: "夜跑护卫" }).count()).toBe(0);
    const officer = await signIn(env.app, DEMO_PHONES.fushanOfficer);
    const made = await gql(env.app, `mutation ($i: CreateSquadInput!) { createSquad(input: $i) { userErrors { code } } }`, { i: { teamId: gid("Team", env.demo.haolinshe.id), name: "夜跑护卫", specialty: "NIGHT_PATROL" } }, officer);
    expect(made.data?.createSquad.userErrors).toEqual([]);
    await expect.poll(() => squad.locator("option", { hasText: "夜跑护卫" }).count(), { timeout: 15_000 }).toBe(1);
    await ctx.close();
  });

  it("shows times in Asia/Shanghai as 2026年11月27日 13:00, and leaderboard ranks once", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, VOLUNTEER);
    await page.getByTestId("shift-card").first().waitFor();
    const text = await page.locator("main").innerText();
    expect(text).toMatch(/\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}/);
    expect(text).not.toMatch(/\d{1,2}\/\d{1,2}\/\d{4}|[AP]M\b/);
    await page.goto("/points");
    await page.getByTestId("balance").waitFor();
    const board = await page.locator(".leaderboard").innerText();
    expect(board).not.toMatch(/\d+\.\s*第/);
    await ctx.close();
  });

  it("touch-size checkboxes: a 24 px box in a 44 px target", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, VOLUNTEER);
    await page.goto("/points");
    await page.getByTestId("balance").waitFor();
    const sizes = await page.locator("label.check").evaluateAll((els) =>
      els.map((l) => ({ box: l.querySelector("input")!.getBoundingClientRect().width, target: l.getBoundingClientRect().height })),
    );
    expect(sizes.length).toBeGreaterThan(0);
    for (const s of sizes) {
      expect(s.box).toBeGreaterThanOrEqual(24);
      expect(s.target).toBeGreaterThanOrEqual(44);
    }
    await ctx.close();
  });
});

describe("when the API is busy or unreachable", () => {
  it("a busy answer shows the banner and the query retries by itself; a mutation is not retried", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, VOLUNTEER);
    let busyAnswers = 0;
    // Operations go as POSTs naming a trusted document; the operation name tells them apart.
    const named = (route: { request(): { method(): string; postData(): string | null } }, name: string) =>
      route.request().method() === "POST" && (route.request().postData() ?? "").includes(`"${name}"`);
    await page.route("**/graphql", async (route) => {
      // The board's query: busy twice, then through.
      if (named(route, "ShiftBoard") && busyAnswers < 2) {
        busyAnswers++;
        return route.fulfill({ status: 503, headers: { "retry-after": "1", "content-type": "application/json" }, body: JSON.stringify({ errors: [{ message: "busy", extensions: { code: "SERVICE_UNAVAILABLE" } }] }) });
      }
      return route.fallback();
    });
    await page.goto("/shifts");
    await page.getByRole("status").filter({ hasText: "服务繁忙" }).first().waitFor();
    await page.getByTestId("shift-card").first().waitFor({ timeout: 20_000 });
    expect(busyAnswers).toBe(2);

    let posts = 0;
    await page.unroute("**/graphql");
    await page.route("**/graphql", async (route) => {
      if (named(route, "ClaimShift")) {
        posts++;
        return route.fulfill({ status: 503, headers: { "retry-after": "1", "content-type": "application/json" }, body: JSON.stringify({ errors: [{ message: "busy", extensions: { code: "SERVICE_UNAVAILABLE" } }] }) });
      }
      return route.fallback();
    });
    const claim = page.getByTestId("shift-card").getByRole("button", { name: "认领" }).first();
    await claim.click();
    await page.getByTestId("toast-error").filter({ hasText: "服务繁忙" }).waitFor();
    await page.waitForTimeout(2500);
    expect(posts).toBe(1);
    await ctx.close();
  });

  it("a network failure shows an error with a retry, never 加载中… forever", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, VOLUNTEER);
    await page.route("**/graphql", (route) => ((route.request().postData() ?? "").includes('"MyShifts"') ? route.abort("internetdisconnected") : route.fallback()));
    await page.getByRole("link", { name: "我的班次" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "网络连接失败" });
    await alert.waitFor();
    expect(await page.locator(".loading").count()).toBe(0);
    await page.unroute("**/graphql");
    await alert.getByRole("button", { name: "重试" }).click();
    await page.locator(".loading, [data-testid=my-claim], .empty, .muted").first().waitFor();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: "网络连接失败" }).count()).toBe(0);
    await ctx.close();
  });

  it("sends the UI language with every request", async () => {
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    const langs: string[] = [];
    page.on("request", (r) => {
      if (r.url().includes("/graphql")) langs.push(r.headers()["accept-language"] ?? "");
    });
    await signInAs(page, VOLUNTEER);
    expect(langs.length).toBeGreaterThan(0);
    expect(new Set(langs)).toEqual(new Set(["zh-CN"]));
    langs.length = 0;
    await setLanguage(page, "en");
    await page.getByRole("link", { name: "Points" }).click();
    await page.getByTestId("balance").waitFor();
    expect(langs).toContain("en");
    await ctx.close();
  });
});

describe("the street screen", () => {
  it("reads from 5 m at 1920×1080: station name, type ≥ 40 px, edition headings, each entry once, pages on a timer", async () => {
    const ctx = await context(env.browser, env.app.url, SCREEN);
    const page = await ctx.newPage();
    await page.clock.install();
    const direct = directStats.answered;
    await page.goto(`/board/${encodeURIComponent(gid("Station", env.demo.fushan.id))}?screen=1`);
    await page.getByTestId("screen-station").getByText("府山派出所").waitFor();
    await page.getByTestId("screen-edition").waitFor();
    // The page's queries (urql's Accept, the page's Origin, a trusted document by hash) took /graphql's direct path.
    expect(directStats.answered).toBeGreaterThan(direct);
    // No text smaller than 40 px, and nothing beyond the screen.
    const smallest = await page.getByTestId("board-screen").evaluate((root) => {
      let min = Infinity;
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      for (let n = walk.nextNode(); n; n = walk.nextNode()) if (n.textContent?.trim()) min = Math.min(min, parseFloat(getComputedStyle(n.parentElement!).fontSize));
      return min;
    });
    expect(smallest).toBeGreaterThanOrEqual(40);
    expect(await page.evaluate(() => document.documentElement.scrollHeight)).toBeLessThanOrEqual(1080);
    await shoot(page, "screen-board-page-1");
    // Page through every page: each entry shows once across them.
    const pageLabel = page.getByTestId("screen-page");
    const total = (await pageLabel.count()) ? Number((await pageLabel.innerText()).match(/\/ (\d+)/)![1]) : 1;
    const seen: string[] = [];
    for (let i = 0; i < total; i++) {
      if (i > 0) {
        await page.clock.runFor(12_000);
        await expect.poll(() => pageLabel.innerText()).toContain(`第 ${i + 1} /`);
      }
      seen.push(...(await page.getByTestId("board-entry").evaluateAll((els) => els.map((e) => (e.querySelector(".who-name")?.textContent ?? "") + "|" + (e.querySelector("h3")?.textContent ?? "")))));
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(new Set(seen).size).toBe(seen.length);
    await ctx.close();
  });
});
