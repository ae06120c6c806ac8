import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { publicCacheStats } from "../api/src/graphql/public-cache.js";
import { closeFinishedShifts } from "../api/src/modules/shift/checkin.service.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { CHECK_IN, CHECK_OUT, CLAIM, inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let leader: string;
let otherOfficer: string;
let tokens: Map<string, string>;
const phones = Array.from({ length: 200 }, (_, i) => String(13800000101 + i));
const tok = (p: string) => tokens.get(p)!;
const raw = (g: string) => Buffer.from(g, "base64").toString().split(":")[1]!;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
  tokens = await tokensFor(phones);
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

async function deed(phone: string, title: string, extra: Record<string, unknown> = {}) {
  const v = await demo.volunteer(phone);
  const res = await gql(
    app,
    SUBMIT,
    { input: { teamId: teamGid(demo.haolinshe.id), volunteerId: gid("Volunteer", v.id), category: "LOST_PROPERTY_RETURNED", title, story: "在府山公园拾到钱包，交还失主。", occurredAt: inMinutes(-60 * 24), ...extra } },
    tok(phone),
  );
  expect(res.data!.submitGoodDeed.userErrors).toEqual([]);
  return res.data!.submitGoodDeed.goodDeed.id as string;
}
const balance = async (phone: string) => (await prisma.pointsEntry.aggregate({ where: { volunteer: { phone } }, _sum: { amount: true } }))._sum.amount ?? 0;

describe("good deeds → commendations", () => {
  it("only the station's officers approve; approval awards points once; rejected deeds stay rejected", async () => {
    const before = await balance(phones[0]!);
    const id = await deed(phones[0]!, "拾金不昧");
    for (const t of [leader, tok(phones[1]!)]) {
      expect((await gql(app, APPROVE, { input: { goodDeedId: id, points: 30 } }, t)).data!.approveGoodDeed.userErrors[0].code).toBe("FORBIDDEN");
    }
    // Another station's officer learns nothing: the deed does not exist for them.
    expect((await gql(app, APPROVE, { input: { goodDeedId: id, points: 30 } }, otherOfficer)).data!.approveGoodDeed.userErrors[0].code).toBe("NOT_FOUND");
    const ok = await gql(app, APPROVE, { input: { goodDeedId: id, points: 30 } }, officer);
    expect(ok.data!.approveGoodDeed.goodDeed).toMatchObject({ status: "APPROVED", pointsAwarded: 30 });
    expect(ok.data!.approveGoodDeed.goodDeed.commendation.id).toBeTruthy();
    await gql(app, APPROVE, { input: { goodDeedId: id, points: 30 } }, officer);
    expect((await balance(phones[0]!)) - before).toBe(30);
    expect(await prisma.commendation.count({ where: { goodDeedId: raw(id) } })).toBe(1);

    const bad = await deed(phones[1]!, "重复提交");
    const reject = await gql(app, `mutation ($input: RejectGoodDeedInput!) { rejectGoodDeed(input: $input) { goodDeed { status rejectReason } userErrors { code } } }`, {
      input: { goodDeedId: bad, reason: "与上一条重复" },
    }, officer);
    expect(reject.data!.rejectGoodDeed.goodDeed).toEqual({ status: "REJECTED", rejectReason: "与上一条重复" });
    expect((await gql(app, APPROVE, { input: { goodDeedId: bad } }, officer)).data!.approveGoodDeed.userErrors[0].code).toBe("CONFLICT");
  });

  it("refuses deeds dated in the future and people outside the team", async () => {
    const future = await gql(app, SUBMIT, {
      input: { teamId: teamGid(demo.haolinshe.id), category: "OTHER", title: "x", story: "y", occurredAt: inMinutes(60) },
    }, tok(phones[2]!));
    expect(future.data!.submitGoodDeed.userErrors).toEqual([{ code: "VALIDATION", field: ["input", "occurredAt"] }]);
    const outsider = await signIn(app, "13900000003"); // 长庆's committee: 好邻舍义警 does not exist for them
    const res = await gql(app, SUBMIT, {
      input: { teamId: teamGid(demo.haolinshe.id), category: "OTHER", title: "x", story: "y", occurredAt: inMinutes(-60) },
    }, outsider);
    expect(res.data!.submitGoodDeed.userErrors[0].code).toBe("NOT_FOUND");
  });
});

