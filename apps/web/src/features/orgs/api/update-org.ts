import type { UpdateOrgBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { orgsKeys, type Org } from './types';

/** PATCH /orgs/:id: name, slug, owner, spend cap, rollover, PII protection, status. */
export const updateOrg = ({ id, body }: { id: string; body: UpdateOrgBody }) =>
  api<Org>(`/orgs/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export function useUpdateOrg() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: updateOrg, onSuccess: () => invalidateAfterChange(qc, orgsKeys.all) });
}
