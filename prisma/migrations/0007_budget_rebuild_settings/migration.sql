-- AlterTable
ALTER TABLE "RoutingSettings" ADD COLUMN     "circuitFailureThreshold" INTEGER NOT NULL DEFAULT 5,
ADD COLUMN     "circuitOpenMs" INTEGER NOT NULL DEFAULT 30000,
ADD COLUMN     "maxRetries" INTEGER NOT NULL DEFAULT 2;


-- CreateIndex
CREATE INDEX "UsageHourly_gatewayKeyId_hour_idx" ON "UsageHourly"("gatewayKeyId", "hour");

