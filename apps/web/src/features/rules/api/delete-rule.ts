import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { rulesKeys } from './types';

/** DELETE /llm/rules/:id. */
export const deleteRule = (id: string) =>
  api<void>(`/llm/rules/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteRule() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: deleteRule, onSuccess: () => invalidateAfterChange(qc, rulesKeys.all) });
}
