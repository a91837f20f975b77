import type { BulkAliasesBody, BulkModelsResult } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys } from './types';

/** POST /llm/routing/aliases/bulk: enable, disable or delete several aliases in one step. */
export const bulkAliases = (body: BulkAliasesBody) =>
  api<BulkModelsResult>('/llm/routing/aliases/bulk', { body: body as unknown as Record<string, unknown> });

export function useBulkAliases() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: bulkAliases,
    onSuccess: () => invalidateAfterChange(qc, routingKeys.aliases),
  });
}
