import type { CreateModelBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { routingKeys } from '../../providers/api/types';
import { modelsKeys, type RegistryModel } from './types';

/** POST /llm/models: adds a model to the registry. */
export const createModel = (body: CreateModelBody) =>
  api<RegistryModel>('/llm/models', { body: body as unknown as Record<string, unknown> });

export function useCreateModel() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createModel,
    onSuccess: () =>
      // A global model's default marker is the routing settings' default model.
      invalidateAfterChange(qc, modelsKeys.all, routingKeys.rules),
  });
}
