import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { keysKeys, type GatewayKey } from './types';

/** POST /me/keys/:id/revoke: revoke one of one's own keys. */
export const revokeMyKey = (id: string) =>
  api<GatewayKey>(`/me/keys/${encodeURIComponent(id)}/revoke`, { method: 'POST' });

export function useRevokeMyKey() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: revokeMyKey, onSuccess: () => invalidateAfterChange(qc, keysKeys.all) });
}
