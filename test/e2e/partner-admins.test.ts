// 共建单位联络人 appointed from the partner directory, on a phone, through the login page and the forms: a new
// phone gets an account and its activation code (shown once); a demo volunteer's phone, an account in use,
// gets a 确认码 and waits as 待本人确认 until it is withdrawn (撤回); a current admin is removed (解除) after a
// confirmation. axe finds nothing serious; nothing scrolls sideways at 360 px.
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { DEMO_PHONES } from "../support/fixtures.js";
import { context, demoBrowserApp, NARROW, PHONE, seriousViolations, setLanguage, settle, shoot, SHOTS, sidewaysOverflow, signInAs } from "./browser.js";

const t = demoBrowserApp();

describe("an officer appoints a partner's 联络人 accounts", () => {
  it("a new phone (activation code), an account in use (待本人确认, withdrawn), and 解除", async () => {
    const volunteerPhone = "13800000150"; // a demo volunteer: someone uses this account already
    const ctx = await context(t.browser, t.app.url, PHONE);
    const page = await ctx.newPage();
    // A recorded contact with a mobile number starts that partner's form (the demo's are landlines).
    await prisma.partner.updateMany({ where: { name: "越州律师事务所" }, data: { contactPhone: "137 0000 0032" } });
    await signInAs(page, DEMO_PHONES.fushanOfficer);
    await page.goto("/partners");
    await settle(page);

    const card = page.getByTestId("partner-admins").filter({ hasText: "府山物业联合会" });
    await card.getByRole("button", { name: "联络人账号" }).click();
    // The demo's contact holds the role already.
    await card.getByTestId("holders").getByText("陈建国").waitFor();

    // A phone without an account: an account waiting for activation, and its code shown once.
    await card.getByRole("textbox", { name: "手机号" }).fill("13700000031");
    await card.getByRole("textbox", { name: "姓名" }).fill("沈物业");
    await card.getByRole("button", { name: "任命" }).click();
    await card.getByTestId("activation-code").getByText(/^[A-Z2-9]{10}$/).waitFor();
    await card.getByText("沈物业 的激活码").waitFor();
    await card.getByTestId("holders").getByText("沈物业（待激活）").waitFor();
    const partner = await prisma.partner.findFirstOrThrow({ where: { name: "府山物业联合会" } });
    expect(await prisma.accountRole.count({ where: { role: "PARTNER_ADMIN", partnerId: partner.id, account: { phone: "13700000031", passwordSet: false } } })).toBe(1);

    // A demo volunteer's phone: a 确认码, and the appointment listed as waiting for the person.
    await card.getByRole("textbox", { name: "手机号" }).fill(volunteerPhone);
    await card.getByRole("textbox", { name: "姓名" }).fill("待确认联络人");
    await card.getByRole("button", { name: "任命" }).click();
    await card.getByText("任命待本人确认").waitFor();
    const pending = card.getByTestId("pending-offers");
    await pending.getByText("（待确认）").waitFor();
    expect(await prisma.roleOffer.count({ where: { role: "PARTNER_ADMIN", partnerId: partner.id, account: { phone: volunteerPhone } } })).toBe(1);
    expect(await prisma.accountRole.count({ where: { account: { phone: volunteerPhone } } })).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "partner-admins");
    await page.setViewportSize(NARROW);
    expect(await sidewaysOverflow(page)).toBe(0);
    await shoot(page, "partner-admins-360");
    await card.screenshot({ path: path.join(SHOTS, "partner-admins-360-card.png") });
    await page.setViewportSize(PHONE);

    // 撤回: after the dialog, gone from the list and from the database; the person's code stops working.
    await pending.getByRole("button", { name: /撤回对.*的任命/ }).click();
    await page.getByRole("dialog").getByRole("button", { name: "撤回" }).click();
    await pending.waitFor({ state: "detached" });
    expect(await prisma.roleOffer.count({ where: { account: { phone: volunteerPhone } } })).toBe(0);

    // 解除 the new account's role, after its own confirmation.
    await card.getByRole("button", { name: "解除沈物业" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.getByText("解除沈物业的联络人任命？").waitFor();
    await dialog.getByRole("button", { name: "解除" }).click();
    await page.getByTestId("toast-success").filter({ hasText: "已解除任命" }).waitFor();
    await card.getByRole("button", { name: "解除沈物业" }).waitFor({ state: "detached" });
    expect(await prisma.accountRole.count({ where: { account: { phone: "13700000031" } } })).toBe(0);

    // Another partner's panel starts its form with the recorded contact; a landline starts it empty.
    const law = page.getByTestId("partner-admins").filter({ hasText: "越州律师事务所" });
    await law.getByRole("button", { name: "联络人账号" }).click();
    expect(await law.getByRole("textbox", { name: "手机号" }).inputValue()).toBe("13700000032");
    expect(await law.getByRole("textbox", { name: "姓名" }).inputValue()).toBe("沈立");
    expect(await card.getByRole("textbox", { name: "手机号" }).inputValue()).toBe("");
    expect(await seriousViolations(page)).toEqual([]);

    // English second: the same panel, still within 360 px.
    await setLanguage(page, "en");
    await card.getByRole("button", { name: "Remove 陈建国" }).waitFor();
    await law.getByRole("button", { name: "Appoint" }).waitFor();
    await page.setViewportSize(NARROW);
    expect(await sidewaysOverflow(page)).toBe(0);
    await card.screenshot({ path: path.join(SHOTS, "partner-admins-360-card-en.png") });
    await ctx.close();
  }, 120_000);
});
