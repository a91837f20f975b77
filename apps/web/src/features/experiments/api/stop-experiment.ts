import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { experimentsKeys, type Experiment } from './types';

/** POST /llm/experiments/:id/stop. */
export const stopExperiment = (id: string) =>
  api<Experiment>(`/llm/experiments/${encodeURIComponent(id)}/stop`, { method: 'POST' });

export function useStopExperiment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: stopExperiment,
    onSuccess: () => invalidateAfterChange(qc, experimentsKeys.all),
  });
}
