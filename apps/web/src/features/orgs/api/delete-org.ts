import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { orgsKeys } from './types';

/** DELETE /orgs/:id. */
export const deleteOrg = (id: string) => api<void>(`/orgs/${encodeURIComponent(id)}`, { method: 'DELETE' });

export function useDeleteOrg() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: deleteOrg,
    onSuccess: () => invalidateAfterChange(qc, orgsKeys.all, ['keys'], ['apps']),
  });
}
