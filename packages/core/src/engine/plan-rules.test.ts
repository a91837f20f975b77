/** More rules of plan(): scoped models, power levels, capabilities, keys, limits, the trace, no-route answers. */
import { describe, expect, it } from 'vitest';
import { plan, type PlanInput } from './plan.js';
import { mulberry32 } from './rng.js';
import { EMPTY_STATE, budgetKey, bucketKey, keyModelTarget, modelTarget } from './state.js';
import type { BucketConfig, Capability, KeyProblem, RoutingConfig } from './types.js';
import {
  alias,
  caller,
  config,
  memoryState,
  model,
  provider,
  request,
  stateWith,
} from './fixtures.test-util.js';

const NOW = Date.UTC(2026, 10, 22, 12, 30, 15); // Sunday

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
const refs = (r: ReturnType<typeof run>) => (r.ok ? r.attempts.map((a) => a.ref) : []);

const A = provider({ id: 'a', priority: 10 });
const B = provider({ id: 'b', priority: 20 });
const base = config({
  providers: [A, B],
  models: [model({ id: 'm', providerId: 'a' }), model({ id: 'm', providerId: 'b' })],
});

describe('scoped models', () => {
  const cfg = config({
    providers: [A, B],
    models: [
      model({ id: 'm', providerId: 'a', priceIn: 1 }),
      model({ id: 'm-org', modelId: 'm', providerId: 'a', scope: 'org:o1', priceIn: 0.5 }),
      model({ id: 'private', providerId: 'b', scope: 'org:o1' }),
      model({ id: 'mine', providerId: 'b', scope: 'user:u7' }),
    ],
  });
  it('an org-scoped model is visible to that org only', () => {
    expect(
      refs(run({ config: cfg, request: request({ model: 'b/private' }), caller: caller({ orgId: 'o1' }) })),
    ).toEqual(['b/private']);
    const other = run({
      config: cfg,
      request: request({ model: 'b/private' }),
      caller: caller({ orgId: 'o2' }),
    });
    expect(!other.ok && other.error.code).toBe('unknown_model');
    expect(run({ config: cfg, request: request({ model: 'private' }) }).ok).toBe(false);
  });
  it('a user-scoped model is visible to that user only', () => {
    expect(
      refs(run({ config: cfg, request: request({ model: 'mine' }), caller: caller({ userId: 'u7' }) })),
    ).toEqual(['b/mine']);
    expect(
      run({ config: cfg, request: request({ model: 'mine' }), caller: caller({ userId: 'u8' }) }).ok,
    ).toBe(false);
  });
  it('the org model replaces the global model with the same ref for its callers', () => {
    const inOrg = run({ config: cfg, request: request({ model: 'a/m' }), caller: caller({ orgId: 'o1' }) });
    expect(inOrg.ok && inOrg.attempts[0]!.modelRegistryId).toBe('m-org');
    const outside = run({ config: cfg, request: request({ model: 'a/m' }), caller: caller({ orgId: 'o2' }) });
    expect(outside.ok && outside.attempts[0]!.modelRegistryId).toBe('m');
  });
});

describe('power levels', () => {
  it('with no model in its tier, eco draws from the cheapest tier that has one and precision from the best', () => {
    const cfg = config({
      providers: [A],
      models: [
        model({ id: 'mid', providerId: 'a', tier: 'balanced' }),
        model({ id: 'top', providerId: 'a', tier: 'precision' }),
      ],
    });
    const eco = run({ config: cfg, request: request({ model: 'eco' }) });
    expect(refs(eco)).toEqual(['a/mid']);
    expect(eco.trace.lookup).toMatchObject({ kind: 'power-level', level: 'eco', tier: 'balanced' });
    const noTop = config({
      providers: [A],
      models: [
        model({ id: 'low', providerId: 'a', tier: 'eco' }),
        model({ id: 'mid', providerId: 'a', tier: 'balanced' }),
      ],
    });
    expect(refs(run({ config: noTop, request: request({ model: 'precision' }) }))).toEqual(['a/mid']);
  });
  it('a tier without explicit refs is the primary set (not fallbacks), ordered by the global strategy', () => {
    const cfg = config({
      strategy: 'cost',
      providers: [A, B],
      models: [
        model({ id: 'x', providerId: 'a', tier: 'eco', priceIn: 2 }),
        model({ id: 'y', providerId: 'b', tier: 'eco', priceIn: 0.1 }),
      ],
    });
    const r = run({ config: cfg, request: request({ model: 'eco' }) });
    expect(r.ok && r.attempts.map((a) => [a.ref, a.isFallback])).toEqual([
      ['b/y', false],
      ['a/x', false],
    ]);
  });
  it('explicit refs first as configured; the rest of the tier follows as fallbacks', () => {
    const cfg = config({
      providers: [A, B],
      models: [
        model({ id: 'x', providerId: 'a', tier: 'eco' }),
        model({ id: 'y', providerId: 'b', tier: 'eco' }),
      ],
      powerLevels: [{ slug: 'eco', tier: 'eco', modelRefs: ['b/y'], enabled: true }],
    });
    const r = run({ config: cfg, request: request({ model: 'eco' }) });
    expect(r.ok && r.attempts.map((a) => [a.ref, a.isFallback])).toEqual([
      ['b/y', false],
      ['a/x', true],
    ]);
  });
  it('auto without a caller level is balanced', () => {
    const cfg = config({
      providers: [A],
      models: [
        model({ id: 'e', providerId: 'a', tier: 'eco' }),
        model({ id: 'b', providerId: 'a', tier: 'balanced' }),
      ],
    });
    expect(
      refs(run({ config: cfg, request: request({ model: 'auto' }), caller: caller({ powerLevel: null }) })),
    ).toEqual(['a/b']);
  });
});

