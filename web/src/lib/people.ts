// Option loaders for member pickers. A team's members are searched on the server (the station's
// member list, `Station.volunteers(search, teamId)`), a page of 20 at a time. That list is for
// officers and the team's leaders; a squad leader running a squad's shift may not read it, so for
// them (FORBIDDEN) the picker pages through `Team.members` and searches on the client instead.
import type { Client } from "@urql/core";
import { searchPages, type LoadOptions, type OptionPage } from "../components/SearchableSelect";
import { AssignableVolunteersDocument, PickVolunteersDocument, TeamMembersDocument } from "../gql/graphql";

function teamMembersOnClient(client: Client, teamId: () => string): LoadOptions {
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

/** The active members of a team of the station, searched by name or the last digits of a phone. */
export function teamMembers(client: Client, stationId: () => string | null, teamId: () => string): LoadOptions {
  const fallback = teamMembersOnClient(client, teamId);
  let forbidden = false;
  return async (search, after): Promise<OptionPage> => {
    const station = stationId();
    if (forbidden || !station) return fallback(search, after);
    const r = await client
      .query(PickVolunteersDocument, { stationId: station, teamId: teamId(), search: search.trim() || null, after }, { requestPolicy: "network-only" })
      .toPromise();
    if (r.error?.graphQLErrors.some((g) => g.extensions?.code === "FORBIDDEN")) {
      forbidden = true;
      return fallback(search, after);
    }
    if (r.error && !r.data) throw r.error;
    const conn = r.data?.node?.__typename === "Station" ? r.data.node.volunteers : null;
    return {
      items: conn?.edges.map((e) => ({ id: e.node.id, label: e.node.displayName, detail: e.node.partner?.name })) ?? [],
      hasNextPage: conn?.pageInfo.hasNextPage ?? false,
      endCursor: conn?.pageInfo.endCursor ?? null,
    };
  };
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
