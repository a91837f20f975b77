import type { DlpPolicyInput } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { dlpKeys, dlpPath, type DlpPolicyResponse } from './types';

/** PUT /llm/data-protection/policies/:scope: replace the scope's detectors and custom rules. */
export const putDlpPolicy = ({ key, policy }: { key: string; policy: DlpPolicyInput }) =>
  api<DlpPolicyResponse>(dlpPath('policies', key), {
    method: 'PUT',
    body: policy as Record<string, unknown>,
  });

export function usePutDlpPolicy() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: putDlpPolicy,
    onSuccess: (saved) => {
      qc.setQueryData(dlpKeys.policy(saved.key), saved);
      return invalidateAfterChange(qc, dlpKeys.status);
    },
  });
}
