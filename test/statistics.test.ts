// Every figure of stationStatistics recomputed with its own plain SQL on generated records.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { gql, signIn, startApp } from "./support/client.js";
import { tokensFor } from "./support/shifts.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";

let app: App;
let demo: Awaited<ReturnType<typeof seedDemoData>>;
let officer: string;
let otherOfficer: string;

// The period: March 2031, Asia/Shanghai. Records are generated from mid-February to mid-April so
// that its edges matter.
const FROM = new Date("2031-02-28T16:00:00.000Z");
const TO = new Date("2031-03-31T16:00:00.000Z");
const HOUR = 3_600_000;

/** A small deterministic generator, so a failure reproduces. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

async function generate(stationId: string, seed: number) {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const team = await prisma.team.findFirstOrThrow({ where: { stationId } });
  const grids = await prisma.grid.findMany({ where: { stationId } });
  const account = await prisma.account.findFirstOrThrow();
  const vols = [];
  for (let i = 0; i < 16; i++) {
    const v = await prisma.volunteer.create({ data: { name: `统计${seed}-${i}`, displayName: `统计${i}`, phone: `1390${seed}${String(i).padStart(4, "0")}` } });
    // joined somewhere between January and May: some before, some in, some after the period
    await prisma.teamMembership.create({ data: { teamId: team.id, volunteerId: v.id, joinedAt: new Date(Date.UTC(2031, 0, 1) + r() * 140 * 24 * HOUR) } });
    vols.push(v);
  }
  for (let i = 0; i < 60; i++) {
    const startsAt = new Date(Date.UTC(2031, 1, 14) + Math.floor(r() * 60 * 48) * HOUR / 2);
    const capacity = 1 + Math.floor(r() * 4);
    const shift = await prisma.shift.create({
      data: {
        stationId, teamId: team.id, gridId: r() < 0.15 ? null : pick(grids).id, kind: pick(["PATROL", "NIGHT_PATROL", "PUBLICITY"] as const),
        title: "巡逻", startsAt, endsAt: new Date(startsAt.getTime() + (1 + Math.floor(r() * 6)) * HOUR / 2), capacity,
        status: r() < 0.1 ? "CANCELLED" : "OPEN", postCode: "123456", createdById: account.id,
      },
    });
    const people = [...vols].sort(() => r() - 0.5).slice(0, Math.floor(r() * 6));
    for (const v of people) {
      const status = pick(["CONFIRMED", "WAITLISTED", "CANCELLED", "NO_SHOW", "COMPLETED", "COMPLETED"] as const);
      const checkedIn = status === "COMPLETED" || (status === "CONFIRMED" && r() < 0.5);
      await prisma.shiftClaim.create({
        data: {
          shiftId: shift.id, volunteerId: v.id, status, checkedInAt: checkedIn ? startsAt : null,
          minutesServed: status === "COMPLETED" ? 30 + Math.floor(r() * 150) : null,
        },
      });
    }
  }
  for (let i = 0; i < 40; i++) {
    const v = pick(vols);
    const reason = pick(["PATROL_HOURS", "COMMENDATION", "REDEMPTION", "ADJUSTMENT", "REVERSAL"] as const);
    const amount = reason === "REDEMPTION" ? -Math.ceil(r() * 100) : reason === "REVERSAL" || reason === "ADJUSTMENT" ? Math.round((r() - 0.5) * 100) : Math.ceil(r() * 100);
    await prisma.pointsEntry.create({
      data: { volunteerId: v.id, stationId, amount, reason, source: `stat:${seed}:${i}`, createdAt: new Date(Date.UTC(2031, 1, 14) + r() * 60 * 24 * HOUR) },
    });
  }
  for (let i = 0; i < 12; i++) {
    const at = new Date(Date.UTC(2031, 1, 14) + r() * 60 * 24 * HOUR);
    const v = pick(vols);
    const deed = await prisma.goodDeed.create({
      data: { stationId, teamId: team.id, volunteerId: v.id, category: "OTHER", title: "好事", story: "……", occurredAt: at, status: "APPROVED", submittedById: account.id },
    });
    await prisma.commendation.create({ data: { goodDeedId: deed.id, stationId, teamId: team.id, volunteerId: v.id, approvedAt: at } });
  }
  // 巡逻发现 in every state, some resolved hours or days later (reported by an officer: a leader sees only those assigned to their team)
  const reporter = await prisma.account.findFirstOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });
  for (let i = 0; i < 40; i++) {
    const createdAt = new Date(Date.UTC(2031, 1, 14) + r() * 60 * 24 * HOUR);
    const status = pick(["NEW", "ASSIGNED", "RESOLVED", "RESOLVED", "REFERRED", "REJECTED"] as const);
    const closed = status !== "NEW" && status !== "ASSIGNED";
    await prisma.patrolReport.create({
      data: {
        stationId, gridId: r() < 0.2 ? null : pick(grids).id, reporterAccountId: reporter.id, category: pick(["FIRE_HAZARD", "PUBLIC_SECURITY", "TRAFFIC_HAZARD", "OTHER"] as const),
        description: "发现", status, createdAt, closedAt: closed ? new Date(createdAt.getTime() + Math.floor(r() * 96 * 60) * 60_000) : null,
        resolutionNote: status === "RESOLVED" ? "已处置" : null, referredTo: status === "REFERRED" ? "消防" : null, rejectReason: status === "REJECTED" ? "重复" : null,
      },
    });
  }
  // 调解 cases opened from February to April, some closed (in or out of the period) with each outcome
  for (let i = 0; i < 30; i++) {
    const openedAt = new Date(Date.UTC(2031, 1, 1) + r() * 60 * 24 * HOUR);
    const closed = r() < 0.7;
    await prisma.mediationCase.create({
      data: {
        stationId, category: "NEIGHBOUR", summary: "邻里纠纷", source: "PATROL", openedById: account.id, openedAt,
        status: closed ? "CLOSED" : "OPEN", outcome: closed ? pick(["SETTLED", "FAILED", "JUDICIAL_CONFIRMATION", "REFERRED"] as const) : null,
        closedAt: closed ? new Date(openedAt.getTime() + r() * 40 * 24 * HOUR) : null, agreementText: closed ? "协议" : null, referredTo: closed ? "法院" : null,
      },
    });
  }
  // 一键召集: some reach the wanted count, some do not; acceptances arrive in random order
  for (let i = 0; i < 30; i++) {
    const startedAt = new Date(Date.UTC(2031, 1, 14) + r() * 60 * 24 * HOUR);
    const m = await prisma.mobilization.create({
      data: { stationId, reason: "走失老人", place: "府山公园", latitude: 30, longitude: 120.58, radiusMeters: 1000, wanted: 1 + Math.floor(r() * 3), escalateAfterMinutes: 10, startedById: account.id, startedAt },
    });
    for (const v of [...vols].sort(() => r() - 0.5).slice(0, Math.floor(r() * 8))) {
      const response = pick(["ACCEPTED", "ACCEPTED", "DECLINED", "PENDING"] as const);
      await prisma.mobilizationResponder.create({
        data: { mobilizationId: m.id, volunteerId: v.id, wave: 1, response, respondedAt: response === "PENDING" ? null : new Date(startedAt.getTime() + Math.floor(r() * 3600) * 1000) },
      });
    }
  }
}

const STATS = `query ($stationId: ID!, $from: DateTime!, $to: DateTime!) {
  stationStatistics(stationId: $stationId, from: $from, to: $to) {
    stationName activeVolunteers newVolunteers serviceMinutes shiftsPublished shiftsFilled shiftsCancelled noShows
    commendations pointsIssued pointsRedeemed callUps callUpsReachedWanted medianMinutesToWanted
    findingsReported findingsResolved findingsOpen medianHoursToResolve findingsByCategory { category reported resolved open }
    mediationOpened mediationClosed mediationSucceeded mediationSuccessRate
    grids { gridId shifts expected checkedIn noShows } coverage { gridId weekday hour personHours }
    partners { partnerId personShifts minutes } days { day shifts checkIns minutes }
  }
}`;

beforeAll(async () => {
  demo = await seedDemoData();
  await generate(demo.fushan.id, 7);
  await generate(demo.changqing.id, 8);
  app = await startApp();
  officer = await signIn(app, DEMO_PHONES.fushanOfficer);
  otherOfficer = await signIn(app, DEMO_PHONES.changqingOfficer);
}, 120_000);
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const one = async (sql: string, ...params: unknown[]) => Number(Object.values((await prisma.$queryRawUnsafe<Record<string, unknown>[]>(sql, ...params))[0]!)[0] ?? 0);

/** Every figure of the period recomputed from the records, against the API's answer. */
async function recomputeAll() {
  const res = await gql(app, STATS, { stationId: gid("Station", demo.fushan.id), from: FROM.toISOString(), to: TO.toISOString() }, officer);
  expect(res.errors).toBeUndefined();
  const s = res.data!.stationStatistics;
  const st = demo.fushan.id;
  // the shifts of the period, written once and used by the checks below
  const inPeriod = `s."stationId" = $1::uuid AND s."startsAt" >= $2 AND s."startsAt" < $3`;
  const want = {
    stationName: "府山派出所",
    activeVolunteers: await one(`SELECT count(*) FROM (SELECT DISTINCT c."volunteerId" FROM "ShiftClaim" c, "Shift" s WHERE s.id = c."shiftId" AND ${inPeriod} AND c."checkedInAt" IS NOT NULL) x`, st, FROM, TO),
    newVolunteers: await one(
      `SELECT count(*) FROM "Volunteer" v WHERE (SELECT min(m."joinedAt") FROM "TeamMembership" m, "Team" t WHERE t.id = m."teamId" AND t."stationId" = $1::uuid AND m."volunteerId" = v.id) >= $2::timestamptz AND (SELECT min(m."joinedAt") FROM "TeamMembership" m, "Team" t WHERE t.id = m."teamId" AND t."stationId" = $1::uuid AND m."volunteerId" = v.id) < $3::timestamptz`,
      st, FROM, TO,
    ),
    serviceMinutes: await one(`SELECT sum(c."minutesServed") FROM "ShiftClaim" c, "Shift" s WHERE s.id = c."shiftId" AND ${inPeriod}`, st, FROM, TO),
    shiftsPublished: await one(`SELECT count(*) FROM "Shift" s WHERE ${inPeriod} AND s.status <> 'CANCELLED'`, st, FROM, TO),
    shiftsFilled: await one(
      `SELECT count(*) FROM "Shift" s WHERE ${inPeriod} AND s.status <> 'CANCELLED' AND s.capacity <= (SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c.status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW'))`,
      st, FROM, TO,
    ),
    shiftsCancelled: await one(`SELECT count(*) FROM "Shift" s WHERE ${inPeriod} AND s.status = 'CANCELLED'`, st, FROM, TO),
    noShows: await one(`SELECT count(*) FROM "ShiftClaim" c, "Shift" s WHERE s.id = c."shiftId" AND ${inPeriod} AND c.status = 'NO_SHOW'`, st, FROM, TO),
    commendations: await one(`SELECT count(*) FROM "Commendation" WHERE "stationId" = $1::uuid AND "approvedAt" >= $2 AND "approvedAt" < $3`, st, FROM, TO),
    pointsIssued: await one(`SELECT sum(amount) FROM "PointsEntry" WHERE "stationId" = $1::uuid AND "createdAt" >= $2 AND "createdAt" < $3 AND amount > 0 AND reason IN ('PATROL_HOURS', 'COMMENDATION', 'ADJUSTMENT')`, st, FROM, TO),
    pointsRedeemed: await one(`SELECT -sum(amount) FROM "PointsEntry" WHERE "stationId" = $1::uuid AND "createdAt" >= $2 AND "createdAt" < $3 AND reason = 'REDEMPTION'`, st, FROM, TO),
  };
  // call-ups: the wanted-th acceptance of each, then the median over those that had one
  const reached = `SELECT extract(epoch FROM (SELECT r."respondedAt" FROM "MobilizationResponder" r WHERE r."mobilizationId" = m.id AND r.response = 'ACCEPTED' AND r."respondedAt" IS NOT NULL
      ORDER BY r."respondedAt" OFFSET m.wanted - 1 LIMIT 1) - m."startedAt") / 60 AS minutes
    FROM "Mobilization" m WHERE m."stationId" = $1::uuid AND m."startedAt" >= $2 AND m."startedAt" < $3`;
  const minutes = (await prisma.$queryRawUnsafe<{ minutes: unknown }[]>(reached, st, FROM, TO)).map((x) => x.minutes).filter((x) => x != null).map(Number).sort((a, b) => a - b);
  const mid = minutes.length / 2;
  Object.assign(want, {
    callUps: await one(`SELECT count(*) FROM "Mobilization" WHERE "stationId" = $1::uuid AND "startedAt" >= $2 AND "startedAt" < $3`, st, FROM, TO),
    callUpsReachedWanted: minutes.length,
    medianMinutesToWanted: Math.round((minutes.length % 2 ? minutes[Math.floor(mid)]! : (minutes[mid - 1]! + minutes[mid]!) / 2) * 10) / 10,
  });
  // 巡逻发现 reported in the period: resolved, still open, median hours to resolution; 调解 opened and closed in it
  const reports = await prisma.$queryRawUnsafe<{ category: string; status: string; hours: number }[]>(
    `SELECT category, status, extract(epoch FROM "closedAt" - "createdAt") / 3600 AS hours FROM "PatrolReport" WHERE "stationId" = $1::uuid AND "createdAt" >= $2 AND "createdAt" < $3`,
    st, FROM, TO,
  );
  const hoursToResolve = reports.filter((x) => x.status === "RESOLVED").map((x) => Number(x.hours)).sort((a, b) => a - b);
  const h = hoursToResolve.length / 2;
  const closedCases = `"stationId" = $1::uuid AND status = 'CLOSED' AND "closedAt" >= $2 AND "closedAt" < $3`;
  const mediationClosed = await one(`SELECT count(*) FROM "MediationCase" WHERE ${closedCases}`, st, FROM, TO);
  const mediationSucceeded = await one(`SELECT count(*) FROM "MediationCase" WHERE ${closedCases} AND outcome IN ('SETTLED', 'JUDICIAL_CONFIRMATION')`, st, FROM, TO);
  Object.assign(want, {
    findingsReported: reports.length,
    findingsResolved: hoursToResolve.length,
    findingsOpen: reports.filter((x) => x.status === "NEW" || x.status === "ASSIGNED").length,
    medianHoursToResolve: Math.round((hoursToResolve.length % 2 ? hoursToResolve[Math.floor(h)]! : (hoursToResolve[h - 1]! + hoursToResolve[h]!) / 2) * 10) / 10,
    mediationOpened: await one(`SELECT count(*) FROM "MediationCase" WHERE "stationId" = $1::uuid AND "openedAt" >= $2 AND "openedAt" < $3`, st, FROM, TO),
    mediationClosed,
    mediationSucceeded,
    mediationSuccessRate: Math.round((mediationSucceeded / mediationClosed) * 1000) / 1000,
  });
  const categories = [...new Set(reports.map((x) => x.category))].sort();
  expect([...s.findingsByCategory].sort((a: { category: string }, b: { category: string }) => a.category.localeCompare(b.category))).toEqual(
    categories.map((c) => {
      const of = reports.filter((x) => x.category === c);
      return { category: c, reported: of.length, resolved: of.filter((x) => x.status === "RESOLVED").length, open: of.filter((x) => x.status === "NEW" || x.status === "ASSIGNED").length };
    }),
  );
  const { grids, coverage, partners, days, findingsByCategory: _byCategory, ...totals } = s;
  expect(totals).toEqual(want);
  // the generated data exercises every figure
  for (const [k, v] of Object.entries(want)) if (k !== "stationName") expect(v, k).toBeGreaterThan(0);

  const gridRows = await prisma.$queryRawUnsafe<{ gridId: string | null; shifts: bigint; expected: bigint; checkedIn: bigint; noShows: bigint }[]>(
    `SELECT s."gridId", count(*) AS shifts,
      sum((SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c.status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW'))) AS expected,
      sum((SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c."checkedInAt" IS NOT NULL)) AS "checkedIn",
      sum((SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c.status = 'NO_SHOW')) AS "noShows"
     FROM "Shift" s WHERE ${inPeriod} AND s.status <> 'CANCELLED' GROUP BY s."gridId"`,
    st, FROM, TO,
  );
  const key = (g: { gridId: string | null }) => g.gridId ?? "";
  expect([...grids].sort((a, b) => key(a).localeCompare(key(b)))).toEqual(
    gridRows
      .map((g) => ({ gridId: g.gridId && gid("Grid", g.gridId), shifts: Number(g.shifts), expected: Number(g.expected), checkedIn: Number(g.checkedIn), noShows: Number(g.noShows) }))
      .sort((a, b) => key(a).localeCompare(key(b))),
  );

  // coverage: every local hour of the period that a checked-in claim's shift overlaps
  const cells = await prisma.$queryRawUnsafe<{ gridId: string | null; weekday: number; hour: number; n: bigint }[]>(
    `SELECT s."gridId", extract(isodow FROM h)::int AS weekday, extract(hour FROM h)::int AS hour, count(*) AS n
     FROM generate_series(($2::timestamptz AT TIME ZONE 'Asia/Shanghai') - interval '1 day', ($3::timestamptz AT TIME ZONE 'Asia/Shanghai') + interval '1 day', interval '1 hour') h,
          "Shift" s, "ShiftClaim" c
     WHERE ${inPeriod} AND c."shiftId" = s.id AND c."checkedInAt" IS NOT NULL
       AND h < s."endsAt" + interval '8 hours' AND h + interval '1 hour' > s."startsAt" + interval '8 hours'
     GROUP BY 1, 2, 3`,
    st, FROM, TO,
  );
  const cellKey = (c: { gridId: string | null; weekday: number; hour: number }) => `${c.gridId ?? ""}/${c.weekday}/${String(c.hour).padStart(2, "0")}`;
  expect(Object.fromEntries(coverage.map((c: { personHours: number } & Parameters<typeof cellKey>[0]) => [cellKey(c), c.personHours]))).toEqual(
    Object.fromEntries(cells.map((c) => [cellKey({ ...c, gridId: c.gridId && gid("Grid", c.gridId) }), Number(c.n)])),
  );
  expect(coverage.length).toBeGreaterThan(10);

  const dayRows = await prisma.$queryRawUnsafe<{ day: string; shifts: bigint; checkIns: bigint; minutes: bigint }[]>(
    `SELECT to_char(s."startsAt" + interval '8 hours', 'YYYY-MM-DD') AS day, count(*) AS shifts,
      sum((SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c."checkedInAt" IS NOT NULL)) AS "checkIns",
      sum((SELECT coalesce(sum(c."minutesServed"), 0) FROM "ShiftClaim" c WHERE c."shiftId" = s.id)) AS minutes
     FROM "Shift" s WHERE ${inPeriod} AND s.status <> 'CANCELLED' GROUP BY 1 ORDER BY 1`,
    st, FROM, TO,
  );
  expect(days).toEqual(dayRows.map((d) => ({ day: d.day, shifts: Number(d.shifts), checkIns: Number(d.checkIns), minutes: Number(d.minutes) })));

  const partnerRows = await prisma.$queryRawUnsafe<{ id: string; n: bigint; m: bigint }[]>(
    `SELECT p.id, (SELECT count(*) FROM "ShiftClaim" c, "Shift" s, "Volunteer" v WHERE c."shiftId" = s.id AND ${inPeriod} AND v.id = c."volunteerId" AND v."partnerId" = p.id AND c.status = 'COMPLETED') AS n,
            (SELECT coalesce(sum(c."minutesServed"), 0) FROM "ShiftClaim" c, "Shift" s, "Volunteer" v WHERE c."shiftId" = s.id AND ${inPeriod} AND v.id = c."volunteerId" AND v."partnerId" = p.id AND c.status = 'COMPLETED') AS m
     FROM "Partner" p WHERE p."stationId" = $1::uuid`,
    st, FROM, TO,
  );
  expect(Object.fromEntries(partners.map((p: { partnerId: string; personShifts: number; minutes: number }) => [p.partnerId, [p.personShifts, p.minutes]]))).toEqual(
    Object.fromEntries(partnerRows.map((p) => [gid("Partner", p.id), [Number(p.n), Number(p.m)]])),
  );
}

