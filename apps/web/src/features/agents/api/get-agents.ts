import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { agentsKeys, type Agent } from './types';

/** GET /llm/agents: every agent configuration. */
export const getAgents = (signal?: AbortSignal) =>
  api<{ data: Agent[] }>('/llm/agents', { signal }).then((r) => r.data);

export const agentsQueryOptions = () =>
  queryOptions({ queryKey: agentsKeys.list, queryFn: ({ signal }) => getAgents(signal) });

export const useAgents = () => useQuery(agentsQueryOptions());
