-- CreateEnum
CREATE TYPE "PatrolReportCategory" AS ENUM ('FIRE_HAZARD', 'PUBLIC_SECURITY', 'TRAFFIC_HAZARD', 'ENVIRONMENT', 'SUSPICIOUS', 'DISPUTE', 'OTHER');

-- CreateEnum
CREATE TYPE "PatrolReportStatus" AS ENUM ('NEW', 'ASSIGNED', 'RESOLVED', 'REFERRED', 'REJECTED');

-- CreateEnum
CREATE TYPE "PatrolReportEventKind" AS ENUM ('SUBMITTED', 'ASSIGNED', 'RESOLVED', 'REFERRED', 'REJECTED');

-- CreateEnum
CREATE TYPE "PhotoPurpose" AS ENUM ('REPORT', 'RESOLUTION', 'VISIT');

-- CreateEnum
CREATE TYPE "MediationField" AS ENUM ('NEIGHBOUR', 'FAMILY', 'LABOUR', 'PROPERTY', 'CONSUMER', 'TRAFFIC', 'OTHER');

-- CreateEnum
CREATE TYPE "MediationSource" AS ENUM ('RESIDENT', 'PATROL', 'POLICE', 'COMMUNITY', 'OTHER');

-- CreateEnum
CREATE TYPE "MediationStatus" AS ENUM ('OPEN', 'CLOSED');

-- CreateEnum
CREATE TYPE "MediationOutcome" AS ENUM ('SETTLED', 'FAILED', 'JUDICIAL_CONFIRMATION', 'REFERRED');

-- CreateEnum
CREATE TYPE "MediationPartyRole" AS ENUM ('APPLICANT', 'RESPONDENT', 'OTHER');

-- CreateEnum
CREATE TYPE "HomeWatchStatus" AS ENUM ('PENDING', 'APPROVED', 'DECLINED');

-- CreateEnum
CREATE TYPE "HomeWatchResult" AS ENUM ('ALL_FINE', 'PROBLEM');

-- AlterEnum
-- This migration adds more than one value to an enum.
-- With PostgreSQL versions 11 and earlier, this is not possible
-- in a single migration. This can be worked around by creating
-- multiple migrations, each migration adding only one value to
-- the enum.


ALTER TYPE "NotificationKind" ADD VALUE 'PATROL_REPORT_ASSIGNED';
ALTER TYPE "NotificationKind" ADD VALUE 'HOME_WATCH_REQUESTED';
ALTER TYPE "NotificationKind" ADD VALUE 'MEDIATION_ASSIGNED';

-- AlterTable
ALTER TABLE "Shift" ADD COLUMN     "homeWatchRequestId" UUID;

-- CreateTable
CREATE TABLE "PatrolReport" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "gridId" UUID,
    "shiftId" UUID,
    "reporterAccountId" UUID NOT NULL,
    "reporterVolunteerId" UUID,
    "category" "PatrolReportCategory" NOT NULL,
    "description" TEXT NOT NULL,
    "place" TEXT NOT NULL DEFAULT '',
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "status" "PatrolReportStatus" NOT NULL DEFAULT 'NEW',
    "assignedOfficerId" UUID,
    "assignedTeamId" UUID,
    "assignedPartnerId" UUID,
    "assignedAt" TIMESTAMP(3),
    "dueAt" TIMESTAMP(3),
    "closedAt" TIMESTAMP(3),
    "closedById" UUID,
    "resolutionNote" TEXT,
    "referredTo" TEXT,
    "rejectReason" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "PatrolReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PatrolReportEvent" (
    "id" BIGSERIAL NOT NULL,
    "xid" BIGINT NOT NULL DEFAULT ((pg_current_xact_id())::text)::bigint,
    "stationId" UUID NOT NULL,
    "reportId" UUID NOT NULL,
    "kind" "PatrolReportEventKind" NOT NULL,
    "actorId" UUID,
    "note" TEXT NOT NULL DEFAULT '',
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PatrolReportEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Photo" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "thumbKey" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "width" INTEGER NOT NULL,
    "height" INTEGER NOT NULL,
    "bytes" INTEGER NOT NULL,
    "purpose" "PhotoPurpose" NOT NULL,
    "position" INTEGER NOT NULL DEFAULT 0,
    "reportId" UUID,
    "visitId" UUID,
    "uploadedById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Photo_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Mediator" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "volunteerId" UUID,
    "displayName" TEXT NOT NULL,
    "title" TEXT NOT NULL DEFAULT '',
    "years" INTEGER NOT NULL DEFAULT 0,
    "fields" "MediationField"[],
    "bio" TEXT NOT NULL DEFAULT '',
    "active" BOOLEAN NOT NULL DEFAULT true,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Mediator_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MediationCase" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "category" "MediationField" NOT NULL,
    "summary" TEXT NOT NULL,
    "source" "MediationSource" NOT NULL,
    "status" "MediationStatus" NOT NULL DEFAULT 'OPEN',
    "outcome" "MediationOutcome",
    "agreementText" TEXT,
    "referredTo" TEXT,
    "openedById" UUID NOT NULL,
    "openedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "closedAt" TIMESTAMP(3),
    "closedById" UUID,

    CONSTRAINT "MediationCase_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MediationParty" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL DEFAULT '',
    "role" "MediationPartyRole" NOT NULL,
    "position" INTEGER NOT NULL,

    CONSTRAINT "MediationParty_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "MediationCaseMediator" (
    "caseId" UUID NOT NULL,
    "mediatorId" UUID NOT NULL,

    CONSTRAINT "MediationCaseMediator_pkey" PRIMARY KEY ("caseId","mediatorId")
);

