import type { UpdateSettingsBody } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { settingsKeys, type GatewaySettings } from './types';

/** PUT /llm/settings: changes some settings; they apply at once. */
export const updateSettings = (body: UpdateSettingsBody) =>
  api<GatewaySettings>('/llm/settings', { method: 'PUT', body: body as Record<string, unknown> });

export function useUpdateSettings() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: updateSettings,
    onSuccess: (data) => {
      qc.setQueryData(settingsKeys.all, data);
      return invalidateAfterChange(qc, settingsKeys.all);
    },
  });
}
