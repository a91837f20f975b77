import { queryOptions, useQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { logsKeys, type LogDetail } from './types';

/** GET /me/logs/:id: one of the caller's own requests with its trace. */
export const getMyLog = (id: string, signal?: AbortSignal) =>
  api<LogDetail>(`/me/logs/${encodeURIComponent(id)}`, { signal });

export const myLogQueryOptions = (id: string) =>
  queryOptions({
    queryKey: logsKeys.one('self', id),
    queryFn: ({ signal }) => getMyLog(id, signal),
    staleTime: 5 * 60_000,
  });

export const useMyLog = (id: string | null) => useQuery({ ...myLogQueryOptions(id ?? ''), enabled: !!id });
