-- A model whose prices are unknown (discovered at the provider, not priced by the catalogue) is marked unpriced:
-- routing keeps it out of the power-level tiers until an admin prices it. Existing models stay priced.

-- AlterTable
ALTER TABLE "Model" ADD COLUMN     "priced" BOOLEAN NOT NULL DEFAULT true;
