import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { experimentsKeys, type ExperimentResults } from './types';

/** GET /llm/experiments/:id/results: figures per variant with their 95% intervals. */
export const getExperimentResults = (id: string, signal?: AbortSignal) =>
  api<ExperimentResults>(`/llm/experiments/${encodeURIComponent(id)}/results`, { signal });

export const experimentResultsQueryOptions = (id: string) =>
  queryOptions({
    queryKey: experimentsKeys.results(id),
    queryFn: ({ signal }) => getExperimentResults(id, signal),
    // A running experiment's figures grow: refresh them while the page is open.
    refetchInterval: 10_000,
  });

export const useExperimentResults = (id: string | null) =>
  useQuery({ ...experimentResultsQueryOptions(id ?? ''), enabled: id !== null });
