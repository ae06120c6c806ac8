import { resolveOffsetConnection } from "@pothos/plugin-relay";
import { builder } from "../../builder.js";
import { can, check, claimableShiftGroups, ledSquadIds, ledTeamIds, readableShiftStations, visibleStationFilter } from "../../auth/policy.js";
import { clock } from "../../clock.js";
import type { Context, ShiftScope as LoadedShift } from "../../context.js";
import { prisma } from "../../db.js";
import { deliveryHorizon, encodeCursor } from "../../events/stored-stream.js";
import type { Prisma, Shift as ShiftRow } from "../../generated/prisma/client.js";
import { dateArg, idArg, textArg } from "../../graphql/ids.js";
import { assertCursorInList, keyset, keysetPage, rowsAfterCursor } from "../../graphql/list-cursor.js";
import { personalData } from "../../graphql/personal-data.js";
import { maskPhone } from "../volunteer/mask.js";
import { Viewer } from "../account/account.type.js";
import { Specialty } from "../volunteer/volunteer.type.js";
import { assignableWhere, checkInWindow } from "./shift.rules.js";
import { shiftBoardPage } from "./board-page.js";
import { E } from "../../lib/enums.js";

/** What a board page (board-page.ts) reads beside the shift's columns, and the viewer's facts it adds. */
type BoardFacts = { viewerHasSpecialty?: boolean; viewerOverlaps?: boolean; jointOfficerName?: string | null; rotationPartner?: unknown };

export const ShiftKind = builder.enumType(E.ShiftKind, {
  name: "ShiftKind",
  values: {
    PATROL: { description: "巡逻" },
    NIGHT_PATROL: { description: "夜巡" },
    PUBLICITY: { description: "宣传" },
    EVENT_SECURITY: { description: "活动安保" },
    HOME_WATCH: { description: "长假照看" },
  } as const,
});
export const ShiftStatus = builder.enumType(E.ShiftStatus, { name: "ShiftStatus" });
export const ClaimStatus = builder.enumType(E.ClaimStatus, {
  name: "ClaimStatus",
  values: {
    CONFIRMED: { description: "已确认" },
    WAITLISTED: { description: "候补" },
    CANCELLED: { description: "已取消" },
    NO_SHOW: { description: "缺勤" },
    COMPLETED: { description: "已完成" },
  } as const,
});
export const CheckInMethod = builder.enumType(E.CheckInMethod, {
  name: "CheckInMethod",
  values: { QR: { description: "扫岗点码" }, GPS: { description: "定位" }, LEADER: { description: "队长代签" } } as const,
});
export const PatrolEventKind = builder.enumType(E.PatrolEventKind, { name: "PatrolEventKind" });
export const ApplyTo = builder.enumType("ApplyTo", {
  description: "For a shift of a weekly series: change only this shift, or this and the later ones",
  values: ["THIS_SHIFT", "FUTURE_SHIFTS"] as const,
});

export const ClaimBlocker = builder.enumType("ClaimBlocker", {
  description: "Why the viewer cannot claim a shift (claimShift gives the definitive answer)",
  values: {
    NOT_A_VOLUNTEER: { description: "仅义警可认领" },
    NOT_IN_TEAM: { description: "不是本队队员" },
    NOT_IN_SQUAD: { description: "仅本小队队员可认领" },
    SPECIALTY_MISSING: { description: "需要相应专长" },
    ALREADY_CLAIMED: { description: "已认领或在候补中" },
    OVERLAPS: { description: "与已确认的班次时间冲突" },
    STARTED: { description: "班次已开始" },
    NOT_OPEN: { description: "班次已取消或结束" },
  } as const,
});
type Blocker = "NOT_A_VOLUNTEER" | "NOT_IN_TEAM" | "NOT_IN_SQUAD" | "SPECIALTY_MISSING" | "ALREADY_CLAIMED" | "OVERLAPS" | "STARTED" | "NOT_OPEN";

/**
 * Why the viewer cannot claim, for the UI; claimShift checks the same on locked rows. Without a
 * promise when the board's page read everything it needs (issue 20: no promise per row on the board).
 */
