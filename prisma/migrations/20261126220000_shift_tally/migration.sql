-- AlterTable
ALTER TABLE "Shift" ADD COLUMN     "tallyCheckedIn" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tallyMinutes" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tallyNoShows" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "tallySeats" INTEGER NOT NULL DEFAULT 0;

-- The tally is kept by the database in the transaction that writes a claim (claiming, cancelling,
-- promotion, check-in and check-out, the no-show sweep, erasure, imports): no writer can forget it.
-- Counts change relatively, so concurrent writers of one shift only queue on its row.
-- The migration runner splits at every semicolon, also inside a function body: the body is an E
-- string with each one written as the octal escape 073.
CREATE FUNCTION shift_tally_apply() RETURNS trigger LANGUAGE plpgsql AS E'
BEGIN
  IF TG_OP = ''UPDATE'' AND OLD."shiftId" = NEW."shiftId" AND OLD.status = NEW.status
     AND (OLD."checkedInAt" IS NULL) = (NEW."checkedInAt" IS NULL) AND OLD."minutesServed" IS NOT DISTINCT FROM NEW."minutesServed" THEN
    RETURN NULL\073
  END IF\073
  IF TG_OP IN (''UPDATE'', ''DELETE'') THEN
    UPDATE "Shift" SET
      "tallySeats" = "tallySeats" - (OLD.status IN (''CONFIRMED'', ''COMPLETED'', ''NO_SHOW''))::int,
      "tallyCheckedIn" = "tallyCheckedIn" - (OLD."checkedInAt" IS NOT NULL)::int,
      "tallyNoShows" = "tallyNoShows" - (OLD.status = ''NO_SHOW'')::int,
      "tallyMinutes" = "tallyMinutes" - coalesce(OLD."minutesServed", 0)
    WHERE id = OLD."shiftId"\073
  END IF\073
  IF TG_OP IN (''INSERT'', ''UPDATE'') THEN
    UPDATE "Shift" SET
      "tallySeats" = "tallySeats" + (NEW.status IN (''CONFIRMED'', ''COMPLETED'', ''NO_SHOW''))::int,
      "tallyCheckedIn" = "tallyCheckedIn" + (NEW."checkedInAt" IS NOT NULL)::int,
      "tallyNoShows" = "tallyNoShows" + (NEW.status = ''NO_SHOW'')::int,
      "tallyMinutes" = "tallyMinutes" + coalesce(NEW."minutesServed", 0)
    WHERE id = NEW."shiftId"\073
  END IF\073
  RETURN NULL\073
END
';

CREATE TRIGGER "ShiftClaim_tally" AFTER INSERT OR DELETE OR UPDATE OF "shiftId", status, "checkedInAt", "minutesServed" ON "ShiftClaim"
  FOR EACH ROW EXECUTE FUNCTION shift_tally_apply();

-- The shifts that exist already.
UPDATE "Shift" s SET "tallySeats" = c.seats, "tallyCheckedIn" = c."checkedIn", "tallyNoShows" = c."noShows", "tallyMinutes" = c.minutes
FROM (SELECT "shiftId", count(*) FILTER (WHERE status IN ('CONFIRMED', 'COMPLETED', 'NO_SHOW')) AS seats, count(*) FILTER (WHERE "checkedInAt" IS NOT NULL) AS "checkedIn",
             count(*) FILTER (WHERE status = 'NO_SHOW') AS "noShows", coalesce(sum("minutesServed"), 0) AS minutes
      FROM "ShiftClaim" GROUP BY "shiftId") c
WHERE c."shiftId" = s.id;
