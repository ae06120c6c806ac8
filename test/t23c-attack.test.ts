// Outside attack on `shifts(onlyMyTeams:)` (session 23): leaders, two stations, every filter beside
// it, keyset pages both ways, an upper-case station id, a membership changed right before the query.
// The filtered board must be exactly the unfiltered board's shifts the viewer's memberships let them
// claim: never one blocked NOT_IN_TEAM / NOT_IN_SQUAD, never one whose blocker is null dropped.
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { clock } from "../api/src/clock.js";
import { prisma } from "../api/src/db.js";
import { gql, startApp } from "./support/client.js";
import { createSquad, createStation, createTeam, createVolunteers, gid, rawId, seedDemoData, type Person } from "./support/fixtures.js";
import { CLAIM, publishShift } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  await seedDemoData();
  app = await startApp();
});
afterAll(() => app?.stop());
afterEach(() => clock.reset());

const BOARD = `query ($s: ID!, $team: ID, $squad: ID, $kind: ShiftKind, $open: Boolean, $from: DateTime, $to: DateTime, $mine: Boolean,
  $first: Int, $after: String, $last: Int, $before: String) {
  shifts(stationId: $s, teamId: $team, squadId: $squad, kind: $kind, onlyOpen: $open, from: $from, to: $to, onlyMyTeams: $mine,
    first: $first, after: $after, last: $last, before: $before) {
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id title viewerCanClaim viewerClaimBlocker } } } }`;
type Node = { id: string; title: string; viewerCanClaim: boolean; viewerClaimBlocker: string | null };
type Args = { s: string; team?: string; squad?: string; kind?: string; open?: boolean; from?: Date; to?: Date; mine?: boolean };

async function page(token: string, vars: Record<string, unknown>) {
  const r = await gql(app, BOARD, vars, token);
  expect(r.errors).toBeUndefined();
  return r.data!.shifts as { pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string }; edges: { cursor: string; node: Node }[] };
}
/** The whole board in one page of 100 (the board's own statement). */
const whole = async (token: string, a: Args) => (await page(token, { ...a, first: 100 })).edges.map((e) => e.node);
/** Forward pages of `n` after each page's end cursor. */
async function forward(token: string, a: Args, n: number) {
  const out: Node[] = [];
  let after: string | undefined;
  for (let i = 0; i < 100; i++) {
    const p = await page(token, { ...a, first: n, after });
    out.push(...p.edges.map((e) => e.node));
    if (!p.pageInfo.hasNextPage) return out;
    expect(p.edges.length).toBe(n);
    after = p.pageInfo.endCursor;
  }
  throw new Error("no end");
}
/** Backward pages of `n` before each page's start cursor (the Prisma path). */
async function backward(token: string, a: Args, n: number) {
  const out: Node[] = [];
  let before: string | undefined;
  for (let i = 0; i < 100; i++) {
    const p = await page(token, { ...a, last: n, before });
    out.unshift(...p.edges.map((e) => e.node));
    if (!p.pageInfo.hasPreviousPage) return out;
    expect(p.edges.length).toBe(n);
    before = p.pageInfo.startCursor;
  }
  throw new Error("no end");
}

/** What the viewer's memberships allow, from the tables (not from the API): ACTIVE volunteer, ACTIVE team membership, active squad membership. */
async function allowed(volunteerId: string) {
  const v = await prisma.volunteer.findUniqueOrThrow({ where: { id: volunteerId } });
  if (v.status !== "ACTIVE") return () => false;
  const teams = new Set((await prisma.teamMembership.findMany({ where: { volunteerId, status: "ACTIVE" } })).map((m) => m.teamId));
  const squads = new Set((await prisma.squadMembership.findMany({ where: { volunteerId, active: true } })).map((m) => m.squadId));
  const shifts = new Map((await prisma.shift.findMany({ select: { id: true, teamId: true, squadId: true } })).map((s) => [s.id, s]));
  return (globalId: string) => {
    const s = shifts.get(rawId(globalId))!;
    return teams.has(s.teamId) && (!s.squadId || squads.has(s.squadId));
  };
}

const ids = (ns: Node[]) => ns.map((n) => n.id);

