-- An organization chooses who shares its cached answers (the response cache's key scope): organization (the
-- default, as before), user or key.
-- AlterTable
ALTER TABLE "Organization" ADD COLUMN     "cacheScope" TEXT NOT NULL DEFAULT 'organization';

-- Not in the Prisma schema (a later `prisma migrate diff` would propose dropping it; keep it).
ALTER TABLE "Organization" ADD CONSTRAINT "Organization_cacheScope_check"
  CHECK ("cacheScope" IN ('organization', 'user', 'key'));
