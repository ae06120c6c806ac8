// Debian's Chromium driven by playwright-core (never a downloaded browser).
import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";

export const SHOTS = path.resolve(import.meta.dirname, "screenshots");
export const PHONE = { width: 360, height: 760 };
export const DESKTOP = { width: 1280, height: 860 };

export async function launch(): Promise<Browser> {
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
    ],
    // launch() gives every run a fresh temporary profile (--user-data-dir) of its own.
  });
}

export async function context(browser: Browser, baseURL: string, viewport = PHONE): Promise<BrowserContext> {
  return browser.newContext({ baseURL, viewport, locale: "zh-CN", timezoneId: "Asia/Shanghai" });
}

export async function signInAs(page: Page, phone: string, password = "linshe-demo") {
  await page.goto("/login");
  await page.getByLabel("手机号").fill(phone);
  await page.getByLabel("密码").fill(password);
  await page.getByRole("button", { name: "登录" }).click();
  await page.waitForURL((u) => !u.pathname.startsWith("/login"));
}

export async function shoot(page: Page, name: string) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
