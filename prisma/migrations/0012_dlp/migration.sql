-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "dlp" JSON;

-- CreateTable
CREATE TABLE "DlpPolicy" (
    "id" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeId" TEXT,
    "orgId" TEXT,
    "appId" TEXT,
    "enabled" BOOLEAN NOT NULL DEFAULT false,
    "rules" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,
    CONSTRAINT "DlpPolicy_pkey" PRIMARY KEY ("id")
);
-- CreateTable
CREATE TABLE "DlpEvent" (
    "id" BIGSERIAL NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requestId" TEXT NOT NULL,
    "scope" TEXT NOT NULL,
    "scopeId" TEXT,
    "orgId" TEXT,
    "appId" TEXT,
    "userId" TEXT,
    "gatewayKeyId" TEXT,
    "action" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "rule" TEXT NOT NULL,
    "matches" INTEGER NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "detail" TEXT NOT NULL,
    CONSTRAINT "DlpEvent_pkey" PRIMARY KEY ("id")
);
-- CreateIndex
-- NULLS NOT DISTINCT: one global policy (scopeId null), like one per org or app.
CREATE UNIQUE INDEX "DlpPolicy_scope_scopeId_key" ON "DlpPolicy"("scope", "scopeId") NULLS NOT DISTINCT;
-- CreateIndex
CREATE INDEX "DlpEvent_createdAt_id_idx" ON "DlpEvent"("createdAt" DESC, "id" DESC);
-- CreateIndex
CREATE INDEX "DlpEvent_orgId_createdAt_idx" ON "DlpEvent"("orgId", "createdAt");
-- CreateIndex
CREATE INDEX "DlpEvent_appId_createdAt_idx" ON "DlpEvent"("appId", "createdAt");
-- AddForeignKey
ALTER TABLE "DlpPolicy" ADD CONSTRAINT "DlpPolicy_orgId_fkey" FOREIGN KEY ("orgId") REFERENCES "Organization"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- AddForeignKey
ALTER TABLE "DlpPolicy" ADD CONSTRAINT "DlpPolicy_appId_fkey" FOREIGN KEY ("appId") REFERENCES "App"("id") ON DELETE CASCADE ON UPDATE CASCADE;
