import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { canonicalText, expireAgreements, sha256 } from "../api/src/modules/partner/agreement.service.js";
import { gql, signIn, startApp } from "./support/client.js";
import { createAccount, createSquad, createStation, createTeam, createVolunteer, createVolunteers, DEMO_PHONES, gid, rawId, seedDemoData } from "./support/fixtures.js";
import { CHECK_IN, CHECK_OUT, CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let leader: string;
const DAY = 86_400_000;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const CREATE_PARTNER = `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id name kind contactName viewerIsAdmin } userErrors { code field } } }`;
let partnerSerial = 0;
/** A partner of 府山 with its own contact (PARTNER_ADMIN), added the way officers add one. */
async function newPartner(kind = "ENTERPRISE") {
  const name = `测试共建单位${++partnerSerial}`;
  const res = await gql(app, CREATE_PARTNER, { input: { stationId: gid("Station", demo.fushan.id), name, kind } }, officer);
  expect(res.data!.createPartner.userErrors).toEqual([]);
  const id = rawId(res.data!.createPartner.partner.id);
  return { id, name, admin: (await createAccount({ role: "PARTNER_ADMIN", partnerId: id })).token };
}

const DRAFT = `mutation ($input: DraftAgreementInput!) { draftAgreement(input: $input) { agreement { id status currentVersionNumber } userErrors { code message field } } }`;
const SIGN = `mutation ($input: SignAgreementInput!) { signAgreement(input: $input) { agreement { status } userErrors { code message field } } }`;
const REVISE = `mutation ($input: ReviseAgreementInput!) { reviseAgreement(input: $input) { agreement { status currentVersionNumber } userErrors { code field } } }`;
const AGREEMENT = `query ($id: ID!) { node(id: $id) { ... on Agreement { status viewerSide viewerCanSign currentVersion { version textHash
  signatures { side version textHash } } history(first: 50) { edges { node { kind version side note } } } } } }`;

function terms(extra: Record<string, unknown> = {}) {
  return {
    title: "府山派出所—府山物业联合会 契约化共建协议",
    terms: "双方本着共建共治共享原则，物业联合会每月派出巡逻人员参与轮值巡防……",
    effectiveFrom: new Date(Date.now() - DAY).toISOString(),
    effectiveTo: new Date(Date.now() + 365 * DAY).toISOString(),
    obligations: [
      { kind: "PATROL_PERSON_SHIFTS", quantity: 8, period: "MONTH", description: "每月巡逻8人次" },
      { kind: "PATROL_HOURS", quantity: 10, period: "MONTH" },
      { kind: "PUBLICITY_EVENTS", quantity: 1, period: "QUARTER", description: "每季度反诈宣传1场" },
      { kind: "VENUE", quantity: 1, period: "YEAR", description: "提供活动场地" },
    ],
    ...extra,
  };
}

async function draft(partnerId: string, extra: Record<string, unknown> = {}) {
  const res = await gql(app, DRAFT, { input: { partnerId: gid("Partner", partnerId), ...terms(extra) } }, officer);
  expect(res.data!.draftAgreement.userErrors).toEqual([]);
  return res.data!.draftAgreement.agreement.id as string;
}
const sign = (token: string, agreementId: string, version: number, side?: string) => gql(app, SIGN, { input: { agreementId, version, side } }, token);

describe("partners", () => {
  it("the station's officers add partners; a duplicate name is a CONFLICT; bad input is VALIDATION", async () => {
    const stationId = gid("Station", demo.fushan.id);
    const input = { stationId, name: "府山街道菜场管理处", kind: "ENTERPRISE", contactName: "钱经理", contactPhone: "0575-85123456" };
    const add = async (token: string, extra: Record<string, unknown> = {}) => (await gql(app, CREATE_PARTNER, { input: { ...input, ...extra } }, token)).data!.createPartner;
    const elsewhere = await createStation();
    expect((await add(leader)).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await add(elsewhere.officer.token)).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "stationId"] }]); // 府山 does not exist for them
    expect((await add(officer, { contactPhone: "call me" })).userErrors).toEqual([{ code: "VALIDATION", field: ["input", "contactPhone"] }]);
    const ok = await add(officer);
    expect(ok).toEqual({ partner: { id: expect.any(String), name: "府山街道菜场管理处", kind: "ENTERPRISE", contactName: "钱经理", viewerIsAdmin: false }, userErrors: [] });
    expect((await add(officer)).userErrors).toEqual([{ code: "CONFLICT", field: ["input", "name"] }]);
    // Another station may have a partner of the same name.
    expect((await add(elsewhere.officer.token, { stationId: gid("Station", elsewhere.station.id) })).userErrors).toEqual([]);
    const q = `query ($id: ID!) { node(id: $id) { ... on Station { partners(first: 100) { edges { node { name } } } } } }`;
    expect((await gql(app, q, { id: stationId }, officer)).data!.node.partners.edges.map((e: any) => e.node.name)).toContain("府山街道菜场管理处");
  });
});

