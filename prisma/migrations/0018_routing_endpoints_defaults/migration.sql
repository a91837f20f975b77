-- Several endpoints per provider (weights, failover), cooldown timings and a default model in the routing settings.

-- AlterTable
ALTER TABLE "Provider" ADD COLUMN     "baseUrlWeight" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "endpoints" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "RoutingSettings" ADD COLUMN     "authCooldownMs" INTEGER NOT NULL DEFAULT 300000,
ADD COLUMN     "billingCooldownMs" INTEGER NOT NULL DEFAULT 3600000,
ADD COLUMN     "defaultModel" TEXT,
ADD COLUMN     "modelNotFoundCooldownMs" INTEGER NOT NULL DEFAULT 3600000,
ADD COLUMN     "rateLimitCooldownMs" INTEGER NOT NULL DEFAULT 30000;

