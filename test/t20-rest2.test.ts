// t20-rest2: three remainders of the membership endings and of check-in, through the GraphQL API; races ordered by a
// row lock held from outside (test/support/locks.ts), not by timing.
import { describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { localize } from "../api/src/i18n.js";
import { gql, useApp } from "./support/client.js";
import { holdRowLock } from "./support/locks.js";
import { createStation, createTeam, createVolunteer, gid } from "./support/fixtures.js";
import { CHECK_IN, CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
useApp((a) => (app = a));

const DAY = 86_400_000;
const STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code message } } }`;
const REMOVE = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { userErrors { code message field } } }`;

type Station = Awaited<ReturnType<typeof createStation>>;
const leftAt = async (volunteerId: string) => (await prisma.volunteer.findUniqueOrThrow({ where: { id: volunteerId }, select: { lastLeftAt: true } })).lastLeftAt;
const membershipOf = (teamId: string, volunteerId: string) => prisma.teamMembership.findUnique({ where: { teamId_volunteerId: { teamId, volunteerId } }, select: { status: true, statusReason: true } });
const setStatus = (s: Station, volunteerId: string, status: "ACTIVE" | "SUSPENDED" | "LEFT", reason = "离开本所") =>
  gql(app, STATUS, { input: { stationId: gid("Station", s.station.id), volunteerIds: [gid("Volunteer", volunteerId)], status, reason } }, s.officer.token);
const remove = (s: Station, teamId: string, volunteerId: string) => gql(app, REMOVE, { input: { teamId: gid("Team", teamId), volunteerId: gid("Volunteer", volunteerId) } }, s.officer.token);

describe("removeTeamMember on a membership that has ended", () => {
  it("is refused (CONFLICT, Chinese first) and moves neither the departure date nor the LEFT row", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    expect((await setStatus(s, p.id, "LEFT")).data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
    const left = await leftAt(p.id);
    expect(left).toEqual(expect.any(Date));
    clock.advance(100 * DAY);
    const r = await remove(s, s.team.id, p.id);
    expect(r.data!.removeTeamMember.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringContaining("已退出本队"), field: ["input", "volunteerId"] }]);
    expect(await leftAt(p.id)).toEqual(left); // the 180 days still count from the leaving
    expect(await membershipOf(s.team.id, p.id)).toEqual({ status: "LEFT", statusReason: "离开本所" });
    expect(await prisma.auditEntry.count({ where: { stationId: s.station.id, action: "team.removeMember" } })).toBe(0);
  });

  it("a removal queued behind a 状态 LEFT of the same moment reads the membership as it stands under the person's lock", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    const lock = await holdRowLock("Volunteer", p.id);
    try {
      const leaving = setStatus(s, p.id, "LEFT");
      await lock.waiters(1);
      const removing = remove(s, s.team.id, p.id); // read the membership ACTIVE before its transaction
      await lock.waiters(2);
      await lock.release();
      const [l, r] = await Promise.all([leaving, removing]);
      expect(l.data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
      expect(r.data!.removeTeamMember.userErrors).toEqual([{ code: "CONFLICT", message: expect.any(String), field: ["input", "volunteerId"] }]);
    } finally {
      await lock.release();
    }
    expect(await membershipOf(s.team.id, p.id)).toEqual({ status: "LEFT", statusReason: "离开本所" });
    expect(await prisma.auditEntry.count({ where: { stationId: s.station.id, action: "team.removeMember" } })).toBe(0);
  });
});

