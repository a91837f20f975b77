import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { modelsKeys, providersKeys, routingKeys } from './types';

/** DELETE /llm/providers/:id: the provider and its models. */
export const deleteProvider = (id: string) =>
  api<void>(`/llm/providers/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteProvider,
    onSuccess: () => invalidateAfterChange(qc, providersKeys.all, routingKeys.all, modelsKeys.all),
  });
}
