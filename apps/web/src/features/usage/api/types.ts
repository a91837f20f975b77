import type { UsagePeriod } from '@switchyard/core';

export type { UsagePeriod };

export interface UsagePoint {
  t: string;
  requests: number;
  errors: number;
  costUsd: number;
  tokens: number;
  savedUsd: number;
}

export interface ProviderUsage {
  providerId: string | null;
  provider: string;
  slug: string | null;
  requests: number;
  errors: number;
  costUsd: number;
  successRate: number | null;
  avgLatencyMs: number | null;
  avgTtftMs: number | null;
}

export interface ModelUsage {
  ref: string;
  providerId: string | null;
  modelId: string;
  requests: number;
  costUsd: number;
  tokens: number;
}

export interface TopUser {
  userId: string;
  email: string | null;
  name: string | null;
  requests: number;
  costUsd: number;
}

/** GET /llm/usage and /me/usage. */
export interface UsageResponse {
  period: UsagePeriod;
  bucket: 'hour' | 'day' | 'week';
  from: string;
  to: string;
  totals: { requests: number; errors: number; costUsd: number; tokens: number; savedUsd: number; byokRequests: number };
  series: UsagePoint[];
  byProvider: ProviderUsage[];
  byModel: ModelUsage[];
  topUsers: TopUser[];
}

export interface LiveMinute {
  t: string;
  requests: number;
  errors: number;
  avgLatencyMs: number | null;
  p95LatencyMs: number | null;
  costUsd: number;
}

/** GET /llm/live: the last 60 minutes, one point a minute. */
export interface LiveResponse {
  from: string;
  minutes: LiveMinute[];
  totals: { requests: number; errors: number; requestsPerMinute: number };
}

export interface UserUsageRow {
  userId: string;
  email: string | null;
  name: string | null;
  status: string;
  weeklyCapUsd: number | null;
  requests: number;
  errors: number;
  tokens: number;
  costUsd: number;
  savedUsd: number;
  byokRequests: number;
  lastActiveDay: string;
}

export type UserUsageSort = 'cost' | 'requests' | 'tokens' | 'saved' | 'name';

export const usageKeys = {
  all: ['usage'] as const,
  usage: (period: UsagePeriod) => ['usage', 'llm', period] as const,
  live: ['usage', 'live'] as const,
  users: (q: object) => ['usage', 'users', q] as const,
  mine: (period: UsagePeriod) => ['usage', 'me', period] as const,
};
