-- DropIndex
DROP INDEX "Notification_subjectId_idx";

-- AlterTable
ALTER TABLE "Mobilization" ADD COLUMN     "notifying" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE INDEX "Notification_subjectId_accountId_idx" ON "Notification"("subjectId", "accountId");
