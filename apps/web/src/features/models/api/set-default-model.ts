import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys } from '../../providers/api/types';
import { modelsKeys, type RegistryModel } from './types';

/** POST /llm/models/:id/default: the default for its scope (the previous default loses the mark). */
export const setDefaultModel = (id: string) =>
  api<RegistryModel>(`/llm/models/${encodeURIComponent(id)}/default`, { method: 'POST' });

export function useSetDefaultModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: setDefaultModel,
    onSuccess: () =>
      // A global model's default marker is the routing settings' default model.
      invalidateAfterChange(qc, modelsKeys.all, routingKeys.rules),
  });
}
