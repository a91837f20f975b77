-- Logs filtered by user or key are keyset-paginated on the id (newest first): (userId, id) and (gatewayKeyId, id)
-- serve that order directly, so the first page reads one page of index however many rows the user has. The
-- (…, createdAt) indexes they replace made PostgreSQL fetch and sort every row of the user (or walk the primary key).
-- Same number of indexes on the raw table, so the insert path costs the same.
-- On a large table this builds two indexes inside the migration's transaction (writes wait meanwhile).

-- CreateIndex
CREATE INDEX "UsageRecord_userId_id_idx" ON "UsageRecord"("userId", "id");

-- CreateIndex
CREATE INDEX "UsageRecord_gatewayKeyId_id_idx" ON "UsageRecord"("gatewayKeyId", "id");

-- DropIndex
DROP INDEX "UsageRecord_userId_createdAt_idx";

-- DropIndex
DROP INDEX "UsageRecord_gatewayKeyId_createdAt_idx";
