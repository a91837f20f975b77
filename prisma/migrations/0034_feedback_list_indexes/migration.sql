-- A user's own feedback list (/api/v1/me/feedback) reads their scores newest first. The table holds at most one
-- score per request and rating key, and is small next to the usage records.
CREATE INDEX "Feedback_userId_updatedAt_idx" ON "Feedback"("userId", "updatedAt");
