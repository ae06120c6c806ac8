// Role offers (bfd6e14) attacked from outside: the account an offer names is the only one that confirms it,
// once, with its own code, before it lapses and while the place lasts; and an offer is only as good as the
// grantor's authority when the person takes it up (nobody else can see or withdraw an offer: a grantor whose
// role was revoked must not leave appointments behind that take effect later).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createAccount, createStation, createTeam, createVolunteer, gid } from "./support/fixtures.js";
import { holdRowLock } from "./support/locks.js";
import { dropLapsedRoleOffers } from "../api/src/modules/role/role.service.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { assignment { id } activationCode confirmationNeeded userErrors { code message field } } }`;
const CONFIRM = `mutation ($input: ConfirmRoleOfferInput!) { confirmRoleOffer(input: $input) { assignment { role } userErrors { code message field } } }`;
const OFFERS = `{ viewer { pendingRoleOffers { id role placeName } } }`;

/** A station with an officer and a partner; a volunteer (an account in use) offered the partner's admin role. */
async function offered() {
  const { station, officer } = await createStation();
  const partner = await prisma.partner.create({ data: { stationId: station.id, name: `测试共建${station.name}`, kind: "ENTERPRISE" } });
  const person = await createVolunteer();
  const r = await gql(app, GRANT, { input: { phone: person.phone, role: "PARTNER_ADMIN", partnerId: gid("Partner", partner.id), displayName: "联络人" } }, officer.token);
  expect(r.data!.grantRole).toMatchObject({ assignment: null, confirmationNeeded: true, userErrors: [] });
  const offers = (await gql(app, OFFERS, {}, person.token)).data!.viewer.pendingRoleOffers;
  expect(offers).toHaveLength(1);
  return { station, officer, partner, person, code: r.data!.grantRole.activationCode as string, offerId: offers[0].id as string };
}

const rolesOf = (accountId: string) => prisma.accountRole.findMany({ where: { accountId } });

describe("confirming a role offer", () => {
  it("is void once the grantor may no longer grant that role (revoked before the person confirmed)", async () => {
    const o = await offered();
    // The officer who appointed the partner admin is relieved of the station (revokeRole deletes the row).
    await prisma.accountRole.deleteMany({ where: { accountId: o.officer.accountId, role: "OFFICER", stationId: o.station.id } });
    const r = await gql(app, CONFIRM, { input: { offerId: o.offerId, code: o.code } }, o.person.token);
    expect(r.data!.confirmRoleOffer.assignment).toBeNull();
    expect(r.data!.confirmRoleOffer.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringContaining("任命人"), field: ["input", "offerId"] }]);
    expect(await rolesOf(o.person.accountId)).toEqual([]);
    // The void offer is gone from the person's list.
    expect((await gql(app, OFFERS, {}, o.person.token)).data!.viewer.pendingRoleOffers).toEqual([]);
  });

  it("holds: another account, a code of another offer, after expiry, after the place is deleted", async () => {
    const a = await offered();
    const b = await offered();
    // b's account with a's offer (even with a's code): not found, like an offer that does not exist.
    expect((await gql(app, CONFIRM, { input: { offerId: a.offerId, code: a.code } }, b.person.token)).data!.confirmRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
    // a's account with b's code on its own offer: wrong code.
    expect((await gql(app, CONFIRM, { input: { offerId: a.offerId, code: b.code } }, a.person.token)).data!.confirmRoleOffer.userErrors[0].code).toBe("VALIDATION");
    // b's partner is deleted: the offer goes with it.
    await prisma.partner.delete({ where: { id: b.partner.id } });
    expect((await gql(app, CONFIRM, { input: { offerId: b.offerId, code: b.code } }, b.person.token)).data!.confirmRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
    expect(await rolesOf(b.person.accountId)).toEqual([]);
    // Seven days later a's offer has lapsed.
    clock.advance(7 * 86_400_000 + 1000);
    expect((await gql(app, CONFIRM, { input: { offerId: a.offerId, code: a.code } }, a.person.token)).data!.confirmRoleOffer.userErrors[0].code).toBe("CONFLICT");
    expect(await rolesOf(a.person.accountId)).toEqual([]);
  });

  it("holds: two confirmations at once make one role", async () => {
    const o = await offered();
    const lock = await holdRowLock("Account", o.person.accountId);
    let replies;
    try {
      const twins = [0, 1].map(() => gql(app, CONFIRM, { input: { offerId: o.offerId, code: o.code } }, o.person.token));
      await lock.waiters(2);
      await lock.release();
      replies = await Promise.all(twins);
    } finally {
      await lock.release();
    }
    for (const r of replies) expect(r.data!.confirmRoleOffer).toEqual({ assignment: { role: "PARTNER_ADMIN" }, userErrors: [] });
    expect(await rolesOf(o.person.accountId)).toHaveLength(1);
  });
});

