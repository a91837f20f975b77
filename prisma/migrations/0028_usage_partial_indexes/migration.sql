-- The logs' keyset indexes on UsageRecord become partial: a filter by user, key, tool or session is an equality, so
-- it never reads the rows without one, and an insert without one (the master key; a client no tool was recognised
-- in; a request without a session) adds no entry to them. Every proxied request inserts a row: each index it skips
-- is PostgreSQL work saved on the hot path. (Partial indexes are not expressible in the Prisma schema.)
DROP INDEX "UsageRecord_userId_id_idx";
CREATE INDEX "UsageRecord_userId_id_idx" ON "UsageRecord"("userId", "id") WHERE "userId" IS NOT NULL;

DROP INDEX "UsageRecord_gatewayKeyId_id_idx";
CREATE INDEX "UsageRecord_gatewayKeyId_id_idx" ON "UsageRecord"("gatewayKeyId", "id") WHERE "gatewayKeyId" IS NOT NULL;

DROP INDEX "UsageRecord_clientTool_id_idx";
CREATE INDEX "UsageRecord_clientTool_id_idx" ON "UsageRecord"("clientTool", "id") WHERE "clientTool" IS NOT NULL;

DROP INDEX "UsageRecord_sessionId_id_idx";
CREATE INDEX "UsageRecord_sessionId_id_idx" ON "UsageRecord"("sessionId", "id") WHERE "sessionId" IS NOT NULL;
