// Debian's Chromium driven by playwright-core (never a downloaded browser).
import { mkdirSync } from "node:fs";
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import type { App } from "../../api/src/app.js";
import { startApp } from "../support/client.js";
import { seedDemoData } from "../support/fixtures.js";

export const SHOTS = path.resolve(import.meta.dirname, "screenshots");
/** A common phone: where volunteers, leaders and partners use the app (and axe runs). */
export const PHONE = { width: 390, height: 844 };
/** The narrowest phone the app supports: nothing may scroll sideways here. */
export const NARROW = { width: 360, height: 760 };
export const DESKTOP = { width: 1440, height: 900 };
export const SCREEN = { width: 1920, height: 1080 };

/** `extraArgs`: e.g. a fake camera (`--use-fake-device-for-media-stream --use-file-for-fake-video-capture=…`). */
export async function launch(extraArgs: string[] = []): Promise<Browser> {
  mkdirSync(SHOTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      // The UI language of the people this is for: native date pickers read 2026/11/27, not 11/27/2026.
      "--lang=zh-CN",
      ...extraArgs,
    ],
    // launch() gives every run a fresh temporary profile (--user-data-dir) of its own.
  });
}

export async function context(browser: Browser, baseURL: string, viewport = PHONE): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
}

/** Through the login form, as a person would; waits until the app has left /login (and "/"). */
export async function signInAs(page: Page, phone: string, password = "linshe-demo", next?: string) {
  await page.goto(next ? `/login?next=${encodeURIComponent(next)}` : "/login");
  await page.getByLabel("手机号").fill(phone);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => u.pathname !== "/login" && u.pathname !== "/", { timeout: 15_000 });
  await page.locator("h1").first().waitFor();
}

export async function shoot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

/** axe-core (WCAG 2.1 A/AA): the serious and critical violations, as "rule: target" lines. */
export async function seriousViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]).analyze();
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")}`));
}

/** How far the page scrolls sideways (0 when it fits). */
export async function sidewaysOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
}

/** Switch the UI language through the header's button. */
export async function setLanguage(page: Page, lang: "zh" | "en") {
  // English is "EN" in a phone's header (below 480 px)
  const button = page.getByRole("button", { name: lang === "en" ? /^(English|EN)$/ : "中文" });
  if (await button.count()) await button.first().click();
}

/**
 * The demo data, the API serving the built web app, and Chromium: set up before a file's tests and
 * torn down after them. Read the fields inside tests (they are filled in beforeAll).
 */
export function demoBrowserApp() {
  const env = {} as { app: App; browser: Browser; demo: Awaited<ReturnType<typeof seedDemoData>> };
  beforeAll(async () => {
    env.demo = await seedDemoData();
    env.app = await startApp();
    env.browser = await launch();
  });
  afterAll(async () => {
    await env.browser?.close();
    await env.app?.stop();
  });
  return env;
}

/** Until the page has its heading, the network is idle and no loading placeholder is left. */
export async function settle(page: Page) {
  await page.locator("h1").first().waitFor();
  await page.waitForLoadState("networkidle");
  await page.locator(".loading").first().waitFor({ state: "detached", timeout: 10_000 }).catch(() => {});
}
