import type { FallbackChainBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys, type FallbackChain } from './types';

/** POST /llm/routing/chains (409 when that model already has a chain). */
export const createChain = (body: FallbackChainBody) => api<FallbackChain>('/llm/routing/chains', { body });

export function useCreateChain() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createChain,
    onSuccess: () => invalidateAfterChange(qc, routingKeys.chains),
  });
}
