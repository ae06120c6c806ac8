// Two journeys on the narrowest phone, as an outsider tries them. A partner's contact (共建单位联络人)
// signs in through the form, signs the agreement awaiting them (tapping twice), staffs a rotation turn
// with one of their own people. An officer previews a sheet of volunteers with bad rows.
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { gql, signIn } from "../support/client.js";
import { createVolunteer, DEMO_PHONES, gid } from "../support/fixtures.js";
import { inMinutes, publishShift, teamGid } from "../support/shifts.js";
import { context, demoBrowserApp, NARROW, seriousViolations, settle, shoot, sidewaysOverflow, signInAs } from "./browser.js";

const env = demoBrowserApp();

describe("a partner's contact on a 360 px phone", () => {
  it("signs once however often they tap, staffs a rotation turn only with their own people, and nothing scrolls sideways", async () => {
    const officer = await signIn(env.app, DEMO_PHONES.fushanOfficer);
    const partner = await prisma.partner.findFirstOrThrow({ where: { name: "府山物业联合会" } });
    const other = await prisma.partner.findFirstOrThrow({ where: { stationId: partner.stationId, NOT: { id: partner.id } } });
    const mine = await createVolunteer({ teamId: env.demo.haolinshe.id, partnerId: partner.id });
    await prisma.volunteer.update({ where: { id: mine.id }, data: { displayName: "本单位巡逻员" } });
    const theirs = await createVolunteer({ teamId: env.demo.haolinshe.id, partnerId: other.id });
    await prisma.volunteer.update({ where: { id: theirs.id }, data: { displayName: "外单位巡逻员" } });
    const shift = await publishShift(env.app, officer, { teamId: teamGid(env.demo.haolinshe.id), title: "物业轮值夜巡", startsAt: inMinutes(24 * 60).toISOString(), endsAt: inMinutes(26 * 60).toISOString() });
    const assign = await gql(env.app, `mutation ($input: AssignRotationInput!) { assignRotation(input: $input) { userErrors { code message } } }`, { input: { stationId: gid("Station", partner.stationId), partnerIds: [gid("Partner", partner.id)], shiftIds: [shift.shift.id] } }, officer);
    expect(assign.data!.assignRotation.userErrors).toEqual([]);

    const ctx = await context(env.browser, env.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.partnerAdmin);
    await settle(page);
    expect(await page.locator("h1").first().innerText()).toBe("府山物业联合会");
    await shoot(page, "narrow-partner-home");
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);

    // Signing: two quick taps on the button and two on the dialog's 签署 sign once.
    const awaiting = page.getByTestId("agreement").filter({ has: page.getByRole("button", { name: "签署第 1 版" }) });
    const agreement = await prisma.agreement.findFirstOrThrow({ where: { partnerId: partner.id, status: "AWAITING_SIGNATURES" } });
    const before = await prisma.agreementSignature.count({ where: { agreementId: agreement.id } });
    await awaiting.getByRole("button", { name: "签署第 1 版" }).dblclick();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    await shoot(page, "narrow-partner-sign-dialog");
    expect(await sidewaysOverflow(page)).toBe(0);
    await dialog.getByRole("button", { name: "签署" }).dblclick();
    await page.getByTestId("toast-success").first().waitFor();
    await expect.poll(() => prisma.agreementSignature.count({ where: { agreementId: agreement.id } })).toBe(before + 1);
    expect(await page.getByRole("dialog").count()).toBe(0);

    // The rotation turn: the picker offers the partner's own people only.
    const slot = page.getByTestId("rotation-slot").filter({ hasText: "物业轮值夜巡" });
    await slot.waitFor();
    const picker = slot.getByRole("combobox");
    await picker.click();
    await picker.fill("巡逻员");
    const options = page.getByRole("option");
    await options.filter({ hasText: "本单位巡逻员" }).first().waitFor();
    expect(await options.filter({ hasText: "外单位巡逻员" }).count()).toBe(0);
    await shoot(page, "narrow-partner-rotation-picker");
    expect(await sidewaysOverflow(page)).toBe(0);
    await options.filter({ hasText: "本单位巡逻员" }).first().click();
    await slot.getByRole("button", { name: "安排" }).dblclick();
    await expect.poll(() => prisma.shiftClaim.count({ where: { shiftId: Buffer.from(shift.shift.id, "base64").toString().split(":")[1], volunteerId: mine.id } })).toBe(1);
    await slot.getByText("1/10").waitFor();
    // The contact sees whom they sent.
    await slot.getByTestId("rotation-claims").getByText("本单位巡逻员").waitFor();
    expect(await slot.getByTestId("rotation-claims").innerText()).toContain("已确认");
    await shoot(page, "narrow-partner-rotation-staffed");

    // Buttons a thumb can hit: at least 44 px tall (WCAG 2.5.5 AAA; 24 px is the AA floor).
    const small = await page.evaluate(() =>
      [...document.querySelectorAll("main button, main a, main [role=combobox], main select, main input")]
        .map((el) => ({ el, r: el.getBoundingClientRect() }))
        .filter(({ r }) => r.width > 0 && r.height > 0 && (r.height < 24 || r.width < 24))
        .map(({ el, r }) => `${el.tagName} ${(el.textContent ?? "").trim().slice(0, 20)} ${Math.round(r.width)}×${Math.round(r.height)}`),
    );
    expect(small).toEqual([]);
    expect(await seriousViolations(page)).toEqual([]);

    // 取消安排: asked first ("保留" keeps them: not a second "取消" beside "取消安排"); cancelled, the person is off the shift.
    await slot.getByTestId("rotation-claims").getByRole("button", { name: "取消安排" }).click();
    const ask = page.getByRole("dialog");
    await ask.getByRole("button", { name: "保留", exact: true }).click();
    await ask.waitFor({ state: "detached" });
    expect(await prisma.shiftClaim.findFirst({ where: { volunteerId: mine.id }, select: { status: true } })).toEqual({ status: "CONFIRMED" });
    await slot.getByTestId("rotation-claims").getByRole("button", { name: "取消安排" }).click();
    await ask.waitFor();
    expect(await ask.innerText()).toContain("取消 本单位巡逻员 的安排？");
    await shoot(page, "narrow-partner-rotation-cancel-dialog");
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await ask.getByRole("button", { name: "取消安排" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "已取消安排" }).waitFor();
    await expect.poll(() => prisma.shiftClaim.findFirst({ where: { volunteerId: mine.id }, select: { status: true } })).toEqual({ status: "CANCELLED" });
    await slot.getByText("0/10").waitFor();
    expect(await slot.getByRole("button", { name: "取消安排" }).count()).toBe(0);
    await shoot(page, "narrow-partner-rotation-cancelled");
    expect(await seriousViolations(page)).toEqual([]);
    await ctx.close();
  });
});

