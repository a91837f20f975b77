import { describe, expect, it } from 'vitest';
import { periodHint, periodSpan } from './period-tabs';

describe('a period in words', () => {
  it.each([
    ['7d', 'the last 7 days', 'in the last 7 days'],
    ['30d', 'the last 30 days', 'in the last 30 days'],
    ['90d', 'the last 90 days', 'in the last 90 days'],
    ['all', 'all time', 'all time'],
  ] as const)('%s → "%s", "%s"', (period, span, hint) => {
    expect(periodSpan(period)).toBe(span);
    expect(periodHint(period)).toBe(hint);
  });
});
