import { keepPreviousData, queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { usageKeys, type UsagePeriod, type UserUsagePage, type UserUsageSort } from './types';

export interface UserUsageQuery {
  period: UsagePeriod;
  sort: UserUsageSort;
  order: 'asc' | 'desc';
}

/** GET /llm/usage/users: every user with traffic in the period, sorted by the API. */
export const getUserUsage = (q: UserUsageQuery, signal?: AbortSignal) =>
  api<UserUsagePage>(withQuery('/llm/usage/users', { ...q, limit: 1000 }), { signal });

export const userUsageQueryOptions = (q: UserUsageQuery) =>
  queryOptions({
    queryKey: usageKeys.users(q),
    queryFn: ({ signal }) => getUserUsage(q, signal),
    placeholderData: keepPreviousData,
  });

export const useUserUsage = (q: UserUsageQuery) => useQuery(userUsageQueryOptions(q));
