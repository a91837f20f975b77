import type { OrgMemberBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { orgsKeys, type OrgDetail } from './types';

/** POST /orgs/:id/members: add a member or change their role. */
export const addMember = ({ orgId, body }: { orgId: string; body: OrgMemberBody }) =>
  api<OrgDetail>(`/orgs/${encodeURIComponent(orgId)}/members`, { body });

export function useAddMember() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: addMember, onSuccess: () => invalidateAfterChange(qc, orgsKeys.all) });
}
