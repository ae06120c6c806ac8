// Joining by invitation: a link and QR poster; a new resident joins from the public page, someone
// with an account accepts signed in; both wait, PENDING and with no rights, until a leader or officer
// approves or rejects (both notified). No existing account is ever attached without its owner.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { CLAIM, publishShift, inMinutes, teamGid } from "./support/shifts.js";
import { gql, signIn, startApp } from "./support/client.js";
import { createAccount, DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
const t: Record<string, string> = {};
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  t.officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  t.leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  t.otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
  t.volunteer = await signIn(app, "13800000150");
});
afterAll(() => app?.stop());

const CREATE = `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) {
  invite { id code path link(origin: "https://linshe.example.cn") qrSvg(origin: "https://linshe.example.cn") state maxUses uses squad { name } } userErrors { code message field } } }`;
const PUBLIC = `query ($code: String!) { teamInvite(code: $code) { stationName teamName squadName state viewerStatus } }`;
const JOIN = `mutation ($input: JoinTeamInput!) { joinTeam(input: $input) { token viewer { roleNames volunteer { displayName } memberships { status teamName stationName } } membership { id status } userErrors { code message field } } }`;
const ACCEPT = `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { membership { id status teamName } userErrors { code message field } } }`;
const APPROVE = `mutation ($input: ApproveMembershipInput!) { approveMembership(input: $input) { membership { id status } userErrors { code message field } } }`;
const REJECT = `mutation ($input: RejectMembershipInput!) { rejectMembership(input: $input) { rejectedId userErrors { code message field } } }`;
const REVOKE = `mutation ($input: RevokeTeamInviteInput!) { revokeTeamInvite(input: $input) { invite { state } userErrors { code } } }`;
const PENDING = `query ($id: ID!) { node(id: $id) { ... on Station { pendingMemberships(first: 20) { totalCount edges { node { id status viewerCanDecide volunteer { displayName name phone } } } } } } }`;

const inDays = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString();
async function invite(token: string, extra: Record<string, unknown> = {}) {
  const r = await gql(app, CREATE, { input: { teamId: gid("Team", demo.haolinshe.id), expiresAt: inDays(7), maxUses: 50, ...extra } }, token);
  expect(r.data!.createTeamInvite.userErrors).toEqual([]);
  return r.data!.createTeamInvite.invite as { id: string; code: string; path: string; link: string; qrSvg: string; maxUses: number; uses: number };
}
const join = (code: string, phone: string, extra: Record<string, unknown> = {}) =>
  gql(app, JOIN, { input: { code, name: "新居民", displayName: `居民${phone.slice(-4)}`, phone, password: "join-pass-1", specialties: ["NIGHT_PATROL"], acceptTerms: true, ...extra } });

describe("invitations", () => {
  it("gives leaders and officers a link and a QR poster; others of the station or elsewhere get nothing", async () => {
    const squad = demo.squads.find((s) => s.name === "警民夜巡")!;
    const i = await invite(t.leader!, { squadId: gid("Squad", squad.id) });
    expect(i.path).toBe(`/join/${i.code}`);
    expect(i.link).toBe(`https://linshe.example.cn/join/${i.code}`);
    expect(i.qrSvg.startsWith("<svg")).toBe(true);
    const bad = await gql(app, CREATE, { input: { teamId: gid("Team", demo.haolinshe.id), expiresAt: inDays(7), maxUses: 5 } }, t.volunteer);
    expect(bad.data!.createTeamInvite.userErrors[0].code).toBe("FORBIDDEN");
    const other = await gql(app, CREATE, { input: { teamId: gid("Team", demo.haolinshe.id), expiresAt: inDays(7), maxUses: 5 } }, t.otherOfficer);
    expect(other.data!.createTeamInvite.userErrors[0].code).toBe("NOT_FOUND");
    const past = await gql(app, CREATE, { input: { teamId: gid("Team", demo.haolinshe.id), expiresAt: inDays(-1), maxUses: 5 } }, t.officer);
    expect(past.data!.createTeamInvite.userErrors[0].field).toEqual(["input", "expiresAt"]);
    const zero = await gql(app, CREATE, { input: { teamId: gid("Team", demo.haolinshe.id), expiresAt: inDays(1), maxUses: 0 } }, t.officer);
    expect(zero.data!.createTeamInvite.userErrors[0].field).toEqual(["input", "maxUses"]);
    // Anyone with the link sees what it is for, and nothing personal.
    const pub = await gql(app, PUBLIC, { code: i.code.toLowerCase() });
    expect(pub.data!.teamInvite).toEqual({ stationName: "府山派出所", teamName: "好邻舍义警", squadName: "警民夜巡", state: "OPEN", viewerStatus: null });
    expect((await gql(app, PUBLIC, { code: "NOSUCHCODE12" })).data!.teamInvite).toBeNull();
  });
});

