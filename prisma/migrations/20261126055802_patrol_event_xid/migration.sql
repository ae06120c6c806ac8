-- DropIndex
DROP INDEX "PatrolEvent_stationId_id_idx";

-- AlterTable
-- Rows written before get the transaction id of this migration: they keep their id order, before every later event.
ALTER TABLE "PatrolEvent" ADD COLUMN     "xid" BIGINT NOT NULL DEFAULT (pg_current_xact_id())::text::bigint;

-- CreateIndex
CREATE INDEX "PatrolEvent_stationId_xid_id_idx" ON "PatrolEvent"("stationId", "xid", "id");

-- CreateIndex
CREATE INDEX "PatrolEvent_xid_id_idx" ON "PatrolEvent"("xid", "id");
