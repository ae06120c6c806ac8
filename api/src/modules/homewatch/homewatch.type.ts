import { builder } from "../../builder.js";
import { can, check, ledTeamIds, type HomeWatchFacts, type HomeWatchVisitFacts } from "../../auth/policy.js";
import { clock } from "../../clock.js";
import type { Context } from "../../context.js";
import { prisma } from "../../db.js";
import { assertCursorInList, rowsAfterCursor } from "../../graphql/list-cursor.js";
import type { HomeWatchRequest as RequestRow } from "../../generated/prisma/client.js";
import { UserFacingError } from "../../graphql/errors.js";
import { idArg, textArg } from "../../graphql/ids.js";
import { personalData } from "../../graphql/personal-data.js";
import { accountName, requestLoader } from "../../graphql/request-loader.js";
import { localize } from "../../i18n.js";
import { GraphQLError } from "graphql";
import { maskName, maskPhone } from "../volunteer/mask.js";
import { ERASE_AFTER_DAYS, homeWatchByCode, LOG_SLACK_MS, suggestedTeamId, visitorsOf } from "./homewatch.service.js";
import { E } from "../../lib/enums.js";

export const HomeWatchStatus = builder.enumType(E.HomeWatchStatus, {
  name: "HomeWatchStatus",
  values: { PENDING: { description: "待审批" }, APPROVED: { description: "已安排照看" }, DECLINED: { description: "未能安排" } } as const,
});
export const HomeWatchResult = builder.enumType(E.HomeWatchResult, { name: "HomeWatchResult", values: { ALL_FINE: { description: "一切正常" }, PROBLEM: { description: "发现问题" } } as const });

/** The end of an administrative division's name (杭州市, 拱墅区, 吴牙社区, 米市巷街道). */
const DIVISION_END = /(?:省|市|区|县|镇|乡|街道)$/u;

/**
 * An address shown to someone who may not see it: at most the divisions it starts with (city, district,
 * community) within its first third, then stars; never a street, a number, a building or a room ("5幢2单元301"
 * kept its "5幢": with the grid and the dates it named the empty home).
 */
export function maskAddress(address: string): string {
  const chars = [...address.trim()];
  let kept = chars.slice(0, Math.min(6, Math.floor(chars.length / 3)));
  while (kept.length && !DIVISION_END.test(kept.join(""))) kept = kept.slice(0, -1);
  const prefix = kept.join("");
  return /\p{N}/u.test(prefix) ? "****" : `${prefix}****`;
}

export async function factsOfRequest(ctx: Context, r: { id: string; stationId: string; teamId: string | null }): Promise<HomeWatchFacts> {
  const visitors = await requestLoader(ctx, "homeWatchVisitors", visitorsOf, [] as string[]).load(r.id);
  return { stationId: r.stationId, teamId: r.teamId, visitorVolunteerIds: visitors };
}

const full = async (r: RequestRow, ctx: Context) => can(ctx.viewer, "homeWatch.readPersonal", await factsOfRequest(ctx, r));

type VisitRow = { stationId: string; volunteerId: string | null; requestId: string; shift: { teamId: string } };
const visitFacts = async (v: VisitRow, ctx: Context): Promise<HomeWatchVisitFacts> => ({
  stationId: v.stationId,
  teamId: v.shift.teamId,
  volunteerId: v.volunteerId,
  visitorVolunteerIds: await requestLoader(ctx, "homeWatchVisitors", visitorsOf, [] as string[]).load(v.requestId),
});

builder.prismaNode("HomeWatchVisit", {
  id: { field: "id" },
  description: "A visit logged on a HOME_WATCH shift",
  select: { stationId: true, volunteerId: true, requestId: true, shift: { select: { teamId: true } } },
  authScopes: async (v, ctx) => ({ policy: check("homeWatch.readVisit", await visitFacts(v, ctx)) }),
  fields: (t) => ({
    visitedAt: t.expose("visitedAt", { type: "DateTime" }),
    result: t.field({ type: HomeWatchResult, select: { result: true }, resolve: (v) => v.result }),
    note: t.exposeString("note"),
    visitorName: t.string({ select: { recordedById: true }, resolve: (v, _a, ctx) => accountName(ctx, v.recordedById) }),
    shift: t.relation("shift"),
    photos: t.relation("photos", {
      authScopes: async (v, _a, ctx) => ({ policy: check("homeWatch.readVisit", await visitFacts(v, ctx)) }),
      query: { orderBy: { position: "asc" } },
    }),
  }),
});

