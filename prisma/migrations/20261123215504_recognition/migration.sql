-- CreateEnum
CREATE TYPE "GoodDeedCategory" AS ENUM ('HEROIC_ACT', 'LOST_PROPERTY_RETURNED', 'HELPING_ELDERLY', 'FRAUD_PREVENTED', 'DISPUTE_MEDIATED', 'HAZARD_FOUND', 'OTHER');

-- CreateEnum
CREATE TYPE "GoodDeedStatus" AS ENUM ('SUBMITTED', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "PointsReason" AS ENUM ('PATROL_HOURS', 'COMMENDATION', 'REDEMPTION', 'ADJUSTMENT', 'REVERSAL');

-- CreateEnum
CREATE TYPE "RedemptionStatus" AS ENUM ('PENDING', 'HANDED_OUT');

-- AlterTable
ALTER TABLE "Volunteer" ADD COLUMN     "publicRanking" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN     "showLegalNameOnBoard" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "GoodDeed" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "squadId" UUID,
    "volunteerId" UUID,
    "shiftId" UUID,
    "category" "GoodDeedCategory" NOT NULL,
    "title" TEXT NOT NULL,
    "story" TEXT NOT NULL,
    "occurredAt" TIMESTAMP(3) NOT NULL,
    "place" TEXT NOT NULL DEFAULT '',
    "status" "GoodDeedStatus" NOT NULL DEFAULT 'SUBMITTED',
    "submittedById" UUID NOT NULL,
    "submittedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "reviewedById" UUID,
    "reviewedAt" TIMESTAMP(3),
    "rejectReason" TEXT,
    "pointsAwarded" INTEGER,

    CONSTRAINT "GoodDeed_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Commendation" (
    "id" UUID NOT NULL,
    "goodDeedId" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "volunteerId" UUID,
    "approvedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Commendation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BoardEdition" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "publishedById" UUID NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "withdrawnAt" TIMESTAMP(3),
    "withdrawnById" UUID,

    CONSTRAINT "BoardEdition_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BoardEntry" (
    "id" UUID NOT NULL,
    "editionId" UUID NOT NULL,
    "commendationId" UUID NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "BoardEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PointsRules" (
    "stationId" UUID NOT NULL,
    "pointsPerHour" INTEGER NOT NULL DEFAULT 10,
    "nightPatrolPercent" INTEGER NOT NULL DEFAULT 150,
    "commendationPoints" INTEGER NOT NULL DEFAULT 50,
    "updatedAt" TIMESTAMP(3) NOT NULL,
    "updatedById" UUID,

    CONSTRAINT "PointsRules_pkey" PRIMARY KEY ("stationId")
);

-- CreateTable
CREATE TABLE "PointsEntry" (
    "id" UUID NOT NULL,
    "volunteerId" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "amount" INTEGER NOT NULL,
    "reason" "PointsReason" NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "source" TEXT NOT NULL,
    "reversesId" UUID,
    "createdById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PointsEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Reward" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "cost" INTEGER NOT NULL,
    "stock" INTEGER NOT NULL,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Reward_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Redemption" (
    "id" UUID NOT NULL,
    "rewardId" UUID NOT NULL,
    "volunteerId" UUID NOT NULL,
    "cost" INTEGER NOT NULL,
    "status" "RedemptionStatus" NOT NULL DEFAULT 'PENDING',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "handedOutAt" TIMESTAMP(3),
    "handedOutById" UUID,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "GoodDeed_stationId_status_submittedAt_idx" ON "GoodDeed"("stationId", "status", "submittedAt");

-- CreateIndex
CREATE UNIQUE INDEX "Commendation_goodDeedId_key" ON "Commendation"("goodDeedId");

-- CreateIndex
CREATE INDEX "Commendation_stationId_approvedAt_idx" ON "Commendation"("stationId", "approvedAt");

-- CreateIndex
CREATE INDEX "Commendation_volunteerId_idx" ON "Commendation"("volunteerId");

-- CreateIndex
CREATE INDEX "BoardEdition_stationId_publishedAt_idx" ON "BoardEdition"("stationId", "publishedAt");

-- CreateIndex
CREATE INDEX "BoardEntry_commendationId_idx" ON "BoardEntry"("commendationId");

-- CreateIndex
CREATE UNIQUE INDEX "BoardEntry_editionId_commendationId_key" ON "BoardEntry"("editionId", "commendationId");

-- CreateIndex
CREATE UNIQUE INDEX "PointsEntry_source_key" ON "PointsEntry"("source");

-- CreateIndex
CREATE UNIQUE INDEX "PointsEntry_reversesId_key" ON "PointsEntry"("reversesId");

-- CreateIndex
CREATE INDEX "PointsEntry_volunteerId_createdAt_idx" ON "PointsEntry"("volunteerId", "createdAt");

-- CreateIndex
CREATE INDEX "PointsEntry_stationId_createdAt_idx" ON "PointsEntry"("stationId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Reward_stationId_name_key" ON "Reward"("stationId", "name");

-- CreateIndex
CREATE INDEX "Redemption_rewardId_idx" ON "Redemption"("rewardId");

-- CreateIndex
CREATE INDEX "Redemption_volunteerId_idx" ON "Redemption"("volunteerId");

-- AddForeignKey
ALTER TABLE "GoodDeed" ADD CONSTRAINT "GoodDeed_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GoodDeed" ADD CONSTRAINT "GoodDeed_squadId_fkey" FOREIGN KEY ("squadId") REFERENCES "Squad"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GoodDeed" ADD CONSTRAINT "GoodDeed_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Commendation" ADD CONSTRAINT "Commendation_goodDeedId_fkey" FOREIGN KEY ("goodDeedId") REFERENCES "GoodDeed"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Commendation" ADD CONSTRAINT "Commendation_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BoardEdition" ADD CONSTRAINT "BoardEdition_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BoardEdition" ADD CONSTRAINT "BoardEdition_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BoardEntry" ADD CONSTRAINT "BoardEntry_editionId_fkey" FOREIGN KEY ("editionId") REFERENCES "BoardEdition"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BoardEntry" ADD CONSTRAINT "BoardEntry_commendationId_fkey" FOREIGN KEY ("commendationId") REFERENCES "Commendation"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsRules" ADD CONSTRAINT "PointsRules_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsEntry" ADD CONSTRAINT "PointsEntry_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PointsEntry" ADD CONSTRAINT "PointsEntry_reversesId_fkey" FOREIGN KEY ("reversesId") REFERENCES "PointsEntry"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_rewardId_fkey" FOREIGN KEY ("rewardId") REFERENCES "Reward"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Stock never negative and a reward costs something (Prisma cannot express CHECK).
ALTER TABLE "Reward" ADD CONSTRAINT "Reward_stock_check" CHECK ("stock" >= 0 AND "cost" > 0);
