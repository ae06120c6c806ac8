// Notices reach open apps when their transaction commits (delivered()), not at the readers' next poll:
// with EVENTS_POLL_MS at a minute, a notice that arrives at once was announced after commit. And every
// service that writes notices announces them (a source check, so a new one cannot forget).
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { config } from "../api/src/config.js";
import { prisma } from "../api/src/db.js";
import { notificationStream } from "../api/src/modules/notification/notification.stream.js";
import { gql, signIn, startApp } from "./support/client.js";
import { createAccount, createStation, createVolunteer, DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
const t: Record<string, string> = {};
beforeAll(async () => {
  (config as { eventsPollMs: number }).eventsPollMs = 60_000;
  demo = await seedDemoData();
  app = await startApp();
  t.officer = await signIn(app, DEMO_PHONES.fushanOfficer);
});
afterAll(() => app?.stop());

const CREATE = `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`;
const JOIN = `mutation ($input: JoinTeamInput!) { joinTeam(input: $input) { membership { id } userErrors { code message } } }`;
const APPROVE = `mutation ($input: ApproveMembershipInput!) { approveMembership(input: $input) { userErrors { code message } } }`;
const REJECT = `mutation ($input: RejectMembershipInput!) { rejectMembership(input: $input) { userErrors { code message } } }`;
const SUBMIT = `mutation ($input: SubmitPatrolReportInput!) { submitPatrolReport(input: $input) { report { id } userErrors { code message } } }`;
const REJECT_REPORT = `mutation ($input: RejectPatrolReportInput!) { rejectPatrolReport(input: $input) { userErrors { code message } } }`;
const PUBLISH = `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id } userErrors { code message } } }`;
const START = `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id } userErrors { code message } } }`;
const HOME_WATCH = `mutation ($input: RequestHomeWatchInput!) { requestHomeWatch(input: $input) { confirmationCode userErrors { code message } } }`;
const REVOKE = `mutation ($input: RevokeRoleInput!) { revokeRole(input: $input) { revokedId userErrors { code message } } }`;
const DRAFT = `mutation ($input: DraftAgreementInput!) { draftAgreement(input: $input) { agreement { id } userErrors { code message } } }`;
const CREATE_MEDIATOR = `mutation ($input: CreateMediatorInput!) { createMediator(input: $input) { mediator { id } userErrors { code message } } }`;
const OPEN_CASE = `mutation ($input: OpenMediationCaseInput!) { openMediationCase(input: $input) { case { id } userErrors { code message } } }`;
const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code message } } }`;

/** A new resident applies to 好邻舍义警 by invitation: their membership's global id, volunteer and account. */
async function applicant(phone: string) {
  const inv = await gql(app, CREATE, { input: { teamId: gid("Team", demo.haolinshe.id), expiresAt: new Date(Date.now() + 7 * 86_400_000).toISOString(), maxUses: 5 } }, t.officer);
  const r = await gql(app, JOIN, {
    input: { code: inv.data!.createTeamInvite.invite.code, name: "新居民", displayName: `居民${phone.slice(-4)}`, phone, password: "join-pass-1", specialties: ["NIGHT_PATROL"], acceptTerms: true },
  });
  expect(r.data!.joinTeam.userErrors).toEqual([]);
  const membershipId = r.data!.joinTeam.membership.id as string;
  const row = await prisma.teamMembership.findUniqueOrThrow({ where: { id: Buffer.from(membershipId, "base64").toString().split(":")[1]! } });
  const account = await prisma.account.findFirstOrThrow({ where: { volunteerId: row.volunteerId } });
  return { membershipId, volunteerId: row.volunteerId, accountId: account.id };
}

/** The kind of the next notice of the account's live stream, or "none" after 3 s (the poll is a minute away). */
async function nextNotice(accountId: string, act: () => Promise<unknown>): Promise<string> {
  const it = notificationStream.subscribe(accountId, null);
  try {
    await act();
    const got = await Promise.race([it.next(), new Promise<null>((r) => setTimeout(() => r(null), 3000))]);
    return got && !got.done ? got.value.kind : "none";
  } finally {
    await it.return?.();
  }
}

describe("notices are announced when their transaction commits", () => {
  it("approving, rejecting and a status change reach the open app at once", async () => {
    const a = await applicant("13511117001");
    expect(await nextNotice(a.accountId, () => gql(app, APPROVE, { input: { membershipId: a.membershipId } }, t.officer))).toBe("MEMBERSHIP_APPROVED");
    const b = await applicant("13511117002");
    expect(await nextNotice(b.accountId, () => gql(app, REJECT, { input: { membershipId: b.membershipId, reason: "名额已满" } }, t.officer))).toBe("MEMBERSHIP_REJECTED");
    const status = () => gql(app, STATUS, { input: { stationId: gid("Station", demo.fushan.id), volunteerIds: [gid("Volunteer", a.volunteerId)], status: "SUSPENDED", reason: "暂停一周" } }, t.officer);
    expect(await nextNotice(a.accountId, status)).toBe("MEMBERSHIP_STATUS_CHANGED");
  });

  it("a finding's rejection reaches its reporter at once", async () => {
    const volunteer = await signIn(app, "13800000150");
    const reporter = await prisma.account.findUniqueOrThrow({ where: { phone: "13800000150" } });
    const submitted = await gql(app, SUBMIT, { input: { stationId: gid("Station", demo.fushan.id), category: "OTHER", description: "路灯不亮", place: "府山街道仓桥直街" } }, volunteer);
    expect(submitted.data!.submitPatrolReport.userErrors).toEqual([]);
    const reject = () => gql(app, REJECT_REPORT, { input: { reportId: submitted.data!.submitPatrolReport.report.id, reason: "已有人上报" } }, t.officer);
    expect(await nextNotice(reporter.id, reject)).toBe("PATROL_REPORT_UPDATED");
  });

  it("a bulletin, a call-up and a home-watch request reach the open app at once", async () => {
    // a member of one of 好邻舍义警's squads, with an account
    const member = await prisma.squadMembership.findFirstOrThrow({
      where: { squadId: { in: demo.squads.map((q) => q.id) }, role: "MEMBER", volunteer: { account: { isNot: null }, status: "ACTIVE" } },
      include: { volunteer: { include: { account: true } } },
      orderBy: { volunteerId: "asc" },
    });
    const accountId = member.volunteer.account!.id;
    const bulletin = () =>
      gql(app, PUBLISH, { input: { stationId: gid("Station", demo.fushan.id), title: "台风预警", body: "今晚注意门窗", category: "NOTICE", audience: { wholeStation: false, squadIds: [gid("Squad", member.squadId)] } } }, t.officer);
    expect(await nextNotice(accountId, bulletin)).toBe("BULLETIN");
    const callUp = () =>
      gql(app, START, {
        input: { stationId: gid("Station", demo.fushan.id), reason: "寻找走失老人", place: "府山街道", latitude: 30.0, longitude: 120.58, radiusMeters: 50_000, wanted: 50, escalateAfterMinutes: 30, squadIds: [gid("Squad", member.squadId)] },
      }, t.officer);
    expect(await nextNotice(accountId, callUp)).toBe("MOBILIZATION");
    const officer = await prisma.accountRole.findFirstOrThrow({ where: { role: "OFFICER", stationId: demo.changqing.id } });
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.changqing.id }, orderBy: { name: "asc" } });
    const day = (n: number) => new Date(Date.now() + n * 86_400_000).toISOString();
    const ask = () =>
      gql(app, HOME_WATCH, { input: { stationId: gid("Station", demo.changqing.id), gridId: gid("Grid", grid.id), name: "周阿姨", phone: "13655557777", address: "吴牙社区5幢", awayFrom: day(1), awayTo: day(4) } });
    expect(await nextNotice(officer.accountId, ask)).toBe("HOME_WATCH_REQUESTED");
  });

  it("a revoked role is told to its holder at once", async () => {
    const partner = await prisma.partner.findFirstOrThrow({ where: { stationId: demo.fushan.id }, orderBy: { name: "asc" } });
    const holder = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    const role = await prisma.accountRole.findFirstOrThrow({ where: { accountId: holder.accountId } });
    const revoke = () => gql(app, REVOKE, { input: { assignmentId: gid("RoleAssignment", role.id) } }, t.officer);
    expect(await nextNotice(holder.accountId, revoke)).toBe("OTHER");
    expect(await prisma.accountRole.count({ where: { id: role.id } })).toBe(0);
  });

  it("an agreement drafted for a partner reaches its contact's app at once (协议待签署)", async () => {
    const partner = await prisma.partner.create({ data: { stationId: demo.fushan.id, name: "送达测试物业", kind: "PROPERTY_MANAGEMENT" } });
    const contact = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    const day = 86_400_000;
    const draft = () =>
      gql(app, DRAFT, {
        input: {
          partnerId: gid("Partner", partner.id), title: "共建协议", terms: "每月派出巡逻人员", effectiveFrom: new Date(Date.now() - day).toISOString(), effectiveTo: new Date(Date.now() + 365 * day).toISOString(),
          obligations: [{ kind: "PATROL_PERSON_SHIFTS", quantity: 8, period: "MONTH" }],
        },
      }, t.officer);
    expect(await nextNotice(contact.accountId, draft)).toBe("AGREEMENT_TO_SIGN");
  });

  it("a mediator put on a new case is told at once (新的调解案件)", async () => {
    const { station, officer, team } = await createStation();
    const person = await createVolunteer({ teamId: team.id, specialties: ["MEDIATION"] });
    const made = await gql(app, CREATE_MEDIATOR, { input: { stationId: gid("Station", station.id), volunteerId: gid("Volunteer", person.id) } }, officer.token);
    expect(made.data!.createMediator.userErrors).toEqual([]);
    const open = () =>
      gql(app, OPEN_CASE, {
        input: { stationId: gid("Station", station.id), category: "NEIGHBOUR", summary: "邻里噪音", source: "RESIDENT", parties: [{ name: "孙七", role: "APPLICANT" }], mediatorIds: [made.data!.createMediator.mediator.id] },
      }, officer.token);
    expect(await nextNotice(person.accountId, open)).toBe("MEDIATION_ASSIGNED");
  });

  it("every module that writes notices announces them (delivered / thenDelivered)", () => {
    const root = path.join(import.meta.dirname, "../api/src/modules");
    const forgot: string[] = [];
    for (const dir of readdirSync(root)) {
      for (const f of readdirSync(path.join(root, dir)).filter((f) => f.endsWith(".ts"))) {
        if (f === "notification.service.ts") continue;
        const text = readFileSync(path.join(root, dir, f), "utf8");
        if (/[^\w.](notify|notifyVolunteers|notifyUrgent)\(/.test(text) && !/\b(delivered|thenDelivered)\b/.test(text)) forgot.push(`${dir}/${f}`);
        // after commit only: .finally(delivered) also announces a transaction that rolled back
        if (/\.finally\(\s*(delivered|thenDelivered)\s*\)/.test(text)) forgot.push(`${dir}/${f}: .finally(delivered)`);
      }
    }
    expect(forgot).toEqual([]);
  });
});
