import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { logsKeys, type LogFilters, type LogsPage } from './types';

export const MY_LOGS_PAGE_SIZE = 25;

/** GET /me/logs: the caller's own requests, newest first. */
export const getMyLogs = (f: LogFilters, cursor: string | null, signal?: AbortSignal) =>
  api<LogsPage>(withQuery('/me/logs', { ...f, cursor, limit: MY_LOGS_PAGE_SIZE }), { signal });

export const myLogsQueryOptions = (f: LogFilters) =>
  infiniteQueryOptions({
    queryKey: logsKeys.list('self', f),
    queryFn: ({ pageParam, signal }) => getMyLogs(f, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useMyLogs = (f: LogFilters) => useInfiniteQuery(myLogsQueryOptions(f));
