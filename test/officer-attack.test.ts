// The officer's side of bulletins and call-ups, attacked from outside: another station's officer, a
// leader where the station does not allow leaders to call up, anonymous callers, and careless inputs.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, signIn, startApp, subscribe, wsClient } from "./support/client.js";
import { DEMO_PHONES, gid, rawId, seedDemoData } from "./support/fixtures.js";
import { tokensFor } from "./support/shifts.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let leader: string;
let otherOfficer: string;

beforeAll(async () => {
  demo = await seedDemoData();
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const PUBLISH = `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id recipientCount } userErrors { code field message } } }`;
const INBOX = `query { viewer { notifications(first: 50) { edges { node { kind title body subjectId } } } } }`;

describe("bulletins reach the station's members only", () => {
  it("does not send a bulletin to those who left, are suspended or wait for approval, by whole station, team or squad", async () => {
    const squad = demo.squads[0]!;
    const members = await prisma.squadMembership.findMany({
      where: { squadId: squad.id, role: "MEMBER", volunteer: { account: { isNot: null }, teams: { none: { team: { stationId: { not: demo.fushan.id } } } } } },
      include: { volunteer: true },
      orderBy: { volunteerId: "asc" },
      take: 4,
    });
    const [member, left, suspended, pending] = members.map((m) => m.volunteer);
    const setStatus = (v: { id: string }, status: "ACTIVE" | "LEFT" | "SUSPENDED" | "PENDING") =>
      prisma.$transaction([
        prisma.teamMembership.updateMany({ where: { volunteerId: v.id, team: { stationId: demo.fushan.id } }, data: { status } }),
        prisma.squadMembership.updateMany({ where: { volunteerId: v.id }, data: { active: status === "ACTIVE" } }),
      ]);
    await setStatus(left!, "LEFT");
    await setStatus(suspended!, "SUSPENDED");
    await setStatus(pending!, "PENDING");
    const tokens = await tokensFor([member!.phone, left!.phone, suspended!.phone, pending!.phone]);
    try {
      for (const audience of [{ wholeStation: true }, { teamIds: [gid("Team", demo.haolinshe.id)] }, { squadIds: [gid("Squad", squad.id)] }]) {
        const title = `内部警情 ${Object.keys(audience)[0]}`;
        const res = await gql(app, PUBLISH, { input: { stationId: gid("Station", demo.fushan.id), title, body: "仅限本所义警", category: "CASE_ALERT", audience } }, officer);
        expect(res.data!.publishBulletin.userErrors).toEqual([]);
        const b = res.data!.publishBulletin.bulletin;
        const got = async (phone: string) =>
          (await gql(app, INBOX, {}, tokens.get(phone)!)).data!.viewer.notifications.edges.some((e: any) => e.node.subjectId === b.id);
        expect(await got(member!.phone)).toBe(true);
        for (const v of [left!, suspended!, pending!]) expect([audience, v.phone, await got(v.phone)]).toEqual([audience, v.phone, false]);
      }
    } finally {
      for (const v of [left!, suspended!, pending!]) await setStatus(v, "ACTIVE");
    }
  });
});
