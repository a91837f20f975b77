import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { logsKeys, type LogDetail } from './types';

/** GET /llm/logs/:id: one request with its resolver trace and attempts (operators). */
export const getLog = (id: string, signal?: AbortSignal) =>
  api<LogDetail>(`/llm/logs/${encodeURIComponent(id)}`, { signal });

export const logQueryOptions = (id: string) =>
  queryOptions({
    queryKey: logsKeys.one('any', id),
    queryFn: ({ signal }) => getLog(id, signal),
    staleTime: 5 * 60_000,
  });

export const useLog = (id: string | null) => useQuery({ ...logQueryOptions(id ?? ''), enabled: !!id });
