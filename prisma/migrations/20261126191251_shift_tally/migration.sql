-- CreateTable
CREATE TABLE "ShiftTally" (
    "shiftId" UUID NOT NULL,
    "seats" INTEGER NOT NULL DEFAULT 0,
    "checkedIn" INTEGER NOT NULL DEFAULT 0,
    "noShows" INTEGER NOT NULL DEFAULT 0,
    "minutes" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ShiftTally_pkey" PRIMARY KEY ("shiftId")
);

-- AddForeignKey
ALTER TABLE "ShiftTally" ADD CONSTRAINT "ShiftTally_shiftId_fkey" FOREIGN KEY ("shiftId") REFERENCES "Shift"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The tally is kept by the database in the transaction that writes a claim (claiming, cancelling,
-- promotion, check-in and check-out, the no-show sweep, erasure, imports): no writer can forget it.
-- Counts are changed relatively, so concurrent writers of one shift serialise on its tally row only.
-- The migration runner splits at every semicolon, also in a function body: the body is an E string
-- with each one written as the octal escape 073.
CREATE FUNCTION shift_tally_apply() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' AND OLD."shiftId" = NEW."shiftId" AND OLD.status = NEW.status
     AND (OLD."checkedInAt" IS NULL) = (NEW."checkedInAt" IS NULL) AND OLD."minutesServed" IS NOT DISTINCT FROM NEW."minutesServed" THEN
    RETURN NULL\073
  END IF\073
  IF TG_OP IN (''UPDATE'', ''DELETE'') THEN
    UPDATE "ShiftTally" SET
      seats = seats - (OLD.status IN (''CONFIRMED'', ''COMPLETED'', ''NO_SHOW''))::int,
      "checkedIn" = "checkedIn" - (OLD."checkedInAt" IS NOT NULL)::int,
      "noShows" = "noShows" - (OLD.status = ''NO_SHOW'')::int,
      minutes = minutes - coalesce(OLD."minutesServed", 0)
    WHERE "shiftId" = OLD."shiftId"\073
  END IF\073
  IF TG_OP IN (''INSERT'', ''UPDATE'') THEN
    INSERT INTO "ShiftTally" ("shiftId", seats, "checkedIn", "noShows", minutes)
    VALUES (NEW."shiftId", (NEW.status IN (''CONFIRMED'', ''COMPLETED'', ''NO_SHOW''))::int, (NEW."checkedInAt" IS NOT NULL)::int, (NEW.status = ''NO_SHOW'')::int, coalesce(NEW."minutesServed", 0))
    ON CONFLICT ("shiftId") DO UPDATE SET
      seats = "ShiftTally".seats + EXCLUDED.seats,
      "checkedIn" = "ShiftTally"."checkedIn" + EXCLUDED."checkedIn",
      "noShows" = "ShiftTally"."noShows" + EXCLUDED."noShows",
      minutes = "ShiftTally".minutes + EXCLUDED.minutes\073
  END IF\073
  RETURN NULL\073
END
';

CREATE TRIGGER "ShiftClaim_tally" AFTER INSERT OR DELETE OR UPDATE OF "shiftId", status, "checkedInAt", "minutesServed" ON "ShiftClaim"
  FOR EACH ROW EXECUTE FUNCTION shift_tally_apply();

-- The shifts that exist already.
INSERT INTO "ShiftTally" ("shiftId", seats, "checkedIn", "noShows", minutes)
SELECT "shiftId", count(*) FILTER (WHERE status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')), count(*) FILTER (WHERE "checkedInAt" IS NOT NULL),
       count(*) FILTER (WHERE status = 'NO_SHOW'), coalesce(sum("minutesServed"), 0)
FROM "ShiftClaim" GROUP BY "shiftId";
