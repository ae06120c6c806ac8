// t19-attack3: the role module's last four commits attacked from outside: Region.roleOffers (joined into the
// region list), the name a grantor gives an appointment (RoleOffer.displayName), dropLapsedRoleOffers.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createAccount, createStation, createVolunteer, gid } from "./support/fixtures.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const GRANT = `mutation ($input: GrantRoleInput!) { grantRole(input: $input) { offer { id displayName } activationCode confirmationNeeded userErrors { code message field } } }`;
const WITHDRAW = `mutation ($input: WithdrawRoleOfferInput!) { withdrawRoleOffer(input: $input) { withdrawnId userErrors { code } } }`;

async function counted(query: string, vars: Record<string, unknown>, token?: string) {
  const before = sqlStats.statements;
  const res = await gql(app, query, vars, token);
  return { res, statements: sqlStats.statements - before };
}

describe("whose phone an appointment names stays the grantor's guess", () => {
  it("the audit log names the appointment, not the account in use (an officer typing any phone learnt its owner's name there)", async () => {
    const { station, officer } = await createStation();
    const partner = await prisma.partner.create({ data: { stationId: station.id, name: `攻击共建${station.name}`, kind: "ENTERPRISE" } });
    // Someone else's account: a volunteer of another station, whose name this officer has no business learning.
    const stranger = await createVolunteer();
    const granted = await gql(app, GRANT, { input: { phone: stranger.phone, role: "PARTNER_ADMIN", partnerId: gid("Partner", partner.id), displayName: "猜的名字" } }, officer.token);
    expect(granted.data!.grantRole).toMatchObject({ confirmationNeeded: true, offer: { displayName: "猜的名字" }, userErrors: [] });
    expect((await gql(app, WITHDRAW, { input: { offerId: granted.data!.grantRole.offer.id } }, officer.token)).data!.withdrawRoleOffer.userErrors).toEqual([]);
    const LOG = `query ($s: ID!) { auditLog(stationId: $s, first: 50) { edges { node { action summary actorName targetName targetId } } } }`;
    const log = (await gql(app, LOG, { s: gid("Station", station.id) }, officer.token)).data!.auditLog.edges.map((e: any) => e.node);
    const entries = log.filter((e: any) => e.action.startsWith("role.offer"));
    expect(entries.map((e: any) => e.action).sort()).toEqual(["role.offer", "role.offer.withdraw"]);
    expect(JSON.stringify(log)).not.toContain(stranger.displayName);
    expect(entries.map((e: any) => e.targetName)).toEqual([null, null]);
  });

  it("a wrong 确认码 is logged under the appointment's name, not the account's (the grantor's log named whose phone it was)", async () => {
    const { station, officer } = await createStation();
    const partner = await prisma.partner.create({ data: { stationId: station.id, name: `确认码共建${station.name}`, kind: "ENTERPRISE" } });
    const stranger = await createVolunteer();
    const granted = await gql(app, GRANT, { input: { phone: stranger.phone, role: "PARTNER_ADMIN", partnerId: gid("Partner", partner.id), displayName: "猜的名字" } }, officer.token);
    expect(granted.data!.grantRole.userErrors).toEqual([]);
    const CONFIRM = `mutation ($input: ConfirmRoleOfferInput!) { confirmRoleOffer(input: $input) { userErrors { code } } }`;
    // Five misses and a sixth that finds the answers locked: role.offer.failed five times, role.offer.locked once.
    for (let i = 0; i < 6; i++) await gql(app, CONFIRM, { input: { offerId: granted.data!.grantRole.offer.id, code: `WRONG${i}` } }, stranger.token);
    const LOG = `query ($s: ID!) { auditLog(stationId: $s, first: 50) { edges { node { action actorName actorAccountId targetLabel targetName } } } }`;
    const read = async () => (await gql(app, LOG, { s: gid("Station", station.id) }, officer.token)).data!.auditLog.edges.map((e: any) => e.node);
    const answered = (log: any[]) => log.filter((e) => e.action === "role.offer.failed" || e.action === "role.offer.locked");
    const log = await read();
    expect(answered(log).map((e) => e.action).sort()).toEqual([...Array(5).fill("role.offer.failed"), "role.offer.locked"]);
    for (const e of answered(log)) expect(e).toMatchObject({ actorName: "猜的名字", actorAccountId: null, targetName: "猜的名字" });
    // Nor the account's id, which the station's other entries by the same account (a volunteer of the station) name.
    expect(JSON.stringify(log)).not.toContain(stranger.displayName);
    expect(JSON.stringify(log)).not.toContain(stranger.accountId);
    // Platform admins, who read the whole log, still see which account it was.
    const admin = await createAccount({ role: "ADMIN" });
    const whole = await gql(app, `{ auditLog(action: "role.offer.locked", first: 1) { edges { node { actorAccountId } } } }`, {}, admin.token);
    expect(whole.data!.auditLog.edges[0].node.actorAccountId).toBe(stranger.accountId);
    // Withdrawn: the entries name nobody (the appointment's name went with it), still not the account.
    expect((await gql(app, WITHDRAW, { input: { offerId: granted.data!.grantRole.offer.id } }, officer.token)).data!.withdrawRoleOffer.userErrors).toEqual([]);
    const after = await read();
    for (const e of answered(after)) expect(e).toMatchObject({ actorName: null, targetName: null });
    expect(JSON.stringify(after)).not.toContain(stranger.displayName);
    // Entries written before (the account as their target) name nobody either.
    await prisma.auditEntry.create({ data: { actorId: stranger.accountId, stationId: station.id, action: "role.offer.failed", targetType: "Account", targetId: stranger.accountId, summary: "旧记录" } });
    const old = (await read()).find((e: any) => e.action === "role.offer.failed");
    expect(old).toMatchObject({ actorName: null, targetName: null });
  });

  it("an appointment made before names were kept is not listed under the account's own name", async () => {
    const admin = await createAccount({ role: "ADMIN" });
    const region = await prisma.region.create({ data: { name: `旧任命区域-${Date.now()}` } });
    const person = await createVolunteer();
    const granted = await gql(app, GRANT, { input: { phone: person.phone, role: "REGION_ADMIN", regionId: gid("Region", region.id), displayName: "新名字" } }, admin.token);
    expect(granted.data!.grantRole.userErrors).toEqual([]);
    // As the rows stood before migration 20261128120000_role_offer_name.
    await prisma.roleOffer.updateMany({ where: { regionId: region.id }, data: { displayName: null } });
    const listed = (await gql(app, `query ($id: ID!) { node(id: $id) { ... on Region { roleOffers { displayName } } } }`, { id: gid("Region", region.id) }, admin.token)).data!.node.roleOffers;
    expect(listed).toHaveLength(1);
    expect(listed[0].displayName).not.toBe(person.displayName);
    expect(listed[0].displayName).not.toBe("");
  });
});

