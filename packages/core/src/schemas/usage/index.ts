/** Queries of the read side (admin API `/api/v1/llm/usage|stats|logs|errors|export`). */
import { z } from 'zod';
import { isInt64Id, isoDateString, safeString } from '../safe/index.js';
import { CLIENT_TOOL_PATTERN } from '../../client-tool/index.js';

export const USAGE_PERIODS = ['7d', '30d', '90d', 'all'] as const;
export type UsagePeriod = (typeof USAGE_PERIODS)[number];

export const usagePeriodQuery = z.object({ period: z.enum(USAGE_PERIODS).default('30d') });

const isoDate = isoDateString();

/** Chart bucket that fits a period: hours for a week, days up to 90 days, weeks for everything. */
export function bucketForPeriod(period: UsagePeriod): 'hour' | 'day' | 'week' {
  return period === '7d' ? 'hour' : period === 'all' ? 'week' : 'day';
}

/** The period's length in days (null for all time). */
export function periodDays(period: UsagePeriod): number | null {
  return period === 'all' ? null : Number(period.slice(0, -1));
}

/** Percentage change from `previous` to `current`, one decimal; null when there is nothing to compare with. */
export function percentChange(current: number, previous: number): number | null {
  if (previous === 0) return current === 0 ? 0 : null;
  return Math.round(((current - previous) / previous) * 1000) / 10;
}

export const logsQuery = z
  .object({
    cursor: safeString().refine(isInt64Id, 'must be a cursor from a previous page').optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    user: safeString().min(1).optional(),
    key: safeString().min(1).optional(),
    org: safeString().min(1).optional(),
    app: safeString().min(1).optional(),
    provider: safeString().min(1).optional(),
    model: safeString().min(1).max(300).optional(),
    endpoint: safeString().min(1).max(60).optional(),
    status: z.enum(['ok', 'error', '4xx', '5xx']).optional(),
    byok: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    /** Answered from the response cache (`hit`) or not (`miss`). */
    cache: z.enum(['hit', 'miss']).optional(),
    /** The calling tool as the logs name it (`claude-code`, `codex`, `openai-js`, …). */
    tool: z
      .string()
      .trim()
      .toLowerCase()
      .regex(CLIENT_TOOL_PATTERN, 'must be a tool name such as claude-code or codex')
      .optional(),
    /** A coding agent's session id. */
    session: safeString().trim().min(1).max(100).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before "from"', path: ['to'] });
export type LogsQuery = z.infer<typeof logsQuery>;

/** Scores given to requests (`POST /v1/feedback`), newest first: `/api/v1/llm/feedback` and `/api/v1/me/feedback`. */
export const feedbackQuery = z
  .object({
    /** "<updatedAt ISO>|<id>" of the last score of the previous page. */
    cursor: safeString().min(1).max(200).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    /** `bad`: a score under 0.5; `good`: 0.5 or more. */
    rating: z.enum(['bad', 'good']).optional(),
    /** Only scores that came with a comment. */
    commented: z
      .enum(['true', 'false'])
      .transform((v) => v === 'true')
      .optional(),
    user: safeString().min(1).optional(),
    key: safeString().min(1).optional(),
    model: safeString().min(1).max(300).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before "from"', path: ['to'] });
export type FeedbackQuery = z.infer<typeof feedbackQuery>;

/** A score under this is a bad rating (the feedback list's `rating=bad`). */
export const GOOD_SCORE = 0.5;

export const errorsQuery = z
  .object({
    cursor: safeString().min(1).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
    source: safeString().min(1).max(60).optional(),
    type: safeString().min(1).max(120).optional(),
    model: safeString().min(1).max(300).optional(),
    user: safeString().min(1).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
    /** `open`: not resolved yet; `resolved`: marked resolved by an operator; absent: both. */
    state: z.enum(['open', 'resolved']).optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before "from"', path: ['to'] });
export type ErrorsQuery = z.infer<typeof errorsQuery>;

/** Mark error reports resolved (handled) or open again. */
export const resolveErrorsBody = z
  .object({
    ids: z
      .array(safeString().min(1).max(64))
      .min(1, 'must name at least one report')
      .max(200, 'may name at most 200 reports'),
    resolved: z.boolean(),
  })
  .strict();
export type ResolveErrorsBody = z.infer<typeof resolveErrorsBody>;

export const userUsageQuery = z.object({
  period: z.enum(USAGE_PERIODS).default('30d'),
  sort: z.enum(['cost', 'requests', 'tokens', 'saved', 'name']).default('cost'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
export type UserUsageQuery = z.infer<typeof userUsageQuery>;

export const exportQuery = z
  .object({
    user: safeString().min(1).optional(),
    from: isoDate.optional(),
    to: isoDate.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: 'must not be before "from"', path: ['to'] });
export type ExportQuery = z.infer<typeof exportQuery>;

/** One CSV field: quoted when it holds a comma, quote or line break; formulas neutralised for spreadsheets. */
export function csvField(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
