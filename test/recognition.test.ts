import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { publicCacheStats } from "../api/src/graphql/public-cache.js";
import { closeFinishedShifts } from "../api/src/modules/shift/checkin.service.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { createAccount, createSquad, createStation, createTeam, createVolunteer, createVolunteers, DEMO_PHONES, gid, rawId, seedDemoData, type Person } from "./support/fixtures.js";
import { holdRowLock } from "./support/locks.js";
import { CHECK_IN, CHECK_OUT, CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let leader: string;
let otherOfficer: string;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
});
afterAll(() => app?.stop());

// The ledger invariant, after every test: each balance shown equals the ledger sum and none is negative;
// no reward stock is negative.
afterEach(async () => {
  clock.reset();
  // Points belong to a station: per volunteer and station.
  const sums = await prisma.pointsEntry.groupBy({ by: ["volunteerId", "stationId"], _sum: { amount: true } });
  for (const s of sums) expect(s._sum.amount!).toBeGreaterThanOrEqual(0);
  const sample = sums.filter((s) => s.stationId === demo.fushan.id).slice(0, 5);
  for (const s of sample) {
    const res = await gql(app, `query ($id: ID!, $s: ID!) { node(id: $id) { ... on Volunteer { points(stationId: $s) { balance } } } }`, {
      id: gid("Volunteer", s.volunteerId),
      s: gid("Station", s.stationId),
    }, officer);
    expect(res.data!.node.points.balance).toBe(s._sum.amount);
  }
  expect(await prisma.reward.count({ where: { stock: { lt: 0 } } })).toBe(0);
});

const SUBMIT = `mutation ($input: SubmitGoodDeedInput!) { submitGoodDeed(input: $input) { goodDeed { id status } userErrors { code field } } }`;
const APPROVE = `mutation ($input: ApproveGoodDeedInput!) { approveGoodDeed(input: $input) { goodDeed { id status pointsAwarded commendation { id } } userErrors { code field } } }`;
const PUBLISH = `mutation ($input: PublishCommendationBoardInput!) { publishCommendationBoard(input: $input) { edition { id title } userErrors { code field } } }`;
const BOARD = `query ($s: ID!, $first: Int) { commendationBoard(stationId: $s, first: $first) { edges { node {
  displayName legalName teamName squadName category title story timesCommended editionTitle } } } }`;
const ADJUST = `mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { entry { id amount } userErrors { code field } } }`;
const REVERSE = `mutation ($input: ReversePointsEntryInput!) { reversePointsEntry(input: $input) { entry { id amount reason } userErrors { code field } } }`;
const CREATE_REWARD = `mutation ($input: CreateRewardInput!) { createReward(input: $input) { reward { id stock } userErrors { code field } } }`;
const REDEEM = `mutation ($input: RedeemRewardInput!) { redeemReward(input: $input) { redemption { id status } userErrors { code field } } }`;

const members = (n: number) => createVolunteers(n, { teamId: demo.haolinshe.id });
const fushan = () => gid("Station", demo.fushan.id);
let rewardSerial = 0;

async function deed(who: Person, title: string, extra: Record<string, unknown> = {}) {
  const res = await gql(
    app,
    SUBMIT,
    { input: { teamId: teamGid(demo.haolinshe.id), volunteerId: gid("Volunteer", who.id), category: "LOST_PROPERTY_RETURNED", title, story: "在府山公园拾到钱包，交还失主。", occurredAt: inMinutes(-60 * 24), ...extra } },
    who.token,
  );
  expect(res.data!.submitGoodDeed.userErrors).toEqual([]);
  return res.data!.submitGoodDeed.goodDeed.id as string;
}
async function commend(who: Person, title: string, points?: number) {
  const res = await gql(app, APPROVE, { input: { goodDeedId: await deed(who, title), points } }, officer);
  expect(res.data!.approveGoodDeed.userErrors).toEqual([]);
  return res.data!.approveGoodDeed.goodDeed.commendation.id as string;
}
const balance = async (who: Person) => (await prisma.pointsEntry.aggregate({ where: { volunteerId: who.id }, _sum: { amount: true } }))._sum.amount ?? 0;
async function give(who: Person, amount: number) {
  const res = await gql(app, ADJUST, { input: { volunteerId: gid("Volunteer", who.id), stationId: fushan(), amount, note: "测试充值" } }, officer);
  expect(res.data!.adjustPoints.userErrors).toEqual([]);
}
async function reward(cost: number, stock: number) {
  const res = await gql(app, CREATE_REWARD, { input: { stationId: fushan(), name: `测试奖品${++rewardSerial}`, cost, stock } }, officer);
  expect(res.data!.createReward.userErrors).toEqual([]);
  return res.data!.createReward.reward.id as string;
}

