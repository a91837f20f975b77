import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { routingKeys, type FallbackChain } from './types';

/** GET /llm/routing/chains: when a model fails, the models tried next, in order. */
export const getChains = (signal?: AbortSignal) =>
  api<{ data: FallbackChain[] }>('/llm/routing/chains', { signal }).then((r) => r.data);

export const chainsQueryOptions = () =>
  queryOptions({ queryKey: routingKeys.chains, queryFn: ({ signal }) => getChains(signal) });

export const useChains = () => useQuery(chainsQueryOptions());
