// Stations, their communities and grids: created and edited by region admins and the station's
// officers (platform admins everywhere), each change audited.
import { assert, can } from "../../auth/policy.js";
import type { Viewer } from "../../auth/viewer.js";
import { prisma, TX } from "../../db.js";
import { Prisma } from "../../generated/prisma/client.js";
import { notFound } from "../../graphql/errors.js";
import { msg } from "../../i18n.js";
import { recordAudit } from "../audit/audit.service.js";

const STATION = msg("派出所", "Station");
const REGION = msg("区域", "Region");
const COMMUNITY = msg("社区", "Community");
const GRID = msg("网格", "Grid");

export interface Actor {
  viewer: Viewer;
  clientAddress: string | null;
}

export async function updateStationSettings(
  viewer: Viewer,
  input: { stationId: string; checkInRadiusMeters?: number | null; reminderHoursBefore?: number | null; smsDailyBudget?: number | null; leadersMayMobilize?: boolean | null; dutyPhone?: string | null; mediationRetentionDays?: number | null },
  clientAddress?: string | null,
) {
  const station = await prisma.station.findUnique({ where: { id: input.stationId }, select: { id: true, mediationRetentionDays: true } });
  if (!station) throw notFound(STATION, ["input", "stationId"]);
  assert(viewer, "station.manage", { stationId: station.id }, {
    message: msg("仅本所民警可修改设置", "Only the station's officers change its settings"),
    hide: { what: STATION, field: ["input", "stationId"], stationId: station.id },
  });
  const data = {
    checkInRadiusMeters: input.checkInRadiusMeters ?? undefined,
    reminderHoursBefore: input.reminderHoursBefore ?? undefined,
    smsDailyBudget: input.smsDailyBudget ?? undefined,
    leadersMayMobilize: input.leadersMayMobilize ?? undefined,
    dutyPhone: input.dutyPhone ?? undefined,
    mediationRetentionDays: input.mediationRetentionDays ?? undefined,
  };
  const changed = Object.entries(data).filter(([, v]) => v !== undefined).map(([k]) => k);
  return prisma.$transaction(async (tx) => {
    // A shorter retention erases older closed cases at the next sweep, for good: the log keeps from what to
    // what, read under the row's lock so that two officers saving at once each log the value they replaced.
    const [before] = await tx.$queryRaw<{ days: number }[]>`SELECT "mediationRetentionDays" AS days FROM "Station" WHERE id = ${station.id}::uuid FOR UPDATE`;
    const from = before?.days ?? station.mediationRetentionDays;
    const to = data.mediationRetentionDays;
    const updated = await tx.station.update({ where: { id: station.id }, data });
    const names = changed.join(", ") || "无";
    const summary = to !== undefined && to !== from
      ? msg(`修改设置 ${names}（调解当事人信息保留 ${from}→${to} 天）`, `settings changed: ${names} (mediation parties kept ${from}→${to} days)`)
      : msg(`修改设置 ${names}`, `settings changed: ${names}`);
    await recordAudit(tx, { actor: viewer, stationId: station.id, action: "station.settings", targetType: "Station", targetId: station.id, summary, clientAddress });
    return updated;
  }, TX);
}

/** The station, or NOT_FOUND when it does not exist or the viewer may not even see it. */
async function visibleStation(viewer: Viewer, stationId: string, field = ["input", "stationId"]) {
  const station = await prisma.station.findUnique({ where: { id: stationId } });
  if (!station || !can(viewer, "station.read", { stationId: station.id })) throw notFound(STATION, field);
  return station;
}

export interface StationInput {
  regionId: string;
  name: string;
  city: string;
  district: string;
  address?: string | null;
  latitude?: number | null;
  longitude?: number | null;
}

/** 新建派出所 in a region (its region admins, platform admins). */
export async function createStation({ viewer, clientAddress }: Actor, input: StationInput) {
  const region = await prisma.region.findUnique({ where: { id: input.regionId } });
  if (!region || !can(viewer, "region.read", { regionId: region.id })) throw notFound(REGION, ["input", "regionId"]);
  assert(viewer, "station.create", { regionId: region.id }, { message: msg("仅本区域管理员可新建派出所", "Only the region's admins create stations") });
  return prisma.$transaction(async (tx) => {
    const station = await tx.station.create({
      data: {
        regionId: region.id,
        name: input.name,
        city: input.city,
        district: input.district,
        address: input.address ?? "",
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
      },
    });
    await recordAudit(tx, { actor: viewer, stationId: station.id, action: "station.create", targetType: "Station", targetId: station.id, summary: `新建派出所「${station.name}」（${region.name}）`, clientAddress });
    return station;
  }, TX);
}