describe('unpriced models stay out of power-level tiers until priced', () => {
  const cfg = (
    over: { powerLevels?: RoutingConfig['powerLevels']; aliases?: RoutingConfig['aliases'] } = {},
  ) =>
    config({
      providers: [A, B],
      models: [
        model({ id: 'priced', providerId: 'a', tier: 'balanced' }),
        model({ id: 'new', providerId: 'b', tier: 'balanced', priced: false, priceIn: 0, priceOut: 0 }),
        model({ id: 'lone', providerId: 'b', tier: 'precision', priced: false, priceIn: 0, priceOut: 0 }),
      ],
      ...over,
    });
  // [what is asked, the power levels, the refs it routes to]
  it.each([
    ['balanced leaves the unpriced model of its tier out', 'balanced', undefined, ['a/priced']],
    ['auto (balanced) likewise', 'auto', undefined, ['a/priced']],
    [
      'precision, whose only model is unpriced, draws from the nearest priced tier',
      'precision',
      undefined,
      ['a/priced'],
    ],
    [
      'an explicit power-level ref still reaches an unpriced model (an admin chose it), the tier follows',
      'balanced',
      [{ slug: 'balanced' as const, tier: 'balanced' as const, modelRefs: ['b/new'], enabled: true }],
      ['b/new', 'a/priced'],
    ],
    ['its direct reference reaches it', 'b/new', undefined, ['b/new']],
    ['its bare id reaches it', 'new', undefined, ['b/new']],
  ] as const)('%s', (_name, model, powerLevels, expected) => {
    const c = powerLevels ? cfg({ powerLevels: [...powerLevels] }) : cfg();
    expect(refs(run({ config: c, request: request({ model }) }))).toEqual(expected);
  });
  it('once priced it joins its tier', () => {
    const c = config({
      providers: [A, B],
      models: [
        model({ id: 'priced', providerId: 'a', tier: 'balanced', priceIn: 5 }),
        model({ id: 'new', providerId: 'b', tier: 'balanced', priced: true, priceIn: 0.1, priceOut: 0.2 }),
      ],
      strategy: 'cost',
    });
    expect(refs(run({ config: c, request: request({ model: 'balanced' }) }))).toEqual(['b/new', 'a/priced']);
  });
  it('an unpriced model is no fallback of a power level either', () => {
    const c = cfg({
      powerLevels: [{ slug: 'balanced', tier: 'balanced', modelRefs: ['a/priced'], enabled: true }],
    });
    const r = run({ config: c, request: request({ model: 'balanced' }) });
    expect(r.ok && r.attempts.map((a) => a.ref)).toEqual(['a/priced']);
  });
});

describe('a disabled power level does not route', () => {
  const cfg = (powerLevels: RoutingConfig['powerLevels']) =>
    config({
      providers: [A, B],
      models: [
        model({ id: 'cheap', providerId: 'a', tier: 'eco' }),
        model({ id: 'mid', providerId: 'b', tier: 'balanced' }),
      ],
      powerLevels,
    });
  const off = (slug: 'eco' | 'balanced') => ({ slug, tier: slug, modelRefs: [], enabled: false });
  const on = (slug: 'eco' | 'balanced') => ({ slug, tier: slug, modelRefs: [], enabled: true });
  // [case, the power levels, the model asked for, the caller's level, the refs it routes to, or the error]
  it.each([
    ['an enabled level routes to its tier', [on('eco')], 'eco', null, ['a/cheap']],
    ['a level with no configuration routes to its tier', [], 'eco', null, ['a/cheap']],
    ['a disabled level is refused, naming it', [off('eco')], 'eco', null, /power level "eco" is disabled/],
    [
      'auto for a caller on a disabled level is refused',
      [off('eco')],
      'auto',
      'eco',
      /"auto".*"eco".*disabled/,
    ],
    [
      'auto (balanced by default) with balanced disabled',
      [off('balanced')],
      'auto',
      null,
      /"balanced".*disabled/,
    ],
    [
      'another level still routes while one is off',
      [off('eco'), on('balanced')],
      'balanced',
      null,
      ['b/mid'],
    ],
    ['auto for a caller on an enabled level', [off('balanced'), on('eco')], 'auto', 'eco', ['a/cheap']],
  ] as const)('%s', (_name, powerLevels, name, level, expected) => {
    const r = run({
      config: cfg([...powerLevels]),
      request: request({ model: name }),
      caller: caller({ powerLevel: level }),
    });
    if (Array.isArray(expected)) expect(refs(r)).toEqual(expected);
    else {
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.error.code).toBe('unknown_model');
        expect(r.error.message).toMatch(expected as RegExp);
      }
    }
  });
  it('an alias named like a disabled level still routes (aliases come first)', () => {
    const c = config({
      providers: [A, B],
      models: [model({ id: 'cheap', providerId: 'a', tier: 'eco' }), model({ id: 'mid', providerId: 'b' })],
      powerLevels: [off('eco')],
      aliases: [alias({ name: 'eco', targets: [{ ref: 'b/mid', weight: 1 }] })],
    });
    expect(refs(run({ config: c, request: request({ model: 'eco' }) }))).toEqual(['b/mid']);
  });
});

