// Who is asking: loaded once per request (or WebSocket connection) from a verified token and its
// live session. What the viewer may do is decided in policy.ts.
import { turnBatch } from "../db-batch.js";
import { readRows } from "../db-read.js";
import type { MemberRole } from "../generated/prisma/client.js";
import { verifyToken } from "./tokens.js";

export interface Viewer {
  accountId: string;
  /** The session the token names (null for viewers built in tests or scripts). */
  sessionId: string | null;
  sessionExpiresAt: Date | null;
  phone: string;
  /** The volunteer's public name, else the account's (officers, partner contacts) */
  displayName: string;
  volunteerId: string | null;
  isAdmin: boolean;
  /** Regions the viewer administers (区域管理员) */
  regionAdminOf: ReadonlySet<string>;
  /** The stations of those regions */
  regionStationIds: ReadonlySet<string>;
  officerStationIds: ReadonlySet<string>;
  /** partnerId → the partner's station */
  partnerAdminOf: ReadonlyMap<string, string>;
  /** teamId → role and the team's station (ACTIVE memberships only: pending, suspended and left grant nothing) */
  teams: ReadonlyMap<string, { role: MemberRole; stationId: string }>;
  /** squadId → role and the squad's team (only inside an ACTIVE membership of that team) */
  squads: ReadonlyMap<string, { role: MemberRole; teamId: string }>;
}

interface ViewerRow {
  id: string;
  phone: string;
  displayName: string;
  disabled: boolean;
  volunteerId: string | null;
  volunteerName: string | null;
  volunteerStatus: string | null;
  sessionExpiresAt: Date | null;
  roles: { role: string; regionId: string | null; stationId: string | null; partnerId: string | null; partnerStation: string | null }[];
  regionStations: string[];
  teams: { teamId: string; role: MemberRole; stationId: string }[];
  squads: { squadId: string; role: MemberRole; teamId: string }[];
}

/**
 * Every request needs this, so it is one statement rather than one per relation, and a named one:
 * PostgreSQL plans its six subqueries once per connection instead of on every request (issue 20).
 * The lookups of one turn of the event loop go together (`loadViewer`): `$1`/`$2` are arrays of
 * account and session ids, and `i` says which lookup a row answers. `generate_subscripts`, not
 * `unnest`: PostgreSQL estimates an unnest of a known array by its length, so every custom plan
 * looked cheaper than the generic one and the statement was planned again on every run (0.55 ms of
 * its CPU a lone lookup, 0.10 ms with the generic plan kept). The account by its key in a lateral
 * subquery (OFFSET 0 keeps it one): the planner's 1,000 lookups would otherwise hash the table.
 */
export const VIEWER_SQL = `
    SELECT k.i, a.id, a.phone, a."displayName", a.disabled, a."volunteerId",
           v."displayName" AS "volunteerName", v.status::text AS "volunteerStatus",
           (SELECT s."expiresAt" FROM "Session" s WHERE s.id = ($2::uuid[])[k.i] AND s."accountId" = a.id
              AND s."revokedAt" IS NULL AND s."expiresAt" > now()) AS "sessionExpiresAt",
           COALESCE((SELECT json_agg(json_build_object('role', r.role, 'regionId', r."regionId", 'stationId', r."stationId", 'partnerId', r."partnerId", 'partnerStation', p."stationId"))
                     FROM "AccountRole" r LEFT JOIN "Partner" p ON p.id = r."partnerId" WHERE r."accountId" = a.id), '[]') AS roles,
           COALESCE((SELECT array_agg(st.id::text) FROM "Station" st JOIN "AccountRole" r ON r."regionId" = st."regionId"
                     WHERE r."accountId" = a.id AND r.role = 'REGION_ADMIN'), '{}') AS "regionStations",
           COALESCE((SELECT json_agg(json_build_object('teamId', m."teamId", 'role', m.role, 'stationId', t."stationId"))
                     FROM "TeamMembership" m JOIN "Team" t ON t.id = m."teamId" WHERE m."volunteerId" = a."volunteerId" AND m.status = 'ACTIVE'), '[]') AS teams,
           COALESCE((SELECT json_agg(json_build_object('squadId', m."squadId", 'role', m.role, 'teamId', q."teamId"))
                     FROM "SquadMembership" m JOIN "Squad" q ON q.id = m."squadId"
                     JOIN "TeamMembership" tm ON tm."teamId" = q."teamId" AND tm."volunteerId" = m."volunteerId" AND tm.status = 'ACTIVE'
                     WHERE m."volunteerId" = a."volunteerId" AND m.active), '[]') AS squads
    FROM generate_subscripts($1::uuid[], 1) AS k(i)
    CROSS JOIN LATERAL (SELECT * FROM "Account" WHERE id = ($1::uuid[])[k.i] OFFSET 0) a
    LEFT JOIN "Volunteer" v ON v.id = a."volunteerId"`;

