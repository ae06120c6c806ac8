import { builder } from "../../builder.js";
import { personalData } from "../../graphql/personal-data.js";
import { can, check, ledTeamIds } from "../../auth/policy.js";
import { prisma } from "../../db.js";
import { assertCursorInList, rowsAfterCursor } from "../../graphql/list-cursor.js";
import { idArg } from "../../graphql/ids.js";
import { getConnectionPageSize, PothosValidationError, validateConnectionArguments } from "@pothos/core";
import { formatPrismaCursor, parsePrismaCursor } from "@pothos/plugin-prisma";
import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../../config.js";
import { boardPage, type BoardPageRow } from "./board-page.js";
import { UUID } from "../../lib/uuid.js";
import { E } from "../../lib/enums.js";

export const GoodDeedCategory = builder.enumType(E.GoodDeedCategory, {
  name: "GoodDeedCategory",
  values: {
    HEROIC_ACT: { description: "见义勇为" },
    LOST_PROPERTY_RETURNED: { description: "拾金不昧" },
    HELPING_ELDERLY: { description: "助老助困" },
    FRAUD_PREVENTED: { description: "反诈劝阻" },
    DISPUTE_MEDIATED: { description: "矛盾调解" },
    HAZARD_FOUND: { description: "隐患发现" },
    OTHER: { description: "其他" },
  } as const,
});
export const GoodDeedStatus = builder.enumType(E.GoodDeedStatus, { name: "GoodDeedStatus" });

export const GoodDeed = builder.prismaNode("GoodDeed", {
  id: { field: "id" },
  description: "好人好事: submitted, then approved into a commendation or rejected",
  authScopes: (d) => ({ policy: check("goodDeed.read", d) }),
  fields: (t) => ({
    category: t.field({ type: GoodDeedCategory, resolve: (d) => d.category }),
    title: t.exposeString("title"),
    story: t.exposeString("story"),
    occurredAt: t.expose("occurredAt", { type: "DateTime" }),
    place: t.exposeString("place"),
    status: t.field({ type: GoodDeedStatus, resolve: (d) => d.status }),
    isCollective: t.boolean({ description: "By a squad or team as a whole", resolve: (d) => !d.volunteerId }),
    volunteer: t.relation("volunteer", { nullable: true }),
    team: t.relation("team"),
    squad: t.relation("squad", { nullable: true }),
    submittedAt: t.expose("submittedAt", { type: "DateTime" }),
    reviewedAt: t.expose("reviewedAt", { type: "DateTime", nullable: true }),
    rejectReason: t.exposeString("rejectReason", { nullable: true }),
    pointsAwarded: t.exposeInt("pointsAwarded", { nullable: true }),
    commendation: t.relation("commendation", { nullable: true }),
    viewerCanReview: t.boolean({ resolve: (d, _a, ctx) => d.status === "SUBMITTED" && can(ctx.viewer, "goodDeed.review", { stationId: d.stationId, volunteerId: d.volunteerId }) }),
  }),
});

export const Commendation = builder.prismaNode("Commendation", {
  id: { field: "id" },
  description: "表扬: an approved good deed",
  authScopes: (c) => ({ policy: check("commendation.read", { stationId: c.stationId }) }),
  fields: (t) => ({
    approvedAt: t.expose("approvedAt", { type: "DateTime" }),
    goodDeed: t.relation("goodDeed"),
    volunteer: t.relation("volunteer", { nullable: true }),
  }),
});

/** What the public board shows of a person: never phone or ID number; the legal name only with consent. */
const entrySelect = {
  commendation: {
    select: {
      volunteerId: true,
      volunteer: { select: { displayName: true, name: true, showLegalNameOnBoard: true } },
      goodDeed: {
        select: {
          category: true,
          title: true,
          story: true,
          occurredAt: true,
          place: true,
          team: { select: { name: true } },
          squad: { select: { name: true } },
        },
      },
    },
  },
  edition: { select: { title: true, publishedAt: true, stationId: true, withdrawnAt: true } },
} as const;

