// Claims of one shift that arrive together run as one batch (issue 20, the claim storm): exact seats,
// a FIFO waitlist in arrival order, and each claim still answered and refused on its own.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { loadViewer, type Viewer } from "../api/src/auth/viewer.js";
import { clock } from "../api/src/clock.js";
import { pool, prisma, sqlStats } from "../api/src/db.js";
import { UserFacingError } from "../api/src/graphql/errors.js";
import { localize } from "../api/src/i18n.js";
import { cancelShiftClaim, claimShift, claimStats, createShift, type ClaimResult } from "../api/src/modules/shift/shift.service.js";
import { gql, signIn, startApp } from "./support/client.js";
import { createStation, createVolunteers, DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";

let demo: Awaited<ReturnType<typeof seedDemoData>>;
let leader: Viewer;
let slot = 0;
let app: App;

beforeAll(async () => {
  demo = await seedDemoData();
  leader = (await loadViewer((await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.haolinsheLeader } })).id, null))!;
  app = await startApp();
});
afterAll(() => app?.stop());

const viewersOf = async (people: { accountId: string }[]) => Promise.all(people.map(async (p) => (await loadViewer(p.accountId, null))!));
const members = async (n: number, specialties?: ("MEDICAL_GUARD" | "COMMUNITY_GRID")[]) => viewersOf(await createVolunteers(n, { teamId: demo.haolinshe.id, specialties }));
/** A shift in a two-hour slot of its own, days ahead. */
async function shiftOf(capacity: number, extra: { requiredSpecialty?: "MEDICAL_GUARD"; at?: number } = {}) {
  const at = extra.at ?? clock.now().getTime() + (3 + slot++) * 24 * 3600_000;
  const { shifts } = await createShift(leader, { teamId: demo.haolinshe.id, kind: "PATROL", title: `batch ${slot}`, startsAt: new Date(at), endsAt: new Date(at + 2 * 3600_000), capacity, requiredSpecialty: extra.requiredSpecialty ?? null });
  return shifts[0]!;
}
/** Every claim started in the same tick, as a storm's requests reach the service; each one's own outcome. */
async function together(viewers: Viewer[], shiftId: string) {
  const before = { ...claimStats };
  const sql = sqlStats.statements;
  const outcomes = await Promise.all(viewers.map((v) => claimShift(v, { shiftId }).then((r): ClaimResult | UserFacingError => r, (e: unknown) => {
    if (e instanceof UserFacingError) return e;
    throw e;
  })));
  return { outcomes, batches: claimStats.batches - before.batches, statements: sqlStats.statements - sql };
}
const stored = (shiftId: string) => prisma.shiftClaim.findMany({ where: { shiftId }, orderBy: { waitlistSeq: "asc" } });

