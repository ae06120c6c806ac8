// Who is asking: loaded once per request (or WebSocket connection) from a verified token.
import { prisma } from "../db.js";
import type { MemberRole } from "../generated/prisma/client.js";
import { verifyToken } from "./tokens.js";

export interface Viewer {
  accountId: string;
  phone: string;
  /** The volunteer's public name, else the account's (officers, partner contacts) */
  displayName: string;
  volunteerId: string | null;
  isAdmin: boolean;
  officerStationIds: ReadonlySet<string>;
  /** partnerId → the partner's station */
  partnerAdminOf: ReadonlyMap<string, string>;
  /** teamId → role and the team's station */
  teams: ReadonlyMap<string, { role: MemberRole; stationId: string }>;
  /** squadId → role and the squad's team */
  squads: ReadonlyMap<string, { role: MemberRole; teamId: string }>;
}

interface ViewerRow {
  id: string;
  phone: string;
  displayName: string;
  disabled: boolean;
  tokenVersion: number;
  volunteerId: string | null;
  volunteerName: string | null;
  volunteerStatus: string | null;
  roles: { role: string; stationId: string | null; partnerId: string | null; partnerStation: string | null }[];
  teams: { teamId: string; role: MemberRole; stationId: string }[];
  squads: { squadId: string; role: MemberRole; teamId: string }[];
}

/** Every request needs this, so it is one statement rather than one per relation. */
export async function loadViewer(accountId: string, tokenVersion?: number): Promise<Viewer | null> {
  const [account] = await prisma.$queryRaw<ViewerRow[]>`
    SELECT a.id, a.phone, a."displayName", a.disabled, a."tokenVersion", a."volunteerId",
           v."displayName" AS "volunteerName", v.status::text AS "volunteerStatus",
           COALESCE((SELECT json_agg(json_build_object('role', r.role, 'stationId', r."stationId", 'partnerId', r."partnerId", 'partnerStation', p."stationId"))
                     FROM "AccountRole" r LEFT JOIN "Partner" p ON p.id = r."partnerId" WHERE r."accountId" = a.id), '[]') AS roles,
           COALESCE((SELECT json_agg(json_build_object('teamId', m."teamId", 'role', m.role, 'stationId', t."stationId"))
                     FROM "TeamMembership" m JOIN "Team" t ON t.id = m."teamId" WHERE m."volunteerId" = a."volunteerId"), '[]') AS teams,
           COALESCE((SELECT json_agg(json_build_object('squadId', m."squadId", 'role', m.role, 'teamId', q."teamId"))
                     FROM "SquadMembership" m JOIN "Squad" q ON q.id = m."squadId" WHERE m."volunteerId" = a."volunteerId"), '[]') AS squads
    FROM "Account" a LEFT JOIN "Volunteer" v ON v.id = a."volunteerId"
    WHERE a.id = ${accountId}::uuid`;
  if (!account || account.disabled) return null;
  if (tokenVersion !== undefined && tokenVersion !== account.tokenVersion) return null;
  const officerStationIds = new Set<string>();
  const partnerAdminOf = new Map<string, string>();
  let isAdmin = false;
  for (const r of account.roles) {
    if (r.role === "ADMIN") isAdmin = true;
    if (r.role === "OFFICER" && r.stationId) officerStationIds.add(r.stationId);
    if (r.role === "PARTNER_ADMIN" && r.partnerId && r.partnerStation) partnerAdminOf.set(r.partnerId, r.partnerStation);
  }
  // A suspended volunteer keeps the account but loses team and squad rights.
  const active = account.volunteerStatus === "ACTIVE";
  return {
    accountId: account.id,
    phone: account.phone,
    displayName: account.volunteerName || account.displayName || account.phone,
    volunteerId: account.volunteerId,
    isAdmin,
    officerStationIds,
    partnerAdminOf,
    teams: new Map(active ? account.teams.map((t) => [t.teamId, { role: t.role, stationId: t.stationId }]) : []),
    squads: new Map(active ? account.squads.map((q) => [q.squadId, { role: q.role, teamId: q.teamId }]) : []),
  };
}

export async function viewerFromToken(token: string | null): Promise<Viewer | null> {
  if (!token) return null;
  const claims = verifyToken(token);
  return claims ? loadViewer(claims.sub, claims.ver) : null;
}

// Pure questions about a viewer: the one place the access rules live.
export const can = {
  officerOf: (v: Viewer | null, stationId: string) => !!v && (v.isAdmin || v.officerStationIds.has(stationId)),
  leadTeam: (v: Viewer | null, teamId: string) => !!v && v.teams.get(teamId)?.role === "LEADER",
  leadSquad: (v: Viewer | null, squadId: string) => !!v && v.squads.get(squadId)?.role === "LEADER",
  /** Stations whose data the viewer may read: officers', member teams', partners'. */
  seeStation(v: Viewer | null, stationId: string): boolean {
    if (!v) return false;
    if (v.isAdmin || v.officerStationIds.has(stationId)) return true;
    for (const t of v.teams.values()) if (t.stationId === stationId) return true;
    for (const s of v.partnerAdminOf.values()) if (s === stationId) return true;
    return false;
  },
  visibleStationIds(v: Viewer): string[] {
    return [...new Set([...v.officerStationIds, ...[...v.teams.values()].map((t) => t.stationId), ...v.partnerAdminOf.values()])];
  },
  manageTeam: (v: Viewer | null, team: { id: string; stationId: string }) => can.officerOf(v, team.stationId) || can.leadTeam(v, team.id),
  manageSquad: (v: Viewer | null, squad: { id: string; teamId: string }, stationId: string) =>
    can.officerOf(v, stationId) || can.leadTeam(v, squad.teamId) || can.leadSquad(v, squad.id),
};
