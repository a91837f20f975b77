-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "responseId" TEXT;

-- A Responses turn continuing a stored conversation (previous_response_id) reserves that conversation as the provider
-- counted it, on whichever instance it lands: the answer's usage record is found by its response id. Partial like
-- the logs' filter indexes (migration 0028; not expressible in the Prisma schema): only Responses answers carry an
-- id, so every other insert adds no entry. Adding a nullable column rewrites nothing; on a large table the build holds
-- other instances' usage writes until it ends (they wait in their queues; nothing is lost).
CREATE INDEX "UsageRecord_responseId_idx" ON "UsageRecord"("responseId") WHERE "responseId" IS NOT NULL;
