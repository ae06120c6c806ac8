-- requestHomeWatch and logHomeWatchVisit take the app's key for one change: a repeat (an answer lost on a weak
-- signal, a double tap) answers the first row instead of making another. A request's key is unique per station
-- (the public form has no account), a visit's per account that logged it.
-- AlterTable
ALTER TABLE "HomeWatchRequest" ADD COLUMN     "requestKey" TEXT;

-- AlterTable
ALTER TABLE "HomeWatchVisit" ADD COLUMN     "requestKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "HomeWatchRequest_stationId_requestKey_key" ON "HomeWatchRequest"("stationId", "requestKey");

-- CreateIndex
CREATE UNIQUE INDEX "HomeWatchVisit_recordedById_requestKey_key" ON "HomeWatchVisit"("recordedById", "requestKey");
