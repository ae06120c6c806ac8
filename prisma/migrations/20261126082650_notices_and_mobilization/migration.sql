/*
  Warnings:

  - The primary key for the `Notification` table will be changed. If it partially fails, the table could be left without primary key constraint.
  - The `id` column on the `Notification` table would be dropped and recreated. This will lead to data loss if there is data in the column.

*/
-- CreateEnum
CREATE TYPE "SmsStatus" AS ENUM ('PENDING', 'SENDING', 'SENT', 'FAILED', 'OVER_BUDGET');

-- CreateEnum
CREATE TYPE "BulletinCategory" AS ENUM ('CASE_ALERT', 'FRAUD_WARNING', 'WEATHER', 'TRAFFIC', 'EVENT', 'NOTICE');

-- CreateEnum
CREATE TYPE "MobilizationStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "MobilizationOutcome" AS ENUM ('RESOLVED', 'STOOD_DOWN', 'CANCELLED');

-- CreateEnum
CREATE TYPE "MobilizationResponse" AS ENUM ('ACCEPTED', 'PENDING', 'DECLINED');

-- AlterEnum
ALTER TYPE "NotificationKind" ADD VALUE 'MOBILIZATION_CLOSED';

-- AlterEnum
ALTER TYPE "PointsReason" ADD VALUE 'MOBILIZATION';

-- DropIndex
DROP INDEX "Notification_accountId_createdAt_idx";

-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "calendarFeedVersion" INTEGER NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "Notification" DROP CONSTRAINT "Notification_pkey",
ADD COLUMN     "silent" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "subjectId" UUID,
ADD COLUMN     "subjectType" TEXT,
ADD COLUMN     "xid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint,
DROP COLUMN "id",
ADD COLUMN     "id" BIGSERIAL NOT NULL,
ADD CONSTRAINT "Notification_pkey" PRIMARY KEY ("id");

-- AlterTable
ALTER TABLE "ShiftClaim" ADD COLUMN     "reminderSentAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Station" ADD COLUMN     "leadersMayMobilize" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "reminderHoursBefore" INTEGER NOT NULL DEFAULT 2,
ADD COLUMN     "smsDailyBudget" INTEGER NOT NULL DEFAULT 500;

-- AlterTable
ALTER TABLE "Volunteer" ADD COLUMN     "homeGridId" UUID;

-- CreateTable
CREATE TABLE "NotificationSettings" (
    "accountId" UUID NOT NULL,
    "inAppOff" "NotificationKind"[],
    "smsOn" "NotificationKind"[],
    "quietFrom" INTEGER,
    "quietUntil" INTEGER,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "NotificationSettings_pkey" PRIMARY KEY ("accountId")
);

