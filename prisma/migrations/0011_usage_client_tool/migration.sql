-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "clientApp" TEXT,
ADD COLUMN     "clientTool" TEXT,
ADD COLUMN     "clientVersion" TEXT,
ADD COLUMN     "originator" TEXT,
ADD COLUMN     "sessionId" TEXT,
ADD COLUMN     "userAgent" TEXT;

-- CreateIndex
CREATE INDEX "UsageRecord_clientTool_id_idx" ON "UsageRecord"("clientTool", "id");

-- CreateIndex
CREATE INDEX "UsageRecord_sessionId_id_idx" ON "UsageRecord"("sessionId", "id");

