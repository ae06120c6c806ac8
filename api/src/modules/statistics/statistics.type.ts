import { encodeGlobalID } from "@pothos/plugin-relay";
import { GraphQLError } from "graphql";
import { check } from "../../auth/policy.js";
import { builder } from "../../builder.js";
import { dateArg, idArg } from "../../graphql/ids.js";
import { msg } from "../../i18n.js";
import { PatrolReportCategory } from "../report/report.type.js";
import {
  regionStatistics,
  stationStatistics,
  type CoverageCell,
  type DayFigures,
  type FindingCategoryFigures,
  type GridFigures,
  type PartnerFigures,
  type RegionStatistics as RegionStats,
  type StationStatistics as Stats,
} from "./statistics.service.js";

/** A year and a bit: enough for annual reports, bounded so one query cannot scan a station's history. */
const MAX_DAYS = 400;

const gridGid = (id: string | null) => (id ? encodeGlobalID("Grid", id) : null);

const GridStatistics = builder.objectRef<GridFigures>("GridStatistics").implement({
  description: "One grid's shifts in the period (gridId null: shifts without a grid)",
  fields: (t) => ({
    gridId: t.id({ nullable: true, resolve: (g) => gridGid(g.gridId) }),
    gridName: t.exposeString("gridName"),
    shifts: t.exposeInt("shifts"),
    expected: t.exposeInt("expected", { description: "Confirmed, completed and no-show claims" }),
    checkedIn: t.exposeInt("checkedIn"),
    noShows: t.exposeInt("noShows"),
  }),
});

const CoverageStatistics = builder.objectRef<CoverageCell>("CoverageCell").implement({
  description: "Checked-in person-hours of a grid in one hour of the week (Asia/Shanghai)",
  fields: (t) => ({
    gridId: t.id({ nullable: true, resolve: (c) => gridGid(c.gridId) }),
    weekday: t.exposeInt("weekday", { description: "ISO weekday, 1 = Monday" }),
    hour: t.exposeInt("hour", { description: "0–23" }),
    personHours: t.exposeInt("personHours"),
  }),
});

const PartnerStatistics = builder.objectRef<PartnerFigures>("PartnerStatistics").implement({
  description: "What a partner's volunteers delivered in the period (completed claims at the station)",
  fields: (t) => ({
    partnerId: t.id({ resolve: (p) => encodeGlobalID("Partner", p.partnerId) }),
    partnerName: t.exposeString("partnerName"),
    personShifts: t.exposeInt("personShifts"),
    minutes: t.exposeInt("minutes"),
  }),
});

const DayStatistics = builder.objectRef<DayFigures>("DayStatistics").implement({
  description: "One day (Asia/Shanghai) of the period",
  fields: (t) => ({
    day: t.exposeString("day", { description: "YYYY-MM-DD" }),
    shifts: t.exposeInt("shifts"),
    checkIns: t.exposeInt("checkIns"),
    minutes: t.exposeInt("minutes"),
  }),
});

const FindingCategoryStatistics = builder.objectRef<FindingCategoryFigures>("FindingCategoryStatistics").implement({
  description: "巡逻发现 of one category reported in the period",
  fields: (t) => ({
    category: t.field({ type: PatrolReportCategory, resolve: (c) => c.category }),
    reported: t.exposeInt("reported"),
    resolved: t.exposeInt("resolved"),
    open: t.exposeInt("open", { description: "New or assigned, not yet closed" }),
  }),
});

