// An outside tester's walk over the paginated lists (graphql/list-cursor.ts rowsAfterCursor and the
// shift board's own statement): every page sequence, forward and backward, at sizes 1–3, holds exactly
// the list read at once (nobody skipped, nobody twice) with hasNextPage/hasPreviousPage true only where
// a row lies beyond; first/last 0; a row leaving the list's filter between two pages; a list ordered by
// a column that changes (a mediation case closed moves within the list it is ordered by).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma, sqlStats } from "../api/src/db.js";
import { gql, signIn, startApp } from "./support/client.js";
import { DEMO_PHONES, createStation, createVolunteers, gid, rawId, seedDemoData } from "./support/fixtures.js";
import { CANCEL_CLAIM, CLAIM, inMinutes, publishShift, teamGid, tokensFor } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

type Page = { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null } };
const PAGE = "edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }";
const ARGS = "first: $first, after: $after, last: $last, before: $before";
const VARS = "$first: Int, $after: String, $last: Int, $before: String";

interface List {
  name: string;
  q: string;
  at: (data: any) => Page;
  token: string;
  vars?: Record<string, unknown>;
}

async function read(l: List, vars: Record<string, unknown>): Promise<Page> {
  const r = await gql(app, l.q, { ...l.vars, ...vars }, l.token);
  expect(r.errors, `${l.name} ${JSON.stringify(vars)}`).toBeUndefined();
  return l.at(r.data);
}
const ids = (p: Page) => p.edges.map((e) => e.node.id);

/** Every page sequence of `l` against the list read at once. */
async function walkAll(l: List, min: number) {
  const all = await read(l, { first: 100 });
  const full = ids(all);
  expect(full.length, l.name).toBeGreaterThanOrEqual(min);
  expect(new Set(full).size, `${l.name}: a row twice in one page`).toBe(full.length);
  expect(all.pageInfo.hasNextPage).toBe(false);
  for (const size of [1, 2, 3]) {
    // Forward from the top.
    const seen: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 200; n++) {
      const p: Page = await read(l, { first: size, after });
      seen.push(...ids(p));
      expect(p.pageInfo.hasPreviousPage, `${l.name} first ${size}`).toBe(after !== null);
      expect(p.pageInfo.hasNextPage, `${l.name} first ${size} after ${seen.length}`).toBe(seen.length < full.length);
      if (!p.pageInfo.hasNextPage) break;
      after = p.pageInfo.endCursor;
    }
    expect(seen, `${l.name} forward by ${size}`).toEqual(full);
    // Backward from the bottom.
    const back: string[] = [];
    let before: string | null = null;
    for (let n = 0; n < 200; n++) {
      const p: Page = await read(l, { last: size, before });
      back.unshift(...ids(p));
      expect(p.pageInfo.hasNextPage, `${l.name} last ${size}`).toBe(before !== null);
      expect(p.pageInfo.hasPreviousPage, `${l.name} last ${size} before ${back.length}`).toBe(back.length < full.length);
      if (!p.pageInfo.hasPreviousPage) break;
      before = p.pageInfo.startCursor;
    }
    expect(back, `${l.name} backward by ${size}`).toEqual(full);
  }
  // The edges: exactly N rows, N − 1, zero, after the last, before the first.
  const N = full.length;
  const c = all.edges.map((e) => e.cursor);
  expect((await read(l, { first: N })).pageInfo.hasNextPage).toBe(false);
  const short = await read(l, { first: N - 1 });
  expect([ids(short), short.pageInfo.hasNextPage]).toEqual([full.slice(0, -1), true]);
  const fromSecond = await read(l, { first: N - 1, after: c[0] });
  expect([ids(fromSecond), fromSecond.pageInfo.hasNextPage]).toEqual([full.slice(1), false]);
  const zero = await read(l, { first: 0, after: c[0] });
  expect([ids(zero), zero.pageInfo.hasNextPage]).toEqual([[], true]);
  const zeroBack = await read(l, { last: 0, before: c[N - 1] });
  expect([ids(zeroBack), zeroBack.pageInfo.hasPreviousPage]).toEqual([[], true]);
  const end = await read(l, { first: 5, after: c[N - 1] });
  expect([ids(end), end.pageInfo.hasNextPage]).toEqual([[], false]);
  const top = await read(l, { last: 5, before: c[0] });
  expect([ids(top), top.pageInfo.hasPreviousPage]).toEqual([[], false]);
  const lastN = await read(l, { last: N - 1, before: c[N - 1] });
  expect([ids(lastN), lastN.pageInfo.hasPreviousPage]).toEqual([full.slice(0, -1), false]);
  return all;
}

