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

export async function loadViewer(accountId: string, tokenVersion?: number): Promise<Viewer | null> {
  const account = await prisma.account.findUnique({
    where: { id: accountId },
    select: {
      id: true,
      phone: true,
      displayName: true,
      disabled: true,
      tokenVersion: true,
      volunteerId: true,
      roles: { select: { role: true, stationId: true, partnerId: true, partner: { select: { stationId: true } } } },
      volunteer: {
        select: {
          status: true,
          displayName: true,
          teams: { select: { teamId: true, role: true, team: { select: { stationId: true } } } },
          squads: { select: { squadId: true, role: true, squad: { select: { teamId: true } } } },
        },
      },
    },
  });
  if (!account || account.disabled) return null;
  if (tokenVersion !== undefined && tokenVersion !== account.tokenVersion) return null;
  const officerStationIds = new Set<string>();
  const partnerAdminOf = new Map<string, string>();
  let isAdmin = false;
  for (const r of account.roles) {
    if (r.role === "ADMIN") isAdmin = true;
    if (r.role === "OFFICER" && r.stationId) officerStationIds.add(r.stationId);
    if (r.role === "PARTNER_ADMIN" && r.partnerId && r.partner) partnerAdminOf.set(r.partnerId, r.partner.stationId);
  }
  // A suspended volunteer keeps the account but loses team and squad rights.
  const active = account.volunteer?.status === "ACTIVE";
  return {
    accountId: account.id,
    phone: account.phone,
    displayName: account.volunteer?.displayName || account.displayName || account.phone,
    volunteerId: account.volunteerId,
    isAdmin,
    officerStationIds,
    partnerAdminOf,
    teams: new Map(active ? account.volunteer!.teams.map((t) => [t.teamId, { role: t.role, stationId: t.team.stationId }]) : []),
    squads: new Map(active ? account.volunteer!.squads.map((s) => [s.squadId, { role: s.role, teamId: s.squad.teamId }]) : []),
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
