import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { rulesKeys, type Rule } from './types';

/** GET /llm/rules: every routing rule, in the order they are tried. */
export const getRules = (signal?: AbortSignal) =>
  api<{ data: Rule[] }>('/llm/rules', { signal }).then((r) => r.data);

export const rulesQueryOptions = () =>
  queryOptions({ queryKey: rulesKeys.list, queryFn: ({ signal }) => getRules(signal) });

export const useRules = () => useQuery(rulesQueryOptions());
