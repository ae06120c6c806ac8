// Session 17's request keys and mediation retention, attacked from outside: another station's officer
// with a colleague's key, one officer of two stations, a call-up closed before its resend, a bulletin
// refused and sent again, and a station's retention lowered (what the log keeps of it).
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { createSession } from "../api/src/auth/sessions.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { localize } from "../api/src/i18n.js";
import { createAccount, createStation, createVolunteers, gid, rawId } from "./support/fixtures.js";
import { holdRowLock } from "./support/locks.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const START = `mutation ($input: StartMobilizationInput!) { startMobilization(input: $input) { mobilization { id status reason } userErrors { code field message } } }`;
const CLOSE = `mutation ($input: CloseMobilizationInput!) { closeMobilization(input: $input) { userErrors { code field message } } }`;
const PUBLISH = `mutation ($input: PublishBulletinInput!) { publishBulletin(input: $input) { bulletin { id recipientCount } userErrors { code field message } } }`;
const SETTINGS = `mutation ($input: UpdateStationSettingsInput!) { updateStationSettings(input: $input) { station { mediationRetentionDays } userErrors { code message field } } }`;

const callUp = (stationId: string, requestId: string) => ({
  stationId: gid("Station", stationId), reason: "寻找走失老人", place: "府山公园", latitude: 30.0, longitude: 120.58, radiusMeters: 1000, wanted: 2, escalateAfterMinutes: 10, requestId,
});

describe("request keys from outside", () => {
  it("another station's officer sending a colleague's key gets no trace of the colleague's call-up", async () => {
    const a = await createStation();
    const b = await createStation();
    await createVolunteers(2, { teamId: a.team.id });
    const first = (await gql(app, START, { input: callUp(a.station.id, "stolen-key-0001") }, a.officer.token)).data!.startMobilization.mobilization;
    // Aimed at A's station: as for any station of others, not found, and nothing made or answered.
    const atA = (await gql(app, START, { input: callUp(a.station.id, "stolen-key-0001") }, b.officer.token)).data!.startMobilization;
    expect(atA.mobilization).toBeNull();
    expect(atA.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "stationId"] });
    // At their own station: their own new call-up, never A's (not a CONFLICT either: keys are each officer's).
    const atB = (await gql(app, START, { input: callUp(b.station.id, "stolen-key-0001") }, b.officer.token)).data!.startMobilization;
    expect(atB.userErrors).toEqual([]);
    expect(atB.mobilization.id).not.toBe(first.id);
    expect(await prisma.mobilization.count({ where: { stationId: a.station.id } })).toBe(1);
  });

  it("one officer of two stations: the key sent for the other station is a CONFLICT, not the first station's call-up", async () => {
    const a = await createStation();
    const b = await createStation();
    await prisma.accountRole.create({ data: { accountId: a.officer.accountId, role: "OFFICER", stationId: b.station.id } });
    await createVolunteers(1, { teamId: a.team.id });
    await createVolunteers(1, { teamId: b.team.id });
    expect((await gql(app, START, { input: callUp(a.station.id, "two-stations-01") }, a.officer.token)).data!.startMobilization.userErrors).toEqual([]);
    const r = (await gql(app, START, { input: callUp(b.station.id, "two-stations-01") }, a.officer.token)).data!.startMobilization;
    expect(r.mobilization).toBeNull();
    expect(r.userErrors[0]).toMatchObject({ code: "CONFLICT", field: ["input", "requestId"] });
    expect(await prisma.mobilization.count({ where: { stationId: b.station.id } })).toBe(0);
  });

  it("a resend after the call-up was closed answers the closed one and calls nobody again", async () => {
    const { station, officer, team } = await createStation();
    const people = await createVolunteers(3, { teamId: team.id });
    const input = callUp(station.id, "closed-key-0001");
    const first = (await gql(app, START, { input }, officer.token)).data!.startMobilization.mobilization;
    const told = () => prisma.notification.count({ where: { kind: "MOBILIZATION", accountId: { in: people.map((p) => p.accountId) } } });
    await expect.poll(told).toBeGreaterThan(0);
    const before = await told();
    expect((await gql(app, CLOSE, { input: { mobilizationId: first.id, outcome: "RESOLVED" } }, officer.token)).data!.closeMobilization.userErrors).toEqual([]);
    const again = (await gql(app, START, { input }, officer.token)).data!.startMobilization;
    expect(again).toMatchObject({ mobilization: { id: first.id, status: "CLOSED" }, userErrors: [] });
    expect(await told()).toBe(before);
    expect(await prisma.mobilization.count({ where: { stationId: station.id } })).toBe(1);
  });

  it("a bulletin refused (nobody to tell) stores nothing under its key: the same key sent once someone can be told is published", async () => {
    const { station, officer, team } = await createStation();
    const input = { stationId: gid("Station", station.id), title: "反诈提醒", body: "冒充客服诈骗高发", category: "FRAUD_WARNING", audience: { wholeStation: true }, requestId: "refused-key-0001" };
    const refused = (await gql(app, PUBLISH, { input }, officer.token)).data!.publishBulletin;
    expect(refused.bulletin).toBeNull();
    expect(refused.userErrors[0]).toMatchObject({ code: "VALIDATION", field: ["input", "audience"] });
    const people = await createVolunteers(2, { teamId: team.id });
    const sent = (await gql(app, PUBLISH, { input }, officer.token)).data!.publishBulletin;
    expect(sent).toMatchObject({ bulletin: { recipientCount: people.length }, userErrors: [] });
    expect(await prisma.notification.count({ where: { kind: "BULLETIN", subjectId: rawId(sent.bulletin.id) } })).toBe(people.length);
  });
});

