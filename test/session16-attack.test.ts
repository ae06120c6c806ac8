// Session 16 attack on own 代签到 / own hand-outs (b10e05f) and on 上报隐患's request key (3f9e96d).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, startApp } from "./support/client.js";
import { jpegWithGps, upload } from "./support/casework.js";
import { createVolunteer, createVolunteers, DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { CHECK_IN, CHECK_OUT, CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const fushan = () => gid("Station", demo.fushan.id);
const ADJUST = `mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { entry { id } userErrors { code message field } } }`;
const CREATE_REWARD = `mutation ($input: CreateRewardInput!) { createReward(input: $input) { reward { id } userErrors { code field } } }`;
const REDEEM = `mutation ($input: RedeemRewardInput!) { redeemReward(input: $input) { redemption { id } userErrors { code message field } } }`;
const HAND_OUT = `mutation ($input: MarkRedemptionHandedOutInput!) { markRedemptionHandedOut(input: $input) { redemption { status } userErrors { code message field } } }`;
const SUBMIT = `mutation ($input: SubmitPatrolReportInput!) { submitPatrolReport(input: $input) { report { id place } userErrors { code message field } } }`;

describe("own 代签到, own hand-outs", () => {
  // The roster offers 代签退 on every checked-in row, the leader's own too: check-out needs no post code or
  // place for anyone, so refusing one's own (with a message about 签到) only blocked the button.
  it("a leader checks themselves out from the roster (代签退) after checking in with the post code", async () => {
    const leader = await createVolunteer({ teamId: demo.haolinshe.id, teamRole: "LEADER" });
    const s = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "队长签退", startsAt: inMinutes(10), endsAt: inMinutes(130) });
    const claimId = (await gql(app, CLAIM, { input: { shiftId: s.shift.id } }, leader.token)).data!.claimShift.claim.id;
    clock.advance(15 * 60_000);
    expect((await gql(app, CHECK_IN, { input: { claimId, method: "QR", code: s.shift.postCode } }, leader.token)).data!.checkIn.userErrors).toEqual([]);
    clock.advance(60 * 60_000);
    const out = await gql(app, CHECK_OUT, { input: { claimId, method: "LEADER" } }, leader.token);
    expect(out.data!.checkOut.userErrors).toEqual([]);
    // ... and a plain volunteer still does not record a 代签退 of their own.
    clock.reset();
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const s2 = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "队员签退", startsAt: inMinutes(10), endsAt: inMinutes(130) });
    const c2 = (await gql(app, CLAIM, { input: { shiftId: s2.shift.id } }, v!.token)).data!.claimShift.claim.id;
    clock.advance(15 * 60_000);
    expect((await gql(app, CHECK_IN, { input: { claimId: c2, method: "QR", code: s2.shift.postCode } }, v!.token)).data!.checkIn.userErrors).toEqual([]);
    expect((await gql(app, CHECK_OUT, { input: { claimId: c2, method: "LEADER" } }, v!.token)).data!.checkOut.userErrors).toEqual([{ code: "FORBIDDEN", message: expect.not.stringMatching(/自己/), field: null }]);
  });

  it("a volunteer of the station who tries to hand out someone's reward is not told it is their own", async () => {
    const [owner, stranger] = await createVolunteers(2, { teamId: demo.haolinshe.id });
    expect((await gql(app, ADJUST, { input: { volunteerId: gid("Volunteer", owner!.id), stationId: fushan(), amount: 10, note: "测试" } }, officer)).data!.adjustPoints.userErrors).toEqual([]);
    const rewardId = (await gql(app, CREATE_REWARD, { input: { stationId: fushan(), name: `s16奖品${Date.now()}`, cost: 10, stock: 2 } }, officer)).data!.createReward.reward.id;
    const redemptionId = (await gql(app, REDEEM, { input: { rewardId } }, owner!.token)).data!.redeemReward.redemption.id;
    const res = await gql(app, HAND_OUT, { input: { redemptionId } }, stranger!.token);
    expect(res.data!.markRedemptionHandedOut.userErrors).toEqual([{ code: "FORBIDDEN", message: expect.not.stringMatching(/自己/), field: null }]);
    const own = await gql(app, HAND_OUT, { input: { redemptionId } }, owner!.token);
    expect(own.data!.markRedemptionHandedOut.userErrors).toEqual([{ code: "FORBIDDEN", message: "不能发放自己兑换的奖品，请由本所其他民警发放", field: null }]);
  });
});

describe("上报隐患 sent again with the same key", () => {
  const base = () => ({ stationId: fushan(), category: "FIRE_HAZARD", description: "楼道堆放电动车电池，堵塞消防通道", place: "府山街道仓桥直街12号", latitude: 30.0023, longitude: 120.5772 });
  async function submit(token: string, files: Buffer[], input: Record<string, unknown>) {
    const parts = files.map((data, i) => ({ path: `variables.input.photos.${i}`, data, name: `IMG_${i}.jpg`, type: "image/jpeg" }));
    const { status, body } = await upload(app, SUBMIT, { input: { ...base(), ...input, photos: files.map(() => null) } }, parts, token);
    expect(status, JSON.stringify(body)).toBe(200);
    return body.data!.submitPatrolReport as { report: { id: string; place: string } | null; userErrors: unknown[] };
  }
  // The web makes a new key on any change; a client that keeps one for a changed report would silently lose
  // the change (the other place, the added photos): that is another report, a CONFLICT.
  it("a key reused for another place or other photos is a CONFLICT, not the first report silently", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const requestId = `s16-${Date.now()}-a`;
    const first = await submit(v!.token, [], { requestId });
    expect(first.userErrors).toEqual([]);
    expect((await submit(v!.token, [], { requestId })).report?.id).toBe(first.report!.id);
    const conflict = [{ code: "CONFLICT", message: "该请求编号已用于另一条上报", field: ["input", "requestId"] }];
    expect((await submit(v!.token, [], { requestId, place: "另一处：解放北路1号" })).userErrors).toEqual(conflict);
    expect((await submit(v!.token, [], { requestId, latitude: 30.1, longitude: 120.6 })).userErrors).toEqual(conflict);
    expect((await submit(v!.token, [await jpegWithGps("#a63")], { requestId })).userErrors).toEqual(conflict);
    expect(await prisma.patrolReport.count({ where: { requestId } })).toBe(1);
  });
});
