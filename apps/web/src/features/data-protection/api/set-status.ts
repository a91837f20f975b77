import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { dlpKeys, dlpPath, type DlpPolicyResponse } from './types';

/** PATCH /llm/data-protection/status/:scope: turn an org's, an app's or the global protection on or off. */
export const setDlpStatus = ({ key, enabled }: { key: string; enabled: boolean }) =>
  api<DlpPolicyResponse>(dlpPath('status', key), { method: 'PATCH', body: { enabled } });

export function useSetDlpStatus() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: setDlpStatus,
    // The orgs and apps pages show the same switch (their PII protection flag).
    onSuccess: () => invalidateAfterChange(qc, dlpKeys.all, ['orgs'], ['apps']),
  });
}