describe("mediation retention from outside", () => {
  it("another station's officer cannot shorten a station's retention; the station's own change is logged from what to what", async () => {
    const a = await createStation();
    const b = await createStation();
    const S = gid("Station", a.station.id);
    const r = (await gql(app, SETTINGS, { input: { stationId: S, mediationRetentionDays: 30 } }, b.officer.token)).data!.updateStationSettings;
    expect(r.station).toBeNull();
    expect(r.userErrors[0]).toMatchObject({ code: "NOT_FOUND", field: ["input", "stationId"] });
    expect((await prisma.station.findUniqueOrThrow({ where: { id: a.station.id } })).mediationRetentionDays).toBe(180);

    // The station's officer may: the shorter retention erases older closed cases at the next sweep, for good, so
    // the log says from what to what (a form that resends the same value logs no change of it).
    expect((await gql(app, SETTINGS, { input: { stationId: S, mediationRetentionDays: 30 } }, a.officer.token)).data!.updateStationSettings.userErrors).toEqual([]);
    expect((await gql(app, SETTINGS, { input: { stationId: S, mediationRetentionDays: 30, checkInRadiusMeters: 300 } }, a.officer.token)).data!.updateStationSettings.userErrors).toEqual([]);
    const log = await prisma.auditEntry.findMany({ where: { stationId: a.station.id, action: "station.settings" }, orderBy: { id: "asc" }, select: { summary: true, actorId: true } });
    expect(log.map((e) => ({ ...e, summary: localize(e.summary, "zh") }))).toEqual([
      { summary: "修改设置 mediationRetentionDays（调解当事人信息保留 180→30 天）", actorId: a.officer.accountId },
      { summary: "修改设置 checkInRadiusMeters, mediationRetentionDays", actorId: a.officer.accountId },
    ]);
    expect(localize(log[0]!.summary, "en")).toBe("settings changed: mediationRetentionDays (mediation parties kept 180→30 days)");
  });

  it("two officers saving a retention at once each log the value they replaced, in the order they took effect", async () => {
    const a = await createStation();
    const second = await createAccount({ role: "OFFICER", stationId: a.station.id });
    const S = gid("Station", a.station.id);
    const lock = await holdRowLock("Station", a.station.id);
    const both = Promise.all([
      gql(app, SETTINGS, { input: { stationId: S, mediationRetentionDays: 60 } }, a.officer.token),
      gql(app, SETTINGS, { input: { stationId: S, mediationRetentionDays: 45 } }, second.token),
    ]);
    await lock.waiters(2);
    await lock.release();
    for (const r of await both) expect(r.data!.updateStationSettings.userErrors).toEqual([]);
    const log = await prisma.auditEntry.findMany({ where: { stationId: a.station.id, action: "station.settings" }, orderBy: { id: "asc" }, select: { summary: true } });
    const steps = log.map((e) => /(\d+)→(\d+)/.exec(localize(e.summary, "zh"))!.slice(1).map(Number));
    // A chain from 180 to what the station holds now: the second change starts where the first ended.
    const now = (await prisma.station.findUniqueOrThrow({ where: { id: a.station.id } })).mediationRetentionDays;
    expect(steps).toHaveLength(2);
    expect(steps[0]![0]).toBe(180);
    expect(steps[1]![0]).toBe(steps[0]![1]);
    expect(steps[1]![1]).toBe(now);
  });
});