builder.prismaNode("HomeWatchRequest", {
  id: { field: "id" },
  description: "长假照看 request: the station's officers and the leaders of the visiting team; personal data erased 30 days after the return",
  authScopes: async (r, ctx) => ({ policy: check("homeWatch.read", await factsOfRequest(ctx, r)) }),
  fields: (t) => ({
    status: t.field({ type: HomeWatchStatus, resolve: (r) => r.status }),
    name: t.string({ extensions: personalData("homeWatch.readPersonal"), resolve: async (r, _a, ctx) => ((await full(r, ctx)) ? r.name : maskName(r.name)) }),
    phone: t.string({ extensions: personalData("homeWatch.readPersonal"), resolve: async (r, _a, ctx) => ((await full(r, ctx)) ? r.phone : maskPhone(r.phone)) }),
    address: t.string({ extensions: personalData("homeWatch.readPersonal"), resolve: async (r, _a, ctx) => ((await full(r, ctx)) ? r.address : maskAddress(r.address)) }),
    contactWhileAway: t.string({ extensions: personalData("homeWatch.readPersonal"), resolve: async (r, _a, ctx) => ((await full(r, ctx)) ? r.contactWhileAway : r.contactWhileAway ? "****" : "") }),
    notes: t.string({ resolve: async (r, _a, ctx) => ((await full(r, ctx)) ? r.notes : "") }),
    awayFrom: t.expose("awayFrom", { type: "DateTime" }),
    awayTo: t.expose("awayTo", { type: "DateTime" }),
    grid: t.relation("grid", { nullable: true }),
    team: t.relation("team", { nullable: true }),
    weekdays: t.exposeIntList("weekdays", { description: "ISO weekdays of the visits; empty: every day" }),
    declineReason: t.exposeString("declineReason", { nullable: true }),
    decidedAt: t.expose("decidedAt", { type: "DateTime", nullable: true }),
    createdAt: t.expose("createdAt", { type: "DateTime" }),
    erasedAt: t.expose("erasedAt", { type: "DateTime", nullable: true, description: `Personal data erased (${ERASE_AFTER_DAYS} days after the return)` }),
    shifts: t.relation("shifts", { query: { orderBy: [{ startsAt: "asc" }, { id: "asc" }] } }),
    visits: t.relation("visits", { query: { orderBy: [{ visitedAt: "asc" }, { id: "asc" }] } }),
    problemCount: t.int({ select: { visits: { where: { result: "PROBLEM" }, select: { id: true } } }, resolve: (r) => r.visits.length }),
    suggestedTeam: t.prismaField({
      type: "Team",
      nullable: true,
      description: "The team that patrols the request's grid most (approval's default)",
      resolve: async (q, r) => {
        const id = r.teamId ?? (await suggestedTeamId(r.stationId, r.gridId));
        return id ? prisma.team.findUnique({ ...q, where: { id } }) : null;
      },
    }),
    viewerCanDecide: t.boolean({ resolve: (r, _a, ctx) => r.status === "PENDING" && can(ctx.viewer, "homeWatch.decide", { stationId: r.stationId }) }),
  }),
});

const HomeWatchDetails = builder.objectRef<RequestRow & { full: boolean }>("HomeWatchDetails").implement({
  description: "The home a HOME_WATCH shift visits: in full for the volunteers on its shifts, its leaders and officers; masked for others",
  fields: (t) => ({
    requestId: t.id({ resolve: (r) => Buffer.from(`HomeWatchRequest:${r.id}`).toString("base64") }),
    name: t.string({ extensions: personalData("homeWatch.readPersonal"), resolve: (r) => (r.full ? r.name : maskName(r.name)) }),
    phone: t.string({ extensions: personalData("homeWatch.readPersonal"), resolve: (r) => (r.full ? r.phone : maskPhone(r.phone)) }),
    address: t.string({ extensions: personalData("homeWatch.readPersonal"), resolve: (r) => (r.full ? r.address : maskAddress(r.address)) }),
    contactWhileAway: t.string({ extensions: personalData("homeWatch.readPersonal"), resolve: (r) => (r.full ? r.contactWhileAway : r.contactWhileAway ? "****" : "") }),
    notes: t.string({ resolve: (r) => (r.full ? r.notes : "") }),
    awayFrom: t.expose("awayFrom", { type: "DateTime" }),
    awayTo: t.expose("awayTo", { type: "DateTime" }),
    erased: t.boolean({ resolve: (r) => !!r.erasedAt }),
    viewerSeesDetails: t.boolean({ resolve: (r) => r.full }),
  }),
});

builder.prismaObjectFields("Shift", (t) => ({
  homeWatch: t.field({
    type: HomeWatchDetails,
    nullable: true,
    description: "长假照看: the home this shift visits (HOME_WATCH shifts)",
    select: { homeWatchRequest: true },
    resolve: async (s, _a, ctx) => {
      const r = s.homeWatchRequest;
      if (!r) return null;
      return { ...r, full: await full(r, ctx) };
    },
  }),
  homeWatchVisits: t.relation("homeWatchVisits", {
    description: "Visits logged on this shift (its volunteers, leaders and the station's officers)",
    query: { orderBy: [{ visitedAt: "asc" }, { id: "asc" }] },
    nullable: true,
    authScopes: async (s, _a, ctx) => {
      if (!s.homeWatchRequestId) return false;
      const r = await prisma.homeWatchRequest.findUnique({ where: { id: s.homeWatchRequestId }, select: { id: true, stationId: true, teamId: true } });
      return !!r && { policy: check("homeWatch.readPersonal", await factsOfRequest(ctx, r)) };
    },
  }),
  viewerCanLogVisit: t.boolean({
    description: "May the viewer log a home-watch visit on this shift?",
    resolve: async (s, _a, ctx) => {
      if (s.kind !== "HOME_WATCH" || !s.homeWatchRequestId || s.status === "CANCELLED" || s.endsAt.getTime() + LOG_SLACK_MS < clock.now().getTime()) return false;
      const mine = ctx.viewer?.volunteerId ? await ctx.loaders.viewerClaim.load(s.id) : null;
      const onShift = !!mine && (mine.status === "CONFIRMED" || mine.status === "COMPLETED");
      return can(ctx.viewer, "homeWatch.logVisit", { shift: s, visitorVolunteerIds: onShift ? [ctx.viewer!.volunteerId!] : [] });
    },
  }),
}));

