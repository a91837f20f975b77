-- A logged request is read back by its id (Re-trace, the rules tester, a feedback score): without an index each
-- lookup walked the raw table from its newest row, so an old or unknown id read every row (migration 0005 had
-- dropped the index when nothing looked requests up by id). The gateway's ids are UUIDv7 (time-ordered) from this
-- release, so its inserts append at the index's right edge. On a large table the build holds other instances'
-- usage writes until it ends (they wait in their queues; nothing is lost).
CREATE INDEX "UsageRecord_requestId_idx" ON "UsageRecord"("requestId");
