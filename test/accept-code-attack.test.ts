// acceptEnrollment's code (960453c) attacked from outside (session 18): what the person's answer and
// the officer's answer do to each other when they arrive at the same moment.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { hashPassword } from "../api/src/auth/passwords.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createAccount, createStation, freshPhone, gid, rawId, seedDemoData } from "./support/fixtures.js";

let app: App;
beforeAll(async () => {
  await seedDemoData();
  app = await startApp();
});
afterAll(() => app?.stop());

const REGISTER = `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code message field } } }`;
const ACCEPT = `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { enrollment { status } userErrors { code message field } } }`;
const ACTIVATE = `mutation ($input: ActivateAccountInput!) { activateAccount(input: $input) { token userErrors { code message field } } }`;
const CANCEL = `mutation ($input: CancelEnrollmentInput!) { cancelEnrollment(input: $input) { enrollment { status } userErrors { code message field } } }`;
const RENEW = `mutation ($input: RenewEnrollmentCodeInput!) { renewEnrollmentCode(input: $input) { activationCode userErrors { code message field } } }`;
const TRIES = 8;

type Station = Awaited<ReturnType<typeof createStation>>;
async function register(station: Station, phone: string) {
  const r = await gql(app, REGISTER, { input: { teamId: gid("Team", station.team.id), name: "王小明", phone, idNumber: "11010519491231002X" } }, station.officer.token);
  expect(r.data!.registerVolunteer.userErrors).toEqual([]);
  return { id: r.data!.registerVolunteer.enrollment.id as string, code: r.data!.registerVolunteer.activationCode as string };
}
/** An account without a volunteer record (another station's officer) whose phone a station registers. */
async function registeredAccount() {
  const station = await createStation();
  const person = await createAccount({ role: "OFFICER", stationId: (await createStation()).station.id });
  return { station, person, reg: await register(station, person.phone) };
}
const errorsOf = (r: { data?: Record<string, { userErrors: unknown[] }> | null; errors?: unknown }, name: string) => r.errors ?? r.data![name]!.userErrors;

describe("an officer's cancel and the person's answer at the same moment", () => {
  it("never both succeed: a cancel that says 已撤销 leaves nobody joined, and an accept that joined makes the cancel a CONFLICT", async () => {
    for (let i = 0; i < TRIES; i++) {
      const { station, person, reg } = await registeredAccount();
      const [accepted, cancelled] = await Promise.all([
        gql(app, ACCEPT, { input: { enrollmentId: reg.id, code: reg.code } }, person.token),
        gql(app, CANCEL, { input: { enrollmentId: reg.id } }, station.officer.token),
      ]);
      const a = errorsOf(accepted, "acceptEnrollment");
      const c = errorsOf(cancelled, "cancelEnrollment");
      const final = (await prisma.enrollment.findUniqueOrThrow({ where: { id: rawId(reg.id) } })).status;
      const members = await prisma.teamMembership.count({ where: { teamId: station.team.id } });
      // Without the row lock the cancel answered [] (已撤销) and the registration ended ACCEPTED, the person in the team.
      if ((c as unknown[]).length === 0) {
        expect({ a, final, members }).toEqual({ a: [{ code: "CONFLICT", message: "该邀请已失效", field: ["input", "enrollmentId"] }], final: "CANCELLED", members: 0 });
      } else {
        expect({ a, c, final, members }).toEqual({ a: [], c: [{ code: "CONFLICT", message: "该登记已处理", field: ["input", "enrollmentId"] }], final: "ACCEPTED", members: 1 });
      }
    }
  });

  it("does not let a new phone activate a registration the officer withdrew at the same moment", async () => {
    // Activation hashes the password before its transaction: the cancel is sent across that time.
    const started = Date.now();
    await hashPassword("warm-up-pass-1");
    const hashing = Date.now() - started;
    for (let i = 0; i < 16; i++) {
      const station = await createStation();
      const phone = freshPhone();
      const reg = await register(station, phone);
      const [activated, cancelled] = await Promise.all([
        gql(app, ACTIVATE, { input: { phone, code: reg.code, password: "new-pass-123", acceptTerms: true } }),
        new Promise((r) => setTimeout(r, (hashing * i) / 12)).then(() => gql(app, CANCEL, { input: { enrollmentId: reg.id } }, station.officer.token)),
      ]);
      const c = errorsOf(cancelled, "cancelEnrollment") as unknown[];
      const a = errorsOf(activated, "activateAccount") as { code: string }[];
      const final = (await prisma.enrollment.findUniqueOrThrow({ where: { id: rawId(reg.id) } })).status;
      const volunteers = await prisma.volunteer.count({ where: { phone } });
      if (c.length === 0) expect({ a: a.map((e) => e.code), final, volunteers }).toEqual({ a: ["UNAUTHENTICATED"], final: "CANCELLED", volunteers: 0 });
      else expect({ a, final, volunteers }).toEqual({ a: [], final: "ACCEPTED", volunteers: 1 });
    }
  });
});