-- CreateTable
CREATE TABLE "MediationSession" (
    "id" UUID NOT NULL,
    "caseId" UUID NOT NULL,
    "heldAt" TIMESTAMP(3) NOT NULL,
    "place" TEXT NOT NULL DEFAULT '',
    "notes" TEXT NOT NULL,
    "recordedById" UUID NOT NULL,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "MediationSession_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HomeWatchRequest" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "gridId" UUID,
    "codeHash" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "phone" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "contactWhileAway" TEXT NOT NULL DEFAULT '',
    "notes" TEXT NOT NULL DEFAULT '',
    "awayFrom" TIMESTAMP(3) NOT NULL,
    "awayTo" TIMESTAMP(3) NOT NULL,
    "status" "HomeWatchStatus" NOT NULL DEFAULT 'PENDING',
    "teamId" UUID,
    "weekdays" INTEGER[],
    "declineReason" TEXT,
    "decidedById" UUID,
    "decidedAt" TIMESTAMP(3),
    "erasedAt" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HomeWatchRequest_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HomeWatchVisit" (
    "id" UUID NOT NULL,
    "stationId" UUID NOT NULL,
    "requestId" UUID NOT NULL,
    "shiftId" UUID NOT NULL,
    "volunteerId" UUID,
    "recordedById" UUID NOT NULL,
    "visitedAt" TIMESTAMP(3) NOT NULL,
    "result" "HomeWatchResult" NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "HomeWatchVisit_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "PatrolReport_stationId_status_createdAt_idx" ON "PatrolReport"("stationId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "PatrolReport_reporterAccountId_createdAt_idx" ON "PatrolReport"("reporterAccountId", "createdAt");

-- CreateIndex
CREATE INDEX "PatrolReport_assignedTeamId_status_idx" ON "PatrolReport"("assignedTeamId", "status");

-- CreateIndex
CREATE INDEX "PatrolReport_assignedPartnerId_status_idx" ON "PatrolReport"("assignedPartnerId", "status");

-- CreateIndex
CREATE INDEX "PatrolReportEvent_stationId_xid_id_idx" ON "PatrolReportEvent"("stationId", "xid", "id");

-- CreateIndex
CREATE INDEX "PatrolReportEvent_xid_id_idx" ON "PatrolReportEvent"("xid", "id");

-- CreateIndex
CREATE INDEX "PatrolReportEvent_reportId_id_idx" ON "PatrolReportEvent"("reportId", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Photo_key_key" ON "Photo"("key");

-- CreateIndex
CREATE UNIQUE INDEX "Photo_thumbKey_key" ON "Photo"("thumbKey");

-- CreateIndex
CREATE INDEX "Photo_reportId_position_idx" ON "Photo"("reportId", "position");

-- CreateIndex
CREATE INDEX "Photo_visitId_idx" ON "Photo"("visitId");

-- CreateIndex
CREATE INDEX "Mediator_stationId_active_idx" ON "Mediator"("stationId", "active");

-- CreateIndex
CREATE UNIQUE INDEX "Mediator_stationId_volunteerId_key" ON "Mediator"("stationId", "volunteerId");

-- CreateIndex
CREATE INDEX "MediationCase_stationId_status_openedAt_idx" ON "MediationCase"("stationId", "status", "openedAt");

-- CreateIndex
CREATE INDEX "MediationParty_caseId_position_idx" ON "MediationParty"("caseId", "position");

-- CreateIndex
CREATE INDEX "MediationCaseMediator_mediatorId_idx" ON "MediationCaseMediator"("mediatorId");

-- CreateIndex
CREATE INDEX "MediationSession_caseId_heldAt_idx" ON "MediationSession"("caseId", "heldAt");

-- CreateIndex
CREATE UNIQUE INDEX "HomeWatchRequest_codeHash_key" ON "HomeWatchRequest"("codeHash");

-- CreateIndex
CREATE INDEX "HomeWatchRequest_stationId_status_createdAt_idx" ON "HomeWatchRequest"("stationId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "HomeWatchRequest_awayTo_idx" ON "HomeWatchRequest"("awayTo");

-- CreateIndex
CREATE INDEX "HomeWatchVisit_requestId_visitedAt_idx" ON "HomeWatchVisit"("requestId", "visitedAt");

-- CreateIndex
CREATE INDEX "HomeWatchVisit_shiftId_idx" ON "HomeWatchVisit"("shiftId");

-- CreateIndex
CREATE INDEX "Shift_homeWatchRequestId_startsAt_idx" ON "Shift"("homeWatchRequestId", "startsAt");

-- AddForeignKey
ALTER TABLE "Shift" ADD CONSTRAINT "Shift_homeWatchRequestId_fkey" FOREIGN KEY ("homeWatchRequestId") REFERENCES "HomeWatchRequest"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolReport" ADD CONSTRAINT "PatrolReport_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolReport" ADD CONSTRAINT "PatrolReport_gridId_fkey" FOREIGN KEY ("gridId") REFERENCES "Grid"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolReport" ADD CONSTRAINT "PatrolReport_shiftId_fkey" FOREIGN KEY ("shiftId") REFERENCES "Shift"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolReport" ADD CONSTRAINT "PatrolReport_reporterVolunteerId_fkey" FOREIGN KEY ("reporterVolunteerId") REFERENCES "Volunteer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolReport" ADD CONSTRAINT "PatrolReport_assignedTeamId_fkey" FOREIGN KEY ("assignedTeamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolReport" ADD CONSTRAINT "PatrolReport_assignedPartnerId_fkey" FOREIGN KEY ("assignedPartnerId") REFERENCES "Partner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PatrolReportEvent" ADD CONSTRAINT "PatrolReportEvent_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "PatrolReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Photo" ADD CONSTRAINT "Photo_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "PatrolReport"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Photo" ADD CONSTRAINT "Photo_visitId_fkey" FOREIGN KEY ("visitId") REFERENCES "HomeWatchVisit"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mediator" ADD CONSTRAINT "Mediator_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Mediator" ADD CONSTRAINT "Mediator_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MediationCase" ADD CONSTRAINT "MediationCase_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MediationParty" ADD CONSTRAINT "MediationParty_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "MediationCase"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MediationCaseMediator" ADD CONSTRAINT "MediationCaseMediator_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "MediationCase"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MediationCaseMediator" ADD CONSTRAINT "MediationCaseMediator_mediatorId_fkey" FOREIGN KEY ("mediatorId") REFERENCES "Mediator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "MediationSession" ADD CONSTRAINT "MediationSession_caseId_fkey" FOREIGN KEY ("caseId") REFERENCES "MediationCase"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeWatchRequest" ADD CONSTRAINT "HomeWatchRequest_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeWatchRequest" ADD CONSTRAINT "HomeWatchRequest_gridId_fkey" FOREIGN KEY ("gridId") REFERENCES "Grid"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeWatchRequest" ADD CONSTRAINT "HomeWatchRequest_teamId_fkey" FOREIGN KEY ("teamId") REFERENCES "Team"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeWatchVisit" ADD CONSTRAINT "HomeWatchVisit_requestId_fkey" FOREIGN KEY ("requestId") REFERENCES "HomeWatchRequest"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeWatchVisit" ADD CONSTRAINT "HomeWatchVisit_shiftId_fkey" FOREIGN KEY ("shiftId") REFERENCES "Shift"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "HomeWatchVisit" ADD CONSTRAINT "HomeWatchVisit_volunteerId_fkey" FOREIGN KEY ("volunteerId") REFERENCES "Volunteer"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Casework invariants held by the database itself (Prisma cannot express CHECK).
ALTER TABLE "PatrolReport" ADD CONSTRAINT "PatrolReport_one_assignee_check"
  CHECK (num_nonnulls("assignedOfficerId", "assignedTeamId", "assignedPartnerId") <= 1);
ALTER TABLE "PatrolReport" ADD CONSTRAINT "PatrolReport_closed_check"
  CHECK (("status" IN ('NEW', 'ASSIGNED')) = ("closedAt" IS NULL));
ALTER TABLE "PatrolReport" ADD CONSTRAINT "PatrolReport_outcome_check"
  CHECK (("status" <> 'REFERRED' OR "referredTo" IS NOT NULL) AND ("status" <> 'REJECTED' OR "rejectReason" IS NOT NULL) AND ("status" <> 'RESOLVED' OR "resolutionNote" IS NOT NULL));
ALTER TABLE "MediationCase" ADD CONSTRAINT "MediationCase_closed_check"
  CHECK (("status" = 'CLOSED') = ("outcome" IS NOT NULL) AND ("status" = 'CLOSED') = ("closedAt" IS NOT NULL));
ALTER TABLE "MediationCase" ADD CONSTRAINT "MediationCase_outcome_check"
  CHECK (("outcome" IS NULL OR "outcome" NOT IN ('SETTLED', 'JUDICIAL_CONFIRMATION') OR "agreementText" IS NOT NULL) AND ("outcome" IS NULL OR "outcome" <> 'REFERRED' OR "referredTo" IS NOT NULL));
ALTER TABLE "Mediator" ADD CONSTRAINT "Mediator_years_check" CHECK ("years" >= 0 AND "years" <= 80);
ALTER TABLE "HomeWatchRequest" ADD CONSTRAINT "HomeWatchRequest_dates_check" CHECK ("awayTo" > "awayFrom");
