import DataLoader from "dataloader";
import type { Viewer } from "./auth/viewer.js";
import { prisma } from "./db.js";
import { fulfilmentOf, type ObligationFulfilment } from "./modules/partner/fulfilment.service.js";

export interface PersonalAccess {
  teamIds: string[];
  squadIds: string[];
  stationIds: string[];
  /** 共建单位 the volunteer comes from */
  partnerId: string | null;
}

export interface Context {
  viewer: Viewer | null;
  loaders: ReturnType<typeof createLoaders>;
}

/** Per-request loaders for facts the GraphQL types need beside what Prisma selects. */
export function createLoaders(viewerVolunteerId: string | null = null) {
  const fulfilmentByInstant = new Map<number, DataLoader<{ id: string; partnerId: string; currentVersion: number }, ObligationFulfilment[], string>>();
  return {
    /** Fulfilment of agreements at one instant, batched across a page of agreements. */
    fulfilment(at: Date) {
      let loader = fulfilmentByInstant.get(at.getTime());
      if (!loader) {
        loader = new DataLoader(
          async (agreements) => {
            const map = await fulfilmentOf([...agreements], at);
            return agreements.map((a) => map.get(a.id) ?? []);
          },
          { cacheKeyFn: (a) => a.id },
        );
        fulfilmentByInstant.set(at.getTime(), loader);
      }
      return loader;
    },
    /** A volunteer's teams, squads and stations: decides who may see their personal data. */
    personalAccess: new DataLoader<string, PersonalAccess>(async (volunteerIds) => {
      const [teams, squads, people] = await Promise.all([
        prisma.teamMembership.findMany({
          where: { volunteerId: { in: [...volunteerIds] } },
          select: { volunteerId: true, teamId: true, team: { select: { stationId: true } } },
        }),
        prisma.squadMembership.findMany({
          where: { volunteerId: { in: [...volunteerIds] } },
          select: { volunteerId: true, squadId: true },
        }),
        prisma.volunteer.findMany({ where: { id: { in: [...volunteerIds] } }, select: { id: true, partnerId: true } }),
      ]);
      const byId = new Map<string, PersonalAccess>(volunteerIds.map((id) => [id, { teamIds: [], squadIds: [], stationIds: [], partnerId: null }]));
      for (const t of teams) {
        const a = byId.get(t.volunteerId)!;
        a.teamIds.push(t.teamId);
        a.stationIds.push(t.team.stationId);
      }
      for (const s of squads) byId.get(s.volunteerId)!.squadIds.push(s.squadId);
      for (const p of people) byId.get(p.id)!.partnerId = p.partnerId;
      return volunteerIds.map((id) => byId.get(id)!);
    }),
    /** Where a shift belongs, for scope checks on claims. */
    shiftScope: new DataLoader<string, { stationId: string; teamId: string; squadId: string | null } | null>(async (ids) => {
      const rows = await prisma.shift.findMany({ where: { id: { in: [...ids] } }, select: { id: true, stationId: true, teamId: true, squadId: true } });
      const m = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => m.get(id) ?? null);
    }),
    /** Waitlist position (1-based) of WAITLISTED claims, counted in claim order. */
    waitlistPosition: new DataLoader<string, number | null>(async (claimIds) => {
      const rows = await prisma.$queryRaw<{ id: string; position: bigint }[]>`
        SELECT c.id, (SELECT count(*) FROM "ShiftClaim" w
                      WHERE w."shiftId" = c."shiftId" AND w.status = 'WAITLISTED' AND w."waitlistSeq" <= c."waitlistSeq") AS position
        FROM "ShiftClaim" c WHERE c.id = ANY(${[...claimIds]}::uuid[]) AND c.status = 'WAITLISTED'`;
      const m = new Map(rows.map((r) => [r.id, Number(r.position)]));
      return claimIds.map((id) => m.get(id) ?? null);
    }),
    /** The viewer's own claim on each shift. */
    viewerClaim: new DataLoader<string, import("./generated/prisma/client.js").ShiftClaim | null>(async (shiftIds) => {
      if (!viewerVolunteerId) return shiftIds.map(() => null);
      const rows = await prisma.shiftClaim.findMany({ where: { volunteerId: viewerVolunteerId, shiftId: { in: [...shiftIds] } } });
      const m = new Map(rows.map((r) => [r.shiftId, r]));
      return shiftIds.map((id) => m.get(id) ?? null);
    }),
    /** The viewer's volunteer profile (specialties, squads), for viewerCanClaim. */
    viewerVolunteer: new DataLoader<string, { specialties: string[]; status: string } | null>(async (ids) => {
      const rows = await prisma.volunteer.findMany({ where: { id: { in: [...ids] } }, select: { id: true, specialties: true, status: true } });
      const m = new Map(rows.map((r) => [r.id, r]));
      return ids.map((id) => m.get(id) ?? null);
    }),
    /** How many times each volunteer has been commended ("表扬 3 次"). */
    commendationCount: new DataLoader<string, number>(async (ids) => {
      const rows = await prisma.commendation.groupBy({ by: ["volunteerId"], where: { volunteerId: { in: [...ids] } }, _count: true });
      const m = new Map(rows.map((r) => [r.volunteerId, r._count]));
      return ids.map((id) => m.get(id) ?? 0);
    }),
    /** Points balance = the sum of the ledger. */
    pointsBalance: new DataLoader<string, number>(async (ids) => {
      const rows = await prisma.pointsEntry.groupBy({ by: ["volunteerId"], where: { volunteerId: { in: [...ids] } }, _sum: { amount: true } });
      const m = new Map(rows.map((r) => [r.volunteerId, r._sum.amount ?? 0]));
      return ids.map((id) => m.get(id) ?? 0);
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
  return { viewer, loaders: createLoaders(viewer?.volunteerId ?? null) };
}
