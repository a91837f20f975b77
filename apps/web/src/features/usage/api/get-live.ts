import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { usageKeys, type LiveResponse } from './types';

export const LIVE_REFRESH_MS = 15_000;

/** GET /llm/live: requests, errors and latency per minute over the last hour. Polled while the page is open. */
export const getLive = (signal?: AbortSignal) => api<LiveResponse>('/llm/live', { signal });

export const liveQueryOptions = () =>
  queryOptions({
    queryKey: usageKeys.live,
    queryFn: ({ signal }) => getLive(signal),
    refetchInterval: LIVE_REFRESH_MS,
    staleTime: 5_000,
  });

/** `polling: false` while the live event stream is open (its `call` events refetch instead). */
export const useLive = (opts: { enabled?: boolean; polling?: boolean } = {}) =>
  useQuery({
    ...liveQueryOptions(),
    enabled: opts.enabled,
    refetchInterval: opts.polling === false ? false : LIVE_REFRESH_MS,
  });
