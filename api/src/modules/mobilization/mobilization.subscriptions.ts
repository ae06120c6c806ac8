import { GraphQLError } from "graphql";
import { can, seesStation } from "../../auth/policy.js";
import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import { idArg } from "../../graphql/ids.js";
import { msg } from "../../i18n.js";
import { calledBy, mobilizationEvents, mobilizationFacts, stationMobilizations } from "./mobilization.service.js";
import { forbiddenBoard, Mobilization, MobilizationUpdate } from "./mobilization.type.js";

builder.subscriptionField("mobilizationUpdated", (t) =>
  t.field({
    type: Mobilization,
    description: "The responder board of a call-up, live: each answer, wave and the close (officers, and the leader who started it); with `since` it first replays what came after that cursor",
    args: { mobilizationId: t.arg.id({ required: true }), since: t.arg.string() },
    authScopes: { signedIn: true },
    subscribe: async (_r, args, ctx) => {
      const id = idArg(String(args.mobilizationId), "Mobilization", "mobilizationId");
      const m = await prisma.mobilization.findUnique({ where: { id }, include: { station: { select: { leadersMayMobilize: true } } } });
      const facts = m ? mobilizationFacts(m, m.station) : null;
      if (!m || !facts || !can(ctx.viewer, "mobilization.read", { mobilization: facts, called: await calledBy(ctx.viewer, m.id) })) {
        throw new GraphQLError(msg("未找到召集", "Call-up not found"), { extensions: { code: "NOT_FOUND" } });
      }
      if (!can(ctx.viewer, "mobilization.manage", facts)) forbiddenBoard();
      return mobilizationEvents.subscribe(id, args.since);
    },
    // Many answers in a burst read the board once each; the board is small (counts, first responders).
    resolve: (e: { key: string }) => prisma.mobilization.findUniqueOrThrow({ where: { id: e.key } }),
  }),
);

builder.subscriptionField("stationMobilizationUpdated", (t) =>
  t.field({
    type: MobilizationUpdate,
    description: "The command view's call-ups: each call-up of a station started, answered, escalated or closed, whoever caused it (officers and leaders); with `since` it first replays what came after that cursor",
    args: {
      stationId: t.arg.id({ required: true }),
      since: t.arg.string({ description: "Cursor of the last update seen: replays what came after it first" }),
    },
    authScopes: { signedIn: true },
    subscribe: (_r, args, ctx) => {
      const stationId = idArg(String(args.stationId), "Station", "stationId");
      if (!can(ctx.viewer, "mobilization.watch", { stationId })) {
        // Another station's people learn nothing, not even that the station exists.
        if (!seesStation(ctx.viewer, stationId)) throw new GraphQLError(msg("未找到派出所", "Station not found"), { extensions: { code: "NOT_FOUND" } });
        throw new GraphQLError(msg("仅本所民警和队长可查看召集动态", "Only the station's officers and leaders follow its call-ups"), { extensions: { code: "FORBIDDEN" } });
      }
      return stationMobilizations.subscribe(stationId, args.since);
    },
    resolve: (m: { id: string }) => prisma.mobilizationEvent.findUniqueOrThrow({ where: { id: BigInt(m.id) } }),
  }),
);
