-- AlterTable
ALTER TABLE "Provider" ADD COLUMN     "managedByConfig" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "managedByConfig" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "Alias" ADD COLUMN     "managedByConfig" BOOLEAN NOT NULL DEFAULT false;

-- AlterTable
ALTER TABLE "FallbackChain" ADD COLUMN     "managedByConfig" BOOLEAN NOT NULL DEFAULT false;

