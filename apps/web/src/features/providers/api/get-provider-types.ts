import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { providersKeys, type ProviderType } from './types';

/** GET /llm/provider-types: the full catalogue for the add-provider form. */
export const getProviderTypes = (signal?: AbortSignal) =>
  api<{ data: ProviderType[] }>('/llm/provider-types', { signal }).then((r) => r.data);

export const providerTypesQueryOptions = () =>
  queryOptions({
    queryKey: providersKeys.types,
    queryFn: ({ signal }) => getProviderTypes(signal),
    staleTime: Infinity,
  });

export const useProviderTypes = (enabled = true) => useQuery({ ...providerTypesQueryOptions(), enabled });
