import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { byokKeys, type ProviderOption } from './types';

/**
 * GET /me/byok/providers: the providers any signed-in user may bring a key for (active ones that charge for calls),
 * so the BYOK form offers a picker to every role instead of asking for an internal provider id.
 */
export const getProviderOptions = (signal?: AbortSignal) =>
  api<{ data: ProviderOption[] }>('/me/byok/providers', { signal }).then((r) => r.data);

export const providerOptionsQueryOptions = () =>
  queryOptions({
    queryKey: byokKeys.providers,
    queryFn: ({ signal }) => getProviderOptions(signal),
    staleTime: 60_000,
  });

export const useProviderOptions = (enabled: boolean) =>
  useQuery({ ...providerOptionsQueryOptions(), enabled });