describe("claims batched per shift", () => {
  it("30 claims on a 10-seat shift in one batch: 10 seats and waitlist 1..20, both in arrival order", async () => {
    const people = await members(30);
    const shift = await shiftOf(10);
    const { outcomes, batches, statements } = await together(people, shift.id);
    expect(batches).toBe(1);
    const claims = outcomes.map((o) => (o as ClaimResult).claim);
    expect(claims.map((c) => c.status)).toEqual([...Array(10).fill("CONFIRMED"), ...Array(20).fill("WAITLISTED")]);
    expect(claims.map((c) => c.waitlistSeq)).toEqual([...Array(10).fill(null), ...Array.from({ length: 20 }, (_, i) => i + 1)]);
    expect(claims.map((c) => c.volunteerId)).toEqual(people.map((p) => p.volunteerId));
    const s = await prisma.shift.findUniqueOrThrow({ where: { id: shift.id } });
    expect(s).toMatchObject({ confirmedCount: 10, waitlistCount: 20, waitlistSeq: 20 });
    expect((await stored(shift.id)).length).toBe(30);

    // A second wave joins the waitlist after the first: 21..25.
    const late = await together(await members(5), shift.id);
    expect(late.outcomes.map((o) => (o as ClaimResult).claim.waitlistSeq)).toEqual([21, 22, 23, 24, 25]);
    // One statement per batch, for 30 claims as for 5; the first batch of a shift also reads its station
    // (for the viewers' check), once per process.
    expect([statements, late.statements]).toEqual([2, 1]);
  });

  it("refuses the ineligible of a batch one by one and seats the rest as if they were alone", async () => {
    const [busy, suspended, leftTeam, plain, ...ok] = await members(10);
    const medic = (await members(1, ["MEDICAL_GUARD"]))[0]!;
    const elsewhere = await createStation();
    const outsider = (await viewersOf(await createVolunteers(1, { teamId: elsewhere.team.id })))[0]!;
    const at = clock.now().getTime() + (3 + slot++) * 24 * 3600_000;
    const other = await shiftOf(5, { at: at + 3600_000 }); // overlaps the next one
    await claimShift(busy!, { shiftId: other.id });
    await prisma.volunteer.update({ where: { id: suspended!.volunteerId! }, data: { status: "SUSPENDED" } });
    await prisma.teamMembership.updateMany({ where: { volunteerId: leftTeam!.volunteerId!, teamId: demo.haolinshe.id }, data: { status: "LEFT" } });

    const shift = await shiftOf(3, { at });
    const order = [ok[0]!, busy!, ok[1]!, suspended!, outsider, ok[2]!, leftTeam!, ok[3]!, ok[4]!];
    const { outcomes, batches } = await together(order, shift.id);
    expect(batches).toBe(1);
    const codes = outcomes.map((o) => (o instanceof UserFacingError ? o.code : (o as ClaimResult).claim.status));
    expect(codes).toEqual(["CONFIRMED", "CONFLICT", "CONFIRMED", "FORBIDDEN", "NOT_FOUND", "CONFIRMED", "FORBIDDEN", "WAITLISTED", "WAITLISTED"]);
    expect(outcomes.filter((o) => !(o instanceof UserFacingError)).map((o) => (o as ClaimResult).claim.waitlistSeq)).toEqual([null, null, null, 1, 2]);
    expect((await stored(shift.id)).map((c) => c.volunteerId).sort()).toEqual([ok[0], ok[1], ok[2], ok[3], ok[4]].map((v) => v!.volunteerId).sort());

    // A specialty shift: the medic gets the seat, the plain member their own refusal.
    const special = await shiftOf(1, { requiredSpecialty: "MEDICAL_GUARD" });
    const mixed = await together([plain!, medic], special.id);
    expect(mixed.batches).toBe(1);
    expect((mixed.outcomes[0] as UserFacingError).code).toBe("FORBIDDEN");
    expect((mixed.outcomes[1] as ClaimResult).claim.status).toBe("CONFIRMED");
  });

  it("a batch is one statement (shift_claim_batch; 6 before), after the shift's station once per process; a missing shift is NOT_FOUND for each", async () => {
    const shift = await shiftOf(2);
    const { outcomes, statements } = await together(await members(4), shift.id);
    expect((outcomes as ClaimResult[]).map((o) => o.claim.status)).toEqual(["CONFIRMED", "CONFIRMED", "WAITLISTED", "WAITLISTED"]);
    expect(statements).toBe(2);
    const again = await together(await members(3), shift.id);
    expect((again.outcomes as ClaimResult[]).map((o) => o.claim.waitlistSeq)).toEqual([3, 4, 5]);
    expect(again.statements).toBe(1);
    const gone = await together(await members(3), "00000000-0000-7000-8000-000000000000");
    expect(gone.outcomes.map((o) => (o instanceof UserFacingError ? [o.code, o.field?.join(".")] : o))).toEqual(Array(3).fill(["NOT_FOUND", "input.shiftId"]));
  });

  it("claimShift over HTTP sends the viewer's statement and the batch's, no read of the shift for the claim's access check", async () => {
    const [person] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const shift = await shiftOf(2);
    const before = sqlStats.statements;
    const res = await gql(
      app,
      `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { claim { status } shift { id } userErrors { code } } }`,
      { input: { shiftId: Buffer.from(`Shift:${shift.id}`).toString("base64") } },
      person!.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data?.claimShift).toEqual({ claim: { status: "CONFIRMED" }, shift: { id: Buffer.from(`Shift:${shift.id}`).toString("base64") }, userErrors: [] });
    // The viewer, the shift's station (first claim of the shift in this process) and the batch: the claim
    // comes with the shift the batch read under its lock.
    expect(sqlStats.statements - before).toBe(3);
  });

  it("over HTTP at once (members, a leader and an officer assigning, another station's volunteer and officer): each payload's claim and shift are what its caller reads of that claim afterwards", async () => {
    const [a, b, c, d, e] = await createVolunteers(5, { teamId: demo.haolinshe.id });
    const elsewhere = await createStation();
    const [outsider] = await createVolunteers(1, { teamId: elsewhere.team.id });
    const [leaderToken, officerToken, otherOfficer] = await Promise.all([DEMO_PHONES.haolinsheLeader, DEMO_PHONES.fushanOfficer, DEMO_PHONES.changqingOfficer].map((p) => signIn(app, p)));
    const shift = await shiftOf(2);
    const F = `id status waitlistPosition assignedByLeader volunteer { id displayName phone } shift { id title status postCode }`;
    const CLAIM = `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { claim { ${F} } shift { id postCode } userErrors { code } } }`;
    const ASSIGN = `mutation ($input: AssignShiftInput!) { assignShift(input: $input) { claim { ${F} } shift { id postCode } userErrors { code } } }`;
    const shiftId = gid("Shift", shift.id);
    const calls: { token: string; volunteerId: string | null; assign?: string }[] = [
      ...[a, b, c, outsider].map((p) => ({ token: p!.token, volunteerId: p!.id })),
      { token: leaderToken!, volunteerId: d!.id, assign: d!.id },
      { token: officerToken!, volunteerId: e!.id, assign: e!.id },
      { token: otherOfficer!, volunteerId: null, assign: a!.id },
    ];
    const answers = await Promise.all(
      calls.map(async (call) => {
        const r = call.assign ? await gql(app, ASSIGN, { input: { shiftId, volunteerId: gid("Volunteer", call.assign) } }, call.token) : await gql(app, CLAIM, { input: { shiftId } }, call.token);
        expect(r.errors).toBeUndefined();
        return (call.assign ? r.data!.assignShift : r.data!.claimShift) as { claim: any; shift: any; userErrors: { code: string }[] };
      }),
    );
    // Another station's volunteer and officer: the shift does not exist for them.
    for (const refused of [answers[3]!, answers[6]!]) expect(refused).toEqual({ claim: null, shift: null, userErrors: [{ code: "NOT_FOUND" }] });
    const statuses = [];
    for (const [i, answer] of answers.entries()) {
      if (i === 3 || i === 6) continue;
      expect(answer.userErrors).toEqual([]);
      expect(answer.claim.volunteer.id).toBe(gid("Volunteer", calls[i]!.volunteerId!));
      const read = await gql(app, `query ($id: ID!) { node(id: $id) { ... on ShiftClaim { ${F} } } }`, { id: answer.claim.id }, calls[i]!.token);
      expect(answer.claim).toEqual(read.data!.node);
      expect(answer.shift).toEqual({ id: shiftId, postCode: answer.claim.shift.postCode });
      statuses.push(answer.claim.status);
    }
    // The post code only for who runs the shift; the others' claims stay theirs.
    expect(answers.map((x) => x.claim?.shift.postCode ?? null).map((p) => p !== null)).toEqual([false, false, false, false, true, true, false]);
    expect(statuses.sort()).toEqual(["CONFIRMED", "CONFIRMED", "WAITLISTED", "WAITLISTED", "WAITLISTED"]);
    for (const [i, call] of calls.entries()) {
      if (i === 3 || i === 6) continue;
      for (const other of answers) if (other !== answers[i] && other.claim) expect((await gql(app, `query ($id: ID!) { node(id: $id) { id } }`, { id: other.claim.id }, call.token)).data!.node === null).toBe(!call.assign && other.claim.volunteer.id !== gid("Volunteer", call.volunteerId!));
    }
  });

  it("answers a volunteer's two claims in one batch with one claim", async () => {
    const [a, b] = await members(2);
    const shift = await shiftOf(1);
    const { outcomes, batches } = await together([a!, b!, a!], shift.id);
    expect(batches).toBe(1); // not rolled back and run again one by one
    const [first, , again] = outcomes as ClaimResult[];
    expect(again!.claim.id).toBe(first!.claim.id);
    expect((outcomes[1] as ClaimResult).claim.waitlistSeq).toBe(1);
    expect(await prisma.shiftClaim.count({ where: { shiftId: shift.id } })).toBe(2);
  });

  it("a claim that fails inside the batch's transaction does not roll back the others", async () => {
    const people = await members(6);
    const shift = await shiftOf(2);
    const doomed = people[1]!.volunteerId!;
    // A trigger that breaks this one volunteer's row: the batch rolls back, then each claim runs alone.
    await prisma.$executeRawUnsafe(`CREATE FUNCTION doom_claim() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
      IF NEW."volunteerId" = '${doomed}' THEN RAISE EXCEPTION 'doomed'; END IF; RETURN NEW; END $$`);
    await prisma.$executeRawUnsafe(`CREATE TRIGGER doom_claim BEFORE INSERT ON "ShiftClaim" FOR EACH ROW EXECUTE FUNCTION doom_claim()`);
    try {
      const settled = await Promise.allSettled(people.map((v) => claimShift(v, { shiftId: shift.id })));
      expect(settled.map((s) => s.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled", "fulfilled", "fulfilled"]);
      const ok = settled.filter((s) => s.status === "fulfilled").map((s) => (s as PromiseFulfilledResult<ClaimResult>).value.claim);
      expect(ok.map((c) => c.status)).toEqual(["CONFIRMED", "CONFIRMED", "WAITLISTED", "WAITLISTED", "WAITLISTED"]);
      expect(ok.map((c) => c.waitlistSeq)).toEqual([null, null, 1, 2, 3]);
      expect(await prisma.shift.findUniqueOrThrow({ where: { id: shift.id } })).toMatchObject({ confirmedCount: 2, waitlistCount: 3 });
    } finally {
      await prisma.$executeRawUnsafe(`DROP TRIGGER doom_claim ON "ShiftClaim"`);
      await prisma.$executeRawUnsafe(`DROP FUNCTION doom_claim()`);
    }
  });

  it("a shift cancelled or moved while its batch waits for the shift's lock: the batch fails as a whole and each claim gets its own answer alone (a lone one too)", async () => {
    for (const [change, n] of [["cancel", 3], ["move", 3], ["cancel", 1]] as const) {
      const people = await members(n);
      const shift = await shiftOf(2);
      // Hold the shift's row lock, so the batch has read the facts and waits to take the seats.
      const holder = await pool.connect();
      try {
        await holder.query("BEGIN");
        await holder.query(`SELECT id FROM "Shift" WHERE id = $1 FOR UPDATE`, [shift.id]);
        const before = { ...claimStats };
        const pending = together(people, shift.id);
        // (Asked on another connection: within a transaction pg_stat_activity stays as it first read it.)
        while (!(await pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%shift_claim_batch%'`)).rowCount) await new Promise((r) => setTimeout(r, 20));
        if (change === "cancel") await holder.query(`UPDATE "Shift" SET status = 'CANCELLED' WHERE id = $1`, [shift.id]);
        else await holder.query(`UPDATE "Shift" SET "startsAt" = "startsAt" + interval '1 hour', "endsAt" = "endsAt" + interval '1 hour' WHERE id = $1`, [shift.id]);
        await holder.query("COMMIT");
        const { outcomes } = await pending;
        expect(claimStats.batches - before.batches).toBe(n > 1 ? 1 + n : 1); // the batch, then each claim alone
        if (change === "cancel") {
          expect(outcomes.map((o) => (o instanceof UserFacingError ? [o.code, localize(o.message, "zh")] : o))).toEqual(Array(n).fill(["CONFLICT", "班次未开放"]));
          expect(await prisma.shift.findUniqueOrThrow({ where: { id: shift.id } })).toMatchObject({ confirmedCount: 0, waitlistCount: 0 });
        } else {
          expect((outcomes as ClaimResult[]).map((o) => [o.claim.status, o.shift.startsAt.getTime()])).toEqual(
            ["CONFIRMED", "CONFIRMED", "WAITLISTED"].map((st) => [st, shift.startsAt.getTime() + 3600_000]),
          );
        }
      } finally {
        await holder.query("ROLLBACK").catch(() => {});
        holder.release();
      }
    }
  });

  it("cancels during a storm promote the waitlist first come, first served", async () => {
    const first = await members(8);
    const shift = await shiftOf(4);
    const seated = (await together(first, shift.id)).outcomes.map((o) => (o as ClaimResult).claim);
    // Three of the seated leave while twelve more claim.
    const leaving = seated.slice(0, 3);
    const storm = await members(12);
    await Promise.all([
      ...leaving.map((c) => cancelShiftClaim(first.find((v) => v.volunteerId === c.volunteerId)!, { claimId: c.id })),
      together(storm, shift.id),
    ]);
    const rows = await stored(shift.id);
    const confirmed = rows.filter((r) => r.status === "CONFIRMED");
    const waiting = rows.filter((r) => r.status === "WAITLISTED");
    expect(confirmed).toHaveLength(4);
    const s = await prisma.shift.findUniqueOrThrow({ where: { id: shift.id } });
    expect(s).toMatchObject({ confirmedCount: 4, waitlistCount: waiting.length });
    // The promoted hold the lowest waitlist numbers, and the waitlist is 1..n without gaps of its own.
    const promoted = confirmed.filter((r) => r.waitlistSeq !== null).map((r) => r.waitlistSeq!);
    if (waiting.length) for (const p of promoted) expect(p).toBeLessThan(waiting[0]!.waitlistSeq!);
    expect([...promoted, ...waiting.map((w) => w.waitlistSeq!)].sort((a, b) => a - b)).toEqual(Array.from({ length: s.waitlistSeq }, (_, i) => i + 1));
  });
});
