import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { orgUsageKeys, type MyOrgs } from './types';

/** GET /me/orgs: the organizations the caller owns or administers. */
export const getMyOrgs = (signal?: AbortSignal) => api<MyOrgs>('/me/orgs', { signal });

export const myOrgsQueryOptions = () =>
  queryOptions({
    queryKey: orgUsageKeys.orgs,
    queryFn: ({ signal }) => getMyOrgs(signal),
    staleTime: 30_000,
  });

export const useMyOrgs = () => useQuery(myOrgsQueryOptions());
