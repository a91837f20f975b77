import { z } from 'zod';
import { providerKeyField } from '../provider-key.js';
import { jsonObjectField, safeString } from '../safe/index.js';
import { authPatchField } from '../models/index.js';
import { regionField } from '../rules/index.js';

const envName = safeString().regex(
  /^[A-Z_][A-Z0-9_]*$/,
  'must be an environment variable name such as OPENAI_API_KEY',
);

export const providerBucketSchema = z.object({
  name: safeString().trim().min(1).max(60),
  unit: z.enum(['requests', 'tokens']).default('requests'),
  limit: z
    .number()
    .int()
    .positive('must be a positive whole number')
    .max(1e12, 'must be at most 1000000000000'),
  window: z.object({
    unit: z.enum(['second', 'minute', 'hour', 'day', 'week', 'month']),
    size: z.number().int().min(1).max(1000).default(1),
  }),
  models: z.union([z.literal('all'), z.array(safeString().min(1)).min(1)]).default('all'),
});

/** Per-provider upstream time limits (ms), stored in the provider's config as `timeouts`; unset = the server's. */
export const providerTimeoutsSchema = z
  .object({
    firstByteMs: z
      .number()
      .int()
      .min(100, 'must be at least 100 ms')
      .max(3_600_000, 'must be at most 1 hour'),
    idleMs: z.number().int().min(100, 'must be at least 100 ms').max(3_600_000, 'must be at most 1 hour'),
    totalMs: z.number().int().min(100, 'must be at least 100 ms').max(3_600_000, 'must be at most 1 hour'),
  })
  .partial()
  .strict();
export type ProviderTimeouts = z.infer<typeof providerTimeoutsSchema>;

export const HEALTH_PROBES = ['models', 'chat'] as const;
export type HealthProbe = (typeof HEALTH_PROBES)[number];

/**
 * Background health checks of a provider, stored in its config as `healthCheck`. Unset: on (every 60 s, the
 * model listing) for free providers (mock, local, no priced model), off for paid ones. `chat` sends a one-token
 * chat call to `model` (default: the provider's first enabled model), `models` lists the models (no tokens).
 */
export const providerHealthCheckSchema = z
  .object({
    enabled: z.boolean(),
    intervalSec: z
      .number()
      .int('must be a whole number of seconds')
      .min(10, 'must be at least 10 seconds')
      .max(86_400, 'must be at most 1 day')
      .default(60),
    probe: z.enum(HEALTH_PROBES).default('models'),
    model: safeString().trim().min(1).max(200).optional(),
  })
  .strict();
export type ProviderHealthCheck = z.infer<typeof providerHealthCheckSchema>;

/** A provider's config JSON: free-form per type, with the keys the gateway itself reads checked. */
const providerConfigSchema = jsonObjectField().superRefine((c, ctx) => {
  const check = (key: string, schema: z.ZodType) => {
    if (c[key] === undefined) return;
    const r = schema.safeParse(c[key]);
    if (!r.success)
      for (const i of r.error.issues)
        ctx.addIssue({ code: 'custom', path: [key, ...i.path], message: i.message });
  };
  check('timeouts', providerTimeoutsSchema);
  check('healthCheck', providerHealthCheckSchema);
});

/** One extra endpoint of a provider (a region or mirror of the same account). */
export const providerEndpointSchema = z
  .object({
    baseUrl: safeString().trim().url('must be a URL').max(2000),
    /** Share of the first calls (0 = only reached by failover). */
    weight: z
      .number()
      .int('must be a whole number')
      .min(0, 'must be 0-1000')
      .max(1000, 'must be 0-1000')
      .default(1),
    enabled: z.boolean().default(true),
  })
  .strict();
export type ProviderEndpoint = z.infer<typeof providerEndpointSchema>;

const providerEndpointsField = z
  .array(providerEndpointSchema)
  .max(10, 'at most 10 extra endpoints')
  .refine((es) => new Set(es.map((e) => e.baseUrl)).size === es.length, 'lists an endpoint twice');

const baseUrlWeightField = z
  .number()
  .int('must be a whole number')
  .min(0, 'must be 0-1000')
  .max(1000, 'must be 0-1000');

const providerFields = {
  type: safeString().trim().min(1, 'is required'),
  name: safeString().trim().min(1, 'is required').max(120),
  slug: safeString()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'must be lowercase letters, digits and dashes'),
  baseUrl: safeString().trim().url('must be a URL').nullable().optional(),
  /** Write-only: stored encrypted, never returned. */
  apiKey: providerKeyField.min(1, 'is required (or null to remove the key)').nullable().optional(),
  /** `_env` reference for the key, resolved from the environment at call time. */
  apiKeyEnv: envName.nullable().optional(),
  /**
   * Auth variables (super admin): literal secrets (encrypted, write-only) or `{"_env": "VAR"}` references, null to
   * remove; apiKey / accessKeyId + secretAccessKey (+ sessionToken) make the key, the rest (apiVersion, region, ...)
   * are settings laid over the provider's config.
   */
  auth: authPatchField.optional(),
  priority: z
    .number()
    .int()
    .min(1, 'must be between 1 and 100')
    .max(100, 'must be between 1 and 100')
    .default(50),
  autoFallback: z.boolean().default(true),
  status: z.enum(['active', 'disabled']).default('active'),
  rateLimitBuckets: z.array(providerBucketSchema).max(20).default([]),
  config: providerConfigSchema.default({}),
  /** The base URL's weight among the provider's endpoints (default 1; 0 = only reached by failover). */
  baseUrlWeight: baseUrlWeightField.default(1),
  /** Extra endpoints, tried after the first pick in this order (failover), each subject to the outbound policy. */
  endpoints: providerEndpointsField.default([]),
  /** The region routing rules may prefer (a rule's `region` action); null or absent = none. */
  region: regionField.optional(),
};

export const createProviderBody = z.object(providerFields);
export type CreateProviderBody = z.infer<typeof createProviderBody>;

export const updateProviderBody = z
  .object({
    name: providerFields.name,
    baseUrl: providerFields.baseUrl,
    apiKey: providerFields.apiKey,
    apiKeyEnv: providerFields.apiKeyEnv,
    auth: providerFields.auth,
    priority: z.number().int().min(1, 'must be between 1 and 100').max(100, 'must be between 1 and 100'),
    autoFallback: z.boolean(),
    status: z.enum(['active', 'disabled']),
    rateLimitBuckets: z.array(providerBucketSchema).max(20),
    config: providerConfigSchema,
    baseUrlWeight: baseUrlWeightField,
    endpoints: providerEndpointsField,
    /** The region routing rules may prefer (a rule's `region` action); null = none. */
    region: regionField,
  })
  .partial();
export type UpdateProviderBody = z.infer<typeof updateProviderBody>;

/** Test a key before saving it. */
export const testKeyBody = z.object({
  type: providerFields.type,
  baseUrl: providerFields.baseUrl,
  apiKey: providerKeyField.nullable().optional(),
  config: providerConfigSchema.optional(),
});
export type TestKeyBody = z.infer<typeof testKeyBody>;

/** Clear a provider's cooldowns, circuits and rate-limit counters (or only one model's: its registry id). */
export const resetProviderBody = z
  .object({
    modelId: safeString()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, 'must be a model registry id')
      .optional(),
  })
  .strict();
export type ResetProviderBody = z.infer<typeof resetProviderBody>;
