import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys } from './types';

/** DELETE /llm/routing/chains/:id. */
export const deleteChain = (id: string) =>
  api<void>(`/llm/routing/chains/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteChain() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteChain,
    onSuccess: () => invalidateAfterChange(qc, routingKeys.chains),
  });
}
