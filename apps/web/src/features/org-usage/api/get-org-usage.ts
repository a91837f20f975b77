import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import type { UsagePeriod, UsageResponse } from '../../usage/api/types';
import { orgUsageKeys } from './types';

/** GET /me/orgs/{id}/usage: one organization's usage over a period (its owners and admins). */
export const getOrgUsage = (orgId: string, period: UsagePeriod, signal?: AbortSignal) =>
  api<UsageResponse>(withQuery(`/me/orgs/${encodeURIComponent(orgId)}/usage`, { period }), { signal });

export const orgUsageQueryOptions = (orgId: string, period: UsagePeriod) =>
  queryOptions({
    queryKey: orgUsageKeys.usage(orgId, period),
    queryFn: ({ signal }) => getOrgUsage(orgId, period, signal),
  });

export const useOrgUsage = (orgId: string | null, period: UsagePeriod) =>
  useQuery({ ...orgUsageQueryOptions(orgId ?? '', period), enabled: orgId !== null });
