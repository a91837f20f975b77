import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { byokKeys, type ConnectionTest } from './types';

/** POST /me/byok/:providerId/test: a real, minimal call (the provider's model list) with the stored key. */
export const testByok = (providerId: string) =>
  api<ConnectionTest>(`/me/byok/${encodeURIComponent(providerId)}/test`, { method: 'POST' });

export function useTestByok() {
  const qc = useQueryClient();
  // The test updates the key's status and last-tested time.
  return useMutation({
    mutationFn: testByok,
    onSettled: () => qc.invalidateQueries({ queryKey: byokKeys.mine }),
  });
}
