import type { OrgProviderKey, ProviderKeyStatusBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { orgKeyPath, orgsKeys } from './types';

/** PATCH /orgs/:id/provider-keys/:providerId: turn the org's key off (kept, not routed) or back on. */
export const setOrgKeyStatus = ({
  orgId,
  providerId,
  status,
}: { orgId: string; providerId: string } & ProviderKeyStatusBody) =>
  api<OrgProviderKey>(orgKeyPath(orgId, providerId), { method: 'PATCH', body: { status } });

export function useSetOrgKeyStatus() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: setOrgKeyStatus,
    onSuccess: () => invalidateAfterChange(qc, orgsKeys.all),
  });
}
