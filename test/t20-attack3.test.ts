// t20-attack3: an outsider's attempts on removeTeamMember of an ended membership, 状态 LEFT ending applications, and
// checkIn under the shift's lock, through the GraphQL API; races ordered by a row lock held from outside.
import { describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, useApp } from "./support/client.js";
import { holdRowLock } from "./support/locks.js";
import { createStation, createTeam, createVolunteer, gid } from "./support/fixtures.js";
import { CHECK_IN, CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
useApp((a) => (app = a));

const DAY = 86_400_000;
const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code message field } } }`;
const REMOVE = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { userErrors { code message field } } }`;
const INVITE = `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`;
const APPLY = `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { membership { id status } userErrors { code message } } }`;
const APPROVE = `mutation ($input: ApproveMembershipInput!) { approveMembership(input: $input) { membership { status } userErrors { code message } } }`;
const CANCEL_SHIFT = `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code message } } }`;

type Station = Awaited<ReturnType<typeof createStation>>;
const membershipOf = (teamId: string, volunteerId: string) => prisma.teamMembership.findUnique({ where: { teamId_volunteerId: { teamId, volunteerId } }, select: { status: true } });
const setStatus = (s: Station, volunteerId: string, status: "ACTIVE" | "SUSPENDED" | "LEFT", token = s.officer.token) =>
  gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", volunteerId)], status, reason: "离开本所" } }, token);
const remove = (token: string, teamId: string, volunteerId: string) => gql(app, REMOVE, { input: { teamId: gid("Team", teamId), volunteerId: gid("Volunteer", volunteerId) } }, token);
const invite = async (s: Station, teamId: string) =>
  (await gql(app, INVITE, { input: { teamId: gid("Team", teamId), expiresAt: new Date(clock.now().getTime() + 7 * DAY).toISOString(), maxUses: 5 } }, s.officer.token)).data!.createTeamInvite.invite.code as string;

describe("removeTeamMember of an ended membership, by those who should learn nothing", () => {
  it("another station's officer gets NOT_FOUND, not the CONFLICT that says the person left", async () => {
    const s = await createStation();
    const other = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    expect((await setStatus(s, p.id, "LEFT")).data!.setVolunteerStatus.changed).toBe(1);
    const r = await remove(other.officer.token, s.team.id, p.id);
    const errors = r.data!.removeTeamMember.userErrors;
    expect(errors).toHaveLength(1);
    expect(errors[0].code).not.toBe("CONFLICT");
    expect(errors[0].message).not.toContain("已退出");
    expect(await membershipOf(s.team.id, p.id)).toEqual({ status: "LEFT" });
  });

  it("the leader of another team of the station is refused before learning the person left", async () => {
    const s = await createStation();
    const team2 = await createTeam(s.station.id);
    const leader2 = await createVolunteer({ teamId: team2.id, teamRole: "LEADER" });
    const p = await createVolunteer({ teamId: s.team.id });
    expect((await setStatus(s, p.id, "LEFT")).data!.setVolunteerStatus.changed).toBe(1);
    const errors = (await remove(leader2.token, s.team.id, p.id)).data!.removeTeamMember.userErrors;
    expect(errors).toHaveLength(1);
    expect(errors[0].code).not.toBe("CONFLICT");
    expect(await membershipOf(s.team.id, p.id)).toEqual({ status: "LEFT" });
  });
});

describe("状态 LEFT and applications", () => {
  it("another station's officer cannot end a person's application to it while they are ACTIVE elsewhere, nor their standing there", async () => {
    const a = await createStation();
    const b = await createStation();
    const p = await createVolunteer({ teamId: a.team.id });
    const applied = await gql(app, APPLY, { input: { code: await invite(b, b.team.id) } }, p.token);
    expect(applied.data!.acceptTeamInvite).toMatchObject({ membership: { status: "PENDING" }, userErrors: [] });
    const r = await setStatus(b, p.id, "LEFT", b.officer.token);
    expect(r.errors).toBeUndefined();
    expect(await membershipOf(a.team.id, p.id)).toEqual({ status: "ACTIVE" });
    // And station A's LEFT leaves the application to B waiting.
    expect((await setStatus(a, p.id, "LEFT")).data!.setVolunteerStatus.changed).toBe(1);
    expect(await membershipOf(b.team.id, p.id)).toEqual({ status: "PENDING" });
  });

  it("a person whose application was ended by LEFT joins again through an invitation, and a leader's approval brings them in", async () => {
    const s = await createStation();
    const other = await createTeam(s.station.id);
    const p = await createVolunteer({ teamId: s.team.id });
    const code = await invite(s, other.id);
    expect((await gql(app, APPLY, { input: { code } }, p.token)).data!.acceptTeamInvite.membership.status).toBe("PENDING");
    expect((await setStatus(s, p.id, "LEFT")).data!.setVolunteerStatus.changed).toBe(1);
    expect(await membershipOf(other.id, p.id)).toEqual({ status: "LEFT" });
    const again = await gql(app, APPLY, { input: { code } }, p.token);
    expect(again.errors).toBeUndefined();
    expect(again.data!.acceptTeamInvite).toMatchObject({ membership: { status: "PENDING" }, userErrors: [] });
    const leader = await createVolunteer({ teamId: other.id, teamRole: "LEADER" });
    const approved = await gql(app, APPROVE, { input: { membershipId: again.data!.acceptTeamInvite.membership.id } }, leader.token);
    expect(approved.data!.approveMembership).toEqual({ membership: { status: "ACTIVE" }, userErrors: [] });
    // And to the team they left.
    const back = await gql(app, APPLY, { input: { code: await invite(s, s.team.id) } }, p.token);
    expect(back.data!.acceptTeamInvite.userErrors).toEqual([]);
    expect(back.data!.acceptTeamInvite.membership.status).not.toBe("LEFT");
  });
});

