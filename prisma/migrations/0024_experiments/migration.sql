-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "experimentId" TEXT,
ADD COLUMN     "variant" TEXT;

-- CreateTable
CREATE TABLE "Experiment" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "alias" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'draft',
    "stickiness" TEXT NOT NULL DEFAULT 'user',
    "variants" JSONB NOT NULL,
    "startsAt" TIMESTAMPTZ(3),
    "endsAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Experiment_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Feedback" (
    "id" TEXT NOT NULL,
    "requestId" TEXT NOT NULL,
    "rater" TEXT NOT NULL,
    "gatewayKeyId" TEXT,
    "userId" TEXT,
    "experimentId" TEXT,
    "variant" TEXT,
    "score" DOUBLE PRECISION NOT NULL,
    "comment" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Feedback_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Experiment_alias_idx" ON "Experiment"("alias");

-- CreateIndex
CREATE INDEX "Feedback_experimentId_variant_idx" ON "Feedback"("experimentId", "variant");

-- CreateIndex
CREATE UNIQUE INDEX "Feedback_requestId_rater_key" ON "Feedback"("requestId", "rater");


-- Partial indexes (not expressible in the Prisma schema): only requests routed by an experiment are indexed, so
-- every other usage insert pays nothing. Results read one experiment's rows; feedback finds a rated request.
CREATE INDEX "UsageRecord_experiment_idx" ON "UsageRecord"("experimentId", "variant") WHERE "experimentId" IS NOT NULL;
CREATE INDEX "UsageRecord_experiment_request_idx" ON "UsageRecord"("requestId") WHERE "experimentId" IS NOT NULL;

-- Shapes Prisma cannot check.
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_status_check" CHECK ("status" IN ('draft', 'running', 'stopped'));
ALTER TABLE "Experiment" ADD CONSTRAINT "Experiment_stickiness_check" CHECK ("stickiness" IN ('user', 'key', 'request'));
ALTER TABLE "Feedback" ADD CONSTRAINT "Feedback_score_check" CHECK ("score" >= 0 AND "score" <= 1);
