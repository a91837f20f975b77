-- AlterTable
ALTER TABLE "Provider" ADD COLUMN     "region" TEXT;

-- AlterTable
ALTER TABLE "App" ADD COLUMN     "region" TEXT;

-- AlterTable
ALTER TABLE "GatewayKey" ADD COLUMN     "region" TEXT;

-- CreateTable
CREATE TABLE "RoutingRule" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "order" INTEGER NOT NULL DEFAULT 0,
    "when" JSONB NOT NULL DEFAULT '{}',
    "then" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RoutingRule_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "RoutingRule_order_idx" ON "RoutingRule"("order");