function claimBlocker(s: ShiftRow & { claims?: { status: string }[] }, ctx: Context): Blocker | null | Promise<Blocker | null> {
  const v = ctx.viewer;
  if (!v?.volunteerId) return "NOT_A_VOLUNTEER";
  if (s.status !== "OPEN") return "NOT_OPEN";
  if (s.startsAt.getTime() <= clock.now().getTime()) return "STARTED";
  if (!s.claims) return ctx.loaders.viewerClaim.load(s.id).then((claim) => blockerAfterClaim(s, claim, v, ctx));
  return blockerAfterClaim(s, s.claims[0] ?? null, v, ctx);
}

function blockerAfterClaim(s: ShiftRow, claim: { status: string } | null, v: NonNullable<Context["viewer"]>, ctx: Context): Blocker | null | Promise<Blocker | null> {
  if (claim && claim.status !== "CANCELLED") return "ALREADY_CLAIMED";
  if (!can(v, "shift.claim", { stationId: s.stationId, teamId: s.teamId, squadId: null })) return "NOT_IN_TEAM";
  if (!can(v, "shift.claim", s)) return "NOT_IN_SQUAD";
  const read = s as BoardFacts; // read with the board's page, or loaded here
  if (read.viewerHasSpecialty !== undefined && read.viewerOverlaps !== undefined) {
    if (!read.viewerHasSpecialty) return "SPECIALTY_MISSING";
    return read.viewerOverlaps ? "OVERLAPS" : null;
  }
  return loadedBlocker(s, v.volunteerId!, ctx);
}

async function loadedBlocker(s: ShiftRow, volunteerId: string, ctx: Context): Promise<Blocker | null> {
  if (s.requiredSpecialty) {
    const me = await ctx.loaders.viewerVolunteer.load(volunteerId);
    if (!me?.specialties.includes(s.requiredSpecialty)) return "SPECIALTY_MISSING";
  }
  const mine = await ctx.loaders.viewerConfirmedSpans.load(volunteerId);
  if (mine.some((m) => m.shiftId !== s.id && m.startsAt < s.endsAt && m.endsAt > s.startsAt)) return "OVERLAPS";
  return null;
}

export const ShiftLeaderRole = builder.enumType("ShiftLeaderRole", {
  values: { SQUAD_LEADER: { description: "小队长" }, TEAM_LEADER: { description: "队长" } } as const,
});

type LeaderRow = { id: string; displayName: string; phone: string; sharePhoneWithTeam: boolean };
interface ContactShape {
  leader: LeaderRow | null;
  leaderRole: "SQUAD_LEADER" | "TEAM_LEADER" | null;
  stationName: string;
  stationAddress: string;
  stationPhone: string;
}

/** May the viewer see this leader's phone (they consented to share it with their teams, or the viewer sees it anyway)? */
async function seesLeaderPhone(leader: LeaderRow, ctx: Context): Promise<boolean> {
  return can(ctx.viewer, "volunteer.readSharedPhone", { person: await ctx.loaders.person.load(leader.id), shared: leader.sharePhoneWithTeam });
}

const ShiftContact = builder.objectRef<ContactShape>("ShiftContact").implement({
  description: "How to reach the shift's leader: their phone when they share it with their team, otherwise the station",
  fields: (t) => ({
    leaderRole: t.field({ type: ShiftLeaderRole, nullable: true, resolve: (c) => c.leaderRole }),
    leaderName: t.string({ nullable: true, description: "The leader's public name", resolve: (c) => c.leader?.displayName ?? null }),
    leaderPhone: t.string({
      nullable: true,
      description: "In full for the team's members when the leader consented to share it (and for those who see personal data); masked otherwise",
      extensions: personalData("volunteer.readSharedPhone"),
      resolve: async (c, _a, ctx) => (c.leader ? ((await seesLeaderPhone(c.leader, ctx)) ? c.leader.phone : maskPhone(c.leader.phone)) : null),
    }),
    viewerCanCallLeader: t.boolean({ resolve: async (c, _a, ctx) => !!c.leader && (await seesLeaderPhone(c.leader, ctx)) }),
    stationName: t.string({ resolve: (c) => c.stationName }),
    stationAddress: t.string({ resolve: (c) => c.stationAddress }),
    stationPhone: t.string({ description: "The station's duty phone", resolve: (c) => c.stationPhone }),
  }),
});

