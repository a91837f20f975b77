import type { CreateAliasBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys, type Alias } from './types';

/** POST /llm/routing/aliases (409 when the name is taken in that scope). */
export const createAlias = (body: CreateAliasBody) => api<Alias>('/llm/routing/aliases', { body });

export function useCreateAlias() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createAlias,
    onSuccess: () => invalidateAfterChange(qc, routingKeys.aliases),
  });
}
