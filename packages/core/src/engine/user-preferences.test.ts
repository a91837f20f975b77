/** Per-user routing inputs: the user's default model, preferred providers, a model's own key and BYOK limits. */
import { describe, expect, it } from 'vitest';
import { admissionItems } from './limits.js';
import { plan, userDefaultFor, type PlanInput } from './plan.js';
import { mulberry32 } from './rng.js';
import { EMPTY_STATE, budgetKey, bucketKey } from './state.js';
import type { BucketConfig, BudgetConfig, KeyRef, RoutingConfig } from './types.js';
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
const refs = (r: ReturnType<typeof run>) => (r.ok ? r.attempts.map((a) => a.ref) : []);

const A = provider({ id: 'a', priority: 10 });
const B = provider({ id: 'b', priority: 20 });
const C = provider({ id: 'c', priority: 30 });
const cfg = config({
  providers: [A, B, C],
  models: [
    model({ id: 'm', providerId: 'a' }),
    model({ id: 'm', providerId: 'b' }),
    model({ id: 'm', providerId: 'c' }),
    model({ id: 'x', providerId: 'b' }),
  ],
  aliases: [alias({ name: 'default', targets: [{ ref: 'c/m', weight: 1 }] })],
});

describe('userDefaultFor', () => {
  it.each([
    ['default', 'b/x', 'b/x'],
    ['', 'b/x', 'b/x'],
    ['  ', 'b/x', 'b/x'],
    ['m', 'b/x', null],
    ['default', null, null],
    ['default', undefined, null],
    ['default', 'default', null],
  ] as const)('model %j with user default %j → %j', (name, d, want) => {
    expect(userDefaultFor(name, { userDefaultModel: d })).toBe(want);
  });
});

describe("the user's default model", () => {
  it('a request for `default` routes to the user default, before any alias named default', () => {
    const r = run({
      config: cfg,
      request: request({ model: 'default' }),
      caller: caller({ userDefaultModel: 'b/x' }),
    });
    expect(refs(r)).toEqual(['b/x']);
    expect(r.trace.requested).toBe('default');
    expect(r.trace.lookup).toMatchObject({ kind: 'direct', userDefault: 'b/x' });
  });
  it("the user's default comes before the configured default model; without one the configured default stands", () => {
    const noAlias = config({ ...cfg, aliases: [], defaultModel: 'c/m' });
    const mine = run({
      config: noAlias,
      request: request({ model: 'default' }),
      caller: caller({ userDefaultModel: 'b/x' }),
    });
    expect(refs(mine)).toEqual(['b/x']);
    expect(mine.trace.defaultModel).toBeUndefined();
    const theirs = run({ config: noAlias, request: request({ model: 'default' }) });
    expect(refs(theirs)[0]).toBe('c/m');
    expect(theirs.trace.defaultModel).toBe('c/m');
  });
  it('without a user default, `default` resolves as sent (here: the global alias)', () => {
    const r = run({ config: cfg, request: request({ model: 'default' }) });
    expect(refs(r)[0]).toBe('c/m');
    expect(r.trace.lookup.userDefault).toBeUndefined();
  });
  it('a named model ignores the user default', () => {
    expect(
      refs(
        run({ config: cfg, request: request({ model: 'b/x' }), caller: caller({ userDefaultModel: 'a/m' }) }),
      ),
    ).toEqual(['b/x']);
  });
  it('a key allowed only `default` may use what the default resolves to', () => {
    const r = run({
      config: cfg,
      request: request({ model: 'default' }),
      caller: caller({ userDefaultModel: 'b/x', allowedModels: ['default'] }),
    });
    expect(refs(r)).toEqual(['b/x']);
  });
  it('an unknown user default is a 404 naming the default', () => {
    const r = run({
      config: cfg,
      request: request({ model: 'default' }),
      caller: caller({ userDefaultModel: 'nope/none' }),
    });
    expect(!r.ok && r.error.code).toBe('unknown_model');
    expect(!r.ok && r.error.message).toContain('nope/none');
  });
});

describe('preferred providers', () => {
  it('a bare id: the preferred providers first, in preference order, the rest in strategy order', () => {
    expect(refs(run({ config: cfg }))).toEqual(['a/m', 'b/m', 'c/m']);
    const r = run({ config: cfg, caller: caller({ preferredProviders: ['c', 'b'] }) });
    expect(refs(r)).toEqual(['c/m', 'b/m', 'a/m']);
    const c = r.trace.candidates.find((t) => t.ref === 'c/m');
    expect(c).toMatchObject({ kept: true, detail: 'preferred provider #1' });
    expect(r.trace.candidates.find((t) => t.ref === 'a/m')?.detail).toBeUndefined();
  });
  it('a preferred provider that cannot serve is skipped as usual; unknown slugs change nothing', () => {
    const down = config({ ...cfg, providers: [A, B, { ...C, status: 'disabled' }] });
    expect(refs(run({ config: down, caller: caller({ preferredProviders: ['c', 'zz'] }) }))).toEqual([
      'a/m',
      'b/m',
    ]);
  });
  it('applies within the fallback tail too', () => {
    const chained = config({ ...cfg, chains: { 'b/x': ['m'] } });
    const r = run({
      config: chained,
      request: request({ model: 'b/x' }),
      caller: caller({ preferredProviders: ['c'] }),
    });
    expect(refs(r)).toEqual(['b/x', 'c/m', 'a/m', 'b/m']);
  });
});

