import { describe, expect, it } from 'vitest';
import { dlpActivityQuery, dlpDetail } from './index.js';

describe('dlpDetail: what an activity row says, in words', () => {
  it.each([
    [{ kind: 'email', rule: 'email', action: 'mask', count: 1 }, '1 email masked'],
    [{ kind: 'email', rule: 'email', action: 'mask', count: 2 }, '2 emails masked'],
    [{ kind: 'card', rule: 'card', action: 'block', count: 3 }, '3 card numbers blocked'],
    [{ kind: 'ip', rule: 'ip', action: 'detect', count: 2 }, '2 IP addresses detected'],
    [{ kind: 'custom', rule: 'Badge', action: 'redact', count: 2 }, '2 matches of Badge redacted'],
    [{ kind: 'custom', rule: 'Employee ID', action: 'mask', count: 1 }, '1 match of Employee ID masked'],
  ] as const)('%j → %s', (finding, words) => {
    expect(dlpDetail(finding)).toBe(words);
  });
});

describe('dlpActivityQuery: the activity cursor', () => {
  it.each([
    ['2026-12-06T10:15:00.000Z|42', true],
    ['2026-12-06T10:15:00.000Z|42|3', true],
    ['2026-12-06T10:15:00.000Z|9223372036854775807|1', true],
    ['2026-12-06T10:15:00.000Z|9223372036854775808', false],
    ['2026-12-06T10:15:00.000Z|42|', false],
    ['2026-12-06T10:15:00.000Z|42|1234567', false],
    ['2026-12-06T10:15:00.000Z|42|-1', false],
    ['2026-12-06T10:15:00.000Z', false],
    ['nope', false],
    // A time PostgreSQL cannot hold (no year 0) is bad input, not a server error.
    ['0000-01-01T00:00:00Z|1', false],
    ['2026-13-45T00:00:00Z|1', false],
  ] as const)('%s → %s', (cursor, ok) => {
    expect(dlpActivityQuery.safeParse({ cursor }).success).toBe(ok);
  });
});