export async function updateStation(
  { viewer, clientAddress }: Actor,
  input: { stationId: string; name?: string | null; city?: string | null; district?: string | null; address?: string | null; latitude?: number | null; longitude?: number | null },
) {
  const station = await visibleStation(viewer, input.stationId);
  assert(viewer, "station.update", { stationId: station.id }, { message: msg("仅本所民警或区域管理员可修改派出所信息", "Only the station's officers or its region's admins edit it") });
  return prisma.$transaction(async (tx) => {
    const updated = await tx.station.update({
      where: { id: station.id },
      data: {
        name: input.name ?? undefined,
        city: input.city ?? undefined,
        district: input.district ?? undefined,
        address: input.address ?? undefined,
        latitude: input.latitude === undefined ? undefined : input.latitude,
        longitude: input.longitude === undefined ? undefined : input.longitude,
      },
    });
    const changed = (["name", "city", "district", "address", "latitude", "longitude"] as const).filter((k) => input[k] !== undefined && input[k] !== null);
    await recordAudit(tx, { actor: viewer, stationId: station.id, action: "station.update", targetType: "Station", targetId: station.id, summary: `修改 ${changed.join(", ") || "无"}`, clientAddress });
    return updated;
  }, TX);
}

/** 新建社区 in a station. */
export async function createCommunity({ viewer, clientAddress }: Actor, input: { stationId: string; name: string }) {
  const station = await visibleStation(viewer, input.stationId);
  assert(viewer, "community.manage", { stationId: station.id }, { message: msg("仅本所民警或区域管理员可管理社区", "Only the station's officers or its region's admins manage communities") });
  return prisma.$transaction(async (tx) => {
    const community = await tx.community.create({ data: { stationId: station.id, name: input.name } });
    await recordAudit(tx, { actor: viewer, stationId: station.id, action: "community.create", targetType: "Community", targetId: community.id, summary: `新建社区「${community.name}」`, clientAddress });
    return community;
  }, TX);
}

export interface GridInput {
  name?: string | null;
  latitude?: number | null;
  longitude?: number | null;
  radiusMeters?: number | null;
  patrolPlan?: string | null;
  /** GeoJSON Polygon, already validated */
  outline?: unknown;
}

const outlineValue = (o: unknown) => (o === undefined ? undefined : o === null ? Prisma.DbNull : (o as Prisma.InputJsonValue));

/** 新建网格 in a community, with its patrol plan (巡防方案). */
export async function createGrid({ viewer, clientAddress }: Actor, input: GridInput & { communityId: string; name: string }) {
  const community = await prisma.community.findUnique({ where: { id: input.communityId } });
  if (!community || !can(viewer, "station.read", { stationId: community.stationId })) throw notFound(COMMUNITY, ["input", "communityId"]);
  assert(viewer, "grid.manage", { stationId: community.stationId }, { message: msg("仅本所民警或区域管理员可管理网格", "Only the station's officers or its region's admins manage grids") });
  return prisma.$transaction(async (tx) => {
    const grid = await tx.grid.create({
      data: {
        stationId: community.stationId,
        communityId: community.id,
        name: input.name,
        latitude: input.latitude ?? null,
        longitude: input.longitude ?? null,
        radiusMeters: input.radiusMeters ?? null,
        patrolPlan: input.patrolPlan ?? "",
        outline: outlineValue(input.outline ?? undefined),
      },
    });
    await recordAudit(tx, { actor: viewer, stationId: community.stationId, action: "grid.create", targetType: "Grid", targetId: grid.id, summary: `新建网格「${grid.name}」`, clientAddress });
    return grid;
  }, TX);
}

export async function updateGrid({ viewer, clientAddress }: Actor, input: GridInput & { gridId: string }) {
  const grid = await prisma.grid.findUnique({ where: { id: input.gridId } });
  if (!grid || !can(viewer, "station.read", { stationId: grid.stationId })) throw notFound(GRID, ["input", "gridId"]);
  assert(viewer, "grid.manage", { stationId: grid.stationId }, { message: msg("仅本所民警或区域管理员可管理网格", "Only the station's officers or its region's admins manage grids") });
  return prisma.$transaction(async (tx) => {
    const updated = await tx.grid.update({
      where: { id: grid.id },
      data: {
        name: input.name ?? undefined,
        latitude: input.latitude === undefined ? undefined : input.latitude,
        longitude: input.longitude === undefined ? undefined : input.longitude,
        radiusMeters: input.radiusMeters === undefined ? undefined : input.radiusMeters,
        patrolPlan: input.patrolPlan ?? undefined,
        outline: outlineValue(input.outline),
      },
    });
    const changed = (["name", "latitude", "longitude", "radiusMeters", "patrolPlan", "outline"] as const).filter((k) => input[k] !== undefined);
    await recordAudit(tx, { actor: viewer, stationId: grid.stationId, action: "grid.update", targetType: "Grid", targetId: grid.id, summary: `修改网格「${updated.name}」: ${changed.join(", ")}`, clientAddress });
    return updated;
  }, TX);
}
