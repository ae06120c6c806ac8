// An outside attack on a partner's contact (共建单位联络人): what a careless or curious contact tries
// through the API with their own token. Each finding fixed is guarded here.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { gql, signIn, startApp } from "./support/client.js";
import { createAccount, createStation, createVolunteer, DEMO_PHONES, gid, rawId, seedDemoData } from "./support/fixtures.js";
import { CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let contact: string;
let officer: string;
let partner: { id: string; stationId: string };
beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  contact = await signIn(app, DEMO_PHONES.partnerAdmin);
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  partner = await prisma.partner.findFirstOrThrow({ where: { name: "府山物业联合会" } });
});
afterAll(() => app?.stop());

const CLAIM_NODE = `query ($id: ID!) { node(id: $id) { __typename ... on ShiftClaim { id status claimedAt volunteer { displayName } } } }`;

describe("a partner's contact", () => {
  it("follows the claims of the partner's people at the partner's station, and not those they make at another station", async () => {
    const person = await createVolunteer({ teamId: demo.haolinshe.id, partnerId: partner.id });
    const elsewhere = await createStation();
    await prisma.teamMembership.create({ data: { teamId: elsewhere.team.id, volunteerId: person.id } });
    const there = await publishShift(app, elsewhere.officer.token, { teamId: teamGid(elsewhere.team.id), title: "外所夜巡", startsAt: inMinutes(600).toISOString(), endsAt: inMinutes(700).toISOString() });
    const here = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "府山夜巡", startsAt: inMinutes(800).toISOString(), endsAt: inMinutes(900).toISOString() });
    const claimThere = (await gql(app, CLAIM, { input: { shiftId: there.shift.id } }, person.token)).data!.claimShift.claim.id;
    const claimHere = (await gql(app, CLAIM, { input: { shiftId: here.shift.id } }, person.token)).data!.claimShift.claim.id;

    expect((await gql(app, CLAIM_NODE, { id: claimHere }, contact)).data!.node).toMatchObject({ __typename: "ShiftClaim", status: "CONFIRMED" });
    // Another station's claim: null, as for an id of nothing (no status, no time, no name).
    const foreign = await gql(app, CLAIM_NODE, { id: claimThere }, contact);
    expect(foreign).toEqual({ data: { node: null } });
    // The officers of that station still see it.
    expect((await gql(app, CLAIM_NODE, { id: claimThere }, elsewhere.officer.token)).data!.node).toMatchObject({ status: "CONFIRMED" });
  });

  it("sees another partner's contact masked, its agreements and people not at all; signing twice signs once", async () => {
    const other = await prisma.partner.create({ data: { stationId: demo.fushan.id, name: "攻击测试单位", kind: "ENTERPRISE", contactName: "王五", contactPhone: "13512345678" } });
    const otherContact = await createAccount({ role: "PARTNER_ADMIN", partnerId: other.id });
    const q = `query ($id: ID!) { node(id: $id) { ... on Partner { name contactName contactPhone } } }`;
    expect((await gql(app, q, { id: gid("Partner", other.id) }, contact)).data!.node).toEqual({ name: "攻击测试单位", contactName: "王*", contactPhone: "135****5678" });

    const agreement = await prisma.agreement.findFirstOrThrow({ where: { partnerId: partner.id, status: "AWAITING_SIGNATURES" } });
    const AG = `query ($id: ID!) { node(id: $id) { ... on Agreement { id status } } }`;
    expect((await gql(app, AG, { id: gid("Agreement", agreement.id) }, otherContact.token)).data!.node).toBeNull();
    const SIGN = `mutation ($input: SignAgreementInput!) { signAgreement(input: $input) { agreement { status } userErrors { code field } } }`;
    const input = { agreementId: gid("Agreement", agreement.id), version: agreement.currentVersion };
    expect((await gql(app, SIGN, { input }, otherContact.token)).data!.signAgreement.userErrors).toEqual([{ code: "NOT_FOUND", field: ["input", "agreementId"] }]);
    expect((await gql(app, SIGN, { input: { ...input, side: "STATION" } }, contact)).data!.signAgreement.userErrors).toEqual([{ code: "FORBIDDEN", field: null }]);
    const before = await prisma.agreementSignature.count({ where: { agreementId: agreement.id } });
    const both = await Promise.all([1, 2].map(() => gql(app, SIGN, { input }, contact)));
    for (const r of both) expect(r.data!.signAgreement.userErrors).toEqual([]);
    expect(await prisma.agreementSignature.count({ where: { agreementId: agreement.id } })).toBe(before + 1);
  });

  it("sees who of their own people is on a shift given to them (and nobody else on it); another partner's contact and a volunteer see nothing", async () => {
    const shift = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "轮值名单", capacity: 3, startsAt: inMinutes(1000).toISOString(), endsAt: inMinutes(1100).toISOString() });
    const assign = await gql(app, `mutation ($input: AssignRotationInput!) { assignRotation(input: $input) { userErrors { code } } }`, { input: { stationId: gid("Station", demo.fushan.id), partnerIds: [gid("Partner", partner.id)], shiftIds: [shift.shift.id] } }, officer);
    expect(assign.data!.assignRotation.userErrors).toEqual([]);
    const ours = await createVolunteer({ teamId: demo.haolinshe.id, partnerId: partner.id });
    const stranger = await createVolunteer({ teamId: demo.haolinshe.id });
    const FILL = `mutation ($input: FillRotationSlotInput!) { fillRotationSlot(input: $input) { userErrors { code } } }`;
    expect((await gql(app, FILL, { input: { shiftId: shift.shift.id, volunteerId: gid("Volunteer", ours.id) } }, contact)).data!.fillRotationSlot.userErrors).toEqual([]);
    expect((await gql(app, FILL, { input: { shiftId: shift.shift.id, volunteerId: gid("Volunteer", stranger.id) } }, contact)).data!.fillRotationSlot.userErrors).toEqual([{ code: "NOT_FOUND" }]);
    expect((await gql(app, CLAIM, { input: { shiftId: shift.shift.id } }, stranger.token)).data!.claimShift.userErrors).toEqual([]);

    const Q = `query ($id: ID!) { node(id: $id) { ... on Shift { rotationClaims(first: 50) { edges { node { status volunteer { displayName phone } } } } } } }`;
    const mine = await gql(app, Q, { id: shift.shift.id }, contact);
    expect(mine.errors).toBeUndefined();
    expect(mine.data!.node.rotationClaims.edges.map((e: any) => e.node)).toEqual([{ status: "CONFIRMED", volunteer: { displayName: ours.displayName, phone: expect.stringMatching(/^\d{3}\*{4}\d{4}$/) } }]);
    const other = await prisma.partner.create({ data: { stationId: demo.fushan.id, name: "旁观单位", kind: "ENTERPRISE" } });
    for (const token of [(await createAccount({ role: "PARTNER_ADMIN", partnerId: other.id })).token, stranger.token]) {
      expect((await gql(app, Q, { id: shift.shift.id }, token)).data!.node.rotationClaims).toBeNull();
    }
  });
});

