-- AlterTable
ALTER TABLE "RoutingSettings" ADD COLUMN     "policyFallback" BOOLEAN NOT NULL DEFAULT false;

