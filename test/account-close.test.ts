// 注销账号: a person closes their own account. Their future seats go to the waitlist, their memberships end, their
// name, phone, ID number and inbox are erased, and what they did stays under 已注销; the phone is free again.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { hashPassword } from "../api/src/auth/passwords.js";
import { prisma } from "../api/src/db.js";
import { localize } from "../api/src/i18n.js";
import { gql, startApp } from "./support/client.js";
import { createAccount, createStation, createVolunteer, gid, rawId } from "./support/fixtures.js";
import { CLAIM, publishShift, teamGid } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const CLOSE = `mutation ($input: CloseMyAccountInput!) { closeMyAccount(input: $input) { ok sessionsEnded userErrors { code message field } } }`;
const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);
const PASSWORD = "close-me-2026";

async function withPassword<T extends { accountId: string }>(p: T): Promise<T> {
  await prisma.account.update({ where: { id: p.accountId }, data: { passwordHash: await hashPassword(PASSWORD) } });
  return p;
}

describe("closeMyAccount", () => {
  it("with the password: future seats go to the next waiting, memberships end, personal data and inbox are erased, history stays, sessions end; the phone may join again", async () => {
    const { station, officer, team } = await createStation();
    const person = await withPassword(await createVolunteer({ teamId: team.id }));
    const waiting = await createVolunteer({ teamId: team.id });
    const { shift: full } = await publishShift(app, officer.token, { teamId: teamGid(team.id), startsAt: inDays(2), endsAt: new Date(inDays(2).getTime() + 3600_000), capacity: 1 });
    expect((await gql(app, CLAIM, { input: { shiftId: full.id } }, person.token)).data!.claimShift.claim.status).toBe("CONFIRMED");
    expect((await gql(app, CLAIM, { input: { shiftId: full.id } }, waiting.token)).data!.claimShift.claim.status).toBe("WAITLISTED");
    // A shift served last week: its hours stay theirs.
    const { shift: past } = await publishShift(app, officer.token, { teamId: teamGid(team.id), startsAt: inDays(3), endsAt: new Date(inDays(3).getTime() + 3600_000) });
    const served = await prisma.shiftClaim.create({ data: { shiftId: rawId(past.id), volunteerId: person.id, status: "COMPLETED", minutesServed: 60 } });
    await prisma.shift.update({ where: { id: rawId(past.id) }, data: { startsAt: inDays(-7), endsAt: new Date(inDays(-7).getTime() + 3600_000), status: "DONE" } });
    await prisma.notification.create({ data: { accountId: person.accountId, stationId: station.id, kind: "OTHER", title: "旧通知", body: "内容" } });
    const mediator = await prisma.mediator.create({ data: { stationId: station.id, volunteerId: person.id, displayName: person.displayName, title: "人民调解员", bio: "退休教师，住在东街" } });

    // The wrong password changes nothing.
    expect((await gql(app, CLOSE, { input: { password: "not-mine-123" } }, person.token)).data!.closeMyAccount.userErrors).toEqual([{ code: "UNAUTHENTICATED", message: "密码不正确", field: ["input", "password"] }]);
    expect((await prisma.account.findUniqueOrThrow({ where: { id: person.accountId } })).closedAt).toBeNull();

    const done = await gql(app, CLOSE, { input: { password: PASSWORD } }, person.token);
    expect(done.data!.closeMyAccount).toEqual({ ok: true, sessionsEnded: 1, userErrors: [] });
    // Signed out everywhere; the old phone and password no longer sign in.
    expect((await gql(app, `{ viewer { accountId } }`, {}, person.token)).data!.viewer).toBeNull();
    const signIn = await gql(app, `mutation ($input: SignInInput!) { signIn(input: $input) { token userErrors { code } } }`, { input: { phone: person.phone, password: PASSWORD } });
    expect(signIn.data!.signIn.userErrors[0].code).toBe("UNAUTHENTICATED");
    // The seat went to the next waiting, who is told.
    const claims = await prisma.shiftClaim.findMany({ where: { shiftId: rawId(full.id) }, select: { volunteerId: true, status: true }, orderBy: { volunteerId: "asc" } });
    expect(new Map(claims.map((c) => [c.volunteerId, c.status]))).toEqual(new Map([[person.id, "CANCELLED"], [waiting.id, "CONFIRMED"]]));
    expect(await prisma.shift.findUniqueOrThrow({ where: { id: rawId(full.id) }, select: { confirmedCount: true, waitlistCount: true } })).toEqual({ confirmedCount: 1, waitlistCount: 0 });
    expect(await prisma.notification.count({ where: { account: { volunteerId: waiting.id }, kind: "WAITLIST_PROMOTED" } })).toBe(1);
    // History stays; the person is 已注销 with nothing personal left.
    expect((await prisma.shiftClaim.findUniqueOrThrow({ where: { id: served.id } })).status).toBe("COMPLETED");
    const v = await prisma.volunteer.findUniqueOrThrow({ where: { id: person.id } });
    expect(v).toMatchObject({ name: "", displayName: "已注销", idNumber: null, skills: [], closedAt: expect.any(Date) });
    expect(v.phone).not.toBe(person.phone);
    expect(await prisma.teamMembership.findMany({ where: { volunteerId: person.id }, select: { status: true } })).toEqual([{ status: "LEFT" }]);
    expect(await prisma.notification.count({ where: { accountId: person.accountId } })).toBe(0);
    expect(await prisma.mediator.findUniqueOrThrow({ where: { id: mediator.id }, select: { displayName: true, bio: true, title: true, active: true } })).toEqual({ displayName: "已注销", bio: "", title: "", active: false });
    // The station's officer sees who served, without a phone.
    const seen = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Volunteer { displayName name phone idNumber } } }`, { id: gid("Volunteer", person.id) }, officer.token);
    expect(seen.data!.node).toEqual({ displayName: "已注销", name: "", phone: "", idNumber: null });
    // Nor to a platform admin, who sees personal data in full: the stored placeholder is no phone.
    const admin = await createAccount({ role: "ADMIN" });
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { ... on Volunteer { phone } } }`, { id: gid("Volunteer", person.id) }, admin.token)).data!.node).toEqual({ phone: "" });
    // The log says so without naming them.
    const audit = await prisma.auditEntry.findMany({ where: { stationId: station.id, action: "account.close" }, select: { summary: true, clientAddress: true } });
    expect(audit.map((a) => localize(a.summary, "zh"))).toEqual(["本人注销账号：退出所有队伍，姓名、手机号和身份证号已删除"]);
    expect(JSON.stringify(audit)).not.toContain(person.phone);
    // The phone is free: the same person may come back as new.
    expect(await prisma.account.findUnique({ where: { phone: person.phone } })).toBeNull();
    expect(await prisma.volunteer.findUnique({ where: { phone: person.phone } })).toBeNull();
  });

  it("is refused while the person holds a role, and changes nothing", async () => {
    const { station } = await createStation();
    const officer = await withPassword(await createAccount({ role: "OFFICER", stationId: station.id }));
    const r = await gql(app, CLOSE, { input: { password: PASSWORD } }, officer.token);
    expect(r.data!.closeMyAccount.userErrors).toEqual([{ code: "CONFLICT", message: "您仍担任社区民警，请先请任命您的人撤销任命，再注销账号", field: ["input", "password"] }]);
    const account = await prisma.account.findUniqueOrThrow({ where: { id: officer.accountId } });
    expect(account).toMatchObject({ phone: officer.phone, closedAt: null, disabled: false });
    expect((await gql(app, `{ viewer { accountId } }`, {}, officer.token)).data!.viewer).not.toBeNull();
  });
});

