import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { orgsKeys } from './types';

/** DELETE /orgs/:id/members/:userId. */
export const removeMember = ({ orgId, userId }: { orgId: string; userId: string }) =>
  api<void>(`/orgs/${encodeURIComponent(orgId)}/members/${encodeURIComponent(userId)}`, { method: 'DELETE' });

export function useRemoveMember() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: removeMember, onSuccess: () => invalidateAfterChange(qc, orgsKeys.all) });
}
