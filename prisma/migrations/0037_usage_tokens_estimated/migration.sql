-- Whether the gateway estimated a request's tokens (the provider reported no usage, or not all of it): the dashboard
-- marks such records "estimated" instead of presenting the figures as measured. Existing records have no flag (they
-- read as measured, as before). A constant default: PostgreSQL adds the column without rewriting the table.
-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "tokensEstimated" BOOLEAN NOT NULL DEFAULT false;
