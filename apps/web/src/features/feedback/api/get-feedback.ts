import type { feedbackEntrySchema, feedbackPageSchema } from '@switchyard/core';
import { infiniteQueryOptions, useInfiniteQuery } from '@tanstack/react-query';
import type { z } from 'zod';
import { api } from '../../../lib/api-client';
import { withQuery } from '../../../lib/search-params';

/** A score given to a request, and a page of them, as the API answers (the contract's response schemas). */
export type FeedbackEntry = z.infer<typeof feedbackEntrySchema>;
export type FeedbackPage = z.infer<typeof feedbackPageSchema>;

export interface FeedbackFilters {
  rating?: 'bad' | 'good';
  commented?: 'true' | 'false';
  model?: string;
  user?: string;
  from?: string;
  to?: string;
}

/**
 * Whose scores: every one (operators, `/llm/feedback`), the caller's own (`/me/feedback`), or an organization's the
 * caller administers (`/me/orgs/{id}/feedback`).
 */
export type FeedbackScope = 'any' | 'self' | { orgId: string };

const feedbackPath = (scope: FeedbackScope) =>
  scope === 'any'
    ? '/llm/feedback'
    : scope === 'self'
      ? '/me/feedback'
      : `/me/orgs/${encodeURIComponent(scope.orgId)}/feedback`;

export const FEEDBACK_PAGE_SIZE = 50;

/** GET /llm/feedback, /me/feedback or /me/orgs/{id}/feedback: scores newest first; "Load more" follows `nextCursor`. */
export const getFeedback = (
  scope: FeedbackScope,
  f: FeedbackFilters,
  cursor: string | null,
  signal?: AbortSignal,
) =>
  api<FeedbackPage>(
    withQuery(feedbackPath(scope), {
      ...f,
      cursor,
      limit: FEEDBACK_PAGE_SIZE,
    }),
    { signal },
  );

export const feedbackQueryOptions = (scope: FeedbackScope, f: FeedbackFilters) =>
  infiniteQueryOptions({
    queryKey: ['feedback', scope, f],
    queryFn: ({ pageParam, signal }) => getFeedback(scope, f, pageParam, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });

export const useFeedback = (scope: FeedbackScope, f: FeedbackFilters) =>
  useInfiniteQuery(feedbackQueryOptions(scope, f));
