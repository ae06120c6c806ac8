-- CreateTable
CREATE TABLE "MobilizationCallQueue" (
    "mobilizationId" UUID NOT NULL,
    "wave" INTEGER NOT NULL,
    "volunteerIds" UUID[],
    "distances" INTEGER[],

    CONSTRAINT "MobilizationCallQueue_pkey" PRIMARY KEY ("mobilizationId")
);

-- AddForeignKey
ALTER TABLE "MobilizationCallQueue" ADD CONSTRAINT "MobilizationCallQueue_mobilizationId_fkey" FOREIGN KEY ("mobilizationId") REFERENCES "Mobilization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Call-ups still being told: the responders after the cursor (not told, so not answered) move to
-- the queue in calling order, and stop being responders until their batch tells them.
WITH untold AS (
  SELECT r.id, r."mobilizationId", r."volunteerId", r."distanceMeters", r.wave,
    row_number() OVER (PARTITION BY r."mobilizationId" ORDER BY r.wave, r."distanceMeters" ASC NULLS LAST, r."volunteerId") AS n
  FROM "MobilizationResponder" r JOIN "Mobilization" m ON m.id = r."mobilizationId"
  WHERE m.notifying
), moved AS (
  SELECT u.* FROM untold u JOIN "Mobilization" m ON m.id = u."mobilizationId"
  WHERE u.n > m."noticesTold" AND NOT EXISTS (SELECT 1 FROM "MobilizationResponder" r WHERE r.id = u.id AND r.response <> 'PENDING')
), queued AS (
  INSERT INTO "MobilizationCallQueue" ("mobilizationId", wave, "volunteerIds", distances)
  SELECT "mobilizationId", max(wave), array_agg("volunteerId" ORDER BY n), array_agg("distanceMeters" ORDER BY n)
  FROM moved GROUP BY "mobilizationId"
)
DELETE FROM "MobilizationResponder" WHERE id IN (SELECT id FROM moved);

-- AlterTable
ALTER TABLE "Mobilization" DROP COLUMN "noticesTold";
