-- The trace is written once per proxied request and only ever read whole: json costs PostgreSQL ~4x less
-- per insert than jsonb (measured in bench/README.md, third pass).
-- AlterTable
ALTER TABLE "UsageRecord" ALTER COLUMN "trace" SET DATA TYPE JSON;

