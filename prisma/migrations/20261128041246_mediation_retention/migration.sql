-- 警民联调: the personal data of the parties and the free texts of the case are erased a station's number of days
-- (180 by default) after the case closed, the outcome, dates, category and counts stay.
-- AlterTable
ALTER TABLE "MediationCase" ADD COLUMN     "erasedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Station" ADD COLUMN     "mediationRetentionDays" INTEGER NOT NULL DEFAULT 180;

-- CreateIndex
CREATE INDEX "MediationCase_erasedAt_closedAt_idx" ON "MediationCase"("erasedAt", "closedAt");
