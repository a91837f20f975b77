import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { providersKeys, type ProviderHealthDetail } from './types';

/** GET /llm/providers/:id/health: live state, the last 50 health checks and each rate-limit bucket's headroom. */
export const getProviderHealth = (id: string, signal?: AbortSignal) =>
  api<ProviderHealthDetail>(`/llm/providers/${encodeURIComponent(id)}/health`, { signal });

export const providerHealthQueryOptions = (id: string) =>
  queryOptions({
    queryKey: providersKeys.health(id),
    queryFn: ({ signal }) => getProviderHealth(id, signal),
  });

export const useProviderHealth = (id: string, enabled = true) =>
  useQuery({ ...providerHealthQueryOptions(id), enabled });
