// `shiftsUpdated` attacked from outside: who may follow which shifts, what the ids may be, when the
// stream stops, and what each event shows of other people.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Client } from "graphql-ws";
import type { App } from "../api/src/app.js";
import { config } from "../api/src/config.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp, subscribe, wsClient } from "./support/client.js";
import { createStation, createTeam, createVolunteer, gid, type Person } from "./support/fixtures.js";
import { CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
let a: Awaited<ReturnType<typeof createStation>>;
let b: Awaited<ReturnType<typeof createStation>>;
let leader: Person;
let member: Person;
let otherTeamMember: Person;
let stranger: Person;

const BOARD = `subscription ($ids: [ID!]!) { shiftsUpdated(shiftIds: $ids) { id status seatsTaken waitlistLength } }`;
const PRIVACY = `mutation ($input: UpdateMyPrivacyInput!) { updateMyPrivacy(input: $input) { userErrors { code } } }`;

beforeAll(async () => {
  app = await startApp();
  a = await createStation();
  b = await createStation();
  leader = await createVolunteer({ teamId: a.team.id, teamRole: "LEADER" });
  member = await createVolunteer({ teamId: a.team.id });
  otherTeamMember = await createVolunteer({ teamId: (await createTeam(a.station.id)).id });
  stranger = await createVolunteer({ teamId: b.team.id });
  expect((await gql(app, PRIVACY, { input: { sharePhoneWithTeam: true } }, leader.token)).data!.updateMyPrivacy.userErrors).toEqual([]);
});
afterAll(() => app?.stop());

let start = 600;
/** A shift of station A's team, each one later than the last so claims never overlap. */
async function shiftOfA(capacity = 10) {
  start += 120;
  return (await publishShift(app, a.officer.token, { teamId: teamGid(a.team.id), startsAt: inMinutes(start), endsAt: inMinutes(start + 60), capacity })).shift.id;
}
async function claimAs(who: Person, shiftId: string) {
  const res = await gql(app, CLAIM, { input: { shiftId } }, who.token);
  expect(res.data!.claimShift.userErrors).toEqual([]);
}
/** The refusal a subscription gets (its first result or the socket's error), as JSON. */
const refusal = async (client: Client, ids: unknown[], query = BOARD) => JSON.stringify(await subscribe(client, query, { ids }).waitFor(1).catch((e) => [{ errors: e }]));
/** The close code the server ends a socket with. */
const closeCode = (client: Client) => new Promise<number>((resolve) => client.on("closed", (e) => resolve((e as { code: number }).code)));

describe("shiftsUpdated from outside", () => {
  it("refuses the anonymous caller, and closes the socket of an unknown, expired or revoked token", async () => {
    const s1 = await shiftOfA();
    const anonymous = wsClient(app);
    expect(await refusal(anonymous, [s1])).toContain('"code":"FORBIDDEN"');
    await anonymous.dispose();

    const expired = await createVolunteer({ teamId: a.team.id });
    await prisma.session.updateMany({ where: { accountId: expired.accountId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    const revoked = await createVolunteer({ teamId: a.team.id });
    await prisma.session.updateMany({ where: { accountId: revoked.accountId }, data: { revokedAt: new Date() } });
    for (const token of ["not-a-token", expired.token, revoked.token]) {
      const client = wsClient(app, token);
      const error = await subscribe(client, BOARD, { ids: [s1] }).waitFor(1).then(() => null, (e) => e);
      expect((error as { code?: number } | null)?.code).toBe(4403);
      await client.dispose();
    }
  });

  it("another station's officer or volunteer gets NOT_FOUND for this station's shifts, alone or mixed with their own, and no event of them", async () => {
    const ours = await shiftOfA();
    const theirs = (await publishShift(app, b.officer.token, { teamId: teamGid(b.team.id), startsAt: inMinutes(60), endsAt: inMinutes(120) })).shift.id;
    for (const token of [b.officer.token, stranger.token]) {
      const client = wsClient(app, token);
      expect(await refusal(client, [ours])).toContain('"code":"NOT_FOUND"');
      expect(await refusal(client, [theirs, ours])).toContain('"code":"NOT_FOUND"');
      expect(await refusal(client, [gid("Shift", "00000000-0000-7000-8000-000000000000")])).toContain('"code":"NOT_FOUND"');
      await client.dispose();
    }
    // Their own board hears their own shift only: a change of ours, then one of theirs, gives one event.
    const client = wsClient(app, stranger.token);
    const board = subscribe(client, BOARD, { ids: [theirs] });
    await board.ready;
    await claimAs(member, ours);
    await claimAs(stranger, theirs);
    await board.waitFor(1);
    await claimAs(await createVolunteer({ teamId: a.team.id }), ours);
    await claimAs(await createVolunteer({ teamId: b.team.id }), theirs);
    const events = await board.waitFor(2);
    expect(events.map((e) => e.data!.shiftsUpdated.id)).toEqual([theirs, theirs]);
    await client.dispose();
  });

  it("ids: a duplicate counts once, 100 pass and 101 do not, and ids of other Node types or garbage are BAD_USER_INPUT", async () => {
    const s1 = await shiftOfA();
    const client = wsClient(app, member.token);
    const board = subscribe(client, BOARD, { ids: Array.from({ length: 100 }, () => s1) });
    await board.ready;
    await claimAs(member, s1);
    expect((await board.waitFor(1)).map((e) => e.data!.shiftsUpdated)).toEqual([{ id: s1, status: "OPEN", seatsTaken: 1, waitlistLength: 0 }]);
    await claimAs(await createVolunteer({ teamId: a.team.id }), s1);
    expect((await board.waitFor(2)).map((e) => e.data!.shiftsUpdated.seatsTaken)).toEqual([1, 2]); // one event per change, not 100
    board.dispose();
    expect(await refusal(client, Array.from({ length: 101 }, () => s1))).toContain('"code":"BAD_USER_INPUT"');
    for (const bad of [gid("Volunteer", member.id), gid("Team", a.team.id), gid("Shift", "not-a-uuid"), "garbage", ""]) {
      expect(await refusal(client, [s1, bad])).toContain('"code":"BAD_USER_INPUT"');
    }
    expect(await refusal(client, [])).not.toContain('"code":"INTERNAL');
    await client.dispose();
  });

  it("a shift cancelled after subscribing arrives as CANCELLED", async () => {
    const s1 = await shiftOfA();
    const client = wsClient(app, member.token);
    const board = subscribe(client, BOARD, { ids: [s1] });
    await board.ready;
    const CANCEL = `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`;
    expect((await gql(app, CANCEL, { input: { shiftId: s1, reason: "暴雨" } }, a.officer.token)).data!.cancelShift.userErrors).toEqual([]);
    expect((await board.waitFor(1))[0]!.data!.shiftsUpdated).toMatchObject({ id: s1, status: "CANCELLED" });
    await client.dispose();
  });

  it("a viewer taken off the team or disabled while subscribed loses the stream (1012 then NOT_FOUND; 4403)", async () => {
    const s1 = await shiftOfA();
    const gone = await createVolunteer({ teamId: a.team.id });
    const client = wsClient(app, gone.token);
    const closed = closeCode(client);
    await subscribe(client, BOARD, { ids: [s1] }).ready;
    const REMOVE = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { userErrors { code } } }`;
    expect((await gql(app, REMOVE, { input: { teamId: teamGid(a.team.id), volunteerId: gid("Volunteer", gone.id) } }, a.officer.token)).data!.removeTeamMember.userErrors).toEqual([]);
    expect(await closed).toBe(1012);
    await client.dispose();
    const again = wsClient(app, gone.token);
    expect(await refusal(again, [s1])).toContain('"code":"NOT_FOUND"');
    await again.dispose();

    const disabled = await createVolunteer({ teamId: a.team.id });
    const socket = wsClient(app, disabled.token);
    const ended = closeCode(socket);
    await subscribe(socket, BOARD, { ids: [s1] }).ready;
    const DISABLE = `mutation ($input: DisableAccountInput!) { disableAccount(input: $input) { userErrors { code } } }`;
    expect((await gql(app, DISABLE, { input: { volunteerId: gid("Volunteer", disabled.id), reason: "测试停用" } }, a.officer.token)).data!.disableAccount.userErrors).toEqual([]);
    expect(await ended).toBe(4403);
    await socket.dispose();
  });

  it("one socket holds at most the per-socket cap of subscriptions, boards included", async () => {
    const s1 = await shiftOfA();
    const client = wsClient(app, member.token);
    const boards = Array.from({ length: config.sockets.maxSubscriptionsPerSocket }, () => subscribe(client, BOARD, { ids: [s1] }));
    await Promise.all(boards.map((s) => s.ready));
    expect(await refusal(client, [s1])).toContain('"code":"RATE_LIMITED"');
    await client.dispose();
  });

  it("events show other people as the same query would: the leader's phone only to the team while they consent, no roster", async () => {
    const s1 = await shiftOfA();
    const LEAK = `subscription ($ids: [ID!]!) { shiftsUpdated(shiftIds: $ids) {
      id seatsTaken contact { leaderName leaderPhone viewerCanCallLeader } going(first: 10) { edges { node { displayName } } }
      claims(first: 10) { edges { node { volunteer { phone name idNumber } } } } } }`;
    const watch = async (who: Person) => {
      const client = wsClient(app, who.token);
      const board = subscribe(client, LEAK, { ids: [s1] });
      await board.ready;
      return { client, board };
    };
    const own = await watch(member);
    const other = await watch(otherTeamMember);
    const stationOfficer = await watch({ ...member, token: a.officer.token });
    await claimAs(member, s1);
    const [mine] = await own.board.waitFor(1);
    expect(mine!.data!.shiftsUpdated.contact).toEqual({ leaderName: leader.displayName, leaderPhone: leader.phone, viewerCanCallLeader: true });
    expect(mine!.data!.shiftsUpdated.going.edges).toEqual([{ node: { displayName: member.displayName } }]);
    expect(mine!.data!.shiftsUpdated.claims).toBeNull();
    const [theirs] = await other.board.waitFor(1);
    expect(theirs!.data!.shiftsUpdated).toMatchObject({ going: null, claims: null, contact: { viewerCanCallLeader: false } });
    expect(JSON.stringify(theirs)).not.toContain(leader.phone);
    expect(JSON.stringify(theirs)).not.toContain(member.phone);
    expect(JSON.stringify(theirs)).not.toContain(member.name);
    expect(JSON.stringify(mine)).not.toContain(member.idNumber);
    // The officer sees the roster (personal data is theirs to see).
    expect((await stationOfficer.board.waitFor(1))[0]!.data!.shiftsUpdated.claims.edges[0].node.volunteer.phone).toBe(member.phone);

    // The leader withdraws consent: the next event of the open board masks the phone (it is not remembered).
    expect((await gql(app, PRIVACY, { input: { sharePhoneWithTeam: false } }, leader.token)).data!.updateMyPrivacy.userErrors).toEqual([]);
    await claimAs(await createVolunteer({ teamId: a.team.id }), s1);
    const [, next] = await own.board.waitFor(2);
    expect(next!.data!.shiftsUpdated.seatsTaken).toBe(2);
    expect(next!.data!.shiftsUpdated.contact).toMatchObject({ viewerCanCallLeader: false });
    expect(next!.data!.shiftsUpdated.contact.leaderPhone).not.toBe(leader.phone);
    await gql(app, PRIVACY, { input: { sharePhoneWithTeam: true } }, leader.token);
    await Promise.all([own, other, stationOfficer].map((w) => w.client.dispose()));
  });
});