describe('capabilities: each needed capability filters', () => {
  it.each(['tools', 'vision', 'json', 'embeddings', 'streaming'] as const)('%s', (need: Capability) => {
    const all: Capability[] = ['chat', 'tools', 'vision', 'json', 'embeddings', 'streaming'];
    const cfg = config({
      providers: [A, B],
      models: [
        model({ id: 'm', providerId: 'a', capabilities: all.filter((c) => c !== need) }),
        model({ id: 'm', providerId: 'b', capabilities: all }),
      ],
    });
    const r = run({ config: cfg, request: request({ model: 'm', needs: [need] }) });
    expect(r.skipped).toEqual([{ ref: 'a/m', reason: 'capability-missing', detail: need }]);
    expect(refs(r)).toEqual(['b/m']);
  });
  it('an embeddings-only model is not a chat model', () => {
    const cfg = config({
      providers: [A, B],
      models: [
        model({ id: 'm', providerId: 'a', capabilities: ['embeddings'] }),
        model({ id: 'm', providerId: 'b' }),
      ],
    });
    expect(refs(run({ config: cfg, request: request({ model: 'm', needs: ['chat'] }) }))).toEqual(['b/m']);
  });
  it('only capability misses → 400 capability_missing', () => {
    const cfg = config({
      providers: [A],
      models: [model({ id: 'm', providerId: 'a', capabilities: ['chat'] })],
    });
    const r = run({ config: cfg, request: request({ model: 'm', needs: ['vision'] }) });
    expect(!r.ok && r.error).toMatchObject({ code: 'capability_missing', httpStatus: 400 });
  });
});

describe('context window', () => {
  it('counts prompt + max_tokens against the window; only misses → 400 context_too_large', () => {
    const cfg = config({
      providers: [A],
      models: [model({ id: 'm', providerId: 'a', contextWindow: 1000 })],
    });
    expect(run({ config: cfg, request: request({ promptTokens: 900, maxTokens: 100 }) }).ok).toBe(true);
    const r = run({ config: cfg, request: request({ promptTokens: 900, maxTokens: 101 }) });
    expect(!r.ok && r.error).toMatchObject({ code: 'context_too_large', httpStatus: 400 });
  });
  it('falls to a model with a larger window', () => {
    const cfg = config({
      providers: [A, B],
      models: [
        model({ id: 'm', providerId: 'a', contextWindow: 8000 }),
        model({ id: 'm', providerId: 'b', contextWindow: 200_000 }),
      ],
    });
    expect(refs(run({ config: cfg, request: request({ promptTokens: 50_000 }) }))).toEqual(['b/m']);
  });
});

describe('keys', () => {
  it.each(['env-unresolved', 'decrypt-failed', 'missing'] as const)(
    'a provider key that is %s is skipped with the problem, never fatal',
    (problem: KeyProblem) => {
      const cfg = config({
        ...base,
        providers: [{ ...A, key: { id: 'pk', source: 'provider', usable: false, problem } }, B],
      });
      const r = run({ config: cfg });
      expect(r.skipped).toEqual([{ ref: 'a/m', reason: 'no-usable-key', detail: `provider:${problem}` }]);
      expect(refs(r)).toEqual(['b/m']);
    },
  );
  it('a broken BYOK key and a broken org key fall through to the provider key', () => {
    const r = run({
      config: base,
      request: request({ model: 'a/m' }),
      caller: caller({
        byok: { a: { id: 'bk', source: 'byok', usable: false, problem: 'decrypt-failed' } },
        orgKeys: { a: { id: 'ok', source: 'org', usable: false, problem: 'env-unresolved' } },
      }),
    });
    expect(r.ok && r.attempts[0]!.key).toEqual({ id: 'pk-a', source: 'provider', usable: true });
  });
  it('the trace names which key source pays, never a secret', () => {
    const r = run({
      config: base,
      request: request({ model: 'a/m' }),
      caller: caller({ byok: { a: { id: 'bk', source: 'byok', usable: true } } }),
    });
    expect(r.trace.candidates[0]).toMatchObject({ ref: 'a/m', kept: true, key: 'byok' });
  });
  it('a keyless provider (mock, local Ollama) needs no caller key', () => {
    const cfg = config({
      providers: [
        provider({ id: 'mock', keyless: true, key: { id: 'none', source: 'provider', usable: true } }),
      ],
      models: [model({ id: 'm', providerId: 'mock' })],
    });
    const r = run({
      config: cfg,
      caller: caller({ byok: { mock: { id: 'bk', source: 'byok', usable: true } } }),
    });
    expect(r.ok && r.attempts[0]!.key.source).toBe('provider');
  });
});

