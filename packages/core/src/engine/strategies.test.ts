import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { plan } from './plan.js';
import { mulberry32 } from './rng.js';
import { EMPTY_STATE, type StateView } from './state.js';
import { orderAlias, pickWeighted, swrrPick, type Scored } from './strategies.js';
import { alias, caller, config, model, provider, request, stateWith } from './fixtures.test-util.js';

function scored(ref: string, weight: number, over: Partial<Scored> = {}): Scored {
  return {
    ref,
    target: ref,
    model: model({ id: ref, providerId: 'p' }),
    providerPriority: 50,
    weight,
    headroom: 1,
    ...over,
  };
}

describe('smooth weighted round-robin', () => {
  it('gives each target exactly its weight share over a full cycle, evenly spread', () => {
    const refs = ['a', 'b', 'c'];
    const weights = [5, 1, 1];
    let cur: Record<string, number> | undefined;
    const picks: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = swrrPick(refs, weights, cur);
      cur = r.next;
      picks.push(refs[r.index]!);
    }
    expect(picks).toEqual(['a', 'a', 'b', 'a', 'c', 'a', 'a']);
  });

  it('property: over many picks the shares match the weights', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 20 }), { minLength: 2, maxLength: 6 }), (weights) => {
        const refs = weights.map((_, i) => `t${i}`);
        const total = weights.reduce((s, w) => s + w, 0);
        let cur: Record<string, number> | undefined;
        const counts = new Map<string, number>();
        for (let i = 0; i < total * 10; i++) {
          const r = swrrPick(refs, weights, cur);
          cur = r.next;
          counts.set(refs[r.index]!, (counts.get(refs[r.index]!) ?? 0) + 1);
        }
        weights.forEach((w, i) => expect(counts.get(refs[i]!) ?? 0).toBe(w * 10));
      }),
      { numRuns: 100 },
    );
  });
});

describe('weighted random pick (quota-aware)', () => {
  it('property: seeded picks match the weights within 3 percentage points', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 10 }), { minLength: 2, maxLength: 5 }),
        fc.integer(),
        (weights, seed) => {
          const rng = mulberry32(seed);
          const total = weights.reduce((s, w) => s + w, 0);
          const counts = weights.map(() => 0);
          const n = 6000;
          for (let i = 0; i < n; i++) counts[pickWeighted(weights, rng())]!++;
          weights.forEach((w, i) => expect(Math.abs(counts[i]! / n - w / total)).toBeLessThan(0.03));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('scales weights by bucket headroom: a target with no headroom is never the pick', () => {
    const rng = mulberry32(7);
    const cands = [scored('full', 1, { headroom: 0 }), scored('free', 1, { headroom: 1 })];
    for (let i = 0; i < 200; i++)
      expect(orderAlias('x', 'quota-aware', cands, EMPTY_STATE, rng).order[0]!.ref).toBe('free');
  });
});

describe('alias strategies', () => {
  const cands = [scored('a', 1), scored('b', 3), scored('c', 1)];
  it('ordered keeps the configured order', () => {
    expect(orderAlias('x', 'ordered', cands, EMPTY_STATE, mulberry32(1)).order.map((c) => c.ref)).toEqual([
      'a',
      'b',
      'c',
    ]);
  });
  it('round-robin rotates by the cursor and advances it', () => {
    const r = orderAlias('x', 'round-robin', cands, stateWith({ cursor: () => 4 }), mulberry32(1));
    expect(r.order.map((c) => c.ref)).toEqual(['b', 'c', 'a']);
    expect(r.events).toEqual([{ type: 'cursor', alias: 'x', value: 5 }]);
  });
  it('least-busy puts the fewest in-flight first', () => {
    const inflight: Record<string, number> = { a: 5, b: 2, c: 0 };
    const r = orderAlias(
      'x',
      'least-busy',
      cands,
      stateWith({ inFlight: (t) => inflight[t] ?? 0 }),
      mulberry32(1),
    );
    expect(r.order.map((c) => c.ref)).toEqual(['c', 'b', 'a']);
  });
  it('latency puts the lowest EWMA first and unmeasured targets before measured ones', () => {
    const lat: Record<string, number> = { a: 300, c: 120 };
    const r = orderAlias('x', 'latency', cands, stateWith({ latency: (t) => lat[t] }), mulberry32(1));
    expect(r.order.map((c) => c.ref)).toEqual(['b', 'c', 'a']);
  });
  it('weighted returns the new smooth weights as an event', () => {
    const r = orderAlias('x', 'weighted', cands, EMPTY_STATE, mulberry32(1));
    expect(r.order[0]!.ref).toBe('b');
    expect(r.events[0]).toMatchObject({ type: 'weights', alias: 'x' });
  });
});

describe('plan properties', () => {
  const A = provider({ id: 'a' });
  const B = provider({ id: 'b' });
  const C = provider({ id: 'c' });
  const cfg = config({
    providers: [A, B, C],
    models: [
      model({ id: 'm', providerId: 'a' }),
      model({ id: 'm', providerId: 'b' }),
      model({ id: 'm', providerId: 'c' }),
    ],
    aliases: [
      alias({
        name: 'q',
        strategy: 'quota-aware',
        targets: ['a/m', 'b/m', 'c/m'].map((ref, i) => ({ ref, weight: i + 1 })),
      }),
    ],
  });

  it('a skipped candidate is never chosen, whatever the seed and which ones are cooling down', () => {
    fc.assert(
      fc.property(fc.integer(), fc.subarray(['a', 'b', 'c']), (seed, cooling) => {
        const state: StateView = stateWith({
          cooldownUntil: (t) => (cooling.includes(t) ? Number.MAX_SAFE_INTEGER : 0),
        });
        const r = plan({
          request: request({ model: 'q' }),
          caller: caller(),
          config: cfg,
          state,
          now: 0,
          rng: mulberry32(seed),
        });
        const chosen = r.ok ? r.attempts.map((a) => a.providerId) : [];
        for (const p of cooling) expect(chosen).not.toContain(p);
        if (cooling.length === 3) expect(r.ok).toBe(false);
      }),
    );
  });

  it('the same seed gives the same plan', () => {
    fc.assert(
      fc.property(fc.integer(), (seed) => {
        const p1 = plan({
          request: request({ model: 'q' }),
          caller: caller(),
          config: cfg,
          state: EMPTY_STATE,
          now: 0,
          rng: mulberry32(seed),
        });
        const p2 = plan({
          request: request({ model: 'q' }),
          caller: caller(),
          config: cfg,
          state: EMPTY_STATE,
          now: 0,
          rng: mulberry32(seed),
        });
        expect(p2).toEqual(p1);
      }),
    );
  });
});
