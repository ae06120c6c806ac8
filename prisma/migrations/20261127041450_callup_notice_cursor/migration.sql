-- AlterTable
ALTER TABLE "Mobilization" ADD COLUMN     "noticesTold" INTEGER NOT NULL DEFAULT 0;

-- Call-ups written before the cursor: whoever has a call-up notice was told, and those told are the
-- first in calling order, so their number is where the next batch starts.
UPDATE "Mobilization" m SET "noticesTold" = (
  SELECT count(*) FROM "MobilizationResponder" r JOIN "Account" a ON a."volunteerId" = r."volunteerId"
  WHERE r."mobilizationId" = m.id
    AND EXISTS (SELECT 1 FROM "Notification" n WHERE n."subjectId" = m.id AND n."accountId" = a.id AND n.kind = 'MOBILIZATION')
);
UPDATE "Mobilization" m SET "noticesTold" = (SELECT count(*) FROM "MobilizationResponder" r WHERE r."mobilizationId" = m.id) WHERE NOT m.notifying;