/** StationShiftDay rows that differ from the shifts and their claims grouped by station and local day. */
async function shiftDaysWrong() {
  return prisma.$queryRawUnsafe<unknown[]>(
    `SELECT * FROM (SELECT s."stationId", (s."startsAt" + interval '8 hours')::date AS day,
                           count(*) FILTER (WHERE s.status <> 'CANCELLED')::int AS published,
                           count(*) FILTER (WHERE s.status <> 'CANCELLED' AND coalesce(c.seats, 0) >= s.capacity)::int AS filled,
                           count(*) FILTER (WHERE s.status = 'CANCELLED')::int AS cancelled,
                           coalesce(sum(c."noShows"), 0)::int AS "noShows", coalesce(sum(c.minutes), 0)::int AS minutes
                    FROM "Shift" s LEFT JOIN (SELECT "shiftId", count(*) FILTER (WHERE status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')) AS seats,
                                                     count(*) FILTER (WHERE status = 'NO_SHOW') AS "noShows", sum("minutesServed") AS minutes
                                              FROM "ShiftClaim" GROUP BY "shiftId") c ON c."shiftId" = s.id
                    GROUP BY 1, 2) want
     FULL JOIN "StationShiftDay" got ON (got."stationId", got.day) = (want."stationId", want.day)
     WHERE (got.published, got.filled, got.cancelled, got."noShows", got.minutes) IS DISTINCT FROM (want.published, want.filled, want.cancelled, want."noShows", want.minutes)`,
  );
}