describe("good deeds → commendations", () => {
  it("only the station's officers approve; approval awards points once; rejected deeds stay rejected", async () => {
    const [a, b] = await members(2);
    const id = await deed(a!, "拾金不昧");
    for (const t of [leader, b!.token]) {
      expect((await gql(app, APPROVE, { input: { goodDeedId: id, points: 30 } }, t)).data!.approveGoodDeed.userErrors[0].code).toBe("FORBIDDEN");
    }
    // Another station's officer learns nothing: the deed does not exist for them.
    expect((await gql(app, APPROVE, { input: { goodDeedId: id, points: 30 } }, otherOfficer)).data!.approveGoodDeed.userErrors[0].code).toBe("NOT_FOUND");
    const ok = await gql(app, APPROVE, { input: { goodDeedId: id, points: 30 } }, officer);
    expect(ok.data!.approveGoodDeed.goodDeed).toMatchObject({ status: "APPROVED", pointsAwarded: 30 });
    expect(ok.data!.approveGoodDeed.goodDeed.commendation.id).toBeTruthy();
    await gql(app, APPROVE, { input: { goodDeedId: id, points: 30 } }, officer);
    expect(await balance(a!)).toBe(30);
    expect(await prisma.commendation.count({ where: { goodDeedId: rawId(id) } })).toBe(1);

    const bad = await deed(b!, "重复提交");
    const REJECT = `mutation ($input: RejectGoodDeedInput!) { rejectGoodDeed(input: $input) { goodDeed { status rejectReason } userErrors { code field } } }`;
    const reject = await gql(app, REJECT, { input: { goodDeedId: bad, reason: "与上一条重复" } }, officer);
    expect(reject.data!.rejectGoodDeed.goodDeed).toEqual({ status: "REJECTED", rejectReason: "与上一条重复" });
    expect((await gql(app, APPROVE, { input: { goodDeedId: bad } }, officer)).data!.approveGoodDeed.userErrors[0].code).toBe("CONFLICT");
    expect((await gql(app, REJECT, { input: { goodDeedId: id, reason: "x" } }, officer)).data!.rejectGoodDeed.userErrors).toEqual([{ code: "CONFLICT", field: ["input", "goodDeedId"] }]);
  });

  it("refuses deeds dated in the future, people outside the team, and squads, people or shifts of another team", async () => {
    const [v] = await members(1);
    const submit = async (token: string, input: Record<string, unknown>) =>
      (await gql(app, SUBMIT, { input: { teamId: teamGid(demo.haolinshe.id), category: "OTHER", title: "x", story: "y", occurredAt: inMinutes(-60), ...input } }, token)).data!
        .submitGoodDeed.userErrors;
    expect(await submit(v!.token, { occurredAt: inMinutes(60) })).toEqual([{ code: "VALIDATION", field: ["input", "occurredAt"] }]);
    const elsewhere = await createStation();
    const outsider = await createVolunteer({ teamId: elsewhere.team.id });
    expect((await submit(outsider.token, {}))[0].code).toBe("NOT_FOUND"); // 好邻舍义警 does not exist for them
    expect(await submit(v!.token, { volunteerId: gid("Volunteer", outsider.id) })).toEqual([{ code: "NOT_FOUND", field: ["input", "volunteerId"] }]);
    expect(await submit(v!.token, { squadId: gid("Squad", (await createSquad(elsewhere.team.id)).id) })).toEqual([{ code: "NOT_FOUND", field: ["input", "squadId"] }]);
    const foreignShift = await publishShift(app, elsewhere.officer.token, { teamId: teamGid(elsewhere.team.id), startsAt: inMinutes(60), endsAt: inMinutes(120) });
    expect(await submit(v!.token, { shiftId: foreignShift.shift.id })).toEqual([{ code: "NOT_FOUND", field: ["input", "shiftId"] }]);
    expect(await submit(v!.token, { teamId: teamGid("00000000-0000-7000-8000-000000000000") })).toEqual([{ code: "NOT_FOUND", field: ["input", "teamId"] }]);
  });

  it("lists deeds to review for officers, and their own for leaders and volunteers", async () => {
    const [a, b] = await members(2);
    const mine = await deed(a!, "我的好事");
    const theirs = await deed(b!, "别人的好事");
    const q = `query ($id: ID!) { node(id: $id) { ... on Station { goodDeeds(first: 100, status: SUBMITTED) { edges { node { id viewerCanReview } } } } } }`;
    const ids = async (token: string) => (await gql(app, q, { id: fushan() }, token)).data!.node.goodDeeds.edges.map((e: any) => e.node.id);
    expect(await ids(officer)).toEqual(expect.arrayContaining([mine, theirs]));
    expect(await ids(leader)).toEqual(expect.arrayContaining([mine, theirs]));
    const own = await ids(a!.token);
    expect(own).toContain(mine);
    expect(own).not.toContain(theirs);
  });
});

