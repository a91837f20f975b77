/**
 * Statistics for experiment results, from summaries the database computes (counts, sums, standard deviations,
 * order statistics): 95% intervals for a rate (Wilson score), for a mean (Student's t) and for a percentile
 * (distribution-free, from order statistics: the ranks whose values bracket the percentile).
 */

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

export interface Interval {
  low: number;
  high: number;
}

export interface RateEstimate extends Interval {
  rate: number;
}

/**
 * Wilson score interval for `k` successes in `n` trials (95% unless `z` is given). Stays inside [0, 1] and is
 * sensible at 0 and n (unlike the normal approximation). n = 0: null.
 */
export function wilsonInterval(k: number, n: number, z = Z95): RateEstimate | null {
  if (!(n > 0) || !Number.isFinite(n) || !Number.isFinite(k)) return null;
  const p = Math.min(1, Math.max(0, k / n));
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131,
  2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/**
 * The 0.975 quantile of Student's t with `df` degrees of freedom: a table to 30, then the Cornish-Fisher
 * expansion around the normal quantile (within 0.001 of the exact value from 31 on).
 */
export function tQuantile975(df: number): number {
  if (!(df >= 1)) return Number.POSITIVE_INFINITY;
  const d = Math.floor(df);
  if (d <= 30) return T975[d - 1]!;
  const z = Z95;
  const z3 = z ** 3;
  const z5 = z ** 5;
  const z7 = z ** 7;
  return (
    z +
    (z3 + z) / (4 * d) +
    (5 * z5 + 16 * z3 + 3 * z) / (96 * d * d) +
    (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * d * d * d)
  );
}

export interface MeanEstimate {
  mean: number;
  /** Null when the sample is too small for an interval (one value, or no spread known). */
  low: number | null;
  high: number | null;
}

/** 95% t interval for a mean from its sample size, mean and sample standard deviation. n = 0: null. */
export function meanInterval(n: number, mean: number, sd: number | null): MeanEstimate | null {
  if (!(n > 0) || !Number.isFinite(mean)) return null;
  if (n === 1 || sd === null || !Number.isFinite(sd)) return { mean, low: null, high: null };
  const half = (tQuantile975(n - 1) * sd) / Math.sqrt(n);
  return { mean, low: mean - half, high: mean + half };
}

/**
 * The 1-based ranks (in ascending order) whose values bound a 95% confidence interval for the `p` quantile of a
 * sample of `n` (the normal approximation to the binomial count below the quantile): the interval is
 * [x(lower), x(upper)]. A bound beyond the sample (too few values) is null: that side is unbounded.
 */
export function quantileRanks(n: number, p: number, z = Z95): { lower: number | null; upper: number | null } {
  if (!(n > 0) || !(p > 0 && p < 1)) return { lower: null, upper: null };
  const centre = n * p;
  const half = z * Math.sqrt(n * p * (1 - p));
  const lower = Math.floor(centre - half);
  const upper = Math.ceil(centre + half) + 1;
  return { lower: lower >= 1 ? lower : null, upper: upper <= n ? upper : null };
}

/** The `p` quantile of ascending `sorted` values by linear interpolation (as PostgreSQL's percentile_cont). */
export function percentileCont(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const pos = (sorted.length - 1) * Math.min(1, Math.max(0, p));
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/**
 * The fraction PostgreSQL's `percentile_disc(f)` needs to return the k-th smallest of n values (1-based): it
 * returns the first value whose cumulative share reaches f, so aim half a rank below k.
 */
export function rankFraction(k: number, n: number): number {
  return Math.min(1, Math.max(0, (k - 0.5) / n));
}
