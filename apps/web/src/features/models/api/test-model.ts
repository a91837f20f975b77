import type { ModelHealth } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { modelsKeys } from './types';

/** POST /llm/models/:id/test: a real one-token call to the model, recorded as its last check. */
export const testModel = (id: string) =>
  api<ModelHealth>(`/llm/models/${encodeURIComponent(id)}/test`, { method: 'POST' });

export function useTestModel() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: testModel, onSuccess: () => invalidateAfterChange(qc, modelsKeys.all) });
}
