import { GOOD_SCORE } from '@switchyard/core';
import { dayRangeToIso } from '../../lib/date-range';
import type { FeedbackEntry, FeedbackFilters } from './api/get-feedback';

export const FEEDBACK_PARAMS = ['rating', 'commented', 'model', 'user', 'from', 'to'] as const;
export type FeedbackParam = (typeof FEEDBACK_PARAMS)[number];

/**
 * The query string as the feedback list's filters (dates are calendar days, local time, both ends inclusive); an
 * unknown rating or comment choice is dropped, and `user` only for operators (a user's list is their own).
 */
export function feedbackFiltersFromParams(
  get: (k: FeedbackParam) => string,
  opts: { operator: boolean },
): FeedbackFilters {
  const f: FeedbackFilters = {};
  const rating = get('rating');
  if (rating === 'bad' || rating === 'good') f.rating = rating;
  const commented = get('commented');
  if (commented === 'true' || commented === 'false') f.commented = commented;
  const model = get('model').trim();
  if (model) f.model = model;
  const user = get('user').trim();
  if (user && opts.operator) f.user = user;
  return { ...f, ...dayRangeToIso(get('from'), get('to')) };
}

/** A score as people read it: 0 (bad) to 1 (good), with its word; under GOOD_SCORE is bad (as the API's `rating`). */
export function scoreLabel(score: number): { text: string; tone: 'ok' | 'danger' } {
  // Two decimals, never rounded across the line (0.499 reads 0.49, not a bad 0.5).
  const bad = score < GOOD_SCORE;
  const shown = (bad ? Math.floor(score * 100 + 1e-9) : Math.round(score * 100)) / 100;
  return bad ? { text: `${shown} bad`, tone: 'danger' } : { text: `${shown} good`, tone: 'ok' };
}

/** The model that answered, as `provider/model`; the model asked for when none answered. */
export function answeredBy(e: Pick<FeedbackEntry, 'provider' | 'model' | 'requestedModel'>): string | null {
  if (e.model) return e.provider ? `${e.provider}/${e.model}` : e.model;
  return e.requestedModel;
}
