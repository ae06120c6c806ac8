-- CreateTable
CREATE TABLE "VolunteerActiveDay" (
    "stationId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "volunteerId" UUID NOT NULL,
    "checkIns" INTEGER NOT NULL,

    CONSTRAINT "VolunteerActiveDay_pkey" PRIMARY KEY ("stationId","day","volunteerId")
);

-- CreateTable
CREATE TABLE "VolunteerFirstJoin" (
    "stationId" UUID NOT NULL,
    "volunteerId" UUID NOT NULL,
    "joinedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "VolunteerFirstJoin_pkey" PRIMARY KEY ("stationId","volunteerId")
);

-- CreateIndex
CREATE INDEX "VolunteerFirstJoin_stationId_joinedAt_idx" ON "VolunteerFirstJoin"("stationId", "joinedAt");

-- CreateIndex
CREATE INDEX "VolunteerFirstJoin_volunteerId_idx" ON "VolunteerFirstJoin"("volunteerId");

-- Rollups for the distinct figures of the statistics (active and new volunteers), kept by the
-- database in the transaction that writes a claim, a shift, a membership or a team, as the shift
-- tally is: no writer can forget them and they are never stale. The runner splits at every
-- semicolon, also inside a function body: each is written as the octal escape 073.

-- One (station, local day, volunteer) by so many check-ins, relative: concurrent writers queue only
-- on that row. A row goes when its count reaches zero, so rows are exactly the active days.
CREATE FUNCTION volunteer_active_day_add(station uuid, d date, volunteer uuid, delta int) RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  IF delta > 0 THEN
    INSERT INTO "VolunteerActiveDay" ("stationId", day, "volunteerId", "checkIns") VALUES (station, d, volunteer, delta)
    ON CONFLICT ("stationId", day, "volunteerId") DO UPDATE SET "checkIns" = "VolunteerActiveDay"."checkIns" + EXCLUDED."checkIns"\073
  ELSE
    UPDATE "VolunteerActiveDay" SET "checkIns" = "checkIns" + delta WHERE "stationId" = station AND day = d AND "volunteerId" = volunteer\073
    DELETE FROM "VolunteerActiveDay" WHERE "stationId" = station AND day = d AND "volunteerId" = volunteer AND "checkIns" <= 0\073
  END IF\073
END
';

-- A claim's check-in counts on the local (Asia/Shanghai) day its shift starts.
CREATE FUNCTION volunteer_active_day_claim() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' AND OLD."shiftId" = NEW."shiftId" AND OLD."volunteerId" = NEW."volunteerId"
     AND (OLD."checkedInAt" IS NULL) = (NEW."checkedInAt" IS NULL) THEN
    RETURN NULL\073
  END IF\073
  -- a shift deleted in this transaction has already taken its check-ins away (Shift_active_delete)
  IF TG_OP IN (''UPDATE'', ''DELETE'') AND OLD."checkedInAt" IS NOT NULL THEN
    PERFORM volunteer_active_day_add(s."stationId", (s."startsAt" AT TIME ZONE ''UTC'' AT TIME ZONE ''Asia/Shanghai'')::date, OLD."volunteerId", -1)
    FROM "Shift" s WHERE s.id = OLD."shiftId"\073
  END IF\073
  IF TG_OP IN (''INSERT'', ''UPDATE'') AND NEW."checkedInAt" IS NOT NULL THEN
    PERFORM volunteer_active_day_add(s."stationId", (s."startsAt" AT TIME ZONE ''UTC'' AT TIME ZONE ''Asia/Shanghai'')::date, NEW."volunteerId", 1)
    FROM "Shift" s WHERE s.id = NEW."shiftId"\073
  END IF\073
  RETURN NULL\073
END
';

CREATE TRIGGER "ShiftClaim_active" AFTER INSERT OR DELETE OR UPDATE OF "shiftId", "volunteerId", "checkedInAt" ON "ShiftClaim"
  FOR EACH ROW EXECUTE FUNCTION volunteer_active_day_claim();

