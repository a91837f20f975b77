-- DropIndex
DROP INDEX "UsageRecord_orgId_createdAt_idx";

-- DropIndex
DROP INDEX "UsageRecord_appId_createdAt_idx";

-- DropIndex
DROP INDEX "UsageRecord_providerId_createdAt_idx";

-- DropIndex
DROP INDEX "UsageRecord_modelId_createdAt_idx";

-- DropIndex
DROP INDEX "UsageRecord_status_createdAt_idx";

-- DropIndex
DROP INDEX "UsageRecord_requestId_idx";

