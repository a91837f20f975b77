-- Feedback is taken on any of a caller's requests, not only those an experiment routed: each score keeps the
-- provider and model that answered the request, and its organization, so the usage views (everyone's, a user's,
-- an organization's) can give every model its ratings.
ALTER TABLE "Feedback" ADD COLUMN "modelId" TEXT,
ADD COLUMN "orgId" TEXT,
ADD COLUMN "providerId" TEXT;

CREATE INDEX "Feedback_updatedAt_idx" ON "Feedback"("updatedAt");

-- Scores given before this release: the model from the rated request's newest usage record (by its request-id
-- index, migration 0032).
UPDATE "Feedback" f SET "providerId" = u."providerId", "modelId" = u."modelId", "orgId" = u."orgId"
FROM "Feedback" f2
CROSS JOIN LATERAL (
  SELECT r."providerId", r."modelId", r."orgId" FROM "UsageRecord" r WHERE r."requestId" = f2."requestId" ORDER BY r."id" DESC LIMIT 1
) u
WHERE f2."id" = f."id";
