// The scenario queries, as Linshe's GraphQL (the web's selections, schema/operations/*.graphql) and as
// the hand-written SQL of the raw baseline.
export const BOARD_GQL = `query Board($stationId: ID!, $first: Int!) { commendationBoard(stationId: $stationId, first: $first) {
  pageInfo { hasNextPage endCursor }
  edges { node { id displayName legalName teamName squadName category title story place occurredAt editionTitle publishedAt timesCommended } } } }`;

/** The web's ShiftCard (schema/operations/shifts.graphql). */
export const SHIFTS_GQL = `query Shifts($stationId: ID!, $first: Int!) { shifts(stationId: $stationId, first: $first) {
  pageInfo { hasNextPage endCursor }
  edges { node { id kind title status place route startsAt endsAt capacity seatsTaken seatsLeft waitlistLength requiredSpecialty
    isJointPatrol jointOfficerName cancelReason team { id name } squad { id name } grid { id name } rotationPartner { id name }
    viewerCanClaim viewerCanManage viewerClaim { id status waitlistPosition checkedInAt checkedOutAt } } } } }`;

/** The same two pages from PostGraphile v5 (bench/postgraphile): its own schema and the functions of functions.sql. */
export const PGL_BOARD_GQL = `query Board($stationId: UUID!, $first: Int!) { commendationBoard(stationId: $stationId, first: $first) {
  pageInfo { hasNextPage endCursor }
  edges { node { id displayName legalName teamName squadName category title story place occurredAt editionTitle publishedAt timesCommended } } } }`;

export const PGL_SHIFTS_GQL = `query Shifts($stationId: UUID!, $first: Int!, $viewer: UUID!) { shiftBoard(stationId: $stationId, first: $first) {
  pageInfo { hasNextPage endCursor }
  edges { node { id rowId kind title status place route startsAt endsAt capacity confirmedCount seatsLeft waitlistCount requiredSpecialty
    isJointPatrol jointOfficerName cancelReason team { id name } squad { id name } grid { id name } rotationPartner { id name }
    viewerCanClaim(viewer: $viewer) viewerCanManage(viewer: $viewer) viewerClaim(viewer: $viewer) { id status waitlistPosition checkedInAt checkedOutAt } } } } }`;

/** $1 station, $2 rows to read (first + 1, for hasNextPage). */
export const BOARD_SQL = `
SELECT e.id, COALESCE(v."displayName", sq.name, t.name) AS "displayName",
       CASE WHEN v."showLegalNameOnBoard" THEN v.name END AS "legalName", t.name AS "teamName", sq.name AS "squadName",
       d.category, d.title, d.story, d.place, d."occurredAt", ed.title AS "editionTitle", ed."publishedAt",
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

/**
 * $1 station, $2 rows to read (first + 1), $3 the signed-in account. The viewer's rights as
 * api/src/auth/viewer.ts decides them: officer (or admin), team and squad roles of an ACTIVE volunteer.
 */
export const SHIFTS_SQL = `
WITH me AS (
  SELECT a."volunteerId" AS vid, v.specialties,
         EXISTS (SELECT 1 FROM "AccountRole" r WHERE r."accountId" = a.id AND (r.role = 'ADMIN' OR (r.role = 'OFFICER' AND r."stationId" = $1))) AS officer,
         EXISTS (SELECT 1 FROM "AccountRole" r JOIN "Partner" p ON p.id = r."partnerId" WHERE r."accountId" = a.id AND r.role = 'PARTNER_ADMIN' AND p."stationId" = $1) AS partner,
         COALESCE(ARRAY(SELECT m."teamId" FROM "TeamMembership" m WHERE m."volunteerId" = v.id AND v.status = 'ACTIVE'), '{}') AS member,
         COALESCE(ARRAY(SELECT m."teamId" FROM "TeamMembership" m WHERE m."volunteerId" = v.id AND v.status = 'ACTIVE' AND m.role = 'LEADER'), '{}') AS leads,
         COALESCE(ARRAY(SELECT m."squadId" FROM "SquadMembership" m WHERE m."volunteerId" = v.id AND v.status = 'ACTIVE'), '{}') AS squads,
         COALESCE(ARRAY(SELECT m."squadId" FROM "SquadMembership" m WHERE m."volunteerId" = v.id AND v.status = 'ACTIVE' AND m.role = 'LEADER'), '{}') AS "leadsSquads"
  FROM "Account" a LEFT JOIN "Volunteer" v ON v.id = a."volunteerId" WHERE a.id = $3 AND NOT a.disabled)
SELECT s.id, s.kind, s.title, s.status, s.place, s.route, s."startsAt", s."endsAt", s.capacity, s."confirmedCount" AS "seatsTaken",
       GREATEST(0, s.capacity - s."confirmedCount") AS "seatsLeft", s."waitlistCount" AS "waitlistLength", s."requiredSpecialty",
       s."jointOfficerId" IS NOT NULL AS "isJointPatrol", jo."displayName" AS "jointOfficerName", s."cancelReason",
       t.id AS "teamId", t.name AS team, sq.id AS "squadId", sq.name AS squad, g.id AS "gridId", g.name AS grid, p.id AS "partnerId", p.name AS partner,
       COALESCE(me.vid IS NOT NULL AND s.status = 'OPEN' AND s."startsAt" > now() AND s."teamId" = ANY (me.member) AND (s."squadId" IS NULL OR s."squadId" = ANY (me.squads))
         AND (c.id IS NULL OR c.status = 'CANCELLED') AND (s."requiredSpecialty" IS NULL OR s."requiredSpecialty" = ANY (me.specialties)), false) AS "canClaim",
       (me.officer OR s."teamId" = ANY (me.leads) OR COALESCE(s."squadId" = ANY (me."leadsSquads"), false)) AS "canManage",
       c.id AS "claimId", c.status AS "claimStatus", c."checkedInAt", c."checkedOutAt",
       CASE WHEN c.status = 'WAITLISTED' THEN (SELECT count(*)::int FROM "ShiftClaim" w WHERE w."shiftId" = s.id AND w.status = 'WAITLISTED' AND w."waitlistSeq" <= c."waitlistSeq") END AS "waitlistPosition"
FROM me CROSS JOIN "Shift" s
JOIN "Team" t ON t.id = s."teamId"
LEFT JOIN "Squad" sq ON sq.id = s."squadId"
LEFT JOIN "Grid" g ON g.id = s."gridId"
LEFT JOIN "Account" jo ON jo.id = s."jointOfficerId"
LEFT JOIN "RotationSlot" rs ON rs."shiftId" = s.id
LEFT JOIN "Partner" p ON p.id = rs."partnerId"
LEFT JOIN "ShiftClaim" c ON c."shiftId" = s.id AND c."volunteerId" = me.vid
WHERE s."stationId" = $1 AND s."endsAt" > now()
  -- seeStation: officers, members of a team of the station, its partners' admins
  AND (me.officer OR me.partner OR EXISTS (SELECT 1 FROM "Team" st WHERE st.id = ANY (me.member) AND st."stationId" = $1))
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
