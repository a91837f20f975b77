import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { logsKeys, type LogFilters, type LogsPage } from './types';

export const LOGS_PAGE_SIZE = 50;

/** GET /llm/logs: every gateway request, newest first, keyset-paginated through `nextCursor` (operators). */
export const getLogs = (f: LogFilters, cursor: string | null, signal?: AbortSignal) => api<LogsPage>(withQuery('/llm/logs', { ...f, cursor, limit: LOGS_PAGE_SIZE }), { signal });

export const logsQueryOptions = (f: LogFilters) =>
  infiniteQueryOptions({
    queryKey: logsKeys.list('any', f),
    queryFn: ({ pageParam, signal }) => getLogs(f, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useLogs = (f: LogFilters) => useInfiniteQuery(logsQueryOptions(f));
