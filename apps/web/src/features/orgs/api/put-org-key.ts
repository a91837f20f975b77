import type { OrgProviderKey, PutByokBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { orgKeyPath, orgsKeys } from './types';

/**
 * PUT /orgs/:id/provider-keys/:providerId: add the org's key for a provider, or replace the one there is. The
 * answer holds the key's last four characters, never the key.
 */
export const putOrgKey = ({
  orgId,
  providerId,
  body,
}: {
  orgId: string;
  providerId: string;
  body: PutByokBody;
}) =>
  api<OrgProviderKey>(orgKeyPath(orgId, providerId), {
    method: 'PUT',
    body,
  });

export function usePutOrgKey() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: putOrgKey, onSuccess: () => invalidateAfterChange(qc, orgsKeys.all) });
}
