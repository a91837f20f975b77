/** Experiment statistics: intervals checked against values from standard tables and references. */
import { describe, expect, it } from 'vitest';
import {
  meanInterval,
  percentileCont,
  quantileRanks,
  rankFraction,
  tQuantile975,
  wilsonInterval,
} from './stats.js';

describe('wilsonInterval', () => {
  it.each([
    // k, n → rate, low, high (reference values of the Wilson score interval, 95%)
    [0, 10, 0, 0, 0.2775],
    [10, 10, 1, 0.7225, 1],
    [5, 10, 0.5, 0.2366, 0.7634],
    [1, 100, 0.01, 0.0018, 0.0545],
    [50, 1000, 0.05, 0.0382, 0.0653],
  ])('%i of %i → %f [%f, %f]', (k, n, rate, low, high) => {
    const w = wilsonInterval(k, n)!;
    expect(w.rate).toBeCloseTo(rate, 4);
    expect(w.low).toBeCloseTo(low, 3);
    expect(w.high).toBeCloseTo(high, 3);
  });
  it('has no interval for an empty sample', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});

describe('tQuantile975', () => {
  it.each([
    [1, 12.706],
    [5, 2.571],
    [30, 2.042],
    [40, 2.021],
    [60, 2.0],
    [120, 1.98],
    [100_000, 1.96],
  ])('df %i → %f', (df, t) => {
    expect(tQuantile975(df)).toBeCloseTo(t, 2);
  });
});

describe('meanInterval', () => {
  it.each([
    // n, mean, sd → low, high
    [10, 100, 20, 85.69, 114.31],
    [2, 1, 1, -7.98, 9.98],
    [400, 0.5, 0.1, 0.4902, 0.5098],
  ])('n %i mean %f sd %f → [%f, %f]', (n, mean, sd, low, high) => {
    const m = meanInterval(n, mean, sd)!;
    expect(m.mean).toBe(mean);
    expect(m.low!).toBeCloseTo(low, 2);
    expect(m.high!).toBeCloseTo(high, 2);
  });
  it('has no bounds for one value and nothing for none', () => {
    expect(meanInterval(1, 5, null)).toEqual({ mean: 5, low: null, high: null });
    expect(meanInterval(0, 0, null)).toBeNull();
  });
});

describe('quantileRanks', () => {
  it.each([
    // n, p → lower rank, upper rank (1-based; null = unbounded)
    [100, 0.5, 40, 61],
    [1000, 0.5, 469, 532],
    [5, 0.5, null, null],
    [20, 0.95, 17, null],
    [1000, 0.95, 936, 965],
  ])('n %i p %f → x(%s)..x(%s)', (n, p, lower, upper) => {
    expect(quantileRanks(n, p)).toEqual({ lower, upper });
  });

  it('covers the true median about 95% of the time (simulated, uniform samples)', () => {
    let seed = 12345;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let covered = 0;
    const trials = 400;
    for (let t = 0; t < trials; t++) {
      const xs = Array.from({ length: 101 }, rnd).sort((a, b) => a - b);
      const { lower, upper } = quantileRanks(xs.length, 0.5);
      if (xs[lower! - 1]! <= 0.5 && 0.5 <= xs[upper! - 1]!) covered++;
    }
    expect(covered / trials).toBeGreaterThan(0.92);
    expect(covered / trials).toBeLessThan(0.99);
  });
});

describe('percentiles', () => {
  it.each([
    [[1, 2, 3, 4], 0.5, 2.5],
    [[10], 0.95, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95, 9.55],
  ])('percentileCont(%j, %f) = %f', (xs, p, v) => {
    expect(percentileCont(xs, p)).toBeCloseTo(v, 6);
  });
  it('rankFraction aims PostgreSQL percentile_disc at the k-th value', () => {
    // percentile_disc(f) returns the value at 1-based position ceil(f * n).
    for (const n of [1, 7, 100, 12345])
      for (const k of [1, Math.ceil(n / 2), n]) expect(Math.ceil(rankFraction(k, n) * n)).toBe(k);
  });
});
