import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { experimentsKeys, type Experiment } from './types';

/** GET /llm/experiments: every experiment, newest first. */
export const getExperiments = (signal?: AbortSignal) =>
  api<{ data: Experiment[] }>('/llm/experiments', { signal }).then((r) => r.data);

export const experimentsQueryOptions = () =>
  queryOptions({ queryKey: experimentsKeys.list, queryFn: ({ signal }) => getExperiments(signal) });

export const useExperiments = () => useQuery(experimentsQueryOptions());
