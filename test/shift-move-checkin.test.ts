// updateShift decides under the shift's lock whether its times may still move: not once it has started, and not
// once anyone has checked in (also in the 30 minutes before the start, checkInWindow), else their minutes would
// count against the new times. Races are ordered by a row lock held from outside, not by timing.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { holdRowLock } from "./support/locks.js";
import { createStation, createVolunteer, rawId } from "./support/fixtures.js";
import { CHECK_IN, CLAIM, inMinutes, publishShift, teamGid } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const UPDATE_SHIFT = `mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { shifts { id title startsAt endsAt } userErrors { code message field } } }`;
const HOUR = 3_600_000;
const CHINESE_FIRST = expect.stringMatching(/^[\u4e00-\u9fff]/);

/** A shift starting in 20 minutes (its check-in window open), a volunteer's confirmed claim on it. */
async function shiftInEarlyWindow() {
  const s = await createStation();
  const p = await createVolunteer({ teamId: s.team.id });
  const { shift } = await publishShift(app, s.officer.token, { teamId: teamGid(s.team.id), startsAt: inMinutes(20).toISOString(), endsAt: inMinutes(80).toISOString() });
  const claim = await gql(app, CLAIM, { input: { shiftId: shift.id } }, p.token);
  expect(claim.data!.claimShift.userErrors).toEqual([]);
  const row = await prisma.shift.findFirstOrThrow({ where: { teamId: s.team.id } });
  return { s, p, shift, row, claimId: claim.data!.claimShift.claim.id as string };
}

const later = (d: Date, ms: number) => new Date(d.getTime() + ms).toISOString();
const checkIn = (claimId: string, token: string) => gql(app, CHECK_IN, { input: { claimId, method: "GPS", latitude: 31.2, longitude: 121.4 } }, token);

/** Nothing of the refused move was written: times, notices, audit. */
async function unchanged(row: { id: string; startsAt: Date; endsAt: Date; title: string }, title = row.title) {
  expect(await prisma.shift.findUniqueOrThrow({ where: { id: row.id }, select: { startsAt: true, endsAt: true, title: true } })).toEqual({ startsAt: row.startsAt, endsAt: row.endsAt, title });
  expect(await prisma.notification.count({ where: { subjectId: row.id, kind: "SHIFT_CHANGED" } })).toBe(0);
}

describe("moving a shift someone checked in to early", () => {
  it("is refused (CONFLICT, Chinese first, on the time moved); nothing changes; other fields may still be edited", async () => {
    const { s, p, shift, row, claimId } = await shiftInEarlyWindow();
    const k = await checkIn(claimId, p.token);
    expect(k.data!.checkIn.userErrors).toEqual([]);
    expect(k.data!.checkIn.claim.checkedInAt).toBeTruthy();

    const both = await gql(app, UPDATE_SHIFT, { input: { shiftId: shift.id, startsAt: later(row.startsAt, HOUR), endsAt: later(row.endsAt, HOUR) } }, s.officer.token);
    expect(both.data!.updateShift.userErrors).toEqual([{ code: "CONFLICT", message: CHINESE_FIRST, field: ["input", "startsAt"] }]);
    const end = await gql(app, UPDATE_SHIFT, { input: { shiftId: shift.id, endsAt: later(row.endsAt, HOUR) } }, s.officer.token);
    expect(end.data!.updateShift.userErrors).toEqual([{ code: "CONFLICT", message: CHINESE_FIRST, field: ["input", "endsAt"] }]);
    await unchanged(row);
    expect(await prisma.auditEntry.count({ where: { action: "shift.update", targetId: row.id } })).toBe(0);

    // What the code allowed before stays: a shift not yet started takes a new title.
    const title = await gql(app, UPDATE_SHIFT, { input: { shiftId: shift.id, title: "改名的巡逻" } }, s.officer.token);
    expect(title.data!.updateShift.userErrors).toEqual([]);
    await unchanged(row, "改名的巡逻");
  });
});

describe("a move queued behind the shift's lock", () => {
  it("sees a check-in that got the lock first, and is refused; nothing changes", async () => {
    const { s, p, shift, row, claimId } = await shiftInEarlyWindow();
    const lock = await holdRowLock("Shift", row.id);
    try {
      const checking = checkIn(claimId, p.token);
      await lock.waiters(1);
      const moving = gql(app, UPDATE_SHIFT, { input: { shiftId: shift.id, startsAt: later(row.startsAt, HOUR), endsAt: later(row.endsAt, HOUR) } }, s.officer.token);
      await lock.waiters(2);
      await lock.release();
      const [k, m] = await Promise.all([checking, moving]);
      expect(k.data!.checkIn.userErrors).toEqual([]);
      expect(m.errors).toBeUndefined();
      expect(m.data!.updateShift.userErrors).toEqual([{ code: "CONFLICT", message: CHINESE_FIRST, field: ["input", "startsAt"] }]);
    } finally {
      await lock.release();
    }
    await unchanged(row);
    expect((await prisma.shiftClaim.findUniqueOrThrow({ where: { id: rawId(claimId) } })).checkedInAt).toBeTruthy();
  });

  it("is refused when the shift started while it waited", async () => {
    const { s, shift, row } = await shiftInEarlyWindow();
    const lock = await holdRowLock("Shift", row.id);
    try {
      const moving = gql(app, UPDATE_SHIFT, { input: { shiftId: shift.id, startsAt: later(row.startsAt, HOUR), endsAt: later(row.endsAt, HOUR) } }, s.officer.token);
      await lock.waiters(1);
      clock.advance(25 * 60_000); // the start passes while the move waits for the lock
      await lock.release();
      const m = await moving;
      expect(m.errors).toBeUndefined();
      expect(m.data!.updateShift.userErrors).toEqual([{ code: "CONFLICT", message: CHINESE_FIRST, field: ["input", "shiftId"] }]);
    } finally {
      await lock.release();
    }
    await unchanged(row);
  });
});
