-- CreateIndex
CREATE INDEX "ShiftClaim_checkedInAt_idx" ON "ShiftClaim"("checkedInAt");
