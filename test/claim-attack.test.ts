// Claims over HTTP as an outsider would try them, against the one-statement batch (shift_claim_batch):
// mixed callers in one batch, odd ids, races with cancel. Each caller gets their own answer, the counts
// stay equal to the claim rows and the waitlist stays first come, first served.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { loadViewer, type Viewer } from "../api/src/auth/viewer.js";
import { clock } from "../api/src/clock.js";
import { pool, prisma } from "../api/src/db.js";
import { claimStats, createShift } from "../api/src/modules/shift/shift.service.js";
import { gql, signIn, startApp } from "./support/client.js";
import { createSquad, createStation, createTeam, createVolunteers, DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let leader: Viewer;
let leaderToken: string;
let slot = 0;

beforeAll(async () => {
  demo = await seedDemoData();
  leader = (await loadViewer((await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.haolinsheLeader } })).id, null))!;
  app = await startApp();
  leaderToken = await signIn(app, DEMO_PHONES.haolinsheLeader);
});
afterAll(() => app?.stop());

const C = `id status waitlistPosition claimedAt confirmedAt cancelledAt checkedInAt volunteer { id } shift { id startsAt endsAt }`;
const F = `claim { ${C} } shift { id seatsTaken waitlistLength startsAt endsAt } userErrors { code message field }`;
const CLAIM = `mutation ($input: ClaimShiftInput!) { claimShift(input: $input) { ${F} } }`;
const ASSIGN = `mutation ($input: AssignShiftInput!) { assignShift(input: $input) { ${F} } }`;
const CANCEL = `mutation ($input: CancelShiftClaimInput!) { cancelShiftClaim(input: $input) { claim { id status } userErrors { code } } }`;
type Payload = { claim: { id: string; status: string; waitlistPosition: number | null; claimedAt: string; volunteer: { id: string }; shift: { startsAt: string } } | null; shift: { startsAt: string; endsAt: string } | null; userErrors: { code: string; message: string; field: string[] | null }[] };

const claim = async (token: string, shiftGid: string): Promise<Payload> => {
  const r = await gql(app, CLAIM, { input: { shiftId: shiftGid } }, token);
  expect(r.errors).toBeUndefined();
  return r.data!.claimShift;
};
const assign = async (token: string, shiftGid: string, volunteerGid: string): Promise<Payload> => {
  const r = await gql(app, ASSIGN, { input: { shiftId: shiftGid, volunteerId: volunteerGid } }, token);
  expect(r.errors).toBeUndefined();
  return r.data!.assignShift;
};
async function shiftOf(capacity: number, extra: { requiredSpecialty?: "MEDICAL_GUARD"; at?: number; squadId?: string } = {}) {
  const at = extra.at ?? clock.now().getTime() + (40 + slot++) * 24 * 3600_000;
  const { shifts } = await createShift(leader, {
    teamId: demo.haolinshe.id, kind: "PATROL", title: `attack ${slot}`, startsAt: new Date(at), endsAt: new Date(at + 2 * 3600_000), capacity,
    requiredSpecialty: extra.requiredSpecialty ?? null, squadId: extra.squadId ?? null,
  });
  return shifts[0]!;
}
/** The shift's counts equal its claim rows, and the waitlist numbers are unique (1..waitlistSeq without cancels). */
async function consistent(shiftId: string, gapless = true) {
  const s = await prisma.shift.findUniqueOrThrow({ where: { id: shiftId } });
  const rows = await prisma.shiftClaim.findMany({ where: { shiftId } });
  expect(s.confirmedCount).toBe(rows.filter((r) => r.status === "CONFIRMED").length);
  expect(s.waitlistCount).toBe(rows.filter((r) => r.status === "WAITLISTED").length);
  expect(new Set(rows.map((r) => r.volunteerId)).size).toBe(rows.length);
  const seqs = rows.filter((r) => r.waitlistSeq !== null && r.status !== "CANCELLED").map((r) => r.waitlistSeq!).sort((a, b) => a - b);
  expect(new Set(seqs).size).toBe(seqs.length);
  expect(Math.max(0, ...seqs)).toBeLessThanOrEqual(s.waitlistSeq);
  // Without cancels the numbers are 1..n; a cancelled waitlist place leaves its number unused.
  if (gapless) expect(seqs).toEqual(Array.from({ length: s.waitlistSeq }, (_, i) => i + 1));
  return { s, rows };
}
const upper = (type: string, id: string) => gid(type, id.toUpperCase());

