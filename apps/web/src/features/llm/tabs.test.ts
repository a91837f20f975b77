import { describe, expect, it } from 'vitest';
import { legacyLlmTarget } from './tabs';

describe('legacyLlmTarget', () => {
  it.each([
    ['/providers', '', '/llm/providers'],
    ['/providers', '?tab=overview', '/llm/providers'],
    ['/providers', '?tab=routing', '/llm/routing'],
    [
      '/providers',
      '?tab=routing&trace=mock%2Fmock-small&traceStream=1',
      '/llm/routing?trace=mock%2Fmock-small&traceStream=1',
    ],
    ['/providers/', '?period=7d', '/llm/providers?period=7d'],
    ['/models', '?provider=mock&status=enabled', '/llm/models?provider=mock&status=enabled'],
    ['/keys', '?status=revoked', '/llm/keys?status=revoked'],
    ['/usage', '?period=7d&sort=cost', '/llm/spend?period=7d&sort=cost'],
    ['/my-usage', '', null],
    ['/logs', '?model=x', null],
  ])('%s%s -> %s', (path, search, target) => {
    expect(legacyLlmTarget(path, search)).toBe(target);
  });
});
