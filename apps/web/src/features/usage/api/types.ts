import type {
  liveMinuteSchema,
  liveResponseSchema,
  modelUsageSchema,
  providerUsageSchema,
  topUserSchema,
  UsagePeriod,
  usagePointSchema,
  usageResponseSchema,
  userUsagePageSchema,
  userUsageQuery,
  userUsageRowSchema,
} from '@switchyard/core';
import type { z } from 'zod';

export type { UsagePeriod };

/** The read side's answers, inferred from the contracts' response schemas. */
export type UsagePoint = z.infer<typeof usagePointSchema>;
export type ProviderUsage = z.infer<typeof providerUsageSchema>;
export type ModelUsage = z.infer<typeof modelUsageSchema>;
export type TopUser = z.infer<typeof topUserSchema>;

/** GET /llm/usage and /me/usage. */
export type UsageResponse = z.infer<typeof usageResponseSchema>;

export type LiveMinute = z.infer<typeof liveMinuteSchema>;

/** GET /llm/live: the last 60 minutes, one point a minute. */
export type LiveResponse = z.infer<typeof liveResponseSchema>;

export type UserUsageRow = z.infer<typeof userUsageRowSchema>;
/** GET /llm/usage/users. */
export type UserUsagePage = z.infer<typeof userUsagePageSchema>;

export type UserUsageSort = z.infer<typeof userUsageQuery>['sort'];

export const usageKeys = {
  all: ['usage'] as const,
  usage: (period: UsagePeriod) => ['usage', 'llm', period] as const,
  live: ['usage', 'live'] as const,
  users: (q: object) => ['usage', 'users', q] as const,
  mine: (period: UsagePeriod) => ['usage', 'me', period] as const,
  forecast: ['usage', 'forecast'] as const,
};
