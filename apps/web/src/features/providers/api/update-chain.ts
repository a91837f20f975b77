import type { FallbackChainBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys, type FallbackChain } from './types';

/** PUT /llm/routing/chains/:id: replaces the chain (order matters). */
export const updateChain = ({ id, body }: { id: string; body: FallbackChainBody }) =>
  api<FallbackChain>(`/llm/routing/chains/${encodeURIComponent(id)}`, { method: 'PUT', body });

export function useUpdateChain() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateChain,
    onSuccess: () => invalidateAfterChange(qc, routingKeys.chains),
  });
}
