import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { keysKeys, type GatewayKey } from './types';

/** POST /keys/:id/revoke: stops the key at once. */
export const revokeKey = (id: string) =>
  api<GatewayKey>(`/keys/${encodeURIComponent(id)}/revoke`, { method: 'POST' });

export function useRevokeKey() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: revokeKey, onSuccess: () => invalidateAfterChange(qc, keysKeys.all) });
}
