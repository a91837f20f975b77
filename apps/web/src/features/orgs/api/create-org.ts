import type { CreateOrgBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { orgsKeys, type Org } from './types';

/** POST /orgs. */
export const createOrg = (body: CreateOrgBody) => api<Org>('/orgs', { body });

export function useCreateOrg() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createOrg, onSuccess: () => invalidateAfterChange(qc, orgsKeys.all) });
}
