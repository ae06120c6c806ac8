-- AlterTable
ALTER TABLE "Enrollment" ADD COLUMN     "closedAt" TIMESTAMP(3),
ADD COLUMN     "erasedAt" TIMESTAMP(3);

-- Withdrawn or declined before this column: closed no later than made
UPDATE "Enrollment" SET "closedAt" = "createdAt" WHERE status = 'CANCELLED';

-- An accepted registration's ID number lives on in the volunteer's own record only
UPDATE "Enrollment" SET "idNumber" = NULL WHERE status = 'ACCEPTED' AND "idNumber" IS NOT NULL;
