// The installable app: manifest and icons, the service worker, and what stays readable offline.
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES, gid } from "../support/fixtures.js";
import { context, demoBrowserApp, PHONE, shoot, signInAs } from "./browser.js";


const env = demoBrowserApp();

/** A shift of 好邻舍义警 tomorrow evening, claimed by the given people. */
async function claimedShift(title: string, phones: string[]) {
  const leaderToken = await signIn(env.app, DEMO_PHONES.haolinsheLeader);
  const start = new Date(Date.now() + 26 * 3600_000);
  const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: env.demo.fushan.id } });
  const created = await gql<{ createShift: { shift: { id: string; postCode: string } } }>(
    env.app,
    `mutation ($input: CreateShiftInput!) { createShift(input: $input) { shift { id postCode } userErrors { message } } }`,
    { input: { teamId: gid("Team", env.demo.haolinshe.id), kind: "NIGHT_PATROL", title, startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), capacity: 4, gridId: gid("Grid", grid.id) } },
    leaderToken,
  );
  const shift = created.data!.createShift.shift;
  for (const phone of phones) {
    const r = await gql(env.app, `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { claim { id } userErrors { message } } }`, { input: { shiftId: shift.id } }, await signIn(env.app, phone));
    expect(JSON.stringify(r.data)).toContain('"claim":{"id"');
  }
  return shift;
}

/** Waits until the service worker controls the page (it precached the app shell when installed). */
async function controlled(page: Page) {
  await page.evaluate(async () => void (await navigator.serviceWorker.ready));
  await page.waitForFunction(() => !!navigator.serviceWorker.controller, null, { timeout: 15_000 });
}

const keptKeys = (page: Page) => page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("linshe.offline.")));

describe("installable app", () => {
  it("serves a zh-CN manifest with the Linshe icons (192, 512, maskable) and registers a service worker", async () => {
    const res = await fetch(`${env.app.url}/manifest.webmanifest`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/manifest+json");
    const manifest = (await res.json()) as { name: string; short_name: string; lang: string; display: string; start_url: string; icons: { src: string; sizes: string; purpose?: string }[] };
    expect(manifest).toMatchObject({ short_name: "邻舍", lang: "zh-CN", display: "standalone", start_url: "/" });
    expect(manifest.name).toContain("邻舍");
    const icon = (sizes: string, purpose?: string) => manifest.icons.find((i) => i.sizes === sizes && i.purpose === purpose);
    for (const i of [icon("192x192"), icon("512x512"), icon("512x512", "maskable")]) {
      expect(i, JSON.stringify(manifest.icons)).toBeDefined();
      const png = await fetch(new URL(i!.src, `${env.app.url}/`));
      expect(png.headers.get("content-type")).toBe("image/png");
      expect((await png.arrayBuffer()).byteLength).toBeGreaterThan(200);
    }
    const sw = await fetch(`${env.app.url}/sw.js`);
    expect(sw.status).toBe(200);
    // Revalidated on every check, so a new version is found at once.
    expect(sw.headers.get("cache-control")).toBe("no-cache");

    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await page.goto("/login");
    expect(await page.locator('link[rel="manifest"]').getAttribute("href")).toBe("/manifest.webmanifest");
    await controlled(page);
    const cdp = await ctx.newCDPSession(page);
    const { installabilityErrors } = (await cdp.send("Page.getInstallabilityErrors")) as { installabilityErrors: { errorId: string }[] };
    // A test context is incognito-like, where Chrome never installs; nothing else may stand in the way.
    expect(installabilityErrors.map((e) => e.errorId).filter((e) => e !== "in-incognito")).toEqual([]);
    await ctx.close();
  });
});

describe("offline", () => {
  let ctx: BrowserContext;
  afterAll(async () => ctx?.close());

  it("a volunteer's upcoming shifts (and a leader's post codes) stay readable offline; the app says 离线", async () => {
    const shift = await claimedShift("离线也能看的夜巡", ["13800000180", DEMO_PHONES.haolinsheLeader]);
    ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, "13800000180");
    await page.goto("/my");
    await page.getByTestId("my-claim").filter({ hasText: "离线也能看的夜巡" }).waitFor();
    // A volunteer never sees the post code (it is printed at the post).
    expect(await page.getByTestId("my-post-code").count()).toBe(0);
    await controlled(page);

    await ctx.setOffline(true);
    await page.reload();
    await page.getByTestId("offline-banner").filter({ hasText: "离线" }).waitFor({ timeout: 10_000 });
    await page.getByTestId("my-claim").filter({ hasText: "离线也能看的夜巡" }).waitFor({ timeout: 10_000 });
    expect(await page.locator("h1").first().innerText()).toBe("我的班次");
    await shoot(page, "phone-offline-my-shifts");
    // Another page of the app opens from the shell too (not the browser's error page).
    await page.goto("/points");
    await page.getByTestId("offline-banner").waitFor();
    await ctx.setOffline(false);

    // The leader of the shift sees its post code, offline as well.
    await page.getByRole("button", { name: "退出" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    await signInAs(page, DEMO_PHONES.haolinsheLeader);
    await page.goto("/my");
    const card = page.getByTestId("my-claim").filter({ hasText: "离线也能看的夜巡" });
    await card.getByTestId("my-post-code").filter({ hasText: shift.postCode }).waitFor();
    await ctx.setOffline(true);
    await page.reload();
    await page.getByTestId("offline-banner").waitFor({ timeout: 10_000 });
    await card.getByTestId("my-post-code").filter({ hasText: shift.postCode }).waitFor({ timeout: 10_000 });
    await ctx.setOffline(false);
  });

  it("signing out leaves nobody's data on the phone", async () => {
    const page = ctx.pages()[0]!;
    await page.goto("/my");
    await page.getByTestId("my-claim").first().waitFor();
    expect(await keptKeys(page)).toHaveLength(1);
    await page.getByRole("button", { name: "退出" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    expect(await keptKeys(page)).toEqual([]);
    // Offline after signing out: the sign-in form, no shifts.
    await ctx.setOffline(true);
    await page.goto("/my");
    await page.waitForURL((u) => u.pathname === "/login");
    expect(await page.getByTestId("my-claim").count()).toBe(0);
    await ctx.setOffline(false);
  });
});