describe("Region.roleOffers, joined into what loads the regions", () => {
  it("costs no statement per region when the regions come by nodes(ids:) either", async () => {
    const admin = await createAccount({ role: "ADMIN" });
    const regions = await Promise.all([1, 2, 3, 4, 5, 6].map((i) => prisma.region.create({ data: { name: `攻击区域${i}-${Date.now()}` } })));
    const people = await Promise.all(regions.map(() => createVolunteer()));
    for (const [i, region] of regions.entries()) {
      const r = await gql(app, GRANT, { input: { phone: people[i]!.phone, role: "REGION_ADMIN", regionId: gid("Region", region.id), displayName: "新区域管理员" } }, admin.token);
      expect(r.data!.grantRole).toMatchObject({ confirmationNeeded: true, userErrors: [] });
    }
    const ids = regions.map((r) => gid("Region", r.id));
    const bare = await counted(`query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Region { id } } }`, { ids }, admin.token);
    const withOffers = await counted(`query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Region { id roleOffers { displayName } } } }`, { ids }, admin.token);
    expect(withOffers.res.data!.nodes.map((n: any) => n.roleOffers)).toEqual(regions.map(() => [{ displayName: "新区域管理员" }]));
    expect(withOffers.statements).toBe(bare.statements);
  });
});

