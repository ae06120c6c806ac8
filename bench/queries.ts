// The scenario queries, as Linshe's GraphQL and as the hand-written SQL of the raw baseline.
export const BOARD_GQL = `query Board($stationId: ID!, $first: Int!) { commendationBoard(stationId: $stationId, first: $first) { edges { node {
  displayName teamName squadName category title story occurredAt timesCommended } } } }`;

export const SHIFTS_GQL = `query Shifts($stationId: ID!, $first: Int!) { shifts(stationId: $stationId, first: $first) { edges { node {
  id title startsAt seatsTaken seatsLeft waitlistLength team { name } squad { name } grid { name } viewerClaim { status waitlistPosition } } } } }`;

export const BOARD_SQL = `
SELECT COALESCE(v."displayName", sq.name, t.name) AS "displayName", t.name AS "teamName", sq.name AS "squadName",
       d.category, d.title, d.story, d."occurredAt",
       CASE WHEN c."volunteerId" IS NULL THEN NULL ELSE (SELECT count(*)::int FROM "Commendation" c2 WHERE c2."volunteerId" = c."volunteerId") END AS "timesCommended"
FROM "BoardEntry" e
JOIN "BoardEdition" ed ON ed.id = e."editionId"
JOIN "Commendation" c ON c.id = e."commendationId"
JOIN "GoodDeed" d ON d.id = c."goodDeedId"
JOIN "Team" t ON t.id = d."teamId"
LEFT JOIN "Squad" sq ON sq.id = d."squadId"
LEFT JOIN "Volunteer" v ON v.id = c."volunteerId"
WHERE ed."stationId" = $1 AND ed."withdrawnAt" IS NULL
ORDER BY ed."publishedAt" DESC, e."editionId" DESC, e.position, e.id
LIMIT $2`;

export const SHIFTS_SQL = `
SELECT s.id, s.title, s."startsAt", s."confirmedCount" AS "seatsTaken", GREATEST(0, s.capacity - s."confirmedCount") AS "seatsLeft",
       s."waitlistCount" AS "waitlistLength", t.name AS team, sq.name AS squad, g.name AS grid, c.status AS "claimStatus",
       CASE WHEN c.status = 'WAITLISTED' THEN (SELECT count(*)::int FROM "ShiftClaim" w WHERE w."shiftId" = s.id AND w.status = 'WAITLISTED' AND w."waitlistSeq" <= c."waitlistSeq") END AS "waitlistPosition"
FROM "Shift" s
JOIN "Team" t ON t.id = s."teamId"
LEFT JOIN "Squad" sq ON sq.id = s."squadId"
LEFT JOIN "Grid" g ON g.id = s."gridId"
LEFT JOIN "ShiftClaim" c ON c."shiftId" = s.id AND c."volunteerId" = $3
WHERE s."stationId" = $1 AND s."endsAt" > now()
ORDER BY s."startsAt", s.id
LIMIT $2`;

/** One statement that claims a seat or a waitlist place under the shift's row lock. */
export const CLAIM_SQL = `
WITH old AS (SELECT id, capacity, "confirmedCount" AS c, "waitlistSeq" AS w FROM "Shift" WHERE id = $1 FOR UPDATE),
upd AS (
  UPDATE "Shift" s SET "confirmedCount" = old.c + (old.c < old.capacity)::int,
                       "waitlistCount" = s."waitlistCount" + (old.c >= old.capacity)::int,
                       "waitlistSeq" = old.w + (old.c >= old.capacity)::int
  FROM old WHERE s.id = old.id
  RETURNING old.c < old.capacity AS seat, s."waitlistSeq" AS seq)
INSERT INTO "ShiftClaim" (id, "shiftId", "volunteerId", status, "waitlistSeq", "confirmedAt", "updatedAt")
SELECT gen_random_uuid(), $1, $2, CASE WHEN seat THEN 'CONFIRMED'::"ClaimStatus" ELSE 'WAITLISTED'::"ClaimStatus" END,
       CASE WHEN seat THEN NULL ELSE seq END, CASE WHEN seat THEN now() END, now()
FROM upd RETURNING status`;
