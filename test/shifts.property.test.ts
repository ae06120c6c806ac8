// Random interleavings of claim / cancel / check-in, run partly concurrently, keep the seat invariants.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { loadViewer, type Viewer } from "../api/src/auth/viewer.js";
import { prisma } from "../api/src/db.js";
import { UserFacingError } from "../api/src/graphql/errors.js";
import { checkIn } from "../api/src/modules/shift/checkin.service.js";
import { cancelShiftClaim, claimShift, createShift } from "../api/src/modules/shift/shift.service.js";
import { DEMO_PHONES, seedDemoData } from "./support/fixtures.js";

const PEOPLE = 8;
const RUNS = 20;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let leader: Viewer;
const viewers: Viewer[] = [];

beforeAll(async () => {
  demo = await seedDemoData();
  leader = (await loadViewer((await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.haolinsheLeader } })).id, null))!;
  const accounts = await prisma.account.findMany({
    where: { phone: { in: Array.from({ length: PEOPLE * RUNS }, (_, i) => String(13800000101 + i)) } },
    orderBy: { phone: "asc" },
  });
  for (const a of accounts) viewers.push((await loadViewer(a.id, null))!);
});

/** Expected refusals are fine; anything else is a bug. */
async function tolerate(p: Promise<unknown>) {
  try {
    await p;
  } catch (e) {
    if (!(e instanceof UserFacingError)) throw e;
  }
}

type Op = { op: "claim" | "cancel" | "checkIn"; who: number };

describe("claim / cancel / check-in interleavings", () => {
  it("keep counts equal to the claims, within capacity, with a FIFO waitlist and single check-in events", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.array(fc.record({ op: fc.constantFrom("claim", "cancel", "checkIn"), who: fc.nat(PEOPLE - 1) }), { minLength: 1, maxLength: 4 }), {
          minLength: 3,
          maxLength: 12,
        }),
        async (capacity, batches: Op[][]) => {
          const people = viewers.slice((run % RUNS) * PEOPLE, (run % RUNS) * PEOPLE + PEOPLE);
          run++;
          const { shifts } = await createShift(leader, {
            teamId: demo.haolinshe.id,
            kind: "PATROL",
            title: `property ${run}`,
            startsAt: new Date(Date.now() + 20 * 60_000),
            endsAt: new Date(Date.now() + 80 * 60_000),
            capacity,
          });
          const shift = shifts[0]!;
          for (const batch of batches) {
            await Promise.all(
              batch.map(async ({ op, who }) => {
                const v = people[who]!;
                if (op === "claim") return tolerate(claimShift(v, { shiftId: shift.id }));
                const mine = await prisma.shiftClaim.findUnique({ where: { shiftId_volunteerId: { shiftId: shift.id, volunteerId: v.volunteerId! } } });
                if (!mine) return;
                if (op === "cancel") return tolerate(cancelShiftClaim(v, { claimId: mine.id }));
                return tolerate(checkIn(v, { claimId: mine.id, method: "GPS", latitude: 30.0, longitude: 120.58 }));
              }),
            );
          }
          const s = await prisma.shift.findUniqueOrThrow({ where: { id: shift.id } });
          const claims = await prisma.shiftClaim.findMany({ where: { shiftId: shift.id } });
          const confirmed = claims.filter((c) => c.status === "CONFIRMED");
          const waiting = claims.filter((c) => c.status === "WAITLISTED").sort((a, b) => a.waitlistSeq! - b.waitlistSeq!);
          expect(s.confirmedCount).toBe(confirmed.length);
          expect(s.waitlistCount).toBe(waiting.length);
          expect(confirmed.length).toBeLessThanOrEqual(capacity);
          // Nobody waits while a seat is free.
          if (confirmed.length < capacity) expect(waiting).toHaveLength(0);
          // The waitlist is in claim order.
          for (let i = 1; i < waiting.length; i++) expect(waiting[i]!.claimedAt >= waiting[i - 1]!.claimedAt).toBe(true);
          // One claim per person, check-ins only on confirmed claims, one event per check-in.
          expect(new Set(claims.map((c) => c.volunteerId)).size).toBe(claims.length);
          for (const c of claims.filter((c) => c.checkedInAt)) expect(c.status).toBe("CONFIRMED");
          const events = await prisma.patrolEvent.groupBy({ by: ["claimId"], where: { shiftId: shift.id, kind: "CHECKED_IN" }, _count: true });
          for (const e of events) expect(e._count).toBe(1);
          expect(events.length).toBe(claims.filter((c) => c.checkedInAt).length);
        },
      ),
      // FC_SEED=<seed from a failure report> replays that run.
      { numRuns: RUNS, ...(process.env.FC_SEED ? { seed: Number(process.env.FC_SEED) } : {}) },
    );
  });
});
