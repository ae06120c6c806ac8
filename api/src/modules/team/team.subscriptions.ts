import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import { pubsub } from "../../pubsub.js";
import { idArg } from "../../graphql/ids.js";
import { GraphQLError } from "graphql";
import { Team } from "./team.type.js";
import { msg } from "../../i18n.js";
import { can } from "../../auth/policy.js";

builder.subscriptionField("teamUpdated", (t) =>
  t.field({
    type: Team,
    description: "The team after any change to it, its squads or its members",
    args: { teamId: t.arg.id({ required: true }) },
    authScopes: { signedIn: true },
    subscribe: async (_root, args, ctx) => {
      const teamId = idArg(String(args.teamId), "Team", "teamId");
      const team = await prisma.team.findUnique({ where: { id: teamId }, select: { stationId: true } });
      if (!team || !can(ctx.viewer, "team.read", { stationId: team.stationId, teamId })) {
        throw new GraphQLError(msg("未找到队伍", "Team not found"), { extensions: { code: "NOT_FOUND" } });
      }
      return pubsub.subscribe("teamUpdated", teamId);
    },
    resolve: (event) => prisma.team.findUniqueOrThrow({ where: { id: event.teamId } }),
  }),
);
