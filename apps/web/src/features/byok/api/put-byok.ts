import type { PutByokBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { byokKeys, type ByokKey } from './types';

/** PUT /me/byok/:providerId: add a key, or rotate (replace) the one there is. */
export const putByok = ({ providerId, body }: { providerId: string; body: PutByokBody }) =>
  api<ByokKey>(`/me/byok/${encodeURIComponent(providerId)}`, { method: 'PUT', body });

export function usePutByok() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: putByok, onSuccess: () => invalidateAfterChange(qc, byokKeys.mine) });
}