-- CreateTable
CREATE TABLE "SmsMessage" (
    "id" BIGSERIAL NOT NULL,
    "notificationId" BIGINT NOT NULL,
    "accountId" UUID NOT NULL,
    "stationId" UUID,
    "kind" "NotificationKind" NOT NULL,
    "urgent" BOOLEAN NOT NULL DEFAULT false,
    "status" "SmsStatus" NOT NULL DEFAULT 'PENDING',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "nextAttemptAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "leaseUntil" TIMESTAMP(3),
    "lastError" TEXT,
    "providerId" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMP(3),

    CONSTRAINT "SmsMessage_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SmsBudgetDay" (
    "stationId" UUID NOT NULL,
    "day" TEXT NOT NULL,
    "used" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "SmsBudgetDay_pkey" PRIMARY KEY ("stationId","day")
);

-- CreateTable
CREATE TABLE "Bulletin" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "category" "BulletinCategory" NOT NULL,
    "public" BOOLEAN NOT NULL DEFAULT false,
    "wholeStation" BOOLEAN NOT NULL DEFAULT false,
    "teamIds" UUID[],
    "squadIds" UUID[],
    "communityIds" UUID[],
    "partnerIds" UUID[],
    "recipientCount" INTEGER NOT NULL DEFAULT 0,
    "publishedById" UUID NOT NULL,
    "publishedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Bulletin_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Mobilization" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "reason" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "place" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION NOT NULL,
    "longitude" DOUBLE PRECISION NOT NULL,
    "specialties" "Specialty"[],
    "squadIds" UUID[],
    "radiusMeters" INTEGER NOT NULL,
    "wanted" INTEGER NOT NULL,
    "escalateAfterMinutes" INTEGER NOT NULL,
    "status" "MobilizationStatus" NOT NULL DEFAULT 'OPEN',
    "wave" INTEGER NOT NULL DEFAULT 1,
    "escalateAt" TIMESTAMP(3),
    "outcome" "MobilizationOutcome",
    "closeNote" TEXT,
    "startedById" UUID NOT NULL,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "closedById" UUID,

    CONSTRAINT "Mobilization_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MobilizationWave" (
    "id" UUID NOT NULL,
    "mobilizationId" UUID NOT NULL,
    "number" INTEGER NOT NULL,
    "radiusMeters" INTEGER,
    "calledCount" INTEGER NOT NULL,
    "calledAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "trigger" TEXT NOT NULL,

    CONSTRAINT "MobilizationWave_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MobilizationResponder" (
    "id" UUID NOT NULL,
    "mobilizationId" UUID NOT NULL,
    "volunteerId" UUID NOT NULL,
    "wave" INTEGER NOT NULL,
    "distanceMeters" INTEGER,
    "response" "MobilizationResponse" NOT NULL DEFAULT 'PENDING',
    "etaMinutes" INTEGER,
    "respondedAt" TIMESTAMP(3),
    "minutesServed" INTEGER,
    "notifiedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MobilizationResponder_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MobilizationEvent" (
    "id" BIGSERIAL NOT NULL,
    "xid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint,
    "mobilizationId" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MobilizationEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "SmsMessage_notificationId_key" ON "SmsMessage"("notificationId");

-- CreateIndex
CREATE INDEX "SmsMessage_status_nextAttemptAt_idx" ON "SmsMessage"("status", "nextAttemptAt");

-- CreateIndex
CREATE INDEX "SmsMessage_stationId_sentAt_idx" ON "SmsMessage"("stationId", "sentAt");

-- CreateIndex
CREATE INDEX "Bulletin_stationId_publishedAt_idx" ON "Bulletin"("stationId", "publishedAt");

-- CreateIndex
CREATE INDEX "Bulletin_public_stationId_publishedAt_idx" ON "Bulletin"("public", "stationId", "publishedAt");

-- CreateIndex
CREATE INDEX "Mobilization_stationId_startedAt_idx" ON "Mobilization"("stationId", "startedAt");

-- CreateIndex
CREATE INDEX "Mobilization_status_escalateAt_idx" ON "Mobilization"("status", "escalateAt");

-- CreateIndex
CREATE UNIQUE INDEX "MobilizationWave_mobilizationId_number_key" ON "MobilizationWave"("mobilizationId", "number");

-- CreateIndex
CREATE INDEX "MobilizationResponder_volunteerId_notifiedAt_idx" ON "MobilizationResponder"("volunteerId", "notifiedAt");

-- CreateIndex
CREATE INDEX "MobilizationResponder_mobilizationId_response_idx" ON "MobilizationResponder"("mobilizationId", "response");

-- CreateIndex
CREATE UNIQUE INDEX "MobilizationResponder_mobilizationId_volunteerId_key" ON "MobilizationResponder"("mobilizationId", "volunteerId");

-- CreateIndex
CREATE INDEX "MobilizationEvent_mobilizationId_xid_id_idx" ON "MobilizationEvent"("mobilizationId", "xid", "id");

-- CreateIndex
CREATE INDEX "MobilizationEvent_xid_id_idx" ON "MobilizationEvent"("xid", "id");

-- CreateIndex
CREATE INDEX "Notification_accountId_id_idx" ON "Notification"("accountId", "id");

-- CreateIndex
CREATE INDEX "Notification_accountId_xid_id_idx" ON "Notification"("accountId", "xid", "id");

-- CreateIndex
CREATE INDEX "Notification_xid_id_idx" ON "Notification"("xid", "id");

-- CreateIndex
CREATE INDEX "Notification_subjectId_idx" ON "Notification"("subjectId");

-- CreateIndex
CREATE INDEX "Volunteer_homeGridId_idx" ON "Volunteer"("homeGridId");

-- AddForeignKey
ALTER TABLE "Volunteer" ADD CONSTRAINT "Volunteer_homeGridId_fkey" FOREIGN KEY ("homeGridId") REFERENCES "Grid"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Notification" ADD CONSTRAINT "Notification_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "NotificationSettings" ADD CONSTRAINT "NotificationSettings_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SmsMessage" ADD CONSTRAINT "SmsMessage_notificationId_fkey" FOREIGN KEY ("notificationId") REFERENCES "Notification"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Bulletin" ADD CONSTRAINT "Bulletin_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mobilization" ADD CONSTRAINT "Mobilization_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MobilizationWave" ADD CONSTRAINT "MobilizationWave_mobilizationId_fkey" FOREIGN KEY ("mobilizationId") REFERENCES "Mobilization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MobilizationResponder" ADD CONSTRAINT "MobilizationResponder_mobilizationId_fkey" FOREIGN KEY ("mobilizationId") REFERENCES "Mobilization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MobilizationResponder" ADD CONSTRAINT "MobilizationResponder_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MobilizationEvent" ADD CONSTRAINT "MobilizationEvent_mobilizationId_fkey" FOREIGN KEY ("mobilizationId") REFERENCES "Mobilization"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Hand-written: rules the database keeps however the rows are written.
ALTER TABLE "Mobilization" ADD CONSTRAINT "Mobilization_wanted_check" CHECK ("wanted" >= 1 AND "radiusMeters" >= 100 AND "escalateAfterMinutes" >= 1 AND "wave" >= 1);
ALTER TABLE "MobilizationResponder" ADD CONSTRAINT "MobilizationResponder_eta_check" CHECK ("etaMinutes" IS NULL OR "etaMinutes" BETWEEN 0 AND 1440);
ALTER TABLE "SmsBudgetDay" ADD CONSTRAINT "SmsBudgetDay_used_check" CHECK ("used" >= 0);
ALTER TABLE "Station" ADD CONSTRAINT "Station_notice_settings_check" CHECK ("reminderHoursBefore" BETWEEN 0 AND 72 AND "smsDailyBudget" >= 0);
