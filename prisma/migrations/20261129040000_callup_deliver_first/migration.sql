-- Deliver first, write after: a call-up's wave is announced to every process as one stored row
-- (NotificationWave, in the notification stream's order), and each person's Notification row is
-- written afterwards at the position reserved for it (the wave's xid, an id reserved in the wave's
-- transaction), so a cursor means the same before and after the row exists.
ALTER TABLE "MobilizationCallQueue" ADD COLUMN "xid" BIGINT NOT NULL DEFAULT (pg_current_xact_id())::text::bigint;
ALTER TABLE "MobilizationCallQueue" ADD COLUMN "accountIds" UUID[] NOT NULL DEFAULT '{}';
ALTER TABLE "MobilizationCallQueue" ADD COLUMN "noticeIds" BIGINT[] NOT NULL DEFAULT '{}';

CREATE TABLE "NotificationWave" (
    -- Taken from "Notification_id_seq" by the writer (one order with the notifications).
    "id" BIGINT NOT NULL,
    "xid" BIGINT NOT NULL DEFAULT (pg_current_xact_id())::text::bigint,
    "mobilizationId" UUID NOT NULL,
    "stationId" UUID,
    "kind" "NotificationKind" NOT NULL,
    "title" TEXT NOT NULL,
    "link" TEXT,
    "subjectType" TEXT,
    "subjectId" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL,
    "accountIds" UUID[] NOT NULL,
    "noticeIds" BIGINT[] NOT NULL,
    "bodies" TEXT[] NOT NULL,
    CONSTRAINT "NotificationWave_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "NotificationWave_xid_id_idx" ON "NotificationWave"("xid", "id");
CREATE INDEX "NotificationWave_mobilizationId_idx" ON "NotificationWave"("mobilizationId");
ALTER TABLE "NotificationWave" ADD CONSTRAINT "NotificationWave_mobilizationId_fkey" FOREIGN KEY ("mobilizationId") REFERENCES "Mobilization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
