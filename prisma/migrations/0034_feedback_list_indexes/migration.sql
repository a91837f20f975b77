-- The feedback lists read scores newest first: a user's own (/api/v1/me/feedback) and an organization's
-- (/api/v1/me/orgs/{id}/feedback). The table holds at most one score per request and rating key, and is small next
-- to the usage records.
CREATE INDEX "Feedback_userId_updatedAt_idx" ON "Feedback"("userId", "updatedAt");
CREATE INDEX "Feedback_orgId_updatedAt_idx" ON "Feedback"("orgId", "updatedAt");