describe("every page sequence of a list", () => {
  it("holds the list read at once, forward and backward, with its edges right", async () => {
    const demo = await seedDemoData();
    const F = demo.fushan;
    const s = gid("Station", F.id);
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const officerRow = await prisma.account.findUniqueOrThrow({ where: { phone: DEMO_PHONES.fushanOfficer } });
    // Rows the demo may lack: audit entries (a bigint id), shifts, mediation cases (ordered by status first).
    await prisma.auditEntry.createMany({ data: [0, 1, 2, 3, 4, 5].map((i) => ({ stationId: F.id, actorId: officerRow.id, action: "paging.test", summary: `翻页 ${i}` })) });
    for (let i = 0; i < 5; i++) await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: `翻页巡逻${i}`, startsAt: inMinutes(600 + (i % 2) * 60), endsAt: inMinutes(900) });
    await prisma.mediationCase.createMany({
      data: [0, 1, 2, 3, 4, 5].map((i) => ({ stationId: F.id, category: "NEIGHBOUR" as const, summary: `翻页调解${i}`, source: "RESIDENT" as const, openedById: officerRow.id, ...(i % 2 ? { status: "CLOSED" as const, outcome: "FAILED" as const, closedAt: inMinutes(-10), closedById: officerRow.id } : {}), openedAt: inMinutes(-100 - (i % 3)) })),
    });
    const onStation = (field: string, extra = "") => `query ($s: ID!, ${VARS}) { node(id: $s) { ... on Station { ${field}(${ARGS}${extra}) { ${PAGE} } } } }`;
    const lists: List[] = [
      { name: "goodDeeds", q: onStation("goodDeeds"), at: (d) => d.node.goodDeeds, token: officer, vars: { s } },
      { name: "mediationCases", q: onStation("mediationCases"), at: (d) => d.node.mediationCases, token: officer, vars: { s } },
      { name: "auditLog", q: `query ($s: ID!, ${VARS}) { auditLog(stationId: $s, ${ARGS}) { ${PAGE} } }`, at: (d) => d.auditLog, token: officer, vars: { s } },
      { name: "auditLog of one action", q: `query ($s: ID!, ${VARS}) { auditLog(stationId: $s, action: "paging.test", ${ARGS}) { ${PAGE} } }`, at: (d) => d.auditLog, token: officer, vars: { s } },
      { name: "shifts", q: `query ($s: ID!, ${VARS}) { shifts(stationId: $s, ${ARGS}) { ${PAGE} } }`, at: (d) => d.shifts, token: officer, vars: { s } },
      { name: "mediators", q: `query ($s: ID!, ${VARS}) { mediators(stationId: $s, includeInactive: true, ${ARGS}) { ${PAGE} } }`, at: (d) => d.mediators, token: officer, vars: { s } },
      { name: "patrolReports", q: onStation("patrolReports"), at: (d) => d.node.patrolReports, token: officer, vars: { s } },
    ];
    for (const l of lists) await walkAll(l, 3);

    // The statements for a page after a cursor do not grow with the page (one read of one row more).
    for (const l of lists) {
      const all = await read(l, { first: 100 });
      const n = Math.min(all.edges.length - 2, 8);
      const count = async (vars: Record<string, unknown>) => {
        const before = sqlStats.statements;
        const p = await read(l, vars);
        return [sqlStats.statements - before, p.edges.length];
      };
      const c = all.edges[1]!.cursor;
      const [small, big] = [await count({ first: 1, after: c }), await count({ first: n, after: c })];
      expect([l.name, small[0], big[1]]).toEqual([l.name, big[0], n]);
      const [smallBack, bigBack] = [await count({ last: 1, before: all.edges.at(-1)!.cursor }), await count({ last: n, before: all.edges.at(-1)!.cursor })];
      expect([l.name, smallBack[0], bigBack[1]]).toEqual([l.name, bigBack[0], n]);
    }
  });
});

