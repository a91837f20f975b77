import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { orgsKeys, type OrgDetail } from './types';

/** GET /orgs/:id: one organization with its members and provider keys (last four only). */
export const getOrg = (id: string, signal?: AbortSignal) =>
  api<OrgDetail>(`/orgs/${encodeURIComponent(id)}`, { signal });

export const orgQueryOptions = (id: string) =>
  queryOptions({ queryKey: orgsKeys.detail(id), queryFn: ({ signal }) => getOrg(id, signal) });

export const useOrg = (id: string | null) => useQuery({ ...orgQueryOptions(id ?? ''), enabled: !!id });
