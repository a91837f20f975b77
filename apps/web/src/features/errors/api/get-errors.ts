import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';

export interface ErrorReport {
  id: string;
  createdAt: string;
  source: string;
  type: string;
  model: string | null;
  provider: string | null;
  message: string;
  user: { id: string; email: string | null } | null;
  app: { id: string; name: string | null } | null;
  requestId: string | null;
  /** The client tool that sent the failed request and its version, from its user-agent (null on older reports). */
  client: { tool: string; version: string | null } | null;
  details: unknown;
}

export interface ErrorFilters {
  type?: string;
  source?: string;
  model?: string;
  user?: string;
  from?: string;
  to?: string;
}

export const ERRORS_PAGE_SIZE = 50;

/** GET /llm/errors: error reports, newest first; "Load more" follows `nextCursor`. */
export const getErrors = (f: ErrorFilters, cursor: string | null, signal?: AbortSignal) =>
  api<{ data: ErrorReport[]; nextCursor: string | null }>(
    withQuery('/llm/errors', { ...f, cursor, limit: ERRORS_PAGE_SIZE }),
    { signal },
  );

export const errorsQueryOptions = (f: ErrorFilters) =>
  infiniteQueryOptions({
    queryKey: ['errors', f],
    queryFn: ({ pageParam, signal }) => getErrors(f, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useErrors = (f: ErrorFilters) => useInfiniteQuery(errorsQueryOptions(f));
