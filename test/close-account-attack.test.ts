// 注销账号, attacked from outside: what of the person still holds their name or phone afterwards.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { hashPassword } from "../api/src/auth/passwords.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createStation, createVolunteer, gid } from "./support/fixtures.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const CLOSE = `mutation ($input: CloseMyAccountInput!) { closeMyAccount(input: $input) { ok userErrors { code } } }`;
const PASSWORD = "close-me-2026";

describe("closeMyAccount leaves no personal data behind", () => {
  it("the accepted registration that made the person a volunteer loses the legal name and phone too", async () => {
    const { station, officer, team } = await createStation();
    const person = await createVolunteer({ teamId: team.id });
    await prisma.account.update({ where: { id: person.accountId }, data: { passwordHash: await hashPassword(PASSWORD) } });
    const enrollment = await prisma.enrollment.create({
      data: {
        stationId: station.id, teamId: team.id, name: "封闭测试人", displayName: "封闭", phone: person.phone, status: "ACCEPTED",
        codeHash: "x", expiresAt: new Date(), createdById: officer.accountId, acceptedAt: new Date(), volunteerId: person.id, skills: ["急救"],
      },
    });
    expect((await gql(app, CLOSE, { input: { password: PASSWORD } }, person.token)).data!.closeMyAccount).toEqual({ ok: true, userErrors: [] });
    const e = await prisma.enrollment.findUniqueOrThrow({ where: { id: enrollment.id } });
    expect(e).toMatchObject({ name: "", displayName: "", phone: "", idNumber: null, skills: [], erasedAt: expect.any(Date) });
    // The officer's list of accepted registrations shows nothing of them, not even masked.
    const seen = await gql(app, `query ($id: ID!) { node(id: $id) { ... on Station { enrollments(status: ACCEPTED) { edges { node { name displayName phone } } } } } }`, { id: gid("Station", station.id) }, officer.token);
    expect(seen.errors).toBeUndefined();
    expect(JSON.stringify(seen.data)).not.toContain(person.phone.slice(-4));
    expect(JSON.stringify(seen.data)).not.toContain("封");
  });
});

describe("the 隐私说明 names everyone the policy lets read full personal data", () => {
  it("platform admins read a volunteer's legal name, phone and ID number, and the notice says so", async () => {
    const { can } = await import("../api/src/auth/policy.js");
    const { readFileSync } = await import("node:fs");
    const admin = { isAdmin: true, officerStationIds: new Set(), teams: new Map(), squads: new Map(), partnerAdminOf: new Map(), regionStationIds: [] } as never;
    const stranger = { volunteerId: "00000000-0000-7000-8000-000000000001", stationIds: ["s"], teamIds: ["t"], squadIds: [], partnerId: null } as never;
    expect(can(admin, "volunteer.readPersonal", stranger)).toBe(true);
    const terms = readFileSync(new URL("../web/src/pages/Terms.tsx", import.meta.url), "utf8");
    const line = terms.split("\n").find((l) => l.includes("完整的姓名、手机号和身份证号"))!;
    expect(line).toContain("平台管理员");
    expect(line).toContain("platform admins");
  });
});

describe("closing twice at once", () => {
  it("closes once: the second, queued behind the first, is told the account is closed and logs nothing", async () => {
    const { holdRowLock } = await import("./support/locks.js");
    const { station, team } = await createStation();
    const person = await createVolunteer({ teamId: team.id });
    await prisma.account.update({ where: { id: person.accountId }, data: { passwordHash: await hashPassword(PASSWORD) } });
    const lock = await holdRowLock("Account", person.accountId);
    const both = Promise.all([1, 2].map(() => gql(app, CLOSE, { input: { password: PASSWORD } }, person.token)));
    await lock.waiters(2);
    await lock.release();
    const answers = (await both).map((r) => r.data!.closeMyAccount);
    expect(answers.filter((a) => a.ok)).toHaveLength(1);
    expect(answers.filter((a) => !a.ok).map((a) => a.userErrors[0].code)).toEqual(["UNAUTHENTICATED"]);
    const logged = await prisma.auditEntry.count({ where: { action: "account.close", targetId: person.accountId } });
    expect(logged).toBe(1);
    void station;
  });
});
