import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { providersKeys, type ProviderHealthDetail } from './types';

/**
 * POST /llm/providers/:id/reset: clear the provider's (or one model's) cooldowns, circuits and rate-limit windows
 * on every instance (audited).
 */
export const resetProvider = ({ id, modelId }: { id: string; modelId?: string }) =>
  api<ProviderHealthDetail>(`/llm/providers/${encodeURIComponent(id)}/reset`, {
    method: 'POST',
    body: modelId ? { modelId } : {},
  });

export function useResetProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: resetProvider,
    onSuccess: (detail, v) => qc.setQueryData(providersKeys.health(v.id), detail),
    onSettled: () => qc.invalidateQueries({ queryKey: providersKeys.list }),
  });
}