/** The invariant, on one viewer and one set of arguments, through every path. */
async function check(who: Person, a: Args) {
  const all = await whole(who.token, { ...a, mine: false });
  const may = await allowed(who.id);
  const expected = all.filter((n) => may(n.id));
  for (const n of all) {
    // The membership blockers mean "not allowed"; an unblocked shift is allowed.
    if (n.viewerClaimBlocker === "NOT_IN_TEAM" || n.viewerClaimBlocker === "NOT_IN_SQUAD") expect(may(n.id), n.title).toBe(false);
    if (n.viewerClaimBlocker === null) expect(may(n.id), n.title).toBe(true);
  }
  const kept = await whole(who.token, { ...a, mine: true });
  expect(ids(kept)).toEqual(ids(expected));
  for (const n of kept) expect(["NOT_IN_TEAM", "NOT_IN_SQUAD"]).not.toContain(n.viewerClaimBlocker);
  const keptIds = new Set(ids(kept));
  for (const n of all) if (n.viewerClaimBlocker === null) expect(keptIds.has(n.id), n.title).toBe(true);
  // Pages of 2 and of 1, forward and backward: nothing skipped or repeated.
  for (const n of [1, 2]) {
    expect(ids(await forward(who.token, { ...a, mine: true }, n))).toEqual(ids(expected));
    expect(ids(await backward(who.token, { ...a, mine: true }, n))).toEqual(ids(expected));
  }
  return kept.map((n) => n.title);
}

