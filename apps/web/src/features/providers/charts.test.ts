import { describe, expect, it } from 'vitest';
import type { LlmUsage } from './api/types';
import {
  bucketLabel,
  callsOverTime,
  costByProvider,
  isEmptyChart,
  latencyByProvider,
  PALETTE,
  popularModels,
  successRateByProvider,
  trendLabel,
} from './charts';

const usage: LlmUsage = {
  period: '7d',
  bucket: 'day',
  from: '2026-03-01T00:00:00.000Z',
  to: '2026-03-03T12:00:00.000Z',
  totals: {
    requests: 30,
    errors: 3,
    costUsd: 1.5,
    tokens: 9000,
    savedUsd: 0,
    byokRequests: 0,
    cacheHits: 0,
    cacheSavedUsd: 0,
  },
  deadLetters: { records: 0, costUsd: 0, savedUsd: 0, unreadable: 0, truncated: false },
  series: [
    { t: '2026-03-01T00:00:00.000Z', requests: 10, errors: 1, costUsd: 0.5, tokens: 3000, savedUsd: 0 },
    { t: '2026-03-02T00:00:00.000Z', requests: 0, errors: 0, costUsd: 0, tokens: 0, savedUsd: 0 },
    { t: '2026-03-03T00:00:00.000Z', requests: 20, errors: 2, costUsd: 1, tokens: 6000, savedUsd: 0 },
  ],
  byProvider: [
    {
      providerId: 'p1',
      provider: 'OpenAI',
      slug: 'openai',
      requests: 20,
      cacheHits: 0,
      errors: 1,
      costUsd: 0.4,
      successRate: 0.95,
      avgLatencyMs: 420,
      avgTtftMs: 180,
    },
    {
      providerId: 'p2',
      provider: 'Anthropic',
      slug: 'anthropic',
      requests: 8,
      cacheHits: 0,
      errors: 0,
      costUsd: 1.1,
      successRate: 1,
      avgLatencyMs: 610,
      avgTtftMs: null,
    },
    {
      providerId: null,
      provider: 'no provider (rejected before routing)',
      slug: '',
      requests: 2,
      cacheHits: 0,
      errors: 2,
      costUsd: 0,
      successRate: 0,
      avgLatencyMs: null,
      avgTtftMs: null,
    },
  ],
  byModel: [
    {
      ref: 'anthropic/claude',
      providerId: 'p2',
      modelId: 'claude',
      requests: 8,
      costUsd: 1.1,
      tokens: 2000,
      feedback: null,
    },
    {
      ref: 'openai/gpt-4o-mini',
      providerId: 'p1',
      modelId: 'gpt-4o-mini',
      requests: 20,
      costUsd: 0.4,
      tokens: 7000,
      feedback: { ratings: 3, meanScore: 0.5 },
    },
  ],
  topUsers: [],
};

const colors = new Map([
  ['p1', '#10a37f'],
  ['p2', '#d97706'],
]);

describe('usage chart data', () => {
  it('labels buckets in UTC: hours, days (with the day when hours span several days)', () => {
    expect(bucketLabel('2026-03-01T14:00:00.000Z', 'hour')).toBe('14:00');
    expect(bucketLabel('2026-03-01T14:00:00.000Z', 'hour', true)).toBe('Mar 1 14:00');
    expect(bucketLabel('2026-12-31T00:00:00.000Z', 'day')).toBe('Dec 31');
    expect(bucketLabel('not a date', 'week')).toBe('not a date');
  });

  it('API calls over time: one point per bucket, errors as a second line, zeros kept', () => {
    const d = callsOverTime(usage);
    expect(d.labels).toEqual(['Mar 1', 'Mar 2', 'Mar 3']);
    expect(d.datasets[0]!.data).toEqual([10, 0, 20]);
    expect(d.datasets[1]!.data).toEqual([1, 0, 2]);
  });

  it('cost by provider: only providers that cost something, largest first, in their colours', () => {
    const d = costByProvider(usage, colors);
    expect(d.labels).toEqual(['Anthropic', 'OpenAI']);
    expect(d.datasets[0]!.data).toEqual([1.1, 0.4]);
    expect(d.datasets[0]!.backgroundColor).toEqual(['#d97706', '#10a37f']);
  });

  it('latency by provider leaves out providers without a measurement; a missing TTFT is 0', () => {
    const d = latencyByProvider(usage, colors);
    expect(d.labels).toEqual(['OpenAI', 'Anthropic']);
    expect(d.datasets[0]!.data).toEqual([420, 610]);
    // No time-to-first-token sample (Anthropic here): a gap, not a measured 0 ms.
    expect(d.datasets[1]!.data).toEqual([180, null]);
  });

  it('success rate by provider in percent; an unknown provider gets a palette colour', () => {
    const d = successRateByProvider(usage, colors);
    expect(d.labels).toHaveLength(3);
    expect(d.datasets[0]!.data).toEqual([95, 100, 0]);
    expect((d.datasets[0]!.backgroundColor as string[])[2]).toBe(PALETTE[2]);
  });

  it('popular models ranked by requests', () => {
    const d = popularModels(usage);
    expect(d.labels).toEqual(['openai/gpt-4o-mini', 'anthropic/claude']);
    expect(d.datasets[0]!.data).toEqual([20, 8]);
    expect(popularModels(usage, 1).labels).toEqual(['openai/gpt-4o-mini']);
  });

  it('an empty period draws nothing', () => {
    const empty = {
      ...usage,
      series: usage.series.map((p) => ({ ...p, requests: 0, errors: 0 })),
      byProvider: [],
      byModel: [],
    };
    expect(isEmptyChart(callsOverTime(empty))).toBe(true);
    expect(isEmptyChart(costByProvider(empty))).toBe(true);
    expect(isEmptyChart(popularModels(empty))).toBe(true);
    expect(isEmptyChart(callsOverTime(usage))).toBe(false);
  });
});

describe('stat card trends', () => {
  it('shows the API-computed change, and "new" when there is nothing to compare with', () => {
    expect(trendLabel(12.5)).toEqual({ text: '+12.5%', direction: 'up' });
    expect(trendLabel(-5)).toEqual({ text: '−5%', direction: 'down' });
    expect(trendLabel(0)).toEqual({ text: '0%', direction: 'flat' });
    expect(trendLabel(null)).toEqual({ text: 'new', direction: 'new' });
  });
});
