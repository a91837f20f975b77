import type { ProviderKeyStatusBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { byokKeys, type ByokKey } from './types';

/** PATCH /me/byok/:providerId: turn my key off (kept, not used) or back on. */
export const setByokStatus = ({ providerId, status }: { providerId: string } & ProviderKeyStatusBody) =>
  api<ByokKey>(`/me/byok/${encodeURIComponent(providerId)}`, { method: 'PATCH', body: { status } });

export function useSetByokStatus() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: setByokStatus,
    onSuccess: () => invalidateAfterChange(qc, byokKeys.mine),
  });
}
