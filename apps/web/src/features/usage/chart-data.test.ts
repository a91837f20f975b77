import { describe, expect, it } from 'vitest';
import type { ProviderUsage } from './api/types';
import { routingShares, weightedMean } from './chart-data';

const p = (provider: string, requests: number): ProviderUsage => ({
  providerId: provider,
  provider,
  slug: provider,
  requests,
  cacheHits: 0,
  errors: 0,
  costUsd: 0,
  successRate: null,
  avgLatencyMs: null,
  avgTtftMs: null,
});

describe('routing shares', () => {
  it('orders by requests and adds up to exactly 100', () => {
    const s = routingShares([p('a', 1), p('b', 1), p('c', 1)]);
    expect(s.map((x) => x.share).reduce((a, b) => a + b, 0)).toBeCloseTo(100, 10);
    expect(s.map((x) => x.share).sort()).toEqual([33.3, 33.3, 33.4]);
    expect(routingShares([p('small', 1), p('big', 3)]).map((x) => [x.provider, x.share])).toEqual([
      ['big', 75],
      ['small', 25],
    ]);
  });
  it('no traffic: every share is 0', () => {
    expect(routingShares([p('a', 0)])).toEqual([{ ...p('a', 0), share: 0 }]);
    expect(routingShares([])).toEqual([]);
  });
});

describe('weighted mean', () => {
  it('weights by requests and skips empty minutes', () => {
    expect(
      weightedMean([
        { value: 100, weight: 1 },
        { value: 200, weight: 3 },
        { value: null, weight: 0 },
      ]),
    ).toBe(175);
    expect(weightedMean([{ value: null, weight: 0 }])).toBeNull();
  });
});
