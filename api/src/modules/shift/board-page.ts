// The shift board's page in one statement (issue 20), like the commendation board's (board-page.ts
// there): the shift's columns, its team, squad, grid, rotation partner and joint officer's name, and
// the viewer's claim with its waitlist position and what viewerCanClaim needs, shaped into the rows
// the Shift type reads. The type's policy check still runs on every row.
import type { ShiftScope } from "../../context.js";
import { readRows, reviveDates } from "../../db-read.js";

export interface ShiftBoardFilters {
  stationId: string;
  teamId?: string;
  squadId?: string;
  kind?: string;
  onlyOpen?: boolean;
  /** Only these teams' shifts, and of their squads only these (the viewer's, `claimableShiftGroups`). */
  mine?: { teamIds: string[]; squadIds: string[] };
  /** Shifts ending after this. */
  from: Date;
  /** Shifts starting before this. */
  to?: Date | null;
}

// Related rows come as JSON (to_jsonb): their DateTime fields made Dates by their model.
function row<T>(model: string, json: Record<string, unknown> | null): T | null {
  return json && reviveDates<T>(model, json);
}

// $1 the viewer's volunteer (a uuid that matches none when they are not one), $2 now (for the overlap
// reason, from the clock the rules use), $3 station, then the filters present, in FILTERS' order.
// LIMIT, the filters and the cursor are written into the text, so that each combination is a
// prepared statement of its own with a generic plan (see the commendation board's).
// The page's shifts first (LIMIT in a subquery), then each related row by a subquery of its own:
// as one ten-table join, planning took 40–70 ms under load (the planner searches join orders).
// The viewer's upcoming confirmed shifts once per page (\`mine\`), not once per row: probed per row, a
// volunteer with years of patrols paid every past claim 50 times (96 claims: 4,800 probes, 11 ms).
const select = (where: string, take: number) => `
WITH mine AS MATERIALIZED (
  SELECT ms.id, ms."startsAt", ms."endsAt" FROM "ShiftClaim" mc JOIN "Shift" ms ON ms.id = mc."shiftId"
  WHERE mc."volunteerId" = $1::uuid AND mc.status = 'CONFIRMED' AND ms.status = 'OPEN' AND ms."endsAt" > $2::timestamp)
SELECT s.*, (SELECT to_jsonb(t) FROM "Team" t WHERE t.id = s."teamId") AS "teamJson",
       (SELECT to_jsonb(sq) FROM "Squad" sq WHERE sq.id = s."squadId") AS "squadJson",
       (SELECT sqt."stationId" FROM "Squad" sq JOIN "Team" sqt ON sqt.id = sq."teamId" WHERE sq.id = s."squadId") AS "squadStationId",
       (SELECT to_jsonb(g) FROM "Grid" g WHERE g.id = s."gridId") AS "gridJson",
       (SELECT rs."partnerId" FROM "RotationSlot" rs WHERE rs."shiftId" = s.id) AS "rotationPartnerId",
       (SELECT to_jsonb(p) FROM "RotationSlot" rs JOIN "Partner" p ON p.id = rs."partnerId" WHERE rs."shiftId" = s.id) AS "partnerJson",
       (SELECT jo."displayName" FROM "Account" jo WHERE jo.id = s."jointOfficerId") AS "jointOfficerName",
       to_jsonb(c) AS "claimJson",
       CASE WHEN c.status = 'WAITLISTED' THEN (SELECT count(*)::int FROM "ShiftClaim" w
         WHERE w."shiftId" = s.id AND w.status = 'WAITLISTED' AND w."waitlistSeq" <= c."waitlistSeq") END AS "waitlistPosition",
       (s."requiredSpecialty" IS NULL OR EXISTS (SELECT 1 FROM "Volunteer" me WHERE me.id = $1::uuid AND s."requiredSpecialty" = ANY(me.specialties))) AS "viewerHasSpecialty",
       EXISTS (SELECT 1 FROM mine WHERE mine.id <> s.id AND mine."startsAt" < s."endsAt" AND mine."endsAt" > s."startsAt") AS "viewerOverlaps"
FROM (SELECT * FROM "Shift" s WHERE s."stationId" = $3::uuid${where} ORDER BY s."startsAt", s.id LIMIT ${take}) s
LEFT JOIN "ShiftClaim" c ON c."shiftId" = s.id AND c."volunteerId" = $1::uuid
ORDER BY s."startsAt", s.id`;

