import type { ImportAgentsResult } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { agentsKeys } from './types';

/** POST /llm/agents/import: model_config.yaml (dryRun: what would change). */
export const importAgents = (body: { yaml: string; replace?: boolean; dryRun?: boolean }) =>
  api<ImportAgentsResult>('/llm/agents/import', { body });

export function useImportAgents() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: importAgents,
    onSuccess: () => invalidateAfterChange(qc, agentsKeys.all),
  });
}
