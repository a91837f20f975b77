-- AlterTable
ALTER TABLE "Alias" ADD COLUMN     "cacheTtlSeconds" INTEGER;

-- AlterTable
ALTER TABLE "GatewayKey" ADD COLUMN     "cacheTtlSeconds" INTEGER;

-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "cacheHit" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "cacheSavedUsd" DECIMAL(20,10) NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageHourly" ADD COLUMN     "cacheHits" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cacheSavedUsd" DECIMAL(20,10) NOT NULL DEFAULT 0;

-- AlterTable
ALTER TABLE "UsageDaily" ADD COLUMN     "cacheHits" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "cacheSavedUsd" DECIMAL(20,10) NOT NULL DEFAULT 0;

-- CreateTable
CREATE TABLE "ResponseCacheEntry" (
    "key" TEXT NOT NULL,
    "orgId" TEXT,
    "target" TEXT NOT NULL,
    "body" BYTEA NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "hits" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ResponseCacheEntry_pkey" PRIMARY KEY ("key")
);

-- CreateIndex
CREATE INDEX "ResponseCacheEntry_expiresAt_idx" ON "ResponseCacheEntry"("expiresAt");

-- CreateIndex
CREATE INDEX "ResponseCacheEntry_createdAt_idx" ON "ResponseCacheEntry"("createdAt");


-- A cache time-to-live is a positive number of seconds (null = off).
ALTER TABLE "Alias" ADD CONSTRAINT "Alias_cacheTtlSeconds_check" CHECK ("cacheTtlSeconds" IS NULL OR "cacheTtlSeconds" > 0);
ALTER TABLE "GatewayKey" ADD CONSTRAINT "GatewayKey_cacheTtlSeconds_check" CHECK ("cacheTtlSeconds" IS NULL OR "cacheTtlSeconds" > 0);