describe("commendation board", () => {
  it("a leader publishes; the public board (no token) shows names, counts and stories but no personal data; it updates live", async () => {
    const screen = wsClient(app, null);
    const live = subscribe(screen, `subscription ($s: ID!) { commendationBoardUpdated(stationId: $s) { title teamName } }`, { s: gid("Station", demo.fushan.id) });
    await new Promise((r) => setTimeout(r, 300));

    const ids: string[] = [];
    for (const [i, title] of ["扶老人过马路", "劝阻电信诈骗", "发现消防隐患"].entries()) {
      const d = await deed(phones[10]!, title, { category: ["HELPING_ELDERLY", "FRAUD_PREVENTED", "HAZARD_FOUND"][i] });
      ids.push((await gql(app, APPROVE, { input: { goodDeedId: d } }, officer)).data!.approveGoodDeed.goodDeed.commendation.id);
    }
    const volunteerOnly = await gql(app, PUBLISH, { input: { teamId: teamGid(demo.haolinshe.id), title: "x", commendationIds: ids } }, tok(phones[3]!));
    expect(volunteerOnly.data!.publishCommendationBoard.userErrors[0].code).toBe("FORBIDDEN");
    const pub = await gql(app, PUBLISH, { input: { teamId: teamGid(demo.haolinshe.id), title: "测试表扬榜", commendationIds: ids.slice(0, 2) } }, leader);
    expect(pub.data!.publishCommendationBoard.userErrors).toEqual([]);
    const [update] = await live.waitFor(1);
    expect(update!.data!.commendationBoardUpdated).toEqual({ title: "测试表扬榜", teamName: "好邻舍义警" });

    const board = await gql(app, BOARD, { s: gid("Station", demo.fushan.id) });
    expect(board.errors).toBeUndefined();
    const ours = (b: typeof board) => b.data!.commendationBoard.edges.map((e: any) => e.node).filter((n: any) => n.editionTitle === "测试表扬榜");
    const entries = ours(board);
    const v = await demo.volunteer(phones[10]!);
    expect(entries).toHaveLength(2);
    expect(entries[0]).toMatchObject({ displayName: v.displayName, legalName: null, teamName: "好邻舍义警", title: "扶老人过马路", timesCommended: 3 });
    const text = JSON.stringify(board);
    expect(text).not.toContain(v.phone);
    expect(text).not.toContain(v.name);
    expect(text).not.toContain(v.idNumber!);

    // With consent the legal name appears.
    await gql(app, `mutation { updateMyPrivacy(input: { showLegalNameOnBoard: true }) { userErrors { code } } }`, {}, tok(phones[10]!));
    expect(ours(await gql(app, BOARD, { s: gid("Station", demo.fushan.id) }))[0].legalName).toBe(v.name);

    // Withdrawn editions leave the board.
    const withdraw = await gql(app, `mutation ($input: WithdrawCommendationBoardInput!) { withdrawCommendationBoard(input: $input) { edition { withdrawnAt } userErrors { code } } }`, {
      input: { editionId: pub.data!.publishCommendationBoard.edition.id },
    }, officer);
    expect(withdraw.data!.withdrawCommendationBoard.edition.withdrawnAt).toBeTruthy();
    expect(ours(await gql(app, BOARD, { s: gid("Station", demo.fushan.id) }))).toHaveLength(0);
    await screen.dispose();
  });

  it("refuses commendations of another team", async () => {
    const d = await deed(phones[11]!, "好事一件");
    const c = (await gql(app, APPROVE, { input: { goodDeedId: d } }, officer)).data!.approveGoodDeed.goodDeed.commendation.id;
    const committeeLeader = await signIn(app, "13900000001");
    const res = await gql(app, PUBLISH, { input: { teamId: teamGid(demo.committee.id), title: "吴牙表扬榜", commendationIds: [c] } }, committeeLeader);
    expect(res.data!.publishCommendationBoard.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "commendationIds", "0"] }]);
  });

  it("serves a board page with the same number of SQL statements for 5 and 40 entries", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) {
      const d = await deed(phones[20 + i]!, `好事${i}`);
      ids.push((await gql(app, APPROVE, { input: { goodDeedId: d } }, officer)).data!.approveGoodDeed.goodDeed.commendation.id);
    }
    await gql(app, PUBLISH, { input: { teamId: teamGid(demo.haolinshe.id), title: "大榜", commendationIds: ids } }, leader);
    const count = async (first: number) => {
      const before = sqlStats.statements;
      const res = await gql(app, BOARD, { s: gid("Station", demo.fushan.id), first });
      expect(res.data!.commendationBoard.edges).toHaveLength(first);
      return sqlStats.statements - before;
    };
    const five = await count(5);
    expect(await count(40)).toBe(five);
    // The entries with their relations (joined) and the batched commendation count.
    expect(five).toBeLessThanOrEqual(4);
  });

  it("answers repeated anonymous reads from the cache, never signed-in ones, and is fresh after an approval", async () => {
    const vars = { s: gid("Station", demo.fushan.id), first: 7 };
    const first = await gql(app, BOARD, vars);
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
    const top = first.data!.commendationBoard.edges[0].node;
    const person = await prisma.volunteer.findFirstOrThrow({ where: { displayName: top.displayName } });
    const d = await deed(person.phone, "又一件好事");
    await gql(app, APPROVE, { input: { goodDeedId: d } }, officer);
    const after = await gql(app, BOARD, vars);
    expect(after.data!.commendationBoard.edges[0].node.timesCommended).toBe(top.timesCommended + 1);
    expect(publicCacheStats.misses).toBe(misses + 1);
  });
});

