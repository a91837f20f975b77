/** What the model registry endpoints answer. */
import { z } from 'zod';
import { QUALITY_TIER_VALUES, REGISTRY_CAPABILITY_VALUES } from './index.js';

/** One auth variable as the API shows it: never its value; the env name or the last four, and whether it resolves. */
export const authEntrySchema = z.strictObject({
  name: z.string(),
  kind: z.enum(['env', 'secret']),
  env: z.string().nullable(),
  last4: z.string().nullable(),
  resolved: z.boolean(),
});
export type AuthEntry = z.infer<typeof authEntrySchema>;

/** The last "test model" call: when, whether it answered, how fast, and why not. */
export const modelHealthSchema = z.strictObject({
  checkedAt: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().int(),
  /** Upstream HTTP status when it failed (0: network or timeout). */
  status: z.number().int().nullable(),
  error: z.string().nullable(),
  /** Whose key the test used: the model's own auth or its provider's key. */
  keySource: z.enum(['model', 'provider']),
});
export type ModelHealth = z.infer<typeof modelHealthSchema>;

/** A registry entry as `GET /llm/models` returns it (prices in USD per 1M tokens). */
export const registryModelSchema = z.strictObject({
  id: z.string(),
  /** The routable ref: `<provider-slug>/<model-id>`. */
  ref: z.string(),
  providerId: z.string(),
  provider: z.strictObject({
    id: z.string(),
    slug: z.string(),
    name: z.string(),
    type: z.string(),
    status: z.string(),
  }),
  modelId: z.string(),
  displayName: z.string(),
  description: z.string().nullable(),
  priceInputPer1M: z.number(),
  priceOutputPer1M: z.number(),
  priceCachedInputPer1M: z.number().nullable(),
  /** False while the prices are unknown: the model stays out of power-level tiers until priced. */
  priced: z.boolean(),
  contextWindow: z.number().int().nullable(),
  maxOutputTokens: z.number().int().nullable(),
  qualityTier: z.enum(QUALITY_TIER_VALUES),
  qualityScore: z.number().int(),
  capabilities: z.array(z.enum(REGISTRY_CAPABILITY_VALUES)),
  config: z.record(z.string(), z.unknown()),
  /**
   * Why the stored config is not applied (it is not a valid set of default request parameters: a config stored
   * before they were checked), or null. Requests routed to the model get none of it until it is fixed.
   */
  configProblem: z.string().nullable(),
  enabled: z.boolean(),
  isDefault: z.boolean(),
  priority: z.number().int(),
  /** 'global', 'org:<id>' or 'user:<id>'. */
  scope: z.string(),
  /** Where the entry came from: `catalogue`, `admin`, `discovered`. */
  source: z.string(),
  /** The user a `user:` scoped model belongs to. */
  ownerUserId: z.string().nullable(),
  /** The model's own auth variables (empty: its provider's auth). */
  auth: z.array(authEntrySchema),
  /** The last "test model" call, null when never tested. */
  health: modelHealthSchema.nullable(),
  /** Listed in the applied configuration file: the next `switchyard config apply` overwrites edits made here. */
  managedByConfig: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type RegistryModel = z.infer<typeof registryModelSchema>;

/** `GET /llm/models`: one page of the registry and how many match in all. */
export const modelPageSchema = z.strictObject({
  data: z.array(registryModelSchema),
  total: z.number().int(),
  limit: z.number().int(),
  offset: z.number().int(),
});
export type ModelPage = z.infer<typeof modelPageSchema>;

/** `POST /llm/models/bulk`: how many were changed, and the ids that did not exist. */
export const bulkModelsResultSchema = z.strictObject({
  action: z.enum(['enable', 'disable', 'delete']),
  affected: z.number().int(),
  missing: z.array(z.string()),
});
export type BulkModelsResult = z.infer<typeof bulkModelsResultSchema>;

/** One model a provider's listing offers, with what the registry would make of it. */
export const discoveredModelSchema = z.strictObject({
  modelId: z.string(),
  displayName: z.string(),
  /** Already registered for this provider (global scope): an import leaves it as it is. */
  inRegistry: z.boolean(),
  /** The catalogue's prices (USD per 1M tokens), null when it does not know the model. */
  priceInputPer1M: z.number().nullable(),
  priceOutputPer1M: z.number().nullable(),
  contextWindow: z.number().int().nullable(),
  capabilities: z.array(z.enum(REGISTRY_CAPABILITY_VALUES)),
});
export type DiscoveredModel = z.infer<typeof discoveredModelSchema>;

/** `POST /llm/providers/{id}/models/discover`: a real listing call with the stored key, or why it failed. */
export const discoverModelsResultSchema = z.discriminatedUnion('success', [
  z.strictObject({ success: z.literal(true), latencyMs: z.number(), models: z.array(discoveredModelSchema) }),
  z.strictObject({
    success: z.literal(false),
    latencyMs: z.number(),
    error: z.strictObject({ code: z.string(), message: z.string() }),
  }),
]);
export type DiscoverModelsResult = z.infer<typeof discoverModelsResultSchema>;

/** `POST /llm/providers/{id}/models/import`: what was added (priced or not) and what was already there. */
export const importModelsResultSchema = z.strictObject({
  added: z.array(
    z.strictObject({
      id: z.string(),
      modelId: z.string(),
      priced: z.boolean(),
      priceInputPer1M: z.number(),
      priceOutputPer1M: z.number(),
      capabilities: z.array(z.enum(REGISTRY_CAPABILITY_VALUES)),
    }),
  ),
  alreadyPresent: z.array(z.string()),
});
export type ImportModelsResult = z.infer<typeof importModelsResultSchema>;
