import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { routingKeys, type RoutingRules } from './types';

/** GET /llm/routing/rules: the global strategy, what each strategy does, the attempt cap. */
export const getRoutingRules = (signal?: AbortSignal) => api<RoutingRules>('/llm/routing/rules', { signal });

export const routingRulesQueryOptions = () =>
  queryOptions({ queryKey: routingKeys.rules, queryFn: ({ signal }) => getRoutingRules(signal) });

export const useRoutingRules = () => useQuery(routingRulesQueryOptions());
