import { GraphQLError } from "graphql";
import { builder } from "../../builder.js";
import { can, type MemberListFacts } from "../../auth/policy.js";
import { DEFAULT_PAGE_SIZE } from "../../config.js";
import { prisma } from "../../db.js";
import type { MembershipStatus as MembershipStatusValue, Squad, SquadMembership, TeamMembership } from "../../generated/prisma/client.js";
import { idArg, textArg } from "../../graphql/ids.js";
import { msg } from "../../i18n.js";
import { MembershipStatus, Squad as SquadRef } from "../team/team.type.js";
import { Specialty, Volunteer } from "../volunteer/volunteer.type.js";
import { checkFilter, listMembers, placesAt } from "./member.service.js";

/** A file the API hands over for download (an export, activation codes). */
export interface DownloadShape {
  filename: string;
  content: Buffer;
}
export const DownloadFile = builder.objectRef<DownloadShape>("DownloadFile").implement({
  description: "A file to save, base64-encoded (an .xlsx export or a sheet of activation codes)",
  fields: (t) => ({
    filename: t.exposeString("filename"),
    contentType: t.string({ resolve: (f) => (f.filename.endsWith(".csv") ? "text/csv" : "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet") }),
    base64: t.string({ resolve: (f) => f.content.toString("base64") }),
    size: t.int({ resolve: (f) => f.content.length }),
  }),
});

interface EdgeShape {
  cursor: string;
  node: import("../../generated/prisma/client.js").Volunteer;
  memberships: TeamMembership[];
  squads: (SquadMembership & { squad: Squad })[];
}

// Pothos's own cursor shape (GPC:S:<id>), which the cursor check of graphql/limits.ts accepts.
const cursorOf = (id: string) => Buffer.from(`GPC:S:${id}`).toString("base64");
function afterOf(cursor: string | null | undefined): string | null {
  if (!cursor) return null;
  const raw = Buffer.from(cursor, "base64").toString("utf8");
  const id = raw.startsWith("GPC:S:") ? raw.slice(6) : "";
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new GraphQLError(msg("`after` 不是有效的游标", "`after` is not a valid cursor"), { extensions: { code: "BAD_USER_INPUT", argument: "after" } });
  return id;
}

builder.prismaObjectField("Station", "volunteers", (t) =>
  t.connection(
    {
      type: Volunteer,
      nullable: true,
      description:
        "队员名册: the station's volunteers, oldest first, with the total. Search by name or the last digits of a phone; filter by team, squad, specialty and standing (ACTIVE unless asked). Officers see the whole station; a team's or squad's leaders their own team or squad (ACTIVE or PENDING).",
      args: {
        search: t.arg.string(),
        teamId: t.arg.id(),
        squadId: t.arg.id(),
        specialty: t.arg({ type: Specialty }),
        status: t.arg({ type: MembershipStatus }),
      },
      authScopes: { signedIn: true },
      resolve: async (station, args, ctx) => {
        const teamId = args.teamId ? idArg(String(args.teamId), "Team", "teamId") : null;
        const squadId = args.squadId ? idArg(String(args.squadId), "Squad", "squadId") : null;
        const status = (args.status ?? "ACTIVE") as MembershipStatusValue;
        const facts: MemberListFacts = { stationId: station.id, teamId, squadId, status };
        const filter = { stationId: station.id, teamId, squadId, search: textArg(args.search, "search")?.slice(0, 40) ?? null, specialty: args.specialty ?? null, status };
        try {
          await checkFilter(filter, []);
        } catch {
          throw new GraphQLError(msg("队伍或小队不属于本所", "The team or squad is not this station's"), { extensions: { code: "BAD_USER_INPUT" } });
        }
        if (!can(ctx.viewer, "volunteer.list", facts)) throw new GraphQLError(msg("没有权限查看名册", "Not allowed to see this list"), { extensions: { code: "FORBIDDEN" } });
        if (args.last != null || args.before != null) throw new GraphQLError(msg("名册只能向后翻页", "The list pages forward only"), { extensions: { code: "BAD_USER_INPUT" } });
        const first = args.first ?? DEFAULT_PAGE_SIZE;
        const page = await listMembers(filter, first, afterOf(args.after));
        const [rows, places] = await Promise.all([
          prisma.volunteer.findMany({ where: { id: { in: page.ids } } }),
          placesAt(station.id, page.ids),
        ]);
        const byId = new Map(rows.map((r) => [r.id, r]));
        const edges: EdgeShape[] = page.ids.map((id) => ({
          cursor: cursorOf(id),
          node: byId.get(id)!,
          memberships: places.memberships.filter((m) => m.volunteerId === id),
          squads: places.squads.filter((s) => s.volunteerId === id),
        }));
        return {
          edges,
          totalCount: page.total,
          pageInfo: { hasNextPage: page.hasNextPage, hasPreviousPage: !!args.after, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
        } as never;
      },
    },
    {
      name: "StationVolunteersConnection",
      fields: (c) => ({ totalCount: c.int({ description: "All that match, on every page", resolve: (p) => (p as unknown as { totalCount: number }).totalCount }) }),
    },
    {
      name: "StationVolunteerEdge",
      fields: (e) => ({
        memberships: e.prismaField({
          type: ["TeamMembership"],
          description: "The person's memberships of this station's teams (those the viewer may see)",
          resolve: (_q, edge) => (edge as unknown as EdgeShape).memberships,
        }),
        squads: e.field({
          type: [SquadRef],
          description: "The person's squads at this station",
          resolve: (edge) => (edge as unknown as EdgeShape).squads.map((s) => s.squad),
        }),
      }),
    },
  ),
);

builder.prismaObjectFields("Station", (t) => ({
  viewerCanListVolunteers: t.boolean({
    description: "May open the whole member list (officers)",
    resolve: (s, _a, ctx) => can(ctx.viewer, "volunteer.list", { stationId: s.id, teamId: null, squadId: null, status: "ACTIVE" }),
  }),
  viewerCanExportVolunteers: t.boolean({ resolve: (s, _a, ctx) => can(ctx.viewer, "volunteer.export", { stationId: s.id }) }),
}));