describe("a row leaving the list between two pages", () => {
  it("myShifts(upcoming): a claim cancelled at a page's end, the next page starts with the next claim", async () => {
    const demo = await seedDemoData();
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const [v] = await createVolunteers(1, { teamId: demo.haolinshe.id });
    const tv = (await tokensFor([v!.phone])).get(v!.phone)!;
    for (let i = 0; i < 5; i++) {
      const sh = (await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: `我的翻页${i}`, startsAt: inMinutes(2000 + i * 200), endsAt: inMinutes(2100 + i * 200) })).shift;
      expect((await gql(app, CLAIM, { input: { shiftId: sh.id } }, tv)).data!.claimShift.userErrors).toEqual([]);
    }
    const l: List = { name: "myShifts", q: `query (${VARS}) { viewer { myShifts(upcoming: true, ${ARGS}) { ${PAGE} } } }`, at: (d) => d.viewer.myShifts, token: tv };
    const all = await walkAll(l, 5);
    const full = ids(all);
    const r = await gql(app, CANCEL_CLAIM, { input: { claimId: full[1] } }, tv);
    expect(r.errors).toBeUndefined();
    expect(r.data!.cancelShiftClaim.userErrors).toEqual([]);
    const next = await read(l, { first: 2, after: all.edges[1]!.cursor });
    expect(ids(next)).toEqual(full.slice(2, 4));
    const prev = await read(l, { last: 1, before: all.edges[1]!.cursor });
    expect(ids(prev)).toEqual([full[0]]);
  });

  it("shifts(onlyOpen): a shift cancelled at a page's end, the board's next page (its own statement) and a backward page skip nobody", async () => {
    const demo = await seedDemoData();
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const made = [];
    for (let i = 0; i < 5; i++) made.push((await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: `开放翻页${i}`, startsAt: inMinutes(5000 + i * 60), endsAt: inMinutes(5050 + i * 60) })).shift);
    const s = gid("Station", demo.fushan.id);
    const l: List = { name: "shifts onlyOpen", q: `query ($s: ID!, $from: DateTime, ${VARS}) { shifts(stationId: $s, onlyOpen: true, from: $from, ${ARGS}) { ${PAGE} } }`, at: (d) => d.shifts, token: officer, vars: { s, from: inMinutes(4990) } };
    const all = await walkAll(l, 5);
    const full = ids(all);
    await prisma.shift.update({ where: { id: rawId(full[1]!) }, data: { status: "CANCELLED" } });
    expect(ids(await read(l, { first: 2, after: all.edges[1]!.cursor }))).toEqual(full.slice(2, 4));
    expect(ids(await read(l, { last: 1, before: all.edges[1]!.cursor }))).toEqual([full[0]]);
    await prisma.shift.update({ where: { id: rawId(full[3]!) }, data: { status: "CANCELLED" } });
    expect(ids(await read(l, { last: 2, before: all.edges[3]!.cursor }))).toEqual([full[0], full[2]]);
  });
});

