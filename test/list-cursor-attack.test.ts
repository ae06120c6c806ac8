// Every list narrowed by who asks or by its parent (station, shift, bulletin, team, person) takes only the
// cursor of a row it shows that viewer (graphql/list-cursor.ts): Prisma pages from the cursor's row whatever
// the filter, so the cursor of another station's or another person's row would tell where that row sorts
// among theirs. Each list: a cursor from its owner's page, tried by someone whose own list lacks that row.
// The keyset lists (the board, mediationCases, pendingMemberships) take a cursor as a position, never a row.
// (The call-ups' and bulletins' lists are tested in callup-read-attack.test.ts.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { createSession } from "../api/src/auth/sessions.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, startApp } from "./support/client.js";
import { DEMO_PHONES, createTeam, freshPhone, gid, rawId, seedDemoData } from "./support/fixtures.js";
import { CLAIM, inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

interface Side {
  token: string | null;
  vars: Record<string, unknown>;
}
interface Case {
  list: string;
  q: string;
  /** The connection in the answer's data. */
  at: (data: any) => { edges: { cursor: string }[] } | null | undefined;
  owner: Side;
  other: Side;
  /**
   * A keyset list (list-cursor.ts) within the cursor's station: the cursor holds where its row sorted and is
   * looked up nowhere, so it tells the other side nothing and is taken (another station's is refused).
   */
  keyset?: true;
}

const page = "(first: 50, after: $after) { edges { cursor } }";
const onNode = (type: string, field: string) => `query ($p: ID!, $after: String) { node(id: $p) { ... on ${type} { ${field}${page} } } }`;
const onViewer = (field: string) => `query ($after: String) { viewer { ${field}${page} } }`;

const errorsOf = (r: { errors?: readonly any[] }) => (r.errors ?? []).map((e: any) => [e.message, e.extensions?.code]);
const refused = [["游标无效：不是这个列表的游标", "BAD_USER_INPUT"]];

async function tokenOf(accountId: string) {
  return (await createSession(prisma, accountId)).token;
}

describe("list cursors of rows the viewer cannot see", () => {
  it("are refused as another list's cursor by every narrowed list, while the owner's own cursor pages on", async () => {
    const demo = await seedDemoData();
    const [F, C] = [demo.fushan, demo.changqing];
    const [sF, sC] = [gid("Station", F.id), gid("Station", C.id)];
    const fo = await signIn(app, DEMO_PHONES.fushanOfficer);
    const co = await signIn(app, DEMO_PHONES.changqingOfficer);
    const officer = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });

    // Two people of 好邻舍: V earned points (a commendation) and has a claim and redemptions; W has none of them.
    const entry = await prisma.pointsEntry.findFirstOrThrow({ where: { stationId: F.id, volunteer: { account: { isNot: null } } } });
    const V = await prisma.volunteer.findUniqueOrThrow({ where: { id: entry.volunteerId } });
    // (W reported, did and mediates nothing, so no row of an officer's list is one of W's.)
    const reporters = new Set((await prisma.patrolReport.findMany({ select: { reporterAccountId: true } })).map((r) => r.reporterAccountId));
    const W = (
      await prisma.volunteer.findMany({
        where: { id: { not: V.id }, account: { isNot: null }, status: "ACTIVE", teams: { some: { teamId: demo.haolinshe.id, status: "ACTIVE", role: "MEMBER" }, none: { role: "LEADER" } }, squads: { none: { role: "LEADER" } }, goodDeeds: { none: {} }, mediatorProfiles: { none: {} } },
        include: { account: true },
      })
    ).find((w) => !reporters.has(w.account!.id))!;
    const tokens = await tokensFor([V.phone, W.phone, DEMO_PHONES.haolinsheLeader]);
    const [tV, tW, leader] = [tokens.get(V.phone)!, tokens.get(W.phone)!, tokens.get(DEMO_PHONES.haolinsheLeader)!];

    // Rows the demo data lacks, made here: a shift V claims, redemptions, a 长假照看 request, audit entries,
    // an invitation, an application, a bulletin; and in 长庆 a team with a shift and a bulletin of its own.
    const shiftF = (await publishShift(app, fo, { teamId: teamGid(demo.haolinshe.id), title: "游标巡逻", startsAt: inMinutes(600), endsAt: inMinutes(720) })).shift;
    expect((await gql(app, CLAIM, { input: { shiftId: shiftF.id } }, tV)).data!.claimShift.userErrors).toEqual([]);
    const teamC = await createTeam(C.id);
    const shiftC = (await publishShift(app, co, { teamId: teamGid(teamC.id), title: "长庆巡逻", startsAt: inMinutes(600), endsAt: inMinutes(720) })).shift;
    const reward = await prisma.reward.findFirstOrThrow({ where: { stationId: F.id } });
    await prisma.redemption.createMany({ data: [0, 1].map(() => ({ rewardId: reward.id, volunteerId: V.id, cost: reward.cost })) });
    await prisma.homeWatchRequest.createMany({
      data: [0, 1].map((i) => ({ stationId: F.id, codeHash: `cursor-test-${i}`, name: "王某", phone: "13900000000", address: "府山街道", awayFrom: inMinutes(60 * 24), awayTo: inMinutes(60 * 24 * 7) })),
    });
    await prisma.auditEntry.createMany({ data: [0, 1].map(() => ({ stationId: F.id, actorId: officer.id, action: "points.adjust", summary: "游标测试" })) });
    await prisma.teamInvite.create({ data: { stationId: F.id, teamId: demo.haolinshe.id, code: `cursor${freshPhone()}`, expiresAt: inMinutes(60 * 24), maxUses: 5, createdById: officer.id } });
    const applicant = await prisma.volunteer.findFirstOrThrow({ where: { teams: { none: { teamId: demo.haolinshe.id } } } });
    await prisma.teamMembership.create({ data: { teamId: demo.haolinshe.id, volunteerId: applicant.id, status: "PENDING" } });
    const PUBLISH = `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id } userErrors { code message } } }`;
    const publish = async (token: string, stationId: string, audience: Record<string, unknown>) => {
      const r = await gql(app, PUBLISH, { input: { stationId, title: "游标测试", body: "……", category: "NOTICE", audience } }, token);
      return r.data!.publishBulletin.bulletin.id as string;
    };
    const bulletinF = await publish(fo, sF, { squadIds: [gid("Squad", demo.squads[0]!.id)] });
    const bulletinC = await publish(co, sC, { wholeStation: true });

    // Regions: each of two administrators sees only their own.
    const regionAdmin = async () => {
      const region = await prisma.region.create({ data: { name: `游标区${freshPhone()}` } });
      const account = await prisma.account.create({ data: { phone: freshPhone(), passwordHash: "x", displayName: "区管理员", roles: { create: { role: "REGION_ADMIN", regionId: region.id } } } });
      return tokenOf(account.id);
    };
    const [r1, r2] = [await regionAdmin(), await regionAdmin()];
    const reporter = await prisma.patrolReport.findFirstOrThrow({ where: { stationId: F.id }, select: { reporterAccountId: true } });
    const tReporter = await tokenOf(reporter.reporterAccountId);

    const stationList = (field: string): Pick<Case, "q" | "at" | "owner" | "other"> => ({
      q: onNode("Station", field),
      at: (d) => d?.node?.[field],
      owner: { token: fo, vars: { p: sF } },
      other: { token: co, vars: { p: sC } },
    });
    const cases: Case[] = [
      {
        list: "shifts",
        q: `query ($p: ID!, $after: String) { shifts(stationId: $p, first: 50, after: $after) { edges { cursor } } }`,
        at: (d) => d?.shifts,
        owner: { token: fo, vars: { p: sF } },
        other: { token: co, vars: { p: sC } },
      },
      {
        list: "Shift.assignableVolunteers",
        q: onNode("Shift", "assignableVolunteers"),
        at: (d) => d?.node?.assignableVolunteers,
        owner: { token: fo, vars: { p: shiftF.id } },
        other: { token: co, vars: { p: shiftC.id } },
      },
      { list: "Viewer.myShifts", q: onViewer("myShifts"), at: (d) => d?.viewer?.myShifts, owner: { token: tV, vars: {} }, other: { token: tW, vars: {} } },
      { list: "Station.homeWatchRequests", ...stationList("homeWatchRequests") },
      { list: "Station.patrolReports", ...stationList("patrolReports") },
      { list: "Viewer.myPatrolReports", q: onViewer("myPatrolReports"), at: (d) => d?.viewer?.myPatrolReports, owner: { token: tReporter, vars: {} }, other: { token: co, vars: {} } },
      {
        list: "BulletinReadStats.notReadBy",
        q: `query ($p: ID!, $after: String) { node(id: $p) { ... on Bulletin { readStats { notReadBy${page} } } } }`,
        at: (d) => d?.node?.readStats?.notReadBy,
        owner: { token: fo, vars: { p: bulletinF } },
        other: { token: co, vars: { p: bulletinC } },
      },
      {
        list: "auditLog",
        q: `query ($p: ID, $after: String) { auditLog(stationId: $p, first: 50, after: $after) { edges { cursor } } }`,
        at: (d) => d?.auditLog,
        owner: { token: fo, vars: { p: sF } },
        other: { token: co, vars: { p: sC } },
      },
      { list: "stations", q: `query ($after: String) { stations${page} }`, at: (d) => d?.stations, owner: { token: fo, vars: {} }, other: { token: co, vars: {} } },
      { list: "regions", q: `query ($after: String) { regions${page} }`, at: (d) => d?.regions, owner: { token: r1, vars: {} }, other: { token: r2, vars: {} } },
      {
        list: "PointsAccount.entries",
        q: `query ($p: ID!, $s: ID!, $after: String) { node(id: $p) { ... on Volunteer { points(stationId: $s) { entries${page} } } } }`,
        at: (d) => d?.node?.points?.entries,
        owner: { token: tV, vars: { p: gid("Volunteer", V.id), s: sF } },
        other: { token: tW, vars: { p: gid("Volunteer", W.id), s: sF } },
      },
      { list: "Station.redemptions", ...stationList("redemptions") },
      { list: "Viewer.myRedemptions", q: onViewer("myRedemptions"), at: (d) => d?.viewer?.myRedemptions, owner: { token: tV, vars: {} }, other: { token: tW, vars: {} } },
      { list: "Station.agreements", ...stationList("agreements") },
      {
        list: "mediators",
        q: `query ($p: ID!, $after: String) { mediators(stationId: $p, first: 50, after: $after) { edges { cursor } } }`,
        at: (d) => d?.mediators,
        owner: { token: null, vars: { p: sF } },
        other: { token: null, vars: { p: sC } },
      },
      { list: "Station.mediationCases", ...stationList("mediationCases") },
      { list: "Station.goodDeeds", ...stationList("goodDeeds") },
      {
        list: "Team.commendations",
        q: onNode("Team", "commendations"),
        at: (d) => d?.node?.commendations,
        owner: { token: fo, vars: { p: gid("Team", demo.haolinshe.id) } },
        other: { token: co, vars: { p: gid("Team", teamC.id) } },
      },
      { list: "Station.invites", ...stationList("invites") },
      // Within the station: the lists a member, a leader or a mediator sees are their own part of it.
      { list: "Station.goodDeeds, a member's own", ...stationList("goodDeeds"), other: { token: tW, vars: { p: sF } } },
      { list: "Station.patrolReports, a member's own", ...stationList("patrolReports"), other: { token: tW, vars: { p: sF } } },
      { list: "Station.mediationCases, a mediator's own", ...stationList("mediationCases"), other: { token: tW, vars: { p: sF } }, keyset: true },
      { list: "Station.homeWatchRequests, a leader's teams'", ...stationList("homeWatchRequests"), other: { token: leader, vars: { p: sF } } },
      { list: "Station.pendingMemberships", ...stationList("pendingMemberships"), keyset: true },
    ];

    const seen = [];
    for (const c of cases) {
      const run = (side: Side, after?: string) => gql(app, c.q, { ...side.vars, after }, side.token);
      const first = await run(c.owner);
      const edges = c.at(first.data)?.edges ?? [];
      const cursor = edges[0]?.cursor;
      // The owner pages on from their own row; the other reads their own list, but not from the owner's row.
      const mine = cursor ? await run(c.owner, cursor) : first;
      const theirs = await run(c.other);
      const foreign = cursor ? await run(c.other, cursor) : first;
      const backwards = cursor ? await gql(app, c.q.replace("first: 50, after: $after", "last: 50, before: $after"), { ...c.other.vars, after: cursor }, c.other.token) : first;
      // (With more than a page, the next page goes on past the first page's end.)
      const pagedOn = JSON.stringify(c.at(mine.data)?.edges.slice(0, edges.length - 1).map((e) => e.cursor)) === JSON.stringify(edges.slice(1).map((e) => e.cursor));
      seen.push({ list: c.list, owner: [errorsOf(first), !!cursor, errorsOf(mine), pagedOn], other: [errorsOf(theirs), errorsOf(foreign), errorsOf(backwards)] });
    }
    expect(seen).toEqual(cases.map((c) => ({ list: c.list, owner: [[], true, [], true], other: c.keyset ? [[], [], []] : [[], refused, refused] })));
  });

  it("take the cursor of a row that changed between two pages (status, read): only who may see it is checked", async () => {
    const demo = await seedDemoData();
    const F = demo.fushan;
    const sF = gid("Station", F.id);
    const fo = await signIn(app, DEMO_PHONES.fushanOfficer);
    const officer = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });
    const people = await prisma.volunteer.findMany({ where: { teams: { none: { teamId: demo.haolinshe.id } } }, take: 2 });
    await prisma.teamMembership.createMany({ data: people.map((p) => ({ teamId: demo.haolinshe.id, volunteerId: p.id, status: "PENDING" as const })) });
    await prisma.goodDeed.createMany({
      data: [0, 1].map(() => ({ stationId: F.id, teamId: demo.haolinshe.id, category: "DISPUTE_MEDIATED" as const, title: "待审好事", story: "……", occurredAt: new Date(), submittedById: officer.id })),
    });
    await prisma.homeWatchRequest.createMany({
      data: [0, 1].map((i) => ({ stationId: F.id, codeHash: `cursor-change-${i}`, name: "李某", phone: "13900000001", address: "府山街道", awayFrom: inMinutes(60 * 24), awayTo: inMinutes(60 * 24 * 7) })),
    });
    const PUBLISH = `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id } } }`;
    const bulletin = (await gql(app, PUBLISH, { input: { stationId: sF, title: "读了再翻页", body: "……", category: "NOTICE", audience: { squadIds: [gid("Squad", demo.squads[0]!.id)] } } }, fo)).data!.publishBulletin.bulletin.id as string;

    const withNode = `edges { cursor node { id } }`;
    const cases: { list: string; q: string; vars: Record<string, unknown>; at: (d: any) => any; change: (id: string) => Promise<unknown> }[] = [
      {
        list: "Station.pendingMemberships (approved)",
        q: `query ($p: ID!, $after: String) { node(id: $p) { ... on Station { pendingMemberships(first: 1, after: $after) { ${withNode} } } } }`,
        vars: { p: sF },
        at: (d) => d?.node?.pendingMemberships,
        change: (id) => prisma.teamMembership.update({ where: { id }, data: { status: "ACTIVE" } }),
      },
      {
        list: "Station.goodDeeds(status: SUBMITTED) (approved)",
        q: `query ($p: ID!, $after: String) { node(id: $p) { ... on Station { goodDeeds(status: SUBMITTED, first: 1, after: $after) { ${withNode} } } } }`,
        vars: { p: sF },
        at: (d) => d?.node?.goodDeeds,
        change: (id) => prisma.goodDeed.update({ where: { id }, data: { status: "APPROVED" } }),
      },
      {
        list: "Station.homeWatchRequests(status: PENDING) (approved)",
        q: `query ($p: ID!, $after: String) { node(id: $p) { ... on Station { homeWatchRequests(status: PENDING, first: 1, after: $after) { ${withNode} } } } }`,
        vars: { p: sF },
        at: (d) => d?.node?.homeWatchRequests,
        change: (id) => prisma.homeWatchRequest.update({ where: { id }, data: { status: "APPROVED" } }),
      },
      {
        list: "BulletinReadStats.notReadBy (read)",
        q: `query ($p: ID!, $after: String) { node(id: $p) { ... on Bulletin { readStats { notReadBy(first: 1, after: $after) { edges { cursor node { displayName } } } } } } }`,
        vars: { p: bulletin },
        at: (d) => d?.node?.readStats?.notReadBy,
        change: async () => {
          const r = await prisma.bulletinRecipient.findFirstOrThrow({ where: { bulletinId: rawId(bulletin) }, orderBy: { id: "asc" } });
          await prisma.notification.updateMany({ where: { accountId: r.accountId, subjectId: rawId(bulletin), kind: "BULLETIN" }, data: { readAt: new Date() } });
        },
      },
    ];
    const seen = [];
    for (const c of cases) {
      const first = await gql(app, c.q, c.vars, fo);
      const edge = c.at(first.data)?.edges[0];
      await c.change(edge?.node?.id ? rawId(edge.node.id) : "");
      const next = await gql(app, c.q, { ...c.vars, after: edge?.cursor }, fo);
      // (Which rows follow is Prisma's: it skips the cursor's row as the first of the page, so one whose row
      // left the filter skips one more. Here only that the page is answered.)
      seen.push({ list: c.list, had: !!edge, next: errorsOf(next), page: Array.isArray(c.at(next.data)?.edges) });
    }
    expect(seen).toEqual(cases.map((c) => ({ list: c.list, had: true, next: [], page: true })));
  });
});