describe("stationStatistics", () => {
  it("recomputes every figure from the records", recomputeAll);

  it("shows a claim changed, added or removed after the tally at once (the tally is kept by the database)", async () => {
    // every kind of write, as the services and the sweeper make them, and one no service makes
    const claims = await prisma.$queryRawUnsafe<{ id: string; shiftId: string; status: string; checkedInAt: Date | null }[]>(
      `SELECT c.id, c."shiftId", c.status::text, c."checkedInAt" FROM "ShiftClaim" c JOIN "Shift" s ON s.id = c."shiftId"
       WHERE s."stationId" = $1::uuid AND s."startsAt" >= $2 AND s."startsAt" < $3 AND s.status <> 'CANCELLED' ORDER BY c.id`,
      demo.fushan.id, FROM, TO,
    );
    const confirmed = claims.filter((c) => c.status === "CONFIRMED" && !c.checkedInAt);
    const completed = claims.filter((c) => c.status === "COMPLETED");
    expect(confirmed.length).toBeGreaterThan(3);
    expect(completed.length).toBeGreaterThan(3);
    const [a, b, c] = confirmed;
    await prisma.shiftClaim.update({ where: { id: a!.id }, data: { checkedInAt: new Date(FROM.getTime() + 5 * 24 * HOUR) } });
    await prisma.shiftClaim.update({ where: { id: b!.id }, data: { status: "NO_SHOW" } });
    await prisma.shiftClaim.update({ where: { id: c!.id }, data: { status: "COMPLETED", checkedInAt: new Date(FROM.getTime() + 6 * 24 * HOUR), checkedOutAt: new Date(FROM.getTime() + 6 * 24 * HOUR + HOUR), minutesServed: 61 } });
    await prisma.shiftClaim.update({ where: { id: completed[0]!.id }, data: { minutesServed: 7 } });
    await prisma.shiftClaim.updateMany({ where: { id: completed[1]!.id }, data: { status: "CANCELLED", checkedInAt: null, minutesServed: null } });
    await prisma.shiftClaim.delete({ where: { id: completed[2]!.id } });
    // a claim moved to another shift of the period (no service does it; the tally follows all the same)
    const other = claims.find((x) => x.shiftId !== completed[3]!.shiftId)!;
    await prisma.$executeRawUnsafe(`UPDATE "ShiftClaim" SET "shiftId" = $1::uuid WHERE id = $2::uuid AND NOT EXISTS (SELECT 1 FROM "ShiftClaim" x WHERE x."shiftId" = $1::uuid AND x."volunteerId" = "ShiftClaim"."volunteerId")`, other.shiftId, completed[3]!.id);
    // a new claim on a shift that had none
    const bare = await prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT s.id FROM "Shift" s WHERE s."stationId" = $1::uuid AND s."startsAt" >= $2 AND s."startsAt" < $3 AND s.status <> 'CANCELLED' AND NOT EXISTS (SELECT 1 FROM "ShiftClaim" c WHERE c."shiftId" = s.id) LIMIT 1`,
      demo.fushan.id, FROM, TO,
    );
    expect(bare).toHaveLength(1);
    const volunteer = await prisma.volunteer.findFirstOrThrow({ where: { name: { startsWith: "统计7-" } } });
    await prisma.shiftClaim.create({ data: { shiftId: bare[0]!.id, volunteerId: volunteer.id, status: "COMPLETED", checkedInAt: FROM, minutesServed: 45 } });
    await recomputeAll();
  });

  it("keeps every shift's tally equal to its claims counted", async () => {
    const wrong = await prisma.$queryRawUnsafe<unknown[]>(
      `SELECT s.id, s."tallySeats", s."tallyCheckedIn", s."tallyNoShows", s."tallyMinutes", c.* FROM "Shift" s
       LEFT JOIN (SELECT "shiftId", count(*) FILTER (WHERE status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')) AS seats, count(*) FILTER (WHERE "checkedInAt" IS NOT NULL) AS "checkedIn",
                         count(*) FILTER (WHERE status = 'NO_SHOW') AS "noShows", coalesce(sum("minutesServed"), 0) AS minutes FROM "ShiftClaim" GROUP BY "shiftId") c ON c."shiftId" = s.id
       WHERE (s."tallySeats", s."tallyCheckedIn", s."tallyNoShows", s."tallyMinutes") <> (coalesce(c.seats, 0), coalesce(c."checkedIn", 0), coalesce(c."noShows", 0), coalesce(c.minutes, 0))`,
    );
    expect(wrong).toEqual([]);
    expect(await prisma.shift.count({ where: { tallySeats: { gt: 0 } } })).toBeGreaterThan(50);
    // and the shift figures per station and local day (StationShiftDay) equal to the shifts and claims
    expect(await shiftDaysWrong()).toEqual([]);
    expect(await prisma.stationShiftDay.count({ where: { filled: { gt: 0 }, noShows: { gt: 0 }, cancelled: { gt: 0 } } })).toBeGreaterThan(0);
  });

  it("keeps the active days and first joins equal to the records through shifts, teams and memberships changed", async () => {
    const st = demo.fushan.id;
    const checked = await prisma.$queryRawUnsafe<{ id: string }[]>(
      `SELECT s.id FROM "Shift" s WHERE s."stationId" = $1::uuid AND s."startsAt" >= $2 AND s."startsAt" < $3 AND s."tallyCheckedIn" > 0 ORDER BY s.id LIMIT 3`,
      st, FROM, TO,
    );
    expect(checked).toHaveLength(3);
    // a shift with check-ins moved to another day of the period, one moved out of it, one deleted
    await prisma.$executeRawUnsafe(`UPDATE "Shift" SET "startsAt" = "startsAt" + interval '3 days', "endsAt" = "endsAt" + interval '3 days' WHERE id = $1::uuid`, checked[0]!.id);
    await prisma.shift.update({ where: { id: checked[1]!.id }, data: { startsAt: new Date(TO.getTime() + 40 * 24 * HOUR), endsAt: new Date(TO.getTime() + 40 * 24 * HOUR + HOUR) } });
    await prisma.shift.delete({ where: { id: checked[2]!.id } });
    // StationShiftDay: a shift cancelled, one reopened, a filled one given more seats, one moved to the other station and back
    const open = await prisma.shift.findMany({ where: { stationId: st, startsAt: { gte: FROM, lt: TO }, status: { not: "CANCELLED" } }, orderBy: { id: "asc" } });
    const filled = open.find((x) => x.tallySeats >= x.capacity && x.tallyMinutes > 0)!;
    const cancelled = await prisma.shift.findFirstOrThrow({ where: { stationId: st, startsAt: { gte: FROM, lt: TO }, status: "CANCELLED" } });
    await prisma.shift.update({ where: { id: open[0]!.id === filled.id ? open[1]!.id : open[0]!.id }, data: { status: "CANCELLED" } });
    await prisma.shift.update({ where: { id: cancelled.id }, data: { status: "OPEN" } });
    await prisma.shift.update({ where: { id: filled.id }, data: { capacity: filled.capacity + 2 } });
    const away = open.find((x) => x.id !== filled.id && x.tallyMinutes > 0 && x.id !== open[0]!.id)!;
    await prisma.shift.update({ where: { id: away.id }, data: { stationId: demo.changqing.id } });
    const back = open.find((x) => x.id !== filled.id && x.id !== away.id && x.tallySeats > 0 && x.id !== open[0]!.id)!;
    await prisma.shift.update({ where: { id: back.id }, data: { stationId: demo.changqing.id } });
    await prisma.shift.update({ where: { id: back.id }, data: { stationId: st } });
    // memberships: a new volunteer joining in the period, an earlier join date, one left, a second team
    const team = await prisma.team.findFirstOrThrow({ where: { stationId: st } });
    const joined = await prisma.teamMembership.findMany({ where: { teamId: team.id, volunteer: { name: { startsWith: "统计7-" } } }, orderBy: { id: "asc" } });
    const inPeriod = joined.filter((m) => m.joinedAt >= FROM && m.joinedAt < TO);
    const before = joined.filter((m) => m.joinedAt < FROM);
    expect(inPeriod.length).toBeGreaterThan(1);
    expect(before.length).toBeGreaterThan(0);
    await prisma.teamMembership.update({ where: { id: inPeriod[0]!.id }, data: { joinedAt: new Date(FROM.getTime() - 24 * HOUR) } });
    await prisma.teamMembership.delete({ where: { id: inPeriod[1]!.id } });
    const fresh = await prisma.volunteer.create({ data: { name: "统计新人", displayName: "新人", phone: "13907779999" } });
    await prisma.teamMembership.create({ data: { teamId: team.id, volunteerId: fresh.id, joinedAt: new Date(FROM.getTime() + 3 * 24 * HOUR) } });
    const second = await prisma.team.create({ data: { stationId: st, name: "统计第二队" } });
    await prisma.teamMembership.create({ data: { teamId: second.id, volunteerId: before[0]!.volunteerId, joinedAt: new Date(FROM.getTime() + 2 * 24 * HOUR) } });
    // a team of the other station, moved to this one, brings its members' first joins along
    const moved = await prisma.team.create({ data: { stationId: demo.changqing.id, name: "统计迁入队" } });
    const newcomer = await prisma.volunteer.create({ data: { name: "统计迁入", displayName: "迁入", phone: "13907779998" } });
    await prisma.teamMembership.create({ data: { teamId: moved.id, volunteerId: newcomer.id, joinedAt: new Date(FROM.getTime() + 4 * 24 * HOUR) } });
    await prisma.team.update({ where: { id: moved.id }, data: { stationId: st } });
    await recomputeAll();

    const activeWrong = await prisma.$queryRawUnsafe<unknown[]>(
      `SELECT * FROM (SELECT s."stationId", (s."startsAt" + interval '8 hours')::date AS day, c."volunteerId", count(*)::int AS n
                      FROM "ShiftClaim" c JOIN "Shift" s ON s.id = c."shiftId" WHERE c."checkedInAt" IS NOT NULL GROUP BY 1, 2, 3) want
       FULL JOIN "VolunteerActiveDay" got ON (got."stationId", got.day, got."volunteerId") = (want."stationId", want.day, want."volunteerId")
       WHERE got."checkIns" IS DISTINCT FROM want.n`,
    );
    expect(activeWrong).toEqual([]);
    const joinWrong = await prisma.$queryRawUnsafe<unknown[]>(
      `SELECT * FROM (SELECT t."stationId", m."volunteerId", min(m."joinedAt") AS first FROM "TeamMembership" m JOIN "Team" t ON t.id = m."teamId" GROUP BY 1, 2) want
       FULL JOIN "VolunteerFirstJoin" got ON (got."stationId", got."volunteerId") = (want."stationId", want."volunteerId")
       WHERE got."joinedAt" IS DISTINCT FROM want.first`,
    );
    expect(joinWrong).toEqual([]);
    expect(await shiftDaysWrong()).toEqual([]);
    expect(await prisma.volunteerActiveDay.count()).toBeGreaterThan(50);
    expect(await prisma.volunteerFirstJoin.count()).toBeGreaterThan(20);
  });

  it("counts active and new volunteers and the shift figures exactly for periods that start and end inside a day", async () => {
    const st = demo.fushan.id;
    // and one shorter than a day (no whole day at all), around a shift with check-ins
    const shift = await prisma.shift.findFirstOrThrow({ where: { stationId: st, startsAt: { gte: FROM, lt: TO }, tallyCheckedIn: { gt: 0 } }, orderBy: { startsAt: "asc" } });
    const around = shift.startsAt.getTime() - 60_000;
    for (const [from, to] of [
      [new Date(FROM.getTime() + 13.5 * HOUR), new Date(TO.getTime() - 5 * HOUR)],
      [new Date(FROM.getTime() - 7 * HOUR), new Date(FROM.getTime() + 9 * 24 * HOUR + 3 * HOUR)],
      [new Date(around), new Date(around + 23 * HOUR)],
    ] as const) {
      const res = await gql(app, STATS, { stationId: gid("Station", st), from: from.toISOString(), to: to.toISOString() }, officer);
      expect(res.errors).toBeUndefined();
      const active = await one(
        `SELECT count(DISTINCT c."volunteerId") FROM "ShiftClaim" c, "Shift" s WHERE s.id = c."shiftId" AND s."stationId" = $1::uuid AND s."startsAt" >= $2 AND s."startsAt" < $3 AND c."checkedInAt" IS NOT NULL`,
        st, from, to,
      );
      const fresh = await one(
        `SELECT count(*) FROM (SELECT min(m."joinedAt") AS first FROM "TeamMembership" m, "Team" t WHERE t.id = m."teamId" AND t."stationId" = $1::uuid GROUP BY m."volunteerId") x WHERE first >= $2 AND first < $3`,
        st, from, to,
      );
      expect([res.data!.stationStatistics.activeVolunteers, res.data!.stationStatistics.newVolunteers]).toEqual([active, fresh]);
      expect(active).toBeGreaterThan(0);
      const shifts = await prisma.$queryRawUnsafe<Record<string, bigint>[]>(
        `SELECT count(*) FILTER (WHERE s.status <> 'CANCELLED') AS "shiftsPublished",
                count(*) FILTER (WHERE s.status <> 'CANCELLED' AND (SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c.status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')) >= s.capacity) AS "shiftsFilled",
                count(*) FILTER (WHERE s.status = 'CANCELLED') AS "shiftsCancelled",
                (SELECT count(*) FROM "ShiftClaim" c, "Shift" x WHERE x.id = c."shiftId" AND x."stationId" = $1::uuid AND x."startsAt" >= $2 AND x."startsAt" < $3 AND c.status = 'NO_SHOW') AS "noShows",
                (SELECT coalesce(sum(c."minutesServed"), 0) FROM "ShiftClaim" c, "Shift" x WHERE x.id = c."shiftId" AND x."stationId" = $1::uuid AND x."startsAt" >= $2 AND x."startsAt" < $3) AS "serviceMinutes"
         FROM "Shift" s WHERE s."stationId" = $1::uuid AND s."startsAt" >= $2 AND s."startsAt" < $3`,
        st, from, to,
      );
      const want = Object.fromEntries(Object.entries(shifts[0]!).map(([k, v]) => [k, Number(v)]));
      const { shiftsPublished, shiftsFilled, shiftsCancelled, noShows, serviceMinutes } = res.data!.stationStatistics;
      expect({ shiftsPublished, shiftsFilled, shiftsCancelled, noShows, serviceMinutes }).toEqual(want);
      expect(want.shiftsPublished).toBeGreaterThan(0);
    }
  });

  it("gives a station's figures only to its officers and bounds the period", async () => {
    const vars = { stationId: gid("Station", demo.fushan.id), from: FROM.toISOString(), to: TO.toISOString() };
    const denied = await gql(app, STATS, vars, otherOfficer);
    expect(denied.data?.stationStatistics).toBeNull();
    expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
    expect((await gql(app, STATS, vars, leader)).data?.stationStatistics).toBeNull();
    const long = await gql(app, STATS, { ...vars, to: new Date(FROM.getTime() + 401 * 24 * HOUR).toISOString() }, officer);
    expect(long.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const backwards = await gql(app, STATS, { ...vars, from: TO.toISOString(), to: FROM.toISOString() }, officer);
    expect(backwards.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });
});

const REGION_STATS = STATS.replace("stationStatistics(stationId: $stationId", "regionStatistics(regionId: $regionId").replace("$stationId: ID!", "$regionId: ID!")
  .replace(/\{\n {4}stationName/, "{ regionName stations { stationId stationName").replace(/\}\n\}$/, "} }\n}");

describe("regionStatistics", () => {
  let region: string;
  let tokens: Map<string, string>;
  beforeAll(async () => {
    const r = await prisma.region.create({ data: { name: "绍兴市公安局（统计）", city: "绍兴市" } });
    const other = await prisma.region.create({ data: { name: "金华市公安局（统计）", city: "金华市" } });
    region = r.id;
    await prisma.station.updateMany({ where: { id: { in: [demo.fushan.id, demo.changqing.id] } }, data: { regionId: r.id } });
    await prisma.account.create({ data: { phone: "13600009001", passwordHash: "!", roles: { create: { role: "REGION_ADMIN", regionId: r.id } } } });
    await prisma.account.create({ data: { phone: "13600009002", passwordHash: "!", roles: { create: { role: "REGION_ADMIN", regionId: other.id } } } });
    await prisma.account.create({ data: { phone: "13600009003", passwordHash: "!", roles: { create: { role: "ADMIN" } } } });
    tokens = await tokensFor(["13600009001", "13600009002", "13600009003"]);
  });
  const vars = () => ({ regionId: gid("Region", region), from: FROM.toISOString(), to: TO.toISOString() });

  it("gives its admins every station of the region side by side, with the station's own figures", async () => {
    const res = await gql(app, REGION_STATS, vars(), tokens.get("13600009001"));
    expect(res.errors).toBeUndefined();
    const r = res.data!.regionStatistics;
    expect(r.regionName).toBe("绍兴市公安局（统计）");
    expect(r.stations.map((x: { stationName: string }) => x.stationName).sort()).toEqual(["府山派出所", demo.changqing.name].sort());
    for (const st of r.stations) {
      // the region admin may also open one station's statistics; both answers agree
      const alone = await gql(app, STATS, { stationId: st.stationId, from: FROM.toISOString(), to: TO.toISOString() }, tokens.get("13600009001"));
      expect(alone.errors).toBeUndefined();
      const { stationId: _id, ...figures } = st;
      expect(figures).toEqual(alone.data!.stationStatistics);
      expect(st.activeVolunteers).toBeGreaterThan(0);
      expect(st.findingsReported).toBeGreaterThan(0);
    }
    // a platform admin too
    expect((await gql(app, REGION_STATS, vars(), tokens.get("13600009003"))).data?.regionStatistics?.stations).toHaveLength(2);
  });

  it("refuses officers, leaders and the admins of another region", async () => {
    for (const token of [officer, otherOfficer, await signIn(app, DEMO_PHONES.haolinsheLeader), tokens.get("13600009002")!]) {
      const denied = await gql(app, REGION_STATS, vars(), token);
      expect(denied.data?.regionStatistics).toBeNull();
      expect(denied.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    }
    // the other region's admin gets no station of this region either
    const station = await gql(app, STATS, { stationId: gid("Station", demo.fushan.id), from: FROM.toISOString(), to: TO.toISOString() }, tokens.get("13600009002"));
    expect(station.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    const long = await gql(app, REGION_STATS, { ...vars(), to: new Date(FROM.getTime() + 401 * 24 * HOUR).toISOString() }, tokens.get("13600009001"));
    expect(long.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("a region without stations has an empty list; an unknown region or station is null, not an error", async () => {
    const empty = await prisma.region.create({ data: { name: "新设区域（统计）", city: "衢州市" } });
    const admin = tokens.get("13600009003")!;
    const none = await gql(app, REGION_STATS, { ...vars(), regionId: gid("Region", empty.id) }, admin);
    expect(none.errors).toBeUndefined();
    expect(none.data!.regionStatistics).toEqual({ regionName: "新设区域（统计）", stations: [] });
    const nobody = "00000000-0000-7000-8000-000000000000";
    const unknown = await gql(app, REGION_STATS, { ...vars(), regionId: gid("Region", nobody) }, admin);
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data!.regionStatistics).toBeNull();
    const station = await gql(app, STATS, { stationId: gid("Station", nobody), from: FROM.toISOString(), to: TO.toISOString() }, admin);
    expect(station.errors).toBeUndefined();
    expect(station.data!.stationStatistics).toBeNull();
  });

  it("answers with as many SQL statements for three stations as for two", async () => {
    const count = async () => {
      const before = sqlStats.statements;
      const res = await gql(app, REGION_STATS, vars(), tokens.get("13600009001"));
      expect(res.errors).toBeUndefined();
      return { statements: sqlStats.statements - before, stations: res.data!.regionStatistics.stations.length };
    };
    const two = await count();
    await prisma.station.create({ data: { name: "统计新所", city: "绍兴市", district: "越城区", regionId: region } });
    const three = await count();
    expect([two.stations, three.stations]).toEqual([2, 3]);
    expect(three.statements).toBe(two.statements);
    expect(three.statements).toBeLessThanOrEqual(12);
  });
});

const COMMAND = `query ($stationId: ID!) { commandView(stationId: $stationId) {
  gridId name latitude longitude shifts { shiftId started expected checkedIn missing noShows positions { latitude longitude } } } }`;

describe("commandView", () => {
  it("counts expected, checked in, missing and no-shows per grid for the shifts around now", async () => {
    const now = new Date("2031-03-10T12:00:00.000Z");
    clock.advance(now.getTime() - Date.now());
    // shifts around now: two started (one on a grid, one without), one ahead, one long over
    const team = await prisma.team.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const account = await prisma.account.findFirstOrThrow();
    const vols = await prisma.volunteer.findMany({ where: { name: { startsWith: "统计7-" } }, take: 5 });
    for (const [startH, gridId] of [[-1, grid.id], [-0.5, null], [3, grid.id], [-8, grid.id]] as const) {
      const startsAt = new Date(now.getTime() + startH * HOUR);
      const shift = await prisma.shift.create({
        data: { stationId: demo.fushan.id, teamId: team.id, gridId, kind: "PATROL", title: "当前巡逻", startsAt, endsAt: new Date(startsAt.getTime() + 2 * HOUR), capacity: 5, postCode: "123456", createdById: account.id },
      });
      for (const [i, status] of (["CONFIRMED", "CONFIRMED", "COMPLETED", "NO_SHOW", "WAITLISTED"] as const).entries()) {
        const inNow = i === 0 || status === "COMPLETED";
        await prisma.shiftClaim.create({
          data: { shiftId: shift.id, volunteerId: vols[i]!.id, status, checkedInAt: inNow ? startsAt : null, checkInLat: inNow ? 30.0 : null, checkInLng: inNow ? 120.58 : null },
        });
      }
    }
    const res = await gql(app, COMMAND, { stationId: gid("Station", demo.fushan.id) }, officer);
    expect(res.errors).toBeUndefined();
    const rows = await prisma.$queryRawUnsafe<{ id: string; gridId: string | null; started: boolean; expected: bigint; checkedIn: bigint; missing: bigint; noShows: bigint }[]>(
      `SELECT s.id, s."gridId", s."startsAt" <= $2 AS started,
        (SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c.status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')) AS expected,
        (SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c.status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW') AND c."checkedInAt" IS NOT NULL) AS "checkedIn",
        (SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c.status = 'CONFIRMED' AND c."checkedInAt" IS NULL AND s."startsAt" <= $2) AS missing,
        (SELECT count(*) FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c.status = 'NO_SHOW') AS "noShows"
       FROM "Shift" s WHERE s."stationId" = $1::uuid AND s.status <> 'CANCELLED' AND s."endsAt" > $2::timestamptz - interval '2 hours' AND s."startsAt" < $2::timestamptz + interval '18 hours'`,
      demo.fushan.id, now,
    );
    const got = (res.data!.commandView as { gridId: string | null; shifts: { shiftId: string; positions: unknown[]; started: boolean; expected: number; checkedIn: number; missing: number; noShows: number }[] }[])
      .flatMap((g) => g.shifts.map(({ shiftId, positions: _p, ...c }) => ({ shiftId, gridId: g.gridId, ...c })));
    const want = rows.map((r) => ({ shiftId: gid("Shift", r.id), gridId: r.gridId && gid("Grid", r.gridId), started: r.started, expected: Number(r.expected), checkedIn: Number(r.checkedIn), missing: Number(r.missing), noShows: Number(r.noShows) }));
    const byId = (a: { shiftId: string }, b: { shiftId: string }) => a.shiftId.localeCompare(b.shiftId);
    expect(got.sort(byId)).toEqual(want.sort(byId));
    expect(want.length).toBeGreaterThan(2);
    expect(want.some((w) => w.missing > 0)).toBe(true);
    expect(want.some((w) => !w.started)).toBe(true);
    const positions = res.data!.commandView.flatMap((g: { shifts: { positions: unknown[] }[] }) => g.shifts.flatMap((x) => x.positions));
    expect(positions).toContainEqual({ latitude: 30, longitude: 120.58 });
    // every grid of the station is on the map, with its point
    expect(res.data!.commandView.filter((g: { gridId: string | null }) => g.gridId).length).toBe(await prisma.grid.count({ where: { stationId: demo.fushan.id } }));
    // the other station's officer is refused
    expect((await gql(app, COMMAND, { stationId: gid("Station", demo.fushan.id) }, otherOfficer)).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
  });

  it("lists the open findings of each grid (those the viewer may read) and draws the grids' outlines", async () => {
    const grid = await prisma.grid.findFirstOrThrow({ where: { stationId: demo.fushan.id }, orderBy: { name: "asc" } });
    const ring = [[120.58, 30.0], [120.59, 30.0], [120.59, 30.01], [120.58, 30.0]];
    await prisma.grid.update({ where: { id: grid.id }, data: { outline: { type: "Polygon", coordinates: [ring] } } });
    const team = await prisma.team.findFirstOrThrow({ where: { stationId: demo.fushan.id, id: demo.haolinshe.id } });
    const assigned = await prisma.patrolReport.findFirstOrThrow({ where: { stationId: demo.fushan.id, status: "NEW" } });
    await prisma.patrolReport.update({ where: { id: assigned.id }, data: { status: "ASSIGNED", assignedTeamId: team.id, assignedAt: new Date() } });
    const Q = `query ($stationId: ID!) { commandView(stationId: $stationId) { gridId outline findings { id category status } } }`;
    const res = await gql(app, Q, { stationId: gid("Station", demo.fushan.id) }, officer);
    expect(res.errors).toBeUndefined();
    const grids = res.data!.commandView as { gridId: string | null; outline: string | null; findings: { id: string; status: string }[] }[];
    const open = await prisma.$queryRawUnsafe<{ id: string; gridId: string | null }[]>(
      `SELECT id, "gridId" FROM "PatrolReport" WHERE "stationId" = $1::uuid AND status IN ('NEW', 'ASSIGNED')`, demo.fushan.id,
    );
    const got = grids.flatMap((g) => g.findings.map((f) => `${g.gridId ?? ""}/${f.id}`)).sort();
    expect(got).toEqual(open.map((o) => `${o.gridId ? gid("Grid", o.gridId) : ""}/${gid("PatrolReport", o.id)}`).sort());
    expect(got.length).toBeGreaterThan(3);
    expect(JSON.parse(grids.find((g) => g.gridId === gid("Grid", grid.id))!.outline!)).toEqual({ type: "Polygon", coordinates: [ring] });
    expect(grids.filter((g) => g.gridId && g.gridId !== gid("Grid", grid.id)).every((g) => g.outline === null)).toBe(true);
    // a team leader sees only the findings assigned to their team
    const leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
    const lead = await gql(app, Q, { stationId: gid("Station", demo.fushan.id) }, leader);
    expect(lead.errors).toBeUndefined();
    const leaderAccount = await prisma.account.findFirstOrThrow({ where: { phone: DEMO_PHONES.haolinsheLeader } });
    const theirs = await prisma.patrolReport.findMany({
      where: { stationId: demo.fushan.id, status: { in: ["NEW", "ASSIGNED"] }, OR: [{ assignedTeamId: team.id }, { reporterAccountId: leaderAccount.id }] },
      select: { id: true },
    });
    const leaderSees = (lead.data!.commandView as typeof grids).flatMap((g) => g.findings.map((f) => f.id)).sort();
    expect(leaderSees).toContain(gid("PatrolReport", assigned.id));
    expect(leaderSees).toEqual(theirs.map((x) => gid("PatrolReport", x.id)).sort());
    expect(leaderSees.length).toBeLessThan(got.length);
  });
});