// Found by this walk: a list ordered by a column that the very action taking a row out of it changes (or
// deleting the row) lost the rows after that cursor, while the cursor held the row's id only. Keyset
// cursors (list-cursor.ts) hold the values the row was shown with.
describe("a row the list is ordered by, changed or gone between two pages", () => {
  const PENDING = `query ($s: ID!, ${VARS}) { node(id: $s) { ... on Station { pendingMemberships(${ARGS}) { ${PAGE} } } } }`;
  async function applications(n: number) {
    const demo = await seedDemoData();
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const people = await createVolunteers(n);
    // Applied a minute apart, oldest first (the list's order).
    await prisma.teamMembership.createMany({ data: people.map((p, i) => ({ teamId: demo.haolinshe.id, volunteerId: p.id, status: "PENDING" as const, joinedAt: inMinutes(-60 + i) })) });
    const l: List = { name: "pendingMemberships", q: PENDING, at: (d) => d.node.pendingMemberships, token: officer, vars: { s: gid("Station", demo.fushan.id) } };
    return { l, officer, all: await walkAll(l, n) };
  }

  // approveMembership sets joinedAt to now: while the list was ordered by joinedAt, the approved application
  // moved to the end and the page after it was empty with applications still waiting. Now by id, paged by id.
  it("pendingMemberships: the application approved at a page's end, the next page holds the next applications", async () => {
    const { l, officer, all } = await applications(4);
    const full = ids(all).slice(-4);
    const at = all.edges.findIndex((e) => e.node.id === full[1]);
    const r = await gql(app, `mutation ($input: ApproveMembershipInput!) { approveMembership(input: $input) { userErrors { code message } } }`, { input: { membershipId: full[1] } }, officer);
    expect(r.data!.approveMembership.userErrors).toEqual([]);
    const next = await read(l, { first: 2, after: all.edges[at]!.cursor });
    expect(ids(next)).toEqual(full.slice(2, 4));
  });

  // rejectMembership deletes the row: its cursor was then refused as another list's (游标无效).
  it("pendingMemberships: the application rejected at a page's end, the next page holds the next applications", async () => {
    const { l, officer, all } = await applications(4);
    const full = ids(all).slice(-4);
    const at = all.edges.findIndex((e) => e.node.id === full[1]);
    const r = await gql(app, `mutation ($input: RejectMembershipInput!) { rejectMembership(input: $input) { userErrors { code message } } }`, { input: { membershipId: full[1], reason: "名额已满" } }, officer);
    expect(r.data!.rejectMembership.userErrors).toEqual([]);
    const next = await read(l, { first: 2, after: all.edges[at]!.cursor });
    expect(ids(next)).toEqual(full.slice(2, 4));
  });

  // mediationCases is ordered by status first (OPEN before CLOSED): a case closed at a page's end moves
  // among the closed ones, and the page after it starts there: the open cases after it are never shown.
  it("mediationCases: the case closed at a page's end, the next page holds the next open cases", async () => {
    // A station of its own: the cases below are all its cases.
    const { station, officer } = await createStation();
    const tok = officer.token;
    await prisma.mediationCase.createMany({
      data: [0, 1, 2, 3].map((i) => ({ stationId: station.id, category: "NEIGHBOUR" as const, summary: `调解${i}`, source: "RESIDENT" as const, openedById: officer.accountId, openedAt: inMinutes(-10 - i) })),
    });
    const l: List = { name: "mediationCases", q: `query ($s: ID!, ${VARS}) { node(id: $s) { ... on Station { mediationCases(${ARGS}) { ${PAGE} } } } }`, at: (d) => d.node.mediationCases, token: tok, vars: { s: gid("Station", station.id) } };
    const all = await walkAll(l, 4);
    const full = ids(all);
    const r = await gql(app, `mutation ($input: CloseMediationCaseInput!) { closeMediationCase(input: $input) { userErrors { code message } } }`, { input: { caseId: full[1], outcome: "FAILED" } }, tok);
    expect(r.data!.closeMediationCase.userErrors).toEqual([]);
    const next = await read(l, { first: 2, after: all.edges[1]!.cursor });
    expect(ids(next)).toEqual(full.slice(2, 4));
  });
});

describe("a list ordered by a time that is changed between two pages", () => {
  // The board (加载更多 on /shifts) pages from the cursor shift's start as it is now: a shift moved
  // later by its leader after the page was read takes the shifts between its old and new start with it.
  it("shifts: the last shift shown moved a week later, the next page holds the shifts after where it was", async () => {
    const demo = await seedDemoData();
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    for (let i = 0; i < 4; i++) await publishShift(app, officer, { teamId: teamGid(demo.haolinshe.id), title: `改期翻页${i}`, startsAt: inMinutes(8000 + i * 60), endsAt: inMinutes(8030 + i * 60) });
    const l: List = { name: "shifts", q: `query ($s: ID!, $from: DateTime, $to: DateTime, ${VARS}) { shifts(stationId: $s, from: $from, to: $to, ${ARGS}) { ${PAGE} } }`, at: (d) => d.shifts, token: officer, vars: { s: gid("Station", demo.fushan.id), from: inMinutes(7990), to: inMinutes(8000 + 60 * 24 * 14) } };
    const all = await walkAll(l, 4);
    const full = ids(all);
    await prisma.shift.update({ where: { id: rawId(full[1]!) }, data: { startsAt: inMinutes(8000 + 60 * 24 * 7), endsAt: inMinutes(8030 + 60 * 24 * 7) } });
    expect(ids(await read(l, { first: 2, after: all.edges[1]!.cursor }))).toEqual(full.slice(2, 4));
  });
});

