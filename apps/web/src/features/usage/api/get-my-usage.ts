import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { usageKeys, type UsagePeriod, type UsageResponse } from './types';

/** GET /me/usage: the caller's own traffic (totals.savedUsd is what their BYOK keys saved). */
export const getMyUsage = (period: UsagePeriod, signal?: AbortSignal) =>
  api<UsageResponse>(withQuery('/me/usage', { period }), { signal });

export const myUsageQueryOptions = (period: UsagePeriod) =>
  queryOptions({ queryKey: usageKeys.mine(period), queryFn: ({ signal }) => getMyUsage(period, signal) });

export const useMyUsage = (period: UsagePeriod) => useQuery(myUsageQueryOptions(period));
