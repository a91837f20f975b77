/** What the provider endpoints answer: the provider-type catalogue, providers (never their keys), key tests. */
import { z } from 'zod';
import { WINDOW_UNIT_VALUES } from '../routing/index.js';

/** An entry of the provider catalogue, for the add-provider form. */
export const providerTypeSchema = z.strictObject({
  type: z.string(),
  displayName: z.string(),
  defaultBaseUrl: z.string().nullable(),
  baseUrlRequired: z.boolean(),
  envKey: z.string().nullable(),
  keyOptional: z.boolean(),
  color: z.string(),
  docsUrl: z.string().nullable(),
  keyHint: z.string().nullable(),
});
export type ProviderType = z.infer<typeof providerTypeSchema>;

/** A provider's rate-limit bucket as stored. */
export const providerBucketResponse = z.strictObject({
  name: z.string(),
  unit: z.enum(['requests', 'tokens']),
  limit: z.number(),
  window: z.strictObject({ unit: z.enum(WINDOW_UNIT_VALUES), size: z.number() }),
  models: z.union([z.literal('all'), z.array(z.string())]),
});
export type ProviderBucket = z.infer<typeof providerBucketResponse>;

/**
 * A provider as the API shows it: never the key; whether one is set, its last four, the `_env` name and whether
 * it resolves; secret config values masked.
 */
export const providerSchema = z.strictObject({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  slug: z.string(),
  baseUrl: z.string().nullable(),
  /** `active`, `disabled` or `error` (a failed test; routing skips it). */
  status: z.string(),
  disabledReason: z.string().nullable(),
  lastError: z.string().nullable(),
  lastTestedAt: z.string().nullable(),
  priority: z.number().int(),
  autoFallback: z.boolean(),
  hasApiKey: z.boolean(),
  apiKeyLast4: z.string().nullable(),
  apiKeyEnv: z.string().nullable(),
  envResolved: z.boolean().nullable(),
  rateLimitBuckets: z.array(providerBucketResponse),
  config: z.record(z.string(), z.unknown()),
  modelCount: z.number().int(),
  /** Average of (input + output) / 2 per 1M tokens over the enabled models. */
  avgCostPer1M: z.number().nullable(),
  color: z.string(),
  createdAt: z.string(),
});
export type Provider = z.infer<typeof providerSchema>;

export const CONNECTION_ERROR_CODES = [
  'invalid_key',
  'unreachable',
  'timeout',
  'bad_response',
  'rate_limited',
  'misconfigured',
] as const;

export const connectionErrorSchema = z.strictObject({
  code: z.enum(CONNECTION_ERROR_CODES),
  message: z.string(),
});

/** A real minimal call with a key (the provider's model listing): it worked, or why not. */
export const connectionTestSchema = z.discriminatedUnion('success', [
  z.strictObject({
    success: z.literal(true),
    latencyMs: z.number(),
    modelsAvailable: z.array(z.string()),
    /**
     * Provider tests only: the catalogue's prices (USD per 1M tokens) for the listed models, null when it does not
     * know a model (an import then adds it unpriced).
     */
    catalogue: z
      .array(
        z.strictObject({
          modelId: z.string(),
          priceInputPer1M: z.number().nullable(),
          priceOutputPer1M: z.number().nullable(),
        }),
      )
      .optional(),
  }),
  z.strictObject({ success: z.literal(false), latencyMs: z.number(), error: connectionErrorSchema }),
]);
export type ConnectionTest = z.infer<typeof connectionTestSchema>;