describe("a forged keyset cursor", () => {
  // The keyset lists take the sort values from the cursor (list-cursor.ts keysetValues): each part of the
  // wrong type, a time that is none, an enum value the column lacks, another station's: the caller's
  // mistake (BAD_USER_INPUT), never a database error, forward and backward.
  it("is refused as 游标无效 on the board, mediationCases and pendingMemberships", async () => {
    const demo = await seedDemoData();
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const s = gid("Station", demo.fushan.id);
    const [F, C] = [demo.fushan.id, demo.changqing.id];
    const id = "019ac7e1-2b3c-7def-8000-000000000000";
    const t = (...parts: unknown[]) => Buffer.from(`GPC:T:${JSON.stringify(parts)}`).toString("base64");
    const raw = (text: string) => Buffer.from(text).toString("base64");
    const on = (field: string, dir: "after" | "before") => `query ($s: ID!, $c: String) { node(id: $s) { ... on Station { ${field}(${dir === "after" ? "first" : "last"}: 2, ${dir}: $c) { edges { cursor } } } } }`;
    const board = (dir: "after" | "before") => `query ($s: ID!, $c: String) { shifts(stationId: $s, ${dir === "after" ? "first" : "last"}: 2, ${dir}: $c) { edges { cursor } } }`;
    // Refused before execution (limits.ts, the cursor's shape: Pothos would fail on it while resolving) or
    // by the list (list-cursor.ts keysetValues, each value's type: the database would fail on it).
    const [SHAPE, VALUE] = ["`after` 不是有效的游标", "游标无效：不是这个列表的游标"];
    const lists: [string, (dir: "after" | "before") => string, [string, string][]][] = [
      // [list, query, [forged cursor, refusal]]
      ["shifts", board, [
        [t(`S:${F}`, "D:abc", `S:${id}`), VALUE], // a time that is none
        [t(`S:${F}`, "D:99999999999999999999", `S:${id}`), VALUE], // beyond what a Date holds
        [t(`S:${F}`, "S:2026-11-28", `S:${id}`), VALUE], // a string for a time
        [t(`S:${F}`, "N:1764300000000", `S:${id}`), VALUE], // a number for a time
        [t(`S:${F}`, "D:1764300000000", "S:not-a-uuid"), VALUE],
        [t(`S:${F}`, "D:1764300000000", "N:5"), VALUE],
        [t(`S:${F}`, "D:1764300000000", `O:{"id":"${id}"}`), VALUE],
        [t(`S:${C}`, "D:1764300000000", `S:${id}`), VALUE], // another station's
        [t("D:1764300000000", `S:${id}`, `S:${F}`), VALUE], // shuffled
        [t(`S:${F}`, "D:1764300000000", null), SHAPE],
        [t(`S:${F}`, "D:1764300000000"), SHAPE], // too few parts
        [t(`S:${F}`, "D:1764300000000", `S:${id}`, "S:x"), SHAPE], // too many
        [t(`S:${F}`, "I:abc", `S:${id}`), SHAPE], // no bigint
        [t(`S:${F}`, `T:["D:1"]`, `S:${id}`), SHAPE], // nested
        [raw(`GPC:T:["S:x"`), SHAPE], [raw(`GPC:T:{"a":1}`), SHAPE], [raw(`GPC:T:["X:1","Q",7]`), SHAPE], [raw("GPC:T:[1,2,3]"), SHAPE], [raw("GPC:T:"), SHAPE],
        [raw(`GPC:S:${id}`), SHAPE], // a row id: the cursor these lists took before
      ]],
      ["mediationCases", (dir) => on("mediationCases", dir), [
        [t(`S:${F}`, "S:REOPENED", "D:1764300000000", `S:${id}`), VALUE], // no such status
        [t(`S:${F}`, "N:0", "D:1764300000000", `S:${id}`), VALUE],
        [t(`S:${F}`, "S:OPEN", "D:NaN", `S:${id}`), VALUE],
        [t(`S:${F}`, "S:OPEN", `S:${id}`, "D:1764300000000"), VALUE],
        [t(`S:${C}`, "S:OPEN", "D:1764300000000", `S:${id}`), VALUE],
        [t(`S:${F}`, "S:OPEN", "D:1764300000000"), SHAPE],
      ]],
      ["pendingMemberships", (dir) => on("pendingMemberships", dir), [
        [t("S:ACTIVE", "D:1764300000000", `S:${id}`), VALUE], // another status than the list's
        [t("S:PENDING", "I:1764300000000", `S:${id}`), VALUE],
        [t("S:PENDING", "D:1764300000000", "S:'; DROP TABLE x; --"), VALUE],
        [t("O:[1]", "D:1764300000000", `S:${id}`), VALUE],
      ]],
    ];
    const wrong: unknown[] = [];
    for (const [name, q, cursors] of lists) {
      for (const [c, refusal] of cursors) {
        for (const dir of ["after", "before"] as const) {
          const r = await gql(app, q(dir), { s, c }, officer);
          const told = r.errors?.map((e) => [e.message, e.extensions?.code]);
          const expected = [[refusal.replace("after", dir), "BAD_USER_INPUT"]];
          if (JSON.stringify(told) !== JSON.stringify(expected)) wrong.push([name, dir, Buffer.from(c, "base64").toString(), told]);
        }
      }
    }
    expect(wrong).toEqual([]);
    // A keyset cursor on a list of row id cursors, and the other way round: another list's.
    const deeds = `query ($s: ID!, $c: String) { node(id: $s) { ... on Station { goodDeeds(first: 2, after: $c) { edges { cursor } } } } }`;
    const r = await gql(app, deeds, { s, c: t(`S:${F}`, "D:1764300000000", `S:${id}`) }, officer);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
    // And the real cursors still page.
    const top = await gql(app, board("after"), { s, c: null }, officer);
    const cursor = top.data!.shifts.edges.at(-1)?.cursor;
    if (cursor) expect((await gql(app, board("after"), { s, c: cursor }, officer)).errors).toBeUndefined();
  });
});

