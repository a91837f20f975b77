import type { ReorderRulesBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { rulesKeys, type Rule } from './types';

/** POST /llm/rules/reorder: every rule id, first tried first. */
export const reorderRules = (body: ReorderRulesBody) =>
  api<{ data: Rule[] }>('/llm/rules/reorder', { body }).then((r) => r.data);

export function useReorderRules() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: reorderRules, onSuccess: () => invalidateAfterChange(qc, rulesKeys.all) });
}
