import type { CreateAgentInput } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { agentsKeys, type Agent } from './types';

/** POST /llm/agents. */
export const createAgent = (body: CreateAgentInput) => api<Agent>('/llm/agents', { body });

export function useCreateAgent() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createAgent, onSuccess: () => invalidateAfterChange(qc, agentsKeys.all) });
}