describe("agreement workflow", () => {
  it("both sides sign one exact version; revising lapses signatures; stale versions are refused; history is kept", async () => {
    const property = await newPartner("PROPERTY_MANAGEMENT");
    const { admin: partnerAdmin } = property;
    const { admin: otherPartnerAdmin } = await newPartner();
    const id = await draft(property.id);
    // Not a party: the agreement does not exist for them. A party acting for the other side: refused.
    expect((await sign(otherPartnerAdmin, id, 1)).data!.signAgreement.userErrors[0].code).toBe("NOT_FOUND");
    expect((await sign(partnerAdmin, id, 1, "STATION")).data!.signAgreement.userErrors[0].code).toBe("FORBIDDEN");
    expect((await sign(leader, id, 1)).data!.signAgreement.userErrors[0].code).toBe("NOT_FOUND");

    expect((await sign(partnerAdmin, id, 1)).data!.signAgreement.agreement.status).toBe("AWAITING_SIGNATURES");
    const v2 = terms({ terms: "修订后的条款：增加夜巡。" });
    const revised = await gql(app, REVISE, { input: { agreementId: id, note: "增加夜巡要求", ...v2 } }, officer);
    expect(revised.data!.reviseAgreement.agreement).toEqual({ status: "DRAFT", currentVersionNumber: 2 });

    const stale = await sign(officer, id, 1);
    expect(stale.data!.signAgreement.userErrors).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "version"] }]);
    expect((await sign(officer, id, 2)).data!.signAgreement.agreement.status).toBe("AWAITING_SIGNATURES");
    const again = await sign(officer, id, 2); // idempotent
    expect(again.data!.signAgreement.agreement.status).toBe("AWAITING_SIGNATURES");
    expect((await sign(partnerAdmin, id, 2)).data!.signAgreement.agreement.status).toBe("ACTIVE");

    const view = await gql(app, AGREEMENT, { id }, partnerAdmin);
    const a = view.data!.node;
    expect(a).toMatchObject({ status: "ACTIVE", viewerSide: "PARTNER", viewerCanSign: false });
    const expectedHash = sha256(
      canonicalText({
        agreementId: rawId(id),
        stationId: demo.fushan.id,
        partnerId: property.id,
        version: 2,
        ...v2,
        effectiveFrom: new Date(v2.effectiveFrom),
        effectiveTo: new Date(v2.effectiveTo),
      } as never),
    );
    expect(a.currentVersion.version).toBe(2);
    expect(a.currentVersion.signatures.map((s: any) => [s.side, s.version])).toEqual([["STATION", 2], ["PARTNER", 2]]);
    for (const s of a.currentVersion.signatures) expect(s.textHash).toBe(a.currentVersion.textHash);
    expect(a.currentVersion.textHash).toMatch(/^[0-9a-f]{64}$/);
    expect(a.currentVersion.textHash).toBe(expectedHash);
    expect(a.history.edges.map((e: any) => [e.node.kind, e.node.version, e.node.side])).toEqual([
      ["DRAFTED", 1, "STATION"],
      ["SIGNED", 1, "PARTNER"],
      ["REVISED", 2, "STATION"],
      ["SIGNED", 2, "STATION"],
      ["SIGNED", 2, "PARTNER"],
      ["ACTIVATED", 2, null],
    ]);
    // The other partner and another station's officer cannot read it.
    for (const t of [otherPartnerAdmin, await signIn(app, DEMO_PHONES.changqingOfficer)]) {
      const res = await gql(app, AGREEMENT, { id }, t);
      expect(res.data?.node?.status ?? null).toBeNull();
    }
  });

  it("expires by date without anyone acting; termination needs a party and stops signing", async () => {
    const lawFirm = await newPartner("LAW_FIRM");
    const otherPartnerAdmin = lawFirm.admin;
    const { admin: partnerAdmin } = await newPartner();
    const id = await draft(lawFirm.id, { effectiveTo: new Date(Date.now() + 30 * DAY).toISOString() });
    const lawAdminSigns = await sign(otherPartnerAdmin, id, 1);
    expect(lawAdminSigns.data!.signAgreement.agreement.status).toBe("AWAITING_SIGNATURES");
    expect((await sign(officer, id, 1)).data!.signAgreement.agreement.status).toBe("ACTIVE");
    clock.advance(31 * DAY);
    expect((await gql(app, AGREEMENT, { id }, officer)).data!.node.status).toBe("EXPIRED");
    expect(await expireAgreements(clock.now())).toBeGreaterThanOrEqual(1);
    const hist = (await gql(app, AGREEMENT, { id }, officer)).data!.node.history.edges.map((e: any) => e.node.kind);
    expect(hist.at(-1)).toBe("EXPIRED");
    clock.reset();

    const other = await draft(lawFirm.id);
    const term = `mutation ($input: TerminateAgreementInput!) { terminateAgreement(input: $input) { agreement { status terminationReason } userErrors { code } } }`;
    expect((await gql(app, term, { input: { agreementId: other, reason: "x" } }, partnerAdmin)).data!.terminateAgreement.userErrors[0].code).toBe("NOT_FOUND");
    const done = await gql(app, term, { input: { agreementId: other, reason: "单位搬迁" } }, otherPartnerAdmin);
    expect(done.data!.terminateAgreement.agreement).toEqual({ status: "TERMINATED", terminationReason: "单位搬迁" });
    expect((await sign(officer, other, 1)).data!.signAgreement.userErrors[0].code).toBe("CONFLICT");
  });

  it("obligations name a team and squad of the station; drafting, revising, signing and ending check who and what", async () => {
    const nobody = "00000000-0000-7000-8000-000000000000";
    const p = await newPartner();
    const squad = demo.squads[0]!;
    const elsewhere = await createStation();
    const withObligations = (obligations: Record<string, unknown>[]) => ({ partnerId: gid("Partner", p.id), ...terms({ obligations }) });
    const draftErrors = async (input: Record<string, unknown>, token = officer) => (await gql(app, DRAFT, { input }, token)).data!.draftAgreement.userErrors.map((e: any) => [e.code, e.field]);
    const patrol = { kind: "PATROL_PERSON_SHIFTS", quantity: 4, period: "MONTH" };
    expect(await draftErrors(withObligations([{ ...patrol, teamId: gid("Team", elsewhere.team.id) }]))).toEqual([["NOT_FOUND", ["input", "obligations", "0", "teamId"]]]);
    expect(await draftErrors(withObligations([patrol, { ...patrol, teamId: gid("Team", demo.committee.id), squadId: gid("Squad", squad.id) }]))).toEqual([
      ["NOT_FOUND", ["input", "obligations", "1", "teamId"]],
    ]);
    const otherTeamSquad = await prisma.squad.create({ data: { teamId: (await createTeam(demo.fushan.id)).id, name: "别队小队", specialty: "TRAFFIC" } });
    expect(await draftErrors(withObligations([{ ...patrol, teamId: teamGid(demo.haolinshe.id), squadId: gid("Squad", otherTeamSquad.id) }]))).toEqual([
      ["NOT_FOUND", ["input", "obligations", "0", "squadId"]],
    ]);
    expect(await draftErrors({ ...withObligations([patrol]), partnerId: gid("Partner", nobody) })).toEqual([["NOT_FOUND", ["input", "partnerId"]]]);
    expect(await draftErrors(withObligations([patrol]), leader)).toEqual([["FORBIDDEN", null]]);
    const draftRes = await gql(app, DRAFT, { input: withObligations([{ ...patrol, teamId: teamGid(demo.haolinshe.id), squadId: gid("Squad", squad.id) }, { ...patrol, squadId: gid("Squad", squad.id) }]) }, officer);
    const id = draftRes.data!.draftAgreement.agreement.id;
    const OBLIGATIONS = `query ($id: ID!) { node(id: $id) { ... on Agreement { viewerCanSign currentVersion { obligations { team { name } squad { name } } } } } }`;
    expect((await gql(app, OBLIGATIONS, { id }, p.admin)).data!.node).toEqual({
      viewerCanSign: true,
      currentVersion: { obligations: [{ team: { name: "好邻舍义警" }, squad: { name: squad.name } }, { team: null, squad: { name: squad.name } }] },
    });

    // Each side signs as itself; naming its side is allowed.
    expect((await sign(officer, id, 1, "PARTNER")).data!.signAgreement.userErrors[0].code).toBe("FORBIDDEN");
    expect((await sign(officer, id, 1, "STATION")).data!.signAgreement.agreement.status).toBe("AWAITING_SIGNATURES");
    expect((await sign(p.admin, id, 1, "PARTNER")).data!.signAgreement.agreement.status).toBe("ACTIVE");
    expect((await gql(app, OBLIGATIONS, { id }, p.admin)).data!.node.viewerCanSign).toBe(false);
    const missing = gid("Agreement", nobody);
    expect((await sign(officer, missing, 1)).data!.signAgreement.userErrors).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "agreementId"] }]);

    const term = `mutation ($input: TerminateAgreementInput!) { terminateAgreement(input: $input) { agreement { status } userErrors { code field } } }`;
    expect((await gql(app, term, { input: { agreementId: id, reason: "合作结束" } }, officer)).data!.terminateAgreement.agreement.status).toBe("TERMINATED");
    expect((await gql(app, term, { input: { agreementId: id, reason: "再次终止" } }, p.admin)).data!.terminateAgreement).toEqual({ agreement: { status: "TERMINATED" }, userErrors: [] });
    const revise = await gql(app, REVISE, { input: { agreementId: id, ...terms() } }, officer);
    expect(revise.data!.reviseAgreement.userErrors).toEqual([{ code: "CONFLICT", field: ["input", "agreementId"] }]);

    // An expired agreement is neither revised nor terminated; recording its expiry twice counts once.
    const short = await draft(p.id, { effectiveTo: new Date(Date.now() + 2 * DAY).toISOString() });
    await sign(officer, short, 1);
    await sign(p.admin, short, 1);
    clock.advance(3 * DAY);
    expect((await gql(app, REVISE, { input: { agreementId: short, ...terms({ effectiveTo: new Date(Date.now() + 30 * DAY).toISOString() }) } }, officer)).data!.reviseAgreement.userErrors).toEqual([
      { code: "CONFLICT", field: ["input", "agreementId"] },
    ]);
    expect((await gql(app, term, { input: { agreementId: short, reason: "x" } }, officer)).data!.terminateAgreement.userErrors).toEqual([{ code: "CONFLICT", field: ["input", "agreementId"] }]);
    expect(await expireAgreements(clock.now())).toBeGreaterThanOrEqual(1);
    expect(await expireAgreements(clock.now())).toBe(0);
  });

  it("the station's and the partner's lists of agreements show each only its own", async () => {
    const [p, other] = [await newPartner(), await newPartner()];
    const mine = await draft(p.id);
    const theirs = await draft(other.id);
    const STATION = `query ($id: ID!) { node(id: $id) { ... on Station { agreements(first: 100) { edges { node { id } } } } } }`;
    const ids = async (token: string) => (await gql(app, STATION, { id: gid("Station", demo.fushan.id) }, token)).data!.node.agreements.edges.map((e: any) => e.node.id);
    expect(await ids(officer)).toEqual(expect.arrayContaining([mine, theirs]));
    expect(await ids(p.admin)).toEqual([mine]);
    const PARTNER = `query ($id: ID!) { node(id: $id) { ... on Partner { agreements(first: 10) { edges { node { id } } } } } }`;
    expect((await gql(app, PARTNER, { id: gid("Partner", p.id) }, p.admin)).data!.node.agreements.edges.map((e: any) => e.node.id)).toEqual([mine]);
    expect((await gql(app, PARTNER, { id: gid("Partner", p.id) }, other.admin)).data!.node.agreements).toBeNull();
  });

  it("rejects bad terms as VALIDATION errors", async () => {
    const property = await newPartner();
    const res = await gql(app, DRAFT, {
      input: { partnerId: gid("Partner", property.id), ...terms({ effectiveTo: new Date(Date.now() - 2 * DAY).toISOString(), obligations: [{ kind: "PATROL_HOURS", quantity: 0, period: "MONTH" }] }) },
    }, officer);
    expect(res.data!.draftAgreement.userErrors.map((e: any) => e.field.join("."))).toEqual(["input.obligations.0.quantity"]);
    const dates = await gql(app, DRAFT, { input: { partnerId: gid("Partner", property.id), ...terms({ effectiveTo: new Date(Date.now() - 2 * DAY).toISOString() }) } }, officer);
    expect(dates.data!.draftAgreement.userErrors).toEqual([{ code: "VALIDATION", message: expect.any(String), field: ["input", "effectiveTo"] }]);
  });
});

