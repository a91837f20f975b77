import { CLIENT_TOOL_PATTERN } from '@switchyard/core';
import { dayRangeToIso } from '../../lib/date-range';
import type { LogFilters } from './api/types';

/** The logs page's filters as they sit in the query string (`log` is the open drawer, not a filter). */
export const LOG_PARAMS = [
  'status',
  'model',
  'provider',
  'user',
  'key',
  'byok',
  'cache',
  'tool',
  'session',
  'from',
  'to',
] as const;
export type LogParam = (typeof LOG_PARAMS)[number];

export const LOG_STATUSES = [
  { value: 'ok', label: 'Succeeded' },
  { value: 'error', label: 'Failed (any)' },
  { value: '4xx', label: 'Client errors (4xx)' },
  { value: '5xx', label: 'Server errors (5xx)' },
] as const;

const STATUS_VALUES: readonly string[] = LOG_STATUSES.map((s) => s.value);

/**
 * The query string as the API's filters: unknown statuses and byok values are ignored, text is trimmed, and the
 * date range (calendar days, local time) becomes inclusive ISO instants.
 */
export function logFiltersFromParams(get: (k: LogParam) => string): LogFilters {
  const f: LogFilters = {};
  const status = get('status');
  if (STATUS_VALUES.includes(status)) f.status = status as LogFilters['status'];
  for (const k of ['model', 'provider', 'user', 'key'] as const) {
    const v = get(k).trim();
    if (v) f[k] = v;
  }
  const byok = get('byok');
  if (byok === 'true' || byok === 'false') f.byok = byok;
  const cache = get('cache');
  if (cache === 'hit' || cache === 'miss') f.cache = cache;
  // The API accepts tool names of this shape only (any case); anything else would be a 400, so it is not sent.
  const tool = get('tool').trim().toLowerCase();
  if (CLIENT_TOOL_PATTERN.test(tool)) f.tool = tool;
  const session = get('session').trim();
  if (session && session.length <= 100) f.session = session;
  Object.assign(f, dayRangeToIso(get('from'), get('to')));
  return f;
}

/** A filter form's values as query-string changes: every filter key is set or cleared, so stale ones go. */
export function logParamsFromForm(read: (k: LogParam) => string): Record<LogParam, string | null> {
  const out = {} as Record<LogParam, string | null>;
  for (const k of LOG_PARAMS) {
    const v = read(k).trim();
    out[k] = v === '' ? null : v;
  }
  return out;
}

/** How many filters are on (for "Clear" and the empty state's wording). */
export function activeFilters(get: (k: LogParam) => string): number {
  return LOG_PARAMS.filter((k) => get(k).trim() !== '').length;
}

/** 'skipped:rate_limited' → { kind: 'skipped', detail: 'rate_limited' }; 'ok' → { kind: 'ok' }. */
export function splitOutcome(outcome: string): { kind: string; detail?: string } {
  const i = outcome.indexOf(':');
  return i < 0 ? { kind: outcome } : { kind: outcome.slice(0, i), detail: outcome.slice(i + 1) };
}
