// 扫码签到 end to end: a leader prints the post's QR poster; a volunteer's phone camera (Chromium's fake
// camera playing a video made from a screenshot of that poster's QR code) reads it and checks in. Without
// a camera the scanner says why and the post code can still be typed.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import sharp from "sharp";
import type { Page } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { gql, signIn } from "../support/client.js";
import { DEMO_PHONES, rawId } from "../support/fixtures.js";
import { CLAIM, inMinutes, publishShift, teamGid } from "../support/shifts.js";
import { context, demoBrowserApp, launch, NARROW, PHONE, seriousViolations, shoot, sidewaysOverflow, signInAs } from "./browser.js";

let leader: string;

const env = demoBrowserApp();
beforeAll(async () => {
  leader = await signIn(env.app, DEMO_PHONES.haolinsheLeader);
});

/** A shift starting in 10 minutes (check-in is open) claimed by the volunteer. */
async function claimedShift(volunteerPhone: string, title: string) {
  const { shift } = await publishShift(env.app, leader, { teamId: teamGid(env.demo.haolinshe.id), title, place: "府山公园东门", startsAt: inMinutes(10), endsAt: inMinutes(130), capacity: 4 });
  const claim = await gql(env.app, CLAIM, { input: { shiftId: shift.id } }, await signIn(env.app, volunteerPhone));
  expect(claim.data!.claimShift.userErrors).toEqual([]);
  return shift;
}

/**
 * A YUV4MPEG2 video (what Chromium's fake camera plays) of a picture: grey levels as luma, no colour.
 * 4:2:0 needs even sides; the picture sits on white with a quiet zone around it.
 */
async function y4mOf(png: Buffer, side = 480): Promise<Buffer> {
  const { data } = await sharp(png).greyscale().resize(side - 80, side - 80, { fit: "contain", background: "#fff" }).extend({ top: 40, bottom: 40, left: 40, right: 40, background: "#fff" }).raw().toBuffer({ resolveWithObject: true });
  const chroma = Buffer.alloc((side / 2) * (side / 2) * 2, 128);
  const frame = Buffer.concat([Buffer.from("FRAME\n"), data.subarray(0, side * side), chroma]);
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${side} H${side} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]);
}

async function posterOf(page: Page, shiftId: string) {
  await page.goto(`/shifts/${encodeURIComponent(shiftId)}`);
  await page.getByRole("link", { name: "打印二维码海报" }).click();
  await page.waitForURL((u) => u.pathname.endsWith("/poster"));
  await page.getByTestId("post-qr").locator("svg").waitFor();
}

