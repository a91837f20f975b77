import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { GLOBAL_DEFAULT_SETTING, modelsKeys } from './types';

/** DELETE /llm/models/:id. */
export const deleteModel = (id: string) =>
  api<void>(`/llm/models/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteModel,
    onSuccess: () => invalidateAfterChange(qc, modelsKeys.all, GLOBAL_DEFAULT_SETTING),
  });
}