describe("a cursor of another kind of id", () => {
  // A bigint cursor (the audit log's, `GPC:I:`; the inbox's, `GPC:N:`) on a list of uuid rows, and a
  // uuid or number cursor on the audit log: the caller's mistake (BAD_USER_INPUT), not a server error.
  it("is refused as another list's cursor, by anyone, forward and backward", async () => {
    const demo = await seedDemoData();
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const s = gid("Station", demo.fushan.id);
    const deed = await prisma.goodDeed.findFirstOrThrow({ where: { stationId: demo.fushan.id } });
    const entry = await prisma.auditEntry.create({ data: { stationId: demo.fushan.id, action: "paging.test", summary: "游标种类" } });
    const c = (raw: string) => Buffer.from(raw).toString("base64");
    const [num, big, uuid] = [c(`GPC:N:${entry.id}`), c(`GPC:I:${entry.id}`), c(`GPC:S:${deed.id}`)];
    const cases: [string, string, string, string | null][] = [
      ["goodDeeds", `query ($s: ID!, $c: String) { node(id: $s) { ... on Station { goodDeeds(first: 2, after: $c) { edges { cursor } } } } }`, num, officer],
      ["goodDeeds", `query ($s: ID!, $c: String) { node(id: $s) { ... on Station { goodDeeds(last: 2, before: $c) { edges { cursor } } } } }`, big, officer],
      ["shifts", `query ($s: ID!, $c: String) { shifts(stationId: $s, first: 2, after: $c) { edges { cursor } } }`, num, officer],
      ["shifts", `query ($s: ID!, $c: String) { shifts(stationId: $s, first: 2, after: $c) { edges { cursor } } }`, big, officer],
      ["shifts", `query ($s: ID!, $c: String) { shifts(stationId: $s, last: 2, before: $c) { edges { cursor } } }`, big, officer],
      ["publicBulletins", `query ($s: ID!, $c: String) { publicBulletins(stationId: $s, first: 2, after: $c) { edges { cursor } } }`, num, null],
      ["publicBulletins", `query ($s: ID!, $c: String) { publicBulletins(stationId: $s, first: 2, after: $c) { edges { cursor } } }`, big, null],
      ["auditLog", `query ($s: ID!, $c: String) { auditLog(stationId: $s, first: 2, after: $c) { edges { cursor } } }`, uuid, officer],
      ["auditLog", `query ($s: ID!, $c: String) { auditLog(stationId: $s, last: 2, before: $c) { edges { cursor } } }`, uuid, officer],
      // A number where the audit log's ids are bigints: it paged (from that entry, the entry itself shown again).
      ["auditLog", `query ($s: ID!, $c: String) { auditLog(stationId: $s, first: 2, after: $c) { edges { cursor } } }`, num, officer],
    ];
    for (const [name, q, cursor, token] of cases) {
      const r = await gql(app, q, { s, c: cursor }, token);
      // Refused before execution (limits.ts validCursor) or by the list (list-cursor.ts): the caller's mistake.
      const refusal = r.errors?.map((e) => [/^(`(after|before)` 不是有效的游标|游标无效：不是这个列表的游标)$/.test(e.message), e.extensions?.code]);
      expect([name, Buffer.from(cursor, "base64").toString(), refusal]).toEqual([name, Buffer.from(cursor, "base64").toString(), [[true, "BAD_USER_INPUT"]]]);
    }
  });

  // The lists Pothos loads with their parent (a station's teams and grids, a team's members and squads):
  // a number's cursor failed the parent's query. Refused before execution, as a malformed cursor.
  it("is refused on the lists loaded with their parent, before anything runs", async () => {
    const demo = await seedDemoData();
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const [s, t] = [gid("Station", demo.fushan.id), gid("Team", demo.haolinshe.id)];
    const c = (raw: string) => Buffer.from(raw).toString("base64");
    const on = (type: string, field: string) => `query ($p: ID!, $c: String) { node(id: $p) { ... on ${type} { ${field}(first: 2, after: $c) { edges { cursor } } } } }`;
    const cases: [string, string, string][] = [
      [on("Station", "teams"), s, "GPC:N:1"],
      [on("Station", "grids"), s, "GPC:I:1"],
      [on("Team", "members"), t, "GPC:I:1"],
      [on("Team", "squads"), t, "GPC:N:1"],
    ];
    for (const [q, p, raw] of cases) {
      const r = await gql(app, q, { p, c: c(raw) }, officer);
      expect([q, raw, r.errors?.map((e) => [e.message, e.extensions?.code])]).toEqual([q, raw, [["`after` 不是有效的游标", "BAD_USER_INPUT"]]]);
    }
    // The two lists of bigint rows keep their own cursors.
    const audit = await gql(app, `query ($s: ID!) { auditLog(stationId: $s, first: 1) { edges { cursor } } }`, { s }, officer);
    const next = await gql(app, `query ($s: ID!, $c: String) { auditLog(stationId: $s, first: 1, after: $c) { edges { cursor } } }`, { s, c: audit.data!.auditLog.edges[0].cursor }, officer);
    expect(next.errors).toBeUndefined();
    const inbox = await gql(app, `{ viewer { notifications(first: 1) { edges { cursor } } } }`, {}, officer);
    expect(inbox.errors).toBeUndefined();
    const edges = inbox.data!.viewer.notifications.edges;
    if (edges.length) {
      const more = await gql(app, `query ($c: String) { viewer { notifications(first: 1, after: $c) { edges { cursor } } } }`, { c: edges[0].cursor }, officer);
      expect(more.errors).toBeUndefined();
    }
  });
});
