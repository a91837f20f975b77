import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { providersKeys, type Provider } from './types';

/** GET /llm/providers: every provider with model count and average cost per 1M tokens (keys never shown). */
export const getProviders = (signal?: AbortSignal) =>
  api<{ data: Provider[] }>('/llm/providers', { signal }).then((r) => r.data);

export const providersQueryOptions = () =>
  queryOptions({ queryKey: providersKeys.list, queryFn: ({ signal }) => getProviders(signal) });

/** `pollMs`: refetch this often (false: never; the live event stream refreshes the list instead). */
export const useProviders = (pollMs: number | false = false) =>
  useQuery({ ...providersQueryOptions(), refetchInterval: pollMs });
