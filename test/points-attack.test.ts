// An outside attack on points and rewards (积分、兑换): what a volunteer, another station's officer, an
// anonymous caller and a careless officer try through the API. Each finding fixed is guarded here.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, startApp } from "./support/client.js";
import { createStation, createVolunteer, createVolunteers, DEMO_PHONES, gid, rawId, seedDemoData, type Person } from "./support/fixtures.js";
import { holdRowLock } from "./support/locks.js";
import { CHECK_IN, CHECK_OUT, CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let otherOfficer: string;
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
});
afterAll(() => app?.stop());

// The invariants after every attack: no balance below zero, no stock below zero, every redemption debited once.
afterEach(async () => {
  clock.reset();
  const sums = await prisma.pointsEntry.groupBy({ by: ["volunteerId", "stationId"], _sum: { amount: true } });
  for (const s of sums) expect(s._sum.amount!).toBeGreaterThanOrEqual(0);
  expect(await prisma.reward.count({ where: { stock: { lt: 0 } } })).toBe(0);
  const redemptions = await prisma.redemption.findMany({ select: { id: true, cost: true } });
  const debits = await prisma.pointsEntry.findMany({ where: { reason: "REDEMPTION" }, select: { source: true, amount: true } });
  expect(new Map(debits.map((d) => [d.source, d.amount]))).toEqual(new Map(redemptions.map((r) => [`redemption:${r.id}`, -r.cost])));
});

const fushan = () => gid("Station", demo.fushan.id);
const ADJUST = `mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { entry { id amount } userErrors { code message field } } }`;
const REVERSE = `mutation ($input: ReversePointsEntryInput!) { reversePointsEntry(input: $input) { entry { id amount } userErrors { code message field } } }`;
const SUBMIT = `mutation ($input: SubmitGoodDeedInput!) { submitGoodDeed(input: $input) { goodDeed { id } userErrors { code field } } }`;
const APPROVE = `mutation ($input: ApproveGoodDeedInput!) { approveGoodDeed(input: $input) { goodDeed { id status } userErrors { code message field } } }`;
const REJECT = `mutation ($input: RejectGoodDeedInput!) { rejectGoodDeed(input: $input) { goodDeed { id status } userErrors { code message field } } }`;
const CREATE_REWARD = `mutation ($input: CreateRewardInput!) { createReward(input: $input) { reward { id stock } userErrors { code field } } }`;
const REDEEM = `mutation ($input: RedeemRewardInput!) { redeemReward(input: $input) { redemption { id } userErrors { code message field } } }`;
const HAND_OUT = `mutation ($input: MarkRedemptionHandedOutInput!) { markRedemptionHandedOut(input: $input) { redemption { status handedOutAt } userErrors { code field } } }`;

let serial = 0;
const balance = async (who: { id: string }, stationId = demo.fushan.id) =>
  (await prisma.pointsEntry.aggregate({ where: { volunteerId: who.id, stationId }, _sum: { amount: true } }))._sum.amount ?? 0;
async function give(who: Person, amount: number) {
  const res = await gql(app, ADJUST, { input: { volunteerId: gid("Volunteer", who.id), stationId: fushan(), amount, note: "测试充值" } }, officer);
  expect(res.data!.adjustPoints.userErrors).toEqual([]);
}
async function reward(cost: number, stock: number) {
  const res = await gql(app, CREATE_REWARD, { input: { stationId: fushan(), name: `攻击奖品${++serial}`, cost, stock } }, officer);
  expect(res.data!.createReward.userErrors).toEqual([]);
  return res.data!.createReward.reward.id as string;
}
async function deed(submitter: string, about: Person) {
  const input = { teamId: teamGid(demo.haolinshe.id), volunteerId: gid("Volunteer", about.id), category: "OTHER", title: "协助寻回走失老人", story: "在府山公园找到走失老人。", occurredAt: inMinutes(-60) };
  const res = await gql(app, SUBMIT, { input }, submitter);
  expect(res.data!.submitGoodDeed.userErrors).toEqual([]);
  return res.data!.submitGoodDeed.goodDeed.id as string;
}
/** An officer of 府山 who is also one of its volunteers (a volunteer's phone appointed officer). */
async function officerVolunteer() {
  const me = await createVolunteer({ teamId: demo.haolinshe.id });
  await prisma.accountRole.create({ data: { accountId: me.accountId, role: "OFFICER", stationId: demo.fushan.id } });
  return me;
}