describe("扫码签到", () => {
  it("the leader's poster shows the QR code and the post code; the volunteer's camera reads it and checks in", async () => {
    const VOLUNTEER = "13800000250";
    const title = "扫码签到巡逻";
    const shift = await claimedShift(VOLUNTEER, title);

    const leaderCtx = await context(env.browser, env.app.url, PHONE);
    const page = await leaderCtx.newPage();
    await signInAs(page, DEMO_PHONES.haolinsheLeader);
    await posterOf(page, shift.id);
    const poster = page.getByTestId("post-poster");
    expect(await page.getByTestId("poster-code").innerText()).toBe(shift.postCode);
    expect(await poster.innerText()).toContain(title);
    await page.waitForLoadState("networkidle");
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "phone-leader-post-poster");
    // Printed, only the poster remains (no header, navigation or buttons).
    await page.emulateMedia({ media: "print" });
    expect(await page.locator("header.top").isVisible()).toBe(false);
    expect(await page.getByRole("button", { name: "打印海报" }).isVisible()).toBe(false);
    expect(await poster.isVisible()).toBe(true);
    await page.emulateMedia({ media: "screen" });
    const qrPng = await page.getByTestId("post-qr").screenshot();
    await leaderCtx.close();

    // The volunteer's phone: a camera that films the poster.
    const dir = mkdtempSync(path.join(tmpdir(), "linshe-camera-"));
    const video = path.join(dir, "poster.y4m");
    writeFileSync(video, await y4mOf(qrPng));
    const camera = await launch(["--use-fake-device-for-media-stream", `--use-file-for-fake-video-capture=${video}`]);
    try {
      // Camera refused: said so, in Chinese.
      const refused = await context(camera, env.app.url, PHONE);
      const denied = await refused.newPage();
      await signInAs(denied, VOLUNTEER);
      await denied.goto("/my");
      await denied.getByTestId("my-claim").filter({ hasText: title }).getByRole("button", { name: "扫码签到" }).click();
      expect(await denied.getByTestId("scanner-problem").innerText()).toContain("没有相机权限");
      await refused.close();

      const ctx = await context(camera, env.app.url, PHONE);
      await ctx.grantPermissions(["camera"], { origin: env.app.url });
      const phone = await ctx.newPage();
      await signInAs(phone, VOLUNTEER);
      await phone.goto("/my");
      // What the page did, for the failure message should the scanner not be seen (once in CI, not reproduced).
      const seen: string[] = [];
      const t0 = Date.now();
      phone.on("framenavigated", (f) => void (f === phone.mainFrame() && seen.push(`${Date.now() - t0} ms: went to ${f.url()}`)));
      phone.on("console", (m) => void (m.type() !== "debug" && seen.push(`${Date.now() - t0} ms: console ${m.type()} ${m.text().slice(0, 200)}`)));
      const card = phone.getByTestId("my-claim").filter({ hasText: title });
      // Watched from before the tap: the camera can read the poster and close the scanner before a
      // later look would find either (seen under a full suite's load as a 30 s wait for a video that
      // had already come and gone).
      const checkedIn = phone.getByTestId("toast-success").filter({ hasText: "签到成功" });
      const toastSeen = checkedIn.waitFor({ timeout: 40_000 });
      toastSeen.catch(() => {}); // awaited below; a failure before then is the one to report
      await card.getByRole("button", { name: "扫码签到" }).click();
      // The camera's view, the scanner's reason why not, or the check-in already done.
      const scanner = phone.getByTestId("qr-scanner");
      const problem = scanner.getByTestId("scanner-problem");
      await scanner.locator("video").or(problem).or(checkedIn).first().waitFor().catch(async (e: Error) => {
        const cards = await phone.getByTestId("my-claim").allInnerTexts().catch(() => []);
        throw new Error(`${e.message}\nat ${phone.url()} (${Date.now() - t0} ms)\n${seen.join("\n")}\ncards: ${JSON.stringify(cards)}`);
      });
      expect((await problem.count()) ? await problem.textContent() : null, "the scanner's problem").toBeNull();
      if (await scanner.count()) await shoot(phone, "phone-volunteer-scanning");
      await toastSeen;
      await card.getByText("已签到").waitFor();
      expect(await phone.getByTestId("qr-scanner").count()).toBe(0);
      await ctx.close();
    } finally {
      await camera.close();
    }
    const claim = await prisma.shiftClaim.findFirstOrThrow({ where: { shiftId: rawId(shift.id), volunteer: { phone: VOLUNTEER } } });
    expect(claim.checkedInAt).not.toBeNull();
    expect(claim.checkInMethod).toBe("QR");
  }, 120_000);

  it("without a camera the scanner says why in Chinese, and the post code can still be typed", async () => {
    const VOLUNTEER = "13800000251";
    const title = "无相机签到巡逻";
    const shift = await claimedShift(VOLUNTEER, title);
    const ctx = await context(env.browser, env.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, VOLUNTEER);
    await page.goto("/my");
    const card = page.getByTestId("my-claim").filter({ hasText: title });
    await card.getByRole("button", { name: "扫码签到" }).click();
    const problem = page.getByTestId("scanner-problem");
    await problem.waitFor();
    expect(await problem.innerText()).toMatch(/相机[\s\S]*岗点码/);
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "narrow-volunteer-scanner-no-camera");
    await card.getByLabel("岗点码").fill(shift.postCode);
    await card.getByRole("button", { name: "岗点码签到" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "签到成功" }).waitFor();
    await ctx.close();
  }, 60_000);

  it("the poster's link, opened by the phone's own camera app, fills in the code on that shift's card", async () => {
    const VOLUNTEER = "13800000252";
    const title = "链接签到巡逻";
    const shift = await claimedShift(VOLUNTEER, title);
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, VOLUNTEER, "linshe-demo", `/my?shift=${encodeURIComponent(shift.id)}&code=${shift.postCode}`);
    expect(new URL(page.url()).pathname).toBe("/my");
    const card = page.getByTestId("my-claim").filter({ hasText: title });
    expect(await card.getByLabel("岗点码").inputValue()).toBe(shift.postCode);
    await card.getByRole("button", { name: "岗点码签到" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "签到成功" }).waitFor();
    await ctx.close();
  }, 60_000);

  it("代签到 on the leader's phone: offered on a shift under way, checks the member in; not offered on tomorrow's", async () => {
    const VOLUNTEER = "13800000253";
    const now = await claimedShift(VOLUNTEER, "代签到巡逻");
    const { shift: later } = await publishShift(env.app, leader, { teamId: teamGid(env.demo.haolinshe.id), title: "明天的代签到巡逻", startsAt: inMinutes(24 * 60), endsAt: inMinutes(25 * 60), capacity: 4 });
    expect((await gql(env.app, CLAIM, { input: { shiftId: later.id } }, await signIn(env.app, VOLUNTEER))).data!.claimShift.userErrors).toEqual([]);
    const ctx = await context(env.browser, env.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.haolinsheLeader);
    await page.goto(`/shifts/${encodeURIComponent(later.id)}`);
    const row = (p: Page) => p.getByRole("row").filter({ hasText: "13800000253".slice(0, 3) });
    // The window the API gives (checkInOpensAt: 30 minutes before tomorrow's start, to its end).
    const tomorrow = await prisma.shift.findUniqueOrThrow({ where: { id: rawId(later.id) } });
    const shanghai = (t: number) => new Date(t + 8 * 3600_000).toISOString().slice(11, 16);
    const window = await page.getByTestId("check-in-window").textContent();
    // The end carries its own date when the window crosses midnight in Shanghai (the suite run near 00:00 there).
    expect(window).toMatch(new RegExp(`^代签到时段：.* ${shanghai(tomorrow.startsAt.getTime() - 30 * 60_000)}–(.* )?${shanghai(tomorrow.endsAt.getTime())}$`));
    await row(page).first().waitFor();
    expect(await row(page).getByRole("button", { name: "代签到" }).count()).toBe(0);
    await page.goto(`/shifts/${encodeURIComponent(now.id)}`);
    await row(page).getByRole("button", { name: "代签到" }).click();
    await page.getByTestId("toast-success").waitFor();
    await row(page).getByRole("button", { name: "代签退" }).waitFor();
    expect(await row(page).getByRole("button", { name: "代签到" }).count()).toBe(0);
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await page.getByTestId("toast-success").getByRole("button").click();
    await shoot(page, "narrow-leader-roster-checked-in-for");
    const claim = await prisma.shiftClaim.findFirstOrThrow({ where: { shiftId: rawId(now.id), volunteer: { phone: VOLUNTEER } } });
    expect(claim.checkInMethod).toBe("LEADER");
    await ctx.close();
  }, 60_000);
});
