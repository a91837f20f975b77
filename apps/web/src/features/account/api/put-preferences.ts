import type { Preferences, UpdatePreferencesBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { preferencesKeys } from './get-preferences';

/** PUT /me/preferences: change my default model and preferred providers. */
export const putPreferences = (body: UpdatePreferencesBody) =>
  api<Preferences>('/me/preferences', { method: 'PUT', body });

export function usePutPreferences() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: putPreferences,
    onSuccess: () => invalidateAfterChange(qc, preferencesKeys.mine),
  });
}
