-- AlterTable: the call-up's station on each event (the station-wide stream), filled from the call-up
ALTER TABLE "MobilizationEvent" ADD COLUMN     "stationId" UUID;
UPDATE "MobilizationEvent" e SET "stationId" = m."stationId" FROM "Mobilization" m WHERE m.id = e."mobilizationId";
ALTER TABLE "MobilizationEvent" ALTER COLUMN "stationId" SET NOT NULL;

-- CreateIndex
CREATE INDEX "MobilizationEvent_stationId_xid_id_idx" ON "MobilizationEvent"("stationId", "xid", "id");
