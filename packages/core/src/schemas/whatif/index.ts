/** The what-if simulator and savings advice: the candidate change, the run's body and the answers. */
import { z } from 'zod';
import { TIERS } from '../../engine/types.js';
import { createRuleBody } from '../rules/index.js';
import { dateField, safeString } from '../safe/index.js';

const ALIAS_STRATEGY_VALUES = [
  'ordered',
  'round-robin',
  'weighted',
  'quota-aware',
  'least-busy',
  'latency',
] as const;

/** A model reference (`<provider-slug>/<model-id>` or a bare model id). */
const refField = safeString().trim().min(1, 'is required').max(300, 'must be at most 300 characters');
const nameField = safeString().trim().min(1, 'is required').max(200, 'must be at most 200 characters');

export const whatIfAliasChange = z.strictObject({
  /** The alias's name; with `orgId` its org-scoped version, else the global one. */
  name: nameField,
  orgId: nameField.optional(),
  strategy: z.enum(ALIAS_STRATEGY_VALUES).optional(),
  /** Replaces the alias's targets (with their weights). */
  targets: z
    .array(z.strictObject({ ref: refField, weight: z.number().min(0).max(1_000_000).default(1) }))
    .max(50, 'at most 50 targets')
    .optional(),
  /** Replaces the alias's fallbacks. */
  fallbacks: z.array(refField).max(50, 'at most 50 fallbacks').optional(),
});

export const whatIfPowerLevelChange = z.strictObject({
  slug: z.enum(TIERS as unknown as ['eco', 'balanced', 'precision']),
  /** The tier the level draws from. */
  tier: z.enum(TIERS as unknown as ['eco', 'balanced', 'precision']).optional(),
  /** Explicit refs tried first, in order (replaces the configured ones). */
  modelRefs: z.array(refField).max(50, 'at most 50 models').optional(),
  enabled: z.boolean().optional(),
});

/**
 * A candidate change to the routing configuration. Every part is optional; together they apply in this order:
 * strategy, disabled providers, disabled models, replaced models, aliases, power levels, rules.
 */
export const whatIfChange = z.strictObject({
  /** The global routing strategy. */
  strategy: z.enum(['cost', 'balanced', 'quality']).optional(),
  /** Providers taken out of routing (by id or slug). */
  disableProviders: z.array(nameField).max(100, 'at most 100 providers').optional(),
  /** Models taken out of routing (`<provider-slug>/<model-id>`). */
  disableModels: z.array(refField).max(500, 'at most 500 models').optional(),
  /**
   * Route one model to another: every alias target, fallback, power-level ref, chain and default naming `from`
   * names `to` instead, `from` is disabled and falls back to `to` (requests naming `from` land on `to`).
   */
  replaceModels: z
    .array(z.strictObject({ from: refField, to: refField }))
    .max(50, 'at most 50 replacements')
    .optional(),
  aliases: z.array(whatIfAliasChange).max(50, 'at most 50 aliases').optional(),
  powerLevels: z.array(whatIfPowerLevelChange).max(3, 'at most 3 power levels').optional(),
  /**
   * Replaces the conditional routing rules with this list, tried in the order given (absent: the rules replay as
   * configured, like experiments). An empty list replays without any rule.
   */
  rules: z.array(createRuleBody).max(200, 'at most 200 rules').optional(),
});
export type WhatIfChange = z.infer<typeof whatIfChange>;
export type WhatIfChangeInput = z.input<typeof whatIfChange>;

/** The longest range one run replays. */
export const WHATIF_MAX_RANGE_DAYS = 92;

export const whatIfBody = z
  .strictObject({
    from: dateField(),
    to: dateField(),
    change: whatIfChange.default({}),
    /** Only this organization's traffic (required for an organization's owners and admins: one of theirs). */
    orgId: nameField.optional(),
  })
  .refine((b) => b.from.getTime() < b.to.getTime(), { message: '"from" must be before "to"', path: ['to'] })
  .refine((b) => b.to.getTime() - b.from.getTime() <= WHATIF_MAX_RANGE_DAYS * 86_400_000, {
    message: `the range must be at most ${WHATIF_MAX_RANGE_DAYS} days`,
    path: ['to'],
  });
