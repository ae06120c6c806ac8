import { assert } from "../../auth/policy.js";
import { personFacts } from "../../auth/facts.js";
import type { Viewer } from "../../auth/viewer.js";
import { prisma } from "../../db.js";
import { notFound, UserFacingError } from "../../graphql/errors.js";
import { msg } from "../../i18n.js";

/** 常驻网格: a grid of a station the volunteer belongs to; a grid elsewhere does not exist for them. */
export async function setHomeGrid(viewer: Viewer, gridId: string | null) {
  if (!viewer.volunteerId) throw new UserFacingError("FORBIDDEN", msg("仅义警可设置常驻网格", "Only volunteers set a home grid"));
  if (gridId) {
    const grid = await prisma.grid.findUnique({ where: { id: gridId }, select: { stationId: true } });
    const person = await personFacts(prisma, viewer.volunteerId);
    const hide = { what: msg("网格", "Grid"), field: ["input", "gridId"], stationId: grid?.stationId ?? "" };
    if (!grid || !person) throw notFound(hide.what, hide.field);
    assert(viewer, "volunteer.setHomeGrid", { person, stationId: grid.stationId }, { hide: { ...hide, stationId: grid.stationId } });
  }
  return prisma.volunteer.update({ where: { id: viewer.volunteerId }, data: { homeGridId: gridId } });
}
