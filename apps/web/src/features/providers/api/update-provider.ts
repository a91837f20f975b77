import type { UpdateProviderBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { providersKeys, routingKeys, type Provider } from './types';

/** PUT /llm/providers/:id: name, base URL, key, priority, fallback, status, rate-limit buckets. */
export const updateProvider = ({ id, body }: { id: string; body: UpdateProviderBody }) =>
  api<Provider>(`/llm/providers/${encodeURIComponent(id)}`, { method: 'PUT', body });

export function useUpdateProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateProvider,
    onSuccess: () => invalidateAfterChange(qc, providersKeys.all, routingKeys.powerLevels),
  });
}
