-- CreateEnum
CREATE TYPE "ShiftKind" AS ENUM ('PATROL', 'NIGHT_PATROL', 'PUBLICITY', 'EVENT_SECURITY', 'HOME_WATCH');

-- CreateEnum
CREATE TYPE "ShiftStatus" AS ENUM ('OPEN', 'CANCELLED', 'DONE');

-- CreateEnum
CREATE TYPE "ClaimStatus" AS ENUM ('CONFIRMED', 'WAITLISTED', 'CANCELLED', 'NO_SHOW', 'COMPLETED');

-- CreateEnum
CREATE TYPE "CheckInMethod" AS ENUM ('QR', 'GPS', 'LEADER');

-- CreateEnum
CREATE TYPE "PatrolEventKind" AS ENUM ('CHECKED_IN', 'CHECKED_OUT', 'NO_SHOW');

-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "displayName" TEXT NOT NULL DEFAULT '';

-- AlterTable
ALTER TABLE "Station" ADD COLUMN     "checkInRadiusMeters" INTEGER NOT NULL DEFAULT 300;

-- CreateTable
CREATE TABLE "ShiftSeries" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "weekdays" INTEGER[],
    "until" TIMESTAMP(3) NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ShiftSeries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Shift" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "squadId" UUID,
    "seriesId" UUID,
    "gridId" UUID,
    "kind" "ShiftKind" NOT NULL,
    "title" TEXT NOT NULL,
    "place" TEXT NOT NULL DEFAULT '',
    "route" TEXT NOT NULL DEFAULT '',
    "startsAt" TIMESTAMP(3) NOT NULL,
    "endsAt" TIMESTAMP(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "requiredSpecialty" "Specialty",
    "jointOfficerId" UUID,
    "notes" TEXT NOT NULL DEFAULT '',
    "status" "ShiftStatus" NOT NULL DEFAULT 'OPEN',
    "cancelReason" TEXT,
    "postCode" TEXT NOT NULL,
    "confirmedCount" INTEGER NOT NULL DEFAULT 0,
    "waitlistCount" INTEGER NOT NULL DEFAULT 0,
    "waitlistSeq" INTEGER NOT NULL DEFAULT 0,
    "createdById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Shift_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ShiftClaim" (
    "id" UUID NOT NULL,
    "shiftId" UUID NOT NULL,
    "volunteerId" UUID NOT NULL,
    "status" "ClaimStatus" NOT NULL,
    "waitlistSeq" INTEGER,
    "claimedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "confirmedAt" TIMESTAMP(3),
    "cancelledAt" TIMESTAMP(3),
    "assignedById" UUID,
    "checkedInAt" TIMESTAMP(3),
    "checkInMethod" "CheckInMethod",
    "checkInLat" DOUBLE PRECISION,
    "checkInLng" DOUBLE PRECISION,
    "checkInFlagged" BOOLEAN NOT NULL DEFAULT false,
    "checkedOutAt" TIMESTAMP(3),
    "minutesServed" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "ShiftClaim_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PatrolEvent" (
    "id" BIGSERIAL NOT NULL,
    "stationId" UUID NOT NULL,
    "teamId" UUID NOT NULL,
    "shiftId" UUID NOT NULL,
    "claimId" UUID NOT NULL,
    "kind" "PatrolEventKind" NOT NULL,
    "at" TIMESTAMP(3) NOT NULL,
    "method" "CheckInMethod",
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "flagged" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PatrolEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Shift_stationId_startsAt_idx" ON "Shift"("stationId", "startsAt");

-- CreateIndex
CREATE INDEX "Shift_teamId_startsAt_idx" ON "Shift"("teamId", "startsAt");

-- CreateIndex
CREATE INDEX "Shift_seriesId_startsAt_idx" ON "Shift"("seriesId", "startsAt");

-- CreateIndex
CREATE INDEX "Shift_status_endsAt_idx" ON "Shift"("status", "endsAt");

-- CreateIndex
CREATE INDEX "ShiftClaim_volunteerId_status_idx" ON "ShiftClaim"("volunteerId", "status");

-- CreateIndex
CREATE INDEX "ShiftClaim_shiftId_status_idx" ON "ShiftClaim"("shiftId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "ShiftClaim_shiftId_volunteerId_key" ON "ShiftClaim"("shiftId", "volunteerId");

-- CreateIndex
CREATE UNIQUE INDEX "ShiftClaim_shiftId_waitlistSeq_key" ON "ShiftClaim"("shiftId", "waitlistSeq");

-- CreateIndex
CREATE INDEX "PatrolEvent_stationId_id_idx" ON "PatrolEvent"("stationId", "id");

-- AddForeignKey
ALTER TABLE "Shift" ADD CONSTRAINT "Shift_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shift" ADD CONSTRAINT "Shift_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shift" ADD CONSTRAINT "Shift_squadId_fkey" FOREIGN KEY ("squadId") REFERENCES "Squad"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shift" ADD CONSTRAINT "Shift_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "ShiftSeries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Shift" ADD CONSTRAINT "Shift_gridId_fkey" FOREIGN KEY ("gridId") REFERENCES "Grid"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShiftClaim" ADD CONSTRAINT "ShiftClaim_shiftId_fkey" FOREIGN KEY ("shiftId") REFERENCES "Shift"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ShiftClaim" ADD CONSTRAINT "ShiftClaim_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolEvent" ADD CONSTRAINT "PatrolEvent_shiftId_fkey" FOREIGN KEY ("shiftId") REFERENCES "Shift"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolEvent" ADD CONSTRAINT "PatrolEvent_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "ShiftClaim"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Seat invariants held by the database itself, whatever process writes (Prisma cannot express CHECK).
ALTER TABLE "Shift" ADD CONSTRAINT "Shift_seats_check"
  CHECK ("capacity" > 0 AND "confirmedCount" >= 0 AND "confirmedCount" <= "capacity" AND "waitlistCount" >= 0);
ALTER TABLE "Shift" ADD CONSTRAINT "Shift_time_check" CHECK ("endsAt" > "startsAt");
