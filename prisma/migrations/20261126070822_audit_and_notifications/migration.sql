-- CreateEnum
CREATE TYPE "NotificationKind" AS ENUM ('WAITLIST_PROMOTED', 'SHIFT_REMINDER', 'SHIFT_CANCELLED', 'SHIFT_CHANGED', 'SHIFT_ASSIGNED', 'SHIFT_REMOVED', 'GOOD_DEED_APPROVED', 'GOOD_DEED_REJECTED', 'BOARD_PUBLISHED', 'BULLETIN', 'MOBILIZATION', 'AGREEMENT_TO_SIGN', 'MEMBERSHIP_APPROVED', 'MEMBERSHIP_REJECTED', 'ENROLLMENT', 'PATROL_REPORT_UPDATED', 'HOME_WATCH_PROBLEM', 'OTHER');

-- CreateTable
CREATE TABLE "AuditEntry" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "actorId" UUID,
    "stationId" UUID,
    "action" TEXT NOT NULL,
    "targetType" TEXT,
    "targetId" TEXT,
    "summary" TEXT NOT NULL DEFAULT '',
    "clientAddress" TEXT,

    CONSTRAINT "AuditEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Notification" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "stationId" UUID,
    "kind" "NotificationKind" NOT NULL,
    "title" TEXT NOT NULL,
    "body" TEXT NOT NULL DEFAULT '',
    "link" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "readAt" TIMESTAMP(3),

    CONSTRAINT "Notification_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "AuditEntry_stationId_at_idx" ON "AuditEntry"("stationId", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_action_at_idx" ON "AuditEntry"("action", "at");

-- CreateIndex
CREATE INDEX "AuditEntry_actorId_at_idx" ON "AuditEntry"("actorId", "at");

-- CreateIndex
CREATE INDEX "Notification_accountId_createdAt_idx" ON "Notification"("accountId", "createdAt");

-- CreateIndex
CREATE INDEX "Notification_accountId_readAt_idx" ON "Notification"("accountId", "readAt");