describe("a renewed code", () => {
  it("stops the old code at once: an accept with it of the same moment either joined first (and the renewal is a CONFLICT) or is refused", async () => {
    for (let i = 0; i < TRIES; i++) {
      const { station, person, reg } = await registeredAccount();
      const [accepted, renewed] = await Promise.all([
        gql(app, ACCEPT, { input: { enrollmentId: reg.id, code: reg.code } }, person.token),
        gql(app, RENEW, { input: { enrollmentId: reg.id } }, station.officer.token),
      ]);
      const a = errorsOf(accepted, "acceptEnrollment") as { code: string }[];
      const r = errorsOf(renewed, "renewEnrollmentCode") as { code: string }[];
      // Without the row lock both answered []: the officer held a fresh code for a registration the old one had just accepted.
      expect([a.length, r.length], JSON.stringify({ a, r })).not.toEqual([0, 0]);
      if (r.length === 0) expect(a.map((e) => e.code)).toEqual([expect.stringMatching(/^(VALIDATION|CONFLICT)$/)]);
      const final = (await prisma.enrollment.findUniqueOrThrow({ where: { id: rawId(reg.id) } })).status;
      expect(final).toBe(a.length === 0 ? "ACCEPTED" : "PENDING");
    }
  });
});

describe("two accepts of the same registration at once (a double tap)", () => {
  it("join once; the other is told the invitation is closed, on its field, not a bare 与已有记录重复", async () => {
    for (let i = 0; i < 4; i++) {
      const { person, reg } = await registeredAccount();
      const rs = await Promise.all([1, 2].map(() => gql(app, ACCEPT, { input: { enrollmentId: reg.id, code: reg.code } }, person.token)));
      const errs = rs.map((r) => errorsOf(r, "acceptEnrollment") as unknown[]).sort((x, y) => x.length - y.length);
      expect(errs).toEqual([[], [{ code: "CONFLICT", message: "该邀请已失效", field: ["input", "enrollmentId"] }]]);
      expect(await prisma.volunteer.count({ where: { phone: person.phone } })).toBe(1);
      expect(await prisma.auditEntry.count({ where: { action: "enrollment.accept", targetId: rawId(reg.id) } })).toBe(1);
    }
  });
});

const JOIN = `mutation ($input: JoinTeamInput!) { joinTeam(input: $input) { token userErrors { code message field } } }`;
const DECLINE = `mutation ($input: DeclineEnrollmentInput!) { declineEnrollment(input: $input) { enrollment { status } userErrors { code message field } } }`;

describe("an account someone opened on a join page with a resident's phone", () => {
  it("cannot decline the station's registration of that resident without its code: the station never reads 本人拒绝邀请, and the resident's code still answers", async () => {
    const elsewhere = await createStation();
    const invite = await gql(app, `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } } }`, { input: { teamId: gid("Team", elsewhere.team.id), expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), maxUses: 10 } }, elsewhere.officer.token);
    const phone = freshPhone();
    const squatter = (await gql(app, JOIN, { input: { code: invite.data!.createTeamInvite.invite.code, name: "冒名者", phone, password: "claimed-pass-1", acceptTerms: true } })).data!.joinTeam.token as string;
    const station = await createStation();
    const reg = await register(station, phone);

    const declined = await gql(app, DECLINE, { input: { enrollmentId: reg.id, code: "ABCD-EFGH-JK" } }, squatter);
    // Without the code check the squatter's decline answered [] and the registration was CANCELLED.
    expect(declined.data!.declineEnrollment).toEqual({ enrollment: null, userErrors: [{ code: "VALIDATION", message: "激活码不正确：请核对登记您的派出所给您的激活码", field: ["input", "code"] }] });
    expect((await prisma.enrollment.findUniqueOrThrow({ where: { id: rawId(reg.id) } })).status).toBe("PENDING");
    expect(await prisma.auditEntry.findMany({ where: { targetId: rawId(reg.id), action: { startsWith: "enrollment." } }, select: { action: true } })).toEqual([{ action: "enrollment.decline.failed" }]);
    // The resident, holding the code, is told the phone has an account (not that the code is wrong): they go to the station.
    const activated = await gql(app, ACTIVATE, { input: { phone, code: reg.code, password: "real-owner-1", acceptTerms: true } });
    expect(activated.data!.activateAccount.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringContaining("该手机号已在邻舍登记"), field: ["input", "phone"] }]);
  });

  it("lets the phone's owner decline with the code, as printed", async () => {
    const { person, reg } = await registeredAccount();
    const declined = await gql(app, DECLINE, { input: { enrollmentId: reg.id, code: reg.code.toLowerCase() } }, person.token);
    expect(declined.data!.declineEnrollment).toEqual({ enrollment: { status: "CANCELLED" }, userErrors: [] });
    expect(await prisma.auditEntry.count({ where: { targetId: rawId(reg.id), action: "enrollment.decline" } })).toBe(1);
  });
});
