import type { UpdateAppBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { appsKeys, type App } from './types';

/** PATCH /apps/:id: deactivating an app stops its keys. */
export const updateApp = ({ id, body }: { id: string; body: UpdateAppBody }) =>
  api<App>(`/apps/${encodeURIComponent(id)}`, { method: 'PATCH', body });

export function useUpdateApp() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: updateApp, onSuccess: () => invalidateAfterChange(qc, appsKeys.all) });
}
