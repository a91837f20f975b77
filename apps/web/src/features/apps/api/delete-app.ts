import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { appsKeys } from './types';

/** DELETE /apps/:id: the app and its keys. */
export const deleteApp = (id: string) => api<void>(`/apps/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteApp() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteApp,
    onSuccess: () => invalidateAfterChange(qc, appsKeys.all, ['keys']),
  });
}
