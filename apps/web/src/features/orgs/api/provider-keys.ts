import type { ProviderKeyStatusBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import type { ConnectionTest } from '../../byok/api/types';
import { orgsKeys, type OrgDetail } from './types';

type OrgKey = OrgDetail['providerKeys'][number];
const keyPath = (orgId: string, providerId: string) =>
  `/orgs/${encodeURIComponent(orgId)}/provider-keys/${encodeURIComponent(providerId)}`;

/** PATCH /orgs/:id/provider-keys/:providerId: turn the org's key off (kept, not routed) or back on. */
export const setOrgKeyStatus = ({
  orgId,
  providerId,
  status,
}: { orgId: string; providerId: string } & ProviderKeyStatusBody) =>
  api<OrgKey>(keyPath(orgId, providerId), { method: 'PATCH', body: { status } });

export function useSetOrgKeyStatus() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: setOrgKeyStatus,
    onSuccess: () => invalidateAfterChange(qc, orgsKeys.all),
  });
}

/** POST /orgs/:id/provider-keys/:providerId/test: a real minimal call with the key; the result is recorded on it. */
export const testOrgKey = ({ orgId, providerId }: { orgId: string; providerId: string }) =>
  api<ConnectionTest>(`${keyPath(orgId, providerId)}/test`, { method: 'POST' });

export function useTestOrgKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: testOrgKey,
    onSettled: () => qc.invalidateQueries({ queryKey: orgsKeys.all }),
  });
}