describe("a pending region-admin appointment", () => {
  it("is listed on its region for platform admins only, joined into the region list (no statement per region), and withdrawn there", async () => {
    const admin = await createAccount({ role: "ADMIN" });
    const regions = await Promise.all([1, 2, 3].map((i) => prisma.region.create({ data: { name: `待确认区域${i}-${Date.now()}` } })));
    const people = await Promise.all(regions.map(() => createVolunteer()));
    for (const [i, region] of regions.entries()) {
      const r = await gql(app, GRANT, { input: { phone: people[i]!.phone, role: "REGION_ADMIN", regionId: gid("Region", region.id), displayName: "新区域管理员" } }, admin.token);
      expect(r.data!.grantRole).toMatchObject({ confirmationNeeded: true, userErrors: [] });
    }
    const LIST = `{ regions(first: 50) { edges { node { id roleOffers { id displayName viewerCanWithdraw } } } } }`;
    const read = async (token: string) => {
      const before = sqlStats.statements;
      const res = await gql(app, LIST, {}, token);
      return { res, statements: sqlStats.statements - before };
    };
    const { res, statements } = await read(admin.token);
    const mine = res.data!.regions.edges.filter((e: any) => regions.some((r) => gid("Region", r.id) === e.node.id));
    expect(mine.map((e: any) => e.node.roleOffers)).toEqual(people.map(() => [{ id: expect.any(String), displayName: "新区域管理员", viewerCanWithdraw: true }]));
    // One region with an offer or fifty: the offers come with the regions' own statement.
    const onlyRegions = await (async () => {
      const before = sqlStats.statements;
      await gql(app, `{ regions(first: 50) { edges { node { id } } } }`, {}, admin.token);
      return sqlStats.statements - before;
    })();
    expect(statements).toBe(onlyRegions);
    // A region's own admin does not appoint its admins: no list.
    const regionAdmin = await prisma.account.create({ data: { phone: `139${String(Date.now()).slice(-8)}`, passwordHash: "x", displayName: "区域管理员甲", roles: { create: { role: "REGION_ADMIN", regionId: regions[0]!.id } } } });
    const { createSession } = await import("../api/src/auth/sessions.js");
    const theirs = (await read((await createSession(prisma, regionAdmin.id)).token)).res;
    expect(theirs.data!.regions.edges.map((e: any) => e.node.roleOffers)).toEqual([null]);
    const WITHDRAW = `mutation ($input: WithdrawRoleOfferInput!) { withdrawRoleOffer(input: $input) { withdrawnId userErrors { code } } }`;
    const offerId = mine[0].node.roleOffers[0].id;
    // grantRole answers with the appointment as listed (the page hides its 确认码 once it leaves the list).
    const again = await gql(app, `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { offer { id displayName } userErrors { code } } }`, { input: { phone: people[1]!.phone, role: "REGION_ADMIN", regionId: gid("Region", regions[1]!.id), displayName: "再任命" } }, admin.token);
    const listedAgain = (await read(admin.token)).res.data!.regions.edges.find((e: any) => e.node.id === gid("Region", regions[1]!.id)).node.roleOffers;
    expect(again.data!.grantRole).toEqual({ offer: { id: listedAgain[0].id, displayName: "再任命" }, userErrors: [] });
    expect((await gql(app, WITHDRAW, { input: { offerId } }, admin.token)).data!.withdrawRoleOffer).toEqual({ withdrawnId: offerId, userErrors: [] });
    expect((await read(admin.token)).res.data!.regions.edges.find((e: any) => e.node.id === gid("Region", regions[0]!.id)).node.roleOffers).toEqual([]);
  });
});

