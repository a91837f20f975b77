import type { CreateAppBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { appsKeys, type App } from './types';

/** POST /apps. */
export const createApp = (body: CreateAppBody) => api<App>('/apps', { body });

export function useCreateApp() {
  const qc = useQueryClient();
  return useMutation({ mutationFn: createApp, onSuccess: () => invalidateAfterChange(qc, appsKeys.all) });
}
