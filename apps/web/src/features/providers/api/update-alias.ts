import type { UpdateAliasBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys, type Alias } from './types';

/** PUT /llm/routing/aliases/:id. */
export const updateAlias = ({ id, body }: { id: string; body: UpdateAliasBody }) =>
  api<Alias>(`/llm/routing/aliases/${encodeURIComponent(id)}`, { method: 'PUT', body });

export function useUpdateAlias() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateAlias,
    onSuccess: () => invalidateAfterChange(qc, routingKeys.aliases),
  });
}
