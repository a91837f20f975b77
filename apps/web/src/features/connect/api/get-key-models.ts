import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';

/** One entry of the proxy's `GET /v1/models` (OpenAI format), with Switchyard's kind. */
export interface KeyModel {
  id: string;
  owned_by: string;
  switchyard_kind: 'alias' | 'power-level' | 'model';
}

/** GET /me/keys/:id/models: exactly what the proxy's /v1/models answers for that key (aliases, power levels, models). */
export const getKeyModels = (keyId: string, signal?: AbortSignal) =>
  api<{ data: KeyModel[] }>(`/me/keys/${encodeURIComponent(keyId)}/models`, { signal }).then((r) => r.data);

export const keyModelsQueryOptions = (keyId: string) =>
  queryOptions({
    queryKey: ['keys', 'mine', keyId, 'models'] as const,
    queryFn: ({ signal }) => getKeyModels(keyId, signal),
  });

export const useKeyModels = (keyId: string | null) =>
  useQuery({ ...keyModelsQueryOptions(keyId ?? ''), enabled: !!keyId });