const ShiftParticipant = builder.objectRef<{ displayName: string; isViewer: boolean }>("ShiftParticipant").implement({
  description: "Someone confirmed on a shift, by their public name",
  fields: (t) => ({ displayName: t.exposeString("displayName"), isViewer: t.exposeBoolean("isViewer") }),
});

type ShiftScope = { stationId: string; teamId: string; squadId: string | null };

/** Matches no claim: the viewer who is not a volunteer has none. */
const NO_VOLUNTEER = "00000000-0000-0000-0000-000000000000";

export const Shift = builder.prismaNode("Shift", {
  id: { field: "id" },
  description: "巡逻班次: a patrol shift volunteers claim",
  authScopes: (s) => ({ policy: check("shift.read", s) }),
  // Asked once per shift (when the executor completes it) rather than around each of its ~30 fields
  // (issue 20: 50 rows × 30 wrapped resolvers on the board). Fields with their own authScopes keep them.
  runScopesOnType: true,
  fields: (t) => ({
    kind: t.field({ type: ShiftKind, resolve: (s) => s.kind }),
    title: t.exposeString("title"),
    status: t.field({ type: ShiftStatus, resolve: (s) => s.status }),
    cancelReason: t.exposeString("cancelReason", { nullable: true }),
    place: t.exposeString("place"),
    route: t.exposeString("route", { description: "巡防路线" }),
    notes: t.exposeString("notes"),
    startsAt: t.expose("startsAt", { type: "DateTime" }),
    endsAt: t.expose("endsAt", { type: "DateTime" }),
    checkInOpensAt: t.field({
      type: "DateTime",
      description: "签到开放: when check-in opens (30 minutes before the start); it closes at endsAt. The rule of checkIn and 代签到, so that clients need not repeat it",
      resolve: (s) => checkInWindow(s).opens,
    }),
    capacity: t.exposeInt("capacity"),
    seatsTaken: t.exposeInt("confirmedCount"),
    seatsLeft: t.int({ resolve: (s) => Math.max(0, s.capacity - s.confirmedCount) }),
    waitlistLength: t.exposeInt("waitlistCount"),
    requiredSpecialty: t.field({ type: Specialty, nullable: true, resolve: (s) => s.requiredSpecialty }),
    isRecurring: t.boolean({ resolve: (s) => !!s.seriesId }),
    isJointPatrol: t.boolean({ description: "警民共巡", resolve: (s) => !!s.jointOfficerId }),
    jointOfficerName: t.string({
      nullable: true,
      resolve: (s) => {
        const read = (s as BoardFacts).jointOfficerName; // read with the board's page
        if (read !== undefined) return read;
        return s.jointOfficerId ? prisma.account.findUnique({ where: { id: s.jointOfficerId }, select: { displayName: true } }).then((a) => a?.displayName ?? null) : null;
      },
    }),
    station: t.relation("station"),
    team: t.relation("team"),
    squad: t.relation("squad", { nullable: true }),
    grid: t.relation("grid", { nullable: true }),
    postCode: t.string({
      nullable: true,
      description: "岗点码 printed at the post; only the shift's leaders and officers see it",
      resolve: (s, _a, ctx) => (can(ctx.viewer, "shift.manage", s) ? s.postCode : null),
    }),
    viewerClaim: t.field({
      type: ShiftClaim,
      nullable: true,
      // Joined into the query that loads the shifts: a board page costs no statement more for it.
      select: (_a, ctx, nestedSelection) => ({
        claims: nestedSelection({ where: { volunteerId: ctx.viewer?.volunteerId ?? NO_VOLUNTEER }, take: 1 }),
      }),
      resolve: (s) => s.claims[0] ?? null,
    }),
    viewerCanClaim: t.boolean({
      select: (_a, ctx, nestedSelection) => ({
        claims: nestedSelection({ where: { volunteerId: ctx.viewer?.volunteerId ?? NO_VOLUNTEER }, take: 1 }),
      }),
      resolve: (s, _a, ctx) => {
        const b = claimBlocker(s, ctx);
        return b instanceof Promise ? b.then((x) => x === null) : b === null;
      },
    }),
    viewerClaimBlocker: t.field({
      type: ClaimBlocker,
      nullable: true,
      description: "Why the viewer cannot claim this shift; null when they can (a full shift puts them on the waitlist)",
      select: (_a, ctx, nestedSelection) => ({
        claims: nestedSelection({ where: { volunteerId: ctx.viewer?.volunteerId ?? NO_VOLUNTEER }, take: 1 }),
      }),
      resolve: (s, _a, ctx) => claimBlocker(s, ctx),
    }),
    viewerCanManage: t.boolean({ resolve: (s, _a, ctx) => can(ctx.viewer, "shift.manage", s) }),
    contact: t.field({
      type: ShiftContact,
      description: "联系方式: the squad's leader (else the team's) and the station",
      select: { station: { select: { name: true, address: true, dutyPhone: true } } },
      resolve: async (s, _a, ctx) => {
        const squadLeader = s.squadId ? await ctx.loaders.leaderOf.load(`squad:${s.squadId}`) : null;
        const leader = squadLeader ?? (await ctx.loaders.leaderOf.load(`team:${s.teamId}`));
        return {
          leader,
          leaderRole: squadLeader ? ("SQUAD_LEADER" as const) : leader ? ("TEAM_LEADER" as const) : null,
          stationName: s.station.name,
          stationAddress: s.station.address,
          stationPhone: s.station.dutyPhone,
        };
      },
    }),
    going: t.connection({
      type: ShiftParticipant,
      nullable: true,
      description: "Who else is going: the confirmed volunteers' public names, in claim order (for those who may claim or run the shift)",
      authScopes: (s) => ({ policy: check("shift.readGoing", s) }),
      resolve: (s, args, ctx) =>
        resolveOffsetConnection({ args }, async ({ offset, limit }) => {
          const rows = await prisma.shiftClaim.findMany({
            where: { shiftId: s.id, status: { in: ["CONFIRMED", "COMPLETED"] } },
            select: { volunteerId: true, volunteer: { select: { displayName: true } } },
            orderBy: [{ confirmedAt: "asc" }, { id: "asc" }],
            skip: offset,
            take: limit,
          });
          return rows.map((r) => ({ displayName: r.volunteer.displayName, isViewer: r.volunteerId === ctx.viewer?.volunteerId }));
        }),
    }),
    assignableVolunteers: t.prismaConnection({
      type: "Volunteer",
      cursor: "id",
      nullable: true,
      description:
        "安排队员: the people this shift's claim rules accept (active, its team, squad and specialty, no overlapping confirmed shift), not yet on it, by name. " +
        "Its leaders and officers; with `rotation`, the contacts of the partner it was given to, for that partner's people",
      args: {
        search: t.arg.string({ description: "Part of the public name" }),
        rotation: t.arg.boolean({ description: "Only the people of the partner this shift was given to (轮流出人)" }),
      },
      authScopes: async (s, args) => {
        if (!args.rotation) return { policy: check("shift.manage", s) };
        const slot = await prisma.rotationSlot.findUnique({ where: { shiftId: s.id }, select: { partnerId: true } });
        return slot ? { policy: check("agreement.actForPartner", { partnerId: slot.partnerId, stationId: s.stationId }) } : false;
      },
      resolve: async (query, s, args) => {
        const partnerId = args.rotation ? ((await prisma.rotationSlot.findUnique({ where: { shiftId: s.id }, select: { partnerId: true } }))?.partnerId ?? null) : null;
        const search = textArg(args.search, "search")?.trim().slice(0, 50);
        // A cursor names someone of the shift's team (and partner), whatever their standing or claims now.
        await assertCursorInList(query, (id) => prisma.volunteer.count({ where: { id, ...(partnerId ? { partnerId } : {}), teams: { some: { teamId: s.teamId } } } }));
        return rowsAfterCursor(query, (q) => prisma.volunteer.findMany({
          ...q,
          where: { ...assignableWhere(s, partnerId), ...(search ? { displayName: { contains: search, mode: "insensitive" } } : {}) },
          orderBy: [{ displayName: "asc" }, { id: "asc" }],
        }));
      },
    }),
    claims: t.relatedConnection("claims", {
      description: "Roster: confirmed first, then the waitlist in order (leaders and officers)",
      cursor: "id",
      args: { status: t.arg({ type: [ClaimStatus] }) },
      nullable: true,
      authScopes: (s) => ({ policy: check("shift.manage", s) }),
      query: (args) => ({
        where: args.status ? { status: { in: args.status } } : undefined,
        orderBy: [{ status: "asc" }, { waitlistSeq: "asc" }, { claimedAt: "asc" }, { id: "asc" }],
      }),
    }),
  }),
});

