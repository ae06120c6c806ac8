import { GraphQLError } from "graphql";
import { can } from "../../auth/policy.js";
import { msg } from "../../i18n.js";
import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import { idArg } from "../../graphql/ids.js";
import { pubsub } from "../../pubsub.js";
import { patrolLog } from "./patrol-log.js";

import { PatrolCheckInEvent, Shift } from "./shift.type.js";

/**
 * One database read per event however many dashboards watch: the row comes with the relations the
 * feed shows (Pothos uses relations already present on a parent), and is shared for a few seconds.
 */
const recentEvents = new Map<string, Promise<unknown>>();
function loadEvent(id: string) {
  let row = recentEvents.get(id);
  if (!row) {
    row = prisma.patrolEvent.findUniqueOrThrow({
      where: { id: BigInt(id) },
      include: { claim: { include: { volunteer: true, shift: true } }, shift: { include: { grid: true } } },
    });
    recentEvents.set(id, row);
    row.catch(() => recentEvents.delete(id));
    setTimeout(() => recentEvents.delete(id), 10_000).unref();
  }
  return row as ReturnType<typeof prisma.patrolEvent.findUniqueOrThrow>;
}

builder.subscriptionField("patrolCheckIns", (t) =>
  t.field({
    type: PatrolCheckInEvent,
    description: "巡防动态: check-ins, check-outs and no-shows of a station (officers; leaders see their teams, squad leaders their squads)",
    args: {
      stationId: t.arg.id({ required: true }),
      since: t.arg.string({ description: "Cursor of the last event seen: replays what came after it first" }),
    },
    authScopes: { signedIn: true },
    subscribe: (_r, args, ctx) => {
      const stationId = idArg(String(args.stationId), "Station", "stationId");
      const v = ctx.viewer!;
      if (!can(v, "patrol.watch", { stationId })) {
        throw new GraphQLError(msg("仅本所民警和队长可查看巡防动态", "Only the station's officers and leaders watch patrols"), { extensions: { code: "FORBIDDEN" } });
      }
      // Replays what came after `since` in commit order, then follows live events (patrol-log.ts).
      return patrolLog.subscribe(stationId, args.since, (m) => can(v, "patrol.readEvent", { stationId, teamId: m.teamId, squadId: m.squadId }));
    },
    resolve: (m: { id: string }) => loadEvent(m.id),
  }),
);

builder.subscriptionField("shiftUpdated", (t) =>
  t.field({
    type: Shift,
    description: "Seat counts and status of a shift, for the shift board",
    args: { shiftId: t.arg.id({ required: true }) },
    authScopes: { signedIn: true },
    subscribe: async (_r, args, ctx) => {
      const shiftId = idArg(String(args.shiftId), "Shift", "shiftId");
      const shift = await prisma.shift.findUnique({ where: { id: shiftId }, select: { stationId: true, teamId: true, squadId: true } });
      if (!shift || !can(ctx.viewer, "shift.read", shift)) {
        throw new GraphQLError(msg("未找到班次", "Shift not found"), { extensions: { code: "NOT_FOUND" } });
      }
      return pubsub.subscribe("shiftUpdated", shiftId);
    },
    resolve: (m) => prisma.shift.findUniqueOrThrow({ where: { id: m.shiftId } }),
  }),
);

/** Most shifts one `shiftsUpdated` follows: a board page (30) with room to spare. */
const MAX_WATCHED_SHIFTS = 100;

builder.subscriptionField("shiftsUpdated", (t) =>
  t.field({
    type: Shift,
    description: "Seat counts and status of the shifts a board shows, over one subscription (up to 100)",
    args: { shiftIds: t.arg.idList({ required: true }) },
    authScopes: { signedIn: true },
    subscribe: async (_r, args, ctx) => {
      if (args.shiftIds.length > MAX_WATCHED_SHIFTS) {
        throw new GraphQLError(msg(`最多关注 ${MAX_WATCHED_SHIFTS} 个班次`, `At most ${MAX_WATCHED_SHIFTS} shifts`), { extensions: { code: "BAD_USER_INPUT", argument: "shiftIds" } });
      }
      const ids = [...new Set(args.shiftIds.map((id) => idArg(String(id), "Shift", "shiftIds")))];
      const shifts = await prisma.shift.findMany({ where: { id: { in: ids } }, select: { id: true, stationId: true, teamId: true, squadId: true } });
      // Same answer as `shiftUpdated` for a shift that is missing or out of sight: NOT_FOUND.
      if (shifts.length !== ids.length || !shifts.every((s) => can(ctx.viewer, "shift.read", s))) {
        throw new GraphQLError(msg("未找到班次", "Shift not found"), { extensions: { code: "NOT_FOUND" } });
      }
      return pubsub.subscribeMany("shiftUpdated", ids);
    },
    resolve: (m) => prisma.shift.findUniqueOrThrow({ where: { id: m.shiftId } }),
  }),
);

// Changes to a volunteer's claims that they did not make themselves (候补转正, cancellation, assignment,
// removal, a new time) are notifications now: `notificationReceived` (modules/notification).