const FILTERS = [
  ["teamId", `s."teamId" = $::uuid`],
  ["squadId", `s."squadId" = $::uuid`],
  ["kind", `s.kind = $::"ShiftKind"`],
  ["from", `s."endsAt" > $::timestamp`],
  ["to", `s."startsAt" < $::timestamp`],
] as const;

/** What the page read that the types' scope checks would load again (their loaders are primed with it). */
export interface Known {
  /** Where a shift belongs (the `shiftScope` loader). */
  shiftScope(shiftId: string, scope: ShiftScope): void;
  /** A team's station (the `teamStation` loader), for the squad's check. */
  teamStation(teamId: string, stationId: string): void;
}

/** The page's named statement and its values: one statement per combination of filters and size. */
export function shiftBoardStatement(f: ShiftBoardFilters, viewerVolunteerId: string | null, now: Date, take: number, after: { startsAt: Date; id: string } | null) {
  if (!Number.isSafeInteger(take) || take < 1) throw new Error(`shift board page of ${take} rows`);
  const values: unknown[] = [viewerVolunteerId ?? "00000000-0000-0000-0000-000000000000", now.toISOString(), f.stationId];
  let where = "";
  let key = "";
  for (const [name, clause] of FILTERS) {
    const v = f[name];
    if (v === undefined || v === null) continue;
    values.push(v instanceof Date ? v.toISOString() : v); // UTC, as Prisma stores it (a zone in the text is ignored)
    where += ` AND ${clause.replace("$", `$${values.length}`)}`;
    key += name[0];
  }
  if (f.onlyOpen) {
    where += ` AND s.status = 'OPEN'`;
    key += "o";
  }
  if (f.mine) {
    values.push(f.mine.teamIds, f.mine.squadIds);
    const n = values.length;
    // ARRAY(SELECT unnest(…)), not the parameter itself: PostgreSQL estimates `= ANY` of a known array by
    // its length, so every custom plan looked cheaper than the generic one and this statement was planned
    // again on every run (1.3 ms of its CPU a page against 0.7; test/read-batches.test.ts).
    where += ` AND s."teamId" = ANY(ARRAY(SELECT unnest($${n - 1}::uuid[]))) AND (s."squadId" IS NULL OR s."squadId" = ANY(ARRAY(SELECT unnest($${n}::uuid[]))))`;
    key += "m";
  }
  if (after) {
    values.push(after.startsAt.toISOString(), after.id);
    const n = values.length;
    where += ` AND (s."startsAt", s.id) > ($${n - 1}::timestamp, $${n}::uuid)`; // keyset (list-cursor.ts)
    key += "_after";
  }
  return { name: `linshe_shifts_${key || "all"}_${take}`, text: select(where, take), values };
}

/** A forward page of the board, soonest first (`take` rows after a cursor's start and id, or from the top). */
export async function shiftBoardPage(f: ShiftBoardFilters, viewerVolunteerId: string | null, now: Date, take: number, after: { startsAt: Date; id: string } | null, known: Known) {
  const { name, text, values } = shiftBoardStatement(f, viewerVolunteerId, now, take, after);
  const rows = await readRows<Record<string, unknown>>(name, text, values);
  // Shaped in place (no copy of the ~25 columns per row): the JSON columns stay on the row unread.
  for (const r of rows) {
    const scope: ShiftScope = {
      stationId: r.stationId as string,
      teamId: r.teamId as string,
      squadId: r.squadId as string | null,
      startsAt: r.startsAt as Date,
      endsAt: r.endsAt as Date,
      status: r.status as string,
    };
    const squad = row<{ teamId: string; stationId?: string }>("Squad", r.squadJson as Record<string, unknown> | null);
    if (squad) {
      known.teamStation(squad.teamId, r.squadStationId as string);
      squad.stationId = r.squadStationId as string; // its team's, for the Squad type's check without a promise
    }
    const claim = row<Record<string, unknown>>("ShiftClaim", r.claimJson as Record<string, unknown> | null);
    if (claim) {
      claim.waitlistPosition = r.waitlistPosition;
      // Where the claim's shift belongs, for the claim's own check (ShiftClaim's authScopes) and its loaders.
      claim.shiftScope = scope;
      known.shiftScope(r.id as string, scope);
    }
    r.team = row("Team", r.teamJson as Record<string, unknown>);
    r.squad = squad;
    r.grid = row("Grid", r.gridJson as Record<string, unknown> | null);
    r.rotationSlot = r.rotationPartnerId ? { partnerId: r.rotationPartnerId } : null;
    r.rotationPartner = row("Partner", r.partnerJson as Record<string, unknown> | null);
    r.claims = claim ? [claim] : [];
  }
  return rows;
}
