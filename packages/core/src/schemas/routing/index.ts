/**
 * Request bodies of the routing configuration (admin API `/api/v1/llm/*`), validated by the API and used to type
 * the dashboard's forms. They produce the shapes the engine reads (AliasConfig, chains, PowerLevelConfig,
 * BucketConfig).
 */
import { z } from 'zod';
import { safeString } from '../safe/index.js';
import type { BucketConfig } from '../../engine/types.js';

/** '<provider-slug>/<model-id>' (model ids may contain '/', ':' and '.') or a bare model id. */
export const modelRefField = safeString()
  .trim()
  .min(1, 'is required')
  .max(300)
  .regex(/^[^\s/][^\s]*$/, 'must be "<provider-slug>/<model-id>" or a model id, without spaces');

const POWER_LEVEL_NAMES = new Set(['auto', 'eco', 'balanced', 'precision']);

/** Alias names: letters, digits, '.', '-', '_', ':'; never a power level name (those resolve first otherwise). */
export const aliasNameField = safeString()
  .trim()
  .min(1, 'is required')
  .max(100)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'may contain letters, digits, ".", "-", "_" and ":"')
  .refine((n) => !POWER_LEVEL_NAMES.has(n), 'is reserved for a power level');

export const ALIAS_STRATEGY_VALUES = [
  'ordered',
  'round-robin',
  'weighted',
  'quota-aware',
  'least-busy',
  'latency',
] as const;
export const GLOBAL_STRATEGY_VALUES = ['cost', 'balanced', 'quality'] as const;
export const WINDOW_UNIT_VALUES = ['second', 'minute', 'hour', 'day', 'week', 'month'] as const;
export const CAPABILITY_VALUES = ['chat', 'tools', 'vision', 'json', 'embeddings', 'streaming'] as const;

export const aliasTargetSchema = z.object({
  ref: modelRefField,
  weight: z.number().int('must be a whole number').min(0).max(1000).default(1),
});

/** A response cache time-to-live in seconds (1 s to a year); null = caching off. */
export const cacheTtlField = () =>
  z
    .number()
    .int('must be a whole number of seconds')
    .min(1, 'must be between 1 and 31536000 seconds')
    .max(31_536_000, 'must be between 1 and 31536000 seconds')
    .nullable();

const aliasFields = {
  name: aliasNameField,
  /** 'global' or an organization id (the API turns it into 'org:<id>'). */
  orgId: safeString().min(1).nullable().default(null),
  /** `quota-aware` is the recommended default ("auto"). */
  strategy: z.enum(ALIAS_STRATEGY_VALUES).default('quota-aware'),
  targets: z
    .array(aliasTargetSchema)
    .min(1, 'needs at least one target')
    .max(50)
    .refine((ts) => new Set(ts.map((t) => t.ref)).size === ts.length, 'lists a target twice')
    .refine((ts) => ts.some((t) => t.weight > 0), 'needs at least one target with a weight above 0'),
  fallbacks: z.array(modelRefField).max(20).default([]),
  description: safeString().trim().max(500).nullable().optional(),
  enabled: z.boolean().default(true),
  /** Response cache: identical requests through this alias are answered from the cache for this long. */
  cacheTtlSeconds: cacheTtlField().default(null),
};

export const createAliasBody = z.object(aliasFields);
export type CreateAliasBody = z.infer<typeof createAliasBody>;

export const updateAliasBody = z
  .object({
    name: aliasFields.name,
    strategy: z.enum(ALIAS_STRATEGY_VALUES),
    targets: aliasFields.targets,
    fallbacks: z.array(modelRefField).max(20),
    description: aliasFields.description,
    enabled: z.boolean(),
    cacheTtlSeconds: cacheTtlField(),
  })
  .partial();
export type UpdateAliasBody = z.infer<typeof updateAliasBody>;

/** A model-level fallback chain: when `modelRef` fails, try `targets` in order. */
export const fallbackChainBody = z
  .object({
    modelRef: modelRefField,
    targets: z.array(modelRefField).min(1, 'needs at least one fallback').max(20),
    description: safeString().trim().max(500).nullable().optional(),
    enabled: z.boolean().default(true),
  })
  .refine((c) => !c.targets.includes(c.modelRef), {
    message: 'a model cannot fall back to itself',
    path: ['targets'],
  })
  .refine((c) => new Set(c.targets).size === c.targets.length, {
    message: 'lists a fallback twice',
    path: ['targets'],
  });
export type FallbackChainBody = z.infer<typeof fallbackChainBody>;

