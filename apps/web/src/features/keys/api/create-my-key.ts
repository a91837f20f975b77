import type { CreateGatewayKeyBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { keysKeys, type CreatedGatewayKey } from './types';

export type CreateMyKeyBody = Omit<CreateGatewayKeyBody, 'ownerType' | 'ownerId'>;

/** POST /me/keys: a key for oneself; the response holds the full key, once. */
export const createMyKey = (body: CreateMyKeyBody) =>
  api<CreatedGatewayKey>('/me/keys', { body: body as Record<string, unknown> });

export function useCreateMyKey() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createMyKey, onSuccess: () => invalidateAfterChange(qc, keysKeys.all) });
}
