import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { modelsKeys, type ProviderChoice } from './types';

/** GET /llm/providers, reduced to what the model form and the provider filter need. */
export const getProviderChoices = (signal?: AbortSignal) =>
  api<{ data: ProviderChoice[] }>('/llm/providers', { signal }).then((r) =>
    r.data.map(({ id, name, slug, type, status }) => ({ id, name, slug, type, status })),
  );

export const providerChoicesQueryOptions = () =>
  queryOptions({
    queryKey: modelsKeys.providers,
    queryFn: ({ signal }) => getProviderChoices(signal),
    staleTime: 60_000,
  });

export const useProviderChoices = (enabled = true) => useQuery({ ...providerChoicesQueryOptions(), enabled });