const StationStatistics = builder.objectRef<Stats>("StationStatistics").implement({
  description: "统计: a station's figures for [from, to); each is defined in statistics.service.ts",
  fields: (t) => ({
    stationId: t.id({ resolve: (s) => encodeGlobalID("Station", s.stationId) }),
    stationName: t.exposeString("stationName"),
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    activeVolunteers: t.exposeInt("activeVolunteers", { description: "Distinct volunteers checked in at least once" }),
    newVolunteers: t.exposeInt("newVolunteers", { description: "First joined a team of the station in the period" }),
    serviceMinutes: t.exposeInt("serviceMinutes"),
    shiftsPublished: t.exposeInt("shiftsPublished", { description: "Shifts starting in the period, not cancelled" }),
    shiftsFilled: t.exposeInt("shiftsFilled", { description: "Published shifts whose seats were all taken" }),
    shiftsCancelled: t.exposeInt("shiftsCancelled"),
    noShows: t.exposeInt("noShows"),
    commendations: t.exposeInt("commendations"),
    pointsIssued: t.exposeInt("pointsIssued", { description: "Positive ledger entries except reversals" }),
    pointsRedeemed: t.exposeInt("pointsRedeemed"),
    callUps: t.exposeInt("callUps", { description: "一键召集 started in the period" }),
    callUpsReachedWanted: t.exposeInt("callUpsReachedWanted", { description: "Call-ups where as many accepted as wanted" }),
    medianMinutesToWanted: t.exposeFloat("medianMinutesToWanted", {
      nullable: true,
      description: "Median minutes from the start to the wanted-th acceptance, over the call-ups that reached it (0.1 min)",
    }),
    findingsReported: t.exposeInt("findingsReported", { description: "巡逻发现 reported in the period" }),
    findingsResolved: t.exposeInt("findingsResolved", { description: "Of those, resolved" }),
    findingsOpen: t.exposeInt("findingsOpen", { description: "Of those, still new or assigned" }),
    medianHoursToResolve: t.exposeFloat("medianHoursToResolve", { nullable: true, description: "Median hours from report to resolution of the resolved ones (0.1 h)" }),
    findingsByCategory: t.field({ type: [FindingCategoryStatistics], resolve: (s) => s.findingsByCategory }),
    mediationOpened: t.exposeInt("mediationOpened", { description: "调解 cases opened in the period" }),
    mediationClosed: t.exposeInt("mediationClosed", { description: "Cases closed in the period" }),
    mediationSucceeded: t.exposeInt("mediationSucceeded", { description: "Of those, settled or sent for judicial confirmation" }),
    mediationSuccessRate: t.exposeFloat("mediationSuccessRate", { nullable: true, description: "succeeded / closed (0–1); null when none closed" }),
    grids: t.field({ type: [GridStatistics], resolve: (s) => s.grids() }),
    coverage: t.field({ type: [CoverageStatistics], resolve: (s) => s.coverage() }),
    partners: t.field({ type: [PartnerStatistics], resolve: (s) => s.partners() }),
    days: t.field({ type: [DayStatistics], resolve: (s) => s.days() }),
  }),
});

/** The period [from, to): 1 to MAX_DAYS days. */
function period(args: { from: unknown; to: unknown }) {
  const from = dateArg(args.from as Date, "from");
  const to = dateArg(args.to as Date, "to");
  if (to <= from || to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) {
    throw new GraphQLError(msg(`统计区间须在1至${MAX_DAYS}天之间`, `The period must be between 1 and ${MAX_DAYS} days`), {
      extensions: { code: "BAD_USER_INPUT", argument: "to" },
    });
  }
  return { from, to };
}

builder.queryField("stationStatistics", (t) =>
  t.field({
    type: StationStatistics,
    nullable: true,
    description: "统计 of a station for the period [from, to) (at most 400 days): its officers and its region's admins",
    args: {
      stationId: t.arg.id({ required: true }),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
    },
    authScopes: (_r, args) => ({ policy: check("statistics.read", { stationId: idArg(String(args.stationId), "Station", "stationId") }) }),
    resolve: (_r, args) => {
      const { from, to } = period(args);
      return stationStatistics(idArg(String(args.stationId), "Station", "stationId"), from, to);
    },
  }),
);

const RegionStatistics = builder.objectRef<RegionStats>("RegionStatistics").implement({
  description: "统计 of every station of a region for [from, to), side by side (the same figures as stationStatistics)",
  fields: (t) => ({
    regionId: t.id({ resolve: (r) => encodeGlobalID("Region", r.regionId) }),
    regionName: t.exposeString("regionName"),
    from: t.expose("from", { type: "DateTime" }),
    to: t.expose("to", { type: "DateTime" }),
    stations: t.field({ type: [StationStatistics], resolve: (r) => r.stations, description: "By station name" }),
  }),
});

builder.queryField("regionStatistics", (t) =>
  t.field({
    type: RegionStatistics,
    nullable: true,
    description: "统计 of a region's stations for the period [from, to) (at most 400 days): its region admins",
    args: {
      regionId: t.arg.id({ required: true }),
      from: t.arg({ type: "DateTime", required: true }),
      to: t.arg({ type: "DateTime", required: true }),
    },
    authScopes: (_r, args) => ({ policy: check("statistics.readRegion", { regionId: idArg(String(args.regionId), "Region", "regionId") }) }),
    resolve: (_r, args) => {
      const { from, to } = period(args);
      return regionStatistics(idArg(String(args.regionId), "Region", "regionId"), from, to);
    },
  }),
);