/** At most 500 lookups a statement and one statement out at a time (leaving the pool to the claims). */
const lookUp = turnBatch(
  async (batch: { accountId: string; sessionId: string | null }[]) => {
    const rows = await readRows<ViewerRow & { i: number }>("viewers", VIEWER_SQL, [batch.map((b) => b.accountId), batch.map((b) => b.sessionId)]);
    const byIndex = new Map(rows.map((r) => [r.i, r]));
    return batch.map((b, k) => viewerOf(byIndex.get(k + 1), b.sessionId));
  },
  { maxBatch: 500, maxInFlight: 1 },
);

/**
 * With a session id, the session must be live (not revoked, not expired) and the account enabled.
 * Read after the call, as before, but lookups share statements (`turnBatch`): those of one turn go
 * together, and while one statement is out the next ones wait for it and then go together. A storm
 * of requests spread over many turns costs a few round trips instead of one a turn, and leaves the
 * pool to the claims (issue 20); a lone request goes at once.
 */
export function loadViewer(accountId: string, sessionId: string | null): Promise<Viewer | null> {
  return lookUp({ accountId, sessionId });
}

function viewerOf(account: ViewerRow | undefined, sessionId: string | null): Viewer | null {
  if (!account || account.disabled) return null;
  if (sessionId !== null && !account.sessionExpiresAt) return null;
  const officerStationIds = new Set<string>();
  const partnerAdminOf = new Map<string, string>();
  const regionAdminOf = new Set<string>();
  let isAdmin = false;
  for (const r of account.roles) {
    if (r.role === "ADMIN") isAdmin = true;
    if (r.role === "REGION_ADMIN" && r.regionId) regionAdminOf.add(r.regionId);
    if (r.role === "OFFICER" && r.stationId) officerStationIds.add(r.stationId);
    if (r.role === "PARTNER_ADMIN" && r.partnerId && r.partnerStation) partnerAdminOf.set(r.partnerId, r.partnerStation);
  }
  // A suspended volunteer keeps the account but loses team and squad rights.
  const active = account.volunteerStatus === "ACTIVE";
  return {
    accountId: account.id,
    sessionId,
    sessionExpiresAt: account.sessionExpiresAt ? new Date(account.sessionExpiresAt) : null,
    phone: account.phone,
    displayName: account.volunteerName || account.displayName || account.phone,
    volunteerId: account.volunteerId,
    isAdmin,
    regionAdminOf,
    regionStationIds: new Set(account.regionStations),
    officerStationIds,
    partnerAdminOf,
    teams: new Map(active ? account.teams.map((t) => [t.teamId, { role: t.role, stationId: t.stationId }]) : []),
    squads: new Map(active ? account.squads.map((q) => [q.squadId, { role: q.role, teamId: q.teamId }]) : []),
  };
}

export async function viewerFromToken(token: string | null): Promise<Viewer | null> {
  if (!token) return null;
  const claims = verifyToken(token);
  return claims ? loadViewer(claims.sub, claims.sid) : null;
}
