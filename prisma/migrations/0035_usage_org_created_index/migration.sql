-- An organization's what-if replay and savings advice read its answered requests in a time range ("orgId" = $n AND
-- "createdAt" in [from, to)): without an index on both they walked every organization's rows of the range. Partial
-- like the logs' filter indexes (migration 0028; not expressible in the Prisma schema): a read by organization is an
-- equality, so it never needs the rows without one, and an insert without an organization adds no entry. On a large
-- table the build holds other instances' usage writes until it ends (they wait in their queues; nothing is lost).
CREATE INDEX "UsageRecord_orgId_createdAt_idx" ON "UsageRecord"("orgId", "createdAt") WHERE "orgId" IS NOT NULL;