builder.prismaObjectField("Station", "homeWatchRequests", (t) =>
  t.prismaConnection({
    type: "HomeWatchRequest",
    cursor: "id",
    description: "长假照看 requests, newest first: all for officers, a leader's team's for a leader",
    args: { status: t.arg({ type: HomeWatchStatus }) },
    resolve: async (query, s, args, ctx) => {
      const access = { stationId: s.id, ...(can(ctx.viewer, "homeWatch.decide", { stationId: s.id }) ? {} : { teamId: { in: ledTeamIds(ctx.viewer, s.id) } }) };
      await assertCursorInList(query, (id) => prisma.homeWatchRequest.count({ where: { id, ...access } }));
      return rowsAfterCursor(query, (q) => prisma.homeWatchRequest.findMany({ ...q, where: { ...access, status: args.status ?? undefined }, orderBy: [{ createdAt: "desc" }, { id: "desc" }] }));
    },
  }),
);

// ── The public side: the form's areas and the status by confirmation code ────────────────────

const HomeWatchArea = builder.objectRef<{ id: string; name: string; community: { name: string } }>("HomeWatchArea").implement({
  description: "A grid residents can pick on the public form",
  fields: (t) => ({
    id: t.id({ description: "Global ID of the Grid", resolve: (g) => Buffer.from(`Grid:${g.id}`).toString("base64") }),
    name: t.exposeString("name"),
    communityName: t.string({ resolve: (g) => g.community.name }),
  }),
});

builder.queryField("homeWatchAreas", (t) =>
  t.field({
    type: [HomeWatchArea],
    description: "Public: the grids of a station, for the 长假照看 form",
    args: { stationId: t.arg.id({ required: true }) },
    authScopes: { policy: check("public.read", null) },
    resolve: (_r, args) =>
      prisma.grid.findMany({
        where: { stationId: idArg(String(args.stationId), "Station", "stationId") },
        select: { id: true, name: true, community: { select: { name: true } } },
        orderBy: [{ community: { name: "asc" } }, { name: "asc" }],
        take: 200,
      }),
  }),
);

type PublicView = NonNullable<Awaited<ReturnType<typeof homeWatchByCode>>>;
const PublicVisit = builder.objectRef<{ visitedAt: Date; result: "ALL_FINE" | "PROBLEM" }>("HomeWatchPublicVisit").implement({
  fields: (t) => ({ visitedAt: t.expose("visitedAt", { type: "DateTime" }), result: t.field({ type: HomeWatchResult, resolve: (v) => v.result }) }),
});
export const HomeWatchPublicStatus = builder.objectRef<PublicView>("HomeWatchPublicStatus").implement({
  description: "What the resident sees by their confirmation code: the decision, the planned visits, and each visit's date and result",
  fields: (t) => ({
    status: t.field({ type: HomeWatchStatus, resolve: (r) => r.status }),
    stationName: t.string({ resolve: (r) => r.station.name }),
    awayFrom: t.expose("awayFrom", { type: "DateTime" }),
    awayTo: t.expose("awayTo", { type: "DateTime" }),
    declineReason: t.exposeString("declineReason", { nullable: true }),
    plannedVisits: t.field({ type: ["DateTime"], resolve: (r) => r.shifts.map((s) => s.startsAt) }),
    visits: t.field({ type: [PublicVisit], resolve: (r) => r.visits }),
    erased: t.boolean({ description: `Name, phone and address were erased ${ERASE_AFTER_DAYS} days after the return`, resolve: (r) => !!r.erasedAt }),
    eraseAfter: t.field({ type: "DateTime", description: "When the personal data will be erased", resolve: (r) => new Date(r.awayTo.getTime() + ERASE_AFTER_DAYS * 86_400_000) }),
  }),
});

builder.queryField("homeWatchStatus", (t) =>
  t.field({
    type: HomeWatchPublicStatus,
    nullable: true,
    description: "Public: a 长假照看 request by its confirmation code (rate limited); null for an unknown code",
    args: { code: t.arg.string({ required: true }) },
    authScopes: { policy: check("public.read", null) },
    resolve: async (_r, args, ctx) => {
      try {
        return await homeWatchByCode(textArg(args.code, "code"), ctx.clientAddress);
      } catch (e) {
        if (e instanceof UserFacingError) throw new GraphQLError(localize(e.message, ctx.locale), { extensions: { code: e.code } });
        throw e;
      }
    },
  }),
);
