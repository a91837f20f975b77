import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';
import { dlpKeys, dlpPath, type DlpActivityFilters, type DlpActivityPage } from './types';

export const DLP_ACTIVITY_PAGE_SIZE = 50;

/** GET /llm/data-protection/activity: what protection did, newest first, keyset-paginated through `nextCursor`. */
export const getDlpActivity = (f: DlpActivityFilters, cursor: string | null, signal?: AbortSignal) =>
  api<DlpActivityPage>(withQuery(dlpPath('activity'), { ...f, cursor, limit: DLP_ACTIVITY_PAGE_SIZE }), {
    signal,
  });

export const dlpActivityQueryOptions = (f: DlpActivityFilters) =>
  infiniteQueryOptions({
    queryKey: dlpKeys.activity(f),
    queryFn: ({ pageParam, signal }) => getDlpActivity(f, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useDlpActivity = (f: DlpActivityFilters) => useInfiniteQuery(dlpActivityQueryOptions(f));
