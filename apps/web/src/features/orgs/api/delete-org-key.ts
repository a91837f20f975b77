import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { orgKeyPath, orgsKeys } from './types';

/** DELETE /orgs/:id/provider-keys/:providerId: the org's members' requests go back to the provider's key. */
export const deleteOrgKey = ({ orgId, providerId }: { orgId: string; providerId: string }) =>
  api<void>(orgKeyPath(orgId, providerId), {
    method: 'DELETE',
  });

export function useDeleteOrgKey() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: deleteOrgKey, onSuccess: () => invalidateAfterChange(qc, orgsKeys.all) });
}
