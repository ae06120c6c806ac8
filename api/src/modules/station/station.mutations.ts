import { z } from "zod";
import { loadViewer } from "../../auth/viewer.js";
import type { Community as CommunityRow, Grid as GridRow, Station as StationRow } from "../../generated/prisma/client.js";
import { defineMutation, globalId, nonEmpty, optionalText, type PayloadFieldBuilder } from "../../graphql/mutation.js";
import { msg } from "../../i18n.js";
import { RETENTION_DAYS } from "../mediation/mediation.service.js";
import * as stations from "./station.service.js";
import { Station } from "./station.type.js";

const stationPayload = (t: PayloadFieldBuilder<{ station: StationRow }>) => ({
  station: t.field({ type: Station, nullable: true, resolve: (p) => p.station ?? null }),
});

defineMutation("updateStationSettings", {
  description: "Station settings (officers): GPS check-in radius, shift reminders, SMS budget, who may call up, the duty phone, how long mediation parties' data is kept",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    checkInRadiusMeters: t.int({ description: "GPS check-ins farther than this are flagged (50–5000 m)" }),
    reminderHoursBefore: t.int({ description: "Shift reminders this many hours before the start (0 turns them off, at most 72)" }),
    smsDailyBudget: t.int({ description: "SMS per day at most (0–100000)" }),
    leadersMayMobilize: t.boolean({ description: "Team and squad leaders may start call-ups too" }),
    dutyPhone: t.string({ description: "值班电话 volunteers call about a shift when its leader's phone is not shared" }),
    mediationRetentionDays: t.int({ description: `警民联调: days after a case closed until its parties' data is erased (${RETENTION_DAYS.min}–${RETENTION_DAYS.max})` }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    checkInRadiusMeters: z.number().int().min(50).max(5000).nullish(),
    reminderHoursBefore: z.number().int().min(0).max(72).nullish(),
    smsDailyBudget: z.number().int().min(0).max(100_000).nullish(),
    leadersMayMobilize: z.boolean().nullish(),
    dutyPhone: z.string().trim().regex(/^[\d-]{3,20}$/, msg("电话格式不正确", "Not a phone number")).nullish(),
    mediationRetentionDays: z
      .number()
      .int()
      .min(RETENTION_DAYS.min, msg(`至少${RETENTION_DAYS.min}天`, `At least ${RETENTION_DAYS.min} days`))
      .max(RETENTION_DAYS.max, msg(`最多${RETENTION_DAYS.max}天`, `At most ${RETENTION_DAYS.max} days`))
      .nullish(),
  }),
  resolve: async (input, ctx) => ({ station: await stations.updateStationSettings(ctx.viewer!, input, ctx.clientAddress) }),
  payloadFields: stationPayload,
});

const latitude = z.number().min(-90, msg("纬度须在 -90 至 90 之间", "Latitude must be between -90 and 90")).max(90, msg("纬度须在 -90 至 90 之间", "Latitude must be between -90 and 90"));
const longitude = z.number().min(-180, msg("经度须在 -180 至 180 之间", "Longitude must be between -180 and 180")).max(180, msg("经度须在 -180 至 180 之间", "Longitude must be between -180 and 180"));