describe('cooldown and circuit targets', () => {
  it('a provider × model cooldown skips only that model', () => {
    const cfg = config({
      providers: [A],
      models: [model({ id: 'm', providerId: 'a' }), model({ id: 'n', providerId: 'a' })],
      chains: { 'a/m': ['a/n'] },
    });
    const r = run({
      config: cfg,
      request: request({ model: 'a/m' }),
      state: stateWith({ cooldownUntil: (t) => (t === modelTarget('a', 'm') ? NOW + 1 : 0) }),
    });
    expect(r.skipped).toEqual([{ ref: 'a/m', reason: 'cooldown', resetsAt: NOW + 1 }]);
    expect(refs(r)).toEqual(['a/n']);
  });
  it('a key cooldown (after 401) skips candidates that would use that key', () => {
    const r = run({ config: base, state: stateWith({ cooldownUntil: (t) => (t === 'pk-a' ? NOW + 1 : 0) }) });
    expect(refs(r)).toEqual(['b/m']);
  });
  it("a key × model cooldown (a caller's key without access) skips that model on that key only", () => {
    const cfg = config({
      providers: [A],
      models: [model({ id: 'm', providerId: 'a' }), model({ id: 'n', providerId: 'a' })],
    });
    const state = stateWith({ cooldownUntil: (t) => (t === keyModelTarget('bk', 'm') ? NOW + 1 : 0) });
    const byok = caller({ byok: { a: { id: 'bk', source: 'byok', usable: true } } });
    const r = run({ config: cfg, request: request({ model: 'a/m' }), caller: byok, state });
    expect(r.skipped).toEqual([{ ref: 'a/m', reason: 'cooldown', resetsAt: NOW + 1 }]);
    expect(refs(run({ config: cfg, request: request({ model: 'a/n' }), caller: byok, state }))).toEqual([
      'a/n',
    ]);
    // Another caller (the provider's key) is not concerned.
    expect(refs(run({ config: cfg, request: request({ model: 'a/m' }), state }))).toEqual(['a/m']);
  });
  it('an expired cooldown no longer skips', () => {
    expect(
      refs(
        run({
          config: base,
          request: request({ model: 'a/m' }),
          state: stateWith({ cooldownUntil: () => NOW }),
        }),
      ),
    ).toEqual(['a/m']);
  });
  it('a half-open circuit with its probe in flight is skipped', () => {
    const state = stateWith({
      circuit: (t) =>
        t === modelTarget('a', 'm') ? { phase: 'half-open', failures: 5, openedAt: NOW - 100 } : undefined,
    });
    expect(run({ config: base, state }).skipped).toEqual([
      { ref: 'a/m', reason: 'circuit-open', resetsAt: NOW - 100 + 30_000 },
    ]);
  });
  it('only cooldowns and open circuits left → 503 with when to retry', () => {
    const r = run({
      config: base,
      state: stateWith({ cooldownUntil: (t) => (t === 'a' || t === 'b' ? NOW + 7000 : 0) }),
    });
    expect(!r.ok && r.error).toMatchObject({ code: 'no_candidates', httpStatus: 503, retryAfterMs: 7000 });
  });
});

describe('rate-limit buckets', () => {
  const b = (over: Partial<BucketConfig> = {}): BucketConfig => ({
    name: 'rpm',
    unit: 'requests',
    limit: 2,
    window: { unit: 'minute', size: 1 },
    models: 'all',
    ...over,
  });
  it('a bucket scoped to a model list does not limit other models', () => {
    const bucket = b({ models: ['other'] });
    const cfg = config({ ...base, providers: [{ ...A, buckets: [bucket] }, B] });
    const r = run({
      config: cfg,
      request: request({ model: 'a/m' }),
      state: stateWith({ counter: () => 99 }),
    });
    expect(refs(r)).toEqual(['a/m']);
    const listed = config({ ...base, providers: [{ ...A, buckets: [b({ models: ['a/m'] })] }, B] });
    expect(
      run({ config: listed, request: request({ model: 'a/m' }), state: stateWith({ counter: () => 2 }) }).ok,
    ).toBe(false);
  });
  it('a user bucket (daily) exhausted → 429 with the time its slot leaves the sliding day', () => {
    const day = b({ name: 'daily', window: { unit: 'day', size: 1 } });
    const r = run({
      config: base,
      caller: caller({ buckets: [{ scope: 'user', id: 'u1', bucket: day }] }),
      state: stateWith({ counter: (k) => (k === bucketKey('user', 'u1', day, NOW) ? 2 : 0) }),
    });
    expect(!r.ok && r.error).toMatchObject({
      code: 'rate_limited',
      httpStatus: 429,
      // Slots of 2.4 h: this one (12:00–14:24) leaves the day-long window at 14:24 the next day.
      resetsAt: Date.UTC(2026, 10, 23, 14, 24),
    });
  });
  it('the window slides: what was counted a minute ago still counts, what left the window (and its slot) does not', () => {
    const bucket = b();
    const cfg = config({ ...base, providers: [{ ...A, buckets: [bucket] }, B] });
    const at = (ago: number) => {
      const key = bucketKey('provider', 'a', bucket, NOW - ago);
      return run({
        config: cfg,
        request: request({ model: 'a/m' }),
        state: stateWith({ counter: (k) => (k === key ? 2 : 0) }),
      });
    };
    expect(refs(at(60_000))).toEqual([]);
    expect(refs(at(63_000))).toEqual([]);
    expect(refs(at(66_000))).toEqual(['a/m']);
  });
  it('rate-limited on one provider, budget on the other: still a typed answer, the rate limit first', () => {
    const bucket = b();
    const cfg = config({
      ...base,
      providers: [
        { ...A, buckets: [bucket] },
        { ...B, buckets: [bucket] },
      ],
    });
    const r = run({ config: cfg, state: stateWith({ counter: () => 2 }) });
    expect(!r.ok && r.error.code).toBe('rate_limited');
    expect(r.skipped.map((s) => s.reason)).toEqual(['rate-limited', 'rate-limited']);
  });
});

