import type { CreateGatewayKeyBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { keysKeys, type CreatedGatewayKey } from './types';

/** POST /keys: a key for a user, an org or an app; the response holds the full key, once. */
export const createKey = (body: CreateGatewayKeyBody) =>
  api<CreatedGatewayKey>('/keys', { body: body as Record<string, unknown> });

export function useCreateKey() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createKey, onSuccess: () => invalidateAfterChange(qc, keysKeys.all) });
}
