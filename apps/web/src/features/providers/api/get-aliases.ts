import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { routingKeys, type Alias } from './types';

/** GET /llm/routing/aliases: requested names → weighted targets, strategy, fallbacks, scope. */
export const getAliases = (signal?: AbortSignal) =>
  api<{ data: Alias[] }>('/llm/routing/aliases', { signal }).then((r) => r.data);

export const aliasesQueryOptions = () =>
  queryOptions({ queryKey: routingKeys.aliases, queryFn: ({ signal }) => getAliases(signal) });

export const useAliases = () => useQuery(aliasesQueryOptions());
