import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { orgsKeys, type Org } from './types';

/** GET /orgs: every organization with its member count. */
export const getOrgs = (signal?: AbortSignal) =>
  api<{ data: Org[] }>('/orgs', { signal }).then((r) => r.data);

export const orgsQueryOptions = () =>
  queryOptions({ queryKey: orgsKeys.list, queryFn: ({ signal }) => getOrgs(signal) });

export const useOrgs = (opts: { enabled?: boolean } = {}) =>
  useQuery({ ...orgsQueryOptions(), enabled: opts.enabled ?? true });