describe("viewer.dataExport (下载我的数据)", () => {
  it("holds the person's own record, shifts, points and messages in full, and nobody else's", async () => {
    const { station, officer, team } = await createStation();
    const [person, other] = [await createVolunteer({ teamId: team.id }), await createVolunteer({ teamId: team.id })];
    const { shift } = await publishShift(app, officer.token, { teamId: teamGid(team.id), startsAt: inDays(2), endsAt: new Date(inDays(2).getTime() + 3600_000), title: "导出测试巡逻" });
    for (const p of [person, other]) expect((await gql(app, CLAIM, { input: { shiftId: shift.id } }, p.token)).data!.claimShift.userErrors).toEqual([]);
    await prisma.notification.create({ data: { accountId: person.accountId, stationId: station.id, kind: "OTHER", title: "给本人的通知", body: "内容" } });
    await prisma.notification.create({ data: { accountId: other.accountId, stationId: station.id, kind: "OTHER", title: "给别人的通知", body: "内容" } });
    const r = await gql(app, `{ viewer { dataExport } }`, {}, person.token);
    const data = JSON.parse(r.data!.viewer.dataExport);
    expect(data.volunteer).toMatchObject({ name: person.name, phone: person.phone, idNumber: person.idNumber });
    expect(data.account.phone).toBe(person.phone);
    expect(data.memberships).toEqual([expect.objectContaining({ status: "ACTIVE", team: { name: expect.any(String), station: { name: station.name } } })]);
    expect(data.shifts.map((c: { shift: { title: string } }) => c.shift.title)).toEqual(["导出测试巡逻"]);
    expect(data.notifications.map((n: { title: string }) => n.title)).toContain("给本人的通知");
    const text = JSON.stringify(data);
    for (const leak of [other.phone, other.name, other.idNumber, "给别人的通知"]) expect(text).not.toContain(leak);
    // Signed out: nothing.
    expect((await gql(app, `{ viewer { dataExport } }`)).data!.viewer).toBeNull();
  });
});
