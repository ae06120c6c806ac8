import { assert } from "../../auth/policy.js";
import type { Viewer } from "../../auth/viewer.js";
import { prisma } from "../../db.js";
import { notFound } from "../../graphql/errors.js";
import { msg } from "../../i18n.js";

export async function updateStationSettings(
  viewer: Viewer,
  input: { stationId: string; checkInRadiusMeters?: number | null; reminderHoursBefore?: number | null; smsDailyBudget?: number | null; leadersMayMobilize?: boolean | null; dutyPhone?: string | null },
) {
  const station = await prisma.station.findUnique({ where: { id: input.stationId }, select: { id: true } });
  if (!station) throw notFound(msg("派出所", "Station"), ["input", "stationId"]);
  assert(viewer, "station.manage", { stationId: station.id }, {
    message: msg("仅本所民警可修改设置", "Only the station's officers change its settings"),
    hide: { what: msg("派出所", "Station"), field: ["input", "stationId"], stationId: station.id },
  });
  return prisma.station.update({
    where: { id: station.id },
    data: {
      checkInRadiusMeters: input.checkInRadiusMeters ?? undefined,
      reminderHoursBefore: input.reminderHoursBefore ?? undefined,
      smsDailyBudget: input.smsDailyBudget ?? undefined,
      leadersMayMobilize: input.leadersMayMobilize ?? undefined,
      dutyPhone: input.dutyPhone ?? undefined,
    },
  });
}