describe("a check-in queued behind a cancellation of the shift", () => {
  it("is refused in Chinese on the claim, and records nothing", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    const { shift } = await publishShift(app, s.officer.token, { teamId: teamGid(s.team.id), startsAt: inMinutes(20).toISOString(), endsAt: inMinutes(80).toISOString() });
    const claimId = (await gql(app, CLAIM, { input: { shiftId: shift.id } }, p.token)).data!.claimShift.claim.id;
    const shiftRow = await prisma.shift.findFirstOrThrow({ where: { teamId: s.team.id } });
    const lock = await holdRowLock("Shift", shiftRow.id);
    try {
      const cancelling = gql(app, CANCEL_SHIFT, { input: { shiftId: shift.id, reason: "天气" } }, s.officer.token);
      await lock.waiters(1);
      const checking = gql(app, CHECK_IN, { input: { claimId, method: "GPS", latitude: 31.2, longitude: 121.4 } }, p.token);
      await lock.waiters(2);
      await lock.release();
      const [c, k] = await Promise.all([cancelling, checking]);
      expect(c.data!.cancelShift.userErrors).toEqual([]);
      expect(k.errors).toBeUndefined();
      expect(k.data!.checkIn.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringMatching(/^[\u4e00-\u9fff]/), field: ["input", "claimId"] }]);
    } finally {
      await lock.release();
    }
    expect(await prisma.patrolEvent.count({ where: { shiftId: shiftRow.id, kind: "CHECKED_IN" } })).toBe(0);
  });
});

describe("a GPS check-in queued behind a move of the shift to another grid", () => {
  const UPDATE_SHIFT = `mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { userErrors { code message } } }`;
  it("is measured against the new grid's point, and flagged when far from it", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    const community = await prisma.community.create({ data: { stationId: s.station.id, name: "攻击社区" } });
    const near = await prisma.grid.create({ data: { stationId: s.station.id, communityId: community.id, name: "一网格", latitude: 30, longitude: 120 } });
    const far = await prisma.grid.create({ data: { stationId: s.station.id, communityId: community.id, name: "二网格", latitude: 30.1, longitude: 120.1 } });
    const { shift } = await publishShift(app, s.officer.token, { teamId: teamGid(s.team.id), gridId: gid("Grid", near.id), startsAt: inMinutes(20).toISOString(), endsAt: inMinutes(80).toISOString() });
    const claimId = (await gql(app, CLAIM, { input: { shiftId: shift.id } }, p.token)).data!.claimShift.claim.id;
    const shiftRow = await prisma.shift.findFirstOrThrow({ where: { teamId: s.team.id } });
    expect(shiftRow.gridId).toBe(near.id);
    const lock = await holdRowLock("Shift", shiftRow.id);
    try {
      const moving = gql(app, UPDATE_SHIFT, { input: { shiftId: shift.id, gridId: gid("Grid", far.id) } }, s.officer.token);
      await lock.waiters(1);
      const checking = gql(app, CHECK_IN, { input: { claimId, method: "GPS", latitude: 30, longitude: 120 } }, p.token);
      await lock.waiters(2);
      await lock.release();
      const [m, k] = await Promise.all([moving, checking]);
      expect(m.data!.updateShift.userErrors).toEqual([]);
      expect(k.data!.checkIn.userErrors).toEqual([]);
    } finally {
      await lock.release();
    }
    expect(await prisma.shift.findUniqueOrThrow({ where: { id: shiftRow.id }, select: { gridId: true } })).toEqual({ gridId: far.id });
    const event = await prisma.patrolEvent.findFirstOrThrow({ where: { shiftId: shiftRow.id, kind: "CHECKED_IN" } });
    expect(event.flagged).toBe(true);
  });
});