describe("a pending appointment, seen from the grantor's side", () => {
  it("is listed on the station for whoever may appoint its officers, and withdrawn by them only: the person's code stops working", async () => {
    const { station, officer } = await createStation();
    const admin = await createAccount({ role: "ADMIN" });
    const person = await createVolunteer();
    const r = await gql(app, GRANT, { input: { phone: person.phone, role: "OFFICER", stationId: gid("Station", station.id), displayName: "新民警" } }, admin.token);
    expect(r.data!.grantRole).toMatchObject({ confirmationNeeded: true, userErrors: [] });
    const LIST = `query ($id: ID!) { node(id: $id) { ... on Station { roleOffers { id displayName viewerCanWithdraw } } } }`;
    const listed = (await gql(app, LIST, { id: gid("Station", station.id) }, admin.token)).data!.node.roleOffers;
    // By the name the grantor gave, not the account's own: the list must not tell whose phone it is.
    expect(listed).toEqual([{ id: expect.any(String), displayName: "新民警", viewerCanWithdraw: true }]);
    expect(person.displayName).not.toBe("新民警");
    // The station's own officer does not appoint officers: no list, and no withdrawing.
    expect((await gql(app, LIST, { id: gid("Station", station.id) }, officer.token)).data!.node.roleOffers).toBeNull();
    const WITHDRAW = `mutation ($input: WithdrawRoleOfferInput!) { withdrawRoleOffer(input: $input) { withdrawnId userErrors { code message field } } }`;
    expect((await gql(app, WITHDRAW, { input: { offerId: listed[0].id } }, officer.token)).data!.withdrawRoleOffer.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "offerId"] });
    expect((await gql(app, WITHDRAW, { input: { offerId: listed[0].id } }, person.token)).data!.withdrawRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
    // The grantor withdraws it: gone from both lists, the code no longer confirms, audited once.
    expect((await gql(app, WITHDRAW, { input: { offerId: listed[0].id } }, admin.token)).data!.withdrawRoleOffer).toEqual({ withdrawnId: listed[0].id, userErrors: [] });
    expect((await gql(app, LIST, { id: gid("Station", station.id) }, admin.token)).data!.node.roleOffers).toEqual([]);
    expect((await gql(app, OFFERS, {}, person.token)).data!.viewer.pendingRoleOffers).toEqual([]);
    expect((await gql(app, CONFIRM, { input: { offerId: listed[0].id, code: r.data!.grantRole.activationCode } }, person.token)).data!.confirmRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
    expect(await rolesOf(person.accountId)).toEqual([]);
    expect(await prisma.auditEntry.count({ where: { action: "role.offer.withdraw", stationId: station.id } })).toBe(1);
    // Withdrawing again: the answer says it is gone.
    expect((await gql(app, WITHDRAW, { input: { offerId: listed[0].id } }, admin.token)).data!.withdrawRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
  });
});

describe("a pending partner-admin appointment, seen from the grantor's side", () => {
  const LIST = `query ($id: ID!) { node(id: $id) { ... on Partner { name roleOffers { id displayName role placeName viewerCanWithdraw } } } }`;
  const WITHDRAW = `mutation ($input: WithdrawRoleOfferInput!) { withdrawRoleOffer(input: $input) { withdrawnId userErrors { code message field } } }`;

  it("is listed on the partner for the officers of its station only, and withdrawn by them only: the person's code stops working", async () => {
    const o = await offered();
    const partnerId = gid("Partner", o.partner.id);
    const listed = (await gql(app, LIST, { id: partnerId }, o.officer.token)).data!.node.roleOffers;
    expect(listed).toEqual([{ id: o.offerId, displayName: "联络人", role: "PARTNER_ADMIN", placeName: o.partner.name, viewerCanWithdraw: true }]);
    // Who sees the partner but does not appoint its admins: its own admin, a volunteer of the station. Neither gets the list.
    const partnerAdmin = await createAccount({ role: "PARTNER_ADMIN", partnerId: o.partner.id });
    const volunteer = await createVolunteer({ teamId: (await createTeam(o.station.id)).id });
    for (const who of [partnerAdmin, volunteer]) {
      const node = (await gql(app, LIST, { id: partnerId }, who.token)).data!.node;
      expect(node).toMatchObject({ name: o.partner.name, roleOffers: null });
    }
    // Another station's officer does not even see the partner.
    const elsewhere = await createStation();
    expect((await gql(app, LIST, { id: partnerId }, elsewhere.officer.token)).data?.node ?? null).toBeNull();
    // Withdrawing: another station's officer, the partner's admin and the person themselves are told it does not exist.
    for (const who of [elsewhere.officer, partnerAdmin, o.person]) {
      expect((await gql(app, WITHDRAW, { input: { offerId: o.offerId } }, who.token)).data!.withdrawRoleOffer.userErrors).toEqual([{ code: "NOT_FOUND", message: expect.any(String), field: ["input", "offerId"] }]);
    }
    // The station's officer withdraws it: gone from both lists, the code no longer confirms, audited on the station.
    expect((await gql(app, WITHDRAW, { input: { offerId: o.offerId } }, o.officer.token)).data!.withdrawRoleOffer).toEqual({ withdrawnId: o.offerId, userErrors: [] });
    expect((await gql(app, LIST, { id: partnerId }, o.officer.token)).data!.node.roleOffers).toEqual([]);
    expect((await gql(app, OFFERS, {}, o.person.token)).data!.viewer.pendingRoleOffers).toEqual([]);
    expect((await gql(app, CONFIRM, { input: { offerId: o.offerId, code: o.code } }, o.person.token)).data!.confirmRoleOffer.userErrors[0].code).toBe("NOT_FOUND");
    expect(await rolesOf(o.person.accountId)).toEqual([]);
    expect(await prisma.auditEntry.count({ where: { action: "role.offer.withdraw", stationId: o.station.id } })).toBe(1);
  });

  it("lists a partner's own appointments only: not another partner's, not an officer appointment of the station, not a lapsed one", async () => {
    const o = await offered();
    const sibling = await prisma.partner.create({ data: { stationId: o.station.id, name: `另一共建${o.station.name}`, kind: "SCHOOL" } });
    const other = await createVolunteer();
    const r = await gql(app, GRANT, { input: { phone: other.phone, role: "PARTNER_ADMIN", partnerId: gid("Partner", sibling.id), displayName: "另一联络人" } }, o.officer.token);
    expect(r.data!.grantRole.confirmationNeeded).toBe(true);
    // An officer appointment of the same station, pending too: the station's list, not the partner's.
    const third = await createVolunteer();
    await prisma.roleOffer.create({ data: { accountId: third.accountId, role: "OFFICER", stationId: o.station.id, codeHash: "x", expiresAt: new Date(clock.now().getTime() + 86_400_000) } });
    const ids = async (p: string) => ((await gql(app, LIST, { id: gid("Partner", p) }, o.officer.token)).data!.node.roleOffers as { displayName: string }[]).map((x) => x.displayName);
    expect(await ids(o.partner.id)).toEqual(["联络人"]);
    expect(await ids(sibling.id)).toEqual(["另一联络人"]);
    clock.advance(7 * 86_400_000 + 1000);
    expect(await ids(o.partner.id)).toEqual([]);
  });

  it("lapsed appointments are deleted by the sweeper; those still running are kept", async () => {
    const o = await offered();
    const later = await createVolunteer();
    clock.advance(3 * 86_400_000);
    const r = await gql(app, GRANT, { input: { phone: later.phone, role: "PARTNER_ADMIN", partnerId: gid("Partner", o.partner.id), displayName: "后任联络人" } }, o.officer.token);
    expect(r.data!.grantRole.confirmationNeeded).toBe(true);
    clock.advance(4 * 86_400_000 + 1000);
    // Lapsed a moment ago: kept a month, so that its person hears "expired" rather than "not found".
    expect((await gql(app, CONFIRM, { input: { offerId: o.offerId, code: o.code } }, o.person.token)).data!.confirmRoleOffer.userErrors[0]).toMatchObject({ code: "CONFLICT", message: "该任命已过期，请联系任命人重新任命" });
    await dropLapsedRoleOffers();
    expect(await prisma.roleOffer.count({ where: { accountId: o.person.accountId } })).toBe(1);
    clock.advance(30 * 86_400_000);
    expect(await dropLapsedRoleOffers()).toBeGreaterThanOrEqual(1);
    expect(await prisma.roleOffer.findMany({ where: { accountId: { in: [o.person.accountId, later.accountId] } }, select: { accountId: true } })).toEqual([{ accountId: later.accountId }]);
  });
});
