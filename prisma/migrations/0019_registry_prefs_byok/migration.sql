-- Seed 003 registry and BYOK user management: a model's own auth (over its provider's), the last "test model" call
-- per model, a user's default model and preferred providers, and a user's monthly limits on their own (BYOK) keys.

-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "auth" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "User" ADD COLUMN     "byokMonthlyRequestLimit" INTEGER,
ADD COLUMN     "byokMonthlySpendLimitUsd" DECIMAL(14,6),
ADD COLUMN     "defaultModel" TEXT,
ADD COLUMN     "preferredProviders" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "ModelHealth" (
    "modelId" TEXT NOT NULL,
    "checkedAt" TIMESTAMPTZ(3) NOT NULL,
    "ok" BOOLEAN NOT NULL,
    "latencyMs" INTEGER NOT NULL,
    "status" INTEGER,
    "error" TEXT,
    "keySource" TEXT NOT NULL,

    CONSTRAINT "ModelHealth_pkey" PRIMARY KEY ("modelId")
);

-- AddForeignKey
ALTER TABLE "ModelHealth" ADD CONSTRAINT "ModelHealth_modelId_fkey" FOREIGN KEY ("modelId") REFERENCES "Model"("id") ON DELETE CASCADE ON UPDATE CASCADE;


ALTER TABLE "User" ADD CONSTRAINT "User_byok_limits_nonneg" CHECK (("byokMonthlyRequestLimit" IS NULL OR "byokMonthlyRequestLimit" >= 0) AND ("byokMonthlySpendLimitUsd" IS NULL OR "byokMonthlySpendLimitUsd" >= 0));
