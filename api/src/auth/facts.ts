// Facts the policy decides on, read from the resources' own rows (never from the input alone).
import { prisma, type Tx } from "../db.js";
import type { PersonFacts } from "./policy.js";

type Db = Tx | typeof prisma;

type Status = "ACTIVE" | "PENDING" | "SUSPENDED" | "LEFT";

/**
 * Where each volunteer belongs (ACTIVE memberships; squads only inside an ACTIVE team membership),
 * where they asked to join (PENDING) or are suspended, their 共建单位 and whether their account holds
 * a granted role.
 */
export async function peopleFacts(db: Db, volunteerIds: readonly string[]): Promise<Map<string, PersonFacts>> {
  const ids = [...new Set(volunteerIds)];
  const rows = ids.length
    ? await db.$queryRaw<{ id: string; partnerId: string | null; teams: { teamId: string; stationId: string; status: Status }[]; squads: string[]; granted: boolean }[]>`
        SELECT v.id, v."partnerId",
               COALESCE((SELECT json_agg(json_build_object('teamId', m."teamId", 'stationId', t."stationId", 'status', m.status))
                         FROM "TeamMembership" m JOIN "Team" t ON t.id = m."teamId" WHERE m."volunteerId" = v.id), '[]') AS teams,
               COALESCE((SELECT array_agg(sm."squadId"::text) FROM "SquadMembership" sm JOIN "Squad" q ON q.id = sm."squadId"
                         JOIN "TeamMembership" tm ON tm."teamId" = q."teamId" AND tm."volunteerId" = sm."volunteerId" AND tm.status = 'ACTIVE'
                         WHERE sm."volunteerId" = v.id AND sm.active), '{}') AS squads,
               EXISTS (SELECT 1 FROM "Account" a JOIN "AccountRole" r ON r."accountId" = a.id WHERE a."volunteerId" = v.id) AS granted
        FROM "Volunteer" v WHERE v.id = ANY(${ids}::uuid[])`
    : [];
  return new Map(
    rows.map((r) => {
      const active = r.teams.filter((t) => t.status === "ACTIVE");
      return [
        r.id,
        {
          volunteerId: r.id,
          partnerId: r.partnerId,
          teamIds: active.map((t) => t.teamId),
          stationIds: [...new Set(active.map((t) => t.stationId))],
          squadIds: r.squads,
          hasGrantedRole: r.granted,
          pendingTeams: r.teams.filter((t) => t.status === "PENDING").map((t) => ({ teamId: t.teamId, stationId: t.stationId })),
          suspendedStationIds: [...new Set(r.teams.filter((t) => t.status === "SUSPENDED").map((t) => t.stationId))],
          formerStationIds: [...new Set(r.teams.filter((t) => t.status === "LEFT").map((t) => t.stationId))],
        },
      ];
    }),
  );
}

/** The facts of one volunteer, or null when there is no such volunteer. */
export async function personFacts(db: Db, volunteerId: string): Promise<PersonFacts | null> {
  return (await peopleFacts(db, [volunteerId])).get(volunteerId) ?? null;
}

/** Facts for someone who belongs nowhere (a volunteer with no membership, or none at all). */
export const NOBODY = (volunteerId: string): PersonFacts => ({ volunteerId, stationIds: [], teamIds: [], squadIds: [], partnerId: null, hasGrantedRole: false, pendingTeams: [], suspendedStationIds: [], formerStationIds: [] });
