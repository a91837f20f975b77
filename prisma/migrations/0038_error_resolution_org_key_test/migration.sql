-- Error reports an operator resolves (the errors page filters and counts the open ones): when and by whom, and an index
-- for the open ones newest first. An organization's provider key keeps its last test's error beside lastTestedAt. The
-- free-form "Setting" table was never read or written: dropped.
-- AlterTable
ALTER TABLE "OrgProviderKey" ADD COLUMN     "lastError" TEXT;

-- AlterTable
ALTER TABLE "ErrorReport" ADD COLUMN     "resolvedAt" TIMESTAMPTZ(3),
ADD COLUMN     "resolvedById" TEXT;

-- DropTable
DROP TABLE "Setting";

-- CreateIndex
CREATE INDEX "ErrorReport_resolved_createdAt_idx" ON "ErrorReport"("resolved", "createdAt");

