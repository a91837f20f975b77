-- The global scope's default model is the routing settings' default model: one marker. A global model keeps its
-- marker only when it is the model that setting names (`provider/modelId`); the seed used to mark the built-in
-- mock, which routed nothing. Two statements: one default per scope is a unique index, checked row by row.
UPDATE "Model" AS m
SET "isDefault" = false
FROM "Provider" AS p
WHERE m."providerId" = p."id" AND m."scope" = 'global' AND m."isDefault"
  AND p."slug" || '/' || m."modelId" IS DISTINCT FROM (SELECT "defaultModel" FROM "RoutingSettings" WHERE "id" = 1);

UPDATE "Model" AS m
SET "isDefault" = true
FROM "Provider" AS p, "RoutingSettings" AS rs
WHERE m."providerId" = p."id" AND m."scope" = 'global' AND NOT m."isDefault"
  AND rs."id" = 1 AND rs."defaultModel" = p."slug" || '/' || m."modelId";
