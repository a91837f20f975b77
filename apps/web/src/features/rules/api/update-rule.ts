import type { UpdateRuleInput } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { rulesKeys, type Rule } from './types';

/** PATCH /llm/rules/:id. */
export const updateRule = ({ id, body }: { id: string; body: UpdateRuleInput }) =>
  api<Rule>(`/llm/rules/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export function useUpdateRule() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: updateRule, onSuccess: () => invalidateAfterChange(qc, rulesKeys.all) });
}
