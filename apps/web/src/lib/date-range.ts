import { parseLocalDate } from './forms';

/**
 * Calendar days from the query string (`YYYY-MM-DD`, local time) as an API range: `from` is the start of that day and
 * `to` the last millisecond of its day (the read-side APIs take both ends inclusive). Bad dates are dropped.
 */
export function dayRangeToIso(from: string, to: string): { from?: string; to?: string } {
  const out: { from?: string; to?: string } = {};
  const f = parseLocalDate(from);
  if (f) out.from = f.toISOString();
  const t = parseLocalDate(to);
  if (t) {
    t.setHours(23, 59, 59, 999);
    out.to = t.toISOString();
  }
  return out;
}