describe("the calendar feed's address after 在所有设备上退出, a password reset, 停用 and 恢复", () => {
  const FEED = `{ viewer { calendarFeedUrl } }`;
  const EVERYWHERE = `mutation { signOutEverywhere(input: {}) { sessionsEnded userErrors { code } } }`;
  const RESET = `mutation ($input: ResetVolunteerPasswordInput!) { resetVolunteerPassword(input: $input) { code userErrors { code } } }`;
  const DISABLE = `mutation ($input: DisableAccountInput!) { disableAccount(input: $input) { userErrors { code } } }`;
  const ENABLE = `mutation ($input: EnableAccountInput!) { enableAccount(input: $input) { userErrors { code } } }`;
  const feedUrl = async (token: string) => (await gql(app, FEED, {}, token)).data!.viewer.calendarFeedUrl as string | null;
  const status = async (url: string) => (await fetch(`${app.url}${url}`)).status;
  /** A new sign-in of the account (what the person does next): a fresh session, as signIn makes. */
  const signInAgain = async (accountId: string) => (await createSession(prisma, accountId)).token;

  it("the app shows a new address after signing in again, which answers; the old one is a 404 (everywhere, reset)", async () => {
    const { officer, team } = await createStation();
    const people = await createVolunteers(2, { teamId: team.id });
    for (const [end, person] of [["everywhere", people[0]!], ["reset", people[1]!]] as const) {
      const old = (await feedUrl(person.token))!;
      if (end === "everywhere") expect((await gql(app, EVERYWHERE, {}, person.token)).data!.signOutEverywhere.userErrors).toEqual([]);
      else expect((await gql(app, RESET, { input: { volunteerId: gid("Volunteer", person.id) } }, officer.token)).data!.resetVolunteerPassword.userErrors).toEqual([]);
      const fresh = await feedUrl(await signInAgain(person.accountId));
      expect(fresh, end).not.toBe(old);
      expect(await status(fresh!), end).toBe(200);
      expect(await status(old), end).toBe(404);
    }
  });

  it("停用 ends the address with the sessions: after 恢复 the address from before is still a 404, the new one answers", async () => {
    const { officer, team } = await createStation();
    const [person] = await createVolunteers(1, { teamId: team.id });
    const old = (await feedUrl(person!.token))!;
    const volunteerId = gid("Volunteer", person!.id);
    expect((await gql(app, DISABLE, { input: { volunteerId, reason: "手机丢失" } }, officer.token)).data!.disableAccount.userErrors).toEqual([]);
    expect(await status(old)).toBe(404);
    expect((await gql(app, ENABLE, { input: { volunteerId } }, officer.token)).data!.enableAccount.userErrors).toEqual([]);
    expect(await status(old)).toBe(404);
    const fresh = (await feedUrl(await signInAgain(person!.accountId)))!;
    expect(fresh).not.toBe(old);
    expect(await status(fresh)).toBe(200);
  });

  it("an account without a volunteer signs out everywhere as before and has no address; a reset that makes the account gives one that answers", async () => {
    const { officer, team } = await createStation();
    expect((await gql(app, EVERYWHERE, {}, officer.token)).data!.signOutEverywhere).toMatchObject({ userErrors: [], sessionsEnded: 1 });
    const again = await signInAgain(officer.accountId);
    expect(await feedUrl(again)).toBeNull();
    // A volunteer who never had an account: the reset makes one (its first address is version 1, not 0).
    const [person] = await createVolunteers(1, { teamId: team.id });
    await prisma.account.delete({ where: { id: person!.accountId } });
    expect((await gql(app, RESET, { input: { volunteerId: gid("Volunteer", person!.id) } }, again)).data!.resetVolunteerPassword.userErrors).toEqual([]);
    const account = await prisma.account.findUniqueOrThrow({ where: { phone: person!.phone } });
    const url = (await feedUrl(await signInAgain(account.id)))!;
    expect(await status(url)).toBe(200);
  });
});
