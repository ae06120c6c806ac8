-- AlterTable
ALTER TABLE "PatrolEvent" ADD COLUMN     "squadId" UUID;

-- AlterTable
ALTER TABLE "Station" ADD COLUMN     "dutyPhone" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Volunteer" ADD COLUMN     "sharePhoneWithTeam" BOOLEAN NOT NULL DEFAULT false;

-- Events written before squads were recorded take their shift's squad
UPDATE "PatrolEvent" e SET "squadId" = s."squadId" FROM "Shift" s WHERE s.id = e."shiftId" AND s."squadId" IS NOT NULL;
