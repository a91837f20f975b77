import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { providersKeys, type ProviderHealthDetail } from './types';

/** POST /llm/providers/:id/health/check: run the provider's health check now; answers its health after it. */
export const checkProvider = (id: string) =>
  api<ProviderHealthDetail>(`/llm/providers/${encodeURIComponent(id)}/health/check`, { method: 'POST' });

export function useCheckProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: checkProvider,
    onSuccess: (detail, id) => qc.setQueryData(providersKeys.health(id), detail),
    onSettled: () => qc.invalidateQueries({ queryKey: providersKeys.list }),
  });
}
