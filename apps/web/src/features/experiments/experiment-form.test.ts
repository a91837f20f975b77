import { describe, expect, it } from 'vitest';
import { experimentBodyOf, experimentFormDefaults, percentTotal, withInterval } from './experiment-form';

describe('experimentBodyOf', () => {
  const filled = {
    ...experimentFormDefaults('chat'),
    name: 'Big vs small',
    variants: [
      { name: 'control', percent: '70', target: 'chat' },
      { name: 'big', percent: '30', target: 'mock/mock-large' },
    ],
  };

  it('turns the form into the API body', () => {
    const r = experimentBodyOf(filled);
    expect(r).toEqual({
      ok: true,
      body: expect.objectContaining({
        name: 'Big vs small',
        alias: 'chat',
        stickiness: 'user',
        startsAt: null,
        endsAt: null,
        variants: [
          { name: 'control', percent: 70, target: 'chat' },
          { name: 'big', percent: 30, target: 'mock/mock-large' },
        ],
      }),
    });
  });

  it.each([
    [
      {
        variants: [
          { name: 'a', percent: '60', target: 'x' },
          { name: 'b', percent: '30', target: 'y' },
        ],
      },
      'sum to 100',
    ],
    [
      {
        variants: [
          { name: 'a', percent: '', target: 'x' },
          { name: 'b', percent: '100', target: 'y' },
        ],
      },
      'variants.0.percent',
    ],
    [{ name: '' }, 'name'],
    [{ startsAt: '2030-01-02T10:00', endsAt: '2030-01-01T10:00' }, 'endsAt'],
  ])('names the first problem of %j', (over, text) => {
    const r = experimentBodyOf({ ...filled, ...over });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toContain(text);
  });

  it('adds the typed percents', () => {
    expect(percentTotal(filled.variants)).toBe(100);
    expect(percentTotal([{ name: 'a', percent: 'x', target: '' }])).toBe(0);
  });
});

describe('withInterval', () => {
  it.each([
    [{ value: 0.5, low: 0.25, high: 0.75 }, '0.5 (0.25–0.75)'],
    [{ value: 3, low: null, high: null }, '3 (n too small)'],
    [null, '—'],
  ])('%j → %s', (e, text) => {
    expect(withInterval(e, String)).toBe(text);
  });
});
