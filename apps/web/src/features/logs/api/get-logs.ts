import {
  infiniteQueryOptions,
  useInfiniteQuery,
  type InfiniteData,
  type QueryClient,
} from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { logsKeys, type LogFilters, type LogsPage } from './types';

export const LOGS_PAGE_SIZE = 50;

/** GET /llm/logs: every gateway request, newest first, keyset-paginated through `nextCursor` (operators). */
export const getLogs = (f: LogFilters, cursor: string | null, signal?: AbortSignal) =>
  api<LogsPage>(withQuery('/llm/logs', { ...f, cursor, limit: LOGS_PAGE_SIZE }), { signal });

export const logsQueryOptions = (f: LogFilters) =>
  infiniteQueryOptions({
    queryKey: logsKeys.list('any', f),
    queryFn: ({ pageParam, signal }) => getLogs(f, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useLogs = (f: LogFilters) => useInfiniteQuery(logsQueryOptions(f));

/**
 * Live tail: fetch the newest page for these filters and put the rows not shown yet at the top of the first page
 * (later pages and their cursors stay as they are). When every fetched row is new, rows may be missing between them
 * and what is shown, so the whole list is refetched instead.
 */
export async function prependNewestLogs(qc: QueryClient, f: LogFilters): Promise<void> {
  const key = logsKeys.list('any', f);
  const old = qc.getQueryData<InfiniteData<LogsPage, string | null>>(key);
  if (!old?.pages.length) return;
  const fresh = await getLogs(f, null);
  qc.setQueryData<InfiniteData<LogsPage, string | null>>(key, (cur) => {
    if (!cur?.pages.length) return cur;
    const seen = new Set(cur.pages.flatMap((p) => p.data.map((r) => r.id)));
    const added = fresh.data.filter((r) => !seen.has(r.id));
    if (added.length === 0) return cur;
    const [first, ...rest] = cur.pages as [LogsPage, ...LogsPage[]];
    return { ...cur, pages: [{ ...first, data: [...added, ...first.data] }, ...rest] };
  });
  const shown = new Set(old.pages.flatMap((p) => p.data.map((r) => r.id)));
  if (fresh.data.length > 0 && fresh.data.every((r) => !shown.has(r.id)) && fresh.nextCursor !== null)
    await qc.invalidateQueries({ queryKey: key });
}
