// Session 23's attack on the web app: the role guard at an address the router matches in another
// spelling, and the inbox's 标为已读 toast after the language is switched on the page.
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { context, demoBrowserApp, NARROW, setLanguage, settle, signInAs } from "./browser.js";

const t = demoBrowserApp();

describe("the role guard", () => {
  it("a volunteer who types /SETTINGS or //review lands on the shift board and is told why, as for /settings", async () => {
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "府山社区第1网格" }, teams: { every: { role: "MEMBER" } } }, orderBy: { phone: "asc" } });
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, person.phone);
    for (const path of ["/SETTINGS", "//review", "/Audit/"]) {
      await page.goto(t.app.url + path); // absolute: "//review" alone is a host
      await page.waitForURL((u) => u.pathname === "/shifts", { timeout: 10_000 });
      await page.getByTestId("toast-info").filter({ hasText: "你的角色不能打开这个页面" }).first().waitFor();
    }
    await ctx.close();
  }, 120_000);
});

describe("the inbox after switching to English", () => {
  it("标为已读 says so in English", async () => {
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "府山社区第1网格" }, teams: { every: { role: "MEMBER" } } }, orderBy: { phone: "desc" } });
    const account = await prisma.account.findFirstOrThrow({ where: { volunteer: { id: person.id } } });
    await prisma.notification.create({ data: { accountId: account.id, kind: "OTHER", title: "一条未读消息", body: "正文" } });
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, person.phone, undefined, "/inbox");
    await settle(page);
    await setLanguage(page, "en");
    await page.getByRole("button", { name: "Mark read" }).first().click();
    const toast = page.getByTestId("toast-success").first();
    await toast.waitFor();
    expect(await toast.innerText()).toContain("Marked read");
    await ctx.close();
  }, 120_000);
});
