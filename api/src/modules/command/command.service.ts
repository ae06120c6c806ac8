// 指挥调度 view: the station right now. Shifts that ended less than 2 hours ago or start within 18
// hours (today's and tonight's), with their claims' counts and check-in positions, grouped by grid.
import { clock } from "../../clock.js";
import { prisma } from "../../db.js";
import type { PatrolReport } from "../../generated/prisma/client.js";

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
  /** GeoJSON Polygon rings of [longitude, latitude], if drawn */
  outline: number[][][] | null;
  shifts: CommandShift[];
  /** 巡逻发现 still open (new or assigned) in this grid, newest first */
  findings: PatrolReport[];
}

/** The rings of a stored GeoJSON Polygon (validated on input); anything else draws nothing. */
function rings(outline: unknown): number[][][] | null {
  const o = outline as { type?: unknown; coordinates?: unknown } | null;
  return o?.type === "Polygon" && Array.isArray(o.coordinates) ? (o.coordinates as number[][][]) : null;
}

/**
 * `teamIds` narrows the read (null: all); `sees` decides each shift (a squad leader sees their
 * squad's), `seesFinding` each open finding. Three statements whatever the station's size.
 */
export async function commandView(
  stationId: string,
  teamIds: string[] | null,
  sees: (s: { stationId: string; teamId: string; squadId: string | null }) => boolean,
  seesFinding: (r: PatrolReport) => boolean,
): Promise<CommandGrid[]> {
  const now = clock.now();
  const [grids, shifts, findings] = await Promise.all([
    prisma.grid.findMany({ where: { stationId }, select: { id: true, name: true, latitude: true, longitude: true, outline: true }, orderBy: { name: "asc" } }),
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
    prisma.patrolReport.findMany({ where: { stationId, status: { in: ["NEW", "ASSIGNED"] } }, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: 200 }),
  ]);
  const byGrid = new Map<string | null, CommandGrid>(
    grids.map((g) => [g.id, { gridId: g.id, name: g.name, latitude: g.latitude, longitude: g.longitude, outline: rings(g.outline), shifts: [], findings: [] }]),
  );
  const gridOf = (id: string | null) => {
    const g = byGrid.get(id) ?? { gridId: null, name: "", latitude: null, longitude: null, outline: null, shifts: [], findings: [] };
    byGrid.set(id, g);
    return g;
  };
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
    gridOf(s.gridId).shifts.push(row);
  }
  for (const r of findings) if (seesFinding(r)) gridOf(r.gridId).findings.push(r);
  return [...byGrid.values()];
}