describe("an officer's import preview on a 360 px phone", () => {
  it("counts the bad rows (not the errors), lists each error with its row in Chinese, and fits the screen", async () => {
    const ctx = await context(env.browser, env.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, DEMO_PHONES.fushanOfficer, "linshe-demo", "/members");
    await page.locator("h1", { hasText: "队员" }).waitFor();
    const form = page.getByTestId("import-form");
    // Row 3 has two errors (phone and ID number), row 4 one (an emoji squad name 10,000 long).
    const csv = `\uFEFF姓名,手机号,身份证号,小队\r\n好人,15750000001,,\r\n两处错,1575,330681199001011230,\r\n长名,15750000003,,${"🚓".repeat(10_000)}\r\n`;
    await form.getByLabel("表格文件").setInputFiles({ name: "队员.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await form.getByRole("button", { name: "预览检查" }).click();
    const table = page.getByTestId("import-errors");
    await table.waitFor();
    expect((await table.locator("tbody tr").allInnerTexts()).map((r) => r.replace(/\s+/g, " ").trim())).toEqual([
      "3 手机号 手机号格式不正确（应为11位手机号）",
      "3 身份证号 身份证号校验位不正确",
      `4 小队 本队没有“${"🚓".repeat(20)}…”小队`,
    ]);
    expect(await page.getByTestId("import-report").innerText()).toContain("读取 3 行：1 行可导入，2 行有错误。未保存任何数据。");
    // 行号 and 手机号 stay on one line each (they wrapped to 行/号 at 360 px).
    const lines = await table.locator("thead th, tbody tr:first-child td").evaluateAll((els) =>
      els.slice(0, 2).concat(els.slice(3, 5)).map((el) => { const r = document.createRange(); r.selectNodeContents(el); return r.getClientRects().length; }),
    );
    expect(lines).toEqual([1, 1, 1, 1]);
    await table.scrollIntoViewIfNeeded();
    await shoot(page, "narrow-officer-import-preview");
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await ctx.close();
  });
});
