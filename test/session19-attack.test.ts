// Session 19's changes attacked from outside (t19-attack): withdrawing a pending appointment (83b6a95),
// wrong answer codes counted apart from /activate (7c51c43), 代签到 offered only while check-in is open
// (ac78bfd). What failed before its fix says so; the rest is what held.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { gql, type GqlResponse, startApp } from "./support/client.js";
import { createAccount, createStation, createVolunteer, createVolunteers, freshPhone, gid, rawId } from "./support/fixtures.js";
import { holdRowLock } from "./support/locks.js";
import { CHECK_IN, CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000);
const JOIN = `mutation ($input: JoinTeamInput!) { joinTeam(input: $input) { token userErrors { code message field } } }`;
const REGISTER = `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code } } }`;
const ACCEPT = `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { enrollment { status } userErrors { code message field } } }`;
const DECLINE = `mutation ($input: DeclineEnrollmentInput!) { declineEnrollment(input: $input) { enrollment { status } userErrors { code message field } } }`;
const CLOSE = `mutation ($input: CloseMyAccountInput!) { closeMyAccount(input: $input) { userErrors { code message field } } }`;
const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { activationCode confirmationNeeded userErrors { code message field } } }`;
const CONFIRM = `mutation ($input: ConfirmRoleOfferInput!) { confirmRoleOffer(input: $input) { assignment { role } userErrors { code message field } } }`;
const WITHDRAW = `mutation ($input: WithdrawRoleOfferInput!) { withdrawRoleOffer(input: $input) { withdrawnId userErrors { code message field } } }`;
const OFFERS = `{ viewer { pendingRoleOffers { id viewerCanWithdraw } } }`;
const STATION_OFFERS = `query ($id: ID!) { node(id: $id) { ... on Station { roleOffers { id displayName viewerCanWithdraw } } } }`;

async function openInvite(teamId: string, token: string) {
  const r = await gql(app, `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`, { input: { teamId: gid("Team", teamId), expiresAt: inDays(7).toISOString(), maxUses: 100 } }, token);
  return r.data!.createTeamInvite.invite.code as string;
}

describe("a registration's code, guessed by whoever holds the phone's account", () => {
  it("stays locked for that registration when the account is closed and the phone opens a new one (the budget is the registration's, not the account's)", async () => {
    const { team, officer } = await createStation();
    const phone = freshPhone();
    const reg = await gql(app, REGISTER, { input: { teamId: gid("Team", team.id), name: "王小明", phone, idNumber: "11010519491231002X" } }, officer.token);
    const enrollmentId = reg.data!.registerVolunteer.enrollment.id as string;
    // Anyone may open an account with the phone on a join page (a poster's invitation) before its owner does.
    const invite = await openInvite(team.id, officer.token);
    const squat = async (n: number) => (await gql(app, JOIN, { input: { code: invite, name: `冒名${n}`, phone, password: `squat-pass-${n}`, acceptTerms: true } })).data!.joinTeam.token as string;
    const guess = (token: string, i: number) => gql(app, ACCEPT, { input: { enrollmentId, code: `WRONG${i}` } }, token);

    const first = await squat(1);
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await guess(first, i)).data!.acceptEnrollment.userErrors[0].code);
    expect(codes).toEqual(["VALIDATION", "VALIDATION", "VALIDATION", "VALIDATION", "VALIDATION", "RATE_LIMITED"]);
    // Close the account (the phone is free again) and open another: before the fix its first guess was counted
    // afresh (per account), so closing and joining again bought five more guesses at the same code, without end.
    expect((await gql(app, CLOSE, { input: { password: "squat-pass-1" } }, first)).data!.closeMyAccount.userErrors).toEqual([]);
    const second = await squat(2);
    expect((await guess(second, 9)).data!.acceptEnrollment.userErrors[0].code).toBe("RATE_LIMITED");
    expect((await gql(app, DECLINE, { input: { enrollmentId, code: "WRONG10" } }, second)).data!.declineEnrollment.userErrors[0].code).toBe("RATE_LIMITED");
    // The lock is in the station's audit log, as /activate's and sign-in's are (before the fix: only the misses).
    expect(await prisma.auditEntry.count({ where: { action: "enrollment.accept.locked", targetId: rawId(enrollmentId) } })).toBe(1);
    expect(await prisma.enrollment.findUniqueOrThrow({ where: { id: rawId(enrollmentId) }, select: { status: true } })).toEqual({ status: "PENDING" });

    // The owner comes along after the squatter closed the second account: the station renews the code and hands it
    // over in person, and the new code works at once (before the renewal forgot the old code's misses: still locked).
    expect((await gql(app, CLOSE, { input: { password: "squat-pass-2" } }, second)).data!.closeMyAccount.userErrors).toEqual([]);
    const owner = (await gql(app, JOIN, { input: { code: invite, name: "王小明", phone, password: "owner-pass-1", acceptTerms: true } })).data!.joinTeam.token as string;
    const renewed = await gql(app, `mutation ($input: RenewEnrollmentCodeInput!) { renewEnrollmentCode(input: $input) { activationCode userErrors { code } } }`, { input: { enrollmentId } }, officer.token);
    const fresh = renewed.data!.renewEnrollmentCode.activationCode as string;
    expect((await gql(app, ACCEPT, { input: { enrollmentId, code: fresh } }, owner)).data!.acceptEnrollment).toEqual({ enrollment: { status: "ACCEPTED" }, userErrors: [] });
  });

  it("counts each registration of the phone apart: misses at one leave the other's right code working", async () => {
    const { team, officer } = await createStation();
    const other = await createStation();
    const phone = freshPhone();
    const a = (await gql(app, REGISTER, { input: { teamId: gid("Team", team.id), name: "李四", phone, idNumber: "11010519491231002X" } }, officer.token)).data!.registerVolunteer;
    const b = (await gql(app, REGISTER, { input: { teamId: gid("Team", other.team.id), name: "李四", phone, idNumber: "11010519491231002X" } }, other.officer.token)).data!.registerVolunteer;
    const token = (await gql(app, JOIN, { input: { code: await openInvite(team.id, officer.token), name: "李四", phone, password: "own-pass-123", acceptTerms: true } })).data!.joinTeam.token as string;
    for (let i = 0; i < 6; i++) await gql(app, ACCEPT, { input: { enrollmentId: a.enrollment.id, code: `WRONG${i}` } }, token);
    expect((await gql(app, ACCEPT, { input: { enrollmentId: a.enrollment.id, code: a.activationCode } }, token)).data!.acceptEnrollment.userErrors[0].code).toBe("RATE_LIMITED");
    expect((await gql(app, ACCEPT, { input: { enrollmentId: b.enrollment.id, code: b.activationCode } }, token)).data!.acceptEnrollment).toEqual({ enrollment: { status: "ACCEPTED" }, userErrors: [] });
  });
});

describe("a registration's code, guessed on both doors", () => {
  it("holds: /activate and the answer of the phone's account together take at most 5 + 5 wrong codes a window, then the right one is refused on both", async () => {
    const { team, officer } = await createStation();
    const phone = freshPhone();
    const reg = (await gql(app, REGISTER, { input: { teamId: gid("Team", team.id), name: "赵六", phone, idNumber: "11010519491231002X" } }, officer.token)).data!.registerVolunteer;
    const token = (await gql(app, JOIN, { input: { code: await openInvite(team.id, officer.token), name: "冒名", phone, password: "squat-pass-9", acceptTerms: true } })).data!.joinTeam.token as string;
    const ACTIVATE = `mutation ($input: ActivateAccountInput!) { activateAccount(input: $input) { userErrors { code } } }`;
    const activate = async (code: string) => (await gql(app, ACTIVATE, { input: { phone, code, password: "whatever-123", acceptTerms: true } })).data!.activateAccount.userErrors[0]?.code;
    const answer = async (code: string) => (await gql(app, ACCEPT, { input: { enrollmentId: reg.enrollment.id, code } }, token)).data!.acceptEnrollment.userErrors[0]?.code;
    const misses: string[] = [];
    for (let i = 0; i < 5; i++) misses.push(await activate(`WRONGA${i}`), await answer(`WRONGB${i}`));
    expect(misses.filter((c) => c === "RATE_LIMITED")).toEqual([]);
    expect([await activate(reg.activationCode), await answer(reg.activationCode)]).toEqual(["RATE_LIMITED", "RATE_LIMITED"]);
  });
});

describe("an appointment's code, guessed by the account it names", () => {
  it("locks after five misses, and the lock is audited (before the fix: only the misses were)", async () => {
    const { station } = await createStation();
    const admin = await createAccount({ role: "ADMIN" });
    const person = await createVolunteer();
    const r = await gql(app, GRANT, { input: { phone: person.phone, role: "OFFICER", stationId: gid("Station", station.id), displayName: "新民警" } }, admin.token);
    const offerId = (await gql(app, OFFERS, {}, person.token)).data!.viewer.pendingRoleOffers[0].id as string;
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push((await gql(app, CONFIRM, { input: { offerId, code: `WRONG${i}` } }, person.token)).data!.confirmRoleOffer.userErrors[0].code);
    expect(codes.at(-1)).toBe("RATE_LIMITED");
    expect((await gql(app, CONFIRM, { input: { offerId, code: r.data!.grantRole.activationCode } }, person.token)).data!.confirmRoleOffer.userErrors[0].code).toBe("RATE_LIMITED");
    expect(await prisma.auditEntry.count({ where: { action: "role.offer.locked", actorId: person.accountId, stationId: station.id } })).toBe(1);
  });
});

describe("撤回 a pending appointment, attacked", () => {
  async function offered() {
    const { station, officer } = await createStation();
    const region = await prisma.region.create({ data: { name: `测试区域${station.name}` } });
    await prisma.station.update({ where: { id: station.id }, data: { regionId: region.id } });
    const regionAdmin = await prisma.account.create({ data: { phone: freshPhone(), passwordHash: "x", displayName: "区管", roles: { create: { role: "REGION_ADMIN", regionId: region.id } } } });
    const { createSession } = await import("../api/src/auth/sessions.js");
    const grantor = { accountId: regionAdmin.id, token: (await createSession(prisma, regionAdmin.id)).token };
    const person = await createVolunteer();
    const r = await gql(app, GRANT, { input: { phone: person.phone, role: "OFFICER", stationId: gid("Station", station.id), displayName: "新民警" } }, grantor.token);
    expect(r.data!.grantRole).toMatchObject({ confirmationNeeded: true, userErrors: [] });
    const offerId = (await gql(app, STATION_OFFERS, { id: gid("Station", station.id) }, grantor.token)).data!.node.roleOffers[0].id as string;
    return { station, officer, grantor, person, offerId, code: r.data!.grantRole.activationCode as string };
  }

  it("holds: another region's admin, another station's officer, a volunteer, an anonymous caller, other ids", async () => {
    const o = await offered();
    const elsewhere = await offered();
    const volunteer = await createVolunteer();
    for (const token of [elsewhere.grantor.token, elsewhere.officer.token, o.officer.token, o.person.token, volunteer.token]) {
      expect((await gql(app, WITHDRAW, { input: { offerId: o.offerId } }, token)).data!.withdrawRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
      expect((await gql(app, STATION_OFFERS, { id: gid("Station", o.station.id) }, token)).data?.node?.roleOffers ?? null).toBeNull();
    }
    expect((await gql(app, WITHDRAW, { input: { offerId: o.offerId } })).data!.withdrawRoleOffer.userErrors[0].code).toBe("UNAUTHENTICATED");
    // Another node's id, or a RoleOffer id that is another node's uuid: refused before anything is read.
    for (const id of [gid("Station", o.station.id), gid("Account", rawId(o.offerId)), gid("RoleAssignment", rawId(o.offerId)), gid("RoleOffer", o.station.id), "not-an-id"]) {
      const res = await gql(app, WITHDRAW, { input: { offerId: id } }, o.grantor.token);
      expect(res.data!.withdrawRoleOffer.withdrawnId).toBeNull();
      expect(["VALIDATION", "NOT_FOUND"]).toContain(res.data!.withdrawRoleOffer.userErrors[0].code);
    }
    // The person's own list says they may not withdraw it; the grantor's says they may.
    expect((await gql(app, OFFERS, {}, o.person.token)).data!.viewer.pendingRoleOffers).toEqual([{ id: o.offerId, viewerCanWithdraw: false }]);
    expect(await prisma.roleOffer.count({ where: { id: rawId(o.offerId) } })).toBe(1);
    expect(await prisma.auditEntry.count({ where: { action: "role.offer.withdraw" } })).toBe(0);
  });

  it("holds: racing the person's confirmation, exactly one wins, and neither deadlocks; withdrawn, the code is dead and a second withdraw is refused", async () => {
    const withdraw = (o: Awaited<ReturnType<typeof offered>>) => gql(app, WITHDRAW, { input: { offerId: o.offerId } }, o.grantor.token);
    const confirm = (o: Awaited<ReturnType<typeof offered>>) => gql(app, CONFIRM, { input: { offerId: o.offerId, code: o.code } }, o.person.token);
    const rounds = [
      // Both queue on the offer's row, then go at once. Before the withdrawal locked the person's account first, its
      // notice (a key-share lock on that account) and the confirmation (holding the account, waiting for the offer)
      // deadlocked: PostgreSQL aborted one and the person read 服务繁忙.
      { name: "offer row", expect: "withdraw" as const },
      // Both queue on the person's account row in a known order: the first in line wins.
      { name: "account row, confirmation first", expect: "confirm" as const },
      { name: "account row, withdrawal first", expect: "withdraw" as const },
    ];
    for (const round of rounds) {
      const o = await offered();
      let racing: Promise<[GqlResponse, GqlResponse]>;
      if (round.name === "offer row") {
        const lock = await holdRowLock("RoleOffer", rawId(o.offerId));
        racing = Promise.all([withdraw(o), confirm(o)]);
        await lock.waiters(2);
        await lock.release();
      } else {
        const lock = await holdRowLock("Account", o.person.accountId);
        const first = round.expect === "confirm" ? confirm(o) : withdraw(o);
        await lock.waiters(1);
        const second = round.expect === "confirm" ? withdraw(o) : confirm(o);
        await lock.waiters(2);
        await lock.release();
        racing = round.expect === "confirm" ? Promise.all([second, first]) : Promise.all([first, second]);
      }
      const [w, c] = await racing;
      expect([round.name, w.errors ?? null, c.errors ?? null]).toEqual([round.name, null, null]);
      const withdrawn = w.data!.withdrawRoleOffer.userErrors.length === 0;
      const confirmed = c.data!.confirmRoleOffer.userErrors.length === 0;
      expect({ round: round.name, won: [withdrawn && "withdraw", confirmed && "confirm"].filter(Boolean) }).toEqual({ round: round.name, won: [round.expect] });
      const roles = await prisma.accountRole.count({ where: { accountId: o.person.accountId, role: "OFFICER", stationId: o.station.id } });
      expect(roles).toBe(confirmed ? 1 : 0);
      if (confirmed) expect(w.data!.withdrawRoleOffer.userErrors[0]).toMatchObject({ code: "CONFLICT", field: ["input", "offerId"] });
      else expect(c.data!.confirmRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
      expect(await prisma.auditEntry.count({ where: { action: { in: ["role.offer.withdraw", "role.confirm"] }, targetId: o.person.accountId } })).toBe(1);
      expect(await prisma.roleOffer.count({ where: { id: rawId(o.offerId) } })).toBe(0);
      // Afterwards: the code confirms nothing, and withdrawing again finds nothing.
      if (!confirmed) expect((await confirm(o)).data!.confirmRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
      expect(await prisma.notification.count({ where: { accountId: o.person.accountId, title: { contains: "撤回" } } })).toBe(confirmed ? 0 : 1);
      expect((await withdraw(o)).data!.withdrawRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
    }
  });

  it("tells the person it was withdrawn (before the fix the appointment's notice still asked for a code that now answers 'not found')", async () => {
    const o = await offered();
    expect((await gql(app, WITHDRAW, { input: { offerId: o.offerId } }, o.grantor.token)).data!.withdrawRoleOffer.userErrors).toEqual([]);
    const notices = await prisma.notification.findMany({ where: { accountId: o.person.accountId }, orderBy: { id: "asc" }, select: { title: true, link: true, stationId: true } });
    expect(notices.at(-1)).toEqual({ title: expect.stringMatching(new RegExp(`^对您的${o.station.name}社区民警任命已撤回`)), link: "/account", stationId: o.station.id });
  });

  it("holds: two withdraws at once, one succeeds, the other is told it is gone, audited once", async () => {
    const o = await offered();
    const lock = await holdRowLock("RoleOffer", rawId(o.offerId));
    const racing = Promise.all([0, 1].map(() => gql(app, WITHDRAW, { input: { offerId: o.offerId } }, o.grantor.token)));
    await lock.waiters(2);
    await lock.release();
    const outcomes = (await racing).map((r) => r.data!.withdrawRoleOffer.userErrors[0]?.code ?? "OK").sort();
    expect(outcomes).toEqual(["CONFLICT", "OK"]);
    expect(await prisma.auditEntry.count({ where: { action: "role.offer.withdraw", targetId: o.person.accountId } })).toBe(1);
  });
});

describe("代签到 on the roster, against what checkIn accepts", () => {
  const ROSTER = `query ($id: ID!) { node(id: $id) { ... on Shift { claims(first: 100) { edges { node { id status viewerCanCheckInFor } } } } } }`;

  it("agrees with checkIn at both edges of the window, on a cancelled shift and for a waitlisted claim given a seat", async () => {
    const { team, officer } = await createStation();
    const leader = await createVolunteer({ teamId: team.id, teamRole: "LEADER" });
    const start = new Date(Math.ceil((Date.now() + 3 * 3_600_000) / 60_000) * 60_000);
    const end = new Date(start.getTime() + 60 * 60_000);
    const s = await publishShift(app, officer.token, { teamId: teamGid(team.id), title: "代签到边界", capacity: 1, startsAt: start.toISOString(), endsAt: end.toISOString() });
    const [a, b] = await createVolunteers(2, { teamId: team.id });
    const claimA = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, a!.token)).data!.claimShift.claim.id as string;
    const claimB = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, b!.token)).data!.claimShift.claim.id as string;
    const offered = async () => Object.fromEntries((await gql(app, ROSTER, { id: s.shift.id }, leader.token)).data!.node.claims.edges.map((e: any) => [e.node.id, e.node.viewerCanCheckInFor]));
    const tryIt = async (claimId: string) => (await gql(app, CHECK_IN, { input: { claimId, method: "LEADER" } }, leader.token)).data!.checkIn.userErrors.map((e: { code: string }) => e.code);
    // The clock moves on between the roster and the check-in: a second either side of each edge.
    const at = (d: Date) => (clock.reset(), clock.advance(d.getTime() - Date.now()));

    // Just before it opens: neither.
    at(new Date(start.getTime() - 30 * 60_000 - 1000));
    expect(await offered()).toEqual({ [claimA]: false, [claimB]: false });
    expect(await tryIt(claimA)).toEqual(["CONFLICT"]);
    // B waits; A's seat given back: B is CONFIRMED and offered as soon as it opens.
    expect(await gql(app, `mutation ($input: CancelShiftClaimInput!) { cancelShiftClaim(input: $input) { userErrors { code } } }`, { input: { claimId: claimA } }, a!.token)).toMatchObject({ data: { cancelShiftClaim: { userErrors: [] } } });
    at(new Date(start.getTime() - 30 * 60_000 + 1000));
    expect(await offered()).toEqual({ [claimA]: false, [claimB]: true });
    expect(await tryIt(claimA)).toEqual(["CONFLICT"]); // cancelled: refused, and not offered
    // Just before the end: still offered, and accepted.
    at(new Date(end.getTime() - 1000));
    expect(await offered()).toEqual({ [claimA]: false, [claimB]: true });
    expect(await tryIt(claimB)).toEqual([]);
    expect(await offered()).toEqual({ [claimA]: false, [claimB]: false });
  });

  it("offers nothing on a cancelled shift, nor just after the end", async () => {
    const { team, officer } = await createStation();
    const leader = await createVolunteer({ teamId: team.id, teamRole: "LEADER" });
    const s = await publishShift(app, officer.token, { teamId: teamGid(team.id), title: "代签到取消", capacity: 3, startsAt: inMinutes(10).toISOString(), endsAt: inMinutes(70).toISOString() });
    const [a] = await createVolunteers(1, { teamId: team.id });
    const claimA = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, a!.token)).data!.claimShift.claim.id as string;
    const offered = async () => (await gql(app, ROSTER, { id: s.shift.id }, leader.token)).data!.node.claims.edges.map((e: any) => e.node.viewerCanCheckInFor);
    const endsAt = (await prisma.shift.findUniqueOrThrow({ where: { id: rawId(s.shift.id) } })).endsAt;
    clock.advance(endsAt.getTime() + 1000 - Date.now());
    expect(await offered()).toEqual([false]);
    expect((await gql(app, CHECK_IN, { input: { claimId: claimA, method: "LEADER" } }, leader.token)).data!.checkIn.userErrors[0].code).toBe("CONFLICT");
    clock.reset();
    expect(await offered()).toEqual([true]);
    // Cancelled with a claim left CONFIRMED (a shift row's status alone): neither offered nor accepted.
    await prisma.shift.update({ where: { id: rawId(s.shift.id) }, data: { status: "CANCELLED" } });
    expect(await offered()).toEqual([false]);
    expect((await gql(app, CHECK_IN, { input: { claimId: claimA, method: "LEADER" } }, leader.token)).data!.checkIn.userErrors[0].code).toBe("CONFLICT");
  });

  it("costs the roster the same statements for 3 claims and for 30 (the web app's ShiftRoster query)", async () => {
    const { team, officer } = await createStation();
    const leader = await createVolunteer({ teamId: team.id, teamRole: "LEADER" });
    const s = await publishShift(app, officer.token, { teamId: teamGid(team.id), title: "代签到语句", capacity: 40, startsAt: inMinutes(10).toISOString(), endsAt: inMinutes(70).toISOString() });
    const FULL = `query ($id: ID!) { node(id: $id) { __typename ... on Shift { id postCode claims(first: 100) { edges { node { id status waitlistPosition checkedInAt checkedOutAt checkInFlagged viewerCanCheckInFor volunteer { id displayName phone } } } } } } }`;
    const measure = async () => {
      const before = sqlStats.statements;
      const res = await gql(app, FULL, { id: s.shift.id }, leader.token);
      return { statements: sqlStats.statements - before, rows: res.data!.node.claims.edges.filter((e: any) => e.node.viewerCanCheckInFor).length };
    };
    for (const p of await createVolunteers(3, { teamId: team.id })) await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, p.token);
    const small = await measure();
    for (const p of await createVolunteers(27, { teamId: team.id })) await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, p.token);
    const large = await measure();
    expect([small.rows, large.rows]).toEqual([3, 30]);
    expect(large.statements).toBe(small.statements);
    // 代签到 costs no statement of its own: the shift's place and times are one read (ac78bfd read the same shift
    // rows a second time for the times).
    const WITHOUT = FULL.replace(" viewerCanCheckInFor", " viewerCanCancel");
    const before = sqlStats.statements;
    await gql(app, WITHOUT, { id: s.shift.id }, leader.token);
    const without = sqlStats.statements - before;
    expect(large.statements).toBe(without);
  });
});
