import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys } from '../../providers/api/types';
import { modelsKeys } from './types';

/** DELETE /llm/models/:id. */
export const deleteModel = (id: string) =>
  api<void>(`/llm/models/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteModel,
    onSuccess: () =>
      // A global model's default marker is the routing settings' default model.
      invalidateAfterChange(qc, modelsKeys.all, routingKeys.rules),
  });
}
