import { describe, expect, it } from 'vitest';
import { initialChecked, modelChoices } from './model-choices';

const type = {
  catalogueModels: [
    { modelId: 'claude-a', displayName: 'A', priceInputPer1M: 3, priceOutputPer1M: 15 },
    { modelId: 'claude-b', displayName: 'B', priceInputPer1M: null, priceOutputPer1M: null },
  ],
};

describe('modelChoices', () => {
  it.each([
    ['not tested yet', null],
    [
      'a failed test',
      { success: false as const, latencyMs: 5, error: { code: 'invalid_key' as const, message: 'no' } },
    ],
    ['a request error', { error: new Error('offline') }],
    ['an empty listing', { success: true as const, latencyMs: 5, modelsAvailable: [] }],
  ])('%s: the catalogue of the type', (_, result) => {
    const c = modelChoices(result, type);
    expect(c.source).toBe('catalogue');
    expect(c.models).toEqual(['claude-a', 'claude-b']);
    expect(c.prices.get('claude-a')).toMatchObject({ priceInputPer1M: 3 });
    expect(initialChecked(c, new Set())).toEqual(new Set());
  });

  it('a passing test: its own listing with the catalogue prices it sent', () => {
    const c = modelChoices(
      {
        success: true,
        latencyMs: 5,
        modelsAvailable: ['m1', 'm2'],
        catalogue: [{ modelId: 'm1', priceInputPer1M: 1, priceOutputPer1M: 2 }],
      },
      type,
    );
    expect(c).toMatchObject({ source: 'discovered', models: ['m1', 'm2'] });
    expect(c.prices.get('m1')).toMatchObject({ priceOutputPer1M: 2 });
    expect(initialChecked(c, new Set(['m2']))).toEqual(new Set(['m1']));
  });

  it('an unknown type and no listing: nothing to offer', () => {
    expect(modelChoices(null, undefined).models).toEqual([]);
  });

  it('more than 25 new models: none checked at first', () => {
    const many = Array.from({ length: 26 }, (_, i) => `m${i}`);
    const c = modelChoices({ success: true, latencyMs: 1, modelsAvailable: many }, type);
    expect(initialChecked(c, new Set()).size).toBe(0);
  });
});
