/** What the routing endpoints answer, and the resolver trace (a dry run's, or a logged request's). */
import { z } from 'zod';
import { ALIAS_STRATEGY_VALUES, GLOBAL_STRATEGY_VALUES } from './index.js';
import { AGENT_EFFORTS } from '../../engine/types.js';

const SKIP_REASON_VALUES = [
  'provider-disabled',
  'provider-error',
  'model-disabled',
  'model-not-allowed',
  'capability-missing',
  'parameter-unsupported',
  'context-window',
  'no-usable-key',
  'cooldown',
  'circuit-open',
  'rate-limited',
  'budget-exhausted',
  'byok-limit',
] as const;
const TIER = z.enum(['eco', 'balanced', 'precision']);

/** The engine's resolver trace (`Trace` in the engine): how the name resolved, every candidate, the order. */
export const engineTraceSchema = z.strictObject({
  requested: z.string(),
  lookup: z.strictObject({
    kind: z.enum(['alias', 'power-level', 'direct', 'bare', 'unknown']),
    alias: z.string().optional(),
    scope: z.string().optional(),
    level: TIER.optional(),
    tier: TIER.optional(),
    aliasStrategy: z.enum(ALIAS_STRATEGY_VALUES).optional(),
    userDefault: z.string().optional(),
  }),
  strategy: z.string(),
  /** The request named no model (or `default`): the default model it resolved to. */
  defaultModel: z.string().optional(),
  candidates: z.array(
    z.strictObject({
      ref: z.string(),
      via: z.string(),
      key: z.string().optional(),
      kept: z.boolean(),
      reason: z.enum(SKIP_REASON_VALUES).optional(),
      detail: z.string().optional(),
      score: z.number().optional(),
    }),
  ),
  order: z.array(z.string()),
  attempts: z.number().int(),
  agent: z
    .strictObject({
      id: z.string(),
      name: z.string(),
      effort: z.enum(AGENT_EFFORTS),
      model: z.string(),
      via: z.enum(['model', 'header']),
    })
    .optional(),
  experiment: z
    .strictObject({
      id: z.string(),
      name: z.string(),
      variant: z.string(),
      target: z.string(),
      bucket: z.number().int(),
      sticky: z.enum(['user', 'key', 'request']),
      unresolved: z.literal(true).optional(),
    })
    .optional(),
  /** The routing rule that applied, and what it did. */
  rule: z
    .strictObject({
      id: z.string(),
      name: z.string(),
      route: z.string().optional(),
      strategy: z.enum(GLOBAL_STRATEGY_VALUES).optional(),
      region: z.string().optional(),
    })
    .optional(),
});
export type EngineTrace = z.infer<typeof engineTraceSchema>;

export const routingRulesSchema = z.strictObject({
  strategy: z.enum(GLOBAL_STRATEGY_VALUES),
  maxAttempts: z.number().int(),
  policyFallback: z.boolean(),
  maxRetries: z.number().int(),
  circuitFailureThreshold: z.number().int(),
  circuitOpenMs: z.number().int(),
  rateLimitCooldownMs: z.number().int(),
  billingCooldownMs: z.number().int(),
  authCooldownMs: z.number().int(),
  modelNotFoundCooldownMs: z.number().int(),
  /** What a request without a model (or with `default`) routes to; null = such a request is refused. */
  defaultModel: z.string().nullable(),
  /** What each global strategy does, for the selector. */
  strategies: z.strictObject({ cost: z.string(), balanced: z.string(), quality: z.string() }),
  updatedAt: z.string().nullable(),
});
export type RoutingRules = z.infer<typeof routingRulesSchema>;

const minMax = z.strictObject({ min: z.number(), max: z.number() });

/** A power level with the models it routes to right now (the engine's own order) and their price range. */
export const powerLevelSchema = z.strictObject({
  id: z.string(),
  slug: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  tier: z.string(),
  modelRefs: z.array(z.string()),
  enabled: z.boolean(),
  sortOrder: z.number().int(),
  models: z.array(
    z.strictObject({
      ref: z.string(),
      provider: z.string(),
      modelId: z.string(),
      priceInputPer1M: z.number(),
      priceOutputPer1M: z.number(),
      isFallback: z.boolean(),
    }),
  ),
  price: z.strictObject({ inputPer1M: minMax, outputPer1M: minMax, avgPer1M: z.number() }).nullable(),
  /** Why the level routes nowhere right now (null when it does, or is disabled). */
  unavailable: z.string().nullable(),
});
export type PowerLevel = z.infer<typeof powerLevelSchema>;

