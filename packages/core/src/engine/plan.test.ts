import { describe, expect, it } from 'vitest';
import { largerContextOnly, plan, type PlanInput, type SkipReason } from './plan.js';
import { mulberry32 } from './rng.js';
import { EMPTY_STATE, budgetKey, bucketKey, modelTarget, type StateView } from './state.js';
import type { BucketConfig, RoutingConfig } from './types.js';
import { alias, caller, config, model, provider, request, stateWith } from './fixtures.test-util.js';

const NOW = Date.UTC(2026, 10, 22, 12, 30, 15);

function run(over: Partial<PlanInput> & { config: RoutingConfig }) {
  return plan({
    request: request(),
    caller: caller(),
    state: EMPTY_STATE,
    now: NOW,
    rng: mulberry32(1),
    ...over,
  });
}

const A = provider({ id: 'a', priority: 10 });
const B = provider({ id: 'b', priority: 20 });
const base = config({
  providers: [A, B],
  models: [
    model({ id: 'm', providerId: 'a' }),
    model({ id: 'm', providerId: 'b' }),
    model({ id: 'big', providerId: 'b', contextWindow: 1_000_000 }),
  ],
});

describe('model resolution', () => {
  it('resolves a direct <slug>/<model> reference to exactly that provider', () => {
    const r = run({ config: base, request: request({ model: 'b/m' }) });
    expect(r.ok && r.attempts.map((a) => a.ref)).toEqual(['b/m']);
    expect(r.trace.lookup.kind).toBe('direct');
  });

  it('resolves a bare model id to every enabled provider serving it', () => {
    const r = run({ config: base, request: request({ model: 'm' }) });
    expect(r.ok && r.attempts.map((a) => a.ref).sort()).toEqual(['a/m', 'b/m']);
    expect(r.trace.lookup.kind).toBe('bare');
  });

  it('prefers the caller org alias over the global alias of the same name', () => {
    const cfg = config({
      ...base,
      aliases: [
        alias({ name: 'chat', targets: [{ ref: 'a/m', weight: 1 }] }),
        alias({ name: 'chat', scope: 'org:o1', targets: [{ ref: 'b/m', weight: 1 }] }),
      ],
    });
    const inOrg = run({ config: cfg, request: request({ model: 'chat' }), caller: caller({ orgId: 'o1' }) });
    const other = run({ config: cfg, request: request({ model: 'chat' }), caller: caller({ orgId: 'o2' }) });
    expect(inOrg.ok && inOrg.attempts[0]!.ref).toBe('b/m');
    expect(inOrg.trace.lookup).toMatchObject({ kind: 'alias', scope: 'org:o1' });
    expect(other.ok && other.attempts[0]!.ref).toBe('a/m');
  });

  it('resolves auto to the caller power level and eco/precision explicitly, constrained to the tier', () => {
    const cfg = config({
      providers: [A],
      models: [
        model({ id: 'cheap', providerId: 'a', tier: 'eco', priceIn: 0.1, priceOut: 0.2 }),
        model({ id: 'mid', providerId: 'a', tier: 'balanced' }),
        model({ id: 'best', providerId: 'a', tier: 'precision', priceIn: 10, priceOut: 30 }),
      ],
    });
    const auto = run({
      config: cfg,
      request: request({ model: 'auto' }),
      caller: caller({ powerLevel: 'precision' }),
    });
    expect(auto.ok && auto.attempts.map((a) => a.modelId)).toEqual(['best']);
    expect(auto.trace.lookup).toMatchObject({ kind: 'power-level', level: 'precision' });
    const eco = run({ config: cfg, request: request({ model: 'eco' }) });
    expect(eco.ok && eco.attempts.map((a) => a.modelId)).toEqual(['cheap']);
  });

  it('tries a power level explicit model refs first, in their order', () => {
    const cfg = config({
      providers: [A, B],
      models: [
        model({ id: 'x', providerId: 'a', tier: 'eco' }),
        model({ id: 'y', providerId: 'b', tier: 'eco', priceIn: 0.01, priceOut: 0.01 }),
      ],
      powerLevels: [{ slug: 'eco', tier: 'eco', modelRefs: ['a/x'], enabled: true }],
    });
    const r = run({ config: cfg, request: request({ model: 'eco' }) });
    expect(r.ok && r.attempts.map((a) => a.ref)).toEqual(['a/x', 'b/y']);
  });

  it('returns a typed unknown_model (404) for a name nothing serves, never throwing', () => {
    const r = run({ config: base, request: request({ model: 'no-such-model' }) });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code: 'unknown_model', httpStatus: 404 });
  });
});

