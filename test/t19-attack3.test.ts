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
