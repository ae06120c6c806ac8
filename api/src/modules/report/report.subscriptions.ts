import { GraphQLError } from "graphql";
import { can } from "../../auth/policy.js";
import { builder } from "../../builder.js";
import { prisma } from "../../db.js";
import { idArg } from "../../graphql/ids.js";
import { msg } from "../../i18n.js";
import { reportLog } from "./report-log.js";
import { PatrolReportUpdate } from "./report.type.js";

builder.subscriptionField("patrolReportUpdated", (t) =>
  t.field({
    type: PatrolReportUpdate,
    description: "The live command view's findings: every new report and triage step of a station (officers), resumable from a cursor",
    args: {
      stationId: t.arg.id({ required: true }),
      since: t.arg.string({ description: "Cursor of the last update seen: replays what came after it first" }),
    },
    authScopes: { signedIn: true },
    subscribe: (_r, args, ctx) => {
      const stationId = idArg(String(args.stationId), "Station", "stationId");
      if (!can(ctx.viewer, "patrolReport.triage", { stationId })) {
        throw new GraphQLError(msg("仅本所民警可查看隐患动态", "Only the station's officers follow its findings"), { extensions: { code: "FORBIDDEN" } });
      }
      return reportLog.subscribe(stationId, args.since);
    },
    resolve: (m: { id: string }) => prisma.patrolReportEvent.findUniqueOrThrow({ where: { id: BigInt(m.id) } }),
  }),
);
