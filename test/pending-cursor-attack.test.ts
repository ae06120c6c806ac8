// An outside tester on Station.pendingMemberships, a keyset list (invite.type.ts, list-cursor.ts): what a
// cursor tells a caller about rows they may not see, and whether the pages stay whole when applications change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { prisma } from "../api/src/db.js";
import { uuid7 } from "../api/src/lib/uuid7.js";
import { gql, signIn, startApp } from "./support/client.js";
import { DEMO_PHONES, createTeam, createVolunteers, gid, seedDemoData } from "./support/fixtures.js";
import { tokensFor } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const Q = (dir: "after" | "before") =>
  `query ($s: ID!, $c: String) { node(id: $s) { ... on Station { pendingMemberships(${dir === "after" ? "first" : "last"}: 5, ${dir}: $c) { edges { node { id } } } } } }`;
/** The list's cursor (Pothos' compound cursor of `@@unique([status, appliedAt, id])`): where a row sorts. */
const cursor = (id: string, appliedAt: Date, status = "S:PENDING") => Buffer.from(`GPC:T:${JSON.stringify([status, `D:${appliedAt.getTime()}`, `S:${id}`])}`).toString("base64");
/** What the caller is told: the error codes, or "rows". */
const told = (r: { errors?: { message: string; extensions?: Record<string, unknown> }[]; data?: any }) => (r.errors?.length ? r.errors.map((e) => `${e.extensions?.code}: ${e.message}`).join("; ") : "rows");

describe("pendingMemberships: a cursor of a row the caller may not see", () => {
  // A cursor is where to start, looked up nowhere; but refusing the cursor of another station's (or
  // another team's) application while taking one no row has said whether that application still
  // exists (an application rejected is deleted), to whoever held its cursor.
  it("is answered alike whether or not that row exists, for another station's officer and another team's leader, forward and backward", async () => {
    const demo = await seedDemoData();
    const [a, b] = await createVolunteers(2);
    const other = await createTeam(demo.fushan.id);
    const inHaolinshe = await prisma.teamMembership.create({ data: { teamId: demo.haolinshe.id, volunteerId: a!.id, status: "PENDING" } });
    const inOtherTeam = await prisma.teamMembership.create({ data: { teamId: other.id, volunteerId: b!.id, status: "PENDING" } });
    const gone = { id: uuid7(), appliedAt: inHaolinshe.appliedAt };
    const co = await signIn(app, DEMO_PHONES.changqingOfficer);
    const leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
    const seen: Record<string, string[]> = {};
    for (const [who, token, station, hidden] of [
      ["another station's officer", co, demo.changqing.id, inHaolinshe],
      ["another team's leader", leader, demo.fushan.id, inOtherTeam],
    ] as const) {
      for (const dir of ["after", "before"] as const) {
        const ask = (row: { id: string; appliedAt: Date }) => gql(app, Q(dir), { s: gid("Station", station), c: cursor(row.id, row.appliedAt) }, token).then(told);
        seen[`${who} ${dir}`] = [await ask(hidden), await ask(gone)];
      }
    }
    for (const [k, [existing, missing]] of Object.entries(seen)) expect([existing, missing], k).toEqual(["rows", "rows"]);
  });

  it("a cursor that is no uuid is the caller's mistake (游标无效), not a server error", async () => {
    const demo = await seedDemoData();
    const fo = await signIn(app, DEMO_PHONES.fushanOfficer);
    const r = await gql(app, Q("after"), { s: gid("Station", demo.fushan.id), c: cursor("not-a-uuid", new Date()) }, fo);
    expect(r.errors?.map((e) => e.extensions?.code)).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("pendingMemberships: an application changed between two pages", () => {
  async function applications(n: number) {
    const demo = await seedDemoData();
    const fo = await signIn(app, DEMO_PHONES.fushanOfficer);
    const people = await createVolunteers(n);
    const rows = [];
    for (const p of people) rows.push(await prisma.teamMembership.create({ data: { teamId: demo.haolinshe.id, volunteerId: p.id, status: "PENDING" } }));
    const read = async (vars: Record<string, unknown>) => {
      const r = await gql(app, `query ($s: ID!, $first: Int, $after: String, $last: Int, $before: String) { node(id: $s) { ... on Station { pendingMemberships(first: $first, after: $after, last: $last, before: $before) { edges { cursor node { id } } } } } }`, { s: gid("Station", demo.fushan.id), ...vars }, fo);
      expect(r.errors).toBeUndefined();
      return r.data!.node.pendingMemberships.edges as { cursor: string; node: { id: string } }[];
    };
    return { demo, fo, rows: rows.map((r) => gid("TeamMembership", r.id)), read };
  }

  it("the application rejected at a page's start: the page before it, read backward, holds the ones before", async () => {
    const { fo, rows, read } = await applications(4);
    const all = (await read({ first: 100 })).filter((e) => rows.includes(e.node.id));
    const r = await gql(app, `mutation ($input: RejectMembershipInput!) { rejectMembership(input: $input) { userErrors { code message } } }`, { input: { membershipId: rows[2], reason: "名额已满" } }, fo);
    expect(r.data!.rejectMembership.userErrors).toEqual([]);
    const before = await read({ last: 2, before: all[2]!.cursor });
    expect(before.map((e) => e.node.id)).toEqual(rows.slice(0, 2));
  });

  // Applying again after leaving takes the old membership row back (invite.service: status PENDING): ordered
  // by id, or by when it was first asked for, it sorted among the oldest, so the officer paging on from the
  // applications already shown never met it, and the list called the newest application one of the oldest.
  it("an application made again (after leaving) between two pages is on a later page", async () => {
    const { demo, fo, rows, read } = await applications(4);
    const [x] = await createVolunteers(1);
    // Left long ago: its row's id and appliedAt (as the migration backfills it) older than every application.
    const old = await prisma.teamMembership.create({ data: { id: uuid7().replace(/^.{8}/, "00000001"), teamId: demo.haolinshe.id, volunteerId: x!.id, status: "LEFT", appliedAt: new Date("2020-01-01T00:00:00Z") } });
    const first = await read({ first: 100 });
    const at = first.findIndex((e) => e.node.id === rows[1]);
    // Asks again, through an invitation.
    const made = await gql(app, `mutation ($input: CreateTeamInviteInput!) { createTeamInvite(input: $input) { invite { code } userErrors { code } } }`, { input: { teamId: gid("Team", demo.haolinshe.id), expiresAt: new Date(Date.now() + 86_400_000).toISOString(), maxUses: 5 } }, fo);
    expect(made.data!.createTeamInvite.userErrors).toEqual([]);
    const tx = (await tokensFor([x!.phone])).get(x!.phone)!;
    const again = await gql(app, `mutation ($input: AcceptTeamInviteInput!) { acceptTeamInvite(input: $input) { membership { id status } userErrors { code message } } }`, { input: { code: made.data!.createTeamInvite.invite.code } }, tx);
    expect(again.data!.acceptTeamInvite).toEqual({ membership: { id: gid("TeamMembership", old.id), status: "PENDING" }, userErrors: [] });
    const next = await read({ first: 100, after: first[at]!.cursor });
    expect(next.map((e) => e.node.id)).toContain(gid("TeamMembership", old.id));
    // And not on the first pages too: read from the top, it is the last.
    expect((await read({ first: 100 })).at(-1)!.node.id).toBe(gid("TeamMembership", old.id));
  });
});