describe("commendation board", () => {
  it("a leader publishes; the public board (no token) shows names, counts and stories but no personal data; it updates live", async () => {
    const [v, other] = await members(2);
    const screen = wsClient(app, null);
    const live = subscribe(screen, `subscription ($s: ID!) { commendationBoardUpdated(stationId: $s) { title teamName } }`, { s: fushan() });
    await live.ready;

    const ids: string[] = [];
    for (const [i, title] of ["扶老人过马路", "劝阻电信诈骗", "发现消防隐患"].entries()) {
      const d = await deed(v!, title, { category: ["HELPING_ELDERLY", "FRAUD_PREVENTED", "HAZARD_FOUND"][i] });
      ids.push((await gql(app, APPROVE, { input: { goodDeedId: d } }, officer)).data!.approveGoodDeed.goodDeed.commendation.id);
    }
    const volunteerOnly = await gql(app, PUBLISH, { input: { teamId: teamGid(demo.haolinshe.id), title: "x", commendationIds: ids } }, other!.token);
    expect(volunteerOnly.data!.publishCommendationBoard.userErrors[0].code).toBe("FORBIDDEN");
    const pub = await gql(app, PUBLISH, { input: { teamId: teamGid(demo.haolinshe.id), title: "测试表扬榜", commendationIds: ids.slice(0, 2) } }, leader);
    expect(pub.data!.publishCommendationBoard.userErrors).toEqual([]);
    const [update] = await live.waitFor(1);
    expect(update!.data!.commendationBoardUpdated).toEqual({ title: "测试表扬榜", teamName: "好邻舍义警" });

    const board = await gql(app, BOARD, { s: fushan() });
    expect(board.errors).toBeUndefined();
    const ours = (b: typeof board) => b.data!.commendationBoard.edges.map((e: any) => e.node).filter((n: any) => n.editionTitle === "测试表扬榜");
    const entries = ours(board);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ displayName: v!.displayName, legalName: null, teamName: "好邻舍义警", title: "扶老人过马路", timesCommended: 3 });
    // The volunteer's notice leads to this board: its link's station ID is what the board page asks with.
    // The notice may be written just after the answer: wait for it.
    const boardNotice = async () => (await gql(app, `{ viewer { notifications(first: 5) { edges { node { kind link } } } } }`, {}, v!.token)).data!.viewer.notifications.edges.map((e: any) => e.node).find((n: any) => n.kind === "BOARD_PUBLISHED");
    await expect.poll(boardNotice, { timeout: 15_000 }).toBeTruthy();
    const link = (await boardNotice()).link as string;
    const fromLink = await gql(app, BOARD, { s: decodeURIComponent(link.match(/^\/board\/([^/?#]+)$/)![1]!) });
    expect(fromLink.errors).toBeUndefined();
    expect(ours(fromLink)).toHaveLength(2);
    const text = JSON.stringify(board);
    expect(text).not.toContain(v!.phone);
    expect(text).not.toContain(v!.name);
    expect(text).not.toContain(v!.idNumber);

    // With consent the legal name appears.
    await gql(app, `mutation { updateMyPrivacy(input: { showLegalNameOnBoard: true }) { userErrors { code } } }`, {}, v!.token);
    expect(ours(await gql(app, BOARD, { s: fushan() }))[0].legalName).toBe(v!.name);

    // Withdrawn editions leave the board, live too; withdrawing twice changes nothing.
    const WITHDRAW = `mutation ($input: WithdrawCommendationBoardInput!) { withdrawCommendationBoard(input: $input) { edition { withdrawnAt } userErrors { code } } }`;
    const editionId = pub.data!.publishCommendationBoard.edition.id;
    expect((await gql(app, WITHDRAW, { input: { editionId } }, other!.token)).data!.withdrawCommendationBoard.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    const withdraw = await gql(app, WITHDRAW, { input: { editionId } }, officer);
    expect(withdraw.data!.withdrawCommendationBoard.edition.withdrawnAt).toBeTruthy();
    await live.waitFor(2);
    expect(ours(await gql(app, BOARD, { s: fushan() }))).toHaveLength(0);
    expect((await gql(app, WITHDRAW, { input: { editionId } }, officer)).data!.withdrawCommendationBoard.edition.withdrawnAt).toBe(withdraw.data!.withdrawCommendationBoard.edition.withdrawnAt);
    await screen.dispose();
  });

  it("refuses commendations of another team", async () => {
    const [v] = await members(1);
    const c = await commend(v!, "好事一件");
    const elsewhere = await createStation();
    const otherLeader = await createVolunteer({ teamId: elsewhere.team.id, teamRole: "LEADER" });
    const res = await gql(app, PUBLISH, { input: { teamId: teamGid(elsewhere.team.id), title: "别队表扬榜", commendationIds: [c] } }, otherLeader.token);
    expect(res.data!.publishCommendationBoard.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "commendationIds", "0"] }]);
  });

  it("serves a board page with the same number of SQL statements for 5 and 40 entries", async () => {
    const people = await members(40);
    const ids: string[] = [];
    for (const [i, p] of people.entries()) ids.push(await commend(p, `好事${i}`));
    await gql(app, PUBLISH, { input: { teamId: teamGid(demo.haolinshe.id), title: "大榜", commendationIds: ids } }, leader);
    const count = async (first: number) => {
      const before = sqlStats.statements;
      const res = await gql(app, BOARD, { s: fushan(), first });
      expect(res.data!.commendationBoard.edges).toHaveLength(first);
      return sqlStats.statements - before;
    };
    const five = await count(5);
    expect(await count(40)).toBe(five);
    // The entries with their names and "表扬 N 次" in one statement (board-page.ts).
    expect(five).toBe(1);
  });

  it("pages the board forward with cursors: the same entries, in the same order, as one long page", async () => {
    const PAGE = `query ($s: ID!, $first: Int, $after: String) { commendationBoard(stationId: $s, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor } edges { cursor node { id displayName title timesCommended } } } }`;
    const s = gid("Station", demo.fushan.id);
    const all = (await gql(app, PAGE, { s, first: 100 })).data!.commendationBoard;
    expect(all.edges.length).toBeGreaterThan(7);
    const paged: unknown[] = [];
    let after: string | null = null;
    for (let more = true; more; ) {
      const page: any = (await gql(app, PAGE, { s, first: 3, after }, officer)).data!.commendationBoard;
      paged.push(...page.edges);
      [after, more] = [page.pageInfo.endCursor, page.pageInfo.hasNextPage];
    }
    expect(paged).toEqual(all.edges);
    // Backward from the 6th entry (through Prisma): the 3 before it, in the board's order.
    const back: any = (await gql(app, PAGE.replace("$after: String", "$after: String, $last: Int, $before: String").replace("after: $after", "after: $after, last: $last, before: $before"), { s, last: 3, before: all.edges[5].cursor })).data!.commendationBoard;
    expect(back.edges).toEqual(all.edges.slice(2, 5));
    expect(back.pageInfo).toEqual({ hasNextPage: true, endCursor: all.edges[4].cursor });
  });

  it("each row of a board page equals node(id) of that entry, for the public and an officer; legal names only with consent", async () => {
    const [shown, hidden] = await members(2);
    await gql(app, `mutation { updateMyPrivacy(input: { showLegalNameOnBoard: true }) { userErrors { code } } }`, {}, shown!.token);
    const ids = [await commend(shown!, "送迷路老人回家"), await commend(hidden!, "拾到手机归还"), await commend(hidden!, "劝阻转账")];
    expect((await gql(app, PUBLISH, { input: { teamId: teamGid(demo.haolinshe.id), title: "逐条核对榜", commendationIds: ids } }, leader)).data!.publishCommendationBoard.userErrors).toEqual([]);
    const FIELDS = `id displayName legalName teamName squadName category title story place occurredAt editionTitle publishedAt timesCommended`;
    const PAGE = `query ($s: ID!, $first: Int) { commendationBoard(stationId: $s, first: $first) { edges { node { ${FIELDS} } } } }`;
    const NODE = `query ($id: ID!) { node(id: $id) { ... on CommendationBoardEntry { ${FIELDS} } } }`;
    for (const token of [undefined, officer]) {
      const rows = (await gql(app, PAGE, { s: fushan(), first: 100 }, token)).data!.commendationBoard.edges.map((e: any) => e.node);
      expect(rows.filter((r: any) => r.editionTitle === "逐条核对榜")).toHaveLength(3);
      for (const row of rows) expect((await gql(app, NODE, { id: row.id }, token)).data!.node).toEqual(row);
      // The legal name of exactly those who consented, from the database's own rows.
      const people = await prisma.boardEntry.findMany({
        where: { id: { in: rows.map((r: any) => rawId(r.id)) } },
        select: { id: true, commendation: { select: { volunteer: { select: { name: true, showLegalNameOnBoard: true } } } } },
      });
      const consented = new Map(people.map((p) => [p.id, p.commendation.volunteer?.showLegalNameOnBoard ? p.commendation.volunteer.name : null]));
      for (const row of rows) expect(row.legalName).toBe(consented.get(rawId(row.id)));
      const ours = rows.filter((r: any) => r.editionTitle === "逐条核对榜");
      expect(ours.map((r: any) => r.legalName)).toEqual(expect.arrayContaining([shown!.name, null, null]));
      expect(JSON.stringify(rows)).not.toContain(hidden!.name);
    }
  });

  it("a deed of a squad as a whole earns no points and shows the squad's name; missing deeds, teams and editions are NOT_FOUND", async () => {
    const nobody = "00000000-0000-7000-8000-000000000000";
    const squad = demo.squads[0]!;
    const [member] = await members(1);
    const { shift } = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(30), endsAt: inMinutes(90) });
    const submitted = await gql(app, SUBMIT, {
      input: { teamId: teamGid(demo.haolinshe.id), squadId: gid("Squad", squad.id), shiftId: shift.id, category: "HAZARD_FOUND", title: "小队集体发现隐患", story: "……", occurredAt: inMinutes(-30) },
    }, leader);
    expect(submitted.data!.submitGoodDeed.userErrors).toEqual([]);
    const deedId = submitted.data!.submitGoodDeed.goodDeed.id;
    const DEED = `query ($id: ID!) { node(id: $id) { ... on GoodDeed { title isCollective viewerCanReview } } }`;
    expect((await gql(app, DEED, { id: deedId }, officer)).data!.node).toEqual({ title: "小队集体发现隐患", isCollective: true, viewerCanReview: true });
    expect((await gql(app, DEED, { id: deedId }, member!.token)).data?.node ?? null).toBeNull(); // neither theirs nor about them
    const approved = await gql(app, APPROVE, { input: { goodDeedId: deedId, points: 30 } }, officer);
    expect(approved.data!.approveGoodDeed.goodDeed).toMatchObject({ status: "APPROVED", pointsAwarded: 0 });
    expect(await prisma.pointsEntry.count({ where: { source: `deed:${rawId(deedId)}` } })).toBe(0);
    const pub = await gql(app, PUBLISH, { input: { teamId: teamGid(demo.haolinshe.id), title: "集体表扬榜", commendationIds: [approved.data!.approveGoodDeed.goodDeed.commendation.id] } }, leader);
    const top = (await gql(app, BOARD, { s: fushan(), first: 1 })).data!.commendationBoard.edges[0].node;
    expect(top).toMatchObject({ displayName: squad.name, squadName: squad.name, timesCommended: null, editionTitle: "集体表扬榜" });

    const EDITIONS = `query ($id: ID!) { node(id: $id) { ... on Team { boardEditions(first: 1) { edges { node { title viewerCanWithdraw } } } } } }`;
    expect((await gql(app, EDITIONS, { id: teamGid(demo.haolinshe.id) }, leader)).data!.node.boardEditions.edges[0].node).toEqual({ title: "集体表扬榜", viewerCanWithdraw: true });
    await gql(app, `mutation ($input: WithdrawCommendationBoardInput!) { withdrawCommendationBoard(input: $input) { userErrors { code } } }`, {
      input: { editionId: pub.data!.publishCommendationBoard.edition.id },
    }, leader);
    expect((await gql(app, EDITIONS, { id: teamGid(demo.haolinshe.id) }, leader)).data!.node.boardEditions.edges[0].node.viewerCanWithdraw).toBe(false);

    expect((await gql(app, APPROVE, { input: { goodDeedId: gid("GoodDeed", nobody) } }, officer)).data!.approveGoodDeed.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "goodDeedId"] }]);
    expect((await gql(app, PUBLISH, { input: { teamId: teamGid(nobody), title: "x", commendationIds: [approved.data!.approveGoodDeed.goodDeed.commendation.id] } }, leader)).data!.publishCommendationBoard.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "teamId"] },
    ]);
    const withdrawMissing = await gql(app, `mutation ($input: WithdrawCommendationBoardInput!) { withdrawCommendationBoard(input: $input) { userErrors { code field } } }`, {
      input: { editionId: gid("CommendationBoardEdition", nobody) },
    }, leader);
    expect(withdrawMissing.data!.withdrawCommendationBoard.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "editionId"] }]);
    // A team's approved commendations, newest first, for composing an edition; all deeds of the station for its officers.
    const COMMENDATIONS = `query ($id: ID!) { node(id: $id) { ... on Team { commendations(first: 1) { edges { node { goodDeed { title } volunteer { id } } } } } } }`;
    expect((await gql(app, COMMENDATIONS, { id: teamGid(demo.haolinshe.id) }, leader)).data!.node.commendations.edges[0].node).toEqual({ goodDeed: { title: "小队集体发现隐患" }, volunteer: null });
    const ALL = `query ($id: ID!) { node(id: $id) { ... on Station { goodDeeds(first: 100) { edges { node { id } } } } } }`;
    expect((await gql(app, ALL, { id: fushan() }, officer)).data!.node.goodDeeds.edges.map((e: any) => e.node.id)).toContain(deedId);
  });

  it("answers repeated anonymous reads from the cache, never signed-in ones, and is fresh after an approval", async () => {
    const [v] = await members(1);
    await gql(app, PUBLISH, { input: { teamId: teamGid(demo.haolinshe.id), title: "缓存测试榜", commendationIds: [await commend(v!, "第一件好事")] } }, leader);
    const vars = { s: fushan(), first: 7 };
    const first = await gql(app, BOARD, vars);
    expect(first.data!.commendationBoard.edges[0].node).toMatchObject({ displayName: v!.displayName, timesCommended: 1 });
    const { hits, misses } = publicCacheStats;
    const before = sqlStats.statements;
    const again = await gql(app, BOARD, vars);
    expect(again).toEqual(first);
    expect(publicCacheStats.hits).toBe(hits + 1);
    expect(sqlStats.statements).toBe(before); // nothing read
    // A signed-in viewer is never served from it (nor stored into it).
    await gql(app, BOARD, vars, officer);
    expect([publicCacheStats.hits, publicCacheStats.misses]).toEqual([hits + 1, misses]);

    // A new commendation of someone on the board counts at once: "表扬 N 次".
    await commend(v!, "又一件好事");
    const after = await gql(app, BOARD, vars);
    expect(after.data!.commendationBoard.edges[0].node.timesCommended).toBe(2);
    expect(publicCacheStats.misses).toBe(misses + 1);
  });

  it("shows a renamed team or squad on the public board at once, though its answers are cached", async () => {
    const t = await createTeam(demo.fushan.id);
    const squad = await createSquad(t.id, "MEDIATION");
    const v = await createVolunteer({ teamId: t.id, squadIds: [squad.id] });
    const d = await gql(app, SUBMIT, {
      input: { teamId: teamGid(t.id), squadId: gid("Squad", squad.id), volunteerId: gid("Volunteer", v.id), category: "DISPUTE_MEDIATED", title: "调解停车纠纷", story: "……", occurredAt: inMinutes(-60) },
    }, officer);
    const c = (await gql(app, APPROVE, { input: { goodDeedId: d.data!.submitGoodDeed.goodDeed.id } }, officer)).data!.approveGoodDeed.goodDeed.commendation.id;
    expect((await gql(app, PUBLISH, { input: { teamId: teamGid(t.id), title: "改名测试榜", commendationIds: [c] } }, officer)).data!.publishCommendationBoard.userErrors).toEqual([]);
    const vars = { s: fushan(), first: 3 };
    const names = async () => {
      const top = (await gql(app, BOARD, vars)).data!.commendationBoard.edges[0].node;
      return [top.teamName, top.squadName];
    };
    expect(await names()).toEqual([t.name, squad.name]);
    const { hits } = publicCacheStats;
    expect(await names()).toEqual([t.name, squad.name]);
    expect(publicCacheStats.hits).toBe(hits + 1); // cached

    const team = await gql(app, `mutation ($input: UpdateTeamInput!) { updateTeam(input: $input) { team { name } userErrors { code } } }`, {
      input: { teamId: teamGid(t.id), name: "更名后的义警队" },
    }, officer);
    expect(team.data!.updateTeam).toEqual({ team: { name: "更名后的义警队" }, userErrors: [] });
    expect(await names()).toEqual(["更名后的义警队", squad.name]);
    const renamed = await gql(app, `mutation ($input: UpdateSquadInput!) { updateSquad(input: $input) { squad { name } userErrors { code } } }`, {
      input: { squadId: gid("Squad", squad.id), name: "更名后的调解小队" },
    }, officer);
    expect(renamed.data!.updateSquad).toEqual({ squad: { name: "更名后的调解小队" }, userErrors: [] });
    expect(await names()).toEqual(["更名后的义警队", "更名后的调解小队"]);
  });
});

