import type { UpdateAgentBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { agentsKeys, type Agent } from './types';

/** PATCH /llm/agents/:id. */
export const updateAgent = ({ id, body }: { id: string; body: UpdateAgentBody }) =>
  api<Agent>(`/llm/agents/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export function useUpdateAgent() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: updateAgent, onSuccess: () => invalidateAfterChange(qc, agentsKeys.all) });
}
