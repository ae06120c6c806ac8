// Session 19, second outside attack on the day's features: officers appointing 共建单位联络人 (PARTNER_ADMIN) on
// /partners, and the departed-ID erasure (eraseDepartedIdNumbers, recordDeparture, Volunteer.lastLeftAt).
import { describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { eraseDepartedIdNumbers } from "../api/src/modules/volunteer/volunteer.service.js";
import { gql, gqlWithFiles, useApp } from "./support/client.js";
import { createAccount, createStation, createTeam, createVolunteer, freshPhone, gid, rawId } from "./support/fixtures.js";
import { holdRowLock } from "./support/locks.js";

let app: App;
useApp((a) => (app = a));

const DAY = 86_400_000;
const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { assignment { id } activationCode confirmationNeeded userErrors { code message field } } }`;
const CONFIRM = `mutation ($input: ConfirmRoleOfferInput!) { confirmRoleOffer(input: $input) { assignment { role } userErrors { code message field } } }`;
const REVOKE = `mutation ($input: RevokeRoleInput!) { revokeRole(input: $input) { revokedId userErrors { code message field } } }`;
const WITHDRAW = `mutation ($input: WithdrawRoleOfferInput!) { withdrawRoleOffer(input: $input) { withdrawnId userErrors { code message field } } }`;
const OFFERS = `{ viewer { pendingRoleOffers { id role placeName } } }`;
const ADMINS = `query ($id: ID!) { node(id: $id) { ... on Partner { admins(first: 10) { totalCount edges { node { id displayName phone viewerCanRevoke } } } roleOffers { id } viewerCanGrantAdmin } } }`;

async function partnerWithAdmins() {
  const s = await createStation();
  const partner = await prisma.partner.create({ data: { stationId: s.station.id, name: `攻击共建${s.station.name}`, kind: "ENTERPRISE" } });
  const [pa1, pa2] = [await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id }), await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id })];
  const roleOf = async (accountId: string) => (await prisma.accountRole.findFirstOrThrow({ where: { accountId, partnerId: partner.id } })).id;
  return { ...s, partner, pa1, pa2, pa1Role: await roleOf(pa1.accountId), pa2Role: await roleOf(pa2.accountId) };
}
const grantInput = (phone: string, partnerId: string) => ({ input: { phone, role: "PARTNER_ADMIN", partnerId: gid("Partner", partnerId), displayName: "联络人" } });
const rolesOf = (accountId: string) => prisma.accountRole.findMany({ where: { accountId }, select: { role: true, partnerId: true, stationId: true } });

describe("appointing a partner's admins, from outside", () => {
  it("nobody appoints themselves: an officer to their own phone as 联络人, a region admin to their own as 民警 (they would then sign both sides of an agreement, or read volunteers' data, on their word alone)", async () => {
    const p = await partnerWithAdmins();
    const self = await gql(app, GRANT, grantInput(p.officer.phone, p.partner.id), p.officer.token);
    expect(self.data!.grantRole).toMatchObject({ assignment: null, activationCode: null, userErrors: [{ code: "CONFLICT", field: ["input", "phone"] }] });
    expect(await prisma.roleOffer.count({ where: { accountId: p.officer.accountId } })).toBe(0);
    expect(await rolesOf(p.officer.accountId)).toEqual([{ role: "OFFICER", partnerId: null, stationId: p.station.id }]);

    const region = await prisma.region.create({ data: { name: `攻击区域${p.station.name}` } });
    await prisma.station.update({ where: { id: p.station.id }, data: { regionId: region.id } });
    const regionAdmin = await prisma.account.create({ data: { phone: freshPhone(), passwordHash: "x", displayName: "区域", roles: { create: { role: "REGION_ADMIN", regionId: region.id } } } });
    const { createSession } = await import("../api/src/auth/sessions.js");
    const token = (await createSession(prisma, regionAdmin.id)).token;
    const r = await gql(app, GRANT, { input: { phone: regionAdmin.phone, role: "OFFICER", stationId: gid("Station", p.station.id), displayName: "我" } }, token);
    expect(r.data!.grantRole).toMatchObject({ assignment: null, activationCode: null, userErrors: [{ code: "CONFLICT", field: ["input", "phone"] }] });
    expect(await rolesOf(regionAdmin.id)).toEqual([{ role: "REGION_ADMIN", partnerId: null, stationId: null }]);
  });

  it("an appointment someone made to themselves (before the rule) does not take effect when they confirm it", async () => {
    const p = await partnerWithAdmins();
    const { codeHash } = await import("../api/src/auth/tokens.js");
    const offer = await prisma.roleOffer.create({
      data: { accountId: p.officer.accountId, role: "PARTNER_ADMIN", partnerId: p.partner.id, codeHash: codeHash("ABCD2345"), expiresAt: new Date(clock.now().getTime() + DAY), grantedById: p.officer.accountId },
    });
    const r = await gql(app, CONFIRM, { input: { offerId: gid("RoleOffer", offer.id), code: "ABCD2345" } }, p.officer.token);
    expect(r.data!.confirmRoleOffer.assignment).toBeNull();
    expect(r.data!.confirmRoleOffer.userErrors[0].code).toBe("CONFLICT");
    expect(await rolesOf(p.officer.accountId)).toEqual([{ role: "OFFICER", partnerId: null, stationId: p.station.id }]);
  });

  it("one account signs one side of an agreement: an officer who is also the partner's 联络人 (appointed before the rule) cannot put it in effect alone", async () => {
    const p = await partnerWithAdmins();
    await prisma.accountRole.create({ data: { accountId: p.officer.accountId, role: "PARTNER_ADMIN", partnerId: p.partner.id } });
    const DRAFT = `mutation ($input: DraftAgreementInput!) { draftAgreement(input: $input) { agreement { id } userErrors { code } } }`;
    const SIGN = `mutation ($input: SignAgreementInput!) { signAgreement(input: $input) { agreement { status } userErrors { code field } } }`;
    const d = await gql(app, DRAFT, {
      input: { partnerId: gid("Partner", p.partner.id), title: "共建协议", terms: "每月巡逻", effectiveFrom: new Date(Date.now() - DAY).toISOString(), effectiveTo: new Date(Date.now() + 365 * DAY).toISOString(), obligations: [{ kind: "PATROL_HOURS", quantity: 10, period: "MONTH" }] },
    }, p.officer.token);
    expect(d.data!.draftAgreement.userErrors).toEqual([]);
    const agreementId = d.data!.draftAgreement.agreement.id;
    const sign = (token: string, side: string) => gql(app, SIGN, { input: { agreementId, version: 1, side } }, token);
    expect((await sign(p.officer.token, "STATION")).data!.signAgreement).toEqual({ agreement: { status: "AWAITING_SIGNATURES" }, userErrors: [] });
    expect((await sign(p.officer.token, "PARTNER")).data!.signAgreement).toEqual({ agreement: null, userErrors: [{ code: "CONFLICT", field: ["input", "side"] }] });
    expect(await prisma.agreementSignature.count({ where: { agreementId: rawId(agreementId) } })).toBe(1);
    // The partner's own admin signs: in effect.
    expect((await sign(p.pa1.token, "PARTNER")).data!.signAgreement).toEqual({ agreement: { status: "ACTIVE" }, userErrors: [] });
  });

  it("holds: the partner's own admin, another partner's admin, another station's officer, a volunteer and anonymous callers neither appoint, revoke nor withdraw", async () => {
    const p = await partnerWithAdmins();
    const other = await partnerWithAdmins();
    const volunteer = await createVolunteer({ teamId: p.team.id });
    const elsewhere = await createStation();
    const person = await createVolunteer();
    const offered = await gql(app, GRANT, grantInput(person.phone, p.partner.id), p.officer.token);
    expect(offered.data!.grantRole).toMatchObject({ confirmationNeeded: true, userErrors: [] });
    const offerId = (await gql(app, OFFERS, {}, person.token)).data!.viewer.pendingRoleOffers[0].id;
    for (const [who, token] of [["own admin", p.pa1.token], ["other partner's admin", other.pa1.token], ["other officer", elsewhere.officer.token], ["volunteer", volunteer.token], ["anonymous", null]] as const) {
      // A co-admin, themselves, a fresh phone.
      for (const phone of [freshPhone(), p.pa1.phone, p.pa2.phone]) {
        const g = await gql(app, GRANT, grantInput(phone, p.partner.id), token);
        const errs = g.data?.grantRole?.userErrors ?? g.errors;
        expect(errs, `${who} grant`).toHaveLength(1);
        expect(g.data?.grantRole?.activationCode ?? null).toBeNull();
      }
      for (const id of [p.pa1Role, p.pa2Role]) {
        const rv = await gql(app, REVOKE, { input: { assignmentId: gid("RoleAssignment", id) } }, token);
        expect(rv.data?.revokeRole?.revokedId ?? null, `${who} revoke`).toBeNull();
      }
      const w = await gql(app, WITHDRAW, { input: { offerId } }, token);
      expect(w.data?.withdrawRoleOffer?.withdrawnId ?? null, `${who} withdraw`).toBeNull();
    }
    expect(await prisma.accountRole.count({ where: { partnerId: p.partner.id } })).toBe(2);
    expect(await prisma.roleOffer.count({ where: { partnerId: p.partner.id } })).toBe(1);
    expect(await prisma.account.count({ where: { roles: { some: { partnerId: p.partner.id } } } })).toBe(2);
    // The partner's admins see each other masked, revoke nobody; another partner's admin and a volunteer see no list.
    const own = (await gql(app, ADMINS, { id: gid("Partner", p.partner.id) }, p.pa1.token)).data!.node;
    expect(own.viewerCanGrantAdmin).toBe(false);
    expect(own.roleOffers).toBeNull();
    const colleague = own.admins.edges.find((e: { node: { id: string } }) => e.node.id === gid("RoleAssignment", p.pa2Role)).node;
    expect(colleague.phone).not.toBe(p.pa2.phone);
    expect(own.admins.edges.every((e: { node: { viewerCanRevoke: boolean } }) => !e.node.viewerCanRevoke)).toBe(true);
    for (const token of [other.pa1.token, volunteer.token]) {
      const node = (await gql(app, ADMINS, { id: gid("Partner", p.partner.id) }, token)).data?.node;
      expect(node?.admins ?? null).toBeNull();
    }
  });

  it("holds: a closed account's placeholder is no phone; an account already admin gets nothing new; the last admin can be revoked; a grant and a withdrawal racing leave one offer or none", async () => {
    const p = await partnerWithAdmins();
    const g = await gql(app, GRANT, grantInput(`closed:${p.pa1.accountId}`, p.partner.id), p.officer.token);
    expect(g.data!.grantRole.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "phone"] });
    const again = await gql(app, GRANT, grantInput(p.pa1.phone, p.partner.id), p.officer.token);
    expect(again.data!.grantRole).toEqual({ assignment: { id: gid("RoleAssignment", p.pa1Role) }, activationCode: null, confirmationNeeded: false, userErrors: [] });
    expect(await prisma.accountRole.count({ where: { partnerId: p.partner.id } })).toBe(2);
    for (const id of [p.pa1Role, p.pa2Role]) {
      expect((await gql(app, REVOKE, { input: { assignmentId: gid("RoleAssignment", id) } }, p.officer.token)).data!.revokeRole.userErrors).toEqual([]);
    }
    expect(await prisma.accountRole.count({ where: { partnerId: p.partner.id } })).toBe(0);

    // The officer appoints someone again while withdrawing the first offer: both queue on the person's account.
    const person = await createVolunteer();
    const first = await gql(app, GRANT, grantInput(person.phone, p.partner.id), p.officer.token);
    const offerId = (await gql(app, OFFERS, {}, person.token)).data!.viewer.pendingRoleOffers[0].id;
    const lock = await holdRowLock("Account", person.accountId);
    let replies;
    try {
      const both = [gql(app, GRANT, grantInput(person.phone, p.partner.id), p.officer.token), gql(app, WITHDRAW, { input: { offerId } }, p.officer.token)];
      await lock.waiters(2);
      await lock.release();
      replies = await Promise.all(both);
    } finally {
      await lock.release();
    }
    const offers = await prisma.roleOffer.findMany({ where: { accountId: person.accountId } });
    expect(offers.length).toBeLessThanOrEqual(1);
    const [regrant, withdrawn] = replies as [Awaited<(typeof replies)[0]>, Awaited<(typeof replies)[1]>];
    expect(regrant.data!.grantRole.userErrors).toEqual([]);
    // Whichever came first, the first code no longer confirms; the second confirms only if its offer is there.
    expect((await gql(app, CONFIRM, { input: { offerId, code: first.data!.grantRole.activationCode } }, person.token)).data!.confirmRoleOffer.assignment).toBeNull();
    if (withdrawn.data!.withdrawRoleOffer.withdrawnId) expect(offers).toHaveLength(1);
  });
});

describe("the departed-ID erasure, from outside", () => {
  it("holds: the audit, the person's data export and registrations keep no erased ID number; an officer's import by ID number registers the person again, whose acceptance gives it back", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    const ID = "11010519491231002X";
    await prisma.volunteer.update({ where: { id: p.id }, data: { idNumber: ID } });
    const t0 = clock.now().getTime();
    const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code } } }`;
    expect((await gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", p.id)], status: "LEFT", reason: "搬走" } }, s.officer.token)).data!.setVolunteerStatus.changed).toBe(1);
    expect(await eraseDepartedIdNumbers(new Date(t0 + 181 * DAY))).toBe(1);
    const all = JSON.stringify(await prisma.auditEntry.findMany({ where: { OR: [{ targetId: p.id }, { action: "volunteer.eraseIdNumber" }] }, select: { summary: true, targetId: true } }));
    expect(all).not.toContain(ID);
    expect(JSON.parse((await gql(app, `{ viewer { dataExport } }`, {}, p.token)).data!.viewer.dataExport).volunteer.idNumber).toBeNull();
    expect(await prisma.enrollment.count({ where: { idNumber: ID } })).toBe(0);
    // The officer imports the person again into the same team, by phone and ID number: one registration, no row refused.
    const IMPORT = `mutation ($importVolunteers: ImportVolunteersInput!) { importVolunteers(input: $importVolunteers) { report { rowsToCreate errorCount committed created errors { row column message } } userErrors { code } } }`;
    const csv = `姓名,手机号,身份证号\n${p.name},${p.phone},${ID}\n`;
    const imported = await gqlWithFiles(app, IMPORT, { importVolunteers: { teamId: gid("Team", s.team.id), dryRun: false } }, { importVolunteers: { name: "t.csv", content: csv, type: "text/csv" } }, s.officer.token);
    expect(imported.data!.importVolunteers.report).toMatchObject({ rowsToCreate: 1, errorCount: 0, committed: true });
    const e = await prisma.enrollment.findFirstOrThrow({ where: { phone: p.phone, status: "PENDING" } });
    expect(e.idNumber).toBe(ID);
    const { codeHash } = await import("../api/src/auth/tokens.js");
    await prisma.enrollment.update({ where: { id: e.id }, data: { codeHash: codeHash("ABCD2345") } });
    const acc = await gql(app, `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { userErrors { code } } }`, { input: { enrollmentId: gid("Enrollment", e.id), code: "ABCD2345" } }, p.token);
    expect(acc.data!.acceptEnrollment.userErrors).toEqual([]);
    expect((await prisma.volunteer.findUniqueOrThrow({ where: { id: p.id } })).idNumber).toBe(ID);
    expect(await prisma.enrollment.count({ where: { idNumber: ID } })).toBe(0);
    expect(await eraseDepartedIdNumbers(new Date(t0 + 1000 * DAY))).toBe(0);
  });
});

