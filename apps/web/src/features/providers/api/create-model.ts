import type { CreateModelBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { modelsKeys, providersKeys, type RegistryModel } from './types';

/** POST /llm/models: one registry entry (here: a model the connection test discovered). */
export const createModel = (body: CreateModelBody) => api<RegistryModel>('/llm/models', { body });

export function useCreateModel() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createModel, onSuccess: () => invalidateAfterChange(qc, modelsKeys.all, providersKeys.all) });
}