describe("状态 LEFT and the person's applications to the station's other teams", () => {
  const INVITE = `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`;
  const APPLY = `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { membership { id status } userErrors { code message } } }`;
  const APPROVE = `mutation ($input: ApproveMembershipInput!) { approveMembership(input: $input) { membership { status } userErrors { code message } } }`;

  /** A member of the station's team who asks, through an invitation, to join another of its teams too. */
  async function applicant() {
    const s = await createStation();
    const other = await createTeam(s.station.id);
    const p = await createVolunteer({ teamId: s.team.id });
    const inv = await gql(app, INVITE, { input: { teamId: gid("Team", other.id), expiresAt: new Date(clock.now().getTime() + 7 * DAY).toISOString(), maxUses: 5 } }, s.officer.token);
    const applied = await gql(app, APPLY, { input: { code: inv.data!.createTeamInvite.invite.code } }, p.token);
    expect(applied.data!.acceptTeamInvite).toMatchObject({ membership: { status: "PENDING" }, userErrors: [] });
    const leader = await createVolunteer({ teamId: other.id, teamRole: "LEADER" });
    return { s, other, p, leader, membershipId: applied.data!.acceptTeamInvite.membership.id as string };
  }

  it("ends them with it (LEFT, with the reason; told and audited): a leader's approval afterwards is refused and brings nobody back", async () => {
    const { s, other, p, leader, membershipId } = await applicant();
    expect((await setStatus(s, p.id, "LEFT")).data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
    expect(await membershipOf(other.id, p.id)).toEqual({ status: "LEFT", statusReason: "离开本所" });
    // In no station now: their ID number's retention counts from this leaving.
    expect(await leftAt(p.id)).toEqual(expect.any(Date));
    const notice = await prisma.notification.findFirstOrThrow({ where: { accountId: p.accountId, kind: "MEMBERSHIP_STATUS_CHANGED" } });
    expect(localize(notice.body!, "zh")).toContain("待审核的入队申请一并结束");
    const entry = await prisma.auditEntry.findFirstOrThrow({ where: { stationId: s.station.id, action: "volunteer.status", targetId: p.id } });
    expect(localize(entry.summary, "zh")).toContain("结束待审核的入队申请 1 个");

    const approved = await gql(app, APPROVE, { input: { membershipId } }, leader.token);
    expect(approved.data!.approveMembership.userErrors).toEqual([{ code: "CONFLICT", message: expect.any(String) }]);
    expect(await prisma.teamMembership.count({ where: { volunteerId: p.id, status: { not: "LEFT" } } })).toBe(0);
  });

  it("an approval queued behind the LEFT of the same moment finds the application ended", async () => {
    const { s, p, leader, membershipId } = await applicant();
    const lock = await holdRowLock("Volunteer", p.id);
    try {
      const leaving = setStatus(s, p.id, "LEFT");
      await lock.waiters(1);
      const approving = gql(app, APPROVE, { input: { membershipId } }, leader.token); // read it PENDING before its transaction
      await lock.waiters(2);
      await lock.release();
      const [l, a] = await Promise.all([leaving, approving]);
      expect(l.data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
      expect(a.data!.approveMembership.userErrors).toEqual([{ code: "CONFLICT", message: expect.any(String) }]);
    } finally {
      await lock.release();
    }
    expect(await prisma.teamMembership.count({ where: { volunteerId: p.id, status: { not: "LEFT" } } })).toBe(0);
  });

  it("a suspension leaves them waiting (an approval is refused while suspended), and so does a return to ACTIVE", async () => {
    const { s, other, p, leader, membershipId } = await applicant();
    expect((await setStatus(s, p.id, "SUSPENDED", "暂停")).data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
    expect(await membershipOf(other.id, p.id)).toMatchObject({ status: "PENDING" });
    expect((await setStatus(s, p.id, "ACTIVE", "恢复")).data!.setVolunteerStatus).toEqual({ changed: 1, userErrors: [] });
    expect(await membershipOf(other.id, p.id)).toMatchObject({ status: "PENDING" });
    expect((await gql(app, APPROVE, { input: { membershipId } }, leader.token)).data!.approveMembership).toEqual({ membership: { status: "ACTIVE" }, userErrors: [] });
  });
});

describe("a check-in while the shift is moved", () => {
  const UPDATE_SHIFT = `mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { shifts { startsAt } userErrors { code message } } }`;

  it("a check-in queued behind a move to later reads the new window under the shift's lock, and is refused", async () => {
    const s = await createStation();
    const p = await createVolunteer({ teamId: s.team.id });
    // Starts in 20 minutes: check-in is open (from 30 minutes before the start).
    const { shift } = await publishShift(app, s.officer.token, { teamId: teamGid(s.team.id), startsAt: inMinutes(20).toISOString(), endsAt: inMinutes(80).toISOString() });
    const claimed = await gql(app, CLAIM, { input: { shiftId: shift.id } }, p.token);
    expect(claimed.data!.claimShift).toMatchObject({ claim: { status: "CONFIRMED" }, userErrors: [] });
    const claimId = claimed.data!.claimShift.claim.id;
    const shiftRow = await prisma.shift.findFirstOrThrow({ where: { teamId: s.team.id } });

    const lock = await holdRowLock("Shift", shiftRow.id);
    try {
      // The move queues first, three hours later; the check-in read the old times before its transaction.
      const moving = gql(app, UPDATE_SHIFT, { input: { shiftId: shift.id, startsAt: inMinutes(180).toISOString(), endsAt: inMinutes(240).toISOString() } }, s.officer.token);
      await lock.waiters(1);
      const checking = gql(app, CHECK_IN, { input: { claimId, method: "QR", code: shift.postCode } }, p.token);
      await lock.waiters(2);
      await lock.release();
      const [moved, checked] = await Promise.all([moving, checking]);
      expect(moved.data!.updateShift.userErrors).toEqual([]);
      expect(checked.data!.checkIn.userErrors).toEqual([{ code: "CONFLICT", message: expect.stringContaining("开始前30分钟起可签到"), field: ["input", "claimId"] }]);
    } finally {
      await lock.release();
    }
    expect(await prisma.shiftClaim.findFirstOrThrow({ where: { shiftId: shiftRow.id }, select: { checkedInAt: true } })).toEqual({ checkedInAt: null });
    expect(await prisma.patrolEvent.count({ where: { shiftId: shiftRow.id, kind: "CHECKED_IN" } })).toBe(0);
    // In the new window it goes through.
    clock.advance(160 * 60_000);
    expect((await gql(app, CHECK_IN, { input: { claimId, method: "QR", code: shift.postCode } }, p.token)).data!.checkIn.userErrors).toEqual([]);
  });
});