describe("what held", () => {
  it("the name: re-granting replaces it, and it is trimmed, at most 40 characters, never blank or invisible", async () => {
    const admin = await createAccount({ role: "ADMIN" });
    const region = await prisma.region.create({ data: { name: `名字区域-${Date.now()}` } });
    const person = await createVolunteer();
    const grant = (displayName: string) => gql(app, GRANT, { input: { phone: person.phone, role: "REGION_ADMIN", regionId: gid("Region", region.id), displayName } }, admin.token);
    expect((await grant("  第一次  ")).data!.grantRole.offer.displayName).toBe("第一次");
    expect((await grant("<img src=x onerror=alert(1)>")).data!.grantRole.offer.displayName).toBe("<img src=x onerror=alert(1)>");
    const again = (await grant("第二次")).data!.grantRole;
    expect(again.offer.displayName).toBe("第二次");
    expect(await prisma.roleOffer.findMany({ where: { regionId: region.id }, select: { displayName: true } })).toEqual([{ displayName: "第二次" }]);
    for (const bad of ["   ", "\u200b", "名".repeat(41), "a\u202eb"]) {
      const r = (await grant(bad)).data!.grantRole;
      expect(r.userErrors[0]?.code).toBe("VALIDATION");
    }
    expect(await prisma.roleOffer.findMany({ where: { regionId: region.id }, select: { displayName: true } })).toEqual([{ displayName: "第二次" }]);
  });

  it("the sweeper keeps a live appointment and a lapsed one for a month; a lapsed one never confirms", async () => {
    const admin = await createAccount({ role: "ADMIN" });
    const region = await prisma.region.create({ data: { name: `清理区域-${Date.now()}` } });
    const person = await createVolunteer();
    const granted = (await gql(app, GRANT, { input: { phone: person.phone, role: "REGION_ADMIN", regionId: gid("Region", region.id), displayName: "甲" } }, admin.token)).data!.grantRole;
    const offer = await prisma.roleOffer.findFirstOrThrow({ where: { regionId: region.id } });
    const { dropLapsedRoleOffers } = await import("../api/src/modules/role/role.service.js");
    const keep = () => prisma.roleOffer.count({ where: { id: offer.id } });
    // Live, and at the last instant of its life, and lapsed for 30 days less a second: kept.
    await dropLapsedRoleOffers();
    await dropLapsedRoleOffers(new Date(offer.expiresAt.getTime() - 1));
    await dropLapsedRoleOffers(new Date(offer.expiresAt.getTime() + 30 * 86_400_000 - 1000));
    expect(await keep()).toBe(1);
    clock.advance(offer.expiresAt.getTime() - clock.now().getTime());
    const CONFIRM = `mutation ($input: ConfirmRoleOfferInput!) { confirmRoleOffer(input: $input) { assignment { role } userErrors { code } } }`;
    const offerId = gid("RoleOffer", offer.id);
    expect((await gql(app, CONFIRM, { input: { offerId, code: granted.activationCode } }, person.token)).data!.confirmRoleOffer.userErrors[0].code).toBe("CONFLICT");
    expect(await prisma.accountRole.count({ where: { accountId: person.accountId } })).toBe(0);
    await dropLapsedRoleOffers(new Date(offer.expiresAt.getTime() + 30 * 86_400_000));
    expect(await keep()).toBe(0);
  });

  it("Region.roleOffers: only platform admins read it, by any path; fragments, aliases and nested lists cost nothing more", async () => {
    const admin = await createAccount({ role: "ADMIN" });
    const region = await prisma.region.create({ data: { name: `读取区域-${Date.now()}` } });
    const person = await createVolunteer();
    await gql(app, GRANT, { input: { phone: person.phone, role: "REGION_ADMIN", regionId: gid("Region", region.id), displayName: "乙" } }, admin.token);
    const regionAdmin = await prisma.account.create({ data: { phone: `139${String(Date.now()).slice(-8)}`, passwordHash: "x", displayName: "区域管理员乙", roles: { create: { role: "REGION_ADMIN", regionId: region.id } } } });
    const { createSession } = await import("../api/src/auth/sessions.js");
    const regionToken = (await createSession(prisma, regionAdmin.id)).token;
    const { officer } = await createStation();
    const id = gid("Region", region.id);
    const NODE = `query ($id: ID!) { node(id: $id) { ... on Region { roleOffers { displayName } } } nodes(ids: [$id]) { ... on Region { a: roleOffers { displayName } } } }`;
    const LIST = `fragment F on Region { b: roleOffers { displayName } } { regions(first: 50) { edges { node { ...F roleOffers { displayName } } } } }`;
    for (const token of [regionToken, officer.token, person.token, undefined]) {
      const n = await gql(app, NODE, { id }, token);
      expect(JSON.stringify(n.data)).not.toContain("乙");
      const l = await gql(app, LIST, {}, token);
      expect(JSON.stringify(l.data ?? null)).not.toContain("乙");
    }
    const NESTED = (offers: string) => `{ regions(first: 50) { edges { node { id admins(first: 50) { edges { node { id displayName } } } ${offers} stations(first: 100) { edges { node { id name } } } } } } }`;
    const without = await counted(NESTED(""), {}, admin.token);
    const withOffers = await counted(NESTED("x: roleOffers { id } ...on Region { y: roleOffers { displayName } }"), {}, admin.token);
    expect(withOffers.res.errors).toBeUndefined();
    expect(withOffers.statements).toBe(without.statements);
  });
});
