-- PostGraphile's side of the two bench pages, installed in the bench database's public schema by
-- server.ts before it builds its schema. Root queries are SQL functions (RETURNS SETOF ... STABLE);
-- per-row fields are computed columns, which PostGraphile inlines into its one statement. The viewer
-- is an argument: PostGraphile runs without auth here, as the comparison in issue 20 states.

DROP FUNCTION IF EXISTS public.commendation_board(uuid);
CREATE FUNCTION public.commendation_board(station_id uuid)
RETURNS TABLE (id uuid, display_name text, legal_name text, team_name text, squad_name text, category "GoodDeedCategory",
               title text, story text, place text, occurred_at timestamp(3), edition_title text, published_at timestamp(3), times_commended int)
LANGUAGE sql STABLE AS $$
  SELECT e.id, COALESCE(v."displayName", sq.name, t.name), CASE WHEN v."showLegalNameOnBoard" THEN v.name END, t.name, sq.name,
         d.category, d.title, d.story, d.place, d."occurredAt", ed.title, ed."publishedAt",
         CASE WHEN c."volunteerId" IS NULL THEN NULL ELSE (SELECT count(*)::int FROM "Commendation" c2 WHERE c2."volunteerId" = c."volunteerId") END
  FROM "BoardEntry" e
  JOIN "BoardEdition" ed ON ed.id = e."editionId"
  JOIN "Commendation" c ON c.id = e."commendationId"
  JOIN "GoodDeed" d ON d.id = c."goodDeedId"
  JOIN "Team" t ON t.id = d."teamId"
  LEFT JOIN "Squad" sq ON sq.id = d."squadId"
  LEFT JOIN "Volunteer" v ON v.id = c."volunteerId"
  WHERE ed."stationId" = commendation_board.station_id AND ed."withdrawnAt" IS NULL
  ORDER BY ed."publishedAt" DESC, e."editionId" DESC, e.position, e.id
$$;

CREATE OR REPLACE FUNCTION public.shift_board(station_id uuid) RETURNS SETOF "Shift"
LANGUAGE sql STABLE AS $$
  SELECT s.* FROM "Shift" s WHERE s."stationId" = shift_board.station_id AND s."endsAt" > now() ORDER BY s."startsAt", s.id
$$;

CREATE OR REPLACE FUNCTION public."Shift_seats_left"(s "Shift") RETURNS int
LANGUAGE sql STABLE AS $$ SELECT GREATEST(0, s.capacity - s."confirmedCount") $$;

CREATE OR REPLACE FUNCTION public."Shift_is_joint_patrol"(s "Shift") RETURNS boolean
LANGUAGE sql STABLE AS $$ SELECT s."jointOfficerId" IS NOT NULL $$;

CREATE OR REPLACE FUNCTION public."Shift_joint_officer_name"(s "Shift") RETURNS text
LANGUAGE sql STABLE AS $$ SELECT a."displayName" FROM "Account" a WHERE a.id = s."jointOfficerId" $$;

CREATE OR REPLACE FUNCTION public."Shift_rotation_partner"(s "Shift") RETURNS "Partner"
LANGUAGE sql STABLE AS $$ SELECT p.* FROM "RotationSlot" rs JOIN "Partner" p ON p.id = rs."partnerId" WHERE rs."shiftId" = s.id $$;

CREATE OR REPLACE FUNCTION public."Shift_viewer_claim"(s "Shift", viewer uuid) RETURNS "ShiftClaim"
LANGUAGE sql STABLE AS $$
  SELECT c.* FROM "Account" a JOIN "ShiftClaim" c ON c."volunteerId" = a."volunteerId" WHERE a.id = viewer AND c."shiftId" = s.id LIMIT 1
$$;

CREATE OR REPLACE FUNCTION public."ShiftClaim_waitlist_position"(c "ShiftClaim") RETURNS int
LANGUAGE sql STABLE AS $$
  SELECT CASE WHEN c.status = 'WAITLISTED' THEN
    (SELECT count(*)::int FROM "ShiftClaim" w WHERE w."shiftId" = c."shiftId" AND w.status = 'WAITLISTED' AND w."waitlistSeq" <= c."waitlistSeq") END
$$;

-- The rights of api/src/auth/viewer.ts: officer (or admin), team and squad roles of an ACTIVE volunteer.
CREATE OR REPLACE FUNCTION public."Shift_viewer_can_manage"(s "Shift", viewer uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT EXISTS (SELECT 1 FROM "AccountRole" r WHERE r."accountId" = viewer AND (r.role = 'ADMIN' OR (r.role = 'OFFICER' AND r."stationId" = s."stationId")))
      OR EXISTS (SELECT 1 FROM "Account" a JOIN "Volunteer" v ON v.id = a."volunteerId" AND v.status = 'ACTIVE'
                 WHERE a.id = viewer AND (
                   EXISTS (SELECT 1 FROM "TeamMembership" m WHERE m."volunteerId" = v.id AND m."teamId" = s."teamId" AND m.role = 'LEADER')
                   OR EXISTS (SELECT 1 FROM "SquadMembership" m WHERE m."volunteerId" = v.id AND m."squadId" = s."squadId" AND m.role = 'LEADER')))
$$;

CREATE OR REPLACE FUNCTION public."Shift_viewer_can_claim"(s "Shift", viewer uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
  SELECT COALESCE((
    SELECT s.status = 'OPEN' AND s."startsAt" > now()
       AND EXISTS (SELECT 1 FROM "TeamMembership" m WHERE m."volunteerId" = v.id AND m."teamId" = s."teamId")
       AND (s."squadId" IS NULL OR EXISTS (SELECT 1 FROM "SquadMembership" m WHERE m."volunteerId" = v.id AND m."squadId" = s."squadId"))
       AND NOT EXISTS (SELECT 1 FROM "ShiftClaim" c WHERE c."shiftId" = s.id AND c."volunteerId" = v.id AND c.status <> 'CANCELLED')
       AND (s."requiredSpecialty" IS NULL OR s."requiredSpecialty" = ANY (v.specialties))
    FROM "Account" a JOIN "Volunteer" v ON v.id = a."volunteerId" AND v.status = 'ACTIVE' WHERE a.id = viewer), false)
$$;
