import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { experimentsKeys, type Experiment } from './types';

/** POST /llm/experiments/:id/start. */
export const startExperiment = (id: string) =>
  api<Experiment>(`/llm/experiments/${encodeURIComponent(id)}/start`, { method: 'POST' });

export function useStartExperiment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: startExperiment,
    onSuccess: () => invalidateAfterChange(qc, experimentsKeys.all),
  });
}
