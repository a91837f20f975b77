import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { usageKeys, type UsagePeriod, type UsageResponse } from './types';

/** GET /llm/usage: calls and cost over time, by provider and model, and the top spenders (operators). */
export const getUsage = (period: UsagePeriod, signal?: AbortSignal) =>
  api<UsageResponse>(withQuery('/llm/usage', { period }), { signal });

export const usageQueryOptions = (period: UsagePeriod) =>
  queryOptions({
    queryKey: usageKeys.usage(period),
    queryFn: ({ signal }) => getUsage(period, signal),
    staleTime: 30_000,
  });

export const useUsage = (period: UsagePeriod, opts: { enabled?: boolean } = {}) =>
  useQuery({ ...usageQueryOptions(period), ...opts });
