/**
 * Building blocks every admin-API schema uses so that no input reaches the database in a form it cannot store:
 * text without NUL or unpaired surrogates, amounts and integers within their columns, dates within years 1-9999,
 * free-form JSON of bounded depth, and 64-bit ids.
 */
import { z } from 'zod';

/** NUL, or a UTF-16 surrogate without its partner (PostgreSQL text and jsonb hold neither; no one types them). */
// eslint-disable-next-line no-control-regex
const UNSAFE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export const SAFE_TEXT_MESSAGE = 'must not contain NUL or unpaired surrogate characters';

export function isSafeText(s: string): boolean {
  return !UNSAFE_TEXT.test(s);
}

/** `z.string()` that refuses NUL and lone surrogates; chain `.trim().min()...` on it as on any string. */
export function safeString() {
  return z.string().refine(isSafeText, SAFE_TEXT_MESSAGE);
}

/** USD caps and budgets are stored as Decimal(14,6). */
export const MAX_USD = 10_000_000;
export function usdAmount() {
  return z.number().nonnegative('must be 0 or more').max(MAX_USD, `must be at most ${MAX_USD}`);
}

/** PostgreSQL `integer` columns (limits, counts). */
export const MAX_INT32 = 2_147_483_647;

/** Years 1-9999: what ISO 8601 writes with four digits and every backend stores (JavaScript allows ±275760). */
export const MIN_DATE_MS = -62_135_596_800_000; // 0001-01-01T00:00:00.000Z
export const MAX_DATE_MS = 253_402_300_799_999; // 9999-12-31T23:59:59.999Z
export const DATE_RANGE_MESSAGE = 'must be a date between the years 1 and 9999';

export function isDateInRange(d: Date): boolean {
  const t = d.getTime();
  return t >= MIN_DATE_MS && t <= MAX_DATE_MS;
}

/** A date given as an ISO string or epoch milliseconds (as `z.coerce.date`), within years 1-9999. */
export function dateField() {
  return z.coerce.date({ message: 'must be a date' }).refine(isDateInRange, DATE_RANGE_MESSAGE);
}

/** An ISO 8601 date string in a query, within years 1-9999, parsed to a Date. */
export function isoDateString() {
  return safeString()
    .trim()
    .refine((s) => !Number.isNaN(Date.parse(s)), 'must be a date (ISO 8601)')
    .transform((s) => new Date(s))
    .refine(isDateInRange, DATE_RANGE_MESSAGE);
}

/** Free-form JSON (a model's or provider's `config`) may nest this deep, no deeper. */
export const MAX_JSON_DEPTH = 32;

/** Why a JSON value cannot be stored (too deep, unsafe text in a key or a string), or null. Iterative: no recursion. */
export function jsonProblem(value: unknown, maxDepth = MAX_JSON_DEPTH): string | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (!isSafeText(v)) return SAFE_TEXT_MESSAGE;
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    if (depth >= maxDepth) return `is nested too deeply (at most ${maxDepth} levels)`;
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, depth + 1]);
      continue;
    }
    for (const [k, item] of Object.entries(v)) {
      if (!isSafeText(k)) return SAFE_TEXT_MESSAGE;
      stack.push([item, depth + 1]);
    }
  }
  return null;
}

/** A free-form JSON object (`config`): any keys and values, bounded depth, no unsafe text. */
export function jsonObjectField() {
  return z.record(z.string(), z.unknown()).superRefine((v, ctx) => {
    const problem = jsonProblem(v);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** The largest id of a BIGINT (autoincrement) column: usage log ids and their cursors. */
export const MAX_INT64 = 9_223_372_036_854_775_807n;

export function isInt64Id(s: string): boolean {
  return /^\d{1,19}$/.test(s) && BigInt(s) <= MAX_INT64;
}
