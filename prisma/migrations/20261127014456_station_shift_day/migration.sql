-- CreateTable
CREATE TABLE "StationShiftDay" (
    "stationId" UUID NOT NULL,
    "day" DATE NOT NULL,
    "published" INTEGER NOT NULL,
    "filled" INTEGER NOT NULL,
    "cancelled" INTEGER NOT NULL,
    "noShows" INTEGER NOT NULL,
    "minutes" INTEGER NOT NULL,

    CONSTRAINT "StationShiftDay_pkey" PRIMARY KEY ("stationId","day")
);

-- Rollup for the shift figures of the statistics: a region's year reads 18 × 364 rows instead of
-- ~25,000 shifts. Kept by the database in the writing transaction, as the shift tally is (whose
-- changes reach it through this trigger): never stale. A claim's change writes here only when it
-- changes a day's figure (a shift filled or no longer, a no-show, minutes served), so claims of one
-- station's day rarely queue on its row. A row goes when its day has no shift left. The runner
-- splits at every semicolon, also inside a function body: each is written as the octal escape 073.
CREATE FUNCTION station_shift_day_add(station uuid, d date, pub int, fil int, can int, ns int, mins int) RETURNS void LANGUAGE plpgsql AS E'
BEGIN
  INSERT INTO "StationShiftDay" ("stationId", day, published, filled, cancelled, "noShows", minutes) VALUES (station, d, pub, fil, can, ns, mins)
  ON CONFLICT ("stationId", day) DO UPDATE SET published = "StationShiftDay".published + EXCLUDED.published,
    filled = "StationShiftDay".filled + EXCLUDED.filled, cancelled = "StationShiftDay".cancelled + EXCLUDED.cancelled,
    "noShows" = "StationShiftDay"."noShows" + EXCLUDED."noShows", minutes = "StationShiftDay".minutes + EXCLUDED.minutes\073
  IF pub < 0 OR can < 0 THEN
    DELETE FROM "StationShiftDay" WHERE "stationId" = station AND day = d AND published <= 0 AND cancelled <= 0\073
  END IF\073
END
';

-- A shift counts on the local (Asia/Shanghai) day it starts: published (not cancelled), filled (not
-- cancelled, capacity seats taken), cancelled, and its tally's no-shows and minutes.
CREATE FUNCTION station_shift_day_shift() RETURNS trigger LANGUAGE plpgsql AS E'
DECLARE
  od date\073
  nd date\073
BEGIN
  IF TG_OP IN (''UPDATE'', ''DELETE'') THEN
    od := (OLD."startsAt" AT TIME ZONE ''UTC'' AT TIME ZONE ''Asia/Shanghai'')::date\073
  END IF\073
  IF TG_OP IN (''INSERT'', ''UPDATE'') THEN
    nd := (NEW."startsAt" AT TIME ZONE ''UTC'' AT TIME ZONE ''Asia/Shanghai'')::date\073
  END IF\073
  IF TG_OP = ''UPDATE'' AND OLD."stationId" = NEW."stationId" AND od = nd
     AND (OLD.status = ''CANCELLED'') = (NEW.status = ''CANCELLED'')
     AND (OLD.status <> ''CANCELLED'' AND OLD."tallySeats" >= OLD.capacity) = (NEW.status <> ''CANCELLED'' AND NEW."tallySeats" >= NEW.capacity) THEN
    -- the same day and counts: only the sums of the tally may have changed
    IF OLD."tallyNoShows" <> NEW."tallyNoShows" OR OLD."tallyMinutes" <> NEW."tallyMinutes" THEN
      PERFORM station_shift_day_add(NEW."stationId", nd, 0, 0, 0, NEW."tallyNoShows" - OLD."tallyNoShows", NEW."tallyMinutes" - OLD."tallyMinutes")\073
    END IF\073
    RETURN NULL\073
  END IF\073
  IF TG_OP IN (''UPDATE'', ''DELETE'') THEN
    PERFORM station_shift_day_add(OLD."stationId", od, -(OLD.status <> ''CANCELLED'')::int, -(OLD.status <> ''CANCELLED'' AND OLD."tallySeats" >= OLD.capacity)::int,
      -(OLD.status = ''CANCELLED'')::int, -OLD."tallyNoShows", -OLD."tallyMinutes")\073
  END IF\073
  IF TG_OP IN (''INSERT'', ''UPDATE'') THEN
    PERFORM station_shift_day_add(NEW."stationId", nd, (NEW.status <> ''CANCELLED'')::int, (NEW.status <> ''CANCELLED'' AND NEW."tallySeats" >= NEW.capacity)::int,
      (NEW.status = ''CANCELLED'')::int, NEW."tallyNoShows", NEW."tallyMinutes")\073
  END IF\073
  RETURN NULL\073
END
';

CREATE TRIGGER "Shift_station_day" AFTER INSERT OR DELETE OR UPDATE OF "stationId", "startsAt", status, capacity, "tallySeats", "tallyNoShows", "tallyMinutes" ON "Shift"
  FOR EACH ROW EXECUTE FUNCTION station_shift_day_shift();

-- What exists already.
INSERT INTO "StationShiftDay" ("stationId", day, published, filled, cancelled, "noShows", minutes)
SELECT "stationId", ("startsAt" AT TIME ZONE 'UTC' AT TIME ZONE 'Asia/Shanghai')::date,
       count(*) FILTER (WHERE status <> 'CANCELLED'), count(*) FILTER (WHERE status <> 'CANCELLED' AND "tallySeats" >= capacity),
       count(*) FILTER (WHERE status = 'CANCELLED'), sum("tallyNoShows"), sum("tallyMinutes")
FROM "Shift" GROUP BY 1, 2;
