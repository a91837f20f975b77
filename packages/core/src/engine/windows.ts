import type { BucketWindow, BudgetPeriod, WindowUnit } from './types.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1970-01-01 was a Thursday; the first Monday 00:00 UTC is 4 days later. */
const FIRST_MONDAY = 4 * DAY;

const FIXED: Record<Exclude<WindowUnit, 'week' | 'month'>, number> = {
  second: SECOND,
  minute: MINUTE,
  hour: HOUR,
  day: DAY,
};

/**
 * Start of the fixed window containing `now`, aligned to UTC: seconds/minutes/hours/days on multiples of the
 * window length since the epoch, weeks on Mondays 00:00 UTC, months on the 1st 00:00 UTC (size N months counted
 * from January 1970).
 */
export function windowStart(now: number, unit: WindowUnit, size = 1): number {
  const n = Math.max(1, Math.floor(size));
  if (unit === 'week') {
    const len = WEEK * n;
    return Math.floor((now - FIRST_MONDAY) / len) * len + FIRST_MONDAY;
  }
  if (unit === 'month') {
    const d = new Date(now);
    const months = d.getUTCFullYear() * 12 + d.getUTCMonth();
    const start = months - (months % n);
    return Date.UTC(Math.floor(start / 12), start % 12, 1);
  }
  const len = FIXED[unit] * n;
  return Math.floor(now / len) * len;
}

/** End (exclusive) of the window that contains `now`. */
export function windowEnd(now: number, unit: WindowUnit, size = 1): number {
  const n = Math.max(1, Math.floor(size));
  const start = windowStart(now, unit, n);
  if (unit === 'week') return start + WEEK * n;
  if (unit === 'month') {
    const d = new Date(start);
    return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
  }
  return start + FIXED[unit] * n;
}

/**
 * How many slots a rate-limit window is split into. A bucket counts what was admitted in the current slot and in the
 * `WINDOW_SLOTS` slots before it (see {@link windowSlots}): every moment of the last window's length lies in one of
 * them, so no span of that length ever holds more than the limit. The price of that guarantee: a slot stops counting
 * only once all of it is older than the window, so capacity comes back up to one slot (a tenth of the window) later
 * than an exact log of admission times would give it back. Ten keeps a check to eleven counter reads per bucket.
 */
export const WINDOW_SLOTS = 10;

/**
 * The slot length (ms) of a sliding rate-limit window (slots are aligned to multiples of it since the epoch); 0 for a
 * month window, which stays a calendar month (1st 00:00 UTC; N months from January 1970): months differ in length,
 * and a monthly allowance (a user's calls on their own keys, a provider plan's quota) is counted per calendar month
 * like the budgets.
 */
export function slotLength(unit: WindowUnit, size = 1): number {
  if (unit === 'month') return 0;
  return ((unit === 'week' ? WEEK : FIXED[unit]) * Math.max(1, Math.floor(size))) / WINDOW_SLOTS;
}

/**
 * A rate-limit window in words, for messages: 'minute', '15 minutes', 'hour', '2 days', 'week', 'calendar month'
 * (a month window counts calendar months, see {@link slotLength}).
 */
export function windowPhrase(w: BucketWindow): string {
  const n = Math.max(1, Math.floor(w.size));
  const unit = w.unit === 'month' ? 'calendar month' : w.unit;
  return n === 1 ? unit : `${n} ${unit}s`;
}

/** What a bucket allows, for messages: '10 requests per minute', '20000 tokens per 5 minutes'. */
export function rateLimitPhrase(limit: number, unit: 'requests' | 'tokens', w: BucketWindow): string {
  return `${limit} ${unit} per ${windowPhrase(w)}`;
}

/** Budget periods: a user's weekly cap resets Monday 00:00 UTC; org caps monthly; lifetime never. */
export function periodStart(now: number, period: BudgetPeriod): number {
  return period === 'lifetime' ? 0 : windowStart(now, period, 1);
}

export function periodEnd(now: number, period: BudgetPeriod): number | null {
  return period === 'lifetime' ? null : windowEnd(now, period, 1);
}

/** Alias of {@link windowEnd}: when the window containing `now` ends (exclusive, ms epoch). */
export const windowEndsAt = windowEnd;
