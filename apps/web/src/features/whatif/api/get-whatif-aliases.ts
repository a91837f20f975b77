import type { AliasListItem } from '@switchyard/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { whatIfKeys } from './types';

/**
 * GET /llm/whatif/aliases?orgId=: the aliases that apply to one organization's requests, for an organization
 * admin's what-if: its own (which they may change) and the enabled global ones (operators change those).
 */
export const getWhatIfAliases = (orgId: string, signal?: AbortSignal) =>
  api<{ data: AliasListItem[] }>(withQuery('/llm/whatif/aliases', { orgId }), { signal }).then((r) => r.data);

export const whatIfAliasesQueryOptions = (orgId: string) =>
  queryOptions({
    queryKey: whatIfKeys.aliases(orgId),
    queryFn: ({ signal }) => getWhatIfAliases(orgId, signal),
    staleTime: 30_000,
  });

export const useWhatIfAliases = (orgId: string) => useQuery(whatIfAliasesQueryOptions(orgId));
