// releaseFutureSeats attacked from outside: a claim by the same person that lands while they are
// removed from the team, suspended at the station or closing their account. The claim locks the
// volunteer, reads their membership, then waits for the shift; the leaving must not pass it by.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { hashPassword } from "../api/src/auth/passwords.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createStation, createVolunteer, gid, rawId } from "./support/fixtures.js";
import { holdRowLock } from "./support/locks.js";
import { CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const REMOVE_TEAM = `mutation ($input: RemoveTeamMemberInput!) { removeTeamMember(input: $input) { team { name } userErrors { code } } }`;
const SET_STATUS = `mutation ($input: SetVolunteerStatusInput!) { setVolunteerStatus(input: $input) { changed userErrors { code } } }`;
const CLOSE = `mutation ($input: CloseMyAccountInput!) { closeMyAccount(input: $input) { ok userErrors { code } } }`;
const PASSWORD = "close-me-2026";

/**
 * The person claims while the shift's row is held from outside: the claim has locked the volunteer and
 * read their facts, and waits for the shift. Then `leave` runs; it either finishes or queues behind the
 * claim. The shift goes free and both finish: the person holds no seat afterwards, and the counters agree.
 */
async function claimDuringLeaving(leave: (ctx: { station: { id: string }; team: { id: string }; officer: string; person: Awaited<ReturnType<typeof createVolunteer>> }) => Promise<unknown>) {
  const { station, officer, team } = await createStation();
  const person = await createVolunteer({ teamId: team.id });
  await prisma.account.update({ where: { id: person.accountId }, data: { passwordHash: await hashPassword(PASSWORD) } });
  const shiftId = rawId((await publishShift(app, officer.token, { teamId: teamGid(team.id), startsAt: inMinutes(600), endsAt: inMinutes(660), capacity: 2 })).shift.id);
  const lock = await holdRowLock("Shift", shiftId);
  const claim = gql(app, CLAIM, { input: { shiftId: gid("Shift", shiftId) } }, person.token);
  await lock.waiters(1);
  let done = false;
  const leaving = leave({ station, team, officer: officer.token, person }).finally(() => (done = true));
  // Either the leaving finishes past the waiting claim, or it queues behind it (a second waiter).
  await Promise.race([leaving, (async () => { while (!done) { try { await lock.waiters(2); return; } catch { /* keep waiting */ } } })()]);
  await lock.release();
  await Promise.all([claim, leaving]);
  const held = await prisma.shiftClaim.findMany({ where: { shiftId, volunteerId: person.id, status: { in: ["CONFIRMED", "WAITLISTED"] } } });
  const shift = await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } });
  const confirmed = await prisma.shiftClaim.count({ where: { shiftId, status: "CONFIRMED" } });
  return { held, shift, confirmed };
}

describe("a claim landing while the person leaves", () => {
  it("removal from the team: no seat is left on the team's shift", async () => {
    const { held, shift, confirmed } = await claimDuringLeaving(async ({ team, officer, person }) => {
      const res = await gql(app, REMOVE_TEAM, { input: { teamId: teamGid(team.id), volunteerId: gid("Volunteer", person.id) } }, officer);
      expect(res.data!.removeTeamMember.userErrors).toEqual([]);
    });
    expect(held).toEqual([]);
    expect(shift.confirmedCount).toBe(confirmed);
  });

  it("suspension at the station: no seat is left on the station's shift", async () => {
    const { held, shift, confirmed } = await claimDuringLeaving(async ({ station, officer, person }) => {
      const res = await gql(app, SET_STATUS, { input: { stationId: gid("Station", station.id), volunteerIds: [gid("Volunteer", person.id)], status: "SUSPENDED", reason: "测试" } }, officer);
      expect(res.data!.setVolunteerStatus.userErrors).toEqual([]);
    });
    expect(held).toEqual([]);
    expect(shift.confirmedCount).toBe(confirmed);
  });

  it("closing the account: no seat is left", async () => {
    const { held, shift, confirmed } = await claimDuringLeaving(async ({ person }) => {
      const res = await gql(app, CLOSE, { input: { password: PASSWORD } }, person.token);
      expect(res.data!.closeMyAccount).toEqual({ ok: true, userErrors: [] });
    });
    expect(held).toEqual([]);
    expect(shift.confirmedCount).toBe(confirmed);
  });
});

