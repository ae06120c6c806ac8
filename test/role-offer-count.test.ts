// Station.roleOffers, Region.roleOffers and Partner.roleOffers list the oldest 50 pending appointments: beside each,
// roleOfferCount says how many there are in all (lapsed ones not counted), for the same people only, joined into the
// query that loads the places, so a list of places costs no statement more for it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createAccount, createStation, freshPhone, gid } from "./support/fixtures.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

async function counted(query: string, vars: Record<string, unknown>, token?: string) {
  const before = sqlStats.statements;
  const res = await gql(app, query, vars, token);
  return { res, statements: sqlStats.statements - before };
}

/** `n` pending appointments of a role at a place (and one lapsed, which nobody counts), each for an account in use. */
async function offers(n: number, place: { role: "OFFICER"; stationId: string } | { role: "REGION_ADMIN"; regionId: string } | { role: "PARTNER_ADMIN"; partnerId: string }) {
  const phones = Array.from({ length: n + 1 }, () => freshPhone());
  await prisma.account.createMany({ data: phones.map((phone, i) => ({ phone, passwordHash: "x", displayName: `账号${i}` })) });
  const accounts = await prisma.account.findMany({ where: { phone: { in: phones } }, select: { id: true } });
  const day = 86_400_000;
  await prisma.roleOffer.createMany({
    data: accounts.map((a, i) => ({ ...place, accountId: a.id, codeHash: "x", displayName: `任命${i}`, expiresAt: new Date(Date.now() + (i === 0 ? -day : 7 * day)) })),
  });
}

describe("how many appointments are pending, beside the 50 listed", () => {
  it("a station's, a region's and a partner's: 52 pending, 50 listed; null for those who may not see the list", async () => {
    const admin = await createAccount({ role: "ADMIN" });
    const { station, officer } = await createStation();
    const region = await prisma.region.create({ data: { name: `计数区域-${Date.now()}` } });
    const partner = await prisma.partner.create({ data: { stationId: station.id, name: `计数共建${station.name}`, kind: "ENTERPRISE" } });
    await offers(52, { role: "OFFICER", stationId: station.id });
    await offers(52, { role: "REGION_ADMIN", regionId: region.id });
    await offers(52, { role: "PARTNER_ADMIN", partnerId: partner.id });
    const READ = `query ($id: ID!) { node(id: $id) { ... on Station { roleOffers { id } roleOfferCount } ... on Region { roleOffers { id } roleOfferCount } ... on Partner { roleOffers { id } roleOfferCount } } }`;
    for (const [id, token] of [[gid("Station", station.id), admin.token], [gid("Region", region.id), admin.token], [gid("Partner", partner.id), officer.token]] as const) {
      const node = (await gql(app, READ, { id }, token)).data!.node;
      expect(node.roleOffers).toHaveLength(50);
      expect(node.roleOfferCount).toBe(52);
    }
    // An officer appoints no officers, nor region admins; a stranger nothing.
    const stranger = await createAccount({ role: "OFFICER", stationId: (await createStation()).station.id });
    for (const [id, token] of [[gid("Station", station.id), officer.token], [gid("Region", region.id), officer.token], [gid("Partner", partner.id), stranger.token]] as const) {
      const res = await gql(app, READ, { id }, token);
      expect(res.data?.node?.roleOfferCount ?? null).toBeNull();
      expect(JSON.stringify(res.data)).not.toContain("52");
    }
  });

  it("costs no statement more for a list of stations, of regions or of a station's partners", async () => {
    const admin = await createAccount({ role: "ADMIN" });
    const stations = await Promise.all([1, 2, 3, 4].map(() => createStation()));
    const regions = await Promise.all([1, 2, 3, 4].map((i) => prisma.region.create({ data: { name: `计数区域${i}-${Date.now()}` } })));
    const { station, officer } = stations[0]!;
    const partners = await Promise.all([1, 2, 3, 4].map((i) => prisma.partner.create({ data: { stationId: station.id, name: `计数共建${i}-${station.name}`, kind: "ENTERPRISE" } })));
    for (const [i, s] of stations.entries()) await offers(i + 1, { role: "OFFICER", stationId: s.station.id });
    for (const [i, r] of regions.entries()) await offers(i + 1, { role: "REGION_ADMIN", regionId: r.id });
    for (const [i, p] of partners.entries()) await offers(i + 1, { role: "PARTNER_ADMIN", partnerId: p.id });

    const STATIONS = (f: string) => `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Station { id name ${f} } } }`;
    const stationIds = stations.map((s) => gid("Station", s.station.id));
    const bareStations = await counted(STATIONS(""), { ids: stationIds }, admin.token);
    const countedStations = await counted(STATIONS("roleOfferCount"), { ids: stationIds }, admin.token);
    expect(countedStations.res.data!.nodes.map((n: any) => n.roleOfferCount)).toEqual([1, 2, 3, 4]);
    expect(countedStations.statements).toBe(bareStations.statements);

    const REGIONS = (f: string) => `{ regions(first: 50) { edges { node { id name ${f} } } } }`;
    const bareRegions = await counted(REGIONS(""), {}, admin.token);
    const countedRegions = await counted(REGIONS("roleOfferCount roleOffers { id }"), {}, admin.token);
    const byId = new Map(countedRegions.res.data!.regions.edges.map((e: any) => [e.node.id, e.node.roleOfferCount]));
    expect(regions.map((r) => byId.get(gid("Region", r.id)))).toEqual([1, 2, 3, 4]);
    expect(countedRegions.statements).toBe(bareRegions.statements);

    const PARTNERS = (f: string) => `query ($id: ID!) { node(id: $id) { ... on Station { partners(first: 50) { edges { node { id name ${f} } } } } } }`;
    const bareList = await counted(PARTNERS(""), { id: gid("Station", station.id) }, officer.token);
    const countedList = await counted(PARTNERS("roleOfferCount"), { id: gid("Station", station.id) }, officer.token);
    const byPartner = new Map(countedList.res.data!.node.partners.edges.map((e: any) => [e.node.id, e.node.roleOfferCount]));
    expect(partners.map((p) => byPartner.get(gid("Partner", p.id)))).toEqual([1, 2, 3, 4]);
    expect(countedList.statements).toBe(bareList.statements);
  });
});
