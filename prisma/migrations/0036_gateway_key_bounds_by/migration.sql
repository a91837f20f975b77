-- The operator who last set a gateway key's bounds through the keys API: a user who made a key themselves may not
-- lift an expiry, limit or budget an operator later put on it. Existing keys have none (their bounds stay as locked
-- as before: by who created them).
-- AlterTable
ALTER TABLE "GatewayKey" ADD COLUMN     "boundsById" TEXT;
