/** Property tests of the alias strategies run through plan() with a store applying its events. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plan, type PlanInput } from './plan.js';
import { mulberry32 } from './rng.js';
import { bucketKey, type StateView } from './state.js';
import type { AliasStrategy, BucketConfig, RoutingConfig } from './types.js';
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

const NOW = Date.UTC(2026, 0, 5, 10);
const rpm: BucketConfig = {
  name: 'rpm',
  unit: 'requests',
  limit: 100,
  window: { unit: 'minute', size: 1 },
  models: 'all',
};

function cfgWith(
  weights: readonly number[],
  strategy: AliasStrategy,
  extra: Partial<RoutingConfig> = {},
): RoutingConfig {
  const ids = weights.map((_, i) => `p${i}`);
  return config({
    providers: ids.map((id) => provider({ id, buckets: [rpm] })),
    models: ids.map((id) => model({ id: 'm', providerId: id })),
    aliases: [
      alias({ name: 'x', strategy, targets: ids.map((id, i) => ({ ref: `${id}/m`, weight: weights[i]! })) }),
    ],
    ...extra,
  });
}

function firstPicks(cfg: RoutingConfig, n: number, seed: number, state?: StateView): Map<string, number> {
  const store = memoryState();
  const rng = mulberry32(seed);
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const r = plan({
      request: request({ model: 'x' }),
      caller: caller(),
      config: cfg,
      state: state ?? store.view,
      now: NOW,
      rng,
    });
    if (!r.ok) continue;
    store.apply(r.events);
    const p = r.attempts[0]!.providerId;
    counts.set(p, (counts.get(p) ?? 0) + 1);
  }
  return counts;
}

describe('weighted (smooth weighted round-robin) through plan()', () => {
  it('property: the first-attempt shares equal the weights exactly over whole cycles', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 2, maxLength: 5 }), (weights) => {
        const total = weights.reduce((s, w) => s + w, 0);
        const counts = firstPicks(cfgWith(weights, 'weighted'), total * 4, 1);
        weights.forEach((w, i) => expect(counts.get(`p${i}`) ?? 0).toBe(w * 4));
      }),
      { numRuns: 40 },
    );
  });
});

describe('quota-aware through plan()', () => {
  it('property: over many seeded picks the shares match weight × remaining capacity within 4 points', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ w: fc.integer({ min: 1, max: 5 }), used: fc.integer({ min: 0, max: 90 }) }), {
          minLength: 2,
          maxLength: 4,
        }),
        fc.integer(),
        (targets, seed) => {
          const cfg = cfgWith(
            targets.map((t) => t.w),
            'quota-aware',
          );
          const used = new Map(targets.map((t, i) => [bucketKey('provider', `p${i}`, rpm, NOW), t.used]));
          const state = stateWith({ counter: (k) => used.get(k) ?? 0 });
          const n = 3000;
          const counts = firstPicks(cfg, n, seed, state);
          const eff = targets.map((t) => t.w * ((rpm.limit - t.used) / rpm.limit));
          const total = eff.reduce((s, e) => s + e, 0);
          eff.forEach((e, i) =>
            expect(Math.abs((counts.get(`p${i}`) ?? 0) / n - e / total)).toBeLessThan(0.04),
          );
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe('every strategy', () => {
  const strategies: AliasStrategy[] = [
    'ordered',
    'round-robin',
    'weighted',
    'quota-aware',
    'least-busy',
    'latency',
  ];
  const skipKinds = ['cooldown', 'circuit', 'disabled', 'bucket', 'key'] as const;

  it('property: a skipped candidate is never in the plan, whatever the strategy, seed and skip reason', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...strategies),
        fc.integer(),
        fc.array(fc.option(fc.constantFrom(...skipKinds), { nil: undefined }), {
          minLength: 4,
          maxLength: 4,
        }),
        fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 4, maxLength: 4 }),
        (strategy, seed, skips, load) => {
          const base = cfgWith([1, 2, 3, 4], strategy);
          const cfg: RoutingConfig = {
            ...base,
            providers: base.providers.map((p, i) =>
              skips[i] === 'disabled'
                ? { ...p, status: 'disabled' }
                : skips[i] === 'key'
                  ? {
                      ...p,
                      key: { id: p.key.id, source: 'provider', usable: false, problem: 'decrypt-failed' },
                    }
                  : p,
            ),
          };
          const state = stateWith({
            cooldownUntil: (t) => (skips[Number(t.slice(1))] === 'cooldown' ? NOW + 1000 : 0),
            circuit: (t) =>
              t.includes('|') && skips[Number(t.slice(1, t.indexOf('|')))] === 'circuit'
                ? { phase: 'open', failures: 9, openedAt: NOW }
                : undefined,
            counter: (k) =>
              skips.some((s, i) => s === 'bucket' && k === bucketKey('provider', `p${i}`, rpm, NOW))
                ? 100
                : 0,
            inFlight: (t) => load[Number(t.slice(1, t.indexOf('|')))] ?? 0,
            latency: (t) => (load[Number(t.slice(1, t.indexOf('|')))] ?? 0) * 10,
          });
          const input: PlanInput = {
            request: request({ model: 'x' }),
            caller: caller(),
            config: cfg,
            state,
            now: NOW,
            rng: mulberry32(seed),
          };
          const r = plan(input);
          const chosen = r.ok ? r.attempts.map((a) => a.providerId) : [];
          skips.forEach((s, i) => {
            if (s) expect(chosen).not.toContain(`p${i}`);
            else expect(chosen).toContain(`p${i}`);
          });
          expect(r.ok).toBe(skips.some((s) => !s));
          // Every candidate is accounted for: kept in the order or skipped with a reason.
          expect(r.trace.candidates).toHaveLength(4);
          expect(r.skipped).toHaveLength(skips.filter(Boolean).length);
          // The same seed gives the same plan.
          expect(plan({ ...input, rng: mulberry32(seed) })).toEqual(r);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('least-busy and latency order by the state they read', () => {
    const inflight = [3, 0, 2, 1];
    const state = stateWith({
      inFlight: (t) => inflight[Number(t.slice(1, t.indexOf('|')))]!,
      latency: (t) => inflight[Number(t.slice(1, t.indexOf('|')))]! * 100 + 1,
    });
    for (const s of ['least-busy', 'latency'] as const) {
      const r = plan({
        request: request({ model: 'x' }),
        caller: caller(),
        config: cfgWith([1, 1, 1, 1], s),
        state,
        now: NOW,
        rng: mulberry32(1),
      });
      expect(r.ok && r.attempts.map((a) => a.providerId)).toEqual(['p1', 'p3', 'p2', 'p0']);
    }
  });

  it('round-robin spreads first attempts evenly over the live targets', () => {
    const counts = firstPicks(cfgWith([1, 1, 1], 'round-robin'), 30, 1);
    expect([...counts.values()]).toEqual([10, 10, 10]);
  });
});