export const aliasSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  /** 'global' or 'org:<id>'. */
  scope: z.string(),
  orgId: z.string().nullable(),
  strategy: z.enum(ALIAS_STRATEGY_VALUES),
  targets: z.array(z.strictObject({ ref: z.string(), weight: z.number() })),
  fallbacks: z.array(z.string()),
  description: z.string().nullable(),
  enabled: z.boolean(),
  /** Listed in the applied configuration file: the next `switchyard config apply` overwrites edits made here. */
  managedByConfig: z.boolean(),
  /** Response cache TTL in seconds; null = off. */
  cacheTtlSeconds: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type Alias = z.infer<typeof aliasSchema>;

/** An alias as listed: with its organization's name. */
export const aliasListItemSchema = aliasSchema.extend({ orgName: z.string().nullable() });
export type AliasListItem = z.infer<typeof aliasListItemSchema>;

export const fallbackChainSchema = z.strictObject({
  id: z.string(),
  modelRef: z.string(),
  targets: z.array(z.string()),
  description: z.string().nullable(),
  enabled: z.boolean(),
  /** Listed in the applied configuration file: the next `switchyard config apply` overwrites edits made here. */
  managedByConfig: z.boolean(),
  updatedAt: z.string(),
});
export type FallbackChain = z.infer<typeof fallbackChainSchema>;

/** One attempt of a dry run, in order. */
export const traceAttemptSchema = z.strictObject({
  ref: z.string(),
  providerId: z.string(),
  providerName: z.string(),
  modelRegistryId: z.string(),
  modelId: z.string(),
  /** Whose key would pay: byok, org or provider. */
  keySource: z.enum(['byok', 'org', 'provider']),
  isFallback: z.boolean(),
  probe: z.boolean(),
  estimatedCostUsd: z.number(),
});
export type TraceAttempt = z.infer<typeof traceAttemptSchema>;

/** `POST /llm/routing/trace`: the plan for a request, as a key, a user or the operator would get it. */
export const traceResultSchema = z.strictObject({
  request: z.strictObject({
    /** The logged request replayed (null for a described one). */
    requestId: z.string().nullable(),
    model: z.string(),
    endpoint: z.string(),
    promptTokens: z.number().int(),
    maxTokens: z.number().int().nullable(),
    /** The answers it asks for (`n`), when more than one: its estimate and reservations count each. */
    choices: z.number().int().optional(),
    stream: z.boolean(),
    /** What the request needs of a model (the endpoint's own need included). */
    needs: z.array(z.string()),
    /** The header and metadata values routing rules were given (a logged request's, as kept). */
    headers: z.record(z.string(), z.string()),
    metadata: z.record(z.string(), z.string()),
    /**
     * A logged request's rule inputs: kept (replayed), protected (not kept: data protection applied to it), or none
     * (no rule looked at any when it was sent). Null for a described request.
     */
    loggedInputs: z.enum(['kept', 'protected', 'none']).nullable(),
  }),
  caller: z.strictObject({
    keyId: z.string().nullable(),
    userId: z.string().nullable(),
    orgId: z.string().nullable(),
    powerLevel: z.string().nullable(),
    /**
     * A logged request replayed for its recorded caller rather than its key as it is now, and why (the key was
     * revoked or deleted, or the proxy would refuse it now).
     */
    note: z.string().optional(),
  }),
  ok: z.boolean(),
  /** Why there is no route (when `ok` is false). */
  error: z
    .strictObject({
      code: z.string(),
      message: z.string(),
      httpStatus: z.number().int(),
      param: z.string().optional(),
      retryAfterMs: z.number().optional(),
      resetsAt: z.number().optional(),
    })
    .optional(),
  chosen: traceAttemptSchema.nullable(),
  attempts: z.array(traceAttemptSchema),
  skipped: z.array(
    z.strictObject({
      ref: z.string(),
      reason: z.enum(SKIP_REASON_VALUES),
      detail: z.string().optional(),
      resetsAt: z.number().optional(),
    }),
  ),
  trace: engineTraceSchema,
});
export type TraceResult = z.infer<typeof traceResultSchema>;