export type WhatIfBody = z.infer<typeof whatIfBody>;
export type WhatIfBodyInput = z.input<typeof whatIfBody>;

/** `GET /llm/savings`: whose traffic the advice is worked out from (absent: everyone's, for operators). */
export const savingsQuery = z.strictObject({
  /** Only this organization's traffic (required for an organization's owners and admins). */
  orgId: nameField.optional(),
});
export type SavingsQuery = z.infer<typeof savingsQuery>;

/** `GET /llm/whatif/aliases`: the aliases that apply to one organization's requests (absent: all, for operators). */
export const whatIfAliasesQuery = z.strictObject({
  /** The organization replayed (required for an organization's owners and admins). */
  orgId: nameField.optional(),
});
export type WhatIfAliasesQuery = z.infer<typeof whatIfAliasesQuery>;

const mixRow = z.object({
  /** `<provider-slug>/<model-id>`. */
  ref: z.string(),
  providerId: z.string().nullable(),
  modelId: z.string().nullable(),
  requests: z.number(),
  costUsd: z.number(),
});
const providerRow = z.object({
  providerId: z.string().nullable(),
  slug: z.string().nullable(),
  requests: z.number(),
  costUsd: z.number(),
});
const sideSchema = z.object({
  costUsd: z.number(),
  models: z.array(mixRow),
  providers: z.array(providerRow),
});

export const whatIfResultSchema = z.object({
  from: z.string(),
  to: z.string(),
  orgId: z.string().nullable(),
  /** Answered requests replayed. */
  requests: z.number(),
  /** The run stopped early (time cap): figures cover the first `requests` rows of the range. */
  truncated: z.boolean(),
  elapsedMs: z.number(),
  /** What really happened (recorded targets and cost). */
  actual: sideSchema,
  /** The current configuration replayed over the same requests (no change): the baseline of the projection. */
  current: z.object({ costUsd: z.number(), unroutable: z.number() }),
  /** The candidate configuration replayed. */
  projected: sideSchema,
  /** Requests whose projected target differs from the one that answered. */
  changed: z.number(),
  /** Requests the candidate configuration could not route, by reason. */
  unroutable: z.object({
    count: z.number(),
    reasons: z.array(z.object({ code: z.string(), count: z.number(), example: z.string() })),
  }),
  byOrg: z.array(
    z.object({
      orgId: z.string().nullable(),
      name: z.string(),
      requests: z.number(),
      actualUsd: z.number(),
      projectedUsd: z.number(),
      changed: z.number(),
      unroutable: z.number(),
    }),
  ),
  /** A bounded sample of requests whose target changes (or that become unroutable). */
  samples: z.array(
    z.object({
      id: z.string(),
      at: z.string(),
      requestedModel: z.string(),
      actual: z.string(),
      projected: z.string().nullable(),
      actualUsd: z.number(),
      projectedUsd: z.number(),
      reason: z.string().nullable(),
    }),
  ),
});
export type WhatIfResult = z.infer<typeof whatIfResultSchema>;

export const savingsAdviceSchema = z.object({
  /** The window usage was read from (the last 30 days). */
  from: z.string(),
  to: z.string(),
  /** Some figures come from a sample of the traffic, scaled up to the whole (see each suggestion). */
  suggestions: z.array(
    z.object({
      from: z.string(),
      to: z.string(),
      fromName: z.string(),
      toName: z.string(),
      tier: z.enum(['eco', 'balanced', 'precision']),
      requests: z.number(),
      /** Recorded cost of those requests over the window. */
      actualUsd: z.number(),
      /** Their cost with the change, as the simulator projects it. */
      projectedUsd: z.number(),
      /** actualUsd − projectedUsd, per 30 days. */
      monthlySavingUsd: z.number(),
      /** Requests the change would leave unroutable. */
      unroutable: z.number(),
      /** The largest prompt seen (tokens): the suggested model's context window holds it. */
      maxPromptTokens: z.number(),
      /** Share of the requests replayed (1 = all). */
      sampled: z.number(),
    }),
  ),
});
export type SavingsAdvice = z.infer<typeof savingsAdviceSchema>;
