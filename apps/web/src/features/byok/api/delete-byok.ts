import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { byokKeys } from './types';

/** DELETE /me/byok/:providerId: requests go back to the org's or the provider's key. */
export const deleteByok = (providerId: string) =>
  api<void>(`/me/byok/${encodeURIComponent(providerId)}`, { method: 'DELETE' });

export function useDeleteByok() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: deleteByok, onSuccess: () => invalidateAfterChange(qc, byokKeys.mine) });
}