defineMutation("createStation", {
  description: "新建派出所 in a region (the region's admins, platform admins)",
  inputFields: (t) => ({
    regionId: t.id({ required: true }),
    name: t.string({ required: true, description: "e.g. 暨阳派出所" }),
    city: t.string({ required: true }),
    district: t.string({ required: true }),
    address: t.string(),
    latitude: t.float(),
    longitude: t.float(),
  }),
  schema: z.object({
    regionId: globalId("Region"),
    name: nonEmpty(60),
    city: nonEmpty(40),
    district: nonEmpty(40),
    address: optionalText(200),
    latitude: latitude.nullish(),
    longitude: longitude.nullish(),
  }),
  resolve: async (input, ctx) => {
    const station = await stations.createStation({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input);
    // The rest of the response is read with the viewer's rights over the new station.
    ctx.viewer = (await loadViewer(ctx.viewer!.accountId, ctx.viewer!.sessionId)) ?? ctx.viewer;
    return { station };
  },
  payloadFields: stationPayload,
});

defineMutation("updateStation", {
  description: "A station's name, place and position (its officers, its region's admins)",
  inputFields: (t) => ({
    stationId: t.id({ required: true }),
    name: t.string(),
    city: t.string(),
    district: t.string(),
    address: t.string(),
    latitude: t.float({ description: "null clears it" }),
    longitude: t.float({ description: "null clears it" }),
  }),
  schema: z.object({
    stationId: globalId("Station"),
    name: nonEmpty(60).nullish(),
    city: nonEmpty(40).nullish(),
    district: nonEmpty(40).nullish(),
    address: optionalText(200),
    latitude: latitude.nullish(),
    longitude: longitude.nullish(),
  }),
  resolve: async (input, ctx) => ({ station: await stations.updateStation({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input) }),
  payloadFields: stationPayload,
});

defineMutation("createCommunity", {
  description: "新建社区 in a station (its officers, its region's admins)",
  inputFields: (t) => ({ stationId: t.id({ required: true }), name: t.string({ required: true }) }),
  schema: z.object({ stationId: globalId("Station"), name: nonEmpty(60) }),
  resolve: async (input, ctx) => ({ community: await stations.createCommunity({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input) }),
  payloadFields: (t: PayloadFieldBuilder<{ community: CommunityRow }>) => ({
    community: t.prismaField({ type: "Community", nullable: true, resolve: (_q, p) => p.community ?? null }),
  }),
});

/** A GeoJSON Polygon: rings of [longitude, latitude] positions, each closed, at most 2,000 positions. */
const outline = z
  .string()
  .max(200_000)
  .transform((text, ctx) => {
    const bad = () => {
      ctx.addIssue({ code: "custom", message: msg("轮廓须为 GeoJSON Polygon（经度在前，首尾闭合）", "The outline must be a GeoJSON Polygon (longitude first, closed rings)") });
      return z.NEVER;
    };
    let g: unknown;
    try {
      g = JSON.parse(text);
    } catch {
      return bad();
    }
    const polygon = g as { type?: unknown; coordinates?: unknown };
    if (polygon?.type !== "Polygon" || !Array.isArray(polygon.coordinates) || polygon.coordinates.length < 1) return bad();
    let count = 0;
    for (const ring of polygon.coordinates as unknown[]) {
      if (!Array.isArray(ring) || ring.length < 4) return bad();
      for (const p of ring as unknown[]) {
        count++;
        if (!Array.isArray(p) || p.length < 2 || !p.every((n) => typeof n === "number" && Number.isFinite(n))) return bad();
        if (Math.abs(p[0] as number) > 180 || Math.abs(p[1] as number) > 90) return bad();
      }
      const [a, b] = [ring[0] as number[], ring[ring.length - 1] as number[]];
      if (a[0] !== b[0] || a[1] !== b[1]) return bad();
    }
    if (count > 2000) return bad();
    return { type: "Polygon", coordinates: polygon.coordinates };
  });

const gridFields = {
  latitude: latitude.nullish(),
  longitude: longitude.nullish(),
  radiusMeters: z.number().int().min(10).max(20_000).nullish(),
  patrolPlan: z.string().trim().max(5000, msg("巡防方案最多5000字", "At most 5000 characters")).nullish(),
  outline: outline.nullish(),
};

const gridPayload = (t: PayloadFieldBuilder<{ grid: GridRow }>) => ({
  grid: t.prismaField({ type: "Grid", nullable: true, resolve: (_q, p) => p.grid ?? null }),
});

defineMutation("createGrid", {
  description: "新建网格 in a community, with its patrol plan (巡防方案)",
  inputFields: (t) => ({
    communityId: t.id({ required: true }),
    name: t.string({ required: true }),
    latitude: t.float({ description: "Reference point for GPS check-ins" }),
    longitude: t.float(),
    radiusMeters: t.int({ description: "How far the grid reaches around its point (10–20000 m)" }),
    patrolPlan: t.string({ description: "巡防方案: routes, places, times" }),
    outline: t.string({ description: "Optional GeoJSON Polygon of the grid" }),
  }),
  schema: z.object({ communityId: globalId("Community"), name: nonEmpty(60), ...gridFields }),
  resolve: async (input, ctx) => ({ grid: await stations.createGrid({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input) }),
  payloadFields: gridPayload,
});

defineMutation("updateGrid", {
  description: "Edit a grid and its patrol plan (巡防方案); null clears the position, radius or outline",
  inputFields: (t) => ({
    gridId: t.id({ required: true }),
    name: t.string(),
    latitude: t.float(),
    longitude: t.float(),
    radiusMeters: t.int(),
    patrolPlan: t.string(),
    outline: t.string(),
  }),
  schema: z.object({ gridId: globalId("Grid"), name: nonEmpty(60).nullish(), ...gridFields }),
  resolve: async (input, ctx) => ({ grid: await stations.updateGrid({ viewer: ctx.viewer!, clientAddress: ctx.clientAddress }, input) }),
  payloadFields: gridPayload,
});
