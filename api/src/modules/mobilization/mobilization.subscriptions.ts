import { GraphQLError } from "graphql";
import { can } from "../../auth/policy.js";
import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import { idArg } from "../../graphql/ids.js";
import { msg } from "../../i18n.js";
import { mobilizationEvents, mobilizationFacts } from "./mobilization.service.js";
import { forbiddenBoard, Mobilization } from "./mobilization.type.js";

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
      if (!m || !facts || !can(ctx.viewer, "mobilization.read", facts)) {
        throw new GraphQLError(msg("未找到召集", "Call-up not found"), { extensions: { code: "NOT_FOUND" } });
      }
      if (!can(ctx.viewer, "mobilization.manage", facts)) forbiddenBoard();
      return mobilizationEvents.subscribe(id, args.since);
    },
    // Many answers in a burst read the board once each; the board is small (counts, first responders).
    resolve: (e: { key: string }) => prisma.mobilization.findUniqueOrThrow({ where: { id: e.key } }),
  }),
);
