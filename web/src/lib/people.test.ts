// Member pickers search the station's member list on the server; a viewer who may not read it
// (a squad leader) gets the team's members searched on the client instead.
import { Client, fetchExchange } from "@urql/core";
import { describe, expect, it, vi } from "vitest";
import { teamMembers } from "./people";

type Body = { operationName?: string; query?: string; variables: Record<string, unknown> };

function clientAnswering(answer: (b: Body) => unknown) {
  const bodies: Body[] = [];
  const fetch = vi.fn(async (_url: RequestInfo | URL, init?: RequestInit) => {
    const b = JSON.parse(String(init?.body)) as Body;
    bodies.push(b);
    return new Response(JSON.stringify(answer(b)), { headers: { "content-type": "application/json" } });
  });
  return { client: new Client({ url: "http://api.test/graphql", exchanges: [fetchExchange], fetch, preferGetMethod: false }), bodies };
}
const isPick = (b: Body) => (b.operationName ?? b.query ?? "").includes("PickVolunteers");
const page = (names: string[]) => ({
  __typename: "StationVolunteersConnection",
  pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: null },
  edges: names.map((n, i) => ({ __typename: "StationVolunteerEdge", node: { __typename: "Volunteer", id: `v${i}`, displayName: n, partner: null } })),
});

describe("teamMembers picker", () => {
  it("sends the typed text to Station.volunteers(search, teamId) and shows what the server found", async () => {
    const { client, bodies } = clientAnswering(() => ({ data: { node: { __typename: "Station", id: "s1", volunteers: page(["王小明"]) } } }));
    const load = teamMembers(client, () => "s1", () => "t1");
    const r = await load(" 5678 ", null);
    expect(r.items.map((o) => o.label)).toEqual(["王小明"]);
    expect(bodies).toHaveLength(1);
    expect(isPick(bodies[0]!)).toBe(true);
    expect(bodies[0]!.variables).toMatchObject({ stationId: "s1", teamId: "t1", search: "5678", after: null });
  });

  it("falls back to the team's members searched on the client when the list is FORBIDDEN", async () => {
    const { client, bodies } = clientAnswering((b) =>
      isPick(b)
        ? { data: { node: { __typename: "Station", id: "s1", volunteers: null } }, errors: [{ message: "没有权限查看名册", path: ["node", "volunteers"], extensions: { code: "FORBIDDEN" } }] }
        : {
            data: {
              node: {
                __typename: "Team", id: "t1", name: "好邻舍义警",
                members: {
                  __typename: "TeamMembersConnection", totalCount: 2,
                  pageInfo: { __typename: "PageInfo", hasNextPage: false, endCursor: null },
                  edges: ["王小明", "李四"].map((n, i) => ({ __typename: "TeamMembersConnectionEdge", node: { __typename: "TeamMembership", id: `m${i}`, role: "MEMBER", volunteer: { __typename: "Volunteer", id: `v${i}`, displayName: n, partner: null } } })),
                },
              },
            },
          },
    );
    const load = teamMembers(client, () => "s1", () => "t1");
    expect((await load("小明", null)).items.map((o) => o.label)).toEqual(["王小明"]);
    expect((await load("李", null)).items.map((o) => o.label)).toEqual(["李四"]);
    // Asked once; after FORBIDDEN the picker no longer tries the station's list.
    expect(bodies.filter(isPick)).toHaveLength(1);
  });
});