describe("a join and a departure of the same person at once", () => {
  it("an acceptance into a team and the removal of the person's old (LEFT) row of that team both finish, without a deadlock (the removal refused at once)", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code } } }`;
    await gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", p.id)], status: "LEFT", reason: "搬走" } }, s.officer.token);
    const reg = await gql(
      app,
      `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code } } }`,
      { input: { teamId: gid("Team", s.team.id), name: p.name, phone: p.phone } },
      s.officer.token,
    );
    const { enrollment, activationCode } = reg.data!.registerVolunteer;
    const lock = await holdRowLock("Volunteer", p.id);
    let replies;
    try {
      const accept = gql(app, `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { userErrors { code message } } }`, { input: { enrollmentId: enrollment.id, code: activationCode } }, p.token);
      await lock.waiters(1);
      // An ended membership is not removed (e3bb2ba): refused before any lock, while the acceptance waits.
      const removed = await gql(app, `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { userErrors { code message } } }`, { input: { teamId: gid("Team", s.team.id), volunteerId: gid("Volunteer", p.id) } }, s.officer.token);
      expect(removed.data!.removeTeamMember.userErrors.map((e: { code: string }) => e.code)).toEqual(["CONFLICT"]);
      await lock.release();
      replies = [await accept, removed];
    } finally {
      await lock.release();
    }
    const [accepted, removed] = replies as [{ data?: any; errors?: any }, { data?: any; errors?: any }];
    expect(accepted.errors).toBeUndefined();
    expect(removed.errors).toBeUndefined();
    expect(accepted.data!.acceptEnrollment.userErrors).toEqual([]);
  });

  it("an acceptance into a team and the rejection of the person's application to that team both finish, without a deadlock", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code } } }`;
    await gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", p.id)], status: "LEFT", reason: "搬走" } }, s.officer.token);
    const reg = await gql(
      app,
      `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code } } }`,
      { input: { teamId: gid("Team", s.team.id), name: p.name, phone: p.phone } },
      s.officer.token,
    );
    const { enrollment, activationCode } = reg.data!.registerVolunteer;
    // Meanwhile the person also asked to join the team through an invitation.
    const m = await prisma.teamMembership.update({ where: { teamId_volunteerId: { teamId: s.team.id, volunteerId: p.id } }, data: { status: "PENDING", appliedAt: clock.now() } });
    const lock = await holdRowLock("Volunteer", p.id);
    let replies;
    try {
      const accept = gql(app, `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { userErrors { code message } } }`, { input: { enrollmentId: enrollment.id, code: activationCode } }, p.token);
      await lock.waiters(1);
      const reject = gql(app, `mutation ($input: RejectMembershipInput!) { rejectMembership(input: $input) { rejectedId userErrors { code message } } }`, { input: { membershipId: gid("TeamMembership", m.id), reason: "重复" } }, s.officer.token);
      await lock.waiters(2);
      await lock.release();
      replies = await Promise.all([accept, reject]);
    } finally {
      await lock.release();
    }
    const [accepted, rejected] = replies as [{ data?: any; errors?: any }, { data?: any; errors?: any }];
    expect(rejected.errors).toBeUndefined(); // was SERVICE_UNAVAILABLE: the deadlock's victim
    expect(accepted.data!.acceptEnrollment.userErrors).toEqual([]);
    // The acceptance came first: the application it turned into a membership is decided already.
    expect(rejected.data!.rejectMembership).toMatchObject({ rejectedId: null, userErrors: [{ code: "CONFLICT" }] });
    expect((await prisma.teamMembership.findUniqueOrThrow({ where: { id: m.id } })).status).toBe("ACTIVE");
  });

  it("an acceptance into a team and the person's 离队 (setVolunteerStatus LEFT) of the same moment both finish, without a deadlock", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code } } }`;
    // Registered while away; back in the team (by an invitation) before answering the registration.
    await gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", p.id)], status: "LEFT", reason: "搬走" } }, s.officer.token);
    const reg = await gql(
      app,
      `mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { enrollment { id } activationCode userErrors { code } } }`,
      { input: { teamId: gid("Team", s.team.id), name: p.name, phone: p.phone } },
      s.officer.token,
    );
    const { enrollment, activationCode } = reg.data!.registerVolunteer;
    expect(enrollment).not.toBeNull();
    await prisma.teamMembership.update({ where: { teamId_volunteerId: { teamId: s.team.id, volunteerId: p.id } }, data: { status: "ACTIVE" } });
    const lock = await holdRowLock("Volunteer", p.id);
    let replies;
    try {
      const accept = gql(app, `mutation ($input: AcceptEnrollmentInput!) { acceptEnrollment(input: $input) { userErrors { code message } } }`, { input: { enrollmentId: enrollment.id, code: activationCode } }, p.token);
      await lock.waiters(1);
      const left = gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", p.id)], status: "LEFT", reason: "搬走" } }, s.officer.token);
      await new Promise((r) => setTimeout(r, 300));
      await lock.release();
      replies = await Promise.all([accept, left]);
    } finally {
      await lock.release();
    }
    const [accepted, leaving] = replies as [{ data?: any; errors?: any }, { data?: any; errors?: any }];
    expect(accepted.errors).toBeUndefined();
    expect(leaving.errors).toBeUndefined();
    expect(accepted.data!.acceptEnrollment.userErrors).toEqual([]);
    expect(leaving.data!.setVolunteerStatus.userErrors).toEqual([]);
  });
});
