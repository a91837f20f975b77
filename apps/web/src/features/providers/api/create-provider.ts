import type { CreateProviderBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { providersKeys, routingKeys, type Provider } from './types';

/** POST /llm/providers (409 when the slug is taken; an API key needs a super admin). */
export const createProvider = (body: CreateProviderBody) => api<Provider>('/llm/providers', { body });

export function useCreateProvider() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createProvider,
    onSuccess: () => invalidateAfterChange(qc, providersKeys.all, routingKeys.powerLevels),
  });
}