describe("a volunteer after points they should not have", () => {
  it("20 redemptions at once over two rewards never overspend the balance nor the stock", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    await give(v!, 50);
    const a = await reward(10, 3);
    const b = await reward(7, 10);
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => gql(app, REDEEM, { input: { rewardId: i % 2 ? a : b } }, v!.token)));
    for (const r of results) {
      expect(r.errors).toBeUndefined();
      if (!r.data!.redeemReward.redemption) expect(r.data!.redeemReward.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^[积奖]/), field: ["input", "rewardId"] }]);
    }
    const taken = results.filter((r) => r.data!.redeemReward.redemption).length;
    const stock = await prisma.reward.findMany({ where: { id: { in: [rawId(a), rawId(b)] } } });
    const spent = stock.reduce((n, r) => n + (r.cost === 10 ? 3 - r.stock : 10 - r.stock) * r.cost, 0);
    expect(await balance(v!)).toBe(50 - spent);
    expect(await prisma.redemption.count({ where: { volunteerId: v!.id } })).toBe(taken);
    expect(await balance(v!)).toBeLessThan(7); // it stops only when nothing more is affordable
  });

  it("the same redemption sent 20 times at once with one requestId (a retry after a lost answer) redeems once", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    await give(v!, 100);
    const rewardId = await reward(10, 50);
    const input = { rewardId, requestId: "redeem-0001-abcdef" };
    const results = await Promise.all(Array.from({ length: 20 }, () => gql(app, REDEEM, { input }, v!.token)));
    expect(results.map((r) => r.data!.redeemReward.userErrors)).toEqual(Array.from({ length: 20 }, () => []));
    expect(new Set(results.map((r) => r.data!.redeemReward.redemption.id)).size).toBe(1);
    expect(await balance(v!)).toBe(90);
    // The key for another reward is refused; a new key is a new redemption; another person's key is theirs.
    const other = await reward(5, 5);
    expect((await gql(app, REDEEM, { input: { ...input, rewardId: other } }, v!.token)).data!.redeemReward.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^该请求编号/), field: ["input", "requestId"] }]);
    expect((await gql(app, REDEEM, { input: { ...input, requestId: "redeem-0002-abcdef" } }, v!.token)).data!.redeemReward.userErrors).toEqual([]);
    const [w] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    await give(w!, 10);
    expect((await gql(app, REDEEM, { input }, w!.token)).data!.redeemReward.userErrors).toEqual([]);
    expect(await balance(v!)).toBe(80);
    expect(await balance(w!)).toBe(0);
    expect((await gql(app, REDEEM, { input: { rewardId, requestId: "不行" } }, v!.token)).data!.redeemReward.userErrors).toEqual([{ code: "VALIDATION", message: expect.any(String), field: ["input", "requestId"] }]);
  });

  it("pays the cost they confirmed or nothing, and the cost of the moment stock is taken, when the officer changes it at once", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    await give(v!, 100);
    const rewardId = await reward(10, 5);
    const UPDATE = `mutation ($input: UpdateRewardInput!) { updateReward(input: $input) { userErrors { code } } }`;
    expect((await gql(app, UPDATE, { input: { rewardId, cost: 60 } }, officer)).data!.updateReward.userErrors).toEqual([]);
    const stale = await gql(app, REDEEM, { input: { rewardId, expectedCost: 10 } }, v!.token);
    expect(stale.data!.redeemReward.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^所需积分已变为 60/), field: ["input", "expectedCost"] }]);
    expect(await balance(v!)).toBe(100);
    // The change commits while the redemption waits to take stock: the redemption read the old cost.
    const lock = await holdRowLock("Reward", rawId(rewardId));
    let results;
    try {
      const change = gql(app, UPDATE, { input: { rewardId, cost: 90 } }, officer);
      await lock.waiters(1);
      const take = gql(app, REDEEM, { input: { rewardId, expectedCost: 60 } }, v!.token);
      await lock.waiters(2);
      await lock.release();
      results = await Promise.all([change, take]);
    } finally {
      await lock.release();
    }
    expect(results[1]!.data!.redeemReward.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^所需积分已变为 90/), field: ["input", "expectedCost"] }]);
    expect(await balance(v!)).toBe(100);
    expect((await prisma.reward.findUniqueOrThrow({ where: { id: rawId(rewardId) } })).stock).toBe(5);
    expect((await gql(app, REDEEM, { input: { rewardId, expectedCost: 90 } }, v!.token)).data!.redeemReward.userErrors).toEqual([]);
    expect(await balance(v!)).toBe(10);
  });

  it("cannot spend points of one station on another station's rewards, nor redeem them at all", async () => {
    const elsewhere = await createStation();
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    await prisma.teamMembership.create({ data: { teamId: elsewhere.team.id, volunteerId: v!.id } });
    await give(v!, 100);
    const res = await gql(app, CREATE_REWARD, { input: { stationId: gid("Station", elsewhere.station.id), name: "外所奖品", cost: 10, stock: 5 } }, elsewhere.officer.token);
    const there = res.data!.createReward.reward.id;
    expect((await gql(app, REDEEM, { input: { rewardId: there } }, v!.token)).data!.redeemReward.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^积分不足/), field: ["input", "rewardId"] }]);
    const stranger = await createVolunteer({ teamId: demo.haolinshe.id });
    expect((await gql(app, REDEEM, { input: { rewardId: there } }, stranger.token)).data!.redeemReward.userErrors).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "rewardId"] }]);
    expect(await balance(v!)).toBe(100);
  });

  it("anonymous callers and odd numbers get typed errors, never internal ones", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const rewardId = await reward(1, 1);
    const anon = await gql(app, REDEEM, { input: { rewardId } }, null);
    expect(anon.data?.redeemReward?.userErrors ?? anon.errors?.[0]?.extensions?.code).toBeTruthy();
    expect(JSON.stringify(anon)).not.toMatch(/INTERNAL/);
    for (const amount of [2 ** 31, 1.5, -(2 ** 31) - 1]) {
      const r = await gql(app, ADJUST, { input: { volunteerId: gid("Volunteer", v!.id), stationId: fushan(), amount, note: "x" } }, officer);
      expect(r.errors?.[0]?.extensions?.code).not.toBe("INTERNAL_SERVER_ERROR");
      expect(r.data?.adjustPoints ?? null).toBeNull();
    }
    const huge = await gql(app, ADJUST, { input: { volunteerId: gid("Volunteer", v!.id), stationId: fushan(), amount: -100_000, note: "x" } }, officer);
    expect(huge.data!.adjustPoints.userErrors).toEqual([{ code: "VALIDATION", message: expect.any(String), field: ["input", "amount"] }]);
    const neg = await gql(app, CREATE_REWARD, { input: { stationId: fushan(), name: "负库存", cost: 1, stock: -1 } }, officer);
    expect(neg.data!.createReward.userErrors).toEqual([{ code: "VALIDATION", field: ["input", "stock"] }]);
    expect(await balance(v!)).toBe(0);
  });

  it("their own points at a station that does not exist are null, not an internal error", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const Q = `query ($id: ID!, $s: ID!) { node(id: $id) { ... on Volunteer { points(stationId: $s) { balance station { name } } } } }`;
    const res = await gql(app, Q, { id: gid("Volunteer", v!.id), s: gid("Station", "00000000-0000-7000-8000-000000000000") }, v!.token);
    expect(res).toEqual({ data: { node: { points: null } } });
    expect((await gql(app, Q, { id: gid("Volunteer", v!.id), s: fushan() }, v!.token)).data!.node.points).toEqual({ balance: 0, station: { name: "府山派出所" } });
  });

  it("another station's officer neither reads a volunteer's ledger nor touches the station's rules, rewards or redemptions", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    await give(v!, 10);
    const rewardId = await reward(10, 1);
    const redemptionId = (await gql(app, REDEEM, { input: { rewardId } }, v!.token)).data!.redeemReward.redemption.id;
    const LEDGER = `query ($id: ID!, $s: ID!) { node(id: $id) { ... on Volunteer { points(stationId: $s) { balance } } } }`;
    for (const s of [fushan(), gid("Station", demo.changqing.id)]) {
      expect((await gql(app, LEDGER, { id: gid("Volunteer", v!.id), s }, otherOfficer)).data?.node?.points ?? null).toBeNull();
    }
    const rules = await gql(app, `mutation ($input: UpdatePointsRulesInput!) { updatePointsRules(input: $input) { userErrors { code } } }`, { input: { stationId: fushan(), pointsPerHour: 1000 } }, otherOfficer);
    expect(rules.data!.updatePointsRules.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    expect((await gql(app, HAND_OUT, { input: { redemptionId } }, otherOfficer)).data!.markRedemptionHandedOut.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "redemptionId"] }]);
    expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: redemptionId }, otherOfficer)).data!.node).toBeNull();
  });
});

