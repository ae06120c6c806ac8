// 一键召集 and 警情提醒 sent again after a lost answer (an officer on a weak signal in the field): the same key
// answers the first call-up or bulletin, even in parallel, and tells nobody twice; the key reused for another
// one is a CONFLICT and stores nothing.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createStation, createVolunteers, gid, rawId } from "./support/fixtures.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const START = `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id } userErrors { code field message } } }`;
const PUBLISH = `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id recipientCount } userErrors { code field message } } }`;

describe("startMobilization with a requestId", () => {
  it("answers a repeat, sequential or parallel, with the first call-up and calls each person once", async () => {
    const { station, officer, team } = await createStation();
    const people = await createVolunteers(5, { teamId: team.id });
    const input = { stationId: gid("Station", station.id), reason: "寻找走失老人", place: "府山公园", latitude: 30.0, longitude: 120.58, radiusMeters: 1000, wanted: 3, escalateAfterMinutes: 10, requestId: "callup-key-0001" };
    const answers = await Promise.all([1, 2, 3].map(() => gql(app, START, { input }, officer.token)));
    const again = await gql(app, START, { input: { ...input, specialties: [], squadIds: [] } }, officer.token);
    const ids = [...answers, again].map((r) => r.data!.startMobilization.mobilization?.id);
    expect(ids.every((id) => id && id === ids[0])).toBe(true);
    expect(await prisma.mobilization.count({ where: { stationId: station.id } })).toBe(1);
    const told = await prisma.notification.groupBy({ by: ["accountId"], where: { kind: "MOBILIZATION", accountId: { in: people.map((p) => p.accountId) } }, _count: true });
    expect(told.length).toBeGreaterThan(0);
    expect(told.every((t) => t._count === 1)).toBe(true);
  });

  it("refuses the key reused for another call-up and stores nothing; another key is another call-up", async () => {
    const { station, officer, team } = await createStation();
    await createVolunteers(2, { teamId: team.id });
    const input = { stationId: gid("Station", station.id), reason: "寻找走失儿童", place: "府山公园", latitude: 30.0, longitude: 120.58, radiusMeters: 1000, wanted: 2, escalateAfterMinutes: 10, requestId: "callup-key-0002" };
    expect((await gql(app, START, { input }, officer.token)).data!.startMobilization.userErrors).toEqual([]);
    for (const changed of [{ wanted: 3 }, { place: "府山广场" }, { specialties: ["MEDICAL_GUARD"] }, { description: "穿红色外套" }]) {
      const r = (await gql(app, START, { input: { ...input, ...changed } }, officer.token)).data!.startMobilization;
      expect(r.mobilization).toBeNull();
      expect(r.userErrors[0]).toMatchObject({ code: "CONFLICT", field: ["input", "requestId"] });
      expect(r.userErrors[0].message).toMatch(/^该请求编号已用于另一次召集/);
    }
    expect(await prisma.mobilization.count({ where: { stationId: station.id } })).toBe(1);
    await gql(app, START, { input: { ...input, requestId: "callup-key-0003" } }, officer.token);
    expect(await prisma.mobilization.count({ where: { stationId: station.id } })).toBe(2);
  });

  it("keys are per officer: another officer's same key is their own call-up", async () => {
    const a = await createStation();
    const b = await createStation();
    const input = (stationId: string) => ({ stationId: gid("Station", stationId), reason: "寻人", place: "公园", latitude: 30.0, longitude: 120.58, radiusMeters: 1000, wanted: 1, escalateAfterMinutes: 10, requestId: "callup-key-shared" });
    const first = (await gql(app, START, { input: input(a.station.id) }, a.officer.token)).data!.startMobilization.mobilization.id;
    const second = (await gql(app, START, { input: input(b.station.id) }, b.officer.token)).data!.startMobilization.mobilization.id;
    expect(second).not.toBe(first);
  });
});

describe("publishBulletin with a requestId", () => {
  it("answers a repeat, sequential or parallel, with the first bulletin and tells each person once", async () => {
    const { station, officer, team } = await createStation();
    const people = await createVolunteers(4, { teamId: team.id });
    const input = { stationId: gid("Station", station.id), title: "反诈提醒", body: "近期冒充客服诈骗高发", category: "FRAUD_WARNING", audience: { wholeStation: true }, requestId: "bulletin-key-0001" };
    const answers = await Promise.all([1, 2, 3].map(() => gql(app, PUBLISH, { input }, officer.token)));
    const again = await gql(app, PUBLISH, { input: { ...input, audience: { wholeStation: true, teamIds: [] } } }, officer.token);
    const ids = [...answers, again].map((r) => r.data!.publishBulletin.bulletin?.id);
    expect(ids.every((id) => id && id === ids[0])).toBe(true);
    expect(await prisma.bulletin.count({ where: { stationId: station.id } })).toBe(1);
    const told = await prisma.notification.count({ where: { kind: "BULLETIN", subjectId: rawId(ids[0]!) } });
    expect(told).toBe(people.length);
    expect(await prisma.bulletinRecipient.count({ where: { bulletinId: rawId(ids[0]!) } })).toBe(people.length);
  });

  it("refuses the key reused for another bulletin and stores nothing", async () => {
    const { station, officer, team } = await createStation();
    await createVolunteers(2, { teamId: team.id });
    const input = { stationId: gid("Station", station.id), title: "暴雨预警", body: "请注意出行安全", category: "WEATHER", audience: { wholeStation: true }, requestId: "bulletin-key-0002" };
    expect((await gql(app, PUBLISH, { input }, officer.token)).data!.publishBulletin.userErrors).toEqual([]);
    for (const changed of [{ title: "大风预警" }, { public: true }, { audience: { wholeStation: false, teamIds: [gid("Team", team.id)] } }]) {
      const r = (await gql(app, PUBLISH, { input: { ...input, ...changed } }, officer.token)).data!.publishBulletin;
      expect(r.bulletin).toBeNull();
      expect(r.userErrors[0]).toMatchObject({ code: "CONFLICT", field: ["input", "requestId"] });
    }
    expect(await prisma.bulletin.count({ where: { stationId: station.id } })).toBe(1);
  });

  it("refuses a malformed key before anything is sent", async () => {
    const { station, officer, team } = await createStation();
    await createVolunteers(1, { teamId: team.id });
    const r = (await gql(app, PUBLISH, { input: { stationId: gid("Station", station.id), title: "提醒", body: "……", category: "NOTICE", audience: { wholeStation: true }, requestId: "短" } }, officer.token)).data!.publishBulletin;
    expect(r.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "requestId"] });
    expect(await prisma.bulletin.count({ where: { stationId: station.id } })).toBe(0);
  });
});