export const ShiftClaim = builder.prismaNode("ShiftClaim", {
  id: { field: "id" },
  description: "认领: a volunteer's claim of a shift",
  authScopes: (c, ctx) => {
    // The shift may come loaded with the claim (patrol watch), or its scope read with the board's
    // page: no query then, and no promise unless the viewer is a partner's admin.
    const loaded = (c as { shift?: ShiftScope }).shift ?? (c as { shiftScope?: ShiftScope }).shiftScope;
    if (loaded && !ctx.viewer?.partnerAdminOf.size) return { policy: check("claim.read", { volunteerId: c.volunteerId, partnerId: null, shift: loaded }) };
    return (async () => {
      const shift = loaded ?? (await ctx.loaders.shiftScope.load(c.shiftId));
      if (!shift) return false;
      // A partner's admin follows the shifts of the partner's own volunteers (轮流出人).
      const partnerId = ctx.viewer?.partnerAdminOf.size ? (await ctx.loaders.person.load(c.volunteerId)).partnerId : null;
      return { policy: check("claim.read", { volunteerId: c.volunteerId, partnerId, shift }) };
    })();
  },
  runScopesOnType: true,
  fields: (t) => ({
    status: t.field({ type: ClaimStatus, resolve: (c) => c.status }),
    waitlistPosition: t.int({
      nullable: true,
      description: "1 for the next to get a seat; null unless WAITLISTED",
      resolve: (c, _a, ctx) => {
        const read = (c as { waitlistPosition?: number | null }).waitlistPosition; // read with the board's page
        if (read !== undefined) return read;
        return c.status === "WAITLISTED" ? ctx.loaders.waitlistPosition.load(c.id) : null;
      },
    }),
    shift: t.relation("shift"),
    volunteer: t.relation("volunteer"),
    claimedAt: t.expose("claimedAt", { type: "DateTime" }),
    confirmedAt: t.expose("confirmedAt", { type: "DateTime", nullable: true }),
    cancelledAt: t.expose("cancelledAt", { type: "DateTime", nullable: true }),
    assignedByLeader: t.boolean({ resolve: (c) => !!c.assignedById }),
    viewerCanCancel: t.boolean({
      description: "Whether the viewer may cancel this claim (the volunteer, who runs the shift, or the partner's admin who sent them on a rotation shift) and it is still open (confirmed or waitlisted, not checked in); whether the shift has started is checked on cancelling",
      resolve: async (c, _a, ctx) => {
        if ((c.status !== "CONFIRMED" && c.status !== "WAITLISTED") || c.checkedInAt) return false;
        const shift = await ctx.loaders.shiftScope.load(c.shiftId);
        if (!shift) return false;
        // Partner and rotation only matter to a partner's admin: no lookups for anyone else.
        const admin = !!ctx.viewer?.partnerAdminOf.size && !!c.assignedById;
        const [partnerId, rotationPartnerId] = admin ? await Promise.all([ctx.loaders.person.load(c.volunteerId).then((p) => p.partnerId), ctx.loaders.rotationPartner.load(c.shiftId)]) : [null, null];
        return can(ctx.viewer, "claim.cancel", { volunteerId: c.volunteerId, partnerId, shift, rotationPartnerId, assigned: !!c.assignedById });
      },
    }),
    viewerCanCheckInFor: t.boolean({
      description: "代签到: whether the viewer may check this person in (who runs the shift, not for themselves), the claim is confirmed and not checked in, and check-in is open now (from 30 minutes before the start to the end)",
      resolve: async (c, _a, ctx) => {
        if (c.status !== "CONFIRMED" || c.checkedInAt) return false;
        const shift = await ctx.loaders.shiftScope.load(c.shiftId);
        if (!shift || !can(ctx.viewer, "claim.checkInOthers", { volunteerId: c.volunteerId, partnerId: null, shift })) return false;
        // The button would only earn "opens 30 minutes before the start" or "the shift has ended" (checkIn's rules).
        if (shift.status !== "OPEN") return false;
        const { opens, closes } = checkInWindow(shift);
        const now = clock.now();
        return now >= opens && now <= closes;
      },
    }),
    checkedInAt: t.expose("checkedInAt", { type: "DateTime", nullable: true }),
    checkInMethod: t.field({ type: CheckInMethod, nullable: true, resolve: (c) => c.checkInMethod }),
    checkInFlagged: t.exposeBoolean("checkInFlagged", { description: "GPS point farther from the grid than the station allows" }),
    checkedOutAt: t.expose("checkedOutAt", { type: "DateTime", nullable: true }),
    minutesServed: t.exposeInt("minutesServed", { nullable: true }),
    pointsEarned: t.int({
      nullable: true,
      description: "Points the completed shift earned (its ledger entry, net of a reversal); null when none, or for those who may not see the person's points",
      resolve: async (c, _a, ctx) => {
        if (c.status !== "COMPLETED") return null;
        const shift = await ctx.loaders.shiftScope.load(c.shiftId);
        if (!shift || !can(ctx.viewer, "points.read", { person: await ctx.loaders.person.load(c.volunteerId), stationId: shift.stationId })) return null;
        return ctx.loaders.claimPoints.load(c.id);
      },
    }),
  }),
});