describe("an officer who is also a volunteer of the station", () => {
  it("cannot give themselves points, approve their own good deed or undo a deduction of their own", async () => {
    const me = await officerVolunteer();
    const self = gid("Volunteer", me.id);
    const adjust = await gql(app, ADJUST, { input: { volunteerId: self, stationId: fushan(), amount: 10_000, note: "辛苦费" } }, me.token);
    expect(adjust.data!.adjustPoints.userErrors).toEqual([{ code: "FORBIDDEN", message: expect.stringMatching(/^[\u4e00-\u9fff]/), field: null }]);
    const own = await deed(me.token, me);
    const approve = await gql(app, APPROVE, { input: { goodDeedId: own, points: 1000 } }, me.token);
    expect(approve.data!.approveGoodDeed.userErrors).toEqual([{ code: "FORBIDDEN", message: expect.stringMatching(/^[\u4e00-\u9fff]/), field: null }]);
    expect(await balance(me)).toBe(0);
    // Another officer may do both; a deduction by them is not the deducted officer's to reverse.
    await give(me, 50);
    const cut = await gql(app, ADJUST, { input: { volunteerId: self, stationId: fushan(), amount: -40, note: "扣分" } }, officer);
    // Nor does the page offer it: viewerCanReverse of their own entries, viewerCanReview of their own deed.
    const LEDGER = `query ($id: ID!, $s: ID!, $d: ID!) { node(id: $id) { ... on Volunteer { points(stationId: $s) { viewerCanAdjust entries(first: 5) { edges { node { viewerCanReverse } } } } } } deed: node(id: $d) { ... on GoodDeed { viewerCanReview } } }`;
    const seen = (await gql(app, LEDGER, { id: self, s: fushan(), d: own }, me.token)).data!;
    expect(seen.node.points.viewerCanAdjust).toBe(false);
    expect(seen.node.points.entries.edges.map((e: any) => e.node.viewerCanReverse)).toEqual([false, false]);
    expect(seen.deed.viewerCanReview).toBe(false);
    expect((await gql(app, LEDGER, { id: self, s: fushan(), d: own }, officer)).data!.node.points.entries.edges.map((e: any) => e.node.viewerCanReverse)).toEqual([true, true]);
    const undo = await gql(app, REVERSE, { input: { entryId: cut.data!.adjustPoints.entry.id, note: "不服" } }, me.token);
    expect(undo.data!.reversePointsEntry.userErrors).toEqual([{ code: "FORBIDDEN", message: expect.stringMatching(/^[\u4e00-\u9fff]/), field: null }]);
    expect((await gql(app, APPROVE, { input: { goodDeedId: own, points: 5 } }, officer)).data!.approveGoodDeed.userErrors).toEqual([]);
    expect(await balance(me)).toBe(15);
    // Their officer's powers over others stay.
    const [other] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    expect((await gql(app, ADJUST, { input: { volunteerId: gid("Volunteer", other!.id), stationId: fushan(), amount: 5, note: "奖励" } }, me.token)).data!.adjustPoints.userErrors).toEqual([]);
  });
});

