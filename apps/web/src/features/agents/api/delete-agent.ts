import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { agentsKeys } from './types';

/** DELETE /llm/agents/:id. */
export const deleteAgent = (id: string) =>
  api<void>(`/llm/agents/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteAgent() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: deleteAgent, onSuccess: () => invalidateAfterChange(qc, agentsKeys.all) });
}
