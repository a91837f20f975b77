import type { CreateRuleInput } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { rulesKeys, type Rule } from './types';

/** POST /llm/rules. */
export const createRule = (body: CreateRuleInput) => api<Rule>('/llm/rules', { body });

export function useCreateRule() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createRule, onSuccess: () => invalidateAfterChange(qc, rulesKeys.all) });
}
