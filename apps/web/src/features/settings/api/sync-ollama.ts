import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { settingsKeys, type OllamaSyncResult } from './types';

/** POST /llm/settings/ollama/sync: adds the models the saved Ollama server has to the registry. */
export const syncOllama = () => api<OllamaSyncResult>('/llm/settings/ollama/sync', { method: 'POST' });

export function useSyncOllama() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: syncOllama,
    onSuccess: () => invalidateAfterChange(qc, settingsKeys.all, ['models']),
  });
}
