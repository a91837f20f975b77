import { describe, expect, it } from 'vitest';
import { alias, caller, config, model, provider } from '../engine/fixtures.test-util.js';
import type { RoutingConfig } from '../engine/types.js';
import { whatIfBody, whatIfChange } from '../schemas/whatif/index.js';
import { applyChange, checkChange, isEmptyChange } from './change.js';
import { simulate, type RecordFacts } from './simulate.js';

// Two providers serving one model id at different prices; a cheap eco model; an alias over both big ones.
const base: RoutingConfig = config({
  providers: [provider({ id: 'pa', slug: 'alpha' }), provider({ id: 'pb', slug: 'beta', priority: 60 })],
  models: [
    model({ id: 'ma', providerId: 'pa', modelId: 'big', priceIn: 10, priceOut: 30, priority: 1 }),
    model({ id: 'mb', providerId: 'pb', modelId: 'big', priceIn: 5, priceOut: 15, priority: 2 }),
    model({ id: 'mc', providerId: 'pb', modelId: 'small', priceIn: 1, priceOut: 2, tier: 'eco' }),
  ],
  aliases: [alias({ name: 'chat', targets: [{ ref: 'alpha/big', weight: 1 }], fallbacks: [] })],
  strategy: 'quality',
});

function rec(over: Partial<RecordFacts> & { id: number }): RecordFacts {
  return {
    at: Date.UTC(2026, 11, 1),
    endpoint: 'chat',
    model: 'chat',
    tokensIn: 1000,
    tokensOut: 500,
    tokensCached: 0,
    maxTokens: null,
    needs: ['chat'],
    costUsd: 0.025, // 1000 × 10 + 500 × 30, ÷ 1e6
    providerId: 'pa',
    providerSlug: 'alpha',
    modelId: 'big',
    orgId: null,
    caller: caller(),
    ...over,
  };
}

describe('applyChange', () => {
  it.each([
    ['strategy', { strategy: 'cost' as const }, (c: RoutingConfig) => c.strategy, 'cost'],
    [
      'a provider disabled by slug',
      { disableProviders: ['beta'] },
      (c: RoutingConfig) => c.providers.map((p) => p.status),
      ['active', 'disabled'],
    ],
    [
      'a provider disabled by id',
      { disableProviders: ['pa'] },
      (c: RoutingConfig) => c.providers.map((p) => p.status),
      ['disabled', 'active'],
    ],
    [
      'a model disabled by ref',
      { disableModels: ['beta/small'] },
      (c: RoutingConfig) => c.models.map((m) => m.enabled),
      [true, true, false],
    ],
    [
      'alias targets, weights and strategy',
      {
        aliases: [
          {
            name: 'chat',
            strategy: 'weighted' as const,
            targets: [
              { ref: 'alpha/big', weight: 3 },
              { ref: 'beta/big', weight: 1 },
            ],
          },
        ],
      },
      (c: RoutingConfig) => [c.aliases[0]!.strategy, c.aliases[0]!.targets],
      [
        'weighted',
        [
          { ref: 'alpha/big', weight: 3 },
          { ref: 'beta/big', weight: 1 },
        ],
      ],
    ],
    [
      'a power level mapping',
      { powerLevels: [{ slug: 'balanced' as const, tier: 'eco' as const, modelRefs: ['beta/small'] }] },
      (c: RoutingConfig) => c.powerLevels.find((p) => p.slug === 'balanced'),
      { slug: 'balanced', tier: 'eco', modelRefs: ['beta/small'], enabled: true },
    ],
    [
      'a model replaced: alias targets renamed, the old one disabled and chained to the new one',
      { replaceModels: [{ from: 'alpha/big', to: 'beta/small' }] },
      (c: RoutingConfig) => [
        c.aliases[0]!.targets,
        c.models.find((m) => m.id === 'ma')!.enabled,
        c.chains['alpha/big'],
      ],
      [[{ ref: 'beta/small', weight: 1 }], false, ['beta/small']],
    ],
  ])('%s', (_name, change, read, expected) => {
    const before = JSON.stringify(base);
    const next = applyChange(base, whatIfChange.parse(change));
    expect(read(next)).toEqual(expected);
    expect(JSON.stringify(base)).toBe(before); // the original is untouched
  });

  it('names what the configuration does not have', () => {
    expect(
      checkChange(
        base,
        whatIfChange.parse({
          disableProviders: ['nope'],
          disableModels: ['alpha/none'],
          aliases: [{ name: 'missing' }, { name: 'chat', targets: [{ ref: 'x/y' }] }],
          replaceModels: [{ from: 'alpha/big', to: 'alpha/big' }],
        }),
      ),
    ).toEqual([
      'No provider "nope".',
      'No model "alpha/none".',
      '"alpha/big" cannot replace itself.',
      'No alias "missing".',
      'Alias "chat": no model "x/y".',
    ]);
    expect(checkChange(base, whatIfChange.parse({ strategy: 'cost', disableProviders: ['pa'] }))).toEqual([]);
    expect(isEmptyChange(whatIfChange.parse({}))).toBe(true);
    expect(isEmptyChange(whatIfChange.parse({ strategy: 'cost' }))).toBe(false);
  });

  it('the run body refuses an inverted or too long range', () => {
    expect(whatIfBody.safeParse({ from: '2026-12-02', to: '2026-12-01' }).success).toBe(false);
    expect(whatIfBody.safeParse({ from: '2026-01-01', to: '2026-12-01' }).success).toBe(false);
    expect(whatIfBody.safeParse({ from: '2026-11-01', to: '2026-12-01' }).success).toBe(true);
  });
});

