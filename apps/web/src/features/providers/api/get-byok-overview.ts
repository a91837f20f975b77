import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { providersKeys, type ByokOverview } from './types';

/** GET /byok: users paying with their own provider keys, and what that saved. */
export const getByokOverview = (signal?: AbortSignal) => api<ByokOverview>('/byok', { signal });

export const byokOverviewQueryOptions = () =>
  queryOptions({
    queryKey: providersKeys.byok,
    queryFn: ({ signal }) => getByokOverview(signal),
    staleTime: 60_000,
  });

export const useByokOverview = () => useQuery(byokOverviewQueryOptions());