describe("invitations: limits and lists", () => {
  it("refuses a squad of another team and an expiry beyond a year; revoking twice is harmless; lists filter by team and leaders see only their own teams'", async () => {
    const other = await prisma.team.create({ data: { stationId: demo.fushan.id, name: "邀请测试二队" } });
    const otherSquad = await prisma.squad.create({ data: { teamId: other.id, name: "二队小队", specialty: "COMMUNITY_GRID" } });
    const wrongSquad = await gql(app, CREATE, { input: { teamId: gid("Team", demo.haolinshe.id), squadId: gid("Squad", otherSquad.id), expiresAt: inDays(7), maxUses: 5 } }, t.officer);
    expect(wrongSquad.data!.createTeamInvite.userErrors).toEqual([{ code: "NOT_FOUND", message: expect.stringContaining("本队小队"), field: ["input", "squadId"] }]);
    const tooLong = await gql(app, CREATE, { input: { teamId: gid("Team", demo.haolinshe.id), expiresAt: inDays(400), maxUses: 5 } }, t.officer);
    expect(tooLong.data!.createTeamInvite.userErrors).toEqual([{ code: "VALIDATION", message: "有效期最长一年", field: ["input", "expiresAt"] }]);

    const mine = await invite(t.leader!);
    const theirs = (await gql(app, CREATE, { input: { teamId: gid("Team", other.id), expiresAt: inDays(7), maxUses: 5 } }, t.officer)).data!.createTeamInvite.invite;
    const once = await gql(app, REVOKE, { input: { inviteId: mine.id } }, t.leader);
    expect(once.data!.revokeTeamInvite).toEqual({ invite: { state: "REVOKED" }, userErrors: [] });
    const twice = await gql(app, REVOKE, { input: { inviteId: mine.id } }, t.leader);
    expect(twice.data!.revokeTeamInvite).toEqual({ invite: { state: "REVOKED" }, userErrors: [] });
    expect(await prisma.auditEntry.count({ where: { action: "invite.revoke", targetId: Buffer.from(mine.id, "base64").toString().split(":")[1] } })).toBe(1);

    const LIST = `query ($s: ID!, $team: ID) { node(id: $s) { ... on Station { invites(first: 100, teamId: $team) { edges { node { id } } } } } }`;
    const ids = async (token: string, team?: string) => (await gql(app, LIST, { s: gid("Station", demo.fushan.id), team }, token)).data!.node.invites.edges.map((e: { node: { id: string } }) => e.node.id) as string[];
    const byOfficer = await ids(t.officer!, gid("Team", other.id));
    expect(byOfficer).toEqual([theirs.id]);
    // The leader of 好邻舍 sees 好邻舍's invitations, not those of a team they do not lead, even by asking for it.
    expect(await ids(t.leader!)).toContain(mine.id);
    expect(await ids(t.leader!)).not.toContain(theirs.id);
    expect(await ids(t.leader!, gid("Team", other.id))).toEqual([]);
    expect(await ids(t.leader!, gid("Team", demo.haolinshe.id))).toContain(mine.id);
  });
});