/** A cooldown timing: 0 (no cooldown) to 24 hours, in ms. */
const cooldownField = () =>
  z
    .number()
    .int('must be a whole number of ms')
    .min(0, 'must be between 0 and 86400000 ms')
    .max(86_400_000, 'must be between 0 and 86400000 ms')
    .optional();

/** The global routing rules: the strategy that orders everything outside an alias, and the attempt cap. */
/** The numeric routing settings (times in ms), as the API and the settings form name them. */
export const ROUTING_RULE_NUMBERS = [
  'maxAttempts',
  'maxRetries',
  'circuitFailureThreshold',
  'circuitOpenMs',
  'rateLimitCooldownMs',
  'billingCooldownMs',
  'authCooldownMs',
  'modelNotFoundCooldownMs',
] as const;

export const routingRulesBody = z.object({
  strategy: z.enum(GLOBAL_STRATEGY_VALUES),
  maxAttempts: z
    .number()
    .int()
    .min(1, 'must be between 1 and 10')
    .max(10, 'must be between 1 and 10')
    .optional(),
  /** Fall back across providers after a policy/moderation block (off by default). */
  policyFallback: z.boolean().optional(),
  /** Same-target retries of a transient failure (5xx, network, timeout) before falling back (default 2). */
  maxRetries: z.number().int().min(0, 'must be between 0 and 5').max(5, 'must be between 0 and 5').optional(),
  /** Consecutive final failures of a provider × model that open its circuit (default 5). */
  circuitFailureThreshold: z
    .number()
    .int()
    .min(1, 'must be between 1 and 100')
    .max(100, 'must be between 1 and 100')
    .optional(),
  /** How long an open circuit stays open before one probe is let through, in ms (default 30000). */
  circuitOpenMs: z
    .number()
    .int()
    .min(1_000, 'must be between 1000 and 3600000 ms')
    .max(3_600_000, 'must be between 1000 and 3600000 ms')
    .optional(),
  /** Cooldown after a 429 without Retry-After, in ms (default 30000). */
  rateLimitCooldownMs: cooldownField(),
  /** Cooldown after a billing / quota failure, in ms (default 3600000). */
  billingCooldownMs: cooldownField(),
  /** Cooldown of a key after 401/403, in ms (default 300000). */
  authCooldownMs: cooldownField(),
  /** Cooldown of a model the provider says it does not have, in ms (default 3600000). */
  modelNotFoundCooldownMs: cooldownField(),
  /**
   * What a request without a model (or with `default`) routes to: an alias, a power level (`auto`, `eco`,
   * `balanced`, `precision`) or a model reference; null clears it (such requests are refused again).
   */
  defaultModel: modelRefField.nullable().optional(),
});
export type RoutingRulesBody = z.infer<typeof routingRulesBody>;

