// 一键召集 to a large wave as a volunteer lives it: the app is open on the phone, the officer calls up
// the whole station from the composer, and the phone is told at once — while the notices are not
// even stored yet (deliver first; the batches are held here by a lock on the SMS outbox, which only
// they write). The volunteer opens the inbox at once: the call-up is listed from its announcement and
// one tap answers; once everything is stored the badge shows it read and tells nothing again. axe and
// screenshots of the phone.
import { describe, expect, it } from "vitest";
import { config } from "../../api/src/config.js";
import { prisma } from "../../api/src/db.js";
import { asWritten } from "../../api/src/i18n.js";
import { delivered, notify } from "../../api/src/modules/notification/notification.service.js";
import { DEMO_PHONES } from "../support/fixtures.js";
import { holdCallUpBatches } from "../support/callups.js";
import { context, demoBrowserApp, DESKTOP, PHONE, seriousViolations, shoot, signInAs } from "./browser.js";

const t = demoBrowserApp();

describe("一键召集 told first", () => {
  it("the phone is told at once, before the notice is stored; the inbox lists it and one tap answers at once; once stored, nothing is told again", async () => {
    const person = await prisma.volunteer.findFirstOrThrow({ where: { homeGrid: { name: "府山社区第2网格" }, teams: { every: { role: "MEMBER" } }, squads: { every: { role: "MEMBER" } } }, orderBy: { phone: "desc" } });
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: person.phone } });
    await notify(prisma, { accountId: account.id, kind: "OTHER", title: asWritten("召集之前的一条通知") });
    delivered();
    const violations: string[] = [];

    const phoneCtx = await context(t.browser, t.app.url, PHONE);
    const phone = await phoneCtx.newPage();
    // The live notice stream's own subscription acknowledged by the server (see e2e/notices.test.ts).
    const subscribed = new Promise<void>((resolve) =>
      phone.on("websocket", (ws) => {
        const ids = new Set<string>();
        ws.on("framesent", (f) => {
          const m = JSON.parse(String(f.payload)) as { type?: string; id?: string; payload?: unknown };
          if (m.type === "subscribe" && m.id && /NotificationReceived/.test(JSON.stringify(m.payload))) ids.add(m.id);
        });
        ws.on("framereceived", (f) => {
          const m = JSON.parse(String(f.payload)) as { type?: string; payload?: { subscribed?: string } };
          if (m.type === "pong" && m.payload?.subscribed && ids.has(m.payload.subscribed)) resolve();
        });
      }),
    );
    await signInAs(phone, person.phone);
    const badge = phone.getByTestId("unread-count");
    await badge.waitFor();
    await subscribed;
    const unreadBefore = Number(await badge.innerText());

    const hold = await holdCallUpBatches();
    const batch = config.callUpNoticeBatch;
    config.callUpNoticeBatch = 20; // the demo station's 200 volunteers make a large wave
    const officerCtx = await context(t.browser, t.app.url, DESKTOP);
    try {
      const officer = await officerCtx.newPage();
      await signInAs(officer, DEMO_PHONES.fushanOfficer);
      await officer.goto("/callups");
      await officer.locator("h1", { hasText: "一键召集" }).waitFor();
      await officer.getByLabel("事由").fill("台风夜全员集结");
      await officer.getByLabel("地点").fill("府山街道");
      await officer.getByLabel("或选择网格").selectOption({ label: "府山社区第1网格" });
      await officer.getByLabel("需要人数").fill("30");
      await officer.getByLabel("首轮半径（米）").fill("50000");
      await officer.getByRole("button", { name: "立即召集" }).click();
      await officer.waitForURL((u) => /^\/callups\/.+/.test(u.pathname));
      const mobilization = await prisma.mobilization.findFirstOrThrow({ where: { reason: "台风夜全员集结" } });
      expect((await prisma.mobilizationWave.findFirstOrThrow({ where: { mobilizationId: mobilization.id } })).calledCount).toBeGreaterThan(config.callUpNoticeBatch);

      // Told at once, nothing stored yet.
      const alert = phone.getByTestId("toast-error").filter({ hasText: "台风夜全员集结" });
      await alert.waitFor({ timeout: 10_000 });
      expect(await prisma.notification.count({ where: { subjectId: mobilization.id } })).toBe(0);
      expect(await alert.innerText()).toContain("一键召集：台风夜全员集结");
      expect(await alert.innerText()).not.toContain("召集：一键召集"); // said once
      for (const v of await seriousViolations(phone)) violations.push(`phone told ${v}`);
      await shoot(phone, "phone-callup-told-first");

      // The volunteer opens the inbox at once, before the notice is stored: it is listed (from the
      // announcement) and answered in one tap.
      await phone.getByRole("link", { name: /消息/ }).click();
      await phone.locator("h1", { hasText: "消息" }).waitFor();
      const notice = phone.getByTestId("notice").filter({ hasText: "台风夜全员集结" });
      await notice.waitFor();
      expect(await prisma.notification.count({ where: { subjectId: mobilization.id, account: { id: { not: account.id } } } })).toBe(0);
      await notice.getByTestId("accept").click();
      await phone.getByTestId("toast-success").waitFor();
      const responder = await prisma.mobilizationResponder.findFirstOrThrow({ where: { mobilizationId: mobilization.id, volunteerId: person.id } });
      expect(responder.response).toBe("ACCEPTED");
      for (const v of await seriousViolations(phone)) violations.push(`phone inbox ${v}`);
      await shoot(phone, "phone-callup-answered");

      // Stored: everyone's notice at the id the phone was given; the badge (asked after its wait) shows
      // the call-up read and tells nothing again.
      await hold.release();
      const called = (await prisma.mobilizationWave.findFirstOrThrow({ where: { mobilizationId: mobilization.id } })).calledCount;
      await expect.poll(() => prisma.notification.count({ where: { subjectId: mobilization.id } }), { timeout: 15_000 }).toBe(called);
      const mine = await prisma.notification.findFirstOrThrow({ where: { subjectId: mobilization.id, accountId: account.id } });
      expect(mine.readAt).not.toBeNull();
      await new Promise((r) => setTimeout(r, 6500)); // the badge asks 3–6 s after a call-up (web/src/lib/notices.ts)
      await badge.getByText(String(unreadBefore)).waitFor();
      expect(await phone.getByTestId("toast-info").filter({ hasText: "新通知" }).count()).toBe(0);
      expect(violations).toEqual([]);
    } finally {
      config.callUpNoticeBatch = batch;
      await hold.end();
      await officerCtx.close();
      await phoneCtx.close();
    }
  }, 120_000);
});
