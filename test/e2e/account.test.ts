// 账号与安全 (/account) on a phone, through the forms as a person would: accept a station's
// registration, change the password (other sessions end), sign in with the new one, sign out everywhere.
import { readFile } from "node:fs/promises";
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { prisma } from "../../api/src/db.js";
import { gql, signIn } from "../support/client.js";
import { createStation, DEMO_PHONES, gid } from "../support/fixtures.js";
import { context, NARROW, PHONE, seriousViolations, shoot, sidewaysOverflow, signInAs, demoBrowserApp, settle } from "./browser.js";

const env = demoBrowserApp();

const VOLUNTEER = "13800000130";
const path = (page: Page) => new URL(page.url()).pathname;
const VIEWER = `{ viewer { accountId } }`;


describe("a volunteer's bulletins", () => {
  it("opens the station's bulletins and one bulletin without an access error (no officer-only fields asked)", async () => {
    const officer = await signIn(env.app, DEMO_PHONES.fushanOfficer);
    const published = await gql(
      env.app,
      `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id } userErrors { code message } } }`,
      { input: { stationId: gid("Station", env.demo.fushan.id), title: "夜间巡防注意安全", body: "雨天路滑，请结伴巡逻。", category: "FRAUD_WARNING", public: false, audience: { teamIds: [gid("Team", env.demo.haolinshe.id)] } } },
      officer,
    );
    expect(published.data!.publishBulletin.userErrors).toEqual([]);
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, "13800000131");
    await page.goto("/bulletins");
    await page.getByText("夜间巡防注意安全").waitFor();
    await settle(page);
    expect(await page.getByRole("alert").allInnerTexts()).toEqual([]);
    await page.getByRole("link", { name: "夜间巡防注意安全" }).click();
    await page.getByRole("heading", { level: 1, name: "夜间巡防注意安全" }).waitFor();
    await settle(page);
    expect(await page.getByRole("alert").allInnerTexts()).toEqual([]);
    await ctx.close();
  });
});

