// The audit log (issue 13): the listed actions leave an entry in the causing transaction, summaries
// carry no personal data, and only the station's officers read them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, startApp } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let otherOfficer: string;
let volunteerToken: string;
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  otherOfficer = (await tokensFor([DEMO_PHONES.changqingOfficer])).get(DEMO_PHONES.changqingOfficer)!;
  volunteerToken = (await tokensFor([DEMO_PHONES.firstVolunteer])).get(DEMO_PHONES.firstVolunteer)!;
});
afterAll(() => app?.stop());

const LOG = `query ($s: ID, $action: String) { auditLog(stationId: $s, action: $action, first: 100) { edges { node { action actionLabel summary actorName targetType targetLabel targetName targetId clientAddress station { name } } } } }`;

async function ok(query: string, input: Record<string, unknown>, token = officer) {
  const res = await gql(app, query, { input }, token);
  const payload = Object.values(res.data ?? {})[0] as { userErrors?: unknown[] } | undefined;
  if (res.errors || payload?.userErrors?.length) throw new Error(JSON.stringify(res));
  return payload as Record<string, any>;
}

describe("audit log", () => {
  it("records the listed actions, without personal data, for the station's officers only", async () => {
    const v = await demo.volunteer("13800000140");
    const vid = gid("Volunteer", v.id);
    const station = gid("Station", demo.fushan.id);
    // Sign-ins and failures.
    await gql(app, `mutation { signIn(input: { phone: "13800000141", password: "wrong-password" }) { token } }`);
    // Points adjustments and reversals.
    const adjusted = await ok(`mutation ($input: AdjustPointsInput!) { adjustPoints(input: $input) { entry { id } userErrors { code } } }`, { volunteerId: vid, stationId: station, amount: 5, note: "审计测试" });
    await ok(`mutation ($input: ReversePointsEntryInput!) { reversePointsEntry(input: $input) { entry { id } userErrors { code } } }`, { entryId: adjusted.entry.id, note: "冲正" });
    // Account disable/enable and a password reset.
    await ok(`mutation ($input: DisableAccountInput!) { disableAccount(input: $input) { userErrors { code } } }`, { volunteerId: vid, reason: "审计" });
    await ok(`mutation ($input: EnableAccountInput!) { enableAccount(input: $input) { userErrors { code } } }`, { volunteerId: vid });
    await ok(`mutation ($input: ResetVolunteerPasswordInput!) { resetVolunteerPassword(input: $input) { code userErrors { code } } }`, { volunteerId: vid });
    // A registration.
    await ok(`mutation ($input: RegisterVolunteerInput!) { registerVolunteer(input: $input) { userErrors { code } } }`, { teamId: gid("Team", demo.haolinshe.id), name: "审计新人", phone: "13655550001" });
    // Shift edits and cancellations, rewards, partners.
    const shift = (await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "审计巡逻", startsAt: inMinutes(600), endsAt: inMinutes(720) })).shift;
    await ok(`mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { userErrors { code } } }`, { shiftId: shift.id, capacity: 12, place: "府山公园东门" });
    await ok(`mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`, { shiftId: shift.id, reason: "天气" });
    const reward = await ok(`mutation ($input: CreateRewardInput!) { createReward(input: $input) { reward { id } userErrors { code } } }`, { stationId: station, name: "审计保温杯", cost: 50, stock: 3 });
    await ok(`mutation ($input: UpdateRewardInput!) { updateReward(input: $input) { userErrors { code } } }`, { rewardId: reward.reward.id, cost: 60 });
    await ok(`mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { userErrors { code } } }`, { stationId: station, name: "审计物业", kind: "PROPERTY_MANAGEMENT", contactName: "李经理", contactPhone: "13911112222" });
    // An export (the CSV is what leaves the system).
    const cert = await gql(app, `query ($id: ID!, $s: ID!, $from: DateTime!, $to: DateTime!) { node(id: $id) { ... on Volunteer { hoursCertificate(stationId: $s, from: $from, to: $to) { totalMinutes csv } } } }`, { id: vid, s: station, from: "2026-01-01T00:00:00+08:00", to: "2026-12-31T00:00:00+08:00" }, officer);
    expect(cert.errors).toBeUndefined();

    const res = await gql(app, LOG, { s: station }, officer);
    expect(res.errors).toBeUndefined();
    const entries = res.data!.auditLog.edges.map((e: { node: Record<string, string> }) => e.node) as Record<string, string | null>[];
    const actions = new Set(entries.map((e) => e.action));
    for (const a of ["points.adjust", "points.reverse", "account.disable", "account.enable", "account.resetPassword", "volunteer.register", "export.hoursCertificate", "shift.update", "shift.cancel", "reward.create", "reward.update", "partner.create", "signIn", "signIn.failed"]) {
      expect(actions, a).toContain(a);
    }
    // No phone, no ID number, no legal name, no typed text in any summary.
    // (The phones of the people involved by value: a generic pattern matches digits inside IDs by chance.)
    const secrets = [v.phone, "13800000141", "13655550001", "13911112222", "审计新人", v.name, "府山公园东门", "李经理"];
    for (const e of entries) for (const secret of secrets) expect(`${e.summary} ${e.targetId} ${e.targetName}`).not.toContain(secret);
    // The target by its public name, read now (the log stores only its ID).
    expect(entries.find((e) => e.action === "points.adjust")).toMatchObject({ actorName: expect.any(String), targetType: "PointsEntry", targetLabel: "积分记录", targetName: v.displayName });
    expect(entries.find((e) => e.action === "account.disable")).toMatchObject({ targetLabel: "义警", targetName: v.displayName });
    expect(entries.find((e) => e.action === "shift.update")).toMatchObject({ targetName: "审计巡逻", summary: "修改名额、地点，共 1 个班次" });
    expect(entries.find((e) => e.action === "reward.update")).toMatchObject({ targetName: "审计保温杯", summary: "修改所需积分（50→60 积分，库存 3→3）" });
    expect(entries.find((e) => e.action === "partner.create")).toMatchObject({ targetLabel: "共建单位", targetName: "审计物业" });
    // Sign-ins and failures of the station's people are the station's (its 登录 filter shows them).
    const signedIn = await gql(app, LOG, { s: station, action: "signIn" }, officer);
    expect(signedIn.data!.auditLog.edges.length).toBeGreaterThan(0);
    const failed = entries.find((e) => e.action === "signIn.failed");
    expect(failed).toMatchObject({ actorName: null, clientAddress: expect.any(String), station: { name: "府山派出所" } });
    // An unknown phone's failure belongs to no station: administrators read it in the log without stationId.
    await gql(app, `mutation { signIn(input: { phone: "13999990000", password: "wrong-password" }) { token } }`);
    expect(await prisma.auditEntry.findFirst({ where: { action: "signIn.failed", targetId: null }, orderBy: { id: "desc" } })).toMatchObject({ stationId: null, actorId: null });
    expect((await gql(app, LOG, { s: null, action: "signIn.failed" }, officer)).data?.auditLog ?? null).toBeNull();

    // Another station's officer and a volunteer read nothing of this station.
    for (const token of [otherOfficer, volunteerToken]) {
      const other = await gql(app, LOG, { s: station }, token);
      expect(other.data?.auditLog ?? null).toBeNull();
    }
    // Nor through node().
    const anyId = (await gql(app, `query ($s: ID) { auditLog(stationId: $s, first: 1) { edges { node { id } } } }`, { s: station }, officer)).data!.auditLog.edges[0].node.id;
    const viaNode = await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: anyId }, otherOfficer);
    expect(viaNode.data?.node ?? null).toBeNull();

    // A period: from inclusive, to exclusive; a period before every entry is empty.
    const PERIOD = `query ($s: ID, $from: DateTime, $to: DateTime) { auditLog(stationId: $s, action: "points.adjust", from: $from, to: $to, first: 100) { edges { node { at } } } }`;
    const adjust = await prisma.auditEntry.findFirstOrThrow({ where: { stationId: demo.fushan.id, action: "points.adjust" }, orderBy: { id: "desc" } });
    const ats = async (from: Date | null, to: Date | null) =>
      (await gql(app, PERIOD, { s: station, from, to }, officer)).data!.auditLog.edges.map((e: { node: { at: string } }) => e.node.at);
    expect(await ats(adjust.at, new Date(adjust.at.getTime() + 1))).toContain(adjust.at.toISOString());
    expect(await ats(null, adjust.at)).not.toContain(adjust.at.toISOString());
    expect(await ats(new Date("2001-01-01T00:00:00Z"), new Date("2001-02-01T00:00:00Z"))).toEqual([]);
    expect((await gql(app, PERIOD, { s: station, from: "1999-12-31T00:00:00Z" }, officer)).errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    // The filter's list of actions, named in the reader's language.
    const named = (await gql(app, `{ auditActions { action label } }`, {}, officer)).data!.auditActions as { action: string; label: string }[];
    expect(named).toContainEqual({ action: "points.adjust", label: "调整积分" });
    expect(named).toContainEqual({ action: "team.setRole", label: "任免队长" });
  });
});
