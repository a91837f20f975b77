import type { keyModelsSchema } from '@switchyard/core';
import { queryOptions, useQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api-client';

/** `GET /me/keys/:id/models` (the contract's response schema) and one of its entries, with Switchyard's kind. */
export type KeyModels = z.infer<typeof keyModelsSchema>;
export type KeyModel = KeyModels['data'][number];

/** GET /me/keys/:id/models: exactly what the proxy's /v1/models answers for that key (aliases, power levels, models). */
export const getKeyModels = (keyId: string, signal?: AbortSignal) =>
  api<KeyModels>(`/me/keys/${encodeURIComponent(keyId)}/models`, { signal }).then((r) => r.data);

export const keyModelsQueryOptions = (keyId: string) =>
  queryOptions({
    queryKey: ['keys', 'mine', keyId, 'models'] as const,
    queryFn: ({ signal }) => getKeyModels(keyId, signal),
  });

export const useKeyModels = (keyId: string | null) =>
  useQuery({ ...keyModelsQueryOptions(keyId ?? ''), enabled: !!keyId });
