/** What the provider endpoints answer: the provider-type catalogue, providers (never their keys), key tests. */
import { z } from 'zod';
import { WINDOW_UNIT_VALUES } from '../routing/index.js';
import { authEntrySchema } from '../models/responses.js';

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
  /**
   * Whether `/v1/responses` goes to this type's own Responses API by default (`config.responsesApi` overrides it);
   * null when the type has none (the gateway always translates to its chat API).
   */
  nativeResponses: z.boolean().nullable(),
  /** The catalogue's curated models of this type: the checklist when the provider's own listing is unavailable. */
  catalogueModels: z.array(
    z.strictObject({
      modelId: z.string(),
      displayName: z.string(),
      priceInputPer1M: z.number().nullable(),
      priceOutputPer1M: z.number().nullable(),
    }),
  ),
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
export const PROVIDER_HEALTH_STATES = ['healthy', 'degraded', 'down', 'disabled'] as const;

/** The last failure the gateway saw from a provider (its own key's traffic, or a health check). */
export const providerLastErrorSchema = z.strictObject({
  at: z.string(),
  /** Upstream HTTP status; 0 for network failures and timeouts. */
  status: z.number().int(),
  /** The classified kind: auth, rate_limit, billing, server, network, timeout, model_not_found, ... */
  kind: z.string(),
  /** Scrubbed of keys. */
  message: z.string(),
  source: z.enum(['traffic', 'probe']),
  /** The upstream model id of the failing call, when there was one. */
  model: z.string().nullable(),
});

/** A routing target of this provider that is skipped until `until`, and why. */
export const providerCooldownSchema = z.strictObject({
  /** provider: every model; key: the provider's own key (every model it serves); model: one model. */
  scope: z.enum(['provider', 'key', 'model']),
  /** Registry id of the model (model scope). */
  modelRegistryId: z.string().nullable(),
  /** Upstream model id (model scope). */
  modelId: z.string().nullable(),
  until: z.string(),
  /** Core's classification, e.g. "credentials rejected: fall back"; null when the note was lost. */
  reason: z.string().nullable(),
  kind: z.string().nullable(),
  status: z.number().int().nullable(),
});

/** A provider × model circuit that is not closed (or counts failures). */
export const providerCircuitSchema = z.strictObject({
  modelRegistryId: z.string(),
  modelId: z.string(),
  phase: z.enum(['closed', 'open', 'half-open']),
  failures: z.number().int(),
  openedAt: z.string().nullable(),
  /** When an open circuit lets a probe request through. */
  retryAt: z.string().nullable(),
});

export const providerHealthCheckResponse = z.strictObject({
  enabled: z.boolean(),
  intervalSec: z.number().int(),
  probe: z.enum(['models', 'chat']),
  model: z.string().nullable(),
  /** No `healthCheck` in the config: the default applies (on for free providers, off for paid ones). */
  isDefault: z.boolean(),
});

/** A provider's live state: what routing does with it now and what it last saw. */
export const providerLiveSchema = z.strictObject({
  status: z.enum(PROVIDER_HEALTH_STATES),
  /** One line: why it is not healthy; null when healthy. */
  reason: z.string().nullable(),
  check: providerHealthCheckResponse,
  lastCheckAt: z.string().nullable(),
  lastCheckOk: z.boolean().nullable(),
  lastLatencyMs: z.number().int().nullable(),
  lastError: providerLastErrorSchema.nullable(),
  cooldowns: z.array(providerCooldownSchema),
  /**
   * Callers' own (BYOK, org) keys on this provider cooling down now, each key and each key × model counted once:
   * theirs, not the provider's (its status does not count them, nor are they listed); a reset clears them too.
   */
  callerKeyCooldowns: z.number().int().nonnegative(),
  circuits: z.array(providerCircuitSchema),
});
export type ProviderLive = z.infer<typeof providerLiveSchema>;

/** One rate-limit bucket of a provider: its current window's use against the limit (the limiter's own counter). */
export const providerHeadroomSchema = z.strictObject({
  bucket: z.string(),
  unit: z.enum(['requests', 'tokens']),
  limit: z.number(),
  used: z.number(),
  remaining: z.number(),
  /** Models the bucket applies to (`all`, or upstream model ids). */
  models: z.union([z.literal('all'), z.array(z.string())]),
  resetsAt: z.string(),
});

export const providerProbeSchema = z.strictObject({
  at: z.string(),
  ok: z.boolean(),
  latencyMs: z.number().int(),
  probe: z.string(),
  status: z.number().int().nullable(),
  error: z.string().nullable(),
});

/** The provider's health detail: live state, the last 50 health checks (newest first) and bucket headroom. */
export const providerHealthSchema = providerLiveSchema.extend({
  providerId: z.string(),
  history: z.array(providerProbeSchema),
  headroom: z.array(providerHeadroomSchema),
});
export type ProviderHealthDetail = z.infer<typeof providerHealthSchema>;

export const providerSchema = z.strictObject({
  id: z.string(),
  type: z.string(),
  name: z.string(),
  slug: z.string(),
  baseUrl: z.string().nullable(),
  /** The base URL's weight among the provider's endpoints. */
  baseUrlWeight: z.number().int(),
  /** Extra endpoints (regions, mirrors), in failover order. */
  endpoints: z.array(z.strictObject({ baseUrl: z.string(), weight: z.number().int(), enabled: z.boolean() })),
  /** `active`, `disabled` or `error` (a failed test; routing skips it). */
  status: z.string(),
  disabledReason: z.string().nullable(),
  lastError: z.string().nullable(),
  lastTestedAt: z.string().nullable(),
  /** The last connection test of the stored key (its own result, apart from traffic errors); null: never tested. */
  lastTest: z.strictObject({ at: z.string(), ok: z.boolean(), error: z.string().nullable() }).nullable(),
  priority: z.number().int(),
  autoFallback: z.boolean(),
  /** The region routing rules may prefer; null = none. */
  region: z.string().nullable(),
  hasApiKey: z.boolean(),
  apiKeyLast4: z.string().nullable(),
  apiKeyEnv: z.string().nullable(),
  envResolved: z.boolean().nullable(),
  /** Every auth variable: never its value; the env name or the last four, and whether it resolves now. */
  auth: z.array(authEntrySchema),
  rateLimitBuckets: z.array(providerBucketResponse),
  config: z.record(z.string(), z.unknown()),
  /** Every registry entry of the provider, any scope, enabled or not (what deleting the provider deletes). */
  modelCount: z.number().int(),
  /**
   * The figure the provider card shows: its global models (offered to every caller) and how many of them are enabled
   * (what routing can pick for anyone); `scoped`: its models for one organization or user only.
   */
  modelCounts: z.strictObject({
    global: z.number().int(),
    enabled: z.number().int(),
    scoped: z.number().int(),
  }),
  /** Average of (input + output) / 2 per 1M tokens over the enabled models. */
  avgCostPer1M: z.number().nullable(),
  color: z.string(),
  /** Listed in the applied configuration file: the next `switchyard config apply` overwrites edits made here. */
  managedByConfig: z.boolean(),
  createdAt: z.string(),
  /** Live state: cooldowns, circuits, the last error and the last health check. */
  health: providerLiveSchema,
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
