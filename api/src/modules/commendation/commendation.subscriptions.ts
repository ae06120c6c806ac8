import { check } from "../../auth/policy.js";
import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import { idArg } from "../../graphql/ids.js";
import { pubsub } from "../../pubsub.js";

builder.subscriptionField("commendationBoardUpdated", (t) =>
  t.prismaField({
    type: "BoardEdition",
    description: "Public (for a display screen): an edition was published or withdrawn; refetch the board",
    args: { stationId: t.arg.id({ required: true }) },
    authScopes: { policy: check("public.read", null) },
    subscribe: (_r, args) => pubsub.subscribe("commendationBoardUpdated", idArg(String(args.stationId), "Station", "stationId")),
    resolve: (query, event) => prisma.boardEdition.findUniqueOrThrow({ ...query, where: { id: (event as unknown as { editionId: string }).editionId } }),
  }),
);
