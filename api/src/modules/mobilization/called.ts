import { prisma } from "../../db.js";

/**
 * Of these call-ups, those that called the volunteer: a responder row of theirs, or (deliver first)
 * still in the call-up's queue — already told by the wave's announcement, their row not written yet.
 * One statement, one snapshot: a batch moves a person from the queue to the responders atomically.
 */
export async function callUpsThatCalled(volunteerId: string, mobilizationIds: readonly string[]): Promise<Set<string>> {
  if (!mobilizationIds.length) return new Set();
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    SELECT "mobilizationId"::text AS id FROM "MobilizationResponder" WHERE "volunteerId" = ${volunteerId}::uuid AND "mobilizationId" = ANY(${[...mobilizationIds]}::uuid[])
    UNION
    SELECT "mobilizationId"::text FROM "MobilizationCallQueue" WHERE "mobilizationId" = ANY(${[...mobilizationIds]}::uuid[]) AND ${volunteerId}::uuid = ANY("volunteerIds")`;
  return new Set(rows.map((r) => r.id));
}