export const GeoPoint = builder.objectRef<{ latitude: number; longitude: number }>("GeoPoint").implement({
  fields: (t) => ({ latitude: t.exposeFloat("latitude"), longitude: t.exposeFloat("longitude") }),
});

export const PatrolCheckInEvent = builder.prismaObject("PatrolEvent", {
  name: "PatrolCheckInEvent",
  description: "An entry of the patrol log: check-in, check-out or no-show",
  fields: (t) => ({
    cursor: t.string({ description: "Pass as `since` to replay what came after this event (opaque; follows commit order)", resolve: (e) => encodeCursor(e) }),
    kind: t.field({ type: PatrolEventKind, resolve: (e) => e.kind }),
    at: t.expose("at", { type: "DateTime" }),
    method: t.field({ type: CheckInMethod, nullable: true, resolve: (e) => e.method }),
    location: t.field({
      type: GeoPoint,
      nullable: true,
      resolve: (e) => (e.latitude != null && e.longitude != null ? { latitude: e.latitude, longitude: e.longitude } : null),
    }),
    flagged: t.exposeBoolean("flagged"),
    claim: t.relation("claim"),
    shift: t.relation("shift"),
  }),
});

/**
 * Does a board page (board-page.ts) hold everything this planned query loads? All the shift's columns,
 * its team, squad, grid and rotation slot whole, and the viewer's own claim without its relations.
 */
