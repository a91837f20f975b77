import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { byokKeys, type ProviderOption } from './types';

/**
 * GET /llm/providers, reduced to what the BYOK form needs. Only roles with `providers:read` may list providers;
 * for the others the form asks for the provider's id instead.
 */
export const getProviderOptions = (signal?: AbortSignal) =>
  api<{ data: ProviderOption[] }>('/llm/providers', { signal }).then((r) => r.data.filter((p) => p.type !== 'mock').map(({ id, name, slug, type, status }) => ({ id, name, slug, type, status })));

export const providerOptionsQueryOptions = () => queryOptions({ queryKey: byokKeys.providers, queryFn: ({ signal }) => getProviderOptions(signal), staleTime: 60_000 });

export const useProviderOptions = (enabled: boolean) => useQuery({ ...providerOptionsQueryOptions(), enabled });
