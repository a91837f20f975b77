-- CreateTable
CREATE TABLE "UsageDaily" (
    "id" BIGSERIAL NOT NULL,
    "day" TIMESTAMPTZ(3) NOT NULL,
    "providerId" TEXT NOT NULL DEFAULT '',
    "modelId" TEXT NOT NULL DEFAULT '',
    "userId" TEXT NOT NULL DEFAULT '',
    "statusClass" TEXT NOT NULL,
    "isByok" BOOLEAN NOT NULL DEFAULT false,
    "requests" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "tokensIn" BIGINT NOT NULL DEFAULT 0,
    "tokensOut" BIGINT NOT NULL DEFAULT 0,
    "tokensCached" BIGINT NOT NULL DEFAULT 0,
    "costUsd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "savedUsd" DECIMAL(20,10) NOT NULL DEFAULT 0,
    "latencySumMs" BIGINT NOT NULL DEFAULT 0,
    "latencyCount" INTEGER NOT NULL DEFAULT 0,
    "ttftSumMs" BIGINT NOT NULL DEFAULT 0,
    "ttftCount" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "UsageDaily_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "UsageDaily_day_idx" ON "UsageDaily"("day");

-- CreateIndex
CREATE INDEX "UsageDaily_userId_day_idx" ON "UsageDaily"("userId", "day");

-- CreateIndex
CREATE UNIQUE INDEX "UsageDaily_dims_key" ON "UsageDaily"("day", "providerId", "modelId", "userId", "statusClass", "isByok");


-- Backfill from the hourly rollup, so history recorded before this migration shows in the daily views.
INSERT INTO "UsageDaily" ("day","providerId","modelId","userId","statusClass","isByok","requests","errors","tokensIn","tokensOut","tokensCached",
  "costUsd","savedUsd","latencySumMs","latencyCount","ttftSumMs","ttftCount")
SELECT date_trunc('day', "hour" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', "providerId", "modelId", "userId", "statusClass", "isByok",
  sum("requests"), sum("errors"), sum("tokensIn"), sum("tokensOut"), sum("tokensCached"), sum("costUsd"), sum("savedUsd"),
  sum("latencySumMs"), sum("latencyCount"), sum("ttftSumMs"), sum("ttftCount")
FROM "UsageHourly" GROUP BY 1, 2, 3, 4, 5, 6;