function boardPageCovers(query: { select?: Record<string, unknown>; include?: Record<string, unknown> }, volunteerId: string): boolean {
  const loads = query.include ?? query.select;
  if (!loads) return true;
  for (const [key, value] of Object.entries(loads)) {
    if (value === false) continue;
    if (key === "team" || key === "squad" || key === "grid" || key === "rotationSlot") {
      if (value !== true && !onlyScalars(value)) return false;
    } else if (key === "claims") {
      const c = value as { where?: unknown; take?: number; select?: unknown; include?: unknown };
      const w = c.where as { volunteerId?: unknown } | undefined;
      if (!w || Object.keys(w).length !== 1 || w.volunteerId !== volunteerId || c.take !== 1 || !onlyScalars(c)) return false;
    } else if (query.include || typeof value === "object") return false; // another relation
  }
  return true;
}
/** A nested selection of columns only (no relation, no count). */
function onlyScalars(value: unknown): boolean {
  if (value === true) return true;
  const v = value as { select?: Record<string, unknown>; include?: Record<string, unknown> };
  if (v.include && Object.keys(v.include).length) return false;
  return !v.select || Object.values(v.select).every((x) => x === true || x === false);
}

function dateRange(from?: Date | null, to?: Date | null): Prisma.ShiftWhereInput {
  return from || to ? { endsAt: from ? { gt: from } : undefined, startsAt: to ? { lt: to } : undefined } : {};
}