describe("取消安排 by a partner's contact", () => {
  it("takes back their own person from a shift given to the partner (who is told); not someone else, not elsewhere, not another partner's", async () => {
    const CANCEL = `mutation ($input: CancelShiftClaimInput!) { cancelShiftClaim(input: $input) { claim { status } userErrors { code } } }`;
    const FILL = `mutation ($input: FillRotationSlotInput!) { fillRotationSlot(input: $input) { claim { id } userErrors { code } } }`;
    const CAN = `query ($id: ID!) { node(id: $id) { ... on ShiftClaim { viewerCanCancel } } }`;
    const rotation = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "轮值·可取消", capacity: 3, startsAt: inMinutes(1200).toISOString(), endsAt: inMinutes(1300).toISOString() });
    const plain = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "普通班次", capacity: 3, startsAt: inMinutes(1400).toISOString(), endsAt: inMinutes(1500).toISOString() });
    await gql(app, `mutation ($input: AssignRotationInput!) { assignRotation(input: $input) { userErrors { code } } }`, { input: { stationId: gid("Station", demo.fushan.id), partnerIds: [gid("Partner", partner.id)], shiftIds: [rotation.shift.id] } }, officer);
    const ours = await createVolunteer({ teamId: demo.haolinshe.id, partnerId: partner.id });
    const stranger = await createVolunteer({ teamId: demo.haolinshe.id });
    const sent = (await gql(app, FILL, { input: { shiftId: rotation.shift.id, volunteerId: gid("Volunteer", ours.id) } }, contact)).data!.fillRotationSlot.claim.id as string;
    const theirOwn = (await gql(app, CLAIM, { input: { shiftId: plain.shift.id } }, ours.token)).data!.claimShift.claim.id as string;
    const strangers = (await gql(app, CLAIM, { input: { shiftId: rotation.shift.id } }, stranger.token)).data!.claimShift.claim.id as string;
    const otherContact = (await createAccount({ role: "PARTNER_ADMIN", partnerId: (await prisma.partner.create({ data: { stationId: demo.fushan.id, name: "另一单位", kind: "ENTERPRISE" } })).id })).token;

    // What the page asks before it offers the button, and what the mutation answers, agree.
    const canCancel = async (id: string, token: string) => (await gql(app, CAN, { id }, token)).data?.node?.viewerCanCancel ?? null;
    expect(await canCancel(sent, contact)).toBe(true);
    expect(await canCancel(theirOwn, contact)).toBe(false); // their person's own claim of a shift not given to the partner
    expect((await gql(app, CANCEL, { input: { claimId: theirOwn } }, contact)).data!.cancelShiftClaim.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    expect((await gql(app, CANCEL, { input: { claimId: strangers } }, contact)).data!.cancelShiftClaim.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    expect((await gql(app, CANCEL, { input: { claimId: sent } }, otherContact)).data!.cancelShiftClaim.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    expect(await prisma.shiftClaim.count({ where: { id: { in: [sent, theirOwn, strangers].map(rawId) }, status: "CANCELLED" } })).toBe(0);

    const done = await gql(app, CANCEL, { input: { claimId: sent } }, contact);
    expect(done.data!.cancelShiftClaim).toEqual({ claim: { status: "CANCELLED" }, userErrors: [] });
    // Cancelled, there is nothing left to cancel: no button offered, to the contact or anyone.
    expect(await canCancel(sent, contact)).toBe(false);
    expect(await canCancel(sent, officer)).toBe(false);
    const told = await prisma.notification.findMany({ where: { account: { volunteerId: ours.id } }, select: { title: true } });
    expect(told.map((n) => n.title).join("\n")).toContain("您已被移出班次");
  });
});

