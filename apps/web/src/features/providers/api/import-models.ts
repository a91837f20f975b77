import type { ImportModelsBody, ImportModelsResult } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { modelsKeys, providersKeys, routingKeys } from './types';

/**
 * POST /llm/providers/:id/models/import: the discovered models checked in the provider dialog, in one step (the
 * catalogue's prices where it knows a model, else unpriced; models already registered are left as they are).
 */
export const importModels = (providerId: string, body: ImportModelsBody) =>
  api<ImportModelsResult>(`/llm/providers/${encodeURIComponent(providerId)}/models/import`, { body });

export function useImportModels() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: ({ providerId, body }: { providerId: string; body: ImportModelsBody }) =>
      importModels(providerId, body),
    onSuccess: () => invalidateAfterChange(qc, modelsKeys.all, providersKeys.all, routingKeys.powerLevels),
  });
}