/** The board's order (`@@unique([stationId, startsAt, id])`). */
const BOARD = keyset("stationId_startsAt_id", ["stationId"], [{ field: "startsAt", type: "date" }, { field: "id", type: "uuid" }]);

builder.queryField("shifts", (t) =>
  t.prismaConnection({
    type: "Shift",
    cursor: BOARD.cursor,
    extensions: BOARD.extensions,
    description: "The shift board of a station, soonest first",
    nullable: true,
    args: {
      stationId: t.arg.id({ required: true }),
      teamId: t.arg.id(),
      squadId: t.arg.id(),
      kind: t.arg({ type: ShiftKind }),
      from: t.arg({ type: "DateTime", description: "Shifts ending after this (default: now)" }),
      to: t.arg({ type: "DateTime", description: "Shifts starting before this" }),
      onlyOpen: t.arg.boolean({ description: "Only OPEN shifts with seats or a waitlist to join" }),
      onlyMyTeams: t.arg.boolean({
        description: "Only shifts the viewer's memberships let them claim: their teams' shifts and their own squads' (a specialty, an overlap or a full shift may still stand in the way)",
      }),
    },
    authScopes: (_r, args) => ({ seeStation: idArg(String(args.stationId), "Station", "stationId") }),
    resolve: async (query, _r, args, ctx) => {
      const stationId = idArg(String(args.stationId), "Station", "stationId");
      const filters = {
        stationId,
        teamId: args.teamId ? idArg(String(args.teamId), "Team", "teamId") : undefined,
        squadId: args.squadId ? idArg(String(args.squadId), "Squad", "squadId") : undefined,
        kind: args.kind ?? undefined,
        onlyOpen: !!args.onlyOpen,
        mine: args.onlyMyTeams ? claimableShiftGroups(ctx.viewer, stationId) : undefined,
        from: args.from ? dateArg(args.from, "from") : clock.now(),
        to: args.to ? dateArg(args.to, "to") : null,
      };
      // Keyset: a shift moved (or cancelled) after its page was read, the next page starts where it was.
      const page = keysetPage(query, BOARD, { stationId: filters.stationId });
      // A forward page that asks for no more than the board shows, in one hand-written statement
      // (board-page.ts); anything else through Prisma.
      if (query.take > 0 && boardPageCovers(query, ctx.viewer?.volunteerId ?? NO_VOLUNTEER)) {
        const known = {
          shiftScope: (id: string, scope: LoadedShift) => void ctx.loaders.shiftScope.prime(id, scope),
          teamStation: (id: string, stationId: string) => void ctx.loaders.teamStation.prime(id, stationId),
        };
        const after = page.values ? { startsAt: page.values[0] as Date, id: page.values[1] as string } : null;
        return shiftBoardPage(filters, ctx.viewer?.volunteerId ?? null, clock.now(), query.take, after, known) as never;
      }
      return prisma.shift.findMany({
        ...page.query,
        where: page.where<Prisma.ShiftWhereInput>({
          stationId: filters.stationId,
          teamId: filters.teamId,
          squadId: filters.squadId,
          kind: filters.kind,
          status: filters.onlyOpen ? "OPEN" : undefined,
          ...(filters.mine ? { AND: [{ teamId: { in: filters.mine.teamIds } }, { OR: [{ squadId: null }, { squadId: { in: filters.mine.squadIds } }] }] } : {}),
          ...dateRange(filters.from, filters.to),
        }),
        orderBy: BOARD.orderBy,
      });
    },
  }),
);