describe("取消安排: only whom the partner sent", () => {
  it("a person of the partner who claimed the rotation shift themselves, or who left the partner since, is not the contact's to take back", async () => {
    const CANCEL = `mutation ($input: CancelShiftClaimInput!) { cancelShiftClaim(input: $input) { claim { status } userErrors { code } } }`;
    const FILL = `mutation ($input: FillRotationSlotInput!) { fillRotationSlot(input: $input) { claim { id } userErrors { code } } }`;
    const CAN = `query ($id: ID!) { node(id: $id) { ... on ShiftClaim { viewerCanCancel } } }`;
    const rotation = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "轮值·自报", capacity: 3, startsAt: inMinutes(1600).toISOString(), endsAt: inMinutes(1700).toISOString() });
    await gql(app, `mutation ($input: AssignRotationInput!) { assignRotation(input: $input) { userErrors { code } } }`, { input: { stationId: gid("Station", demo.fushan.id), partnerIds: [gid("Partner", partner.id)], shiftIds: [rotation.shift.id] } }, officer);
    const volunteered = await createVolunteer({ teamId: demo.haolinshe.id, partnerId: partner.id });
    const leaver = await createVolunteer({ teamId: demo.haolinshe.id, partnerId: partner.id });
    // Their own sign-up: the volunteer's decision, not the partner's (an officer would not expect the employer's contact to undo it).
    const own = (await gql(app, CLAIM, { input: { shiftId: rotation.shift.id } }, volunteered.token)).data!.claimShift.claim.id as string;
    const sent = (await gql(app, FILL, { input: { shiftId: rotation.shift.id, volunteerId: gid("Volunteer", leaver.id) } }, contact)).data!.fillRotationSlot.claim.id as string;
    const canCancel = async (id: string) => (await gql(app, CAN, { id }, contact)).data?.node?.viewerCanCancel ?? null;
    expect(await canCancel(own)).toBe(false);
    expect((await gql(app, CANCEL, { input: { claimId: own } }, contact)).data!.cancelShiftClaim.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    // Sent, then left the partner: no longer its person.
    expect(await canCancel(sent)).toBe(true);
    await prisma.volunteer.update({ where: { id: leaver.id }, data: { partnerId: null } });
    expect((await gql(app, CANCEL, { input: { claimId: sent } }, contact)).data!.cancelShiftClaim.userErrors).toEqual([{ code: "FORBIDDEN" }]);
    expect(await prisma.shiftClaim.count({ where: { id: { in: [own, sent].map(rawId) }, status: "CANCELLED" } })).toBe(0);
  });
});

