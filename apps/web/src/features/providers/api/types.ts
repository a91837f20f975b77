import {
  USAGE_PERIODS,
  type aliasListItemSchema,
  type byokOverviewSchema,
  type engineTraceSchema,
  type fallbackChainSchema,
  type GLOBAL_STRATEGY_VALUES,
  type llmStatsSchema,
  type powerLevelSchema,
  type providerBucketResponse,
  type providerHealthSchema,
  type providerSchema,
  type providerTypeSchema,
  type routingRulesSchema,
  type traceAttemptSchema,
  type traceResultSchema,
  type trendSchema,
  type UsagePeriod,
} from '@switchyard/core';
import type { z } from 'zod';
import type { ConnectionTest } from '../../byok/api/types';
import { modelsKeys, type RegistryModel } from '../../models/api/types';
import type { ModelUsage, ProviderUsage, UsagePoint, UsageResponse } from '../../usage/api/types';

export type { ConnectionTest, RegistryModel };

/** What the provider, routing and stats endpoints answer, inferred from the contracts' response schemas. */
export type Trend = z.infer<typeof trendSchema>;
export type LlmStats = z.infer<typeof llmStatsSchema>;

export { USAGE_PERIODS, type UsagePeriod };
export type { UsagePoint, ProviderUsage, ModelUsage };

/** GET /llm/usage: the usage feature owns the shape. */
export type LlmUsage = UsageResponse;

export type ByokOverview = z.infer<typeof byokOverviewSchema>;
export type ProviderType = z.infer<typeof providerTypeSchema>;
export type ProviderBucket = z.infer<typeof providerBucketResponse>;
export type Provider = z.infer<typeof providerSchema>;
/** A provider's live state as the list shows it, and its health detail (checks history, bucket headroom). */
export type ProviderLive = Provider['health'];
export type ProviderHealthDetail = z.infer<typeof providerHealthSchema>;

export type GlobalStrategy = (typeof GLOBAL_STRATEGY_VALUES)[number];
export type RoutingRules = z.infer<typeof routingRulesSchema>;
export type PowerLevel = z.infer<typeof powerLevelSchema>;
/** An alias as listed (with its organization's name). */
export type Alias = z.infer<typeof aliasListItemSchema>;
export type FallbackChain = z.infer<typeof fallbackChainSchema>;

export type TraceAttempt = z.infer<typeof traceAttemptSchema>;
export type TraceCandidate = z.infer<typeof engineTraceSchema>['candidates'][number];
export type TraceResult = z.infer<typeof traceResultSchema>;

export const providersKeys = {
  all: ['providers'] as const,
  list: ['providers', 'list'] as const,
  types: ['providers', 'types'] as const,
  stats: ['providers', 'stats'] as const,
  usage: (period: UsagePeriod) => ['providers', 'usage', period] as const,
  byok: ['providers', 'byok'] as const,
  health: (id: string) => ['providers', 'health', id] as const,
};

export const routingKeys = {
  all: ['routing'] as const,
  rules: ['routing', 'rules'] as const,
  powerLevels: ['routing', 'power-levels'] as const,
  aliases: ['routing', 'aliases'] as const,
  chains: ['routing', 'chains'] as const,
};

export { modelsKeys };
