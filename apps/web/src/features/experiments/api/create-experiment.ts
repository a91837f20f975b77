import type { CreateExperimentInput } from '@switchyard/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { invalidateAfterChange } from '../../../lib/invalidate';
import { experimentsKeys, type Experiment } from './types';

/** POST /llm/experiments (a draft until started). */
export const createExperiment = (body: CreateExperimentInput) =>
  api<Experiment>('/llm/experiments', { body });

export function useCreateExperiment() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: createExperiment,
    onSuccess: () => invalidateAfterChange(qc, experimentsKeys.all),
  });
}