describe("a leader or officer on their own shift, or with their own reward", () => {
  it("neither hands out their own redemption nor checks themselves in for themselves (代签到), and the pages do not offer it", async () => {
    const me = await officerVolunteer();
    await give(me, 10);
    const rewardId = await reward(10, 5);
    const redemptionId = (await gql(app, REDEEM, { input: { rewardId } }, me.token)).data!.redeemReward.redemption.id;
    const own = await gql(app, HAND_OUT, { input: { redemptionId } }, me.token);
    expect(own.data!.markRedemptionHandedOut.userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    const LIST = `query ($s: ID!) { node(id: $s) { ... on Station { redemptions(first: 50, status: PENDING) { edges { node { id viewerCanHandOut } } } } } }`;
    const offered = async (t: string) => (await gql(app, LIST, { s: fushan() }, t)).data!.node.redemptions.edges.find((e: any) => e.node.id === redemptionId).node.viewerCanHandOut;
    expect(await offered(me.token)).toBe(false);
    expect(await offered(officer)).toBe(true);
    expect((await gql(app, HAND_OUT, { input: { redemptionId } }, officer)).data!.markRedemptionHandedOut.userErrors).toEqual([]);

    // The team's leader claims a place on a shift of their team: they check in with the post code, as everyone.
    const leader = await createVolunteer({ teamId: demo.haolinshe.id, teamRole: "LEADER" });
    const s = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "队长自己的巡逻", startsAt: inMinutes(10), endsAt: inMinutes(130) });
    const claimId = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, leader.token)).data!.claimShift.claim.id;
    const [other] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const otherClaim = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, other!.token)).data!.claimShift.claim.id;
    const ROSTER = `query ($id: ID!) { node(id: $id) { ... on Shift { claims(first: 100) { edges { node { id viewerCanCheckInFor } } } } } }`;
    const roster = async () => Object.fromEntries((await gql(app, ROSTER, { id: s.shift.id }, leader.token)).data!.node.claims.edges.map((e: any) => [e.node.id, e.node.viewerCanCheckInFor]));
    clock.advance(15 * 60_000);
    expect(await roster()).toEqual({ [claimId]: false, [otherClaim]: true });
    const self = await gql(app, CHECK_IN, { input: { claimId, method: "LEADER" } }, leader.token);
    expect(self.data!.checkIn.userErrors).toEqual([{ code: "FORBIDDEN", message: "不能为自己代签到：请扫码或输入岗点码签到", field: null }]);
    expect((await gql(app, CHECK_IN, { input: { claimId: otherClaim, method: "LEADER" } }, leader.token)).data!.checkIn.userErrors).toEqual([]);
    expect((await gql(app, CHECK_IN, { input: { claimId, method: "QR", code: s.shift.postCode } }, leader.token)).data!.checkIn.userErrors).toEqual([]);
  });

  it("offers 代签到 only while check-in is open: not before 30 minutes ahead of the start, not after the end", async () => {
    const leader = await createVolunteer({ teamId: demo.haolinshe.id, teamRole: "LEADER" });
    const s = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "代签到时段", startsAt: inMinutes(60), endsAt: inMinutes(120) });
    const [other] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const claimId = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, other!.token)).data!.claimShift.claim.id;
    const ROSTER = `query ($id: ID!) { node(id: $id) { ... on Shift { claims(first: 100) { edges { node { id viewerCanCheckInFor } } } } } }`;
    const offered = async () => (await gql(app, ROSTER, { id: s.shift.id }, leader.token)).data!.node.claims.edges.find((e: any) => e.node.id === claimId).node.viewerCanCheckInFor;
    const tryIt = async () => (await gql(app, CHECK_IN, { input: { claimId, method: "LEADER" } }, leader.token)).data!.checkIn.userErrors;
    // An hour ahead: the button would only earn "opens 30 minutes before the start".
    expect(await offered()).toBe(false);
    expect((await tryIt())[0]).toMatchObject({ code: "CONFLICT", message: "开始前30分钟起可签到" });
    clock.advance(125 * 60_000);
    // Ended: nothing to check in to any more.
    expect(await offered()).toBe(false);
    expect((await tryIt())[0]).toMatchObject({ code: "CONFLICT", message: "班次已结束，无法签到" });
    clock.advance(-90 * 60_000);
    // Under way: offered, and it works.
    expect(await offered()).toBe(true);
    expect(await tryIt()).toEqual([]);
    expect(await offered()).toBe(false);
  });
});

