-- AlterTable
ALTER TABLE "GatewayKey" ADD COLUMN     "ipAllowlist" TEXT[] DEFAULT ARRAY[]::TEXT[];