export const BoardEntry = builder.prismaNode("BoardEntry", {
  id: { field: "id" },
  name: "CommendationBoardEntry",
  description: "An entry of a published 表扬榜 (public: no personal data)",
  // Rows of a board page carry one scope map per distinct facts (board-page.ts), which scope-auth
  // evaluates once per request; other rows get their own.
  authScopes: (e) => (e as { boardScope?: BoardPageRow["boardScope"] }).boardScope ?? { policy: check("board.read", { stationId: e.edition.stationId, withdrawn: !!e.edition.withdrawnAt }) },
  // Checked once per entry (when the executor completes it) instead of on each of its 14 fields.
  runScopesOnType: true,
  select: entrySelect,
  fields: (t) => ({
    displayName: t.string({
      description: "The person's public name, or the squad or team for a collective deed",
      resolve: (e) => e.commendation.volunteer?.displayName ?? e.commendation.goodDeed.squad?.name ?? e.commendation.goodDeed.team.name,
    }),
    legalName: t.string({
      nullable: true,
      description: "Only when the person consented to show it",
      // Public by the person's own consent (showLegalNameOnBoard), null otherwise.
      extensions: personalData("public.read"),
      resolve: (e) => (e.commendation.volunteer?.showLegalNameOnBoard ? e.commendation.volunteer.name : null),
    }),
    teamName: t.string({ resolve: (e) => e.commendation.goodDeed.team.name }),
    squadName: t.string({ nullable: true, resolve: (e) => e.commendation.goodDeed.squad?.name ?? null }),
    category: t.field({ type: GoodDeedCategory, resolve: (e) => e.commendation.goodDeed.category }),
    title: t.string({ resolve: (e) => e.commendation.goodDeed.title }),
    story: t.string({ resolve: (e) => e.commendation.goodDeed.story }),
    place: t.string({ resolve: (e) => e.commendation.goodDeed.place }),
    occurredAt: t.field({ type: "DateTime", resolve: (e) => e.commendation.goodDeed.occurredAt }),
    editionTitle: t.string({ resolve: (e) => e.edition.title }),
    publishedAt: t.field({ type: "DateTime", resolve: (e) => e.edition.publishedAt }),
    timesCommended: t.int({
      nullable: true,
      description: "表扬 N 次: how many times this person has been commended (null for collective deeds)",
      resolve: (e, _a, ctx) => {
        const counted = (e as { timesCommended?: number | null }).timesCommended; // read with the page (board-page.ts)
        if (counted !== undefined) return counted;
        return e.commendation.volunteerId ? ctx.loaders.commendationCount.load(e.commendation.volunteerId) : null;
      },
    }),
  }),
});

export const BoardEdition = builder.prismaNode("BoardEdition", {
  id: { field: "id" },
  name: "CommendationBoardEdition",
  description: "An edition of a team's 表扬榜",
  // An edition's title and dates are public (a street screen learns of a withdrawal through them);
  // the entries of a withdrawn one are not.
  authScopes: () => ({ policy: check("public.read", null) }),
  fields: (t) => ({
    title: t.exposeString("title"),
    publishedAt: t.expose("publishedAt", { type: "DateTime" }),
    withdrawnAt: t.expose("withdrawnAt", { type: "DateTime", nullable: true }),
    teamName: t.string({ select: { team: { select: { name: true } } }, resolve: (e) => e.team.name }),
    entries: t.relatedConnection("entries", {
      cursor: "id",
      nullable: true,
      authScopes: (e) => ({ policy: check("board.read", { stationId: e.stationId, withdrawn: !!e.withdrawnAt }) }),
      query: { orderBy: { position: "asc" } },
    }),
    viewerCanWithdraw: t.boolean({
      select: { team: { select: { id: true, stationId: true } } },
      resolve: (e, _a, ctx) => !e.withdrawnAt && can(ctx.viewer, "board.publish", { stationId: e.team.stationId, teamId: e.team.id }),
    }),
  }),
});

builder.queryField("commendationBoard", (t) =>
  // A plain connection rather than prismaConnection: its page needs no query planned from the
  // selection (the type reads `entrySelect` whatever is asked), and planning it cost more than
  // reading the rows. Cursors and paging as Pothos' prisma connections (`boardConnection`).
  t.connection({
    type: BoardEntry,
    description: "表扬榜 (public, no sign-in): entries of the station's published editions, newest first",
    args: { stationId: t.arg.id({ required: true }) },
    authScopes: { policy: check("public.read", null) },
    resolve: (_r, args) => boardConnection(idArg(String(args.stationId), "Station", "stationId"), args) as never,
  }),
);

const boardCursor = (e: { id: string }) => formatPrismaCursor(e, "id");
class BoardEdge {
  constructor(readonly node: { id: string }) {}
  get cursor() {
    return boardCursor(this.node);
  }
}

/**
 * A page of the board, with the arguments, cursors and page info of Pothos' prisma connections
 * (`cursor: "id"`), in one hand-written statement (board-page.ts) either way.
 */
