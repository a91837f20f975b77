import type { UserByok } from '@switchyard/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { byokKeys } from './types';

/** GET /me/byok/usage: my keys' calls and savings, and this month against my monthly BYOK limits. */
export const getMyByokUsage = (signal?: AbortSignal) => api<UserByok>('/me/byok/usage', { signal });

export const myByokUsageQueryOptions = () =>
  queryOptions({ queryKey: byokKeys.usage, queryFn: ({ signal }) => getMyByokUsage(signal) });

export const useMyByokUsage = () => useQuery(myByokUsageQueryOptions());
