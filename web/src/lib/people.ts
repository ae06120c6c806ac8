// Option loaders for member pickers: page through a connection with `after` and search it on the
// client. When the API gains a `search` argument on member lists, pass it here instead.
import type { Client } from "@urql/core";
import { searchPages, type LoadOptions } from "../components/SearchableSelect";
import { AssignableVolunteersDocument, TeamMembersDocument } from "../gql/graphql";

export function teamMembers(client: Client, teamId: () => string): LoadOptions {
  return searchPages(async (after) => {
    const r = await client.query(TeamMembersDocument, { teamId: teamId(), after }, { requestPolicy: "cache-first" }).toPromise();
    if (r.error && !r.data) throw r.error;
    const conn = r.data?.node?.__typename === "Team" ? r.data.node.members : null;
    return {
      items: conn?.edges.map((e) => ({ id: e.node.volunteer.id, label: e.node.volunteer.displayName, detail: e.node.volunteer.partner?.name })) ?? [],
      hasNextPage: conn?.pageInfo.hasNextPage ?? false,
      endCursor: conn?.pageInfo.endCursor ?? null,
    };
  });
}

/**
 * People who may be put on a shift (the API applies the claim's rules: team, squad, specialty, no
 * overlapping shift, not already on it); `rotation`: only the partner's own people for its turn.
 */
export function assignablePeople(client: Client, shiftId: () => string, rotation = false): LoadOptions {
  return async (search, after) => {
    const r = await client
      .query(AssignableVolunteersDocument, { shiftId: shiftId(), search: search.trim() || null, rotation, after }, { requestPolicy: "network-only" })
      .toPromise();
    if (r.error && !r.data) throw r.error;
    const conn = r.data?.node?.__typename === "Shift" ? r.data.node.assignableVolunteers : null;
    return {
      items: conn?.edges.map((e) => ({ id: e.node.id, label: e.node.displayName, detail: rotation ? undefined : e.node.partner?.name })) ?? [],
      hasNextPage: conn?.pageInfo.hasNextPage ?? false,
      endCursor: conn?.pageInfo.endCursor ?? null,
    };
  };
}
