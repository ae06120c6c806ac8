-- Keyset cursors (api/src/graphql/list-cursor.ts): the order of each list made a unique index so that
-- the Pothos cursor carries the sort values. Each ends with the primary key: none fails on existing rows.
-- (No apostrophes in these comments: the migration runner splits statements on them.)
-- DropIndex
DROP INDEX "MediationCase_stationId_status_openedAt_idx";

-- DropIndex
DROP INDEX "Shift_stationId_startsAt_idx";

-- AlterTable
ALTER TABLE "TeamMembership" ADD COLUMN     "appliedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- For a pending application joinedAt is when it was made (again), for other rows the time in the
-- uuid v7 id (when the row was first made), else joinedAt.
UPDATE "TeamMembership" SET "appliedAt" = CASE
  WHEN status = 'PENDING' OR substr(id::text, 15, 1) <> '7' THEN "joinedAt"
  ELSE to_timestamp(('x' || lpad(replace(left(id::text, 13), '-', ''), 16, '0'))::bit(64)::bigint / 1000.0) AT TIME ZONE 'UTC'
END;

-- CreateIndex
CREATE UNIQUE INDEX "MediationCase_stationId_status_openedAt_id_key" ON "MediationCase"("stationId", "status", "openedAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "Shift_stationId_startsAt_id_key" ON "Shift"("stationId", "startsAt", "id");

-- CreateIndex
CREATE UNIQUE INDEX "TeamMembership_status_appliedAt_id_key" ON "TeamMembership"("status", "appliedAt", "id");
