import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import type { ConnectionTest } from '../../byok/api/types';
import { orgKeyPath, orgsKeys } from './types';

/** POST /orgs/:id/provider-keys/:providerId/test: a real minimal call with the key; the result is recorded on it. */
export const testOrgKey = ({ orgId, providerId }: { orgId: string; providerId: string }) =>
  api<ConnectionTest>(`${orgKeyPath(orgId, providerId)}/test`, { method: 'POST' });

export function useTestOrgKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: testOrgKey,
    onSettled: () => qc.invalidateQueries({ queryKey: orgsKeys.all }),
  });
}