describe("points", () => {
  it("a completed shift credits hours once, night patrols ×1.5, even when completion is retried", async () => {
    const [v] = await members(1);
    const night = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), kind: "NIGHT_PATROL", startsAt: inMinutes(10), endsAt: inMinutes(130) });
    const c = (await gql(app, CLAIM, { input: { shiftId: night.shift.id } }, v!.token)).data!.claimShift.claim.id;
    await gql(app, CHECK_IN, { input: { claimId: c, method: "QR", code: night.shift.postCode } }, v!.token);
    clock.advance(130 * 60_000);
    const outs = await Promise.all([1, 2, 3].map(() => gql(app, CHECK_OUT, { input: { claimId: c } }, v!.token)));
    for (const o of outs) expect(o.data!.checkOut.claim.minutesServed).toBe(120);
    await closeFinishedShifts(new Date(Date.now() + 400 * 60_000));
    expect(await balance(v!)).toBe(30); // 2 h × 10 × 1.5
    expect(await prisma.pointsEntry.count({ where: { source: `claim:${rawId(c)}` } })).toBe(1);
  });

  it("officers set rules; rules apply to later completions", async () => {
    // A station of its own: its rules are no one else's.
    const { station, officer: own, team } = await createStation();
    const v = await createVolunteer({ teamId: team.id });
    const m = `mutation ($input: UpdatePointsRulesInput!) { updatePointsRules(input: $input) { station { pointsRules { pointsPerHour nightPatrolPercent } } userErrors { code field } } }`;
    const stationId = gid("Station", station.id);
    expect((await gql(app, m, { input: { stationId, pointsPerHour: 20 } }, officer)).data!.updatePointsRules.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "stationId"] }]); // not 府山's
    expect((await gql(app, m, { input: { stationId, nightPatrolPercent: 50 } }, own.token)).data!.updatePointsRules.userErrors).toEqual([
      { code: "VALIDATION", field: ["input", "nightPatrolPercent"] },
    ]);
    const q = `query ($id: ID!) { node(id: $id) { ... on Station { pointsRules { pointsPerHour nightPatrolPercent } } } }`;
    expect((await gql(app, q, { id: stationId }, own.token)).data!.node.pointsRules).toEqual({ pointsPerHour: 10, nightPatrolPercent: 150 }); // the defaults
    const ok = await gql(app, m, { input: { stationId, pointsPerHour: 20 } }, own.token);
    expect(ok.data!.updatePointsRules.station.pointsRules).toEqual({ pointsPerHour: 20, nightPatrolPercent: 150 });
    const s = await publishShift(app, own.token, { teamId: teamGid(team.id), startsAt: inMinutes(10), endsAt: inMinutes(70) });
    const c = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, v.token)).data!.claimShift.claim.id;
    await gql(app, CHECK_IN, { input: { claimId: c, method: "LEADER" } }, own.token);
    clock.advance(70 * 60_000);
    await gql(app, CHECK_OUT, { input: { claimId: c, method: "LEADER" } }, own.token);
    expect(await balance(v)).toBe(20);
  });

  it("adjustments need the volunteer's own station and never overdraw", async () => {
    const [v] = await members(1);
    const elsewhere = await createStation();
    const adjust = async (token: string, amount: number, stationId = fushan()) =>
      (await gql(app, ADJUST, { input: { volunteerId: gid("Volunteer", v!.id), stationId, amount, note: "调整" } }, token)).data!.adjustPoints.userErrors;
    expect(await adjust(elsewhere.officer.token, 10, gid("Station", elsewhere.station.id))).toEqual([{ code: "NOT_FOUND", field: ["input", "volunteerId"] }]);
    expect(await adjust(elsewhere.officer.token, 10)).toEqual([{ code: "NOT_FOUND", field: ["input", "volunteerId"] }]);
    expect(await adjust(officer, 0)).toEqual([{ code: "VALIDATION", field: ["input", "amount"] }]);
    expect(await adjust(officer, 15)).toEqual([]);
    expect(await adjust(officer, -20)).toEqual([{ code: "CONFLICT", field: ["input", "amount"] }]);
    expect(await adjust(officer, -15)).toEqual([]);
    expect(await balance(v!)).toBe(0);
  });

  it("the same adjustment sent 10 times in parallel with one requestId adds one entry and answers it each time", async () => {
    const [v] = await members(1);
    const input = { volunteerId: gid("Volunteer", v!.id), stationId: fushan(), amount: 12, note: "协助寻人", requestId: "form-0001-abcdef" };
    const results = await Promise.all(Array.from({ length: 10 }, () => gql(app, ADJUST, { input }, officer)));
    expect(results.map((r) => r.data!.adjustPoints.userErrors)).toEqual(Array.from({ length: 10 }, () => []));
    expect(new Set(results.map((r) => r.data!.adjustPoints.entry.id)).size).toBe(1);
    expect(await balance(v!)).toBe(12);
    // The key reused for another amount is refused; a new key is a new adjustment.
    expect((await gql(app, ADJUST, { input: { ...input, amount: 13 } }, officer)).data!.adjustPoints.userErrors).toEqual([{ code: "CONFLICT", field: ["input", "requestId"] }]);
    expect((await gql(app, ADJUST, { input: { ...input, requestId: "form-0002-abcdef" } }, officer)).data!.adjustPoints.userErrors).toEqual([]);
    expect(await balance(v!)).toBe(24);
    expect((await gql(app, ADJUST, { input: { ...input, requestId: "不行" } }, officer)).data!.adjustPoints.userErrors).toEqual([{ code: "VALIDATION", field: ["input", "requestId"] }]);
  });

  it("100 concurrent redemptions against a balance for 10: exactly 10 succeed; balance and stock stay consistent", async () => {
    const [v] = await members(1);
    await give(v!, 100);
    const rewardId = await reward(10, 50);
    const results = await Promise.all(Array.from({ length: 100 }, () => gql(app, REDEEM, { input: { rewardId } }, v!.token)));
    const ok = results.filter((r) => r.data!.redeemReward.redemption);
    expect(ok).toHaveLength(10);
    for (const r of results.filter((r) => !r.data!.redeemReward.redemption)) expect(r.data!.redeemReward.userErrors[0]).toMatchObject({ code: "CONFLICT", field: ["input", "rewardId"] });
    expect(await balance(v!)).toBe(0);
    expect((await prisma.reward.findUniqueOrThrow({ where: { id: rawId(rewardId) } })).stock).toBe(40);
    expect(await prisma.redemption.count({ where: { rewardId: rawId(rewardId) } })).toBe(10);
  });

  it("stock runs out before balances do: exactly the stock is handed out", async () => {
    const rich = await members(10);
    const rewardId = await reward(1, 3);
    for (const p of rich) await give(p, 5);
    const results = await Promise.all(rich.map((p) => gql(app, REDEEM, { input: { rewardId } }, p.token)));
    expect(results.filter((r) => r.data!.redeemReward.redemption)).toHaveLength(3);
    expect((await prisma.reward.findUniqueOrThrow({ where: { id: rawId(rewardId) } })).stock).toBe(0);
  });

  it("officers edit, restock and withdraw rewards of their station", async () => {
    const [v] = await members(1);
    await give(v!, 50);
    const rewardId = await reward(30, 0);
    const UPDATE = `mutation ($input: UpdateRewardInput!) { updateReward(input: $input) { reward { name description cost stock active viewerCanRedeem } userErrors { code field } } }`;
    const update = async (token: string, input: Record<string, unknown>) => (await gql(app, UPDATE, { input: { rewardId, ...input } }, token)).data!.updateReward;
    expect((await update(otherOfficer, { stock: 5 })).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "rewardId"] }]); // another station's
    expect((await update(v!.token, { stock: 5 })).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await update(officer, { cost: 0 })).userErrors).toEqual([{ code: "VALIDATION", field: ["input", "cost"] }]);
    expect((await gql(app, UPDATE, { input: { rewardId: gid("Reward", "00000000-0000-7000-8000-000000000000"), stock: 1 } }, officer)).data!.updateReward.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "rewardId"] },
    ]);
    expect((await gql(app, REDEEM, { input: { rewardId } }, v!.token)).data!.redeemReward.userErrors).toEqual([{ code: "CONFLICT", field: ["input", "rewardId"] }]); // none in stock
    const restocked = await update(officer, { name: "保温杯", description: "府山派出所定制", cost: 40, stock: 2 });
    expect(restocked).toEqual({ reward: { name: "保温杯", description: "府山派出所定制", cost: 40, stock: 2, active: true, viewerCanRedeem: false }, userErrors: [] });
    const q = `query ($id: ID!) { node(id: $id) { ... on Reward { viewerCanRedeem } } }`;
    expect((await gql(app, q, { id: rewardId }, v!.token)).data!.node.viewerCanRedeem).toBe(true);
    expect((await update(officer, { active: false })).reward.active).toBe(false);
    expect((await gql(app, q, { id: rewardId }, v!.token)).data!.node.viewerCanRedeem).toBe(false);
    expect((await gql(app, REDEEM, { input: { rewardId } }, v!.token)).data!.redeemReward.userErrors).toEqual([{ code: "CONFLICT", field: ["input", "rewardId"] }]);
    expect(await balance(v!)).toBe(50);
    // A withdrawn reward leaves the catalog of active rewards.
    const catalog = `query ($id: ID!) { node(id: $id) { ... on Station { rewards(first: 100, onlyActive: true) { edges { node { id } } } } } }`;
    expect((await gql(app, catalog, { id: fushan() }, v!.token)).data!.node.rewards.edges.map((e: any) => e.node.id)).not.toContain(rewardId);
  });

  it("an officer of the station marks a redemption handed out, once", async () => {
    const [v] = await members(1);
    await give(v!, 10);
    const rewardId = await reward(10, 1);
    const redemptionId = (await gql(app, REDEEM, { input: { rewardId } }, v!.token)).data!.redeemReward.redemption.id;
    const HAND_OUT = `mutation ($input: MarkRedemptionHandedOutInput!) { markRedemptionHandedOut(input: $input) { redemption { status handedOutAt } userErrors { code field } } }`;
    const handOut = async (token: string, id = redemptionId) => (await gql(app, HAND_OUT, { input: { redemptionId: id } }, token)).data!.markRedemptionHandedOut;
    const PENDING = `query ($id: ID!) { node(id: $id) { ... on Station { redemptions(first: 100, status: PENDING) { edges { node { id } } } } } }`;
    const pending = async () => (await gql(app, PENDING, { id: fushan() }, officer)).data!.node.redemptions.edges.map((e: any) => e.node.id);
    expect(await pending()).toContain(redemptionId);
    expect((await handOut(v!.token)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await handOut(otherOfficer)).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "redemptionId"] }]);
    expect((await handOut(officer, gid("Redemption", "00000000-0000-7000-8000-000000000000"))).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "redemptionId"] }]);
    const done = await handOut(officer);
    expect(done).toMatchObject({ redemption: { status: "HANDED_OUT" }, userErrors: [] });
    expect((await handOut(officer)).redemption.handedOutAt).toBe(done.redemption.handedOutAt);
    expect(await pending()).not.toContain(redemptionId);
    const mine = await gql(app, `{ viewer { myRedemptions(first: 5) { edges { node { status } } } } }`, {}, v!.token);
    expect(mine.data!.viewer.myRedemptions.edges).toEqual([{ node: { status: "HANDED_OUT" } }]);
    expect((await gql(app, PENDING, { id: fushan() }, v!.token)).data!.node.redemptions).toBeNull();
  });

  it("corrections are reversing entries, once, and never edits", async () => {
    const [v] = await members(1);
    const d = await deed(v!, "调解邻里纠纷", { category: "DISPUTE_MEDIATED" });
    await gql(app, APPROVE, { input: { goodDeedId: d, points: 40 } }, officer);
    const entry = await prisma.pointsEntry.findUniqueOrThrow({ where: { source: `deed:${rawId(d)}` } });
    const a = await gql(app, REVERSE, { input: { entryId: gid("PointsEntry", entry.id), note: "误批" } }, officer);
    const b = await gql(app, REVERSE, { input: { entryId: gid("PointsEntry", entry.id), note: "误批" } }, officer);
    expect(a.data!.reversePointsEntry.entry).toMatchObject({ amount: -40, reason: "REVERSAL" });
    expect(b.data!.reversePointsEntry.entry.id).toBe(a.data!.reversePointsEntry.entry.id);
    expect((await gql(app, REVERSE, { input: { entryId: a.data!.reversePointsEntry.entry.id, note: "x" } }, officer)).data!.reversePointsEntry.userErrors).toEqual([
      { code: "CONFLICT", field: ["input", "entryId"] },
    ]);
    expect((await gql(app, REVERSE, { input: { entryId: gid("PointsEntry", entry.id), note: "x" } }, otherOfficer)).data!.reversePointsEntry.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "entryId"] },
    ]);
    expect(await prisma.pointsEntry.findUniqueOrThrow({ where: { id: entry.id } })).toEqual(entry);
    expect(await balance(v!)).toBe(0);
  });

  it("two concurrent reversals of one entry make one reversing entry, and both answer with it", async () => {
    const [v] = await members(1);
    await commend(v!, "见义勇为", 40);
    const entry = await prisma.pointsEntry.findFirstOrThrow({ where: { volunteerId: v!.id } });
    // Both requests get past the first check, then queue on the volunteer's lock inside their transactions.
    const lock = await holdRowLock("Volunteer", v!.id);
    let results;
    try {
      const both = [1, 2].map(() => gql(app, REVERSE, { input: { entryId: gid("PointsEntry", entry.id), note: "重复冲正" } }, officer));
      await lock.waiters(2);
      await lock.release();
      results = await Promise.all(both);
    } finally {
      await lock.release();
    }
    for (const r of results) {
      expect(r.errors).toBeUndefined();
      expect(r.data!.reversePointsEntry).toMatchObject({ entry: { amount: -40, reason: "REVERSAL" }, userErrors: [] });
    }
    expect(results[0]!.data!.reversePointsEntry.entry.id).toBe(results[1]!.data!.reversePointsEntry.entry.id);
    expect(await prisma.pointsEntry.count({ where: { reversesId: entry.id } })).toBe(1);
    expect(await balance(v!)).toBe(0);
  });

  it("does not reverse points already spent", async () => {
    const [v] = await members(1);
    await commend(v!, "拾金不昧", 40);
    const entry = await prisma.pointsEntry.findFirstOrThrow({ where: { volunteerId: v!.id } });
    const rewardId = await reward(30, 1);
    expect((await gql(app, REDEEM, { input: { rewardId } }, v!.token)).data!.redeemReward.userErrors).toEqual([]);
    const res = await gql(app, REVERSE, { input: { entryId: gid("PointsEntry", entry.id), note: "误批" } }, officer);
    expect(res.data!.reversePointsEntry).toEqual({ entry: null, userErrors: [{ code: "CONFLICT", field: ["input", "entryId"] }] });
    expect(await balance(v!)).toBe(10);
    expect(await prisma.pointsEntry.count({ where: { reversesId: entry.id } })).toBe(0);
  });

  it("refuses what points cannot do: unknown entries, stations and rewards; rewards of one name; redemptions by non-volunteers", async () => {
    const nobody = "00000000-0000-7000-8000-000000000000";
    const [v] = await members(1);
    expect((await gql(app, REVERSE, { input: { entryId: gid("PointsEntry", nobody), note: "x" } }, officer)).data!.reversePointsEntry.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "entryId"] },
    ]);
    const rules = `mutation ($input: UpdatePointsRulesInput!) { updatePointsRules(input: $input) { userErrors { code field } } }`;
    const admin = await createAccount({ role: "ADMIN" });
    expect((await gql(app, rules, { input: { stationId: gid("Station", nobody), pointsPerHour: 5 } }, admin.token)).data!.updatePointsRules.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "stationId"] },
    ]);
    const create = async (token: string, input: Record<string, unknown>) =>
      (await gql(app, CREATE_REWARD, { input: { stationId: fushan(), name: "重名奖品", cost: 5, stock: 5, ...input } }, token)).data!.createReward.userErrors;
    expect(await create(leader, {})).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect(await create(officer, {})).toEqual([]);
    expect(await create(officer, {})).toEqual([{ code: "CONFLICT", field: ["input", "name"] }]);
    expect(await create(admin.token, { stationId: gid("Station", nobody) })).toEqual([{ code: "NOT_FOUND", field: ["input", "stationId"] }]);
    const rewardId = await reward(1, 1);
    expect((await gql(app, REDEEM, { input: { rewardId } }, officer)).data!.redeemReward.userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await gql(app, REDEEM, { input: { rewardId: gid("Reward", nobody) } }, v!.token)).data!.redeemReward.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "rewardId"] }]);
    const elsewhere = await createStation();
    const outsider = await createVolunteer({ teamId: elsewhere.team.id });
    expect((await gql(app, REDEEM, { input: { rewardId } }, outsider.token)).data!.redeemReward.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "rewardId"] }]);
    expect((await gql(app, `{ viewer { myRedemptions(first: 5) { edges { node { id } } } } }`, {}, officer)).data!.viewer.myRedemptions.edges).toEqual([]);
  });

  it("shows a volunteer's ledger to them and their officers, with what an officer may reverse", async () => {
    const [v, peer] = await members(2);
    await commend(v!, "扶老人", 20);
    await give(v!, 5);
    const rewardId = await reward(10, 1);
    await gql(app, REDEEM, { input: { rewardId } }, v!.token);
    const LEDGER = `query ($id: ID!, $s: ID!) { node(id: $id) { ... on Volunteer { points(stationId: $s) { balance entries(first: 10) { edges { node { amount reason viewerCanReverse } } } } } } }`;
    const ledger = async (token: string) => (await gql(app, LEDGER, { id: gid("Volunteer", v!.id), s: fushan() }, token)).data!.node.points;
    const asOfficer = await ledger(officer);
    expect(asOfficer.balance).toBe(15);
    expect(asOfficer.entries.edges.map((e: any) => e.node).sort((a: any, b: any) => a.amount - b.amount)).toEqual([
      { amount: -10, reason: "REDEMPTION", viewerCanReverse: false },
      { amount: 5, reason: "ADJUSTMENT", viewerCanReverse: true },
      { amount: 20, reason: "COMMENDATION", viewerCanReverse: true },
    ]);
    expect((await ledger(v!.token)).entries.edges.every((e: any) => !e.node.viewerCanReverse)).toBe(true);
    expect(await ledger(peer!.token)).toBeNull();
    const REWARDS = `query ($id: ID!) { node(id: $id) { ... on Station { rewards(first: 100) { edges { node { id } } } redemptions(first: 100) { edges { node { id status } } } } } }`;
    const station = (await gql(app, REWARDS, { id: fushan() }, officer)).data!.node;
    expect(station.rewards.edges.map((e: any) => e.node.id)).toContain(rewardId);
    expect(station.redemptions.edges.length).toBeGreaterThan(0);
  });

  it("ranks by this quarter and this year too", async () => {
    const { station, officer: own, team } = await createStation();
    const [a, b] = await createVolunteers(2, { teamId: team.id });
    for (const [p, amount] of [[a, 70], [b, 90]] as const) {
      await gql(app, ADJUST, { input: { volunteerId: gid("Volunteer", p!.id), stationId: gid("Station", station.id), amount, note: "奖励" } }, own.token);
    }
    const q = `query ($s: ID!, $p: Period!) { pointsLeaderboard(stationId: $s, period: $p, first: 5) { edges { node { rank points } } } }`;
    for (const period of ["QUARTER", "YEAR"]) {
      expect((await gql(app, q, { s: gid("Station", station.id), p: period }, own.token)).data!.pointsLeaderboard.edges.map((e: any) => [e.node.rank, e.node.points])).toEqual([
        [1, 90],
        [2, 70],
      ]);
    }
  });

  it("ranks with ties, leaves out those who opted out, and pages", async () => {
    // A station of its own, so the ranking holds only these four.
    const { station, officer: own, team } = await createStation();
    const [a, b, c, d] = await createVolunteers(4, { teamId: team.id });
    for (const [p, amount] of [[a, 500], [b, 500], [c, 400], [d, 900]] as const) {
      await gql(app, ADJUST, { input: { volunteerId: gid("Volunteer", p!.id), stationId: gid("Station", station.id), amount, note: "季度奖励" } }, own.token);
    }
    await gql(app, `mutation { updateMyPrivacy(input: { publicRanking: false }) { userErrors { code } } }`, {}, d!.token);
    const q = `query ($s: ID!, $team: ID, $first: Int, $after: String) { pointsLeaderboard(stationId: $s, teamId: $team, period: MONTH, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor } edges { node { rank points displayName isViewer } } } }`;
    const s = gid("Station", station.id);
    const first = await gql(app, q, { s, first: 2 }, a!.token);
    const top = first.data!.pointsLeaderboard.edges.map((e: any) => e.node);
    expect(top.map((n: any) => [n.rank, n.points])).toEqual([[1, 500], [1, 500]]);
    expect(top.filter((n: any) => n.isViewer).map((n: any) => n.displayName)).toEqual([a!.displayName]);
    const next = await gql(app, q, { s, first: 1, after: first.data!.pointsLeaderboard.pageInfo.endCursor }, a!.token);
    expect(next.data!.pointsLeaderboard.edges[0].node).toMatchObject({ rank: 3, points: 400, displayName: c!.displayName });
    const all = await gql(app, q, { s, team: teamGid(team.id), first: 100 }, a!.token);
    expect(all.data!.pointsLeaderboard.edges.map((e: any) => e.node.displayName)).toEqual(expect.arrayContaining([a!.displayName, b!.displayName, c!.displayName]));
    expect(all.data!.pointsLeaderboard.edges).toHaveLength(3);
    expect((await gql(app, q, { s, first: 5 }, otherOfficer)).data!.pointsLeaderboard).toBeNull();
  });

  it("gives the volunteer and their officers an hours certificate as CSV, and nobody else", async () => {
    const [v, peer] = await members(2);
    const s = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), title: "护学岗, \"早班\"", startsAt: inMinutes(10), endsAt: inMinutes(70) });
    const c = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, v!.token)).data!.claimShift.claim.id;
    await gql(app, CHECK_IN, { input: { claimId: c, method: "LEADER" } }, leader);
    clock.advance(70 * 60_000);
    await gql(app, CHECK_OUT, { input: { claimId: c, method: "LEADER" } }, leader);
    // A deed whose title would run as a spreadsheet formula.
    await commend(v!, '=HYPERLINK("http://evil.example","点我")', 1);
    const q = `query ($id: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) { node(id: $id) { ... on Volunteer { hoursCertificate(stationId: $s, from: $from, to: $to) {
      stationName totalMinutes shiftCount commendationCount csv } } } }`;
    const vars = { id: gid("Volunteer", v!.id), s: fushan(), from: inMinutes(-60 * 24 * 2), to: inMinutes(24 * 60) };
    for (const t of [v!.token, officer]) {
      const cert = (await gql(app, q, vars, t)).data!.node.hoursCertificate;
      expect(cert).toMatchObject({ stationName: "府山派出所", totalMinutes: 60, shiftCount: 1, commendationCount: 1 });
      expect(cert.csv).toContain('"护学岗, ""早班"""');
      expect(cert.csv.trim().split("\r\n").at(-1)).toContain(",60");
      // Neutralised: the cell starts with an apostrophe, so no spreadsheet evaluates it.
      expect(cert.csv).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
      expect(cert.csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    }
    expect((await gql(app, q, vars, peer!.token)).data!.node.hoursCertificate).toBeNull();
    // A reversed period is refused rather than certified as 0 hours.
    const reversed = await gql(app, q, { ...vars, from: vars.to, to: vars.from }, v!.token);
    expect(reversed.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // Another station's officer cannot even see the volunteer.
    expect((await gql(app, q, vars, otherOfficer)).data!.node).toBeNull();
  });
});
