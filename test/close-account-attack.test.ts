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
