-- One activity row per protected request instead of one per rule that fired: the rules' counts are a JSON array on
-- the row, and the activity page lists an entry per rule when it reads them. A request with five rules firing wrote
-- five rows, each into four indexes; the batch statement now writes one.
-- Existing rows keep their entry: each becomes a row of one finding (no data is lost).
-- AlterTable
ALTER TABLE "DlpEvent" ADD COLUMN "findings" JSONB;

UPDATE "DlpEvent"
SET "findings" = jsonb_build_array(
  jsonb_build_object('kind', "kind", 'rule', "rule", 'action', "action", 'count', "matches"));

ALTER TABLE "DlpEvent" ALTER COLUMN "findings" SET NOT NULL,
DROP COLUMN "action",
DROP COLUMN "kind",
DROP COLUMN "matches",
DROP COLUMN "rule";
