-- Hand-written: rules Prisma 6 cannot express in schema.prisma.
-- (A later `prisma migrate diff --from-migrations` will propose dropping these; keep them.)

-- Exactly one default model per scope, enforced by the database.
CREATE UNIQUE INDEX "Model_one_default_per_scope" ON "Model"("scope") WHERE "isDefault";

ALTER TABLE "Model"
  ADD CONSTRAINT "Model_scope_check" CHECK ("scope" = 'global' OR "scope" ~ '^(org|user):.+$'),
  ADD CONSTRAINT "Model_qualityTier_check" CHECK ("qualityTier" IN ('eco', 'balanced', 'precision')),
  ADD CONSTRAINT "Model_qualityScore_check" CHECK ("qualityScore" BETWEEN 0 AND 100),
  ADD CONSTRAINT "Model_prices_check" CHECK (
    "priceInputPer1M" >= 0 AND "priceOutputPer1M" >= 0
    AND ("priceCachedInputPer1M" IS NULL OR "priceCachedInputPer1M" >= 0));

-- An alias is global (no org) or belongs to exactly the org its scope names;
-- with UNIQUE (name, scope) two global aliases with the same name are impossible.
ALTER TABLE "Alias"
  ADD CONSTRAINT "Alias_scope_check" CHECK (
    ("scope" = 'global' AND "orgId" IS NULL)
    OR ("orgId" IS NOT NULL AND "scope" = 'org:' || "orgId"));

ALTER TABLE "Provider"
  ADD CONSTRAINT "Provider_status_check" CHECK ("status" IN ('active', 'disabled', 'error')),
  ADD CONSTRAINT "Provider_priority_check" CHECK ("priority" BETWEEN 1 AND 100);

-- RoutingSettings is a singleton (id = 1).
ALTER TABLE "RoutingSettings"
  ADD CONSTRAINT "RoutingSettings_singleton_check" CHECK ("id" = 1),
  ADD CONSTRAINT "RoutingSettings_strategy_check" CHECK ("strategy" IN ('cost', 'balanced', 'quality')),
  ADD CONSTRAINT "RoutingSettings_maxAttempts_check" CHECK ("maxAttempts" BETWEEN 1 AND 10);

ALTER TABLE "PowerLevel"
  ADD CONSTRAINT "PowerLevel_qualityTier_check" CHECK ("qualityTier" IN ('eco', 'balanced', 'precision'));

ALTER TABLE "User"
  ADD CONSTRAINT "User_role_check" CHECK ("role" IN ('super_admin', 'admin', 'user', 'viewer')),
  ADD CONSTRAINT "User_status_check" CHECK ("status" IN ('active', 'suspended'));

ALTER TABLE "OrganizationMember"
  ADD CONSTRAINT "OrganizationMember_role_check" CHECK ("role" IN ('owner', 'admin', 'member'));

-- A gateway key belongs to the owner its ownerType names.
ALTER TABLE "GatewayKey"
  ADD CONSTRAINT "GatewayKey_owner_check" CHECK (
    ("ownerType" = 'user' AND "userId" IS NOT NULL)
    OR ("ownerType" = 'org' AND "orgId" IS NOT NULL)
    OR ("ownerType" = 'app' AND "appId" IS NOT NULL)),
  ADD CONSTRAINT "GatewayKey_budgetPeriod_check" CHECK ("budgetPeriod" IS NULL OR "budgetPeriod" IN ('day', 'week', 'month'));