describe("joining as a new resident", () => {
  it("creates a pending volunteer who is signed in and can do nothing in the team until approved", async () => {
    const i = await invite(t.officer!);
    const r = await join(i.code, "13511112001");
    expect(r.data!.joinTeam.userErrors).toEqual([]);
    expect(r.data!.joinTeam.membership.status).toBe("PENDING");
    expect(r.data!.joinTeam.viewer.memberships).toEqual([{ status: "PENDING", teamName: "好邻舍义警", stationName: "府山派出所" }]);
    const token = r.data!.joinTeam.token as string;
    // No rights yet: the team, its shifts and the station stay closed; a claim is refused.
    const shift = await publishShift(app, t.officer!, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(24 * 60), endsAt: inMinutes(25 * 60), capacity: 5 });
    const claim = await gql(app, CLAIM, { input: { shiftId: shift.shift.id } }, token);
    expect(claim.data!.claimShift.userErrors[0].code).toMatch(/NOT_FOUND|FORBIDDEN/);
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: gid("Team", demo.haolinshe.id) }, token)).data!.node).toBeNull();
    expect((await gql(app, `{ viewer { stations { name } } }`, {}, token)).data!.viewer.stations).toEqual([]);
    expect((await gql(app, PUBLIC, { code: i.code }, token)).data!.teamInvite.viewerStatus).toBe("PENDING");
    // Officers and the team's leader are told; the invitation counts one use.
    const officerAccount = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });
    const leaderAccount = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.haolinsheLeader } });
    for (const a of [officerAccount, leaderAccount]) expect(await prisma.notification.count({ where: { accountId: a.id, kind: "MEMBERSHIP_REQUESTED" } })).toBeGreaterThan(0);
    expect((await prisma.teamInvite.findUniqueOrThrow({ where: { code: i.code } })).uses).toBe(1);
    // Joining again while pending changes nothing.
    const again = await gql(app, `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { membership { id status } userErrors { code } } }`, { input: { code: i.code } }, token);
    expect(again.data!.acceptTeamInvite.membership.id).toBe(r.data!.joinTeam.membership.id);
    expect((await prisma.teamInvite.findUniqueOrThrow({ where: { code: i.code } })).uses).toBe(1);

    // The leader sees the applicant's details (to check them), another station's officer nothing.
    const list = await gql(app, PENDING, { id: gid("Station", demo.fushan.id) }, t.leader);
    const mine = list.data!.node.pendingMemberships.edges.find((e: { node: { id: string } }) => e.node.id === r.data!.joinTeam.membership.id);
    expect(mine.node).toMatchObject({ status: "PENDING", viewerCanDecide: true, volunteer: { name: "新居民", phone: "13511112001" } });
    const foreign = await gql(app, APPROVE, { input: { membershipId: r.data!.joinTeam.membership.id } }, t.otherOfficer);
    expect(foreign.data!.approveMembership.userErrors[0].code).toBe("NOT_FOUND");
    const byMember = await gql(app, APPROVE, { input: { membershipId: r.data!.joinTeam.membership.id } }, t.volunteer);
    expect(byMember.data!.approveMembership.userErrors[0].code).toBe("NOT_FOUND");
    const applicantSelf = await gql(app, APPROVE, { input: { membershipId: r.data!.joinTeam.membership.id } }, token);
    expect(applicantSelf.data!.approveMembership.userErrors[0].code).toBe("FORBIDDEN");

    // Approved by the leader: notified, and now a member who claims.
    const ok = await gql(app, APPROVE, { input: { membershipId: r.data!.joinTeam.membership.id } }, t.leader);
    expect(ok.data!.approveMembership.membership.status).toBe("ACTIVE");
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: "13511112001" } });
    expect(await prisma.notification.count({ where: { accountId: account.id, kind: "MEMBERSHIP_APPROVED" } })).toBe(1);
    expect(await prisma.auditEntry.count({ where: { action: "membership.approve" } })).toBe(1);
    const claimed = await gql(app, CLAIM, { input: { shiftId: shift.shift.id } }, token);
    expect(claimed.data!.claimShift.claim.status).toBe("CONFIRMED");
    const twice = await gql(app, APPROVE, { input: { membershipId: r.data!.joinTeam.membership.id } }, t.leader);
    expect(twice.data!.approveMembership.userErrors[0].code).toBe("CONFLICT");
  });

  it("joins the invitation's squad, counted only after approval", async () => {
    const squad = demo.squads.find((s) => s.name === "校园安保")!;
    const i = await invite(t.officer!, { squadId: gid("Squad", squad.id) });
    const r = await join(i.code, "13511112002");
    const volunteer = await prisma.volunteer.findUniqueOrThrow({ where: { phone: "13511112002" } });
    const squadList = `query ($id: ID!) { node(id: $id) { ... on Squad { members(first: 100) { edges { node { volunteer { id } } } } } } }`;
    const ids = async () => (await gql(app, squadList, { id: gid("Squad", squad.id) }, t.officer)).data!.node.members.edges.map((e: { node: { volunteer: { id: string } } }) => e.node.volunteer.id);
    expect(await ids()).not.toContain(gid("Volunteer", volunteer.id));
    await gql(app, APPROVE, { input: { membershipId: r.data!.joinTeam.membership.id } }, t.officer);
    expect(await ids()).toContain(gid("Volunteer", volunteer.id));
  });

  it("rejects with a reason the person is told; the invitation's limits, expiry and revocation hold", async () => {
    const i = await invite(t.officer!, { maxUses: 1 });
    const r = await join(i.code, "13511112003");
    const full = await join(i.code, "13511112004");
    expect(full.data!.joinTeam.userErrors[0].code).toBe("CONFLICT");
    expect(await prisma.account.count({ where: { phone: "13511112004" } })).toBe(0);
    const noReason = await gql(app, REJECT, { input: { membershipId: r.data!.joinTeam.membership.id, reason: " " } }, t.officer);
    expect(noReason.data!.rejectMembership.userErrors[0].field).toEqual(["input", "reason"]);
    const rej = await gql(app, REJECT, { input: { membershipId: r.data!.joinTeam.membership.id, reason: "请先参加岗前培训" } }, t.officer);
    expect(rej.data!.rejectMembership.userErrors).toEqual([]);
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: "13511112003" } });
    const note = await prisma.notification.findFirstOrThrow({ where: { accountId: account.id, kind: "MEMBERSHIP_REJECTED" } });
    expect(note.body).toContain("请先参加岗前培训");
    expect(await prisma.teamMembership.count({ where: { volunteer: { phone: "13511112003" } } })).toBe(0);

    const open = await invite(t.officer!);
    const revoked = await gql(app, REVOKE, { input: { inviteId: open.id } }, t.officer);
    expect(revoked.data!.revokeTeamInvite.invite.state).toBe("REVOKED");
    expect((await join(open.code, "13511112005")).data!.joinTeam.userErrors[0].code).toBe("CONFLICT");
    await prisma.teamInvite.update({ where: { id: (await prisma.teamInvite.findUniqueOrThrow({ where: { code: i.code } })).id }, data: { maxUses: 10, expiresAt: new Date(Date.now() - 1000) } });
    expect((await join(i.code, "13511112006")).data!.joinTeam.userErrors[0].code).toBe("CONFLICT");
    expect((await join("NOSUCHCODE12", "13511112007")).data!.joinTeam.userErrors[0].code).toBe("NOT_FOUND");
    const noTerms = await join((await invite(t.officer!)).code, "13511112008", { acceptTerms: false });
    expect(noTerms.data!.joinTeam.userErrors[0].field).toEqual(["input", "acceptTerms"]);
  });
});

