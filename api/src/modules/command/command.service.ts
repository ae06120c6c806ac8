// 指挥调度 view: the station right now. Shifts that ended less than 2 hours ago or start within 18
// hours (today's and tonight's), with their claims' counts and check-in positions, grouped by grid.
import { clock } from "../../clock.js";
import { prisma } from "../../db.js";

export interface CommandShift {
  id: string;
  teamId: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number;
  started: boolean;
  expected: number;
  checkedIn: number;
  /** confirmed but not checked in once the shift has started */
  missing: number;
  noShows: number;
  positions: { latitude: number; longitude: number; flagged: boolean }[];
}
export interface CommandGrid {
  gridId: string | null;
  name: string;
  latitude: number | null;
  longitude: number | null;
  shifts: CommandShift[];
}

/** `teamIds` narrows the read (null: all); `sees` decides each shift (a squad leader sees their squad's). */
export async function commandView(
  stationId: string,
  teamIds: string[] | null,
  sees: (s: { stationId: string; teamId: string; squadId: string | null }) => boolean,
): Promise<CommandGrid[]> {
  const now = clock.now();
  const [grids, shifts] = await Promise.all([
    prisma.grid.findMany({ where: { stationId }, select: { id: true, name: true, latitude: true, longitude: true }, orderBy: { name: "asc" } }),
    prisma.shift.findMany({
      where: {
        stationId,
        status: { not: "CANCELLED" },
        endsAt: { gt: new Date(now.getTime() - 2 * 3_600_000) },
        startsAt: { lt: new Date(now.getTime() + 18 * 3_600_000) },
        ...(teamIds ? { teamId: { in: teamIds } } : {}),
      },
      orderBy: { startsAt: "asc" },
      take: 200,
      select: {
        id: true, teamId: true, squadId: true, gridId: true, title: true, startsAt: true, endsAt: true, capacity: true,
        claims: { where: { status: { in: ["CONFIRMED", "COMPLETED", "NO_SHOW"] } }, select: { status: true, checkedInAt: true, checkInLat: true, checkInLng: true, checkInFlagged: true } },
      },
    }),
  ]);
  const byGrid = new Map<string | null, CommandGrid>(grids.map((g) => [g.id, { gridId: g.id, name: g.name, latitude: g.latitude, longitude: g.longitude, shifts: [] }]));
  for (const s of shifts) {
    if (!sees({ stationId, teamId: s.teamId, squadId: s.squadId })) continue;
    const started = s.startsAt <= now;
    const row: CommandShift = {
      id: s.id, teamId: s.teamId, title: s.title, startsAt: s.startsAt, endsAt: s.endsAt, capacity: s.capacity, started,
      expected: s.claims.length,
      checkedIn: s.claims.filter((c) => c.checkedInAt).length,
      missing: started ? s.claims.filter((c) => c.status === "CONFIRMED" && !c.checkedInAt).length : 0,
      noShows: s.claims.filter((c) => c.status === "NO_SHOW").length,
      positions: s.claims.flatMap((c) => (c.checkInLat != null && c.checkInLng != null ? [{ latitude: c.checkInLat, longitude: c.checkInLng, flagged: c.checkInFlagged }] : [])),
    };
    const g = byGrid.get(s.gridId) ?? { gridId: null, name: "", latitude: null, longitude: null, shifts: [] };
    g.shifts.push(row);
    byGrid.set(s.gridId, g);
  }
  return [...byGrid.values()];
}