describe("a model's own key", () => {
  const own = (usable: boolean): KeyRef =>
    usable
      ? { id: 'model:mx', source: 'provider', usable: true }
      : { id: 'model:mx', source: 'provider', usable: false, problem: 'env-unresolved' };
  it("pays in place of the provider's key, even when the provider's does not resolve", () => {
    const noKey = provider({
      id: 'a',
      key: { id: 'pk-a', source: 'provider', usable: false, problem: 'missing' },
    });
    const c2 = config({ providers: [noKey], models: [model({ id: 'm', providerId: 'a', key: own(true) })] });
    const r = run({ config: c2 });
    expect(r.ok && r.attempts[0]!.key.id).toBe('model:mx');
  });
  it("an unresolved own key is a skip (the provider's key is not used instead)", () => {
    const c2 = config({ providers: [A], models: [model({ id: 'm', providerId: 'a', key: own(false) })] });
    const r = run({ config: c2 });
    expect(r.ok).toBe(false);
    expect(r.skipped[0]).toMatchObject({ reason: 'no-usable-key', detail: 'provider:env-unresolved' });
  });
  it("the caller's BYOK key still comes first", () => {
    const c2 = config({ providers: [A], models: [model({ id: 'm', providerId: 'a', key: own(true) })] });
    const r = run({
      config: c2,
      caller: caller({ byok: { a: { id: 'byok-1', source: 'byok', usable: true } } }),
    });
    expect(r.ok && r.attempts[0]!.key.source).toBe('byok');
  });
});

describe('BYOK monthly limits', () => {
  const byokCaller = (over: { buckets?: readonly BucketConfig[]; budgets?: readonly BudgetConfig[] }) =>
    caller({
      byok: { a: { id: 'byok-1', source: 'byok', usable: true } },
      buckets: (over.buckets ?? []).map((bucket) => ({ scope: 'byok' as const, id: 'u1', bucket })),
      budgets: over.budgets ?? [],
    });
  const calls: BucketConfig = {
    name: 'byok-month',
    unit: 'requests',
    limit: 2,
    window: { unit: 'month', size: 1 },
    models: 'all',
  };
  const spend: BudgetConfig = { scope: 'byok', id: 'u1', limitUsd: 1, period: 'month' };
  const onlyA = config({ providers: [A], models: [model({ id: 'm', providerId: 'a' })] });
  const aAndB = config({
    providers: [A, B],
    models: [model({ id: 'm', providerId: 'a' }), model({ id: 'm', providerId: 'b' })],
  });

  it.each([
    ['calls under the limit', { [bucketKey('byok', 'u1', calls, NOW)]: 1 }, { buckets: [calls] }, true],
    ['calls at the limit', { [bucketKey('byok', 'u1', calls, NOW)]: 2 }, { buckets: [calls] }, false],
    ['spend under the limit', { [budgetKey(spend, NOW)]: 0.5 }, { budgets: [spend] }, true],
    ['spend at the limit', { [budgetKey(spend, NOW)]: 1 }, { budgets: [spend] }, false],
  ] as const)('%s', (_name, counters, limits, ok) => {
    const state = stateWith({
      counter: (k) => (counters as Record<string, number>)[k] ?? 0,
      spend: (k) => (counters as Record<string, number>)[k] ?? 0,
    });
    const r = run({ config: onlyA, caller: byokCaller(limits), state });
    expect(r.ok).toBe(ok);
    if (!r.ok) {
      expect(r.error).toMatchObject({ code: 'byok_limit_reached', httpStatus: 429 });
      expect(r.error.message).toContain('own provider keys');
      expect(r.error.retryAfterMs).toBeGreaterThan(0);
      expect(r.skipped[0]!.reason).toBe('byok-limit');
    }
  });
  it("a reached BYOK limit leaves the platform's providers routable", () => {
    const state = stateWith({ spend: (k) => (k === budgetKey(spend, NOW) ? 5 : 0) });
    const r = run({ config: aAndB, caller: byokCaller({ budgets: [spend] }), state });
    expect(refs(r)).toEqual(['b/m']);
  });
  it('BYOK limits do not count platform-paid calls; platform budgets do not count BYOK calls', () => {
    const weekly: BudgetConfig = { scope: 'user', id: 'u1', limitUsd: 1, period: 'week' };
    const state = stateWith({ spend: (k) => (k === budgetKey(weekly, NOW) ? 5 : 0) });
    const c = byokCaller({ budgets: [spend, weekly], buckets: [calls] });
    // The user's weekly cap is spent, but their own key pays for a: still routable.
    expect(refs(run({ config: aAndB, caller: c, state }))).toEqual(['a/m']);
    const attempt = (source: 'byok' | 'provider') => ({
      ref: 'a/m',
      providerId: 'a',
      modelId: 'm',
      reservedCostUsd: 0.01,
      key: { source },
    });
    const items = (source: 'byok' | 'provider') =>
      admissionItems({
        attempt: attempt(source),
        provider: A,
        model: { maxOutputTokens: 100 },
        caller: c,
        request: { endpoint: 'chat', promptTokens: 10, maxTokens: 10 },
        now: NOW,
      }).map((i) => i.label);
    expect(items('byok')).toEqual(['byok bucket byok-month', 'byok budget (month)']);
    // The BYOK call counter is rebuilt from the recorded calls of the month when a store lost it.
    const byokItems = admissionItems({
      attempt: attempt('byok'),
      provider: A,
      model: { maxOutputTokens: 100 },
      caller: c,
      request: { endpoint: 'chat', promptTokens: 10, maxTokens: 10 },
      now: NOW,
    });
    expect(byokItems[0]!.budget).toEqual({ scope: 'byok-calls', id: 'u1', since: Date.UTC(2026, 10, 1) });
    expect(byokItems[1]!.budget).toEqual({ scope: 'byok', id: 'u1', since: Date.UTC(2026, 10, 1) });
    expect(items('provider')).toEqual(['user budget (week)']);
  });
});
