-- shift_claim_batch as in 20261127120000, but a claim is dated when the batch holds the shift's lock, not
-- when the service sent it: a batch that waited for a volunteer's lock while another batch of the shift took
-- places was dated before that batch's claims yet placed after them (p_now is still the service's clock,
-- which tests move, plus the time spent in the statement until then).
-- The migration runner splits at every semicolon, also inside a function body: the body is an E
-- string with each one written as the octal escape 073.
CREATE OR REPLACE FUNCTION shift_claim_batch(p_shift uuid, p_volunteers uuid[], p_by uuid[], p_ids uuid[], p_now timestamptz)
RETURNS text LANGUAGE plpgsql VOLATILE AS E'
DECLARE
  v_now timestamp := p_now AT TIME ZONE ''UTC''\073
  v_starts timestamp\073
  v_ends timestamp\073
  verdicts text[]\073
  clashes text[]\073
  claim_ids uuid[]\073
  n int\073
  v_seats int\073
  v_seq int\073
  s "Shift"\073
  fresh_claims jsonb := ''[]''\073
  old_claims jsonb := ''[]''\073
BEGIN
  -- Lock order everywhere: volunteers (by id), then the shift.
  PERFORM 1 FROM "Volunteer" WHERE id = ANY(p_volunteers) ORDER BY id FOR UPDATE\073
  -- The facts after the locks, in a statement of their own: in a VOLATILE function under READ COMMITTED
  -- each statement takes a new snapshot, so this one sees every claim these volunteers committed before
  -- (a lock re-reads only the locked row, not joined ones). The shift''s row is read unlocked here and
  -- checked again under its lock below. The verdicts in the order the service checks them.
  SELECT min(sh."startsAt"), min(sh."endsAt"), array_agg(f.verdict ORDER BY f.k), array_agg(f.clash ORDER BY f.k), array_agg(f.cid ORDER BY f.k)
    INTO v_starts, v_ends, verdicts, clashes, claim_ids
  FROM "Shift" sh CROSS JOIN LATERAL (
    SELECT r.k, o.title AS clash, c.id AS cid,
      CASE
        WHEN vo.id IS NULL THEN ''NO_VOLUNTEER''
        WHEN c.id IS NOT NULL AND c.status <> ''CANCELLED'' THEN CASE WHEN c.status = ''NO_SHOW'' THEN ''OVER'' ELSE ''CLAIMED'' END
        WHEN vo.status <> ''ACTIVE'' THEN ''INACTIVE''
        WHEN NOT EXISTS (SELECT 1 FROM "TeamMembership" m WHERE m."volunteerId" = vo.id AND m."teamId" = sh."teamId" AND m.status = ''ACTIVE'') THEN ''NOT_MEMBER''
        WHEN sh."squadId" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "SquadMembership" q WHERE q."volunteerId" = vo.id AND q."squadId" = sh."squadId") THEN ''NOT_IN_SQUAD''
        WHEN sh."requiredSpecialty" IS NOT NULL AND NOT (sh."requiredSpecialty" = ANY(vo.specialties)) THEN ''NO_SPECIALTY''
        WHEN o.title IS NOT NULL THEN ''CLASH''
        WHEN sh.status <> ''OPEN'' THEN ''NOT_OPEN''
        WHEN sh."startsAt" <= v_now THEN ''STARTED''
        ELSE ''FRESH''
      END AS verdict
    FROM unnest(p_volunteers) WITH ORDINALITY AS r(v, k)
    LEFT JOIN "Volunteer" vo ON vo.id = r.v
    LEFT JOIN "ShiftClaim" c ON c."shiftId" = sh.id AND c."volunteerId" = r.v
    LEFT JOIN LATERAL (
      SELECT o.title FROM "ShiftClaim" oc JOIN "Shift" o ON o.id = oc."shiftId"
      WHERE oc."volunteerId" = vo.id AND oc.status = ''CONFIRMED'' AND oc."shiftId" <> sh.id
        AND o.status = ''OPEN'' AND o."startsAt" < sh."endsAt" AND o."endsAt" > sh."startsAt" LIMIT 1
    ) o ON true
  ) f
  WHERE sh.id = p_shift\073
  IF v_starts IS NULL THEN
    RETURN ''{"missing": true}''\073
  END IF\073

  n := cardinality(array_positions(verdicts, ''FRESH''))\073
  IF n > 0 THEN
    -- Lock the row, then update it in a statement of its own. Not one `WITH … FOR UPDATE` + `UPDATE …
    -- FROM` statement: its UPDATE can write from the row version of the statement''s snapshot while the
    -- CTE saw the newer locked one, and a cancel committed in between was lost (the property test found
    -- 5 seats taken of 4).
    SELECT LEAST(n, GREATEST(capacity - "confirmedCount", 0)), "waitlistSeq" INTO v_seats, v_seq
    FROM "Shift" WHERE id = p_shift FOR UPDATE\073
    IF NOT FOUND THEN
      RAISE EXCEPTION ''shift_claim_batch:NOT_FOUND''\073
    END IF\073
    -- The claims'' time: now, under the shift''s lock, so claimedAt follows the waitlist''s order.
    v_now := v_now + (clock_timestamp() - statement_timestamp())\073
    UPDATE "Shift" SET "confirmedCount" = "confirmedCount" + v_seats, "waitlistCount" = "waitlistCount" + n - v_seats,
                       "waitlistSeq" = "waitlistSeq" + n - v_seats, "updatedAt" = now()
    WHERE id = p_shift RETURNING * INTO s\073
    -- The shift changed between the unlocked read and the lock: the statement fails as a whole and the
    -- service runs each claim of the batch again on its own, where it gets this answer.
    IF s.status <> ''OPEN'' THEN
      RAISE EXCEPTION ''shift_claim_batch:NOT_OPEN''\073
    END IF\073
    IF s."startsAt" <= v_now THEN
      RAISE EXCEPTION ''shift_claim_batch:STARTED''\073
    END IF\073
    IF s."startsAt" <> v_starts OR s."endsAt" <> v_ends THEN
      RAISE EXCEPTION ''shift_claim_batch:TIME_CHANGED''\073
    END IF\073
    -- Seats, then waitlist numbers, in arrival order\073 a cancelled claim of the same person is reused.
    WITH fr AS (
      SELECT p_volunteers[k] AS v, p_by[k] AS by, p_ids[k] AS id, row_number() OVER (ORDER BY k) AS j
      FROM generate_subscripts(verdicts, 1) AS k WHERE verdicts[k] = ''FRESH''
    ), ins AS (
      INSERT INTO "ShiftClaim" (id, "shiftId", "volunteerId", status, "waitlistSeq", "claimedAt", "confirmedAt", "cancelledAt", "assignedById", "updatedAt")
      SELECT fr.id, p_shift, fr.v, (CASE WHEN fr.j <= v_seats THEN ''CONFIRMED'' ELSE ''WAITLISTED'' END)::"ClaimStatus",
             CASE WHEN fr.j > v_seats THEN v_seq + fr.j - v_seats END, v_now, CASE WHEN fr.j <= v_seats THEN v_now END, NULL, fr.by, now()
      FROM fr ORDER BY fr.j
      ON CONFLICT ("shiftId", "volunteerId") DO UPDATE SET status = EXCLUDED.status, "waitlistSeq" = EXCLUDED."waitlistSeq",
        "claimedAt" = EXCLUDED."claimedAt", "confirmedAt" = EXCLUDED."confirmedAt", "cancelledAt" = NULL,
        "assignedById" = EXCLUDED."assignedById", "updatedAt" = now()
      RETURNING *
    )
    SELECT coalesce(jsonb_agg(to_jsonb(ins)), ''[]'') INTO fresh_claims FROM ins\073
  END IF\073

  IF array_position(verdicts, ''CLAIMED'') IS NOT NULL THEN
    -- Claimed before (read under the volunteer''s lock, which every claim of theirs takes): nothing changes.
    IF s.id IS NULL THEN
      SELECT * INTO s FROM "Shift" WHERE id = p_shift\073
      IF NOT FOUND THEN
        RAISE EXCEPTION ''shift_claim_batch:NOT_FOUND''\073
      END IF\073
    END IF\073
    SELECT coalesce(jsonb_agg(to_jsonb(c)), ''[]'') INTO old_claims FROM "ShiftClaim" c
    WHERE c.id IN (SELECT claim_ids[k] FROM generate_subscripts(verdicts, 1) AS k WHERE verdicts[k] = ''CLAIMED'')\073
  END IF\073

  RETURN jsonb_build_object(''verdicts'', verdicts, ''clashes'', clashes, ''claims'', fresh_claims || old_claims,
                            ''shift'', CASE WHEN s.id IS NULL THEN NULL ELSE to_jsonb(s) END)::text\073
END
';