describe("账号与安全", () => {
  it("a volunteer accepts a registration, changes the password, signs in with it and signs out everywhere", async () => {
    // 长庆 registers this 府山 volunteer's phone: they see it waiting on /account.
    const officer = await signIn(env.app, DEMO_PHONES.changqingOfficer);
    const reg = await gql(env.app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { activationCode userErrors { code message } } }`, { input: { teamId: gid("Team", env.demo.committee.id), name: "测试登记", displayName: "小周", phone: VOLUNTEER } }, officer);
    expect(reg.data!.registerVolunteer.userErrors).toEqual([]);
    const activationCode = reg.data!.registerVolunteer.activationCode as string;
    // A second session elsewhere (another phone): it ends when the password changes.
    const elsewhere = await signIn(env.app, VOLUNTEER);

    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    // The login form takes the phone as people paste it.
    await signInAs(page, `+86 ${VOLUNTEER.slice(0, 3)} ${VOLUNTEER.slice(3, 7)}-${VOLUNTEER.slice(7)}`);
    await page.getByRole("navigation", { name: "主导航" }).getByRole("link", { name: "账号" }).click();
    await page.waitForURL((u) => u.pathname === "/account");
    await settle(page);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("账号与安全");
    const pending = page.getByTestId("pending-enrollment");
    await pending.waitFor();
    expect(await pending.innerText()).toContain("长庆派出所");
    expect(await page.getByRole("link", { name: "我有激活码" }).getAttribute("href")).toBe("/activate");
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "account-phone");
    await page.setViewportSize(NARROW);
    expect(await sidewaysOverflow(page)).toBe(0);
    await page.setViewportSize(PHONE);

    // Accepting asks for the code the station handed over: empty, then wrong, then as printed.
    await pending.getByRole("button", { name: "接受" }).click();
    await pending.getByText("请填写激活码").waitFor();
    await pending.getByLabel("激活码").fill("WRONG-CODE");
    await pending.getByRole("button", { name: "接受" }).click();
    await pending.getByText("激活码不正确：请核对登记您的派出所给您的激活码").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "account-accept-wrong-code");
    await pending.getByLabel("激活码").fill(activationCode.toLowerCase());
    await pending.getByRole("button", { name: "接受" }).click();
    await page.getByText("没有待确认的登记").waitFor();
    const volunteer = await prisma.volunteer.findUniqueOrThrow({ where: { phone: VOLUNTEER }, include: { teams: true } });
    expect(volunteer.teams.map((m) => m.teamId)).toContain(env.demo.committee.id);
    // Now of two stations: the header gets a station picker, and still fits a narrow phone.
    await page.locator("header select#station").waitFor();
    await page.setViewportSize(NARROW);
    expect(await sidewaysOverflow(page)).toBe(0);
    await shoot(page, "account-two-stations-360");
    await page.setViewportSize(PHONE);

    // 府山 appoints them the contact of a partner: their account is in use, so it waits for the code the officer hands over.
    const partner = await prisma.partner.findFirstOrThrow({ where: { stationId: env.demo.fushan.id } });
    const fushan = await signIn(env.app, DEMO_PHONES.fushanOfficer);
    const grant = await gql(env.app, `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { activationCode confirmationNeeded userErrors { code message } } }`, { input: { phone: VOLUNTEER, role: "PARTNER_ADMIN", partnerId: gid("Partner", partner.id), displayName: "小周" } }, fushan);
    expect(grant.data!.grantRole).toMatchObject({ confirmationNeeded: true, userErrors: [] });
    await page.reload();
    const role = page.getByTestId("pending-role");
    await role.waitFor();
    expect(await role.innerText()).toContain(`${partner.name}共建单位联络人`);
    await role.getByLabel("确认码").fill("WRONG-CODE");
    await role.getByRole("button", { name: "确认任命" }).click();
    await role.getByText("确认码不正确：请核对任命人交给您的确认码").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "account-role-offer");
    await role.getByLabel("确认码").fill(grant.data!.grantRole.activationCode);
    await role.getByRole("button", { name: "确认任命" }).click();
    await page.getByText("任命已生效").waitFor();
    await role.waitFor({ state: "detached" });
    expect(await prisma.accountRole.count({ where: { account: { phone: VOLUNTEER }, role: "PARTNER_ADMIN", partnerId: partner.id } })).toBe(1);

    // Change the password: clear Chinese errors first.
    const form = page.getByTestId("change-password");
    await form.getByLabel("当前密码").fill("linshe-demo");
    await form.locator("input[name=newPassword]").fill("short");
    await form.getByLabel("再次输入新密码").fill("short");
    await form.getByRole("button", { name: "修改密码" }).click();
    await form.getByText("新密码至少8位").waitFor();
    await form.locator("input[name=newPassword]").fill("linshe-new-2026");
    await form.getByLabel("再次输入新密码").fill("linshe-new-2027");
    await form.getByRole("button", { name: "修改密码" }).click();
    await form.getByText("两次输入的新密码不一致").waitFor();
    await form.getByLabel("当前密码").fill("not-my-password");
    await form.getByLabel("再次输入新密码").fill("linshe-new-2026");
    await form.getByRole("button", { name: "修改密码" }).click();
    await form.getByText("当前密码不正确").waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "account-errors");
    await form.getByLabel("当前密码").fill("linshe-demo");
    await form.getByRole("button", { name: "修改密码" }).click();
    await page.getByTestId("password-changed").waitFor();
    expect(await page.getByTestId("password-changed").innerText()).toContain("已退出其他设备上的 1 个登录");
    // The other session is over; this one goes on.
    expect((await gql(env.app, VIEWER, {}, elsewhere)).data?.viewer ?? null).toBeNull();
    await page.reload();
    await settle(page);
    expect(path(page)).toBe("/account");

    // Sign out (the header's button ends this session on the server too), then in with the new password.
    await page.getByRole("button", { name: "退出", exact: true }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    await signInAs(page, VOLUNTEER, "linshe-new-2026");
    expect(path(page)).not.toBe("/login");
    const other = await signIn(env.app, VOLUNTEER, "linshe-new-2026");

    // Sign out everywhere, after a confirmation.
    await page.goto("/account");
    await settle(page);
    await page.getByRole("button", { name: "在所有设备上退出" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "account-sign-out-everywhere");
    await dialog.getByRole("button", { name: "全部退出" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    // The success message outlives the sign-out (it was cleared with the token before anyone saw it).
    expect(await page.getByTestId("toast-success").innerText()).toContain("已在所有设备上退出（2 个登录）");
    expect((await gql(env.app, VIEWER, {}, other)).data?.viewer ?? null).toBeNull();
    // The old password no longer works; the new one does.
    await page.getByLabel("手机号").fill(VOLUNTEER);
    await page.getByLabel("密码").fill("linshe-demo");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("toast-error").waitFor();
    expect(path(page)).toBe("/login");
    await ctx.close();
  });
});

describe("注销账号", () => {
  it("a volunteer on a phone closes their account: the wrong password first, a confirmation, then signed out and unable to sign in", async () => {
    const LEAVING = "13800000141";
    const ctx = await context(env.browser, env.app.url, PHONE);
    const page = await ctx.newPage();
    await signInAs(page, LEAVING);
    await page.goto("/account");
    await settle(page);
    // First a copy of their data, as a file, named by the day in Shanghai: at 04:00 on a Shanghai morning
    // (20:00 UTC, the day before in UTC) it is that morning's date, not the UTC one's.
    const evening = new Date(Date.now());
    evening.setUTCHours(20, 0, 0, 0);
    await page.clock.setSystemTime(evening);
    const shanghai = new Date(evening.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
    const [file] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "下载我的数据" }).click()]);
    expect(file.suggestedFilename()).toBe(`邻舍-我的数据-${shanghai}.json`);
    const data = JSON.parse(await readFile((await file.path())!, "utf8"));
    expect(data.volunteer.phone).toBe(LEAVING);
    const form = page.getByTestId("close-account");
    await form.getByLabel("当前密码").fill("not-my-password");
    await form.getByRole("button", { name: "注销账号" }).click();
    const dialog = page.getByRole("dialog");
    await dialog.waitFor();
    expect(await dialog.innerText()).toContain("无法恢复");
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "account-close-confirm");
    await dialog.getByRole("button", { name: "注销" }).click();
    await form.getByText("密码不正确").waitFor();
    await form.getByLabel("当前密码").fill("linshe-demo");
    await form.getByRole("button", { name: "注销账号" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "注销" }).click();
    await page.waitForURL((u) => u.pathname === "/login");
    expect(await page.getByTestId("toast-success").innerText()).toContain("账号已注销");
    expect(await prisma.account.findUnique({ where: { phone: LEAVING } })).toBeNull();
    await page.getByLabel("手机号").fill(LEAVING);
    await page.getByLabel("密码").fill("linshe-demo");
    await page.getByRole("button", { name: "登录" }).click();
    await page.getByTestId("toast-error").waitFor();
    expect(path(page)).toBe("/login");
    await ctx.close();
  });
});

describe("two stations' registrations on one /account, on a 360 px phone", () => {
  it("keeps each card's code, its errors and its answer to itself; declining asks for the code first", async () => {
    const PERSON = "13800000140";
    const changqing = await signIn(env.app, DEMO_PHONES.changqingOfficer);
    const first = await gql(env.app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { activationCode userErrors { code message } } }`, { input: { teamId: gid("Team", env.demo.committee.id), name: "测试登记", displayName: "小吴", phone: PERSON } }, changqing);
    expect(first.data!.registerVolunteer.userErrors).toEqual([]);
    const other = await createStation();
    const second = await gql(env.app, `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { activationCode userErrors { code message } } }`, { input: { teamId: gid("Team", other.team.id), name: "测试登记", displayName: "小吴", phone: PERSON } }, other.officer.token);
    expect(second.data!.registerVolunteer.userErrors).toEqual([]);

    const ctx = await context(env.browser, env.app.url, NARROW);
    const page = await ctx.newPage();
    await signInAs(page, PERSON);
    await page.goto("/account");
    const cards = page.getByTestId("pending-enrollment");
    await cards.nth(1).waitFor();
    expect(await cards.count()).toBe(2);
    // Newest first: the other station's card, then 长庆's.
    const otherCard = cards.filter({ hasText: other.station.name });
    const changqingCard = cards.filter({ hasText: "长庆派出所" });
    // The hint says where the code comes from, and what to do without it.
    expect(await changqingCard.innerText()).toContain("登记时长庆派出所交给您的激活码");
    expect(await changqingCard.innerText()).toContain("如遗失，请联系该派出所重发");
    const ids = await page.locator("[data-testid=pending-enrollment] input[name=code]").evaluateAll((els) => els.map((e) => e.id));
    expect(new Set(ids).size).toBe(2);

    // Declining without the code: the field asks for it (the decline was sent straight to its dialog before).
    await otherCard.getByRole("button", { name: "拒绝" }).click();
    await otherCard.getByText("请填写激活码").waitFor();
    expect(await page.getByRole("dialog").count()).toBe(0);
    expect(await changqingCard.getByText("请填写激活码").count()).toBe(0);
    // A wrong code on 长庆's card shows there, not on the other.
    await changqingCard.getByLabel("激活码").fill("WRONG-CODE");
    await changqingCard.getByRole("button", { name: "接受" }).click();
    await changqingCard.getByText("激活码不正确：请核对登记您的派出所给您的激活码").waitFor();
    expect(await otherCard.getByText("激活码不正确").count()).toBe(0);
    expect(await sidewaysOverflow(page)).toBe(0);
    expect(await seriousViolations(page)).toEqual([]);
    await shoot(page, "account-two-registrations-360");

    // Declining the other station's with its code leaves 长庆's card and what was typed in it.
    await otherCard.getByLabel("激活码").fill(second.data!.registerVolunteer.activationCode);
    await otherCard.getByRole("button", { name: "拒绝" }).click();
    await page.getByRole("dialog").getByRole("button", { name: "拒绝" }).click();
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=pending-enrollment]").length === 1);
    expect(await cards.first().innerText()).toContain("长庆派出所");
    expect(await prisma.enrollment.findFirstOrThrow({ where: { phone: PERSON, stationId: other.station.id }, select: { status: true } })).toEqual({ status: "CANCELLED" });
    await ctx.close();
  });
});
