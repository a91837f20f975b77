import { describe, expect, it } from 'vitest';
import type { PowerLevel } from './api/types';
import { powerLevelFeatures } from './power-level-features';

const level = (over: Partial<PowerLevel> = {}): PowerLevel => ({
  id: 'pl1',
  slug: 'eco',
  name: 'Eco',
  description: null,
  tier: 'eco',
  modelRefs: [],
  enabled: true,
  sortOrder: 1,
  models: [],
  price: null,
  unavailable: null,
  ...over,
});

const model = (ref: string, isFallback = false) => ({
  ref,
  provider: 'p',
  modelId: ref,
  priceInputPer1M: 1,
  priceOutputPer1M: 2,
  isFallback,
});

describe('powerLevelFeatures', () => {
  it.each([
    [
      'eco, no chosen models',
      level(),
      [
        'High-volume tasks',
        'Simple queries',
        'Cost-effective',
        'Draws on eco-tier models',
        'Tries the whole tier, in the routing strategy’s order',
        'Users pick it as "eco" (or "auto" with it as their level)',
      ],
    ],
    [
      'precision with three chosen models, one fallback',
      level({
        slug: 'precision',
        tier: 'precision',
        modelRefs: ['a/x', 'b/y', 'c/z'],
        models: [model('a/x'), model('b/y'), model('d/w', true)],
      }),
      [
        'Complex reasoning',
        'High accuracy',
        'Premium quality',
        'Draws on precision-tier models',
        'Tries a/x, b/y and 1 more first, then the rest of the tier',
        '2 models first, 1 as fallback right now',
        'Users pick it as "precision" (or "auto" with it as their level)',
      ],
    ],
    [
      'disabled custom tier',
      level({ slug: 'team', tier: 'special', enabled: false, models: [model('a/x')] }),
      [
        'Draws on special-tier models',
        'Tries the whole tier, in the routing strategy’s order',
        '1 model first right now',
        'Disabled: its chosen models are not used',
      ],
    ],
  ])('%s', (_, l, expected) => {
    expect(powerLevelFeatures(l)).toEqual(expected);
  });
});