describe('the refusal a client can act on when other candidates are turned off', () => {
  // A model served by several providers, some of them turned off (a disabled provider or model, one without a usable
  // key, one in error): those could serve nothing in any case, so the refusal names what holds back the ones that
  // could (a 402 for a budget, a 429 for a rate limit), not a 503 the SDKs retry.
  const C = provider({ id: 'c', priority: 30, status: 'disabled' });
  const E = provider({ id: 'e', priority: 40, status: 'error' });
  const cfg = config({
    providers: [A, B, C, E],
    models: [
      model({ id: 'm', providerId: 'a' }),
      model({ id: 'm', providerId: 'b', enabled: false }),
      model({ id: 'm', providerId: 'c' }),
      model({ id: 'm', providerId: 'e' }),
    ],
  });
  it.each([
    [
      'budget',
      { budgets: [{ scope: 'key' as const, id: 'k1', limitUsd: 1, period: 'lifetime' as const }] },
      {},
      'budget_exhausted',
      402,
    ],
    ['rate limit', {}, { rate: true }, 'rate_limited', 429],
    ['model not allowed', { allowedModels: ['x/y'] }, {}, 'model_not_allowed', 403],
  ] as const)('%s', (_name, callerOver, how, code, status) => {
    const bucket: BucketConfig = {
      name: 'rpm',
      unit: 'requests',
      limit: 2,
      window: { unit: 'minute', size: 1 },
      models: 'all',
    };
    const withBucket =
      'rate' in how ? config({ ...cfg, providers: [{ ...A, buckets: [bucket] }, B, C, E] }) : cfg;
    const r = run({
      config: withBucket,
      request: request({ model: 'm' }),
      caller: caller(callerOver),
      state: stateWith({ spend: () => 1, counter: () => 5 }),
    });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error).toMatchObject({ code, httpStatus: status });
  });
  it('every candidate turned off: still a 503 naming them', () => {
    const off = config({ ...cfg, providers: [{ ...A, status: 'disabled' }, B, C, E] });
    const r = run({ config: off, request: request({ model: 'm' }) });
    expect(!r.ok && r.error).toMatchObject({ code: 'no_candidates', httpStatus: 503 });
  });
});

describe('budgets', () => {
  it('a user weekly cap resets Monday 00:00 UTC; a key budget names the key', () => {
    const week = { scope: 'user' as const, id: 'u1', limitUsd: 5, period: 'week' as const };
    const r = run({
      config: base,
      caller: caller({ budgets: [week] }),
      state: stateWith({ spend: (k) => (k === budgetKey(week, NOW) ? 5 : 0) }),
    });
    expect(!r.ok && r.error).toMatchObject({
      code: 'budget_exhausted',
      httpStatus: 402,
      resetsAt: Date.UTC(2026, 10, 23),
    });
    const key = { scope: 'key' as const, id: 'k1', limitUsd: 1, period: 'lifetime' as const };
    const rk = run({
      config: base,
      caller: caller({ budgets: [key] }),
      state: stateWith({ spend: () => 1 }),
    });
    expect(!rk.ok && rk.error).toMatchObject({ code: 'budget_exhausted', httpStatus: 402 });
    expect(!rk.ok && rk.error.message).toMatch(/key budget/);
    expect(!rk.ok && rk.error.resetsAt).toBeUndefined();
  });
  it('checks the estimated cost of this request, not just whether spend reached the cap', () => {
    const cfg = config({
      providers: [A],
      models: [model({ id: 'm', providerId: 'a', priceIn: 10, priceOut: 10 })],
    });
    const cap = { scope: 'org' as const, id: 'o1', limitUsd: 1, period: 'month' as const };
    // 1000 + 1000 tokens at $10/1M = $0.02; with $0.99 spent it no longer fits.
    const state = stateWith({ spend: () => 0.99 });
    expect(
      run({
        config: cfg,
        caller: caller({ budgets: [cap] }),
        state,
        request: request({ promptTokens: 1000, maxTokens: 1000 }),
      }).ok,
    ).toBe(false);
    expect(
      run({
        config: cfg,
        caller: caller({ budgets: [cap] }),
        state,
        request: request({ promptTokens: 100, maxTokens: 100 }),
      }).ok,
    ).toBe(true);
  });
});