describe("suspending several people at once", () => {
  const suspend = (officer: string, stationId: string, ids: string[]) =>
    gql(app, SET_STATUS, { input: { stationId: gid("Station", stationId), volunteerIds: ids.map((id) => gid("Volunteer", id)), status: "SUSPENDED", reason: "测试" } }, officer);

  it("a person suspended in the same list is not promoted on the way out; the next one waiting is, in claim order", async () => {
    const { station, officer, team } = await createStation();
    const [seated, waiting, next, last] = [await createVolunteer({ teamId: team.id }), await createVolunteer({ teamId: team.id }), await createVolunteer({ teamId: team.id }), await createVolunteer({ teamId: team.id })];
    const shiftId = rawId((await publishShift(app, officer.token, { teamId: teamGid(team.id), startsAt: inMinutes(600), endsAt: inMinutes(660), capacity: 1 })).shift.id);
    for (const p of [seated, waiting, next, last]) expect((await gql(app, CLAIM, { input: { shiftId: gid("Shift", shiftId) } }, p.token)).data!.claimShift.userErrors).toEqual([]);
    // The seated person first in the list: their seat goes while `waiting` still waits.
    expect((await suspend(officer.token, station.id, [seated.id, waiting.id])).data!.setVolunteerStatus.userErrors).toEqual([]);
    const claims = await prisma.shiftClaim.findMany({ where: { shiftId }, select: { volunteerId: true, status: true } });
    const status = new Map(claims.map((c) => [c.volunteerId, c.status]));
    expect([status.get(seated.id), status.get(waiting.id), status.get(next.id), status.get(last.id)]).toEqual(["CANCELLED", "CANCELLED", "CONFIRMED", "WAITLISTED"]);
    const shift = await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } });
    expect(shift).toMatchObject({ confirmedCount: 1, waitlistCount: 1 });
    const notices = await prisma.notification.findMany({ where: { subjectId: shiftId }, select: { accountId: true, kind: true } });
    const of = (p: { accountId: string }) => notices.filter((n) => n.accountId === p.accountId).map((n) => n.kind).sort();
    expect(of(seated)).toEqual(["SHIFT_REMOVED"]);
    expect(of(waiting)).toEqual(["SHIFT_REMOVED"]); // told they were taken off, never that their place is kept
    expect(of(next)).toEqual(["WAITLIST_PROMOTED"]);
    expect(of(last)).toEqual([]);
  });

  it("100 people on the same 5 shifts: the statements grow with the shifts, not with every seat", async () => {
    const { sqlStats } = await import("../api/src/db.js");
    const { station, officer, team } = await createStation();
    const { createVolunteers } = await import("./support/fixtures.js");
    const people = await createVolunteers(100, { teamId: team.id });
    const shifts: string[] = [];
    for (let i = 0; i < 5; i++) shifts.push(rawId((await publishShift(app, officer.token, { teamId: teamGid(team.id), startsAt: inMinutes(600 + 90 * i), endsAt: inMinutes(660 + 90 * i), capacity: 100 })).shift.id));
    const now = new Date();
    await prisma.shiftClaim.createMany({ data: shifts.flatMap((shiftId) => people.map((p) => ({ shiftId, volunteerId: p.id, status: "CONFIRMED" as const, claimedAt: now, confirmedAt: now }))) });
    await prisma.shift.updateMany({ where: { id: { in: shifts } }, data: { confirmedCount: 100 } });
    const before = sqlStats.statements;
    expect((await suspend(officer.token, station.id, people.map((p) => p.id))).data!.setVolunteerStatus.userErrors).toEqual([]);
    const statements = sqlStats.statements - before;
    console.log(`suspending 100 people on 5 shifts (500 seats): ${statements} statements`);
    expect(await prisma.shiftClaim.count({ where: { shiftId: { in: shifts }, status: "CONFIRMED" } })).toBe(0);
    expect(await prisma.shift.count({ where: { id: { in: shifts }, confirmedCount: 0, waitlistCount: 0 } })).toBe(5);
    expect(await prisma.notification.count({ where: { subjectId: { in: shifts }, kind: "SHIFT_REMOVED" } })).toBe(500);
    expect(statements).toBeLessThan(400);
  });
});

