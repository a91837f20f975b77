import { dayRangeToIso } from '../../lib/date-range';
import type { ErrorFilters } from './api/get-errors';

export const ERROR_PARAMS = ['state', 'type', 'source', 'model', 'user', 'from', 'to'] as const;
export type ErrorParam = (typeof ERROR_PARAMS)[number];

/** The query string as GET /llm/errors filters (dates are calendar days, local time, both ends inclusive). */
export function errorFiltersFromParams(get: (k: ErrorParam) => string): ErrorFilters {
  const f: ErrorFilters = {};
  for (const k of ['type', 'source', 'model', 'user'] as const) {
    const v = get(k).trim();
    if (v) f[k] = v;
  }
  const state = get('state');
  if (state === 'open' || state === 'resolved') f.state = state;
  return { ...f, ...dayRangeToIso(get('from'), get('to')) };
}
