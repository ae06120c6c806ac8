-- AlterTable
ALTER TABLE "Volunteer" ADD COLUMN     "lastLeftAt" TIMESTAMP(3);

-- CreateIndex
CREATE INDEX "Volunteer_lastLeftAt_idx" ON "Volunteer"("lastLeftAt");

-- People with an ID number and no ACTIVE, PENDING or SUSPENDED membership left: when they left was not recorded
-- for every path (a removal from a team or a rejected application deleted the row), so the retention of their ID
-- number counts from this migration, never from a guess that could erase it early
UPDATE "Volunteer" v SET "lastLeftAt" = now()
WHERE v."idNumber" IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "TeamMembership" m WHERE m."volunteerId" = v.id AND m.status IN ('ACTIVE', 'PENDING', 'SUSPENDED'))
  AND NOT EXISTS (SELECT 1 FROM "SquadMembership" s WHERE s."volunteerId" = v.id);