describe("claims an outsider tries", () => {
  it("one batch of every kind of caller at once: each gets their own Chinese answer, nothing written for the refused", async () => {
    const squad = await createSquad(demo.haolinshe.id);
    const at = clock.now().getTime() + (40 + slot++) * 24 * 3600_000;
    const [ok1, ok2, ok3, suspended, busy, noSquad, ok0] = await createVolunteers(7, { teamId: demo.haolinshe.id });
    await prisma.squadMembership.createMany({ data: [ok1, ok2, ok3, suspended, busy, ok0].map((p) => ({ squadId: squad.id, volunteerId: p!.id, role: "MEMBER" as const })) });
    const otherTeam = await createTeam(demo.fushan.id);
    const [stranger] = await createVolunteers(1, { teamId: otherTeam.id });
    const elsewhere = await createStation();
    const [outsider] = await createVolunteers(1, { teamId: elsewhere.team.id });
    const otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
    await prisma.volunteer.update({ where: { id: suspended!.id }, data: { status: "SUSPENDED" } });
    const clashing = await shiftOf(5, { at: at + 3600_000 });
    expect((await claim(busy!.token, gid("Shift", clashing.id))).claim?.status).toBe("CONFIRMED");

    const shift = await shiftOf(3, { at, squadId: squad.id });
    const sg = gid("Shift", shift.id);
    const calls: (() => Promise<Payload>)[] = [
      () => claim(ok1!.token, sg),
      () => claim(outsider!.token, sg),
      () => assign(otherOfficer, sg, gid("Volunteer", ok3!.id)),
      () => claim(suspended!.token, sg),
      () => claim(busy!.token, sg),
      () => claim(noSquad!.token, sg),
      () => claim(stranger!.token, sg),
      () => claim(ok2!.token, sg),
      () => assign(leaderToken, sg, gid("Volunteer", stranger!.id)),
      () => claim(ok3!.token, sg),
      () => claim(ok1!.token, sg),
      () => assign(leaderToken, sg, gid("Volunteer", suspended!.id)),
      () => assign(leaderToken, sg, gid("Volunteer", noSquad!.id)),
      () => assign(leaderToken, sg, gid("Volunteer", busy!.id)),
      () => assign(leaderToken, sg, gid("Volunteer", outsider!.id)),
      () => assign(ok2!.token, sg, gid("Volunteer", ok3!.id)),
      () => assign(elsewhere.officer.token, sg, gid("Volunteer", ok1!.id)),
    ];
    // A first claim waits for the shift's lock (held here), so the others queue behind it and go together
    // into the next batch of this process.
    const holder = await pool.connect();
    let answers: Payload[];
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT id FROM "Shift" WHERE id = $1 FOR UPDATE`, [shift.id]);
      const before = { ...claimStats };
      const head = claim(ok0!.token, sg);
      while (!(await pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%shift_claim_batch%'`)).rowCount) await new Promise((r) => setTimeout(r, 20));
      const rest = Promise.all(calls.map((c) => c()));
      await new Promise((r) => setTimeout(r, 500)); // (how many join the second batch is not asserted)
      await holder.query("COMMIT");
      expect((await head).claim?.status).toBe("CONFIRMED");
      answers = await rest;
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      holder.release();
    }
    const got = answers.map((a) => (a.userErrors.length ? [a.userErrors[0]!.code, a.userErrors[0]!.message, a.userErrors[0]!.field?.join(".") ?? null] : ["SEAT", a.claim!.volunteer.id]));
    expect(got).toEqual([
      ["SEAT", gid("Volunteer", ok1!.id)],
      ["NOT_FOUND", expect.stringContaining("班次"), "input.shiftId"],
      ["NOT_FOUND", expect.stringContaining("班次"), "input.shiftId"],
      // A suspended volunteer's own session sees no station (so before the change too).
      ["NOT_FOUND", "未找到班次", "input.shiftId"],
      ["CONFLICT", "与已确认班次时间冲突", "input.shiftId"],
      ["FORBIDDEN", "仅本小队队员可认领", null],
      ["FORBIDDEN", "仅本队队员可认领", null],
      ["SEAT", gid("Volunteer", ok2!.id)],
      ["FORBIDDEN", "仅本队队员可认领", null],
      ["SEAT", gid("Volunteer", ok3!.id)],
      ["SEAT", gid("Volunteer", ok1!.id)],
      ["FORBIDDEN", "义警状态非在岗", null],
      ["FORBIDDEN", "仅本小队队员可认领", null],
      ["CONFLICT", "与已确认班次时间冲突", "input.shiftId"],
      ["NOT_FOUND", "未找到义警", "input.volunteerId"],
      ["FORBIDDEN", "仅本班次的队长或民警可操作", null],
      ["NOT_FOUND", "未找到班次", "input.shiftId"],
    ]);
    expect(answers[10]!.claim!.id).toBe(answers[0]!.claim!.id);
    // Two seats were left for three (in the order they arrived, which HTTP does not fix).
    expect([0, 7, 9].map((i) => answers[i]!.claim!.status).sort()).toEqual(["CONFIRMED", "CONFIRMED", "WAITLISTED"]);
    expect([0, 7, 9].map((i) => answers[i]!.claim!.waitlistPosition).sort()).toEqual([1, null, null]);
    const { s, rows } = await consistent(shift.id);
    expect(s).toMatchObject({ confirmedCount: 3, waitlistCount: 1 });
    expect(rows.map((r) => r.volunteerId).sort()).toEqual([ok0!.id, ok1!.id, ok2!.id, ok3!.id].sort());
  });

  it("upper-case shift ids at once with lower-case ones: one shift, one waitlist; an upper-case volunteer id is the same volunteer", async () => {
    const people = await createVolunteers(4, { teamId: demo.haolinshe.id });
    const shift = await shiftOf(2);
    // Mutation inputs read the uuid in lower case (globalId): it was NOT_FOUND before session 23.
    const first = await assign(leaderToken, gid("Shift", shift.id), upper("Volunteer", people[0]!.id));
    expect(first.userErrors).toEqual([]);
    expect(first.claim?.volunteer.id).toBe(gid("Volunteer", people[0]!.id));
    const answers = await Promise.all([
      assign(leaderToken, upper("Shift", shift.id), gid("Volunteer", people[0]!.id)),
      claim(people[1]!.token, upper("Shift", shift.id)),
      claim(people[2]!.token, gid("Shift", shift.id)),
      claim(people[3]!.token, upper("Shift", shift.id)),
    ]);
    for (const [i, a] of answers.entries()) {
      expect(a.userErrors).toEqual([]);
      expect(a.claim?.volunteer.id).toBe(gid("Volunteer", people[i]!.id));
    }
    expect(answers[0]!.claim!.id).toBe(first.claim!.id);
    // The same volunteer again through both spellings at once: one claim, the same answer.
    const again = await Promise.all([assign(leaderToken, gid("Shift", shift.id), gid("Volunteer", people[0]!.id)), claim(people[0]!.token, upper("Shift", shift.id))]);
    expect(again.map((a) => a.claim?.id)).toEqual([answers[0]!.claim!.id, answers[0]!.claim!.id]);
    const { s } = await consistent(shift.id);
    expect(s).toMatchObject({ confirmedCount: 2, waitlistCount: 2 });
  });

  it("odd shift ids: malformed, unknown, another type's id, a claim's id: an answer, never a 500", async () => {
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const shift = await shiftOf(1);
    const [aClaim] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const claimed = await claim(aClaim!.token, gid("Shift", shift.id));
    for (const id of [
      "", "x", gid("Shift", "not-a-uuid"), gid("Shift", "00000000-0000-7000-8000-000000000000"), gid("Team", demo.haolinshe.id), claimed.claim!.id,
      gid("Shift", `${shift.id}'--`), gid("Shift", "ffffffff-ffff-ffff-ffff-ffffffffffff"),
    ]) {
      const res = await gql(app, CLAIM, { input: { shiftId: id } }, v!.token);
      expect(res.errors, id).toBeUndefined();
      expect(res.data!.claimShift.claim).toBeNull();
      expect(["NOT_FOUND", "VALIDATION"]).toContain(res.data!.claimShift.userErrors[0].code);
    }
    await consistent(shift.id);
  });

  it("claim, cancel, claim again, many times at once: one row per volunteer, counts equal the rows", async () => {
    const people = await createVolunteers(6, { teamId: demo.haolinshe.id });
    const shift = await shiftOf(2);
    const sg = gid("Shift", shift.id);
    await Promise.all(
      people.map(async (p) => {
        for (let k = 0; k < 3; k++) {
          const a = await claim(p.token, sg);
          expect(a.userErrors).toEqual([]);
          if (k < 2) expect((await gql(app, CANCEL, { input: { claimId: a.claim!.id } }, p.token)).data!.cancelShiftClaim.userErrors).toEqual([]);
        }
      }),
    );
    const { s, rows } = await consistent(shift.id, false);
    expect(rows).toHaveLength(6);
    expect(s.confirmedCount + s.waitlistCount).toBe(6);
    expect(s.confirmedCount).toBe(2);
  });

  it("twenty claims the moment the shift is cancelled: refused or cancelled with it, nothing left seated", async () => {
    const people = await createVolunteers(20, { teamId: demo.haolinshe.id });
    const shift = await shiftOf(5);
    const sg = gid("Shift", shift.id);
    const CANCEL_SHIFT = `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`;
    const [cancelled, ...answers] = await Promise.all([
      gql(app, CANCEL_SHIFT, { input: { shiftId: sg, reason: "暴雨", applyTo: "THIS_SHIFT" } }, leaderToken),
      ...people.map((p) => claim(p.token, sg)),
    ]);
    expect(cancelled.errors).toBeUndefined();
    for (const a of answers) if (a.userErrors.length) expect(a.userErrors[0]).toMatchObject({ code: "CONFLICT", message: "班次未开放" });
    const rows = await prisma.shiftClaim.findMany({ where: { shiftId: shift.id } });
    expect(rows.filter((r) => r.status === "CONFIRMED" || r.status === "WAITLISTED")).toEqual([]);
  });

  it("cancelled, ended, started, and a no-show's shift: the refusals as before, for a claim and an assignment alike", async () => {
    const [a, b, c] = await createVolunteers(3, { teamId: demo.haolinshe.id });
    const CANCEL_SHIFT = `mutation ($input: CancelShiftInput!) { cancelShift(input: $input) { userErrors { code } } }`;
    const cancelled = await shiftOf(3);
    expect((await gql(app, CANCEL_SHIFT, { input: { shiftId: gid("Shift", cancelled.id), reason: "暴雨", applyTo: "THIS_SHIFT" } }, leaderToken)).data!.cancelShift.userErrors).toEqual([]);
    const ended = await shiftOf(3);
    await prisma.shift.update({ where: { id: ended.id }, data: { status: "DONE" } });
    const noShow = await shiftOf(3);
    const marked = await claim(c!.token, gid("Shift", noShow.id));
    await prisma.shiftClaim.update({ where: { id: (await prisma.shiftClaim.findFirstOrThrow({ where: { shiftId: noShow.id } })).id }, data: { status: "NO_SHOW" } });
    expect(marked.claim?.status).toBe("CONFIRMED");
    const soon = await shiftOf(3, { at: clock.now().getTime() + 3600_000 });
    clock.advance(2 * 3600_000);
    try {
      const answers = await Promise.all([
        claim(a!.token, gid("Shift", cancelled.id)),
        assign(leaderToken, gid("Shift", cancelled.id), gid("Volunteer", b!.id)),
        claim(a!.token, gid("Shift", ended.id)),
        assign(leaderToken, gid("Shift", ended.id), gid("Volunteer", b!.id)),
        claim(a!.token, gid("Shift", soon.id)),
        assign(leaderToken, gid("Shift", soon.id), gid("Volunteer", b!.id)),
        claim(c!.token, gid("Shift", noShow.id)),
      ]);
      expect(answers.map((x) => [x.claim, x.userErrors])).toEqual([
        ...Array(4).fill([null, [{ code: "CONFLICT", message: "班次未开放", field: ["input", "shiftId"] }]]),
        ...Array(2).fill([null, [{ code: "CONFLICT", message: "班次已开始，不能认领", field: ["input", "shiftId"] }]]),
        [null, [{ code: "CONFLICT", message: "班次已结束", field: ["input", "shiftId"] }]],
      ]);
    } finally {
      clock.reset();
    }
    for (const s of [cancelled, ended, soon]) expect(await prisma.shiftClaim.count({ where: { shiftId: s.id, status: { not: "CANCELLED" } } })).toBe(0);
  });

  it("two batches of one shift at once (its id in two spellings: two queues, as two processes have), with the same volunteers in both: one claim each, FIFO", async () => {
    const people = await createVolunteers(24, { teamId: demo.haolinshe.id });
    const shift = await shiftOf(5);
    const spellings = [gid("Shift", shift.id), upper("Shift", shift.id)];
    // Each volunteer claims through both spellings at once; half of them twice more.
    const calls = people.flatMap((p, i) => [claim(p.token, spellings[i % 2]!), claim(p.token, spellings[(i + 1) % 2]!), ...(i % 2 ? [claim(p.token, spellings[0]!)] : [])]);
    const answers = await Promise.all(calls);
    for (const a of answers) expect(a.userErrors).toEqual([]);
    const byVolunteer = new Map<string, Set<string>>();
    for (const a of answers) byVolunteer.set(a.claim!.volunteer.id, (byVolunteer.get(a.claim!.volunteer.id) ?? new Set()).add(a.claim!.id));
    expect(byVolunteer.size).toBe(24);
    for (const ids of byVolunteer.values()) expect(ids.size).toBe(1);
    // Each answer is what its caller reads of that claim afterwards, dates and all.
    const tokenOf = new Map(people.map((p) => [gid("Volunteer", p.id), p.token]));
    for (const a of answers) {
      const read = await gql(app, `query ($id: ID!) { node(id: $id) { ... on ShiftClaim { ${C} } } }`, { id: a.claim!.id }, tokenOf.get(a.claim!.volunteer.id)!);
      expect(a.claim).toEqual(read.data!.node);
      expect(a.shift).toMatchObject({ startsAt: shift.startsAt.toISOString(), endsAt: shift.endsAt.toISOString() });
    }
    const { s, rows } = await consistent(shift.id);
    expect(rows).toHaveLength(24);
    expect(s).toMatchObject({ confirmedCount: 5, waitlistCount: 19, waitlistSeq: 19 });
  });

  it("shift_claim_batch itself with odd arrays: thousands of unknown and repeated ids, nulls; a volunteer twice is refused as a whole, not half-written", async () => {
    const people = await createVolunteers(6, { teamId: demo.haolinshe.id });
    const shift = await shiftOf(3);
    const call = (volunteers: (string | null)[]) =>
      prisma.$queryRaw<{ r: string }[]>`SELECT shift_claim_batch(${shift.id}::uuid, ${volunteers}::uuid[], ${volunteers.map(() => null)}::uuid[],
        ${volunteers.map(() => crypto.randomUUID())}::uuid[], ${clock.now()}::timestamptz) AS r`.then(([row]) => JSON.parse(row!.r));
    const unknown = Array.from({ length: 3000 }, () => crypto.randomUUID());
    const mixed = [...unknown.slice(0, 1500), people[0]!.id, unknown[0]!, unknown[0]!, null, people[1]!.id, ...unknown.slice(1500), people[2]!.id, people[3]!.id];
    const res = await call(mixed);
    expect(res.verdicts.filter((v: string) => v !== "NO_VOLUNTEER")).toEqual(["FRESH", "FRESH", "FRESH", "FRESH"]);
    expect(res.claims.map((c: { status: string; waitlistSeq: number | null }) => [c.status, c.waitlistSeq])).toEqual([["CONFIRMED", null], ["CONFIRMED", null], ["CONFIRMED", null], ["WAITLISTED", 1]]);
    await consistent(shift.id);
    // The same volunteer twice as FRESH: the insert cannot write one row twice; the statement fails whole.
    await expect(call([people[4]!.id, people[4]!.id])).rejects.toThrow();
    const { s } = await consistent(shift.id);
    expect(s).toMatchObject({ confirmedCount: 3, waitlistCount: 1 });
    // Claimed before and repeated: the same claim twice, nothing written.
    const again = await call([people[0]!.id, people[0]!.id]);
    expect(again.verdicts).toEqual(["CLAIMED", "CLAIMED"]);
    // An empty batch is not a missing shift's answer for anyone: the service never sends one.
    expect(await call([])).toEqual({ missing: true });
  });

  it("a leader's assignments in a batch with self-claims: one notice for each assigned, none for the others, none for an assignment repeated", async () => {
    const people = await createVolunteers(6, { teamId: demo.haolinshe.id });
    const shift = await shiftOf(2);
    const sg = gid("Shift", shift.id);
    const assigned = [people[0]!, people[3]!];
    const first = await Promise.all(people.map((p, i) => (i === 0 || i === 3 ? assign(leaderToken, sg, gid("Volunteer", p.id)) : claim(p.token, sg))));
    for (const a of first) expect(a.userErrors).toEqual([]);
    const again = await Promise.all(assigned.map((p) => assign(leaderToken, sg, gid("Volunteer", p.id))));
    expect(again.map((a) => a.claim!.id)).toEqual([first[0]!.claim!.id, first[3]!.claim!.id]);
    const notices = await prisma.notification.findMany({ where: { accountId: { in: people.map((p) => p.accountId) }, subjectId: shift.id } });
    expect(notices.map((n) => [n.accountId, n.kind]).sort()).toEqual(assigned.map((p) => [p.accountId, "SHIFT_ASSIGNED"]).sort());
    await consistent(shift.id);
  });

  it("twenty claims the moment the shift is moved: each seated or asked to try again, counts equal the rows, no one's answer from before the move after it", async () => {
    const people = await createVolunteers(20, { teamId: demo.haolinshe.id });
    const shift = await shiftOf(5);
    const sg = gid("Shift", shift.id);
    const UPDATE = `mutation ($input: UpdateShiftInput!) { updateShift(input: $input) { userErrors { code } } }`;
    const later = new Date(shift.startsAt.getTime() + 3600_000);
    const [moved, ...answers] = await Promise.all([
      gql(app, UPDATE, { input: { shiftId: sg, applyTo: "THIS_SHIFT", startsAt: later.toISOString(), endsAt: new Date(shift.endsAt.getTime() + 3600_000).toISOString() } }, leaderToken),
      ...people.map((p) => claim(p.token, sg)),
    ]);
    expect(moved.errors).toBeUndefined();
    expect(moved.data!.updateShift.userErrors).toEqual([]);
    for (const a of answers) {
      if (a.userErrors.length) expect(a.userErrors[0]).toMatchObject({ code: "CONFLICT", message: "班次时间刚刚变更，请重试" });
      else expect([shift.startsAt.toISOString(), later.toISOString()]).toContain(a.shift!.startsAt);
    }
    const { rows } = await consistent(shift.id);
    expect(rows).toHaveLength(answers.filter((a) => a.claim).length);
  });

  it("a batch that waited for a volunteer's lock while another batch of the shift took places: its claims are dated after that batch's, as the waitlist orders them", async () => {
    const [held, late] = await createVolunteers(2, { teamId: demo.haolinshe.id });
    const shift = await shiftOf(1);
    const holder = await pool.connect();
    try {
      // The held volunteer's row is locked (as by their claim of another shift in flight): their batch sends
      // its time, then waits; a batch of another API process, sent after it, takes the seat first. (One
      // process keeps one queue per shift, whatever the id's spelling, so the other process's batch is
      // the statement itself, on a connection of its own.)
      await holder.query("BEGIN");
      await holder.query(`SELECT id FROM "Volunteer" WHERE id = $1 FOR UPDATE`, [held!.id]);
      const first = claim(held!.token, gid("Shift", shift.id));
      while (!(await pool.query(`SELECT 1 FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%shift_claim_batch%'`)).rowCount) await new Promise((r) => setTimeout(r, 20));
      const other = await pool.query<{ r: string }>(
        `SELECT shift_claim_batch($1::uuid, ARRAY[$2]::uuid[], ARRAY[NULL]::uuid[], ARRAY[gen_random_uuid()], clock_timestamp()) AS r`,
        [shift.id, late!.id],
      );
      const second = (JSON.parse(other.rows[0]!.r) as { claims: { status: string; claimedAt: string }[] }).claims[0]!;
      expect(second.status).toBe("CONFIRMED");
      await new Promise((r) => setTimeout(r, 50)); // (so the two dates cannot tie to the millisecond)
      await holder.query("COMMIT");
      const answer = await first;
      expect(answer.claim).toMatchObject({ status: "WAITLISTED", waitlistPosition: 1 });
      // The statement's JSON writes the timestamp(3) as stored, in UTC without a zone.
      expect(Date.parse(answer.claim!.claimedAt)).toBeGreaterThan(Date.parse(/Z|[+-]\d\d:\d\d$/.test(second.claimedAt) ? second.claimedAt : `${second.claimedAt}Z`));
    } finally {
      await holder.query("ROLLBACK").catch(() => {});
      holder.release();
    }
  });
});