-- A shift moved to another day or station takes its check-ins along. A deleted shift takes them
-- away before its claims go (the claims' own trigger no longer finds the shift).
CREATE FUNCTION volunteer_active_day_shift() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM volunteer_active_day_add(OLD."stationId", (OLD."startsAt" AT TIME ZONE ''UTC'' AT TIME ZONE ''Asia/Shanghai'')::date, c."volunteerId", -1)
  FROM "ShiftClaim" c WHERE c."shiftId" = OLD.id AND c."checkedInAt" IS NOT NULL\073
  IF TG_OP = ''UPDATE'' THEN
    PERFORM volunteer_active_day_add(NEW."stationId", (NEW."startsAt" AT TIME ZONE ''UTC'' AT TIME ZONE ''Asia/Shanghai'')::date, c."volunteerId", 1)
    FROM "ShiftClaim" c WHERE c."shiftId" = NEW.id AND c."checkedInAt" IS NOT NULL\073
    RETURN NULL\073
  END IF\073
  RETURN OLD\073
END
';

CREATE TRIGGER "Shift_active_move" AFTER UPDATE OF "startsAt", "stationId" ON "Shift"
  FOR EACH ROW WHEN (OLD."stationId" IS DISTINCT FROM NEW."stationId"
    OR (OLD."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date IS DISTINCT FROM (NEW."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date)
  EXECUTE FUNCTION volunteer_active_day_shift();
CREATE TRIGGER "Shift_active_delete" BEFORE DELETE ON "Shift"
  FOR EACH ROW EXECUTE FUNCTION volunteer_active_day_shift();

-- A volunteer's first join per station, recounted from their memberships (a handful) whenever one
-- changes. The advisory lock serialises writers of one volunteer, and each statement of the body
-- sees what the previous holder committed.
CREATE FUNCTION volunteer_first_join_refresh(volunteer uuid) RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  PERFORM pg_advisory_xact_lock(hashtextextended(''VolunteerFirstJoin:'' || volunteer::text, 0))\073
  DELETE FROM "VolunteerFirstJoin" WHERE "volunteerId" = volunteer\073
  INSERT INTO "VolunteerFirstJoin" ("stationId", "volunteerId", "joinedAt")
    SELECT t."stationId", volunteer, min(m."joinedAt") FROM "TeamMembership" m JOIN "Team" t ON t.id = m."teamId"
    WHERE m."volunteerId" = volunteer GROUP BY t."stationId"\073
END
';

CREATE FUNCTION volunteer_first_join_membership() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP IN (''UPDATE'', ''DELETE'') THEN
    PERFORM volunteer_first_join_refresh(OLD."volunteerId")\073
  END IF\073
  IF TG_OP = ''INSERT'' OR (TG_OP = ''UPDATE'' AND NEW."volunteerId" <> OLD."volunteerId") THEN
    PERFORM volunteer_first_join_refresh(NEW."volunteerId")\073
  END IF\073
  RETURN NULL\073
END
';

CREATE TRIGGER "TeamMembership_first_join" AFTER INSERT OR DELETE OR UPDATE OF "teamId", "volunteerId", "joinedAt" ON "TeamMembership"
  FOR EACH ROW EXECUTE FUNCTION volunteer_first_join_membership();

-- A team moved to another station moves its members' first joins. A deleted team's memberships go
-- by cascade, each through the trigger above.
CREATE FUNCTION volunteer_first_join_team() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  PERFORM volunteer_first_join_refresh(m."volunteerId") FROM "TeamMembership" m WHERE m."teamId" = NEW.id\073
  RETURN NULL\073
END
';

CREATE TRIGGER "Team_first_join" AFTER UPDATE OF "stationId" ON "Team"
  FOR EACH ROW WHEN (OLD."stationId" IS DISTINCT FROM NEW."stationId") EXECUTE FUNCTION volunteer_first_join_team();

-- What exists already.
INSERT INTO "VolunteerActiveDay" ("stationId", day, "volunteerId", "checkIns")
SELECT s."stationId", (s."startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date, c."volunteerId", count(*)
FROM "ShiftClaim" c JOIN "Shift" s ON s.id = c."shiftId" WHERE c."checkedInAt" IS NOT NULL GROUP BY 1, 2, 3;

INSERT INTO "VolunteerFirstJoin" ("stationId", "volunteerId", "joinedAt")
SELECT t."stationId", m."volunteerId", min(m."joinedAt") FROM "TeamMembership" m JOIN "Team" t ON t.id = m."teamId" GROUP BY 1, 2;
