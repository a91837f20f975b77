import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { providersKeys, type LlmUsage, type UsagePeriod } from './types';

/** GET /llm/usage?period=: calls and cost over time, cost and health by provider, popular models. */
export const getLlmUsage = (period: UsagePeriod, signal?: AbortSignal) =>
  api<LlmUsage>(withQuery('/llm/usage', { period }), { signal });

export const llmUsageQueryOptions = (period: UsagePeriod) =>
  queryOptions({
    queryKey: providersKeys.usage(period),
    queryFn: ({ signal }) => getLlmUsage(period, signal),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });

export const useLlmUsage = (period: UsagePeriod) => useQuery(llmUsageQueryOptions(period));
