// Tried as every role of both demo stations would: `node`/`nodes` on real IDs of every Node type,
// and every mutation a role must not run against the other station. Expected: 0 leaks, nothing
// written. The expectations are written here from the product's rules, not read from the policy.
import { GraphQLObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { createSession } from "../api/src/auth/sessions.js";
import { codeHash } from "../api/src/auth/tokens.js";
import { prisma } from "../api/src/db.js";
import { schema } from "../api/src/schema/index.js";
import { gql, gqlWithFiles, startApp } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";

let app: App;
type StationKey = "fushan" | "changqing";
type Role = "volunteer" | "squadLeader" | "teamLeader" | "officer" | "partnerAdmin" | "regionAdmin";
const ROLES: Role[] = ["volunteer", "squadLeader", "teamLeader", "officer", "partnerAdmin", "regionAdmin"];
const tokens = {} as Record<StationKey, Record<Role, string>>;
const people = {} as Record<StationKey, Record<Role, { accountId: string; volunteerId: string | null }>>;
/** Node IDs of every type, by the station they belong to. */
const nodes = {} as Record<StationKey, { type: string; id: string; volunteerId?: string; submittedBy?: string; published?: boolean; accountId?: string; pending?: boolean; accountOf?: Role }[]>;
/** Resources of each station that mutations aim at. */
const target = {} as Record<StationKey, Record<string, string>>;
const other = (s: StationKey): StationKey => (s === "fushan" ? "changqing" : "fushan");

async function token(phone: string) {
  const a = await prisma.account.findUniqueOrThrow({ where: { phone } });
  return { token: (await createSession(prisma, a.id)).token, accountId: a.id, volunteerId: a.volunteerId };
}

/** Builds, for one station, at least one object of every Node type, and its role-holders. */
async function furnish(key: StationKey, stationId: string, teamId: string, ids: { officer: string; leader: string; volunteer: string }) {
  const phones = { ...ids } as Record<string, string>;
  const team = await prisma.team.findUniqueOrThrow({ where: { id: teamId } });
  const members = await prisma.teamMembership.findMany({ where: { teamId, role: "MEMBER" }, include: { volunteer: true }, orderBy: { id: "asc" } });
  const vol = members.find((m) => m.volunteer.phone === ids.volunteer)!.volunteer;
  const squadLeaderVol = members.find((m) => m.volunteer.phone !== ids.volunteer)!.volunteer;
  const subject = members.find((m) => m.volunteerId !== vol.id && m.volunteerId !== squadLeaderVol.id)!.volunteer;
  const squad = await prisma.squad.create({
    data: {
      teamId,
      name: `访问测试小队${key}`,
      specialty: "COMMUNITY_GRID",
      members: { create: [{ volunteerId: squadLeaderVol.id, role: "LEADER" }, { volunteerId: vol.id }, { volunteerId: subject.id }] },
    },
  });
  phones.squadLeader = squadLeaderVol.phone;
  await prisma.account.upsert({ where: { phone: squadLeaderVol.phone }, create: { phone: squadLeaderVol.phone, passwordHash: "!", volunteerId: squadLeaderVol.id }, update: {} });
  await prisma.account.upsert({ where: { phone: vol.phone }, create: { phone: vol.phone, passwordHash: "!", volunteerId: vol.id }, update: {} });
  const partner = await prisma.partner.create({ data: { stationId, name: `访问测试单位${key}`, kind: "ENTERPRISE", contactName: "联络人", contactPhone: "13611112222" } });
  await prisma.volunteer.update({ where: { id: subject.id }, data: { partnerId: partner.id } });
  const adminPhone = key === "fushan" ? "13600000001" : "13600000002";
  await prisma.account.create({ data: { phone: adminPhone, passwordHash: "!", roles: { create: { role: "PARTNER_ADMIN", partnerId: partner.id } } } });
  phones.partnerAdmin = adminPhone;
  const community = await prisma.community.findFirstOrThrow({ where: { stationId } });
  const grid = await prisma.grid.findFirstOrThrow({ where: { stationId } });
  const officerAccount = await prisma.account.findUniqueOrThrow({ where: { phone: ids.officer } });
  const start = new Date(Date.now() + 86_400_000);
  const shift = await prisma.shift.create({
    data: { stationId, teamId, squadId: squad.id, gridId: grid.id, kind: "PATROL", title: `访问测试班次${key}`, startsAt: start, endsAt: new Date(start.getTime() + 3600_000), capacity: 5, postCode: "123456", createdById: officerAccount.id, confirmedCount: 1 },
  });
  const claim = await prisma.shiftClaim.create({ data: { shiftId: shift.id, volunteerId: subject.id, status: "CONFIRMED", confirmedAt: new Date() } });
  await prisma.rotationSlot.create({ data: { stationId, shiftId: shift.id, partnerId: partner.id } });
  const deed = await prisma.goodDeed.create({
    data: { stationId, teamId, volunteerId: subject.id, category: "OTHER", title: "访问测试事迹", story: "……", occurredAt: new Date(), submittedById: officerAccount.id, status: "APPROVED" },
  });
  const pending = await prisma.goodDeed.create({
    data: { stationId, teamId, volunteerId: subject.id, category: "OTHER", title: "待审事迹", story: "……", occurredAt: new Date(), submittedById: officerAccount.id },
  });
  const commendation = await prisma.commendation.create({ data: { goodDeedId: deed.id, stationId, teamId, volunteerId: subject.id } });
  const published = await prisma.boardEdition.create({
    data: { stationId, teamId, title: `公开榜${key}`, publishedById: officerAccount.id, entries: { create: { commendationId: commendation.id, position: 0 } } },
    include: { entries: true },
  });
  const withdrawn = await prisma.boardEdition.create({
    data: { stationId, teamId, title: `撤回榜${key}`, publishedById: officerAccount.id, withdrawnAt: new Date(), entries: { create: { commendationId: commendation.id, position: 0 } } },
    include: { entries: true },
  });
  const entry = await prisma.pointsEntry.create({ data: { volunteerId: subject.id, stationId, amount: 100, reason: "ADJUSTMENT", source: `access-test:${key}` } });
  const reward = await prisma.reward.create({ data: { stationId, name: `访问测试奖品${key}`, cost: 10, stock: 5 } });
  const redemption = await prisma.redemption.create({ data: { rewardId: reward.id, volunteerId: subject.id, cost: 10 } });
  await prisma.pointsEntry.create({ data: { volunteerId: subject.id, stationId, amount: -10, reason: "REDEMPTION", source: `redemption:${redemption.id}` } });
  const agreement = await prisma.agreement.create({ data: { stationId, partnerId: partner.id, createdById: officerAccount.id } });
  const version = await prisma.agreementVersion.create({
    data: { agreementId: agreement.id, version: 1, title: "访问测试协议", terms: "……", effectiveFrom: new Date(), effectiveTo: new Date(Date.now() + 365 * 86_400_000), textHash: "x", createdById: officerAccount.id },
  });
  const event = await prisma.agreementEvent.create({ data: { agreementId: agreement.id, kind: "DRAFTED", version: 1, side: "STATION" } });
  const enrollment = await prisma.enrollment.create({
    data: { stationId, teamId, name: "待激活", displayName: "待激活", phone: key === "fushan" ? "13511110001" : "13511110002", codeHash: codeHash("X"), expiresAt: new Date(Date.now() + 86_400_000), createdById: officerAccount.id },
  });
  // Casework: a report by the station's volunteer assigned to its partner; a case mediated by the
  // squad leader; a home-watch request visited by the volunteer.
  const volAccount = await prisma.account.findUniqueOrThrow({ where: { phone: vol.phone } });
  const report = await prisma.patrolReport.create({
    data: { stationId, gridId: grid.id, reporterAccountId: volAccount.id, reporterVolunteerId: vol.id, category: "FIRE_HAZARD", description: `访问测试隐患${key}`, status: "ASSIGNED", assignedPartnerId: partner.id, assignedAt: new Date() },
  });
  await prisma.photo.create({ data: { stationId, key: `2026/11/${key === "fushan" ? "0" : "1"}0000000-0000-7000-8000-000000000001.jpg`, thumbKey: `2026/11/${key === "fushan" ? "0" : "1"}0000000-0000-7000-8000-000000000001-thumb.jpg`, contentType: "image/jpeg", width: 1, height: 1, bytes: 1, purpose: "REPORT", reportId: report.id, uploadedById: volAccount.id } });
  const mediator = await prisma.mediator.create({ data: { stationId, volunteerId: squadLeaderVol.id, displayName: `调解员${key}`, years: 5, fields: ["NEIGHBOUR"] } });
  const mediationCase = await prisma.mediationCase.create({
    data: {
      stationId, category: "NEIGHBOUR", summary: "楼上漏水", source: "RESIDENT", openedById: officerAccount.id,
      parties: { create: [{ name: "王大明", phone: "13712345678", role: "APPLICANT", position: 0 }] },
      mediators: { create: { mediatorId: mediator.id } },
    },
  });
  const session = await prisma.mediationSession.create({ data: { caseId: mediationCase.id, heldAt: new Date(), notes: "双方到场", recordedById: officerAccount.id } });
  const homeWatch = await prisma.homeWatchRequest.create({
    data: { stationId, gridId: grid.id, codeHash: `access-${key}`, name: "李阿姨", phone: "13798765432", address: "府山街道某小区3幢", awayFrom: new Date(), awayTo: new Date(Date.now() + 7 * 86_400_000), status: "APPROVED", teamId, decidedById: officerAccount.id },
  });
  const watchShift = await prisma.shift.create({
    data: { stationId, teamId, gridId: grid.id, kind: "HOME_WATCH", title: "长假照看", startsAt: start, endsAt: new Date(start.getTime() + 3600_000), capacity: 1, postCode: "654321", createdById: officerAccount.id, confirmedCount: 1, homeWatchRequestId: homeWatch.id },
  });
  await prisma.shiftClaim.create({ data: { shiftId: watchShift.id, volunteerId: vol.id, status: "CONFIRMED", confirmedAt: new Date() } });
  const visit = await prisma.homeWatchVisit.create({ data: { stationId, requestId: homeWatch.id, shiftId: watchShift.id, volunteerId: vol.id, recordedById: volAccount.id, visitedAt: new Date(), result: "ALL_FINE" } });

  const audit = await prisma.auditEntry.create({ data: { stationId, actorId: officerAccount.id, action: "points.adjust", targetType: "PointsEntry", targetId: entry.id, summary: "访问测试" } });
  const notification = await prisma.notification.create({ data: { accountId: volAccount.id, stationId, kind: "BULLETIN", title: `访问测试通知${key}` } });
  const bulletin = await prisma.bulletin.create({ data: { stationId, title: `内部提醒${key}`, body: "……", category: "NOTICE", wholeStation: true, publishedById: officerAccount.id } });
  const publicBulletin = await prisma.bulletin.create({ data: { stationId, title: `公开提醒${key}`, body: "……", category: "FRAUD_WARNING", public: true, wholeStation: true, publishedById: officerAccount.id } });
  const mobilization = await prisma.mobilization.create({
    data: { stationId, reason: `访问测试召集${key}`, place: "网格", latitude: 30, longitude: 120, radiusMeters: 500, wanted: 3, escalateAfterMinutes: 10, startedById: officerAccount.id },
  });
  const responder = await prisma.mobilizationResponder.create({ data: { mobilizationId: mobilization.id, volunteerId: subject.id, wave: 1, distanceMeters: 120 } });
  const teamMembership = await prisma.teamMembership.findFirstOrThrow({ where: { teamId, volunteerId: subject.id } });
  const squadMembership = await prisma.squadMembership.findFirstOrThrow({ where: { squadId: squad.id, volunteerId: subject.id } });
  // A county above the station, its admin, an invitation and an application waiting for approval.
  const region = await prisma.region.create({ data: { name: key === "fushan" ? "绍兴市公安局" : "杭州市公安局", city: key === "fushan" ? "绍兴市" : "杭州市" } });
  await prisma.station.update({ where: { id: stationId }, data: { regionId: region.id } });
  const regionAdminPhone = key === "fushan" ? "13600000011" : "13600000012";
  await prisma.account.create({ data: { phone: regionAdminPhone, passwordHash: "!", roles: { create: { role: "REGION_ADMIN", regionId: region.id } } } });
  phones.regionAdmin = regionAdminPhone;
  const officerRole = await prisma.accountRole.findFirstOrThrow({ where: { accountId: officerAccount.id, role: "OFFICER" } });
  const partnerAdminRole = await prisma.accountRole.findFirstOrThrow({ where: { account: { phone: adminPhone }, role: "PARTNER_ADMIN" } });
  const invite = await prisma.teamInvite.create({ data: { stationId, teamId, code: key === "fushan" ? "ACCESSFUSHAN" : "ACCESSCHANGQ", expiresAt: new Date(Date.now() + 86_400_000), maxUses: 10, createdById: officerAccount.id } });
  const applicant = await prisma.volunteer.create({ data: { name: "申请人", displayName: `申请人${key}`, phone: key === "fushan" ? "13511119001" : "13511119002", skills: [] } });
  const pendingMembership = await prisma.teamMembership.create({ data: { teamId, volunteerId: applicant.id, status: "PENDING", inviteId: invite.id } });

  const s = subject.id;
  // An officer's appointment waiting for the person's code (a volunteer's account is in use).
  const roleOffer = await prisma.roleOffer.create({ data: { accountId: (await prisma.account.findFirstOrThrow({ where: { volunteerId: s } })).id, role: "OFFICER", stationId, codeHash: codeHash("Y"), expiresAt: new Date(Date.now() + 86_400_000) } });
  nodes[key] = [
    { type: "Station", id: stationId },
    { type: "Community", id: community.id },
    { type: "Grid", id: grid.id },
    { type: "Team", id: team.id },
    { type: "Squad", id: squad.id },
    { type: "TeamMembership", id: teamMembership.id, volunteerId: s },
    { type: "SquadMembership", id: squadMembership.id, volunteerId: s },
    { type: "Volunteer", id: s, volunteerId: s },
    { type: "Partner", id: partner.id },
    { type: "Shift", id: shift.id },
    { type: "ShiftClaim", id: claim.id, volunteerId: s },
    { type: "GoodDeed", id: pending.id, volunteerId: s, submittedBy: officerAccount.id },
    { type: "Commendation", id: commendation.id },
    { type: "CommendationBoardEdition", id: published.id, published: true },
    { type: "CommendationBoardEdition", id: withdrawn.id, published: true }, // an edition's title stays public
    { type: "CommendationBoardEntry", id: published.entries[0]!.id, published: true },
    { type: "CommendationBoardEntry", id: withdrawn.entries[0]!.id, published: false },
    { type: "PointsEntry", id: entry.id, volunteerId: s },
    { type: "Reward", id: reward.id },
    { type: "Redemption", id: redemption.id, volunteerId: s },
    { type: "Agreement", id: agreement.id },
    { type: "AgreementVersion", id: version.id },
    { type: "AgreementEvent", id: event.id },
    { type: "Enrollment", id: enrollment.id },
    { type: "PatrolReport", id: report.id },
    { type: "Mediator", id: mediator.id, published: true }, // the public profile (警调超市)
    { type: "MediationCase", id: mediationCase.id },
    { type: "MediationSession", id: session.id },
    { type: "HomeWatchRequest", id: homeWatch.id },
    { type: "HomeWatchVisit", id: visit.id, volunteerId: vol.id },
    { type: "Region", id: region.id },
    { type: "TeamInvite", id: invite.id },
    { type: "RoleAssignment", id: officerRole.id, accountId: officerAccount.id },
    { type: "RoleAssignment", id: partnerAdminRole.id, accountId: partnerAdminRole.accountId },
    { type: "TeamMembership", id: pendingMembership.id, volunteerId: applicant.id, pending: true },
    { type: "AuditEntry", id: String(audit.id) },
    { type: "Notification", id: String(notification.id), accountOf: "volunteer" },
    { type: "Bulletin", id: bulletin.id },
    { type: "Bulletin", id: publicBulletin.id, published: true },
    { type: "Mobilization", id: mobilization.id },
    { type: "MobilizationResponder", id: responder.id, volunteerId: s },
  ];
  target[key] = {
    station: stationId, team: teamId, squad: squad.id, volunteer: s, partner: partner.id, shift: shift.id, claim: claim.id,
    deed: pending.id, commendation: commendation.id, edition: published.id, entry: entry.id, reward: reward.id,
    redemption: redemption.id, agreement: agreement.id, enrollment: enrollment.id, roleOffer: roleOffer.id,
    report: report.id, mediator: mediator.id, case: mediationCase.id, homeWatch: homeWatch.id, watchShift: watchShift.id,
    region: region.id, invite: invite.id, officerRole: officerRole.id, pendingMembership: pendingMembership.id,
    bulletin: bulletin.id, mobilization: mobilization.id, grid: grid.id, community: community.id, notification: String(notification.id),
  };
  tokens[key] = {} as Record<Role, string>;
  people[key] = {} as Record<Role, { accountId: string; volunteerId: string | null }>;
  const rolePhones: Record<Role, string> = { volunteer: ids.volunteer, squadLeader: phones.squadLeader!, teamLeader: ids.leader, officer: ids.officer, partnerAdmin: phones.partnerAdmin!, regionAdmin: phones.regionAdmin! };
  for (const role of ROLES) {
    const t = await token(rolePhones[role]);
    tokens[key][role] = t.token;
    people[key][role] = { accountId: t.accountId, volunteerId: t.volunteerId };
  }
}

beforeAll(async () => {
  const demo = await seedDemoData();
  app = await startApp();
  await furnish("fushan", demo.fushan.id, demo.haolinshe.id, { officer: DEMO_PHONES.fushanOfficer, leader: DEMO_PHONES.haolinsheLeader, volunteer: "13800000150" });
  await furnish("changqing", demo.changqing.id, demo.committee.id, { officer: DEMO_PHONES.changqingOfficer, leader: "13900000001", volunteer: "13900000005" });
  // The station a public home-watch request would be aimed at instead of the grid's own.
  target.fushan!.elsewhere = demo.changqing.id;
  target.changqing!.elsewhere = demo.fushan.id;
});
afterAll(() => app?.stop());

const NODE = `query ($id: ID!) { node(id: $id) { __typename id } }`;
const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;

/** What a role may never read, by the product's rules. */
function forbiddenRead(role: Role | "anonymous", viewerStation: StationKey | null, owner: StationKey, n: (typeof nodes)[StationKey][number], self: string | null, selfAccount: string | null): boolean {
  if (n.published) return false; // the public board
  if (role === "anonymous" || viewerStation !== owner) return true;
  if (n.volunteerId && n.volunteerId === self) return false;
  if (n.accountOf) return role !== n.accountOf; // an inbox is its account's alone
  if (n.type === "MobilizationResponder") return role !== "officer"; // the call-up's board
  if (n.accountId && n.accountId === selfAccount) return false;
  // A region admin sees the structure of its stations and their officers, nothing of their people.
  if (role === "regionAdmin") return !["Station", "Community", "Grid", "Region"].includes(n.type) && !(n.type === "RoleAssignment" && n.accountId === people[owner].officer.accountId);
  if (n.type === "Region") return true;
  if (n.type === "TeamInvite" || n.pending) return role !== "officer" && role !== "teamLeader";
  if (n.type === "RoleAssignment") return n.accountId === people[owner].officer.accountId ? role !== "officer" : role !== "officer" && role !== "partnerAdmin";
  // Casework: who reads each, by the product's rules (the reporter, the assignee; a case's own
  // mediators; the visiting team's leaders and the visitor).
  const casework: Record<string, Role[]> = {
    PatrolReport: ["officer", "volunteer", "partnerAdmin"],
    MediationCase: ["officer", "squadLeader"],
    MediationSession: ["officer", "squadLeader"],
    HomeWatchRequest: ["officer", "teamLeader"],
    HomeWatchVisit: ["officer", "teamLeader", "volunteer"],
  };
  if (casework[n.type]) return !casework[n.type]!.includes(role);
  const officerOnly = ["Enrollment", "AuditEntry", "Bulletin"]; // an internal bulletin sent to nobody here
  const parties = ["Agreement", "AgreementVersion", "AgreementEvent"];
  const personal = ["ShiftClaim", "PointsEntry", "Redemption", "GoodDeed"];
  if (officerOnly.includes(n.type)) return role !== "officer";
  if (parties.includes(n.type)) return role !== "officer" && role !== "partnerAdmin";
  if (personal.includes(n.type)) {
    if (n.type === "Redemption") return role !== "officer";
    if (n.type === "GoodDeed") return role !== "officer" && role !== "teamLeader";
    if (n.type === "ShiftClaim") return role === "volunteer"; // leaders run the shift; the partner follows its own people
    return role === "volunteer" || role === "partnerAdmin";
  }
  return false;
}

describe("no reads across the access boundary", () => {
  it("covers every Node type of the schema in both stations", () => {
    const nodeTypes = Object.values(schema.getTypeMap())
      .filter((t) => t instanceof GraphQLObjectType && t.getInterfaces().some((i) => i.name === "Node"))
      .map((t) => t.name)
      .sort();
    for (const key of ["fushan", "changqing"] as const) expect([...new Set(nodes[key].map((n) => n.type))].sort()).toEqual(nodeTypes);
  });

  it("answers node and nodes with null for everything a role must not see: 0 leaks", async () => {
    const leaks: string[] = [];
    const viewers: { role: Role | "anonymous"; station: StationKey | null; token: string | null; self: string | null; account: string | null }[] = [{ role: "anonymous", station: null, token: null, self: null, account: null }];
    for (const station of ["fushan", "changqing"] as const) for (const role of ROLES) viewers.push({ role, station, token: tokens[station][role], self: people[station][role].volunteerId, account: people[station][role].accountId });
    let reads = 0;
    const all = (["fushan", "changqing"] as const).flatMap((owner) => nodes[owner].map((n) => ({ owner, n })));
    // Per viewer, batches of IDs each through `node` (aliased) and all of them through `nodes`; a
    // batch stays within the operation limits (GRAPHQL_MAX_ALIASES).
    const BATCH = 10;
    for (const v of viewers) {
      for (let start = 0; start < all.length; start += BATCH) {
        const batch = all.slice(start, start + BATCH);
        const query = `query (${batch.map((_, i) => `$id${i}: ID!`).join(", ")}, $ids: [ID!]!) {
          ${batch.map((_, i) => `n${i}: node(id: $id${i}) { __typename id }`).join("\n")}
          many: nodes(ids: $ids) { __typename id }
        }`;
        const variables = Object.fromEntries([...batch.map(({ n }, i) => [`id${i}`, gid(n.type, n.id)]), ["ids", batch.map(({ n }) => gid(n.type, n.id))]]);
        const res = await gql(app, query, variables, v.token);
        if (res.errors) leaks.push(`${v.role}@${v.station ?? "-"} got errors: ${JSON.stringify(res.errors)}`);
        for (const [i, { owner, n }] of batch.entries()) {
          reads++;
          const mustNot = forbiddenRead(v.role, v.station, owner, n, v.self, v.account);
          if (mustNot && (res.data?.[`n${i}`] || res.data?.many?.[i])) leaks.push(`${v.role}@${v.station ?? "-"} read ${owner}'s ${n.type}`);
        }
      }
    }
    expect(reads).toBeGreaterThan(500);
    expect(leaks).toEqual([]);
  });

  it("masks a volunteer's phone, ID number and name for everyone but the person, their leaders and their station's officers", async () => {
    const q = `query ($id: ID!) { node(id: $id) { ... on Volunteer { name phone idNumber } } }`;
    const subject = target.fushan.volunteer!;
    const full = await prisma.volunteer.findUniqueOrThrow({ where: { id: subject } });
    for (const role of ROLES) {
      const res = (await gql(app, q, { id: gid("Volunteer", subject) }, tokens.fushan[role])).data!.node;
      if (role === "regionAdmin") {
        expect(res, role).toBeNull(); // the county sees the station's structure, not its people
        continue;
      }
      const entitled = role === "squadLeader" || role === "teamLeader" || role === "officer";
      expect(res.phone === full.phone, role).toBe(entitled);
      expect(res.name === full.name, role).toBe(entitled);
    }
  });
});

// Inputs aimed at the other station's resources. Every mutation of the schema is here, or below
// as one that only ever acts on the caller's own account.
// joinTeam and acceptTeamInvite act on the caller's own account: the invitation's code is the capability
// to ask, and the answer is a PENDING membership that grants nothing (tested in test/county.test.ts).
const OWN_ACCOUNT_ONLY = ["signIn", "activateAccount", "confirmRoleOffer", "closeMyAccount", "signOut", "signOutEverywhere", "changePassword", "updateMyPrivacy", "markNotificationsRead", "updateNotificationPreferences", "resetCalendarFeed", "joinTeam", "acceptTeamInvite"];
const g = (type: string, id: string) => gid(type, id);
const ATTACKS: Record<string, (t: Record<string, string>) => Record<string, unknown>> = {
  acceptEnrollment: (t) => ({ enrollmentId: g("Enrollment", t.enrollment!), code: "ABCDEFGHJK" }),
  declineEnrollment: (t) => ({ enrollmentId: g("Enrollment", t.enrollment!), code: "ABCDEFGHJK" }),
  cancelEnrollment: (t) => ({ enrollmentId: g("Enrollment", t.enrollment!) }),
  renewEnrollmentCode: (t) => ({ enrollmentId: g("Enrollment", t.enrollment!) }),
  withdrawRoleOffer: (t) => ({ offerId: g("RoleOffer", t.roleOffer!) }),
  registerVolunteer: (t) => ({ teamId: g("Team", t.team!), name: "越界", phone: "13522223333" }),
  addSquadMember: (t) => ({ squadId: g("Squad", t.squad!), volunteerId: g("Volunteer", t.volunteer!) }),
  removeSquadMember: (t) => ({ squadId: g("Squad", t.squad!), volunteerId: g("Volunteer", t.volunteer!) }),
  setSquadLeader: (t) => ({ squadId: g("Squad", t.squad!), volunteerId: g("Volunteer", t.volunteer!) }),
  addTeamMember: (t) => ({ teamId: g("Team", t.team!), volunteerId: g("Volunteer", t.volunteer!), role: "LEADER" }),
  removeTeamMember: (t) => ({ teamId: g("Team", t.team!), volunteerId: g("Volunteer", t.volunteer!) }),
  createTeam: (t) => ({ stationId: g("Station", t.station!), name: "越界队伍" }),
  updateTeam: (t) => ({ teamId: g("Team", t.team!), name: "越界改名" }),
  createSquad: (t) => ({ teamId: g("Team", t.team!), name: "越界小队", specialty: "TRAFFIC" }),
  updateSquad: (t) => ({ squadId: g("Squad", t.squad!), name: "越界改名" }),
  updateStationSettings: (t) => ({ stationId: g("Station", t.station!), checkInRadiusMeters: 999 }),
  adjustPoints: (t) => ({ volunteerId: g("Volunteer", t.volunteer!), stationId: g("Station", t.station!), amount: 500, note: "越界" }),
  reversePointsEntry: (t) => ({ entryId: g("PointsEntry", t.entry!), note: "越界" }),
  updatePointsRules: (t) => ({ stationId: g("Station", t.station!), pointsPerHour: 999 }),
  createReward: (t) => ({ stationId: g("Station", t.station!), name: "越界奖品", cost: 1, stock: 1 }),
  updateReward: (t) => ({ rewardId: g("Reward", t.reward!), stock: 999 }),
  redeemReward: (t) => ({ rewardId: g("Reward", t.reward!) }),
  markRedemptionHandedOut: (t) => ({ redemptionId: g("Redemption", t.redemption!) }),
  approveGoodDeed: (t) => ({ goodDeedId: g("GoodDeed", t.deed!) }),
  rejectGoodDeed: (t) => ({ goodDeedId: g("GoodDeed", t.deed!), reason: "越界" }),
  submitGoodDeed: (t) => ({ teamId: g("Team", t.team!), category: "OTHER", title: "越界", story: "越界", occurredAt: new Date(Date.now() - 3600_000).toISOString() }),
  publishCommendationBoard: (t) => ({ teamId: g("Team", t.team!), title: "越界榜", commendationIds: [g("Commendation", t.commendation!)] }),
  withdrawCommendationBoard: (t) => ({ editionId: g("CommendationBoardEdition", t.edition!) }),
  createShift: (t) => ({ teamId: g("Team", t.team!), kind: "PATROL", title: "越界班次", startsAt: new Date(Date.now() + 7200_000).toISOString(), endsAt: new Date(Date.now() + 10800_000).toISOString(), capacity: 3 }),
  updateShift: (t) => ({ shiftId: g("Shift", t.shift!), title: "越界改名" }),
  cancelShift: (t) => ({ shiftId: g("Shift", t.shift!), reason: "越界" }),
  claimShift: (t) => ({ shiftId: g("Shift", t.shift!) }),
  assignShift: (t) => ({ shiftId: g("Shift", t.shift!), volunteerId: g("Volunteer", t.volunteer!) }),
  cancelShiftClaim: (t) => ({ claimId: g("ShiftClaim", t.claim!) }),
  checkIn: (t) => ({ claimId: g("ShiftClaim", t.claim!), method: "LEADER" }),
  checkOut: (t) => ({ claimId: g("ShiftClaim", t.claim!), method: "LEADER" }),
  createPartner: (t) => ({ stationId: g("Station", t.station!), name: "越界单位", kind: "OTHER" }),
  draftAgreement: (t) => ({ partnerId: g("Partner", t.partner!), title: "越界", terms: "越界", effectiveFrom: new Date().toISOString(), effectiveTo: new Date(Date.now() + 86_400_000).toISOString(), obligations: [{ kind: "PATROL_HOURS", quantity: 1, period: "MONTH" }] }),
  reviseAgreement: (t) => ({ agreementId: g("Agreement", t.agreement!), title: "越界", terms: "越界", effectiveFrom: new Date().toISOString(), effectiveTo: new Date(Date.now() + 86_400_000).toISOString(), obligations: [{ kind: "PATROL_HOURS", quantity: 1, period: "MONTH" }] }),
  signAgreement: (t) => ({ agreementId: g("Agreement", t.agreement!), version: 1 }),
  terminateAgreement: (t) => ({ agreementId: g("Agreement", t.agreement!), reason: "越界" }),
  assignRotation: (t) => ({ stationId: g("Station", t.station!), partnerIds: [g("Partner", t.partner!)], shiftIds: [g("Shift", t.shift!)] }),
  fillRotationSlot: (t) => ({ shiftId: g("Shift", t.shift!), volunteerId: g("Volunteer", t.volunteer!) }),
  resetVolunteerPassword: (t) => ({ volunteerId: g("Volunteer", t.volunteer!) }),
  disableAccount: (t) => ({ volunteerId: g("Volunteer", t.volunteer!), reason: "越界" }),
  enableAccount: (t) => ({ volunteerId: g("Volunteer", t.volunteer!) }),
  submitPatrolReport: (t) => ({ stationId: g("Station", t.station!), category: "FIRE_HAZARD", description: "越界上报" }),
  assignPatrolReport: (t) => ({ reportId: g("PatrolReport", t.report!), teamId: g("Team", t.team!) }),
  resolvePatrolReport: (t) => ({ reportId: g("PatrolReport", t.report!), note: "越界办结" }),
  referPatrolReport: (t) => ({ reportId: g("PatrolReport", t.report!), department: "越界部门" }),
  rejectPatrolReport: (t) => ({ reportId: g("PatrolReport", t.report!), reason: "越界" }),
  createMediator: (t) => ({ stationId: g("Station", t.station!), displayName: "越界调解员", years: 1 }),
  updateMediator: (t) => ({ mediatorId: g("Mediator", t.mediator!), active: false }),
  openMediationCase: (t) => ({ stationId: g("Station", t.station!), category: "NEIGHBOUR", summary: "越界", source: "OTHER", parties: [{ name: "越界", role: "APPLICANT" }], mediatorIds: [g("Mediator", t.mediator!)] }),
  recordMediationSession: (t) => ({ caseId: g("MediationCase", t.case!), heldAt: new Date().toISOString(), notes: "越界" }),
  closeMediationCase: (t) => ({ caseId: g("MediationCase", t.case!), outcome: "FAILED" }),
  // Public (no account): anyone may ask their own station; a request may never tie one station's
  // grid to another station.
  requestHomeWatch: (t) => ({ stationId: g("Station", t.elsewhere!), gridId: g("Grid", t.grid!), name: "越界", phone: "13522224444", address: "越界", awayFrom: new Date(Date.now() + 86_400_000).toISOString(), awayTo: new Date(Date.now() + 5 * 86_400_000).toISOString() }),
  approveHomeWatchRequest: (t) => ({ requestId: g("HomeWatchRequest", t.homeWatch!) }),
  declineHomeWatchRequest: (t) => ({ requestId: g("HomeWatchRequest", t.homeWatch!), reason: "越界" }),
  logHomeWatchVisit: (t) => ({ shiftId: g("Shift", t.watchShift!), result: "PROBLEM", note: "越界" }),
  createRegion: () => ({ name: "越界公安局" }),
  createStation: (t) => ({ regionId: g("Region", t.region!), name: "越界派出所", city: "越界", district: "越界" }),
  updateStation: (t) => ({ stationId: g("Station", t.station!), name: "越界改名" }),
  createCommunity: (t) => ({ stationId: g("Station", t.station!), name: "越界社区" }),
  createGrid: (t) => ({ communityId: g("Community", t.community!), name: "越界网格", patrolPlan: "越界" }),
  updateGrid: (t) => ({ gridId: g("Grid", t.grid!), patrolPlan: "越界" }),
  grantRole: (t) => ({ phone: "13522224444", role: "OFFICER", stationId: g("Station", t.station!), displayName: "越界" }),
  revokeRole: (t) => ({ assignmentId: g("RoleAssignment", t.officerRole!) }),
  createTeamInvite: (t) => ({ teamId: g("Team", t.team!), expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 5 }),
  revokeTeamInvite: (t) => ({ inviteId: g("TeamInvite", t.invite!) }),
  approveMembership: (t) => ({ membershipId: g("TeamMembership", t.pendingMembership!) }),
  rejectMembership: (t) => ({ membershipId: g("TeamMembership", t.pendingMembership!), reason: "越界" }),
  setVolunteerStatus: (t) => ({ stationId: g("Station", t.station!), volunteerIds: [g("Volunteer", t.volunteer!)], status: "SUSPENDED", reason: "越界" }),
  updateVolunteer: (t) => ({ stationId: g("Station", t.station!), volunteerId: g("Volunteer", t.volunteer!), specialties: ["TRAFFIC"] }),
  addSquadMembers: (t) => ({ squadId: g("Squad", t.squad!), volunteerIds: [g("Volunteer", t.volunteer!)] }),
  exportVolunteers: (t) => ({ stationId: g("Station", t.station!) }),
  importVolunteers: (t) => ({ teamId: g("Team", t.team!), file: null, dryRun: false }),
  publishBulletin: (t) => ({ stationId: g("Station", t.station!), title: "越界", body: "越界", category: "NOTICE", audience: { wholeStation: true } }),
  startMobilization: (t) => ({ stationId: g("Station", t.station!), reason: "越界", place: "越界", latitude: 30, longitude: 120, radiusMeters: 500, wanted: 3, escalateAfterMinutes: 5 }),
  respondToMobilization: (t) => ({ mobilizationId: g("Mobilization", t.mobilization!), response: "ACCEPT", etaMinutes: 5 }),
  closeMobilization: (t) => ({ mobilizationId: g("Mobilization", t.mobilization!), outcome: "RESOLVED" }),
  setHomeGrid: (t) => ({ gridId: g("Grid", t.grid!) }),
};
/** Inputs that carry a file: sent as a GraphQL multipart request. */
const FILES: Record<string, { name: string; content: string }> = { importVolunteers: { name: "越界.csv", content: "姓名,手机号\n越界,13522225555\n" } };

/** A fingerprint of every table but sign-in sessions: any write changes it. */
async function fingerprint(): Promise<string> {
  const tables = await prisma.$queryRaw<{ t: string }[]>`
    SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('_prisma_migrations', 'Session') ORDER BY 1`;
  const parts: string[] = [];
  for (const { t } of tables) {
    const [row] = await prisma.$queryRawUnsafe<{ h: string | null }[]>(`SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) AS h FROM "${t}" x`);
    parts.push(`${t}:${row?.h}`);
  }
  return parts.join("\n");
}

describe("no writes across the access boundary", () => {
  it("has an attack for every mutation of the schema", () => {
    const mutations = Object.keys(schema.getMutationType()!.getFields()).sort();
    expect([...Object.keys(ATTACKS), ...OWN_ACCOUNT_ONLY].sort()).toEqual(mutations);
  });

  it("refuses every role of each station every mutation on the other station's things, and writes nothing", async () => {
    const before = await fingerprint();
    const accepted: string[] = [];
    for (const station of ["fushan", "changqing"] as const) {
      const victim = target[other(station)];
      for (const role of [...ROLES, "anonymous" as const]) {
        const tok = role === "anonymous" ? null : tokens[station][role];
        // The attacks in batches within the operation limits (mutations of a request run one after another).
        const all = Object.keys(ATTACKS);
        for (let start = 0; start < all.length; start += 10) {
          const names = all.slice(start, start + 10);
          const doc = `mutation (${names.map((n) => `$${n}: ${n[0]!.toUpperCase()}${n.slice(1)}Input!`).join(", ")}) {
            ${names.map((n) => `${n}: ${n}(input: $${n}) { userErrors { code field } }`).join("\n")}
          }`;
          const res = await gqlWithFiles(app, doc, Object.fromEntries(names.map((n) => [n, ATTACKS[n]!(victim)])), FILES, tok);
          if (res.errors) accepted.push(`${role}@${station}: ${JSON.stringify(res.errors)}`);
          for (const name of names) {
            const errors = res.data?.[name]?.userErrors as { code: string }[] | undefined;
            if (!errors?.length || !errors.every((e) => ["FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED"].includes(e.code))) accepted.push(`${role}@${station} ${name}: ${JSON.stringify(errors)}`);
          }
        }
      }
    }
    expect(accepted).toEqual([]);
    expect(await fingerprint()).toBe(before);
  });
});