/** Change a power level: the tier it draws from and/or its explicit, ordered model refs. */
export const updatePowerLevelBody = z
  .object({
    name: safeString().trim().min(1).max(60),
    description: safeString().trim().max(500).nullable(),
    tier: z.enum(['eco', 'balanced', 'precision']),
    modelRefs: z
      .array(modelRefField)
      .max(20)
      .refine((rs) => new Set(rs).size === rs.length, 'lists a model twice'),
    enabled: z.boolean(),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, 'nothing to change');
export type UpdatePowerLevelBody = z.infer<typeof updatePowerLevelBody>;

/**
 * A rate-limit bucket as an admin writes it: requests and/or tokens per fixed UTC window of `size` units, over
 * all models or a list. One body may set both limits; {@link bucketConfigsFrom} splits it into the engine's
 * one-unit buckets.
 */
export const rateLimitBucketBody = z
  .object({
    name: safeString().trim().min(1, 'is required').max(60),
    models: z.union([z.literal('all'), z.array(modelRefField).min(1).max(100)]).default('all'),
    requests: z
      .number()
      .int()
      .positive('must be a positive whole number')
      .max(1e12, 'must be at most 1000000000000')
      .optional(),
    tokens: z
      .number()
      .int()
      .positive('must be a positive whole number')
      .max(1e12, 'must be at most 1000000000000')
      .optional(),
    window: z.object({
      unit: z.enum(WINDOW_UNIT_VALUES),
      size: z.number().int().min(1).max(1000).default(1),
    }),
  })
  .refine((b) => b.requests !== undefined || b.tokens !== undefined, 'set requests, tokens or both');
export type RateLimitBucketBody = z.infer<typeof rateLimitBucketBody>;

/** The engine's buckets for one admin bucket: `<name>` for requests, `<name>:tokens` for tokens when both are set. */
export function bucketConfigsFrom(b: RateLimitBucketBody): BucketConfig[] {
  const out: BucketConfig[] = [];
  const models = b.models === 'all' ? 'all' : [...b.models];
  if (b.requests !== undefined)
    out.push({ name: b.name, unit: 'requests', limit: b.requests, window: { ...b.window }, models });
  if (b.tokens !== undefined)
    out.push({
      name: b.requests !== undefined ? `${b.name}:tokens` : b.name,
      unit: 'tokens',
      limit: b.tokens,
      window: { ...b.window },
      models,
    });
  return out;
}

const dryRunModel = safeString().trim().min(1, 'is required').max(300);
const dryRunEndpoint = z.enum(['chat', 'messages', 'responses', 'embeddings']);
const dryRunPromptTokens = z.number().int().min(0).max(10_000_000);
const dryRunMaxTokens = z.number().int().min(1).max(1_000_000).nullable();
const dryRunNeeds = z.array(z.enum(CAPABILITY_VALUES)).max(6);
/** The answers asked for (OpenAI chat's `n`). */
const dryRunAnswers = z.number().int().min(1, 'must be at least 1').max(128, 'must be at most 128');
/** Plan as this user / gateway key would be planned (defaults to the admin's own view). */
const dryRunAs = { userId: safeString().min(1).optional(), keyId: safeString().min(1).optional() };

/** A dry run ("trace this request") from the dashboard. */
export const dryRunBody = z.object({
  model: dryRunModel,
  endpoint: dryRunEndpoint.default('chat'),
  promptTokens: dryRunPromptTokens.default(100),
  maxTokens: dryRunMaxTokens.default(null),
  stream: z.boolean().default(false),
  needs: dryRunNeeds.default([]),
  /** The answers asked for (chat's `n`); unset = one (or a replayed request's own). */
  n: dryRunAnswers.optional(),
  ...dryRunAs,
});
export type DryRunBody = z.infer<typeof dryRunBody>;

/** `GET /llm/routing/aliases` filter. */
export const aliasListQuery = z.object({
  scope: safeString()
    .max(200)
    .regex(/^(global|org:.+)$/, 'must be "global" or "org:<id>"')
    .optional(),
});
export type AliasListQuery = z.infer<typeof aliasListQuery>;

/**
 * `POST /llm/routing/trace`: a dry run as the dashboard's trace form sends it, plus `messages` / `max_tokens` /
 * `tools` / `n` as an OpenAI client sends them (the prompt size and needs then come from the proxy's own
 * estimator), or a logged request replayed (`requestId`: its model, endpoint, prompt tokens, stream flag, needs, max
 * tokens, answers asked for, parameters, agent header, the header and metadata values rules looked at, and its
 * caller, from its usage record). The body's fields override a logged request's; unset ones take the form's defaults
 * (chat, 100 prompt tokens, no max tokens, one answer, not streamed, no needs beyond the endpoint's).
 */
export const traceBody = z
  .object({
    requestId: safeString().trim().min(1).max(200).optional(),
    model: dryRunModel.optional(),
    endpoint: dryRunEndpoint.optional(),
    promptTokens: dryRunPromptTokens.optional(),
    maxTokens: dryRunMaxTokens.optional(),
    stream: z.boolean().optional(),
    needs: dryRunNeeds.optional(),
    ...dryRunAs,
    /** With a requestId: plan as the operator, not as the logged request's caller (userId / keyId win over both). */
    asOperator: z.boolean().optional(),
    messages: z.array(z.unknown()).max(10_000).optional(),
    max_tokens: z.number().int().min(1).max(1_000_000).optional(),
    tools: z.array(z.unknown()).optional(),
    /** The answers asked for (OpenAI chat's `n`): what the request may cost and reserves counts each. */
    n: dryRunAnswers.optional(),
  })
  .refine((b) => b.model !== undefined || b.requestId !== undefined, {
    path: ['model'],
    message: 'is required (or give a requestId)',
  });
export type TraceBody = z.infer<typeof traceBody>;

/** `POST /llm/routing/aliases/bulk`: enable, disable or delete several aliases at once. */
export const bulkAliasesBody = z.object({
  action: z.enum(['enable', 'disable', 'delete']),
  ids: z
    .array(safeString().min(1).max(200))
    .min(1, 'select at least one alias')
    .max(500)
    .refine((ids) => new Set(ids).size === ids.length, 'lists an alias twice'),
});
export type BulkAliasesBody = z.infer<typeof bulkAliasesBody>;
