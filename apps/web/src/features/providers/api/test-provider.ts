import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { providersKeys, type ConnectionTest } from './types';

/** POST /llm/providers/:id/test: a real minimal call with the stored key; records the outcome on the provider. */
export const testProvider = (id: string) =>
  api<ConnectionTest>(`/llm/providers/${encodeURIComponent(id)}/test`, { method: 'POST' });

export function useTestProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: testProvider,
    onSettled: () => qc.invalidateQueries({ queryKey: providersKeys.list }),
  });
}
