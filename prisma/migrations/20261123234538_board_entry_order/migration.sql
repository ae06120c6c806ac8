-- CreateIndex
CREATE INDEX "BoardEntry_editionId_position_id_idx" ON "BoardEntry"("editionId", "position", "id");
