-- The composer's key of a call-up and of a bulletin: a resend after a lost answer tells nobody twice.
ALTER TABLE "Mobilization" ADD COLUMN "requestId" TEXT;
ALTER TABLE "Bulletin" ADD COLUMN "requestId" TEXT;
CREATE UNIQUE INDEX "Mobilization_startedById_requestId_key" ON "Mobilization"("startedById", "requestId");
CREATE UNIQUE INDEX "Bulletin_publishedById_requestId_key" ON "Bulletin"("publishedById", "requestId");
