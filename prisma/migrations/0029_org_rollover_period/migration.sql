-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "rolloverPeriod" TIMESTAMPTZ(3);

