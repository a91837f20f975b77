import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { usageKeys, type LiveResponse } from './types';

export const LIVE_REFRESH_MS = 15_000;

/** GET /llm/live: requests, errors and latency per minute over the last hour. Polled while the page is open. */
export const getLive = (signal?: AbortSignal) => api<LiveResponse>('/llm/live', { signal });

export const liveQueryOptions = () => queryOptions({ queryKey: usageKeys.live, queryFn: ({ signal }) => getLive(signal), refetchInterval: LIVE_REFRESH_MS, staleTime: 5_000 });

export const useLive = (opts: { enabled?: boolean } = {}) => useQuery({ ...liveQueryOptions(), ...opts });