describe('candidate filters: each skip reason', () => {
  const bucket = (over: Partial<BucketConfig> = {}): BucketConfig => ({
    name: 'rpm',
    unit: 'requests',
    limit: 10,
    window: { unit: 'minute', size: 1 },
    models: 'all',
    ...over,
  });
  const cases: { reason: SkipReason; cfg?: RoutingConfig; input?: Partial<PlanInput> }[] = [
    { reason: 'provider-disabled', cfg: config({ ...base, providers: [{ ...A, status: 'disabled' }, B] }) },
    { reason: 'provider-error', cfg: config({ ...base, providers: [{ ...A, status: 'error' }, B] }) },
    {
      reason: 'model-disabled',
      cfg: config({
        ...base,
        models: [model({ id: 'm', providerId: 'a', enabled: false }), ...base.models.slice(1)],
      }),
    },
    { reason: 'model-not-allowed', input: { caller: caller({ allowedModels: ['b/m'] }) } },
    {
      reason: 'capability-missing',
      cfg: config({
        ...base,
        models: [model({ id: 'm', providerId: 'a', capabilities: ['chat'] }), ...base.models.slice(1)],
      }),
      input: { request: request({ needs: ['chat', 'tools'] }) },
    },
    {
      reason: 'context-window',
      cfg: config({
        ...base,
        models: [model({ id: 'm', providerId: 'a', contextWindow: 150 }), ...base.models.slice(1)],
      }),
    },
    {
      reason: 'no-usable-key',
      cfg: config({
        ...base,
        providers: [
          { ...A, key: { id: 'pk', source: 'provider', usable: false, problem: 'env-unresolved' } },
          B,
        ],
      }),
    },
    {
      reason: 'cooldown',
      input: { state: stateWith({ cooldownUntil: (t) => (t === 'a' ? NOW + 5000 : 0) }) },
    },
    {
      reason: 'circuit-open',
      input: {
        state: stateWith({
          circuit: (t) =>
            t === modelTarget('a', 'm') ? { phase: 'open', failures: 3, openedAt: NOW - 1000 } : undefined,
        }),
      },
    },
    {
      reason: 'rate-limited',
      cfg: config({ ...base, providers: [{ ...A, buckets: [bucket()] }, B] }),
      input: {
        state: stateWith({ counter: (k) => (k === bucketKey('provider', 'a', bucket(), NOW) ? 10 : 0) }),
      },
    },
    {
      reason: 'budget-exhausted',
      cfg: config({
        ...base,
        models: [
          model({ id: 'm', providerId: 'a', priceIn: 1000, priceOut: 1000 }),
          model({ id: 'm', providerId: 'b', priceIn: 0, priceOut: 0 }),
        ],
      }),
      input: {
        caller: caller({ budgets: [{ scope: 'user', id: 'u1', limitUsd: 1, period: 'week' }] }),
        state: stateWith({
          spend: (k) => (k === budgetKey({ scope: 'user', id: 'u1', period: 'week' }, NOW) ? 0.9 : 0),
        }),
      },
    },
  ];

  it.each(cases)('skips a/m with $reason and still routes to b/m', ({ reason, cfg, input }) => {
    const r = run({ config: cfg ?? base, request: request({ model: 'm' }), ...input });
    expect(r.skipped.find((s) => s.ref === 'a/m')?.reason).toBe(reason);
    expect(r.trace.candidates.find((c) => c.ref === 'a/m')).toMatchObject({ kept: false, reason });
    expect(r.ok && r.attempts.map((a) => a.ref)).toEqual(['b/m']);
  });

  it('uses the caller BYOK key first, then the org key, then the provider key; skips broken keys without failing', () => {
    const broken = {
      id: 'bk',
      source: 'byok' as const,
      usable: false as const,
      problem: 'decrypt-failed' as const,
    };
    const byok = run({
      config: base,
      request: request({ model: 'a/m' }),
      caller: caller({
        byok: { a: { id: 'byok-1', source: 'byok', usable: true } },
        orgKeys: { a: { id: 'org-1', source: 'org', usable: true } },
      }),
    });
    expect(byok.ok && byok.attempts[0]!.key).toMatchObject({ id: 'byok-1', source: 'byok' });
    const org = run({
      config: base,
      request: request({ model: 'a/m' }),
      caller: caller({ byok: { a: broken }, orgKeys: { a: { id: 'org-1', source: 'org', usable: true } } }),
    });
    expect(org.ok && org.attempts[0]!.key).toMatchObject({ id: 'org-1', source: 'org' });
    const prov = run({
      config: base,
      request: request({ model: 'a/m' }),
      caller: caller({ byok: { a: broken } }),
    });
    expect(prov.ok && prov.attempts[0]!.key.source).toBe('provider');
  });

  it('a key bucket on the caller (RPM) exhausted → 429 rate_limited with the time it has room again', () => {
    const rpm: BucketConfig = {
      name: 'rpm',
      unit: 'requests',
      limit: 5,
      window: { unit: 'minute', size: 1 },
      models: 'all',
    };
    const r = run({
      config: base,
      caller: caller({ buckets: [{ scope: 'key', id: 'k1', bucket: rpm }] }),
      state: stateWith({ counter: (k) => (k === bucketKey('key', 'k1', rpm, NOW) ? 5 : 0) }),
    });
    expect(!r.ok && r.error).toMatchObject({
      code: 'rate_limited',
      httpStatus: 429,
      // The five sit in this slot (12:30:12–12:30:18) of the sliding minute: it leaves the window at 12:31:18.
      resetsAt: Date.UTC(2026, 10, 22, 12, 31, 18),
    });
    expect(!r.ok && r.error.retryAfterMs).toBe(63_000);
  });

  const tpm: BucketConfig = {
    name: 'tpm',
    unit: 'tokens',
    limit: 1000,
    window: { unit: 'minute', size: 1 },
    models: ['m'],
  };
  it('token buckets count the prompt plus expected output', () => {
    const cfg = config({ ...base, providers: [{ ...A, buckets: [tpm] }, B] });
    const state = stateWith({ counter: (k) => (k === bucketKey('provider', 'a', tpm, NOW) ? 850 : 0) });
    const small = run({
      config: cfg,
      state,
      request: request({ model: 'a/m', promptTokens: 50, maxTokens: 50 }),
    });
    expect(small.ok).toBe(true);
    const large = run({
      config: cfg,
      state,
      request: request({ model: 'a/m', promptTokens: 100, maxTokens: 100 }),
    });
    expect(large.ok).toBe(false);
  });

  it('a request for several answers (n) counts the output of each against token buckets and in its estimate', () => {
    const cfg = config({ ...base, providers: [{ ...A, buckets: [tpm] }, B] });
    const one = run({ config: cfg, request: request({ model: 'a/m', promptTokens: 100, maxTokens: 200 }) });
    expect(one.ok).toBe(true);
    const five = run({
      config: cfg,
      request: request({ model: 'a/m', promptTokens: 100, maxTokens: 200, choices: 5 }),
    });
    expect(five.ok).toBe(false);
    const unbounded = run({
      config: base,
      request: request({ model: 'b/m', promptTokens: 100, maxTokens: 200 }),
    });
    const many = run({
      config: base,
      request: request({ model: 'b/m', promptTokens: 100, maxTokens: 200, choices: 5 }),
    });
    expect(unbounded.ok && many.ok).toBe(true);
    if (unbounded.ok && many.ok)
      expect(many.attempts[0]!.estimatedCostUsd).toBeGreaterThan(unbounded.attempts[0]!.estimatedCostUsd * 3);
  });

  it('budget exhausted on every candidate → 402 budget_exhausted naming the limit and when it resets', () => {
    const b = { scope: 'org' as const, id: 'o1', limitUsd: 10, period: 'month' as const };
    const r = run({ config: base, caller: caller({ budgets: [b] }), state: stateWith({ spend: () => 10 }) });
    expect(!r.ok && r.error).toMatchObject({
      code: 'budget_exhausted',
      httpStatus: 402,
      resetsAt: Date.UTC(2026, 11, 1),
    });
    expect(!r.ok && r.error.message).toMatch(/org budget/);
  });

  it('a budget must hold the most a request may cost: without max_tokens, its model’s whole output', () => {
    // $1 left. Model a/m: $1 in and $2 out per 1M tokens, 64,000 output tokens at most.
    const cfg = config({
      ...base,
      models: [model({ id: 'm', providerId: 'a', maxOutputTokens: 64_000, priceOut: 20 })],
    });
    const b = { scope: 'user' as const, id: 'u1', limitUsd: 10, period: 'week' as const };
    const st = stateWith({ spend: () => 9 });
    const capped = run({
      config: cfg,
      caller: caller({ budgets: [b] }),
      state: st,
      request: request({ model: 'a/m', promptTokens: 1000, maxTokens: 1000 }),
    });
    expect(capped.ok && capped.attempts[0]!.reservedCostUsd).toBeCloseTo((1000 + 1000 * 20) / 1e6, 12);
    // Reserved 512 output tokens, this request could spend $1.28 of the $1 left: refused, saying how to ask for less.
    const uncapped = run({
      config: cfg,
      caller: caller({ budgets: [b] }),
      state: st,
      request: request({ model: 'a/m', promptTokens: 1000, maxTokens: null }),
    });
    expect(!uncapped.ok && uncapped.error).toMatchObject({ code: 'budget_exhausted', httpStatus: 402 });
    expect(!uncapped.ok && uncapped.error.message).toMatch(
      /user budget: \$9\.0000 of \$10\.00 \(week\); this request may cost up to \$1\.2810 \(it sets no max_tokens, so its model's whole output, 64000 tokens, is reserved: set max_tokens to reserve less\)/,
    );
  });

  it('a token bucket smaller than a request’s reservation refuses it with no reset time (no wait would help)', () => {
    const tpm: BucketConfig = {
      name: 'tpm',
      unit: 'tokens',
      limit: 2000,
      window: { unit: 'minute', size: 1 },
      models: 'all',
    };
    const cfg = config({
      ...base,
      providers: [{ ...A, buckets: [tpm] }, B],
      models: [model({ id: 'm', providerId: 'a' })],
    });
    const r = run({ config: cfg, request: request({ model: 'a/m', promptTokens: 100, maxTokens: null }) });
    expect(!r.ok && r.error).toMatchObject({ code: 'rate_limited', httpStatus: 429 });
    expect(!r.ok && r.error.retryAfterMs).toBeUndefined();
    expect(!r.ok && r.error.message).toMatch(
      /provider bucket tpm: this request needs up to 4196 tokens, more than the 2000 tokens per minute it allows \(it sets no max_tokens/,
    );
    const fits = run({ config: cfg, request: request({ model: 'a/m', promptTokens: 100, maxTokens: 500 }) });
    expect(fits.ok).toBe(true);
  });

  it('rollover carried over raises the cap; BYOK calls are not charged to budgets', () => {
    const b = { scope: 'org' as const, id: 'o1', limitUsd: 10, period: 'month' as const, carryOverUsd: 5 };
    const withCarry = run({
      config: base,
      caller: caller({ budgets: [b] }),
      state: stateWith({ spend: () => 12 }),
    });
    expect(withCarry.ok).toBe(true);
    const byok = run({
      config: base,
      request: request({ model: 'a/m' }),
      caller: caller({
        budgets: [{ ...b, carryOverUsd: 0 }],
        byok: { a: { id: 'bk', source: 'byok', usable: true } },
      }),
      state: stateWith({ spend: () => 100 }),
    });
    expect(byok.ok && byok.attempts[0]!.key.source).toBe('byok');
  });

  it('a model allow-list blocks everything else with 403 model_not_allowed', () => {
    const r = run({
      config: base,
      request: request({ model: 'b/m' }),
      caller: caller({ allowedModels: ['a/m'] }),
    });
    expect(!r.ok && r.error).toMatchObject({ code: 'model_not_allowed', httpStatus: 403 });
  });

  it('a circuit open longer than openMs lets one probe through', () => {
    const state = stateWith({
      circuit: (t) =>
        t === modelTarget('a', 'm') ? { phase: 'open', failures: 3, openedAt: NOW - 31_000 } : undefined,
    });
    const r = run({ config: base, request: request({ model: 'a/m' }), state });
    expect(r.ok && r.attempts[0]).toMatchObject({ ref: 'a/m', probe: true });
  });
});

describe('global strategies', () => {
  const cfg = (strategy: RoutingConfig['strategy']) =>
    config({
      strategy,
      providers: [A, B, provider({ id: 'c', priority: 30 })],
      models: [
        model({ id: 'm', providerId: 'a', priceIn: 5, priceOut: 15, tier: 'precision', qualityScore: 90 }),
        model({ id: 'm', providerId: 'b', priceIn: 0.1, priceOut: 0.4, tier: 'eco', qualityScore: 40 }),
        model({ id: 'm', providerId: 'c', priceIn: 1, priceOut: 2, tier: 'balanced', qualityScore: 70 }),
      ],
    });
  it.each([
    ['cost', ['b/m', 'c/m', 'a/m']],
    ['quality', ['a/m', 'c/m', 'b/m']],
    // balanced: a = 0.5·1 + 0 = 0.5; b = 0 + 0.5·1 = 0.5; c ≈ 0.5·0.18 + 0.5·0.33 ≈ 0.26 → c first; a/b tie → priority.
    ['balanced', ['c/m', 'a/m', 'b/m']],
  ] as const)('%s orders %j', (strategy, expected) => {
    const r = run({ config: cfg(strategy), request: request({ model: 'm' }) });
    expect(r.ok && r.attempts.map((a) => a.ref)).toEqual(expected);
    expect(r.trace.candidates.every((c) => typeof c.score === 'number')).toBe(true);
  });
});

describe('fallbacks', () => {
  it('appends alias fallbacks, then model chains, then auto-fallback providers, cycle-safe and capped', () => {
    const cfg = config({
      providers: [A, { ...B, autoFallback: true }, provider({ id: 'c', autoFallback: true })],
      models: [
        model({ id: 'm', providerId: 'a' }),
        model({ id: 'n', providerId: 'b' }),
        model({ id: 'o', providerId: 'c' }),
        model({ id: 'n', providerId: 'c' }),
      ],
      aliases: [alias({ name: 'x', targets: [{ ref: 'a/m', weight: 1 }], fallbacks: ['b/n'] })],
      chains: { 'b/n': ['c/o', 'a/m'], 'c/o': ['b/n'] },
    });
    const r = run({ config: cfg, request: request({ model: 'x' }) });
    expect(r.ok && r.attempts.map((a) => [a.ref, a.via, a.isFallback])).toEqual([
      ['a/m', 'alias', false],
      ['b/n', 'alias-fallback', true],
      ['c/o', 'chain', true],
      ['c/n', 'auto-fallback', true],
    ]);
    const capped = run({ config: { ...cfg, maxAttempts: 2 }, request: request({ model: 'x' }) });
    expect(capped.ok && capped.attempts.length).toBe(2);
  });

  it('after a context-window failure only larger windows follow', () => {
    expect(
      largerContextOnly([{ contextWindow: 8000 }, { contextWindow: 200_000 }, { contextWindow: null }], 8000),
    ).toEqual([{ contextWindow: 200_000 }, { contextWindow: null }]);
  });
});

describe('plan input is never fatal', () => {
  it('an empty config, a disabled alias and garbage names give typed results', () => {
    for (const name of ['', '/', 'a/', '/m', 'auto', 'eco', 'x'.repeat(500)]) {
      const r = run({ config: config(), request: request({ model: name }) });
      expect(r.ok).toBe(false);
    }
  });
});

export type { StateView };