describe("a careless or racing review", () => {
  it("approve and reject of one deed at once: never a rejected deed with a commendation and points", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const id = await deed(v!.token, v!);
    const lock = await holdRowLock("GoodDeed", rawId(id));
    let results;
    try {
      const approve = gql(app, APPROVE, { input: { goodDeedId: id, points: 30 } }, officer);
      await lock.waiters(1);
      const reject = gql(app, REJECT, { input: { goodDeedId: id, reason: "材料不实" } }, officer);
      await lock.waiters(2);
      await lock.release();
      results = await Promise.all([approve, reject]);
    } finally {
      await lock.release();
    }
    expect(results[0]!.data!.approveGoodDeed.userErrors).toEqual([]);
    expect(results[1]!.data!.rejectGoodDeed.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^该事迹已通过/), field: ["input", "goodDeedId"] }]);
    const row = await prisma.goodDeed.findUniqueOrThrow({ where: { id: rawId(id) }, include: { commendation: true } });
    expect(row.status).toBe("APPROVED");
    expect(row.commendation).not.toBeNull();
    expect(await balance(v!)).toBe(30);

    // The other order: the rejection first; the approval is told, not answered with a rejected deed.
    const id2 = await deed(v!.token, v!);
    const lock2 = await holdRowLock("GoodDeed", rawId(id2));
    try {
      const reject = gql(app, REJECT, { input: { goodDeedId: id2, reason: "材料不实" } }, officer);
      await lock2.waiters(1);
      const approve = gql(app, APPROVE, { input: { goodDeedId: id2, points: 30 } }, officer);
      await lock2.waiters(2);
      await lock2.release();
      results = await Promise.all([reject, approve]);
    } finally {
      await lock2.release();
    }
    expect(results[0]!.data!.rejectGoodDeed.userErrors).toEqual([]);
    expect(results[1]!.data!.approveGoodDeed.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^该事迹已被驳回/), field: ["input", "goodDeedId"] }]);
    expect(await prisma.commendation.count({ where: { goodDeedId: rawId(id2) } })).toBe(0);
    expect(await balance(v!)).toBe(30);
  });

  it("a shift cancelled while someone is checked in earns no points by checking out afterwards", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const s = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "取消的巡逻", startsAt: inMinutes(10), endsAt: inMinutes(130) });
    const claimId = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, v!.token)).data!.claimShift.claim.id;
    clock.advance(15 * 60_000);
    expect((await gql(app, CHECK_IN, { input: { claimId, method: "LEADER" } }, officer)).data!.checkIn.userErrors).toEqual([]);
    clock.advance(60 * 60_000);
    const cancel = await gql(app, `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`, { input: { shiftId: s.shift.id, reason: "暴雨取消" } }, officer);
    expect(cancel.data!.cancelShift.userErrors).toEqual([]);
    const out = await gql(app, CHECK_OUT, { input: { claimId, method: "LEADER" } }, officer);
    expect(out.data!.checkOut.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^[\u4e00-\u9fff]/), field: ["input", "claimId"] }]);
    expect((await prisma.shiftClaim.findUniqueOrThrow({ where: { id: rawId(claimId) } })).status).toBe("CANCELLED");
    expect(await balance(v!)).toBe(0);

    // The cancellation and the check-out at once, the cancellation first on the shift's lock.
    const [w] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const s2 = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "同时取消的巡逻", startsAt: inMinutes(80), endsAt: inMinutes(200) });
    const claim2 = (await gql(app, CLAIM, { input: { shiftId: s2.shift.id } }, w!.token)).data!.claimShift.claim.id;
    clock.advance(15 * 60_000);
    expect((await gql(app, CHECK_IN, { input: { claimId: claim2, method: "LEADER" } }, officer)).data!.checkIn.userErrors).toEqual([]);
    clock.advance(30 * 60_000);
    const lock = await holdRowLock("Shift", rawId(s2.shift.id));
    let results;
    try {
      const cancelling = gql(app, `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`, { input: { shiftId: s2.shift.id, reason: "暴雨取消" } }, officer);
      await lock.waiters(1);
      const leaving = gql(app, CHECK_OUT, { input: { claimId: claim2, method: "LEADER" } }, officer);
      await lock.waiters(2);
      await lock.release();
      results = await Promise.all([cancelling, leaving]);
    } finally {
      await lock.release();
    }
    expect(results[0]!.data!.cancelShift.userErrors).toEqual([]);
    expect(results[1]!.data!.checkOut.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^该认领已取消/), field: ["input", "claimId"] }]);
    expect(await balance(w!)).toBe(0);
  });

  it("a reward handed out by two officers at once is handed out once, and the hand-out is audited", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    await give(v!, 10);
    const rewardId = await reward(10, 1);
    const redemptionId = (await gql(app, REDEEM, { input: { rewardId } }, v!.token)).data!.redeemReward.redemption.id;
    const second = await signIn(app, DEMO_PHONES.fushanOfficer);
    const lock = await holdRowLock("Redemption", rawId(redemptionId));
    let results;
    try {
      const both = [officer, second].map((t) => gql(app, HAND_OUT, { input: { redemptionId } }, t));
      await lock.waiters(2);
      await lock.release();
      results = await Promise.all(both);
    } finally {
      await lock.release();
    }
    for (const r of results) expect(r.data!.markRedemptionHandedOut.userErrors).toEqual([]);
    expect(results[0]!.data!.markRedemptionHandedOut.redemption.handedOutAt).toBe(results[1]!.data!.markRedemptionHandedOut.redemption.handedOutAt);
    expect(await prisma.auditEntry.count({ where: { action: "redemption.handOut", targetId: rawId(redemptionId) } })).toBe(1);
  });

  it("an officer saving a reward form opened before redemptions does not put the redeemed items back in stock", async () => {
    const people = await createVolunteers(2, { teamId: demo.haolinshe.id });
    for (const p of people) await give(p, 10);
    const rewardId = await reward(10, 5);
    // The form opened at stock 5; two are redeemed meanwhile.
    for (const p of people) expect((await gql(app, REDEEM, { input: { rewardId } }, p.token)).data!.redeemReward.userErrors).toEqual([]);
    const UPDATE = `mutation ($input: UpdateRewardInput!) { updateReward(input: $input) { reward { name stock } userErrors { code message field } } }`;
    const stale = await gql(app, UPDATE, { input: { rewardId, name: "改名的奖品", stock: 5, expectedStock: 5 } }, officer);
    expect(stale.data!.updateReward.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^库存已变化/), field: ["input", "stock"] }]);
    expect((await prisma.reward.findUniqueOrThrow({ where: { id: rawId(rewardId) } })).stock).toBe(3);
    // Restocking from what is there now works; so does renaming without touching the stock.
    expect((await gql(app, UPDATE, { input: { rewardId, stock: 8, expectedStock: 3 } }, officer)).data!.updateReward).toEqual({ reward: { name: expect.any(String), stock: 8 }, userErrors: [] });
    expect((await gql(app, UPDATE, { input: { rewardId, name: "改名的奖品" } }, officer)).data!.updateReward).toEqual({ reward: { name: "改名的奖品", stock: 8 }, userErrors: [] });
  });

  it("approving a good deed (points given) and rejecting one are audited", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const id = await deed(v!.token, v!);
    expect((await gql(app, APPROVE, { input: { goodDeedId: id, points: 25 } }, officer)).data!.approveGoodDeed.userErrors).toEqual([]);
    const entries = await prisma.auditEntry.findMany({ where: { action: "goodDeed.approve", targetId: rawId(id) } });
    expect(entries).toHaveLength(1);
    expect(entries[0]!.summary).toMatch(/25/);
    const other = await deed(v!.token, v!);
    expect((await gql(app, REJECT, { input: { goodDeedId: other, reason: "重复提交" } }, officer)).data!.rejectGoodDeed.userErrors).toEqual([]);
    expect(await prisma.auditEntry.count({ where: { action: "goodDeed.reject", targetId: rawId(other) } })).toBe(1);
    const LOG = `query ($s: ID, $action: String) { auditLog(stationId: $s, action: $action, first: 5) { edges { node { actionLabel targetLabel targetName } } } }`;
    const log = await gql(app, LOG, { s: fushan(), action: "goodDeed.approve" }, officer);
    expect(log.data!.auditLog.edges[0].node).toEqual({ actionLabel: "通过好人好事", targetLabel: "好人好事", targetName: v!.displayName });
  });
});
