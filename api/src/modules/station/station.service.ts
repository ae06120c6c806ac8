import type { Viewer } from "../../auth/viewer.js";
import { can } from "../../auth/viewer.js";
import { prisma } from "../../db.js";
import { forbidden, notFound } from "../../graphql/errors.js";

export async function updateStationSettings(viewer: Viewer, input: { stationId: string; checkInRadiusMeters?: number | null }) {
  const station = await prisma.station.findUnique({ where: { id: input.stationId }, select: { id: true } });
  if (!station) throw notFound("Station", ["input", "stationId"]);
  if (!can.officerOf(viewer, station.id)) throw forbidden("Only the station's officers change its settings / 仅本所民警可修改设置");
  return prisma.station.update({ where: { id: station.id }, data: { checkInRadiusMeters: input.checkInRadiusMeters ?? undefined } });
}
