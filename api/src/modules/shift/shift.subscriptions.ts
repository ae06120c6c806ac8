import { GraphQLError } from "graphql";
import { Repeater } from "graphql-yoga";
import { can } from "../../auth/policy.js";
import { msg } from "../../i18n.js";
import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import { idArg } from "../../graphql/ids.js";
import { pubsub, type PatrolEventMessage } from "../../pubsub.js";

import { PatrolCheckInEvent, Shift } from "./shift.type.js";

const REPLAY_PAGE = 500;

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

/**
 * Replays stored events after `since`, then follows live ones with no gap and no duplicate:
 * listening starts before the replay query, and live events at or below the last replayed cursor
 * are dropped. A Repeater, not an async generator, so an unsubscribe stops listening at once
 * instead of at the next event.
 */
function replayThenLive(stationId: string, since: bigint | null, visible: (m: PatrolEventMessage) => boolean) {
  return new Repeater<PatrolEventMessage>(async (push, stop) => {
    const live = pubsub.subscribe("patrolEvent", stationId)[Symbol.asyncIterator]();
    const first = live.next(); // starts listening now
    let stopped = false;
    // Ending the pub/sub iterator ends a wait for the next event at once.
    void stop.then(() => {
      stopped = true;
      return live.return?.();
    });
    try {
      let last = since ?? -1n;
      if (since !== null) {
        for (;;) {
          const rows = await prisma.patrolEvent.findMany({
            where: { stationId, id: { gt: last } },
            select: { id: true, teamId: true },
            orderBy: { id: "asc" },
            take: REPLAY_PAGE,
          });
          for (const r of rows) {
            if (stopped) return;
            last = r.id;
            const m = { id: r.id.toString(), teamId: r.teamId };
            if (visible(m)) await push(m);
          }
          if (rows.length < REPLAY_PAGE) break;
        }
      }
      let next = first;
      for (;;) {
        const { value, done } = await next;
        if (done || stopped) return;
        if (BigInt(value.id) > last && visible(value)) await push(value);
        next = live.next();
      }
    } finally {
      await live.return?.();
      stop();
    }
  });
}

builder.subscriptionField("patrolCheckIns", (t) =>
  t.field({
    type: PatrolCheckInEvent,
    description: "巡防动态: check-ins, check-outs and no-shows of a station (officers; leaders see their teams)",
    args: {
      stationId: t.arg.id({ required: true }),
      since: t.arg.string({ description: "Cursor of the last event seen: replays what came after it first" }),
    },
    authScopes: { signedIn: true },
    subscribe: (_r, args, ctx) => {
      const stationId = idArg(String(args.stationId), "Station", "stationId");
      const v = ctx.viewer!;
      if (!can(v, "patrol.watch", { stationId })) {
        throw new GraphQLError(msg("仅本所民警和队长可查看巡防动态", "Only the station's officers and team leaders watch patrols"), { extensions: { code: "FORBIDDEN" } });
      }
      let since: bigint | null = null;
      if (args.since != null) {
        if (!/^\d{1,19}$/.test(args.since)) throw new GraphQLError(msg("`since` 不是有效的游标", "`since` is not a valid cursor"), { extensions: { code: "BAD_USER_INPUT" } });
        since = BigInt(args.since);
      }
      return replayThenLive(stationId, since, (m) => can(v, "patrol.readEvent", { stationId, teamId: m.teamId }));
    },
    resolve: (m: PatrolEventMessage) => loadEvent(m.id),
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

const ClaimNoticeReason = builder.enumType("ClaimNoticeReason", {
  values: {
    PROMOTED: { description: "候补转正: a seat freed up and is yours" },
    SHIFT_CANCELLED: { description: "The shift was cancelled" },
    ASSIGNED: { description: "A leader put you on the shift" },
    REMOVED: { description: "A leader took you off the shift" },
    SHIFT_CHANGED: { description: "The shift's time changed" },
  } as const,
});

const ClaimNotice = builder.objectRef<{ claimId: string; reason: "PROMOTED" | "SHIFT_CANCELLED" | "ASSIGNED" | "REMOVED" | "SHIFT_CHANGED" }>("ClaimNotice").implement({
  fields: (t) => ({
    reason: t.field({ type: ClaimNoticeReason, resolve: (n) => n.reason }),
    claim: t.prismaField({ type: "ShiftClaim", resolve: (q, n) => prisma.shiftClaim.findUniqueOrThrow({ ...q, where: { id: n.claimId } }) }),
  }),
});

builder.subscriptionField("claimNotices", (t) =>
  t.field({
    type: ClaimNotice,
    description: "Changes to the viewer's claims that they did not make themselves",
    authScopes: { signedIn: true },
    subscribe: (_r, _a, ctx) => {
      if (!ctx.viewer!.volunteerId) throw new GraphQLError(msg("仅义警有认领记录", "Only volunteers have claims"), { extensions: { code: "FORBIDDEN" } });
      return pubsub.subscribe("claimNotice", ctx.viewer!.volunteerId);
    },
    resolve: (n) => n,
  }),
);

