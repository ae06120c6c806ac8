ALTER TABLE "RoleOffer" ADD COLUMN "displayName" TEXT