describe("取消安排, pressed twice or by no one", () => {
  it("twice at once cancels once (told once); an anonymous caller is refused; viewerCanCancel costs no statement per claim", async () => {
    const CANCEL = `mutation ($input: CancelShiftClaimInput!) { cancelShiftClaim(input: $input) { claim { status } userErrors { code } } }`;
    const FILL = `mutation ($input: FillRotationSlotInput!) { fillRotationSlot(input: $input) { claim { id } userErrors { code } } }`;
    const LIST = `query ($id: ID!) { node(id: $id) { ... on Shift { rotationClaims(first: 50) { edges { node { id viewerCanCancel } } } } } }`;
    const rotation = await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: "轮值·两次", capacity: 6, startsAt: inMinutes(1800).toISOString(), endsAt: inMinutes(1900).toISOString() });
    await gql(app, `mutation ($input: AssignRotationInput!) { assignRotation(input: $input) { userErrors { code } } }`, { input: { stationId: gid("Station", demo.fushan.id), partnerIds: [gid("Partner", partner.id)], shiftIds: [rotation.shift.id] } }, officer);
    const people = await Promise.all([1, 2, 3, 4].map(() => createVolunteer({ teamId: demo.haolinshe.id, partnerId: partner.id })));
    const claims: string[] = [];
    for (const p of people) claims.push((await gql(app, FILL, { input: { shiftId: rotation.shift.id, volunteerId: gid("Volunteer", p.id) } }, contact)).data!.fillRotationSlot.claim.id as string);

    const listed = async () => {
      const before = sqlStats.statements;
      const res = await gql(app, LIST, { id: rotation.shift.id }, contact);
      return { statements: sqlStats.statements - before, can: res.data!.node.rotationClaims.edges.map((e: { node: { viewerCanCancel: boolean } }) => e.node.viewerCanCancel) };
    };
    const four = await listed();
    expect(four.can).toEqual([true, true, true, true]);

    const anonymous = await gql(app, CANCEL, { input: { claimId: claims[0] } });
    expect(anonymous.data!.cancelShiftClaim).toEqual({ claim: null, userErrors: [{ code: "UNAUTHENTICATED" }] });
    const [a, b] = await Promise.all([gql(app, CANCEL, { input: { claimId: claims[0] } }, contact), gql(app, CANCEL, { input: { claimId: claims[0] } }, contact)]);
    expect([a.data!.cancelShiftClaim, b.data!.cancelShiftClaim]).toEqual([{ claim: { status: "CANCELLED" }, userErrors: [] }, { claim: { status: "CANCELLED" }, userErrors: [] }]);
    expect(await prisma.notification.count({ where: { account: { volunteerId: people[0]!.id }, title: { contains: "移出" } } })).toBe(1);
    expect((await prisma.shift.findUniqueOrThrow({ where: { id: rawId(rotation.shift.id) } })).confirmedCount).toBe(3);

    // Six claims listed cost what four did: the partner and the rotation are looked up in batches.
    for (const p of await Promise.all([1, 2].map(() => createVolunteer({ teamId: demo.haolinshe.id, partnerId: partner.id }))))
      await gql(app, FILL, { input: { shiftId: rotation.shift.id, volunteerId: gid("Volunteer", p.id) } }, contact);
    const six = await listed();
    expect(six.can).toHaveLength(6);
    expect(six.statements).toBe(four.statements);

    // Checked in, or the shift started: the state refuses the contact (the page offers no button then).
    await prisma.shiftClaim.update({ where: { id: rawId(claims[1]!) }, data: { checkedInAt: new Date() } });
    expect((await gql(app, CANCEL, { input: { claimId: claims[1] } }, contact)).data!.cancelShiftClaim.userErrors).toEqual([{ code: "CONFLICT" }]);
    await prisma.shift.update({ where: { id: rawId(rotation.shift.id) }, data: { startsAt: inMinutes(-10) } });
    expect((await gql(app, CANCEL, { input: { claimId: claims[2] } }, contact)).data!.cancelShiftClaim.userErrors).toEqual([{ code: "CONFLICT" }]);
  });
});
