/*
  Warnings:

  - A unique constraint covering the columns `[requestKey]` on the table `Redemption` will be added. If there are existing duplicate values, this will fail.

*/
-- AlterTable
ALTER TABLE "Redemption" ADD COLUMN     "requestKey" TEXT;

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_requestKey_key" ON "Redemption"("requestKey");