describe('simulate', () => {
  it('no change: every request keeps its target and its cost', () => {
    const r = simulate([rec({ id: 1 }), rec({ id: 2 })], { current: base, candidate: base });
    expect(r.requests).toBe(2);
    expect(r.changed).toBe(0);
    expect(r.actual.costUsd).toBeCloseTo(0.05, 10);
    expect(r.projected.costUsd).toBeCloseTo(0.05, 10);
    expect(r.current.costUsd).toBeCloseTo(0.05, 10);
    expect(r.unroutable.count).toBe(0);
    expect(r.samples).toEqual([]);
  });

  it('a replaced model: projected cost at the new prices with the real tokens, changed counted per org', () => {
    const candidate = applyChange(
      base,
      whatIfChange.parse({ replaceModels: [{ from: 'alpha/big', to: 'beta/big' }] }),
    );
    const r = simulate(
      [
        rec({ id: 1, orgId: 'o1' }),
        rec({ id: 2, orgId: 'o1', model: 'alpha/big' }), // a direct request lands on the replacement too
        rec({
          id: 3,
          orgId: 'o2',
          model: 'small',
          providerId: 'pb',
          providerSlug: 'beta',
          modelId: 'small',
          costUsd: 0.002,
        }),
      ],
      { current: base, candidate },
    );
    // beta/big: 1000 × 5 + 500 × 15 = 12,500 / 1e6 = 0.0125 each; small: 1000 × 1 + 500 × 2 = 0.002.
    expect(r.projected.costUsd).toBeCloseTo(0.0125 * 2 + 0.002, 10);
    expect(r.actual.costUsd).toBeCloseTo(0.052, 10);
    expect(r.changed).toBe(2);
    expect(r.projected.models.map((m) => [m.ref, m.requests])).toEqual([
      ['beta/big', 2],
      ['beta/small', 1],
    ]);
    expect(r.projected.providers.map((p) => [p.slug, p.requests])).toEqual([['beta', 3]]);
    expect(r.actual.providers.map((p) => [p.slug, p.requests])).toEqual([
      ['alpha', 2],
      ['beta', 1],
    ]);
    expect(r.byOrg).toEqual([
      { orgId: 'o1', requests: 2, actualUsd: 0.05, projectedUsd: 0.025, changed: 2, unroutable: 0 },
      { orgId: 'o2', requests: 1, actualUsd: 0.002, projectedUsd: 0.002, changed: 0, unroutable: 0 },
    ]);
    expect(r.samples.map((s) => [s.id, s.actual, s.projected])).toEqual([
      ['1', 'alpha/big', 'beta/big'],
      ['2', 'alpha/big', 'beta/big'],
    ]);
  });

  it('a disabled provider makes its only model unroutable, with the reason', () => {
    const candidate = applyChange(base, whatIfChange.parse({ disableProviders: ['beta'] }));
    const r = simulate(
      [
        rec({ id: 1 }),
        rec({ id: 2, model: 'small', providerId: 'pb', providerSlug: 'beta', modelId: 'small' }),
      ],
      { current: base, candidate },
    );
    expect(r.unroutable.count).toBe(1);
    expect(r.unroutable.reasons[0]!.code).toBe('no_candidates');
    expect(r.unroutable.reasons[0]!.example).toContain('provider-disabled');
    expect(r.samples).toMatchObject([{ id: '2', projected: null, reason: 'no_candidates' }]);
    expect(r.current.unroutable).toBe(0);
    expect(r.changed).toBe(0);
  });

  it('a context window too small for the recorded prompt is unroutable (context_too_large)', () => {
    const tiny = applyChange(
      { ...base, models: base.models.map((m) => (m.id === 'mb' ? { ...m, contextWindow: 500 } : m)) },
      whatIfChange.parse({ disableProviders: ['alpha'] }),
    );
    const r = simulate([rec({ id: 1, model: 'big' })], { current: base, candidate: tiny });
    expect(r.unroutable.reasons.map((x) => x.code)).toEqual(['no_candidates']);
    const onlyB = simulate([rec({ id: 1, model: 'beta/big' })], { current: base, candidate: tiny });
    expect(onlyB.unroutable.reasons.map((x) => x.code)).toEqual(['context_too_large']);
  });

  it('needs are honoured: a request that needed vision does not go to a model without it', () => {
    const noVision = {
      ...base,
      models: base.models.map((m) => (m.id === 'mb' ? { ...m, capabilities: ['chat'] } : m)),
    };
    const candidate = applyChange(noVision, whatIfChange.parse({ disableProviders: ['alpha'] }));
    const r = simulate([rec({ id: 1, model: 'beta/big', needs: ['chat', 'vision'] })], {
      current: noVision,
      candidate,
    });
    expect(r.unroutable.reasons.map((x) => x.code)).toEqual(['capability_missing']);
  });

  it('weighted aliases split the replay by their weights; a run is reproducible', () => {
    const candidate = applyChange(
      base,
      whatIfChange.parse({
        aliases: [
          {
            name: 'chat',
            strategy: 'weighted',
            targets: [
              { ref: 'alpha/big', weight: 3 },
              { ref: 'beta/big', weight: 1 },
            ],
          },
        ],
      }),
    );
    const records = Array.from({ length: 8 }, (_, i) => rec({ id: i + 1 }));
    const r = simulate(records, { current: base, candidate });
    expect(r.projected.models.map((m) => [m.ref, m.requests]).sort()).toEqual([
      ['alpha/big', 6],
      ['beta/big', 2],
    ]);
    expect(r.changed).toBe(2);
    expect(simulate(records, { current: base, candidate })).toEqual(r);
  });

  it('quota-aware picks are seeded per record: the same records give the same split', () => {
    const candidate = applyChange(
      base,
      whatIfChange.parse({
        aliases: [
          {
            name: 'chat',
            strategy: 'quota-aware',
            targets: [
              { ref: 'alpha/big', weight: 1 },
              { ref: 'beta/big', weight: 1 },
            ],
          },
        ],
      }),
    );
    const records = Array.from({ length: 200 }, (_, i) => rec({ id: i + 1 }));
    const a = simulate(records, { current: base, candidate });
    const b = simulate([...records], { current: base, candidate });
    expect(a).toEqual(b);
    const beta = a.projected.models.find((m) => m.ref === 'beta/big')!.requests;
    expect(beta).toBeGreaterThan(60);
    expect(beta).toBeLessThan(140);
  });

  it('a night rule in the candidate: requests made inside its window (at their own time) move, the others stay', () => {
    const candidate = applyChange(
      base,
      whatIfChange.parse({
        rules: [
          {
            name: 'Night',
            when: { time: { tz: 'UTC', from: '22:00', to: '06:00' } },
            then: { route: 'small' },
          },
        ],
      }),
    );
    const night = Date.UTC(2026, 11, 1, 23, 30);
    const day = Date.UTC(2026, 11, 1, 12, 0);
    const r = simulate([rec({ id: 1, at: night }), rec({ id: 2, at: day })], { current: base, candidate });
    expect(r.changed).toBe(1);
    expect(r.samples.map((x) => [x.id, x.projected])).toEqual([['1', 'beta/small']]);
    // small: 1000 × 1 + 500 × 2 = 0.002; the day request keeps alpha/big at 0.025.
    expect(r.projected.costUsd).toBeCloseTo(0.002 + 0.025, 10);
  });

  it('a header or metadata rule replays with the values the record kept; a record without them stays', () => {
    const candidate = applyChange(
      base,
      whatIfChange.parse({
        rules: [
          {
            name: 'Search',
            when: { headers: [{ name: 'x-team', equals: 'search' }] },
            then: { route: 'small' },
          },
          {
            name: 'Gold',
            when: { metadata: [{ key: 'tier', equals: 'gold' }] },
            then: { route: 'beta/big' },
          },
        ],
      }),
    );
    const r = simulate(
      [
        rec({ id: 1, headers: { 'x-team': 'search' } }),
        rec({ id: 2, metadata: { tier: 'gold' } }),
        rec({ id: 3, headers: { 'x-team': 'ads' } }),
        rec({ id: 4 }),
      ],
      { current: base, candidate },
    );
    expect(r.samples.map((x) => [x.id, x.projected])).toEqual([
      ['1', 'beta/small'],
      ['2', 'beta/big'],
    ]);
    expect(r.changed).toBe(2);
  });

  it('an agent named by header replays to the agent’s model for its effort', () => {
    const withAgent: RoutingConfig = {
      ...base,
      agents: [
        {
          id: 'coder',
          name: 'Coder',
          role: 'Writes code',
          models: { normal: 'alpha/big', heavy: 'beta/big', max: 'beta/small' },
        },
      ],
    };
    const r = simulate([rec({ id: 1, agent: { id: 'coder', effort: 'max' } }), rec({ id: 2 })], {
      current: withAgent,
      candidate: withAgent,
    });
    // Both sides replay the agent's choice: the max effort's model, not the alias the client named.
    expect(r.current.costUsd).toBeCloseTo(0.002 + 0.025, 10);
  });

  it('an empty rule list replays without the configured rules', () => {
    const withRule: RoutingConfig = {
      ...base,
      rules: [
        { id: 'r1', name: 'All to small', enabled: true, order: 0, when: {}, then: { route: 'small' } },
      ],
    };
    const candidate = applyChange(withRule, whatIfChange.parse({ rules: [] }));
    expect(isEmptyChange(whatIfChange.parse({ rules: [] }))).toBe(false);
    const r = simulate([rec({ id: 1 })], { current: withRule, candidate });
    expect(r.current.costUsd).toBeCloseTo(0.002, 10);
    expect(r.projected.costUsd).toBeCloseTo(0.025, 10);
  });

  it('a strategy change reorders bare ids (cost: the cheaper provider)', () => {
    const candidate = applyChange(base, whatIfChange.parse({ strategy: 'cost' }));
    const r = simulate([rec({ id: 1, model: 'big' })], { current: base, candidate });
    expect(r.samples[0]).toMatchObject({ actual: 'alpha/big', projected: 'beta/big' });
    expect(r.projected.costUsd).toBeCloseTo(0.0125, 10);
  });

  it('a power level mapped to an explicit model', () => {
    const candidate = applyChange(
      base,
      whatIfChange.parse({ powerLevels: [{ slug: 'balanced', modelRefs: ['beta/small'] }] }),
    );
    const r = simulate([rec({ id: 1, model: 'auto' })], { current: base, candidate });
    expect(r.samples[0]).toMatchObject({ projected: 'beta/small' });
    expect(r.projected.costUsd).toBeCloseTo(0.002, 10);
  });

  it("the caller's own key pays: nothing projected for the platform", () => {
    const byokCaller = caller({ byok: { pb: { id: 'bk', source: 'byok', usable: true } } });
    const candidate = applyChange(base, whatIfChange.parse({ disableProviders: ['alpha'] }));
    const r = simulate([rec({ id: 1, model: 'big', caller: byokCaller })], {
      current: base,
      candidate,
    });
    expect(r.projected.costUsd).toBe(0);
    expect(r.changed).toBe(1);
  });

  it('count_tokens is free on every side; samples are bounded', () => {
    const candidate = applyChange(base, whatIfChange.parse({ disableProviders: ['alpha'] }));
    const records = Array.from({ length: 30 }, (_, i) =>
      rec({ id: i + 1, model: 'big', endpoint: 'count_tokens', costUsd: 0 }),
    );
    const r = simulate(records, { current: base, candidate, maxSamples: 5 });
    expect(r.projected.costUsd).toBe(0);
    expect(r.changed).toBe(30);
    expect(r.samples).toHaveLength(5);
  });
});
