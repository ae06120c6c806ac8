import { encodeGlobalID } from "@pothos/plugin-relay";
import { can, check } from "../../auth/policy.js";
import { builder } from "../../builder.js";
import { idArg } from "../../graphql/ids.js";
import { reportFacts } from "../report/report.service.js";
import { PatrolReportRef } from "../report/report.type.js";
import { commandView, type CommandGrid, type CommandShift } from "./command.service.js";

const CheckInPosition = builder.objectRef<CommandShift["positions"][number]>("CheckInPosition").implement({
  fields: (t) => ({
    latitude: t.exposeFloat("latitude"),
    longitude: t.exposeFloat("longitude"),
    flagged: t.exposeBoolean("flagged", { description: "Far from the grid's point" }),
  }),
});

const CommandShiftRef = builder.objectRef<CommandShift>("CommandShift").implement({
  description: "A shift of the command view with its head counts",
  fields: (t) => ({
    shiftId: t.id({ resolve: (s) => encodeGlobalID("Shift", s.id) }),
    title: t.exposeString("title"),
    startsAt: t.expose("startsAt", { type: "DateTime" }),
    endsAt: t.expose("endsAt", { type: "DateTime" }),
    capacity: t.exposeInt("capacity"),
    started: t.exposeBoolean("started"),
    expected: t.exposeInt("expected", { description: "Confirmed, completed and no-show claims" }),
    checkedIn: t.exposeInt("checkedIn"),
    missing: t.exposeInt("missing", { description: "Confirmed, not checked in, the shift has started" }),
    noShows: t.exposeInt("noShows"),
    positions: t.field({ type: [CheckInPosition], resolve: (s) => s.positions }),
  }),
});

const CommandGridRef = builder.objectRef<CommandGrid>("CommandGrid").implement({
  description: "A grid of the station (gridId null: shifts without a grid) and its current shifts",
  fields: (t) => ({
    gridId: t.id({ nullable: true, resolve: (g) => (g.gridId ? encodeGlobalID("Grid", g.gridId) : null) }),
    name: t.exposeString("name"),
    latitude: t.exposeFloat("latitude", { nullable: true }),
    longitude: t.exposeFloat("longitude", { nullable: true }),
    outline: t.string({ nullable: true, description: "The grid's outline, if drawn: a GeoJSON Polygon (text), as Grid.outline", resolve: (g) => (g.outline ? JSON.stringify({ type: "Polygon", coordinates: g.outline }) : null) }),
    shifts: t.field({ type: [CommandShiftRef], resolve: (g) => g.shifts }),
    findings: t.field({ type: [PatrolReportRef], description: "巡逻发现 still open here (new or assigned), newest first; those the viewer may read", resolve: (g) => g.findings }),
  }),
});

builder.queryField("commandView", (t) =>
  t.field({
    type: [CommandGridRef],
    nullable: true,
    description: "指挥调度: the station's grids with today's and tonight's shifts (officers; leaders see the shifts they run)",
    args: { stationId: t.arg.id({ required: true }) },
    authScopes: (_r, args) => ({ policy: check("patrol.watch", { stationId: idArg(String(args.stationId), "Station", "stationId") }) }),
    resolve: (_r, args, ctx) => {
      const stationId = idArg(String(args.stationId), "Station", "stationId");
      const v = ctx.viewer!;
      const officer = can(v, "station.manage", { stationId });
      // policy: patrol.readEvent decides each shift; the read is narrowed to the viewer's teams first
      const teams = officer ? null : [...v.teams.entries()].filter(([, m]) => m.stationId === stationId).map(([id]) => id);
      return commandView(stationId, teams, (shift) => can(v, "patrol.readEvent", shift), (r) => can(v, "patrolReport.read", reportFacts(r)));
    },
  }),
);
