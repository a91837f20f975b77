import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { providersKeys, type LlmStats } from './types';

/** GET /llm/stats: the four stat cards, with trends against the previous 30 days computed by the API. */
export const getLlmStats = (signal?: AbortSignal) => api<LlmStats>('/llm/stats', { signal });

export const llmStatsQueryOptions = () =>
  queryOptions({
    queryKey: providersKeys.stats,
    queryFn: ({ signal }) => getLlmStats(signal),
    refetchInterval: 30_000,
  });

/** Polled every 30 s. */
export const useLlmStats = () => useQuery(llmStatsQueryOptions());