describe('count_tokens is free', () => {
  const cfg = config({
    providers: [A],
    models: [model({ id: 'm', providerId: 'a', priceIn: 10, priceOut: 10 })],
  });
  const cap = { scope: 'key' as const, id: 'k1', limitUsd: 1, period: 'lifetime' as const };
  it.each([
    ['count_tokens', 0, true],
    ['messages', (1000 * 10 + 1000 * 10) / 1e6, false],
  ] as const)('%s reserves $%s and passes an exhausted budget: %s', (endpoint, estimate, passes) => {
    const ok = run({ config: cfg, request: request({ endpoint, promptTokens: 1000, maxTokens: 1000 }) });
    expect(ok.ok && ok.attempts[0]!.estimatedCostUsd).toBeCloseTo(estimate, 12);
    const spent = run({
      config: cfg,
      caller: caller({ budgets: [cap] }),
      state: stateWith({ spend: () => 1 }),
      request: request({ endpoint, promptTokens: 1000, maxTokens: 1000 }),
    });
    expect(spent.ok).toBe(passes);
  });
});

describe('fallbacks', () => {
  it('chains are cycle-safe and each ref is planned once', () => {
    const cfg = config({
      providers: [A, B],
      models: [model({ id: 'x', providerId: 'a' }), model({ id: 'y', providerId: 'b' })],
      chains: { 'a/x': ['b/y', 'a/x'], 'b/y': ['a/x', 'b/y'], y: ['a/x'] },
    });
    expect(refs(run({ config: cfg, request: request({ model: 'a/x' }) }))).toEqual(['a/x', 'b/y']);
  });
  it('a chain keyed by a bare model id applies to that id on every provider', () => {
    const cfg = config({
      providers: [A, B],
      models: [model({ id: 'x', providerId: 'a' }), model({ id: 'y', providerId: 'b' })],
      chains: { x: ['b/y'] },
    });
    const r = run({ config: cfg, request: request({ model: 'a/x' }) });
    expect(r.ok && r.attempts.map((a) => [a.ref, a.via])).toEqual([
      ['a/x', 'direct'],
      ['b/y', 'chain'],
    ]);
  });
  it('auto-fallback only to providers that have it on', () => {
    const cfg = config({
      providers: [
        { ...A, autoFallback: true },
        { ...B, autoFallback: false },
        provider({ id: 'c', autoFallback: true }),
      ],
      models: [
        model({ id: 'm', providerId: 'a' }),
        model({ id: 'm', providerId: 'b' }),
        model({ id: 'm', providerId: 'c' }),
      ],
    });
    expect(refs(run({ config: cfg, request: request({ model: 'a/m' }) }))).toEqual(['a/m', 'c/m']);
  });
  it('a skipped primary still falls back to auto-fallback providers', () => {
    const cfg = config({
      providers: [
        { ...A, autoFallback: true },
        { ...B, autoFallback: true },
      ],
      models: [model({ id: 'm', providerId: 'a' }), model({ id: 'm', providerId: 'b' })],
    });
    const r = run({
      config: cfg,
      request: request({ model: 'a/m' }),
      state: stateWith({ cooldownUntil: (t) => (t === 'a' ? NOW + 1 : 0) }),
    });
    expect(r.ok && r.attempts.map((a) => [a.ref, a.via, a.isFallback])).toEqual([
      ['b/m', 'auto-fallback', true],
    ]);
  });
  it('model names that are Object.prototype keys are just unknown names', () => {
    const cfg = config({
      providers: [A],
      models: [model({ id: 'constructor', providerId: 'a' }), model({ id: 'toString', providerId: 'a' })],
    });
    expect(refs(run({ config: cfg, request: request({ model: 'constructor' }) }))).toEqual(['a/constructor']);
    expect(run({ config: cfg, request: request({ model: '__proto__' }) }).ok).toBe(false);
  });
  it('skipped fallbacks are reported too', () => {
    const cfg = config({
      providers: [A, { ...B, status: 'disabled' }],
      models: [model({ id: 'x', providerId: 'a' }), model({ id: 'y', providerId: 'b' })],
      chains: { 'a/x': ['b/y'] },
    });
    const r = run({ config: cfg, request: request({ model: 'a/x' }) });
    expect(r.trace.candidates.map((c) => [c.ref, c.via, c.kept])).toEqual([
      ['a/x', 'direct', true],
      ['b/y', 'chain', false],
    ]);
  });
  it('maxAttempts caps the list, at least one', () => {
    const cfg = config({ ...base, maxAttempts: 0 });
    expect(refs(run({ config: cfg }))).toHaveLength(1);
  });
});

