import type { BulkModelsBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { modelsKeys, type BulkModelsResult } from './types';

/** POST /llm/models/bulk: enable, disable or delete several models at once. */
export const bulkModels = (body: BulkModelsBody) =>
  api<BulkModelsResult>('/llm/models/bulk', { body: body as unknown as Record<string, unknown> });

export function useBulkModels() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: bulkModels, onSuccess: () => invalidateAfterChange(qc, modelsKeys.all) });
}
