-- AlterTable
ALTER TABLE "Account" ADD COLUMN     "closedAt" TIMESTAMP(3);

-- AlterTable
ALTER TABLE "Volunteer" ADD COLUMN     "closedAt" TIMESTAMP(3);
