-- submitPatrolReport takes the app's key for one report: a repeat (an answer lost on a weak signal, a double
-- tap) answers the first report instead of making another.
-- AlterTable
ALTER TABLE "PatrolReport" ADD COLUMN     "requestId" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "PatrolReport_reporterAccountId_requestId_key" ON "PatrolReport"("reporterAccountId", "requestId");
