-- AlterTable
ALTER TABLE "RoutingSettings" DROP COLUMN "timeouts";

