/**
 * Upstream token figures as the gateway believes them. Every wire's usage parser (whole answers and streams) reads
 * each figure through `tokenFigure`, so what reaches costs, budgets, token-per-minute limits and usage records is
 * always a whole number from 0 to MAX_TOKEN_FIGURE, whatever an upstream sends: a missing figure, a string, a
 * negative number or an absurd one.
 */

/** The most tokens one figure of one answer is believed for: a larger figure counts as this. */
export const MAX_TOKEN_FIGURE = 100_000_000;

/**
 * An upstream's token figure as a count: a number ≥ 0, rounded up to a whole token and capped at MAX_TOKEN_FIGURE;
 * anything else (missing, null, a string, NaN, negative) is no figure: 0. Runs per figure per request: a few
 * comparisons.
 */
export function tokenFigure(v: unknown): number {
  // `!(v >= 0)` also refuses NaN.
  if (typeof v !== 'number' || !(v >= 0)) return 0;
  return v < MAX_TOKEN_FIGURE ? Math.ceil(v) : MAX_TOKEN_FIGURE;
}

/**
 * Whether a usage (read through `tokenFigure`) reports anything: one with neither an input nor an output figure
 * (`usage: {}`, figures that are not numbers, 0/0) is no usage, and the answer is billed by its text instead, whole
 * or streamed alike.
 */
export function reportsUsage(u: { inputTokens: number; outputTokens: number } | null | undefined): boolean {
  return !!u && (u.inputTokens > 0 || u.outputTokens > 0);
}
