import { describe, expect, it } from 'vitest';
import { formatUsd, plural } from './format';

describe('plural', () => {
  it.each([
    [0, 'request', undefined, '0 requests'],
    [1, 'request', undefined, '1 request'],
    [2345, 'request', undefined, '2,345 requests'],
    [1, 'match', 'matches', '1 match'],
    [3, 'match', 'matches', '3 matches'],
  ])('%d %s', (n, one, many, out) => {
    expect(plural(n, one, many)).toBe(out);
  });
});

describe('formatUsd: one money format everywhere', () => {
  it.each([
    [0, '$0.00'],
    [1234.5, '$1,234.50'],
    [0.0042, '$0.0042'],
    [-2, '-$2.00'],
  ])('%d', (n, out) => {
    expect(formatUsd(n)).toBe(out);
  });
});
