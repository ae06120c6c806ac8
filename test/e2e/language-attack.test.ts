// The language switch attacked: switched back while the socket reopened for the first switch.
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { msg } from "../../api/src/i18n.js";
import { delivered, notify } from "../../api/src/modules/notification/notification.service.js";
import { context, demoBrowserApp, NARROW, signInAs } from "./browser.js";

const t = demoBrowserApp();
const toggle = (page: import("playwright-core").Page) => page.locator("button.lang").click();

describe("the language switch", () => {
  it("switched back while the new socket waits for its acknowledgement: live notices follow the language on screen", async () => {
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "仓桥社区第2网格" }, teams: { every: { role: "MEMBER" } } }, orderBy: { phone: "asc" } });
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: person.phone } });
    await notify(prisma, { accountId: account.id, kind: "OTHER", title: msg("切换之前", "Before") });
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    // The server's acknowledgement of a connection opened in English comes late (a slow network).
    let englishInit: () => void = () => {};
    const sentEnglish = new Promise<void>((r) => (englishInit = r));
    await page.routeWebSocket(/\/graphql/, (ws) => {
      const server = ws.connectToServer();
      let english = false;
      ws.onMessage((m) => {
        if (String(m).includes('"connection_init"') && String(m).includes('"locale":"en"')) (english = true), englishInit();
        server.send(m);
      });
      server.onMessage((m) => {
        if (english && String(m).includes('"connection_ack"')) setTimeout(() => ws.send(m), 1500);
        else ws.send(m);
      });
    });
    await signInAs(page, person.phone, undefined, "/inbox");
    await page.getByTestId("unread-count").waitFor();
    await toggle(page); // English: the socket reopens in English
    await sentEnglish;
    await toggle(page); // and back to Chinese before the server has acknowledged it
    await page.locator("h1", { hasText: "消息" }).waitFor();
    await page.waitForTimeout(3000);
    await notify(prisma, { accountId: account.id, kind: "OTHER", title: msg("切回中文之后", "After switching back") });
    delivered();
    const toast = page.getByTestId("toast-info");
    await toast.first().waitFor({ timeout: 10_000 });
    expect(await toast.first().innerText()).toContain("切回中文之后");
    await ctx.close();
  }, 120_000);

  it("a notice that arrives while the socket reopens for the new language still reaches the badge", async () => {
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "府山社区第2网格" }, teams: { every: { role: "MEMBER" } } }, orderBy: { phone: "asc" } });
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: person.phone } });
    await notify(prisma, { accountId: account.id, kind: "OTHER", title: msg("切换之前", "Before") });
    const ctx = await context(t.browser, t.app.url, NARROW);
    const page = await ctx.newPage();
    let englishInit: () => void = () => {};
    const sentEnglish = new Promise<void>((r) => (englishInit = r));
    await page.routeWebSocket(/\/graphql/, (ws) => {
      const server = ws.connectToServer();
      let english = false;
      ws.onMessage((m) => {
        if (String(m).includes('"connection_init"') && String(m).includes('"locale":"en"')) (english = true), englishInit();
        server.send(m);
      });
      server.onMessage((m) => {
        if (english && String(m).includes('"connection_ack"')) setTimeout(() => ws.send(m), 2000);
        else ws.send(m);
      });
    });
    await signInAs(page, person.phone, undefined, "/shifts");
    const badge = page.getByTestId("unread-count");
    await badge.waitFor();
    const before = Number((await badge.innerText()).match(/\d+/)![0]);
    await toggle(page);
    await sentEnglish;
    await page.waitForLoadState("networkidle");
    await notify(prisma, { accountId: account.id, kind: "OTHER", title: msg("重连时到达", "Arrived while reconnecting") });
    delivered();
    // Not heard live, so not toasted by the stream: the count's rise is said, once.
    await page.getByTestId("toast-info").filter({ hasText: "1 new notice" }).waitFor({ timeout: 10_000 });
    expect(Number((await badge.innerText()).match(/\d+/)![0])).toBe(before + 1);
    // (the notice made before signing in may still be toasted from the first connection: the readers
    // poll each second, so it can arrive live after the page opened; only this one's toasts count)
    const toasts = await page.getByTestId("toast-info").locator("> span").allInnerTexts();
    expect(toasts.filter((text) => !text.includes("切换之前") && !text.includes("Before"))).toEqual(["1 new notice"]);
    await ctx.close();
  }, 120_000);
});
