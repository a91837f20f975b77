import { USAGE_PERIODS, type UsagePeriod } from '@switchyard/core';
import type { ConnectionTest } from '../../byok/api/types';
import { modelsKeys, type RegistryModel } from '../../models/api/types';
import type { ModelUsage, ProviderUsage, UsagePoint, UsageResponse } from '../../usage/api/types';

export type { ConnectionTest, RegistryModel };

export interface Trend {
  value: number;
  previous: number;
  changePct: number | null;
}

export interface LlmStats {
  totalProviders: number;
  activeProviders: number;
  activeModels: number;
  apiCalls30d: Trend;
  cost30d: { valueUsd: number; previousUsd: number; changePct: number | null };
  tokens30d: number;
  errorRate30d: number;
  byok: { users: number; savedUsd30d: number };
  generatedAt: string;
}

export { USAGE_PERIODS, type UsagePeriod };
export type { UsagePoint, ProviderUsage, ModelUsage };

/** GET /llm/usage: the usage feature owns the shape. */
export type LlmUsage = UsageResponse;

export interface ByokOverview {
  users: { userId: string; email: string; name: string | null; providers: string[]; savedUsd: number; byokRequests: number }[];
  totalUsers: number;
  totalSavedUsd: number;
}

export interface ProviderType {
  type: string;
  displayName: string;
  defaultBaseUrl: string | null;
  baseUrlRequired: boolean;
  envKey: string | null;
  keyOptional: boolean;
  color: string;
  docsUrl: string | null;
  keyHint: string | null;
}

export interface ProviderBucket {
  name: string;
  unit: 'requests' | 'tokens';
  limit: number;
  window: { unit: 'second' | 'minute' | 'hour' | 'day' | 'week' | 'month'; size: number };
  models: 'all' | string[];
}

export interface Provider {
  id: string;
  type: string;
  name: string;
  slug: string;
  baseUrl: string | null;
  status: 'active' | 'disabled' | 'error' | string;
  lastError: string | null;
  lastTestedAt: string | null;
  priority: number;
  autoFallback: boolean;
  hasApiKey: boolean;
  apiKeyLast4: string | null;
  apiKeyEnv: string | null;
  envResolved: boolean | null;
  rateLimitBuckets: ProviderBucket[];
  config: Record<string, unknown>;
  modelCount: number;
  avgCostPer1M: number | null;
  color: string;
  createdAt: string;
}

export type GlobalStrategy = 'cost' | 'balanced' | 'quality';

export interface RoutingRules {
  strategy: GlobalStrategy;
  maxAttempts: number;
  policyFallback: boolean;
  strategies: Record<GlobalStrategy, string>;
  updatedAt: string | null;
}

export interface PowerLevel {
  id: string;
  slug: string;
  name: string;
  description: string | null;
  tier: string;
  modelRefs: string[];
  enabled: boolean;
  sortOrder: number;
  models: { ref: string; provider: string; modelId: string; priceInputPer1M: number; priceOutputPer1M: number; isFallback: boolean }[];
  price: { inputPer1M: { min: number; max: number }; outputPer1M: { min: number; max: number }; avgPer1M: number } | null;
  unavailable: string | null;
}

export interface Alias {
  id: string;
  name: string;
  scope: string;
  orgId: string | null;
  orgName: string | null;
  strategy: string;
  targets: { ref: string; weight: number }[];
  fallbacks: string[];
  description: string | null;
  enabled: boolean;
}

export interface FallbackChain {
  id: string;
  modelRef: string;
  targets: string[];
  description: string | null;
  enabled: boolean;
}

export interface TraceAttempt {
  ref: string;
  providerName: string;
  modelId: string;
  keySource: string;
  isFallback: boolean;
  estimatedCostUsd: number;
}

export interface TraceCandidate {
  ref: string;
  via: string;
  kept: boolean;
  reason?: string;
  detail?: string;
  key?: string;
  score?: number;
}

export interface TraceResult {
  request: Record<string, unknown>;
  caller: { keyId: string | null; userId: string | null; orgId: string | null; powerLevel: string | null };
  ok: boolean;
  error?: { code: string; message: string; httpStatus: number };
  chosen: TraceAttempt | null;
  attempts: TraceAttempt[];
  skipped: { ref: string; reason: string }[];
  trace: {
    requested: string;
    lookup: { kind: string; [k: string]: unknown };
    strategy: string;
    candidates: TraceCandidate[];
    order: string[];
    attempts: number;
  };
}

export const providersKeys = {
  all: ['providers'] as const,
  list: ['providers', 'list'] as const,
  types: ['providers', 'types'] as const,
  stats: ['providers', 'stats'] as const,
  usage: (period: UsagePeriod) => ['providers', 'usage', period] as const,
  byok: ['providers', 'byok'] as const,
};

export const routingKeys = {
  all: ['routing'] as const,
  rules: ['routing', 'rules'] as const,
  powerLevels: ['routing', 'power-levels'] as const,
  aliases: ['routing', 'aliases'] as const,
  chains: ['routing', 'chains'] as const,
};

export { modelsKeys };
