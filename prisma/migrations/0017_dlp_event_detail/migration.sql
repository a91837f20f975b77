-- The activity row's detail ("2 emails masked") is worded when read, from its kind, rule, action and matches:
-- the rows are written by the usage batch statement from the usage record's counts.
-- AlterTable
ALTER TABLE "DlpEvent" DROP COLUMN "detail";
