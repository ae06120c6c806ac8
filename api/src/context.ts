import DataLoader from "dataloader";
import type { Viewer } from "./auth/viewer.js";
import { prisma } from "./db.js";

export interface PersonalAccess {
  teamIds: string[];
  squadIds: string[];
  stationIds: string[];
}

export interface Context {
  viewer: Viewer | null;
  loaders: ReturnType<typeof createLoaders>;
}

/** Per-request loaders for facts the GraphQL types need beside what Prisma selects. */
export function createLoaders() {
  return {
    /** A volunteer's teams, squads and stations: decides who may see their personal data. */
    personalAccess: new DataLoader<string, PersonalAccess>(async (volunteerIds) => {
      const [teams, squads] = await Promise.all([
        prisma.teamMembership.findMany({
          where: { volunteerId: { in: [...volunteerIds] } },
          select: { volunteerId: true, teamId: true, team: { select: { stationId: true } } },
        }),
        prisma.squadMembership.findMany({
          where: { volunteerId: { in: [...volunteerIds] } },
          select: { volunteerId: true, squadId: true },
        }),
      ]);
      const byId = new Map<string, PersonalAccess>(volunteerIds.map((id) => [id, { teamIds: [], squadIds: [], stationIds: [] }]));
      for (const t of teams) {
        const a = byId.get(t.volunteerId)!;
        a.teamIds.push(t.teamId);
        a.stationIds.push(t.team.stationId);
      }
      for (const s of squads) byId.get(s.volunteerId)!.squadIds.push(s.squadId);
      return volunteerIds.map((id) => byId.get(id)!);
    }),
    /** Station of a team, for scope checks on team fields. */
    teamStation: new DataLoader<string, string | null>(async (teamIds) => {
      const rows = await prisma.team.findMany({ where: { id: { in: [...teamIds] } }, select: { id: true, stationId: true } });
      const m = new Map(rows.map((r) => [r.id, r.stationId]));
      return teamIds.map((id) => m.get(id) ?? null);
    }),
  };
}

export function createContext(viewer: Viewer | null): Context {
  return { viewer, loaders: createLoaders() };
}
