import { describe, expect, it } from 'vitest';
import {
  bucketForPeriod,
  csvField,
  exportQuery,
  feedbackQuery,
  logsQuery,
  percentChange,
  periodDays,
  userUsageQuery,
} from './index.js';

describe('periods and buckets', () => {
  it.each([
    ['7d', 'hour', 7],
    ['30d', 'day', 30],
    ['90d', 'day', 90],
    ['all', 'week', null],
  ] as const)('%s is charted by %s over %s days', (p, bucket, days) => {
    expect(bucketForPeriod(p)).toBe(bucket);
    expect(periodDays(p)).toBe(days);
  });
});

describe('percentChange', () => {
  it.each([
    [150, 100, 50],
    [50, 100, -50],
    [100, 100, 0],
    [0, 0, 0],
    [5, 0, null],
    [1, 3, -66.7],
  ])('%s vs %s → %s', (c, p, want) => {
    expect(percentChange(c, p)).toBe(want);
  });
});

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['line\nbreak', '"line\nbreak"'],
    ['=SUM(A1)', "'=SUM(A1)"],
    ['@cmd', "'@cmd"],
    [null, ''],
    [-1.5, '-1.5'],
    [true, 'true'],
  ] as const)('%j → %j', (v, want) => {
    expect(csvField(v)).toBe(want);
  });
});

describe('read-side queries', () => {
  it('logs: cursor must be numeric, to not before from, status known', () => {
    expect(logsQuery.parse({ limit: '10', status: 'error', byok: 'true' })).toMatchObject({
      limit: 10,
      status: 'error',
      byok: true,
    });
    expect(logsQuery.safeParse({ cursor: 'abc' }).success).toBe(false);
    expect(logsQuery.safeParse({ from: '2026-02-01', to: '2026-01-01' }).error?.issues[0]?.path).toEqual([
      'to',
    ]);
    expect(logsQuery.safeParse({ status: 'weird' }).success).toBe(false);
    expect(logsQuery.safeParse({ from: 'yesterday' }).success).toBe(false);
  });
  it.each([
    [{}, { limit: 50 }],
    [
      { rating: 'bad', commented: 'true', limit: '5' },
      { rating: 'bad', commented: true, limit: 5 },
    ],
    [
      { rating: 'good', commented: 'false' },
      { rating: 'good', commented: false, limit: 50 },
    ],
    [{ rating: 'meh' }, null],
    [{ commented: 'yes' }, null],
    [{ limit: '0' }, null],
    [{ limit: '201' }, null],
    [{ from: '2026-02-01', to: '2026-01-01' }, null],
    [{ cursor: '' }, null],
  ])('feedback %j', (input, want) => {
    const r = feedbackQuery.safeParse(input);
    if (want === null) expect(r.success).toBe(false);
    else expect(r.data).toEqual(want);
  });
  it('export parses dates; per-user usage has sort defaults', () => {
    expect(exportQuery.parse({ from: '2026-01-01T00:00:00Z' }).from?.toISOString()).toBe(
      '2026-01-01T00:00:00.000Z',
    );
    expect(userUsageQuery.parse({})).toEqual({ period: '30d', sort: 'cost', order: 'desc', limit: 100 });
  });
});
