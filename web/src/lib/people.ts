// Option loaders for member pickers: page through a connection with `after` and search it on the
// client. When the API gains a `search` argument on member lists, pass it here instead.
import type { Client } from "@urql/core";
import { searchPages, type LoadOptions } from "../components/SearchableSelect";
import { PartnerPeopleDocument, TeamMembersDocument } from "../gql/graphql";

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

export function partnerPeople(client: Client, partnerId: () => string): LoadOptions {
  return searchPages(async (after) => {
    const r = await client.query(PartnerPeopleDocument, { partnerId: partnerId(), after }, { requestPolicy: "cache-first" }).toPromise();
    if (r.error && !r.data) throw r.error;
    const conn = r.data?.node?.__typename === "Partner" ? r.data.node.volunteers : null;
    return {
      items: conn?.edges.map((e) => ({ id: e.node.id, label: e.node.displayName })) ?? [],
      hasNextPage: conn?.pageInfo.hasNextPage ?? false,
      endCursor: conn?.pageInfo.endCursor ?? null,
    };
  });
}