describe("points", () => {
  it("a completed shift credits hours once, night patrols ×1.5, even when completion is retried", async () => {
    const night = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), kind: "NIGHT_PATROL", startsAt: inMinutes(10), endsAt: inMinutes(130) });
    const p = phones[100]!;
    const c = (await gql(app, CLAIM, { input: { shiftId: night.shift.id } }, tok(p))).data!.claimShift.claim.id;
    await gql(app, CHECK_IN, { input: { claimId: c, method: "QR", code: night.shift.postCode } }, tok(p));
    clock.advance(130 * 60_000);
    const before = await balance(p);
    const outs = await Promise.all([1, 2, 3].map(() => gql(app, CHECK_OUT, { input: { claimId: c } }, tok(p))));
    for (const o of outs) expect(o.data!.checkOut.claim.minutesServed).toBe(120);
    await closeFinishedShifts(new Date(Date.now() + 400 * 60_000));
    expect((await balance(p)) - before).toBe(30); // 2 h × 10 × 1.5
    expect(await prisma.pointsEntry.count({ where: { source: `claim:${raw(c)}` } })).toBe(1);
  });

  it("officers set rules; rules apply to later completions", async () => {
    const m = `mutation ($input: UpdatePointsRulesInput!) { updatePointsRules(input: $input) { station { pointsRules { pointsPerHour nightPatrolPercent } } userErrors { code field } } }`;
    expect((await gql(app, m, { input: { stationId: gid("Station", demo.fushan.id), pointsPerHour: 20 } }, leader)).data!.updatePointsRules.userErrors[0].code).toBe("FORBIDDEN");
    expect((await gql(app, m, { input: { stationId: gid("Station", demo.fushan.id), nightPatrolPercent: 50 } }, officer)).data!.updatePointsRules.userErrors).toEqual([
      { code: "VALIDATION", field: ["input", "nightPatrolPercent"] },
    ]);
    const ok = await gql(app, m, { input: { stationId: gid("Station", demo.fushan.id), pointsPerHour: 20 } }, officer);
    expect(ok.data!.updatePointsRules.station.pointsRules).toEqual({ pointsPerHour: 20, nightPatrolPercent: 150 });
    const s = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(10), endsAt: inMinutes(70) });
    const p = phones[101]!;
    const c = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, tok(p))).data!.claimShift.claim.id;
    await gql(app, CHECK_IN, { input: { claimId: c, method: "LEADER" } }, leader);
    clock.advance(70 * 60_000);
    await gql(app, CHECK_OUT, { input: { claimId: c, method: "LEADER" } }, leader);
    expect(await balance(p)).toBe(20);
    await gql(app, m, { input: { stationId: gid("Station", demo.fushan.id), pointsPerHour: 10 } }, officer);
  });

  it("100 concurrent redemptions against a balance for 10: exactly 10 succeed; balance and stock stay consistent", async () => {
    const p = phones[150]!;
    const v = await demo.volunteer(p);
    const adj = await gql(app, `mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { entry { amount } userErrors { code } } }`, {
      input: { volunteerId: gid("Volunteer", v.id), stationId: gid("Station", demo.fushan.id), amount: 100 - (await balance(p)), note: "测试充值" },
    }, officer);
    expect(adj.data!.adjustPoints.userErrors).toEqual([]);
    const reward = await gql(app, `mutation ($input: CreateRewardInput!) { createReward(input: $input) { reward { id stock } userErrors { code } } }`, {
      input: { stationId: gid("Station", demo.fushan.id), name: "测试奖品A", cost: 10, stock: 50 },
    }, officer);
    const rewardId = reward.data!.createReward.reward.id;
    const results = await Promise.all(
      Array.from({ length: 100 }, () => gql(app, `mutation ($input: RedeemRewardInput!) { redeemReward(input: $input) { redemption { id } userErrors { code } } }`, { input: { rewardId } }, tok(p))),
    );
    const ok = results.filter((r) => r.data!.redeemReward.redemption);
    expect(ok).toHaveLength(10);
    for (const r of results.filter((r) => !r.data!.redeemReward.redemption)) expect(r.data!.redeemReward.userErrors[0].code).toBe("CONFLICT");
    expect(await balance(p)).toBe(0);
    expect((await prisma.reward.findUniqueOrThrow({ where: { id: raw(rewardId) } })).stock).toBe(40);
    expect(await prisma.redemption.count({ where: { rewardId: raw(rewardId) } })).toBe(10);
  });

  it("stock runs out before balances do: exactly the stock is handed out", async () => {
    const reward = await gql(app, `mutation ($input: CreateRewardInput!) { createReward(input: $input) { reward { id } } }`, {
      input: { stationId: gid("Station", demo.fushan.id), name: "测试奖品B", cost: 1, stock: 3 },
    }, officer);
    const rewardId = reward.data!.createReward.reward.id;
    const rich = phones.slice(160, 170);
    for (const p of rich) {
      const v = await demo.volunteer(p);
      await gql(app, `mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { userErrors { code } } }`, {
        input: { volunteerId: gid("Volunteer", v.id), stationId: gid("Station", demo.fushan.id), amount: 5, note: "奖励" },
      }, officer);
    }
    const results = await Promise.all(rich.map((p) => gql(app, `mutation ($input: RedeemRewardInput!) { redeemReward(input: $input) { redemption { id } } }`, { input: { rewardId } }, tok(p))));
    expect(results.filter((r) => r.data!.redeemReward.redemption)).toHaveLength(3);
    expect((await prisma.reward.findUniqueOrThrow({ where: { id: raw(rewardId) } })).stock).toBe(0);
  });

  it("corrections are reversing entries, once, and never edits", async () => {
    const d = await deed(phones[120]!, "调解邻里纠纷", { category: "DISPUTE_MEDIATED" });
    await gql(app, APPROVE, { input: { goodDeedId: d, points: 40 } }, officer);
    const entry = await prisma.pointsEntry.findUniqueOrThrow({ where: { source: `deed:${raw(d)}` } });
    const rev = `mutation ($input: ReversePointsEntryInput!) { reversePointsEntry(input: $input) { entry { id amount reason } userErrors { code } } }`;
    const a = await gql(app, rev, { input: { entryId: gid("PointsEntry", entry.id), note: "误批" } }, officer);
    const b = await gql(app, rev, { input: { entryId: gid("PointsEntry", entry.id), note: "误批" } }, officer);
    expect(a.data!.reversePointsEntry.entry).toMatchObject({ amount: -40, reason: "REVERSAL" });
    expect(b.data!.reversePointsEntry.entry.id).toBe(a.data!.reversePointsEntry.entry.id);
    expect((await gql(app, rev, { input: { entryId: a.data!.reversePointsEntry.entry.id, note: "x" } }, officer)).data!.reversePointsEntry.userErrors[0].code).toBe("CONFLICT");
    expect(await prisma.pointsEntry.findUniqueOrThrow({ where: { id: entry.id } })).toEqual(entry);
    expect(await balance(phones[120]!)).toBe(0);
  });

  it("ranks with ties, leaves out those who opted out, and pages", async () => {
    const [a, b, c, d] = phones.slice(180, 184) as [string, string, string, string];
    for (const [p, amount] of [[a, 500], [b, 500], [c, 400], [d, 900]] as const) {
      const v = await demo.volunteer(p);
      await gql(app, `mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { userErrors { code } } }`, {
        input: { volunteerId: gid("Volunteer", v.id), stationId: gid("Station", demo.fushan.id), amount, note: "季度奖励" },
      }, officer);
    }
    await gql(app, `mutation { updateMyPrivacy(input: { publicRanking: false }) { userErrors { code } } }`, {}, tok(d));
    const q = `query ($s: ID!, $first: Int, $after: String) { pointsLeaderboard(stationId: $s, period: MONTH, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor } edges { node { rank points displayName } } } }`;
    const first = await gql(app, q, { s: gid("Station", demo.fushan.id), first: 2 }, tok(a));
    const top = first.data!.pointsLeaderboard.edges.map((e: any) => e.node);
    expect(top.map((n: any) => [n.rank, n.points])).toEqual([[1, 500], [1, 500]]);
    const next = await gql(app, q, { s: gid("Station", demo.fushan.id), first: 1, after: first.data!.pointsLeaderboard.pageInfo.endCursor }, tok(a));
    expect(next.data!.pointsLeaderboard.edges[0].node).toMatchObject({ rank: 3, points: 400 });
    const all = await gql(app, q, { s: gid("Station", demo.fushan.id), first: 100 }, tok(a));
    const names = all.data!.pointsLeaderboard.edges.map((e: any) => e.node.displayName);
    expect(names).not.toContain((await demo.volunteer(d)).displayName);
  });

  it("gives the volunteer and their officers an hours certificate as CSV, and nobody else", async () => {
    const s = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), title: "护学岗, \"早班\"", startsAt: inMinutes(10), endsAt: inMinutes(70) });
    const p = phones[190]!;
    const c = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, tok(p))).data!.claimShift.claim.id;
    await gql(app, CHECK_IN, { input: { claimId: c, method: "LEADER" } }, leader);
    clock.advance(70 * 60_000);
    await gql(app, CHECK_OUT, { input: { claimId: c, method: "LEADER" } }, leader);
    const v = await demo.volunteer(p);
    // A deed whose title would run as a spreadsheet formula.
    const formula = await deed(p, '=HYPERLINK("http://evil.example","点我")');
    await gql(app, APPROVE, { input: { goodDeedId: formula, points: 1 } }, officer);
    const q = `query ($id: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) { node(id: $id) { ... on Volunteer { hoursCertificate(stationId: $s, from: $from, to: $to) { stationName totalMinutes shiftCount csv } } } }`;
    const vars = { id: gid("Volunteer", v.id), s: gid("Station", demo.fushan.id), from: inMinutes(-60 * 24 * 2), to: inMinutes(24 * 60) };
    for (const t of [tok(p), officer]) {
      const cert = (await gql(app, q, vars, t)).data!.node.hoursCertificate;
      expect(cert).toMatchObject({ stationName: "府山派出所", totalMinutes: 60, shiftCount: 1 });
      expect(cert.csv).toContain('"护学岗, ""早班"""');
      expect(cert.csv.trim().split("\r\n").at(-1)).toContain(",60");
      // Neutralised: the cell starts with an apostrophe, so no spreadsheet evaluates it.
      expect(cert.csv).toContain(`"'=HYPERLINK(""http://evil.example"",""点我"")"`);
      expect(cert.csv).not.toMatch(/(^|,)"?=HYPERLINK/m);
    }
    expect((await gql(app, q, vars, tok(phones[191]!))).data!.node.hoursCertificate).toBeNull();
    // Another station's officer cannot even see the volunteer.
    expect((await gql(app, q, vars, otherOfficer)).data!.node).toBeNull();
  });
});
