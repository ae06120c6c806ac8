-- CreateTable
CREATE TABLE "RoleOffer" (
    "id" UUID NOT NULL,
    "accountId" UUID NOT NULL,
    "role" "GrantedRole" NOT NULL,
    "regionId" UUID,
    "stationId" UUID,
    "partnerId" UUID,
    "codeHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMP(3) NOT NULL,
    "grantedById" UUID,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RoleOffer_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RoleOffer_accountId_idx" ON "RoleOffer"("accountId");

-- CreateIndex
CREATE INDEX "RoleOffer_stationId_idx" ON "RoleOffer"("stationId");

-- AddForeignKey
ALTER TABLE "RoleOffer" ADD CONSTRAINT "RoleOffer_accountId_fkey" FOREIGN KEY ("accountId") REFERENCES "Account"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleOffer" ADD CONSTRAINT "RoleOffer_regionId_fkey" FOREIGN KEY ("regionId") REFERENCES "Region"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleOffer" ADD CONSTRAINT "RoleOffer_stationId_fkey" FOREIGN KEY ("stationId") REFERENCES "Station"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RoleOffer" ADD CONSTRAINT "RoleOffer_partnerId_fkey" FOREIGN KEY ("partnerId") REFERENCES "Partner"("id") ON DELETE CASCADE ON UPDATE CASCADE;