builder.prismaObjectField("Volunteer", "shifts", (t) =>
  t.relatedConnection("claims", {
    description: "The volunteer's shifts as their claims, soonest first (the person, their leaders and officers)",
    cursor: "id",
    args: { status: t.arg({ type: [ClaimStatus] }) },
    nullable: true,
    authScopes: async (v, _a, ctx) => ({ policy: check("volunteer.readPersonal", await ctx.loaders.person.load(v.id)) }),
    query: (args, ctx) => ({
      where: { ...(args.status ? { status: { in: args.status } } : {}), shift: { stationId: visibleStationFilter(ctx.viewer) } },
      orderBy: [{ shift: { startsAt: "asc" } }, { id: "asc" }],
    }),
  }),
);

builder.objectField(Viewer, "myShifts", (t) =>
  t.prismaConnection({
    type: "ShiftClaim",
    cursor: "id",
    description: "我的班次: the viewer's active and past claims, by shift start",
    args: { upcoming: t.arg.boolean({ description: "Only shifts not yet ended, still claimed" }) },
    resolve: async (query, v, args) => {
      // Claims at a station the viewer left stay, but not their shifts (shift.read): left out, as from the calendar feed.
      const own = { volunteerId: v.volunteerId ?? "00000000-0000-0000-0000-000000000000", shift: { stationId: readableShiftStations(v) } };
      await assertCursorInList(query, (id) => prisma.shiftClaim.count({ where: { id, ...own } }));
      return rowsAfterCursor(query, (q) => prisma.shiftClaim.findMany({
        ...q,
        where: {
          ...own,
          ...(args.upcoming ? { status: { in: ["CONFIRMED", "WAITLISTED"] }, shift: { ...own.shift, endsAt: { gt: clock.now() } } } : {}),
        },
        orderBy: [{ shift: { startsAt: args.upcoming ? "asc" : "desc" } }, { id: "asc" }],
      }));
    },
  }),
);

builder.prismaObjectField("Station", "patrolLog", (t) =>
  t.connection({
    type: PatrolCheckInEvent,
    nullable: true,
    description: "巡防日志, newest first: what a dashboard shows on opening before it follows `patrolCheckIns` (officers; leaders see their teams, squad leaders their squads)",
    authScopes: (s) => ({ policy: check("patrol.watch", { stationId: s.id }) }),
    resolve: (s, args, ctx) => {
      const officer = can(ctx.viewer, "station.manage", { stationId: s.id });
      const led = { teamId: { in: ledTeamIds(ctx.viewer, s.id) } };
      const ledSquads = { squadId: { in: ledSquadIds(ctx.viewer, s.id) } };
      return resolveOffsetConnection({ args }, async ({ offset, limit }) =>
        prisma.patrolEvent.findMany({
          // Only events below the delivery horizon, in position order: the newest cursor shown is a
          // safe `since` for patrolCheckIns (an older transaction may still add events before it).
          where: { stationId: s.id, xid: { lt: await deliveryHorizon() }, ...(officer ? {} : { OR: [led, ledSquads] }) },
          include: { claim: { include: { volunteer: true, shift: true } }, shift: { include: { grid: true } } },
          orderBy: [{ xid: "desc" }, { id: "desc" }],
          skip: offset,
          take: limit,
        }),
      );
    },
  }),
);
