// A list filtered by something that changes (status) pages on correctly when the row a cursor names has
// left the filter between two pages: an officer approving the review list's last deed shown, then tapping
// 加载更多, sees the next deed (Prisma skipped it as if it were the cursor's own row; graphql/list-cursor.ts
// rowsAfterCursor).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../api/src/app.js";
import { gql, signIn, startApp } from "./support/client.js";
import { DEMO_PHONES, gid, seedDemoData } from "./support/fixtures.js";
import { inMinutes, teamGid } from "./support/shifts.js";

let app: App;
beforeAll(async () => {
  app = await startApp();
});
afterAll(() => app?.stop());

const SUBMIT = `mutation ($input: SubmitGoodDeedInput!) { submitGoodDeed(input: $input) { goodDeed { id } userErrors { code } } }`;
const APPROVE = `mutation ($input: ApproveGoodDeedInput!) { approveGoodDeed(input: $input) { userErrors { code } } }`;
const LIST = `query ($s: ID!, $first: Int, $after: String, $last: Int, $before: String) { node(id: $s) { ... on Station {
  goodDeeds(status: SUBMITTED, first: $first, after: $after, last: $last, before: $before) { edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage } } } } }`;

type Page = { edges: { cursor: string; node: { id: string } }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean } };

describe("a status-filtered list", () => {
  it("pages on from a row that has left the filter, forward and backward, skipping nobody", async () => {
    const demo = await seedDemoData();
    const station = gid("Station", demo.fushan.id);
    const officer = await signIn(app, DEMO_PHONES.fushanOfficer);
    const leader = await signIn(app, DEMO_PHONES.haolinsheLeader);
    for (let i = 0; i < 5; i++) {
      const r = await gql(app, SUBMIT, { input: { teamId: teamGid(demo.haolinshe.id), category: "OTHER", title: `翻页好事${i}`, story: "帮忙翻页", occurredAt: inMinutes(-60 - i) } }, leader);
      expect(r.data!.submitGoodDeed.userErrors).toEqual([]);
    }
    const list = async (vars: Record<string, unknown>): Promise<Page> => {
      const r = await gql(app, LIST, { s: station, ...vars }, officer);
      expect(r.errors).toBeUndefined();
      return r.data!.node.goodDeeds;
    };
    const all = (await list({ first: 100 })).edges;
    expect(all.length).toBeGreaterThanOrEqual(5);
    const approve = async (id: string) => expect((await gql(app, APPROVE, { input: { goodDeedId: id, points: 1 } }, officer)).data!.approveGoodDeed.userErrors).toEqual([]);

    // Forward: the first two, the second approved, then the next two from its cursor.
    const first = await list({ first: 2 });
    expect(first.edges.map((e) => e.node.id)).toEqual(all.slice(0, 2).map((e) => e.node.id));
    await approve(all[1]!.node.id);
    const next = await list({ first: 2, after: all[1]!.cursor });
    expect(next.edges.map((e) => e.node.id)).toEqual(all.slice(2, 4).map((e) => e.node.id));
    expect(next.pageInfo.hasNextPage).toBe(all.length > 4);

    // Backward: the two before the fifth, with the fifth approved first.
    await approve(all[4]!.node.id);
    const before = await list({ last: 2, before: all[4]!.cursor });
    expect(before.edges.map((e) => e.node.id)).toEqual([all[2]!, all[3]!].map((e) => e.node.id));
    expect(before.pageInfo.hasPreviousPage).toBe(true);

    // A cursor row still in the list: as before.
    const still = await list({ first: 1, after: all[2]!.cursor });
    expect(still.edges.map((e) => e.node.id)).toEqual([all[3]!.node.id]);
    const back = await list({ last: 1, before: all[3]!.cursor });
    expect(back.edges.map((e) => e.node.id)).toEqual([all[2]!.node.id]);
  });
});

describe("a list inside a row (t.relatedConnection)", () => {
  it("answers the cursor of another station's row with an empty page: Prisma looks the cursor up among the parent's rows only", async () => {
    const demo = await seedDemoData();
    const fo = await signIn(app, DEMO_PHONES.fushanOfficer);
    const co = await signIn(app, DEMO_PHONES.changqingOfficer);
    const Q = `query ($s: ID!, $after: String) { node(id: $s) { ... on Station { grids(first: 50, after: $after) { edges { cursor node { name } } } } } }`;
    const grids = async (station: string, token: string, after?: string) => {
      const r = await gql(app, Q, { s: gid("Station", station), after }, token);
      expect(r.errors).toBeUndefined();
      return r.data!.node.grids.edges as { cursor: string; node: { name: string } }[];
    };
    const mine = await grids(demo.fushan.id, fo);
    const theirs = await grids(demo.changqing.id, co);
    expect(mine.length).toBeGreaterThan(2);
    // Its own cursor pages on (what the foreign one would do if Prisma ignored the parent).
    expect((await grids(demo.fushan.id, fo, mine[0]!.cursor)).map((e) => e.node.name)).toEqual(mine.slice(1).map((e) => e.node.name));
    for (const e of theirs) expect(await grids(demo.fushan.id, fo, e.cursor)).toEqual([]);
  });
});
