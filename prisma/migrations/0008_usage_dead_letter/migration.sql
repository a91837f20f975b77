-- CreateTable
CREATE TABLE "UsageDeadLetter" (
    "id" BIGSERIAL NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "requestId" TEXT,
    "error" TEXT NOT NULL,
    "payload" TEXT NOT NULL,

    CONSTRAINT "UsageDeadLetter_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageDeadLetter_createdAt_idx" ON "UsageDeadLetter"("createdAt");