describe("two officers at once", () => {
  it("one suspends a list while another removes one of them from the team: seats, counters, notices and audit come out once", async () => {
    const { station, officer, team } = await createStation();
    const { createAccount } = await import("./support/fixtures.js");
    const second = await createAccount({ role: "OFFICER", stationId: station.id });
    const people = [await createVolunteer({ teamId: team.id }), await createVolunteer({ teamId: team.id }), await createVolunteer({ teamId: team.id }), await createVolunteer({ teamId: team.id })];
    const [v, w, x, y] = people as [typeof people[0], typeof people[0], typeof people[0], typeof people[0]];
    const shiftIds: string[] = [];
    for (let i = 0; i < 2; i++) {
      const id = rawId((await publishShift(app, officer.token, { teamId: teamGid(team.id), startsAt: inMinutes(600 + 90 * i), endsAt: inMinutes(660 + 90 * i), capacity: 1 })).shift.id);
      for (const p of [v, w, x, y]) expect((await gql(app, CLAIM, { input: { shiftId: gid("Shift", id) } }, p.token)).data!.claimShift.userErrors).toEqual([]);
      shiftIds.push(id);
    }
    const lock = await holdRowLock("Volunteer", v.id);
    const suspending = gql(app, SET_STATUS, { input: { stationId: gid("Station", station.id), volunteerIds: [w.id, v.id].map((id) => gid("Volunteer", id)), status: "SUSPENDED", reason: "测试" } }, officer.token);
    const removing = gql(app, REMOVE_TEAM, { input: { teamId: teamGid(team.id), volunteerId: gid("Volunteer", v.id) } }, second.token);
    await lock.waiters(2);
    await lock.release();
    const [s, r] = await Promise.all([suspending, removing]);
    expect(s.errors).toBeUndefined();
    expect(r.errors).toBeUndefined();
    expect(s.data!.setVolunteerStatus.userErrors).toEqual([]);
    expect(r.data!.removeTeamMember.userErrors).toEqual([]);
    for (const shiftId of shiftIds) {
      const claims = await prisma.shiftClaim.findMany({ where: { shiftId }, select: { volunteerId: true, status: true } });
      const status = new Map(claims.map((c) => [c.volunteerId, c.status]));
      expect([status.get(v.id), status.get(w.id), status.get(x.id), status.get(y.id)]).toEqual(["CANCELLED", "CANCELLED", "CONFIRMED", "WAITLISTED"]);
      expect(await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } })).toMatchObject({ confirmedCount: 1, waitlistCount: 1 });
      const notices = await prisma.notification.findMany({ where: { subjectId: shiftId }, select: { accountId: true, kind: true } });
      const of = (p: { accountId: string }) => notices.filter((n) => n.accountId === p.accountId).map((n) => n.kind);
      expect(of(v)).toEqual(["SHIFT_REMOVED"]);
      expect(of(x)).toEqual(["WAITLIST_PROMOTED"]);
      expect(of(y)).toEqual([]);
      expect(of(w).filter((k) => k === "SHIFT_REMOVED")).toEqual(["SHIFT_REMOVED"]);
    }
    expect(await prisma.auditEntry.count({ where: { action: "team.removeMember", stationId: station.id } })).toBe(1);
    const statusAudits = await prisma.auditEntry.findMany({ where: { action: "volunteer.status", stationId: station.id }, select: { targetId: true } });
    expect(statusAudits.map((a) => a.targetId).sort()).toEqual([v.id, w.id].sort().filter((id) => statusAudits.some((a) => a.targetId === id)));
    expect(new Set(statusAudits.map((a) => a.targetId)).size).toBe(statusAudits.length);
  });
});

describe("a check-in at the same moment as the removal", () => {
  it("the claim is either checked in and kept, or cancelled and not checked in; the counters agree", async () => {
    const { CHECK_IN } = await import("./support/shifts.js");
    const { station, officer, team } = await createStation();
    const [person, waiting] = [await createVolunteer({ teamId: team.id }), await createVolunteer({ teamId: team.id })];
    const shiftId = rawId((await publishShift(app, officer.token, { teamId: teamGid(team.id), startsAt: inMinutes(20), endsAt: inMinutes(80), capacity: 1 })).shift.id);
    const claimId = rawId((await gql(app, CLAIM, { input: { shiftId: gid("Shift", shiftId) } }, person.token)).data!.claimShift.claim.id);
    await gql(app, CLAIM, { input: { shiftId: gid("Shift", shiftId) } }, waiting.token);
    const lock = await holdRowLock("Shift", shiftId);
    const checking = gql(app, CHECK_IN, { input: { claimId: gid("ShiftClaim", claimId), method: "LEADER" } }, officer.token);
    const removing = gql(app, REMOVE_TEAM, { input: { teamId: teamGid(team.id), volunteerId: gid("Volunteer", person.id) } }, officer.token);
    await lock.waiters(2);
    await lock.release();
    const [c, r] = await Promise.all([checking, removing]);
    expect(c.errors).toBeUndefined();
    expect(r.data!.removeTeamMember.userErrors).toEqual([]);
    const claim = await prisma.shiftClaim.findUniqueOrThrow({ where: { id: claimId } });
    const kept = claim.status === "CONFIRMED" && claim.checkedInAt !== null;
    const released = claim.status === "CANCELLED" && claim.checkedInAt === null;
    expect(kept || released).toBe(true);
    const shift = await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } });
    expect(shift.confirmedCount).toBe(await prisma.shiftClaim.count({ where: { shiftId, status: "CONFIRMED" } }));
    expect(shift.waitlistCount).toBe(await prisma.shiftClaim.count({ where: { shiftId, status: "WAITLISTED" } }));
    void station;
  });
});