describe('the trace', () => {
  it('is plain JSON carrying lookup, every candidate with why, scores, the order and the count', () => {
    const cfg = config({
      providers: [A, B, provider({ id: 'c', status: 'disabled' })],
      models: [
        model({ id: 'm', providerId: 'a' }),
        model({ id: 'm', providerId: 'b' }),
        model({ id: 'm', providerId: 'c' }),
      ],
      aliases: [
        alias({
          name: 'chat',
          strategy: 'weighted',
          targets: [
            { ref: 'a/m', weight: 3 },
            { ref: 'b/m', weight: 1 },
            { ref: 'c/m', weight: 1 },
          ],
        }),
      ],
    });
    const r = run({ config: cfg, request: request({ model: 'chat' }) });
    expect(JSON.parse(JSON.stringify(r.trace))).toEqual(r.trace);
    expect(r.trace).toMatchObject({
      requested: 'chat',
      lookup: { kind: 'alias', alias: 'chat', scope: 'global', aliasStrategy: 'weighted' },
      strategy: 'balanced',
      order: ['a/m', 'b/m'],
      attempts: 2,
    });
    expect(r.trace.candidates).toEqual([
      { ref: 'a/m', via: 'alias', key: 'provider', kept: true, score: 3 },
      { ref: 'b/m', via: 'alias', key: 'provider', kept: true, score: 1 },
      { ref: 'c/m', via: 'alias', kept: false, reason: 'provider-disabled' },
    ]);
  });
  it('an unknown model still has a trace with the requested name', () => {
    const r = run({ config: base, request: request({ model: 'nope' }) });
    expect(r.trace).toMatchObject({
      requested: 'nope',
      lookup: { kind: 'unknown' },
      candidates: [],
      order: [],
      attempts: 0,
    });
  });
});

describe('alias state', () => {
  it('an org alias keeps its own round-robin cursor, apart from the global alias of the same name', () => {
    const cfg = config({
      ...base,
      aliases: [
        alias({
          name: 'rr',
          strategy: 'round-robin',
          targets: [
            { ref: 'a/m', weight: 1 },
            { ref: 'b/m', weight: 1 },
          ],
        }),
        alias({
          name: 'rr',
          scope: 'org:o1',
          strategy: 'round-robin',
          targets: [
            { ref: 'a/m', weight: 1 },
            { ref: 'b/m', weight: 1 },
          ],
        }),
      ],
    });
    const store = memoryState();
    const firsts: string[] = [];
    for (const orgId of [null, null, 'o1', null, 'o1']) {
      const r = run({
        config: cfg,
        request: request({ model: 'rr' }),
        caller: caller({ orgId }),
        state: store.view,
      });
      if (r.ok) {
        store.apply(r.events);
        firsts.push(`${orgId ?? 'g'}:${r.attempts[0]!.ref}`);
      }
    }
    expect(firsts).toEqual(['g:a/m', 'g:b/m', 'o1:a/m', 'g:a/m', 'o1:b/m']);
  });
});

describe('request parameters a target must honour', () => {
  const O = provider({
    id: 'o',
    priority: 10,
    params: ['n', 'n_stream', 'logprobs', 'json_schema', 'json_object', 'json_with_tools'],
  });
  const N = provider({ id: 'an', priority: 5, params: ['json_schema', 'json_object'] });
  const cfg = config({
    providers: [O, N],
    models: [
      model({ id: 'm', providerId: 'an' }),
      model({ id: 'm', providerId: 'o' }),
      model({ id: 'c', providerId: 'an' }),
    ],
    aliases: [
      alias({
        name: 'chat',
        targets: [
          { ref: 'an/m', weight: 1 },
          { ref: 'o/m', weight: 1 },
        ],
      }),
    ],
  });
  it.each([
    {
      name: 'no parameter: both, in priority order',
      params: undefined,
      model: 'm',
      order: ['an/m', 'o/m'],
      skip: undefined,
    },
    {
      name: 'n through an alias: the provider without it is skipped',
      params: ['n'] as const,
      model: 'chat',
      order: ['o/m'],
      skip: 'n',
    },
    {
      name: 'logprobs on a bare id',
      params: ['logprobs'] as const,
      model: 'm',
      order: ['o/m'],
      skip: 'logprobs',
    },
    {
      name: 'json_schema served by both (one emulates)',
      params: ['json_schema'] as const,
      model: 'chat',
      order: ['an/m', 'o/m'],
      skip: undefined,
    },
    {
      name: 'json_schema with tools',
      params: ['json_schema', 'json_with_tools'] as const,
      model: 'chat',
      order: ['o/m'],
      skip: 'response_format (with tools)',
    },
    { name: 'n on a bare id', params: ['n'] as const, model: 'm', order: ['o/m'], skip: 'n' },
  ])('$name', ({ params, model: name, order, skip }) => {
    const r = run({ config: cfg, request: request({ model: name, ...(params ? { params } : {}) }) });
    expect(refs(r)).toEqual(order);
    const skipped = r.trace.candidates.filter((c) => !c.kept);
    if (skip)
      expect(skipped).toEqual([
        expect.objectContaining({ ref: 'an/m', reason: 'parameter-unsupported', detail: skip }),
      ]);
    else expect(skipped).toEqual([]);
  });
  it('an undeclared provider is not filtered', () => {
    const open = config({
      providers: [provider({ id: 'x' })],
      models: [model({ id: 'm', providerId: 'x' })],
    });
    expect(refs(run({ config: open, request: request({ params: ['n', 'logprobs'] }) }))).toEqual(['x/m']);
  });
  it('when every candidate is skipped for a parameter: 400 naming it (not 404/503)', () => {
    const r = run({ config: cfg, request: request({ model: 'an/c', params: ['n'] }) });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error).toMatchObject({ code: 'parameter_unsupported', httpStatus: 400, param: 'n' });
    expect(r.error.message).toContain('"an/c"');
    expect(r.error.message).toContain('can honour n');
    const both = run({ config: cfg, request: request({ model: 'c', params: ['n_stream', 'logprobs'] }) });
    expect(!both.ok && both.error.message).toContain('n (with stream)');
  });
  it('a parameter skip mixed with a capability skip is still a 400 about the parameter', () => {
    const mixed = config({
      providers: [O, N],
      models: [
        model({ id: 'm', providerId: 'an' }),
        model({ id: 'm', providerId: 'o', capabilities: ['chat'] }),
      ],
    });
    const r = run({ config: mixed, request: request({ needs: ['chat', 'vision'], params: ['n'] }) });
    expect(!r.ok && r.error).toMatchObject({ code: 'parameter_unsupported', httpStatus: 400 });
  });
  it('mixed with a transient skip (cooldown) the answer stays a 503: another provider could serve it later', () => {
    const r = run({
      config: cfg,
      request: request({ model: 'chat', params: ['n'] }),
      state: stateWith({ cooldownUntil: (t) => (t === 'o' ? NOW + 1000 : 0) }),
    });
    expect(!r.ok && r.error.httpStatus).toBe(503);
  });
});