describe("rotation and fulfilment", () => {
  it("counts the partner's completed patrols, hours and publicity from real records", async () => {
    // A partner of its own with an active agreement, two of its people, and a volunteer of no partner.
    const property = await newPartner("PROPERTY_MANAGEMENT");
    const partnerAdmin = property.admin;
    const { admin: otherPartnerAdmin } = await newPartner();
    const id = await draft(property.id);
    await sign(partnerAdmin, id, 1);
    await sign(officer, id, 1);

    const affiliated = await createVolunteers(2, { teamId: demo.haolinshe.id, partnerId: property.id });
    const outsider = await createVolunteer({ teamId: demo.haolinshe.id });
    const team = teamGid(demo.haolinshe.id);
    const patrol = await publishShift(app, leader, { teamId: team, title: "物业轮值巡逻", startsAt: inMinutes(10), endsAt: inMinutes(130), capacity: 5 });
    const publicity = await publishShift(app, leader, { teamId: team, kind: "PUBLICITY", title: "反诈宣传", startsAt: inMinutes(150), endsAt: inMinutes(210), capacity: 5 });

    const rotation = await gql(app, `mutation ($input: AssignRotationInput!) { assignRotation(input: $input) { shifts { rotationPartner { name } } userErrors { code } } }`, {
      input: { stationId: gid("Station", demo.fushan.id), partnerIds: [gid("Partner", property.id)], shiftIds: [patrol.shift.id, publicity.shift.id] },
    }, officer);
    expect(rotation.data!.assignRotation.shifts.map((s: any) => s.rotationPartner.name)).toEqual([property.name, property.name]);

    const FILL = `mutation ($input: FillRotationSlotInput!) { fillRotationSlot(input: $input) { claim { id status } userErrors { code field } } }`;
    expect((await gql(app, FILL, { input: { shiftId: patrol.shift.id, volunteerId: gid("Volunteer", affiliated[0]!.id) } }, otherPartnerAdmin)).data!.fillRotationSlot.userErrors[0].code).toBe("FORBIDDEN");
    expect((await gql(app, FILL, { input: { shiftId: patrol.shift.id, volunteerId: gid("Volunteer", outsider.id) } }, partnerAdmin)).data!.fillRotationSlot.userErrors).toEqual([
      { code: "NOT_FOUND", field: ["input", "volunteerId"] },
    ]);
    const claims: string[] = [];
    for (const v of affiliated) {
      const filled = await gql(app, FILL, { input: { shiftId: patrol.shift.id, volunteerId: gid("Volunteer", v.id) } }, partnerAdmin);
      expect(filled.data!.fillRotationSlot.userErrors).toEqual([]);
      claims.push(filled.data!.fillRotationSlot.claim.id);
    }
    const pub = (await gql(app, FILL, { input: { shiftId: publicity.shift.id, volunteerId: gid("Volunteer", affiliated[0]!.id) } }, partnerAdmin)).data!.fillRotationSlot;
    expect(pub.userErrors).toEqual([]);
    const outsiderRes = await gql(app, `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { claim { id } userErrors { code message } } }`, { input: { shiftId: patrol.shift.id } }, outsider.token);
    expect(outsiderRes.data!.claimShift.userErrors).toEqual([]);
    const outsiderClaim = outsiderRes.data!.claimShift.claim.id;

    clock.advance(12 * 60_000);
    for (const c of [...claims, outsiderClaim]) await gql(app, CHECK_IN, { input: { claimId: c, method: "LEADER" } }, leader);
    clock.advance(120 * 60_000);
    for (const c of [...claims, outsiderClaim]) await gql(app, CHECK_OUT, { input: { claimId: c, method: "LEADER" } }, leader);
    clock.advance(10 * 60_000); // the publicity talk
    await gql(app, CHECK_IN, { input: { claimId: pub.claim.id, method: "LEADER" } }, leader);
    clock.advance(60 * 60_000);
    await gql(app, CHECK_OUT, { input: { claimId: pub.claim.id, method: "LEADER" } }, leader);

    const at = (await prisma.shift.findUniqueOrThrow({ where: { id: rawId(patrol.shift.id) } })).startsAt.toISOString();
    const q = `query ($id: ID!, $at: DateTime) { node(id: $id) { ... on Agreement { fulfilment(at: $at) { kind promised delivered percent status } } } }`;
    const f = (await gql(app, q, { id, at }, partnerAdmin)).data!.node.fulfilment;
    const minutes = (await prisma.shiftClaim.findMany({ where: { id: { in: claims.map(rawId) } } })).reduce((n, c) => n + c.minutesServed!, 0);
    expect(f.map((o: any) => [o.kind, o.promised, o.delivered])).toEqual([
      ["PATROL_PERSON_SHIFTS", 8, 2],
      ["PATROL_HOURS", 10, Math.round((minutes / 60) * 10) / 10],
      ["PUBLICITY_EVENTS", 1, 1],
      ["VENUE", 1, null],
    ]);
    expect(f[0].percent).toBe(25);
    expect(f[2]).toMatchObject({ percent: 100, status: "ON_TRACK" });
    expect(f[3].status).toBeNull();

    // After the month is over the shortfall is MISSED.
    clock.advance(40 * DAY);
    const later = (await gql(app, q, { id, at }, officer)).data!.node.fulfilment;
    expect(later[0].status).toBe("MISSED");
  });

  it("the rotation is planned by the station's officers, with its own partners and shifts; a partner without an active agreement still takes its turn", async () => {
    const nobody = "00000000-0000-7000-8000-000000000000";
    const p = await newPartner();
    const elsewhere = await createStation();
    const foreignShift = await publishShift(app, elsewhere.officer.token, { teamId: teamGid(elsewhere.team.id), startsAt: inMinutes(60), endsAt: inMinutes(120) });
    const ours = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(60), endsAt: inMinutes(120) });
    const unassigned = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), startsAt: inMinutes(200), endsAt: inMinutes(260) });
    const ASSIGN = `mutation ($input: AssignRotationInput!) { assignRotation(input: $input) { shifts { rotationPartner { name } } userErrors { code field } } }`;
    const assign = async (token: string, partnerIds: string[], shiftIds: string[]) =>
      (await gql(app, ASSIGN, { input: { stationId: gid("Station", demo.fushan.id), partnerIds, shiftIds } }, token)).data!.assignRotation;
    expect((await assign(leader, [gid("Partner", p.id)], [ours.shift.id])).userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    expect((await assign(officer, [gid("Partner", p.id), gid("Partner", nobody)], [ours.shift.id])).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "partnerIds", "1"] }]);
    expect((await assign(officer, [gid("Partner", p.id)], [foreignShift.shift.id])).userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "shiftIds", "0"] }]);
    expect(await assign(officer, [gid("Partner", p.id)], [ours.shift.id])).toEqual({ shifts: [{ rotationPartner: { name: p.name } }], userErrors: [] });
    expect(await prisma.rotationSlot.findUniqueOrThrow({ where: { shiftId: rawId(ours.shift.id) } })).toMatchObject({ partnerId: p.id, agreementId: null });
    const q = `query ($id: ID!) { node(id: $id) { ... on Shift { rotationPartner { name } } } }`;
    expect((await gql(app, q, { id: unassigned.shift.id }, officer)).data!.node.rotationPartner).toBeNull();
  });

  it("the rotation and assign pickers offer exactly the people the claim accepts; a started shift can't be given out", async () => {
    const p = await newPartner();
    const other = await newPartner();
    const squad = await createSquad(demo.haolinshe.id, "NIGHT_PATROL");
    const fit = { teamId: demo.haolinshe.id, squadIds: [squad.id], specialties: ["NIGHT_PATROL" as const], partnerId: p.id };
    const people = {
      ok: await createVolunteer(fit),
      inactive: await createVolunteer(fit),
      notInSquad: await createVolunteer({ ...fit, squadIds: [] }),
      noSpecialty: await createVolunteer({ ...fit, specialties: [] }),
      busy: await createVolunteer(fit),
      otherPartner: await createVolunteer({ ...fit, partnerId: other.id }),
      notInTeam: await createVolunteer({ ...fit, teamId: undefined, squadIds: [] }),
      pendingMember: await createVolunteer(fit),
    };
    await prisma.volunteer.update({ where: { id: people.inactive.id }, data: { status: "SUSPENDED" } });
    await prisma.teamMembership.updateMany({ where: { volunteerId: people.pendingMember.id }, data: { status: "PENDING" } });
    const night = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), squadId: gid("Squad", squad.id), requiredSpecialty: "NIGHT_PATROL", kind: "NIGHT_PATROL", title: "夜巡轮值", startsAt: inMinutes(60), endsAt: inMinutes(180) });
    const clash = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), title: "同时段巡逻", startsAt: inMinutes(120), endsAt: inMinutes(240) });
    expect((await gql(app, CLAIM, { input: { shiftId: clash.shift.id } }, people.busy.token)).data!.claimShift.userErrors).toEqual([]);
    const ASSIGN = `mutation ($input: AssignRotationInput!) { assignRotation(input: $input) { userErrors { code field } } }`;
    expect((await gql(app, ASSIGN, { input: { stationId: gid("Station", demo.fushan.id), partnerIds: [gid("Partner", p.id)], shiftIds: [night.shift.id] } }, officer)).data!.assignRotation.userErrors).toEqual([]);

    const PICK = `query ($id: ID!, $rotation: Boolean, $search: String) { node(id: $id) { ... on Shift { assignableVolunteers(first: 100, rotation: $rotation, search: $search) { edges { node { id } } } } } }`;
    const names = (ids: string[]) => Object.entries(people).filter(([, v]) => ids.includes(gid("Volunteer", v.id))).map(([k]) => k).sort();
    const pick = async (token: string, vars: Record<string, unknown>) => {
      const res = await gql(app, PICK, { id: night.shift.id, ...vars }, token);
      return res.data?.node?.assignableVolunteers ? names(res.data.node.assignableVolunteers.edges.map((e: any) => e.node.id)) : null;
    };
    // The partner's contact sees only its own people who fit; the shift's leader all of the team who fit.
    expect(await pick(p.admin, { rotation: true })).toEqual(["ok"]);
    expect(await pick(leader, {})).toEqual(["ok", "otherPartner"]);
    expect(await pick(leader, { search: people.otherPartner.displayName })).toEqual(["otherPartner"]);
    // Not theirs: another partner's contact (the shift is not its turn), a contact without rotation.
    expect(await pick(other.admin, { rotation: true })).toBeNull();
    expect(await pick(p.admin, {})).toBeNull();

    // The list and the claim agree: everyone of the partner listed is accepted, everyone else refused.
    const FILL = `mutation ($input: FillRotationSlotInput!) { fillRotationSlot(input: $input) { claim { status } userErrors { code } } }`;
    const accepted: string[] = [];
    for (const [k, v] of Object.entries(people)) {
      const res = (await gql(app, FILL, { input: { shiftId: night.shift.id, volunteerId: gid("Volunteer", v.id) } }, p.admin)).data!.fillRotationSlot;
      if (!res.userErrors.length) accepted.push(k);
    }
    expect(accepted).toEqual(["ok"]);
    // Once on the shift, nobody is offered twice.
    expect(await pick(p.admin, { rotation: true })).toEqual([]);

    // A shift that has started can't be given to a partner.
    const soon = await publishShift(app, leader, { teamId: teamGid(demo.haolinshe.id), title: "即将开始", startsAt: inMinutes(5), endsAt: inMinutes(60) });
    clock.advance(10 * 60_000);
    expect((await gql(app, ASSIGN, { input: { stationId: gid("Station", demo.fushan.id), partnerIds: [gid("Partner", p.id)], shiftIds: [night.shift.id, soon.shift.id] } }, officer)).data!.assignRotation.userErrors).toEqual([
      { code: "CONFLICT", field: ["input", "shiftIds", "1"] },
    ]);
  });

  it("ranks the station's partners for officers with the same SQL for 2 or 4 partners; a partner sees only itself", async () => {
    const overview = `query ($id: ID!) { node(id: $id) { ... on Station { partnerFulfilment(first: 20) { edges { node { percent partner { name } obligations { kind percent status } } } } } } }`;
    const stationId = gid("Station", demo.fushan.id);
    const activate = async (partnerId: string, adminToken: string) => {
      const id = await draft(partnerId);
      await sign(adminToken, id, 1);
      await sign(officer, id, 1);
    };
    const [first, hospital, school] = [await newPartner(), await newPartner("HOSPITAL"), await newPartner("SCHOOL")];
    await activate(first.id, first.admin);
    const count = async () => {
      const before = sqlStats.statements;
      const res = await gql(app, overview, { id: stationId }, officer);
      expect(res.errors).toBeUndefined();
      return { statements: sqlStats.statements - before, rows: res.data!.node.partnerFulfilment.edges.length };
    };
    const small = await count();
    await activate(hospital.id, hospital.admin);
    await activate(school.id, school.admin);
    const large = await count();
    expect(large.rows).toBeGreaterThan(small.rows);
    expect(large.statements).toBe(small.statements);

    const own = await gql(app, overview, { id: stationId }, hospital.admin);
    expect(own.data!.node.partnerFulfilment.edges.map((e: any) => e.node.partner.name)).toEqual([hospital.name]);
  });
  it("next year's agreement signed early reads SCHEDULED (已签署·待生效) until its start, and 本期履约 lists each partner once", async () => {
    // The demo's property federation has next year's agreement awaiting its signature.
    const property = await prisma.partner.findFirstOrThrow({ where: { name: "府山物业联合会" } });
    const partnerAdmin = await signIn(app, DEMO_PHONES.partnerAdmin);
    const next = await prisma.agreement.findFirstOrThrow({ where: { partnerId: property.id, status: "AWAITING_SIGNATURES", versions: { some: { effectiveFrom: { gt: new Date() } } } } });
    const id = gid("Agreement", next.id);
    expect((await sign(partnerAdmin, id, 1)).data!.signAgreement.agreement.status).toBe("SCHEDULED");
    expect((await gql(app, AGREEMENT, { id }, officer)).data!.node.status).toBe("SCHEDULED");
    const overview = `query ($id: ID!) { node(id: $id) { ... on Station { partnerFulfilment(first: 50) { edges { node { partner { name } } } } } } }`;
    const names = (await gql(app, overview, { id: gid("Station", demo.fushan.id) }, officer)).data!.node.partnerFulfilment.edges.map((e: any) => e.node.partner.name);
    expect(names).toContain("府山物业联合会");
    expect(names.length).toBe(new Set(names).size);
    // From its start date it is in effect without anyone acting.
    const v = await prisma.agreementVersion.findFirstOrThrow({ where: { agreementId: next.id } });
    clock.advance(v.effectiveFrom.getTime() - Date.now() + 60_000);
    expect((await gql(app, AGREEMENT, { id }, officer)).data!.node.status).toBe("ACTIVE");
  });
});
