import type { errorReportSchema, errorsPageSchema } from '@switchyard/core';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';

/** An error report and a page of them, as the API answers (the contract's response schemas). */
export type ErrorReport = z.infer<typeof errorReportSchema>;
export type ErrorsPage = z.infer<typeof errorsPageSchema>;

export interface ErrorFilters {
  type?: string;
  source?: string;
  model?: string;
  user?: string;
  from?: string;
  to?: string;
  /** open: not resolved yet; resolved: marked resolved; absent: both. */
  state?: 'open' | 'resolved';
}

export const ERRORS_PAGE_SIZE = 50;

/** GET /llm/errors: error reports, newest first; "Load more" follows `nextCursor`. */
export const getErrors = (f: ErrorFilters, cursor: string | null, signal?: AbortSignal) =>
  api<ErrorsPage>(withQuery('/llm/errors', { ...f, cursor, limit: ERRORS_PAGE_SIZE }), { signal });

export const errorsQueryOptions = (f: ErrorFilters) =>
  infiniteQueryOptions({
    queryKey: ['errors', f],
    queryFn: ({ pageParam, signal }) => getErrors(f, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useErrors = (f: ErrorFilters) => useInfiniteQuery(errorsQueryOptions(f));
