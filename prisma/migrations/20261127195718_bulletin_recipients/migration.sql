-- CreateTable
CREATE TABLE "BulletinRecipient" (
    "id" UUID NOT NULL,
    "bulletinId" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "teamIds" UUID[],
    "partnerIds" UUID[],
    "adminOfPartnerId" UUID,

    CONSTRAINT "BulletinRecipient_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BulletinRecipient_accountId_idx" ON "BulletinRecipient"("accountId");

-- CreateIndex
CREATE INDEX "BulletinRecipient_adminOfPartnerId_idx" ON "BulletinRecipient"("adminOfPartnerId");

-- CreateIndex
CREATE UNIQUE INDEX "BulletinRecipient_bulletinId_accountId_key" ON "BulletinRecipient"("bulletinId", "accountId");

-- AddForeignKey
ALTER TABLE "BulletinRecipient" ADD CONSTRAINT "BulletinRecipient_bulletinId_fkey" FOREIGN KEY ("bulletinId") REFERENCES "Bulletin"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BulletinRecipient" ADD CONSTRAINT "BulletinRecipient_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BulletinRecipient" ADD CONSTRAINT "BulletinRecipient_adminOfPartnerId_fkey" FOREIGN KEY ("adminOfPartnerId") REFERENCES "Partner"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Bulletins published before: their recipients are the accounts told (their notifications), grouped by
-- the teams and partners they have now, the nearest record there is
INSERT INTO "BulletinRecipient" (id, "bulletinId", "accountId", "teamIds", "partnerIds", "adminOfPartnerId")
SELECT linshe_uuid7(), b.id, a.id,
  ARRAY(SELECT tm."teamId" FROM "TeamMembership" tm JOIN "Team" t ON t.id = tm."teamId"
        WHERE tm."volunteerId" = a."volunteerId" AND tm.status = 'ACTIVE' AND t."stationId" = b."stationId" ORDER BY tm."teamId"),
  ARRAY(SELECT p.id FROM "Partner" p WHERE p."stationId" = b."stationId"
          AND (p.id = (SELECT v."partnerId" FROM "Volunteer" v WHERE v.id = a."volunteerId")
            OR (p.id = ANY(b."partnerIds") AND EXISTS (SELECT 1 FROM "AccountRole" r WHERE r."accountId" = a.id AND r.role = 'PARTNER_ADMIN' AND r."partnerId" = p.id)))
        ORDER BY p.id),
  (SELECT r."partnerId" FROM "AccountRole" r WHERE r."accountId" = a.id AND r.role = 'PARTNER_ADMIN' AND r."partnerId" = ANY(b."partnerIds") ORDER BY r."partnerId" LIMIT 1)
FROM (SELECT DISTINCT "subjectId", "accountId" FROM "Notification" WHERE kind = 'BULLETIN' AND "subjectId" IS NOT NULL) n
JOIN "Bulletin" b ON b.id = n."subjectId"
JOIN "Account" a ON a.id = n."accountId";
