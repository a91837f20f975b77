import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys } from './types';

/** DELETE /llm/routing/aliases/:id. */
export const deleteAlias = (id: string) =>
  api<void>(`/llm/routing/aliases/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteAlias() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteAlias,
    onSuccess: () => invalidateAfterChange(qc, routingKeys.aliases),
  });
}