async function boardConnection(stationId: string, args: { first?: number | null; last?: number | null; before?: string | null; after?: string | null }) {
  const { first, last, before, after } = args;
  validateConnectionArguments(args);
  if (before != null && after != null) throw new PothosValidationError('Arguments "before" and "after" are not supported at the same time');
  if (before != null && first != null) throw new PothosValidationError('Arguments "before" and "first" are not supported at the same time');
  if (after != null && last != null) throw new PothosValidationError('Arguments "after" and "last" are not supported at the same time');
  const { limit } = getConnectionPageSize({ args, defaultSize: DEFAULT_PAGE_SIZE, maxSize: MAX_PAGE_SIZE });
  const backward = before != null || last != null;
  const cursor = before ?? after;
  const cursorId = cursor == null ? null : String(parsePrismaCursor(cursor));
  const rows: { id: string }[] =
    cursorId === null || UUID.test(cursorId)
      ? await boardPage(stationId, limit, cursorId, backward)
      : []; // a cursor of no entry (not a UUID): nothing after or before it
  const full = rows.length === limit;
  const nodes = full ? rows.slice(backward ? 1 : 0, backward ? rows.length : -1) : rows;
  // An edge's cursor is made when it is read: the web's board selects only the page's end cursor.
  const edges = nodes.map((node) => new BoardEdge(node));
  return {
    edges,
    pageInfo: {
      get startCursor() {
        return edges[0]?.cursor ?? null;
      },
      get endCursor() {
        return edges[edges.length - 1]?.cursor ?? null;
      },
      hasPreviousPage: after != null ? true : backward ? full : false,
      hasNextPage: before != null ? true : last != null ? false : full,
    },
  };
}

const PublicStation = builder.objectRef<{ id: string; name: string; city: string; district: string }>("PublicStation").implement({
  description: "What anyone may know of a station: enough to open its public board",
  fields: (t) => ({
    id: t.globalID({ resolve: (s) => ({ type: "Station", id: s.id }) }),
    name: t.exposeString("name"),
    city: t.exposeString("city"),
    district: t.exposeString("district"),
  }),
});

builder.queryField("publicStations", (t) =>
  t.connection({
    type: PublicStation,
    description: "Stations, for choosing a public commendation board (no sign-in)",
    authScopes: { policy: check("public.read", null) },
    resolve: (_r, args) =>
      resolveOffsetConnection({ args }, ({ limit, offset }) =>
        prisma.station.findMany({ select: { id: true, name: true, city: true, district: true }, orderBy: [{ name: "asc" }, { id: "asc" }], skip: offset, take: limit }),
      ),
  }),
);

/** Deeds a non-officer may list: of teams they lead, submitted by them, or about them. */
function ownDeeds(ledTeams: string[], v: import("../../auth/viewer.js").Viewer | null) {
  const or: import("../../generated/prisma/client.js").Prisma.GoodDeedWhereInput[] = [{ teamId: { in: ledTeams } }];
  if (v) or.push({ submittedById: v.accountId });
  if (v?.volunteerId) or.push({ volunteerId: v.volunteerId });
  return or;
}

builder.prismaObjectField("Station", "goodDeeds", (t) =>
  t.prismaConnection({
    type: "GoodDeed",
    cursor: "id",
    description: "Good deeds to review (officers) or of the teams you lead, newest first",
    args: { status: t.arg({ type: GoodDeedStatus }) },
    resolve: async (query, station, args, ctx) => {
      const v = ctx.viewer;
      const access = { stationId: station.id, ...(can(v, "goodDeed.review", { stationId: station.id }) ? {} : { OR: ownDeeds(ledTeamIds(v, station.id), v) }) };
      // Whatever the status: a deed approved while the officer pages the review list keeps its place.
      await assertCursorInList(query, (id) => prisma.goodDeed.count({ where: { id, ...access } }));
      return rowsAfterCursor(query, (q) => prisma.goodDeed.findMany({
        ...q,
        where: { ...access, status: args.status ?? undefined },
        orderBy: [{ submittedAt: "desc" }, { id: "desc" }],
      }));
    },
  }),
);

builder.prismaObjectField("Team", "boardEditions", (t) =>
  t.relatedConnection("boardEditions", { cursor: "id", query: { orderBy: [{ publishedAt: "desc" }, { id: "desc" }] } }),
);

builder.prismaObjectField("Team", "commendations", (t) =>
  t.prismaConnection({
    type: "Commendation",
    cursor: "id",
    description: "Approved commendations of the team, newest first: what a board edition is made of",
    resolve: async (query, team) => {
      await assertCursorInList(query, (id) => prisma.commendation.count({ where: { id, teamId: team.id } }));
      return rowsAfterCursor(query, (q) => prisma.commendation.findMany({ ...q, where: { teamId: team.id }, orderBy: [{ approvedAt: "desc" }, { id: "desc" }] }));
    },
  }),
);
