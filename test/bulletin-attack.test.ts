// Bulletin read statistics attacked from outside: who sees them, and paging who has not read it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createAccount, createSquad, createStation, createVolunteers, gid, rawId } from "./support/fixtures.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const PUBLISH = `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id recipientCount } userErrors { code field } } }`;
const PAGE = `query ($id: ID!, $first: Int, $after: String) { node(id: $id) { ... on Bulletin { readStats { unread
  notReadBy(first: $first, after: $after) { edges { cursor node { displayName } } pageInfo { hasNextPage endCursor } } } } } }`;

describe("notReadBy", () => {
  it("pages every recipient who has not read it when the last one shown reads it before the next page", async () => {
    const { station, officer, team } = await createStation();
    const squad = await createSquad(team.id);
    const people = await createVolunteers(6, { teamId: team.id, squadIds: [squad.id] });
    const res = await gql(app, PUBLISH, { input: { stationId: gid("Station", station.id), title: "翻页", body: "……", category: "NOTICE", audience: { wholeStation: true } } }, officer.token);
    const b = res.data!.publishBulletin.bulletin;
    expect(b.recipientCount).toBe(6);
    const first = (await gql(app, PAGE, { id: b.id, first: 2 }, officer.token)).data!.node.readStats.notReadBy;
    const seen: string[] = first.edges.map((e: any) => e.node.displayName);
    // The last one on the page reads it now.
    const last = people.find((p) => p.displayName === seen.at(-1))!;
    await prisma.notification.updateMany({ where: { accountId: last.accountId, subjectId: rawId(b.id), kind: "BULLETIN" }, data: { readAt: new Date() } });
    let after = first.pageInfo.endCursor;
    for (;;) {
      const page = (await gql(app, PAGE, { id: b.id, first: 2, after }, officer.token)).data!.node.readStats.notReadBy;
      seen.push(...page.edges.map((e: any) => e.node.displayName));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(new Set(seen)).toEqual(new Set(people.map((p) => p.displayName)));
  });

  it("takes a cursor only of this bulletin's recipients, and pages back from one", async () => {
    const { station, officer, team } = await createStation();
    const people = await createVolunteers(4, { teamId: team.id });
    const publish = (stationId: string, token: string) =>
      gql(app, PUBLISH, { input: { stationId: gid("Station", stationId), title: "游标", body: "……", category: "NOTICE", audience: { wholeStation: true } } }, token);
    const b = (await publish(station.id, officer.token)).data!.publishBulletin.bulletin;
    const other = await createStation();
    await createVolunteers(2, { teamId: other.team.id });
    const ob = (await publish(other.station.id, other.officer.token)).data!.publishBulletin.bulletin;
    const foreign = (await gql(app, PAGE, { id: ob.id, first: 1 }, other.officer.token)).data!.node.readStats.notReadBy.pageInfo.endCursor;
    const none = Buffer.from("GPC:S:00000000-0000-0000-0000-000000000000").toString("base64");
    for (const after of [foreign, none]) {
      const r = await gql(app, PAGE, { id: b.id, first: 1, after }, officer.token);
      expect(r.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
    // Backwards from the last one: the three before it, in order.
    const all = (await gql(app, PAGE, { id: b.id, first: 10 }, officer.token)).data!.node.readStats.notReadBy.edges;
    expect(all.map((e: any) => e.node.displayName).sort()).toEqual(people.map((p) => p.displayName).sort());
    const back = await gql(app, `query ($id: ID!, $before: String) { node(id: $id) { ... on Bulletin { readStats { notReadBy(last: 3, before: $before) { edges { node { displayName } } } } } } }`, { id: b.id, before: all.at(-1).cursor }, officer.token);
    expect(back.data!.node.readStats.notReadBy.edges.map((e: any) => e.node.displayName)).toEqual(all.slice(0, 3).map((e: any) => e.node.displayName));
  });

  it("are the station's officers' alone, through node and nodes", async () => {
    const { station, officer, team } = await createStation();
    await createVolunteers(2, { teamId: team.id });
    const partner = await prisma.partner.create({ data: { stationId: station.id, name: `共建${station.id.slice(-4)}`, kind: "ENTERPRISE" } });
    const admin = await createAccount({ role: "PARTNER_ADMIN", partnerId: partner.id });
    const [member] = await createVolunteers(1, { teamId: team.id });
    const [leader] = await createVolunteers(1, { teamId: team.id, teamRole: "LEADER" });
    const b = (await gql(app, PUBLISH, { input: { stationId: gid("Station", station.id), title: "谁能看", body: "……", category: "NOTICE", public: true, audience: { wholeStation: true, partnerIds: [gid("Partner", partner.id)] } } }, officer.token)).data!.publishBulletin.bulletin;
    const other = await createStation();
    const otherPartner = await prisma.partner.create({ data: { stationId: other.station.id, name: `共建${other.station.id.slice(-4)}`, kind: "ENTERPRISE" } });
    const otherAdmin = await createAccount({ role: "PARTNER_ADMIN", partnerId: otherPartner.id });
    const Q = `query ($id: ID!) { node(id: $id) { ... on Bulletin { title readStats { unread } } } nodes(ids: [$id]) { ... on Bulletin { readStats { notReadBy(first: 5) { edges { node { displayName } } } } } } }`;
    for (const token of [other.officer.token, member!.token, leader!.token, admin.token, otherAdmin.token, null]) {
      const r = await gql(app, Q, { id: b.id }, token);
      expect(r.data).toEqual({ node: { title: "谁能看", readStats: null }, nodes: [{ readStats: null }] });
    }
    const mine = (await gql(app, Q, { id: b.id }, officer.token)).data!;
    expect(mine.node.readStats.unread).toBe(b.recipientCount);
    expect(mine.nodes[0].readStats.notReadBy.edges.length).toBe(5);
  });
});
