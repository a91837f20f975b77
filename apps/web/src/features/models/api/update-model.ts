import type { UpdateModelBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys } from '../../providers/api/types';
import { modelsKeys, type RegistryModel } from './types';

/** PUT /llm/models/:id: changes some fields (the enabled toggle sends just `enabled`). */
export const updateModel = ({ id, body }: { id: string; body: UpdateModelBody }) =>
  api<RegistryModel>(`/llm/models/${encodeURIComponent(id)}`, {
    method: 'PUT',
    body: body as unknown as Record<string, unknown>,
  });

export function useUpdateModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateModel,
    onSuccess: () =>
      // A global model's default marker is the routing settings' default model.
      invalidateAfterChange(qc, modelsKeys.all, routingKeys.rules),
  });
}
