import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { experimentsKeys } from './types';

/** DELETE /llm/experiments/:id. */
export const deleteExperiment = (id: string) =>
  api<void>(`/llm/experiments/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteExperiment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteExperiment,
    onSuccess: () => invalidateAfterChange(qc, experimentsKeys.all),
  });
}
