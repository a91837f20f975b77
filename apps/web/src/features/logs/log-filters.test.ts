import { describe, expect, it } from 'vitest';
import { activeFilters, logFiltersFromParams, logParamsFromForm, splitOutcome } from './log-filters';

const from = (q: Record<string, string>) => (k: string) => q[k] ?? '';

describe('logs filters ↔ query string', () => {
  it('sends only known values, trimmed', () => {
    expect(
      logFiltersFromParams(
        from({
          status: '5xx',
          model: ' mock/mock-small ',
          provider: 'mock',
          user: 'u1',
          byok: 'true',
          key: '',
        }),
      ),
    ).toEqual({
      status: '5xx',
      model: 'mock/mock-small',
      provider: 'mock',
      user: 'u1',
      byok: 'true',
    });
  });
  it('ignores a status or byok value the API would reject', () => {
    expect(logFiltersFromParams(from({ status: 'broken', byok: 'yes' }))).toEqual({});
  });
  it('a day range covers whole local days, both ends inclusive', () => {
    const f = logFiltersFromParams(from({ from: '2030-03-01', to: '2030-03-02' }));
    expect(new Date(f.from!)).toEqual(new Date(2030, 2, 1));
    expect(new Date(f.to!)).toEqual(new Date(2030, 2, 2, 23, 59, 59, 999));
    expect(logFiltersFromParams(from({ from: '2030-02-31' }))).toEqual({});
  });
  it('a submitted form sets every filter key, clearing blanks', () => {
    const out = logParamsFromForm(from({ status: 'ok', model: '  ', provider: 'mock' }));
    expect(out).toEqual({
      status: 'ok',
      model: null,
      provider: 'mock',
      user: null,
      key: null,
      byok: null,
      cache: null,
      tool: null,
      session: null,
      from: null,
      to: null,
    });
  });
  it('the cache filter: hit or miss reach the API, anything else is dropped', () => {
    expect(logFiltersFromParams((k) => (k === 'cache' ? 'hit' : ''))).toEqual({ cache: 'hit' });
    expect(logFiltersFromParams((k) => (k === 'cache' ? 'miss' : ''))).toEqual({ cache: 'miss' });
    expect(logFiltersFromParams((k) => (k === 'cache' ? 'maybe' : ''))).toEqual({});
  });
  it('round-trips: form → query string → API filters', () => {
    const qs = new URLSearchParams();
    for (const [k, v] of Object.entries(
      logParamsFromForm(from({ status: 'error', byok: 'false', user: 'abc' })),
    ))
      if (v) qs.set(k, v);
    expect(qs.toString()).toBe('status=error&user=abc&byok=false');
    expect(logFiltersFromParams((k) => qs.get(k) ?? '')).toEqual({
      status: 'error',
      user: 'abc',
      byok: 'false',
    });
    expect(activeFilters((k) => qs.get(k) ?? '')).toBe(3);
  });
  it('tool and session: a tool name the API accepts (lower-cased), a session id as typed', () => {
    expect(logFiltersFromParams(from({ tool: ' Claude-Code ', session: ' 8c4e4a36-5a1b ' }))).toEqual({
      tool: 'claude-code',
      session: '8c4e4a36-5a1b',
    });
    expect(logFiltersFromParams(from({ tool: 'no spaces allowed', session: 'x'.repeat(101) }))).toEqual({});
  });
  it('splits an attempt outcome', () => {
    expect(splitOutcome('ok')).toEqual({ kind: 'ok' });
    expect(splitOutcome('skipped:rate_limited')).toEqual({ kind: 'skipped', detail: 'rate_limited' });
    expect(splitOutcome('server_error:fallback')).toEqual({ kind: 'server_error', detail: 'fallback' });
  });
});