describe("onlyMyTeams under attack", () => {
  it("leaders, two stations, every filter, pages both ways, upper-case ids, memberships changed just before", { timeout: 240_000 }, async () => {
    const s = await createStation();
    const s2 = await createStation();
    const teamA = s.team;
    const teamB = await createTeam(s.station.id);
    const [a1, a2, b1] = [await createSquad(teamA.id), await createSquad(teamA.id), await createSquad(teamB.id)];
    const [squadLeader] = await createVolunteers(1, { teamId: teamA.id, squadIds: [a1.id], squadRole: "LEADER" });
    const [teamLeader] = await createVolunteers(1, { teamId: teamA.id, teamRole: "LEADER" });
    const [twoStations] = await createVolunteers(1, { teamId: teamB.id, squadIds: [b1.id] });
    await prisma.teamMembership.create({ data: { teamId: s2.team.id, volunteerId: twoStations!.id } });
    const [changing] = await createVolunteers(1, { teamId: teamA.id, squadIds: [a1.id] });
    await prisma.teamMembership.create({ data: { teamId: teamB.id, volunteerId: changing!.id } });
    const [other] = await createVolunteers(1, { teamId: teamA.id, specialties: [] });

    const t0 = Date.now() + 80_000 * 60_000;
    const at = (m: number) => new Date(t0 + m * 60_000);
    const officer = s.officer.token;
    const pub = (team: string, title: string, m: number, extra: Record<string, unknown> = {}) =>
      publishShift(app, officer, { teamId: gid("Team", team), title, startsAt: at(m), endsAt: at(m + 60), ...extra }).then((r) => r.shift);
    // Several at the same start (ties broken by id across page boundaries), every team and squad, two kinds.
    const made = [];
    for (let i = 0; i < 3; i++) {
      made.push(await pub(teamA.id, `A全队${i}`, 0));
      made.push(await pub(teamA.id, `A1小队${i}`, 0, { squadId: gid("Squad", a1.id) }));
      made.push(await pub(teamA.id, `A2小队${i}`, 0, { squadId: gid("Squad", a2.id), kind: "NIGHT_PATROL" }));
      made.push(await pub(teamB.id, `B全队${i}`, 30 * i, { kind: "NIGHT_PATROL" }));
      made.push(await pub(teamB.id, `B1小队${i}`, 30 * i + 5, { squadId: gid("Squad", b1.id) }));
    }
    const cancelled = await pub(teamA.id, "A取消", 200);
    await prisma.shift.update({ where: { id: rawId(cancelled.id) }, data: { status: "CANCELLED" } });
    await pub(teamA.id, "A专长", 210, { requiredSpecialty: "MEDICAL_GUARD" });
    const full = await pub(teamA.id, "A满员", 300, { capacity: 1 });
    expect((await gql(app, CLAIM, { input: { shiftId: full.id } }, other!.token)).data!.claimShift.userErrors).toEqual([]);
    // Another station's shift at the same time (the two-station volunteer's own team there).
    await publishShift(app, s2.officer.token, { teamId: gid("Team", s2.team.id), title: "别所班", startsAt: at(0), endsAt: at(60) });

    const S = gid("Station", s.station.id);
    const base: Args = { s: S, from: at(-1), to: at(1000) };
    const people = { squadLeader: squadLeader!, teamLeader: teamLeader!, twoStations: twoStations!, changing: changing! };
    const combos: Args[] = [
      base,
      { ...base, team: gid("Team", teamA.id) },
      { ...base, team: gid("Team", teamB.id) },
      { ...base, squad: gid("Squad", a1.id) },
      { ...base, squad: gid("Squad", b1.id) },
      { ...base, kind: "NIGHT_PATROL" },
      { ...base, open: true },
      { ...base, from: at(20), to: at(70) },
      { ...base, team: gid("Team", teamA.id), squad: gid("Squad", a1.id), open: true },
      { s: S }, // from: now, no to
      { ...base, s: gid("Station", s.station.id.toUpperCase()) },
      { ...base, s: gid("Station", s.station.id.toUpperCase()), team: gid("Team", teamB.id.toUpperCase()), squad: gid("Squad", b1.id.toUpperCase()) },
    ];
    for (const [name, who] of Object.entries(people)) for (const a of combos) await check(who, a).catch((e) => { throw new Error(`${name} ${JSON.stringify(a)}: ${e.message}`); });

    const titles = async (who: Person, a: Args = base) => (await whole(who.token, { ...a, mine: true })).map((n) => n.title).sort();
    expect(await titles(squadLeader!)).toEqual(["A1小队0", "A1小队1", "A1小队2", "A全队0", "A全队1", "A全队2", "A专长", "A取消", "A满员"].sort());
    // A team leader not in a squad may not claim its squads' shifts (shift.claim), so they are not theirs.
    expect(await titles(teamLeader!)).toEqual(["A全队0", "A全队1", "A全队2", "A专长", "A取消", "A满员"].sort());
    expect(await titles(twoStations!)).toEqual(["B1小队0", "B1小队1", "B1小队2", "B全队0", "B全队1", "B全队2"].sort());
    expect(await titles(twoStations!, { s: gid("Station", s2.station.id), from: at(-1), to: at(1000) })).toEqual(["别所班"]);

    // A cursor of the unfiltered board, on a shift the filter drops, goes on from where that shift stands, both ways.
    const unfiltered = await page(squadLeader!.token, { ...base, first: 100 });
    const mineAll = await whole(squadLeader!.token, { ...base, mine: true });
    for (const [k, e] of unfiltered.edges.entries()) {
      const later = new Set(unfiltered.edges.slice(k + 1).map((x) => x.node.id));
      const earlier = new Set(unfiltered.edges.slice(0, k).map((x) => x.node.id));
      const fwd = await page(squadLeader!.token, { ...base, mine: true, first: 100, after: e.cursor });
      expect(ids(fwd.edges.map((x) => x.node)), e.node.title).toEqual(ids(mineAll.filter((n) => later.has(n.id))));
      const back = await page(squadLeader!.token, { ...base, mine: true, last: 100, before: e.cursor });
      expect(ids(back.edges.map((x) => x.node)), e.node.title).toEqual(ids(mineAll.filter((n) => earlier.has(n.id))));
      const fwd2 = await page(squadLeader!.token, { ...base, mine: true, first: 2, after: e.cursor });
      expect(ids(fwd2.edges.map((x) => x.node))).toEqual(ids(mineAll.filter((n) => later.has(n.id))).slice(0, 2));
    }

    // Memberships changed right before the query: a suspended team membership, a deactivated squad one.
    await prisma.teamMembership.update({ where: { teamId_volunteerId: { teamId: teamA.id, volunteerId: changing!.id } }, data: { status: "SUSPENDED" } });
    for (const a of combos) await check(changing!, a);
    expect(await titles(changing!)).toEqual(["B全队0", "B全队1", "B全队2"].sort());
    await prisma.teamMembership.update({ where: { teamId_volunteerId: { teamId: teamA.id, volunteerId: changing!.id } }, data: { status: "PENDING" } });
    expect(await titles(changing!)).toEqual(["B全队0", "B全队1", "B全队2"].sort());
    await prisma.teamMembership.update({ where: { teamId_volunteerId: { teamId: teamA.id, volunteerId: changing!.id } }, data: { status: "ACTIVE" } });
    expect(await titles(changing!)).toContain("A1小队0");
    await prisma.squadMembership.updateMany({ where: { squadId: a1.id, volunteerId: changing!.id }, data: { active: false } });
    expect(await titles(changing!)).not.toContain("A1小队0");
    for (const a of combos) await check(changing!, a);
    // The volunteer suspended: no team rights at all, nothing of theirs (or no board).
    await prisma.volunteer.update({ where: { id: changing!.id }, data: { status: "SUSPENDED" } });
    const r = await gql(app, BOARD, { ...base, mine: true, first: 5 }, changing!.token);
    expect(r.data?.shifts?.edges ?? []).toEqual([]);
  });
});
