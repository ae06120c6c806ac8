/*
  Warnings:

  - A unique constraint covering the columns `[accountId,role,regionId,stationId,partnerId]` on the table `AccountRole` will be added. If there are existing duplicate values, this will fail.

*/
-- CreateEnum
CREATE TYPE "MembershipStatus" AS ENUM ('ACTIVE', 'PENDING', 'SUSPENDED', 'LEFT');

-- AlterEnum
ALTER TYPE "GrantedRole" ADD VALUE 'REGION_ADMIN';

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "NotificationKind" ADD VALUE 'MEMBERSHIP_REQUESTED';
ALTER TYPE "NotificationKind" ADD VALUE 'MEMBERSHIP_STATUS_CHANGED';

-- DropIndex
DROP INDEX "AccountRole_accountId_role_stationId_partnerId_key";

-- AlterTable
ALTER TABLE "AccountRole" ADD COLUMN     "grantedById" UUID,
ADD COLUMN     "regionId" UUID;

-- AlterTable
ALTER TABLE "Grid" ADD COLUMN     "outline" JSONB,
ADD COLUMN     "radiusMeters" INTEGER,
ADD COLUMN     "updatedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "SquadMembership" ADD COLUMN     "active" BOOLEAN NOT NULL DEFAULT true;

-- AlterTable
ALTER TABLE "Station" ADD COLUMN     "latitude" DOUBLE PRECISION,
ADD COLUMN     "longitude" DOUBLE PRECISION,
ADD COLUMN     "regionId" UUID;

-- AlterTable
ALTER TABLE "TeamMembership" ADD COLUMN     "inviteId" UUID,
ADD COLUMN     "status" "MembershipStatus" NOT NULL DEFAULT 'ACTIVE',
ADD COLUMN     "statusChangedAt" TIMESTAMP(3),
ADD COLUMN     "statusReason" TEXT;

-- CreateTable
CREATE TABLE "Region" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "city" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Region_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "TeamInvite" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "squadId" UUID,
    "code" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "maxUses" INTEGER NOT NULL,
    "uses" INTEGER NOT NULL DEFAULT 0,
    "revokedAt" TIMESTAMP(3),
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "TeamInvite_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Region_name_key" ON "Region"("name");

-- CreateIndex
CREATE UNIQUE INDEX "TeamInvite_code_key" ON "TeamInvite"("code");

-- CreateIndex
CREATE INDEX "TeamInvite_stationId_createdAt_idx" ON "TeamInvite"("stationId", "createdAt");

-- CreateIndex
CREATE INDEX "TeamInvite_teamId_idx" ON "TeamInvite"("teamId");

-- CreateIndex
CREATE INDEX "AccountRole_regionId_idx" ON "AccountRole"("regionId");

-- CreateIndex
CREATE UNIQUE INDEX "AccountRole_accountId_role_regionId_stationId_partnerId_key" ON "AccountRole"("accountId", "role", "regionId", "stationId", "partnerId");

-- CreateIndex
CREATE INDEX "Station_regionId_idx" ON "Station"("regionId");

-- CreateIndex
CREATE INDEX "TeamMembership_teamId_status_volunteerId_idx" ON "TeamMembership"("teamId", "status", "volunteerId");

-- AddForeignKey
ALTER TABLE "Station" ADD CONSTRAINT "Station_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamMembership" ADD CONSTRAINT "TeamMembership_inviteId_fkey" FOREIGN KEY ("inviteId") REFERENCES "TeamInvite"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamInvite" ADD CONSTRAINT "TeamInvite_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamInvite" ADD CONSTRAINT "TeamInvite_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "TeamInvite" ADD CONSTRAINT "TeamInvite_squadId_fkey" FOREIGN KEY ("squadId") REFERENCES "Squad"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AccountRole" ADD CONSTRAINT "AccountRole_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: each granted role names exactly the place it applies to (compared as text, since
-- the new enum value cannot be used in the transaction that adds it)
ALTER TABLE "AccountRole" ADD CONSTRAINT "AccountRole_scope_check" CHECK (
  (role::text = 'ADMIN' AND "regionId" IS NULL AND "stationId" IS NULL AND "partnerId" IS NULL)
  OR (role::text = 'REGION_ADMIN' AND "regionId" IS NOT NULL AND "stationId" IS NULL AND "partnerId" IS NULL)
  OR (role::text = 'OFFICER' AND "regionId" IS NULL AND "stationId" IS NOT NULL AND "partnerId" IS NULL)
  OR (role::text = 'PARTNER_ADMIN' AND "regionId" IS NULL AND "stationId" IS NULL AND "partnerId" IS NOT NULL)
);

-- Hand-written: an invitation is used at most maxUses times
ALTER TABLE "TeamInvite" ADD CONSTRAINT "TeamInvite_uses_check" CHECK ("maxUses" BETWEEN 1 AND 100000 AND "uses" BETWEEN 0 AND "maxUses");