describe("removing an application not yet decided", () => {
  it("tells the applicant as a rejection does (removeTeamMember of a PENDING membership), audited as a removal", async () => {
    const i = await invite(t.officer!);
    const r = await join(i.code, "13511112009");
    expect(r.data!.joinTeam.membership.status).toBe("PENDING");
    const applicant = r.data!.joinTeam.token as string;
    const volunteer = await prisma.volunteer.findUniqueOrThrow({ where: { phone: "13511112009" } });
    const REMOVE_TEAM = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { name } userErrors { code message field } } }`;
    const removed = await gql(app, REMOVE_TEAM, { input: { teamId: gid("Team", demo.haolinshe.id), volunteerId: gid("Volunteer", volunteer.id) } }, t.leader);
    expect(removed.data!.removeTeamMember.userErrors).toEqual([]);
    expect(await prisma.teamMembership.count({ where: { volunteerId: volunteer.id } })).toBe(0);
    const inbox = await gql(app, `{ viewer { notifications(first: 10) { edges { node { kind title body subjectId } } } } }`, {}, applicant);
    expect(inbox.data!.viewer.notifications.edges.map((e: { node: unknown }) => e.node)).toEqual([
      { kind: "MEMBERSHIP_REJECTED", title: "您加入好邻舍义警的申请未通过", body: "队长或民警已撤下您的入队申请。", subjectId: gid("Team", demo.haolinshe.id) },
    ]);
    const membershipId = Buffer.from(r.data!.joinTeam.membership.id, "base64").toString().split(":")[1];
    expect(await prisma.auditEntry.count({ where: { action: "team.removeMember", targetId: membershipId } })).toBe(1);
  });
});

describe("people who already have an account", () => {
  it("never attaches an existing account from the public page without its password", async () => {
    const i = await invite(t.officer!);
    const phone = DEMO_PHONES.changqingOfficer; // an officer of another station, no volunteer record
    const before = await prisma.account.findUniqueOrThrow({ where: { phone } });
    const wrong = await join(i.code, phone, { password: "not-their-pass" });
    expect(wrong.data!.joinTeam.userErrors[0]).toMatchObject({ code: "UNAUTHENTICATED", field: ["input", "password"] });
    expect(await prisma.account.findUniqueOrThrow({ where: { phone } })).toEqual(before);
    expect(await prisma.volunteer.count({ where: { phone } })).toBe(0);
    // A volunteer record registered by a station but never activated is not attachable either.
    await prisma.volunteer.create({ data: { name: "未激活", displayName: "未激活", phone: "13511113001", skills: [] } });
    expect((await join(i.code, "13511113001")).data!.joinTeam.userErrors[0].code).toBe("UNAUTHENTICATED");
    expect(await prisma.account.count({ where: { phone: "13511113001" } })).toBe(0);
  });

  it("lets someone of another station ask to join only signed in as themselves, and waits for approval", async () => {
    const i = await invite(t.officer!);
    const phone = "13900000005"; // a member of 长庆's committee
    const token = await signIn(app, phone);
    const volunteer = await demo.volunteer(phone);
    // An officer of 府山 can neither add nor register them into 府山 directly.
    const add = await gql(app, `mutation ($input: AddTeamMemberInput!) { addTeamMember(input: $input) { userErrors { code } } }`, { input: { teamId: gid("Team", demo.haolinshe.id), volunteerId: gid("Volunteer", volunteer.id) } }, t.officer);
    expect(add.data!.addTeamMember.userErrors[0].code).toMatch(/NOT_FOUND|FORBIDDEN/);
    const r = await gql(app, ACCEPT, { input: { code: i.code } }, token);
    expect(r.data!.acceptTeamInvite.membership).toMatchObject({ status: "PENDING", teamName: "好邻舍义警" });
    // Still only a 长庆 volunteer; their 长庆 rights are untouched.
    const roles = await gql(app, `{ viewer { stations { name } } }`, {}, token);
    expect(roles.data!.viewer.stations.map((s: { name: string }) => s.name)).toEqual(["长庆派出所"]);
    await gql(app, APPROVE, { input: { membershipId: r.data!.acceptTeamInvite.membership.id } }, t.officer);
    const after = await gql(app, `{ viewer { stations { name } } }`, {}, token);
    expect(after.data!.viewer.stations.map((s: { name: string }) => s.name).sort()).toEqual(["府山派出所", "长庆派出所"].sort());
  });

  it("turns a signed-in account without a volunteer record into a pending volunteer, named as they type; a record of the phone not linked to the account is refused", async () => {
    const i = await invite(t.officer!);
    const partner = await prisma.partner.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const contact = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    const nameless = await gql(app, ACCEPT, { input: { code: i.code } }, contact.token);
    expect(nameless.data!.acceptTeamInvite.userErrors).toEqual([{ code: "VALIDATION", message: "请填写姓名", field: ["input", "name"] }]);
    expect(await prisma.volunteer.count({ where: { phone: contact.phone } })).toBe(0);
    const r = await gql(app, ACCEPT, { input: { code: i.code, name: "联络人张" } }, contact.token);
    expect(r.data!.acceptTeamInvite.membership).toMatchObject({ status: "PENDING", teamName: "好邻舍义警" });
    const volunteer = await prisma.volunteer.findUniqueOrThrow({ where: { phone: contact.phone } });
    expect(volunteer).toMatchObject({ name: "联络人张", displayName: "联络人张", specialties: [] });
    expect((await prisma.account.findUniqueOrThrow({ where: { id: contact.accountId } })).volunteerId).toBe(volunteer.id);
    // The same session now answers as a volunteer of the station's team, pending.
    const me = await gql(app, `{ viewer { volunteer { displayName } memberships { status teamName } } }`, {}, contact.token);
    expect(me.data!.viewer).toEqual({ volunteer: { displayName: "联络人张" }, memberships: [{ status: "PENDING", teamName: "好邻舍义警" }] });

    // Someone else registered this phone as a volunteer: that record is never attached from here.
    const other = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    await prisma.volunteer.create({ data: { name: "别人登记", displayName: "别人登记", phone: other.phone, skills: [] } });
    const refused = await gql(app, ACCEPT, { input: { code: i.code, name: "冒名" } }, other.token);
    expect(refused.data!.acceptTeamInvite.userErrors[0]).toMatchObject({ code: "CONFLICT", field: ["input", "code"] });
    expect((await prisma.account.findUniqueOrThrow({ where: { id: other.accountId } })).volunteerId).toBeNull();
    expect((await prisma.volunteer.findUniqueOrThrow({ where: { phone: other.phone } })).name).toBe("别人登记");
  });

  it("lets the owner of an existing account join from the public page with its own password", async () => {
    const i = await invite(t.officer!);
    const phone = "13900000006";
    const r = await join(i.code, phone, { password: "linshe-demo" });
    expect(r.data!.joinTeam.userErrors).toEqual([]);
    expect(r.data!.joinTeam.membership.status).toBe("PENDING");
    // The record stays theirs: name and display name are not overwritten by what was typed.
    expect((await demo.volunteer(phone)).name).not.toBe("新居民");
  });

  it("refuses someone suspended by the station, and someone already in the team", async () => {
    const i = await invite(t.officer!);
    expect((await gql(app, ACCEPT, { input: { code: i.code } }, t.volunteer)).data!.acceptTeamInvite.userErrors[0].code).toBe("CONFLICT");
    const suspended = await demo.volunteer("13800000170");
    await prisma.teamMembership.updateMany({ where: { volunteerId: suspended.id }, data: { status: "SUSPENDED" } });
    const token = await signIn(app, "13800000170");
    const r = await gql(app, ACCEPT, { input: { code: i.code } }, token);
    expect(r.data!.acceptTeamInvite.userErrors[0].code).toBe("CONFLICT");
  });
});