describe('the default model (a request naming no model, or `default`)', () => {
  const cfg = (defaultModel: string | null, extra: Partial<RoutingConfig> = {}) =>
    config({ ...base, defaultModel, ...extra });
  it.each([
    ['empty name → a model ref', '', 'b/m', ['b/m']],
    ['"default" → a model ref', 'default', 'a/m', ['a/m']],
    ['"default" → an alias', 'default', 'fast', ['b/m']],
    ['empty name → a power level', '', 'balanced', ['a/m', 'b/m']],
  ])('%s', (_label, requested, defaultModel, order) => {
    const r = run({
      request: request({ model: requested }),
      config: cfg(defaultModel, {
        aliases: [alias({ name: 'fast', targets: [{ ref: 'b/m', weight: 1 }] })],
      }),
    });
    expect(r.ok).toBe(true);
    expect(refs(r)).toEqual(order);
    expect(r.trace.requested).toBe(requested);
    expect(r.trace.defaultModel).toBe(defaultModel);
  });
  it('unset: the request is refused as an unknown model, with no default in the trace', () => {
    const r = run({ request: request({ model: 'default' }), config: cfg(null) });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.code).toBe('unknown_model');
    expect(r.trace.defaultModel).toBeUndefined();
  });
  it('an alias named "default" wins over the setting', () => {
    const r = run({
      request: request({ model: 'default' }),
      config: cfg('a/m', { aliases: [alias({ name: 'default', targets: [{ ref: 'b/m', weight: 1 }] })] }),
    });
    expect(refs(r)).toEqual(['b/m']);
    expect(r.trace.defaultModel).toBeUndefined();
  });
  it('a named model never uses the default', () => {
    const r = run({ request: request({ model: 'a/m' }), config: cfg('b/m') });
    expect(refs(r)).toEqual(['a/m']);
    expect(r.trace.defaultModel).toBeUndefined();
  });
  // [case, the routing settings' default, the registry's defaults by scope, the caller, the refs it routes to]
  it.each([
    [
      'the default model setting; a global registry default is not a routing one',
      'b/m',
      { global: 'a/m' },
      {},
      ['b/m'],
    ],
    [
      "the caller's organization default before the setting",
      'b/m',
      { 'org:o1': 'a/m' },
      { orgId: 'o1' },
      ['a/m'],
    ],
    [
      "the caller's own (user scope) default before its organization's",
      null,
      { 'org:o1': 'a/m', 'user:u1': 'b/m' },
      { orgId: 'o1', userId: 'u1' },
      ['b/m'],
    ],
    [
      "another organization's default is not this caller's",
      'b/m',
      { 'org:o2': 'a/m' },
      { orgId: 'o1' },
      ['b/m'],
    ],
  ] as const)('registry defaults: %s', (_label, setting, scopeDefaults, who, order) => {
    const r = run({
      request: request({ model: '' }),
      config: cfg(setting, { scopeDefaults: { ...scopeDefaults } }),
      caller: caller({ ...who }),
    });
    expect(refs(r)).toEqual(order);
    expect(r.trace.defaultModel).toBe(order[0]);
  });
  it('a global registry default alone routes nothing (the seed marks the built-in mock model so)', () => {
    const r = run({
      request: request({ model: '' }),
      config: cfg(null, { scopeDefaults: { global: 'a/m' } }),
    });
    expect(r.ok).toBe(false);
  });
  it('a default that names nothing routable: unknown model naming it', () => {
    const r = run({ request: request({ model: '' }), config: cfg('nope/x') });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error.message).toContain('nope/x');
  });
});
