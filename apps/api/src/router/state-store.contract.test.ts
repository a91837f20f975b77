// One contract for every StateStore: the in-memory default and the Redis store (real Redis at REDIS_TEST_URL,
// a fresh key prefix per test). Then what only a shared store does: several instances on one Redis see each
// other's state, admit exactly up to a limit between them, and fail open while Redis is unreachable.
import { afterEach, describe, expect, it } from 'vitest';
import {
  EMPTY_STATE,
  classify,
  eventsAfterFailure,
  eventsAfterSuccess,
  mulberry32,
  probeEvents,
  type CircuitChange,
  type CircuitState,
  type StateEvent,
} from '@switchyard/core';
import { createLogger } from '../lib/logger.js';
import { REDIS_TEST_URL, dropPrefix, eventually, startRedisProxy, testPrefix } from '../test/redis.js';
import { RedisStateStore, type RedisStateStoreOptions } from './redis-state-store.js';
import { MemoryStateStore, type StateStore } from './state-store.js';

const logger = createLogger('silent');
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function redisStore(
  prefix: string,
  opts: Partial<RedisStateStoreOptions> = {},
): Promise<RedisStateStore> {
  const store = new RedisStateStore({ url: REDIS_TEST_URL, prefix, logger, syncIntervalMs: 50, ...opts });
  cleanups.push(() => store.close());
  expect(await store.start()).toBe(true);
  return store;
}

const factories: { name: string; make: () => Promise<StateStore> }[] = [
  { name: 'MemoryStateStore', make: async () => new MemoryStateStore() },
  {
    name: 'RedisStateStore',
    make: async () => {
      const prefix = testPrefix();
      cleanups.push(() => dropPrefix(prefix));
      return redisStore(prefix);
    },
  },
];

const item = (key: string, amount: number, limit: number, ttlMs = 60_000) => ({ key, amount, limit, ttlMs });
/** One failure at `at` of a circuit whose threshold is five. */
const fail1 = (at: number): CircuitChange => ({ kind: 'failure', failures: 1, at, threshold: 5 });
/** Five failures at `at` of a circuit whose threshold is five: it is open since `at`. */
const opened = (target: string, at: number): StateEvent => ({
  type: 'circuit',
  target,
  change: { kind: 'failure', failures: 5, at, threshold: 5 },
});

describe.each(factories)('StateStore contract: $name', ({ make }) => {
  it('clear forgets cooldowns, circuits and counters of the named targets only (an admin reset)', async () => {
    const s = await make();
    const open: CircuitState = { phase: 'open', failures: 5, openedAt: Date.now() };
    const until = Date.now() + 60_000;
    s.apply([
      { type: 'cooldown', target: 'p1', until },
      { type: 'cooldown', target: 'p2', until },
      opened('p1|m', open.openedAt),
    ]);
    await s.consume([item('bucket:p1', 3, 10), item('bucket:p2', 2, 10)]);
    await s.clear(['p1', 'p1|m'], ['bucket:p1']);
    expect(s.view().cooldownUntil('p1')).toBe(0);
    expect(s.view().circuit('p1|m')).toBeUndefined();
    expect(s.view().cooldownUntil('p2')).toBe(until);
    expect(await s.read(['bucket:p1', 'bucket:p2'])).toEqual([0, 2]);
  });

  it('tryLock: one holder until the lock expires', async () => {
    const s = await make();
    expect(await s.tryLock('job', 150)).toBe(true);
    expect(await s.tryLock('job', 150)).toBe(false);
    expect(await s.tryLock('other', 150)).toBe(true);
    await new Promise((r) => setTimeout(r, 200));
    expect(await s.tryLock('job', 150)).toBe(true);
  });

  it('admits up to the limit and refuses beyond it, all or nothing', async () => {
    const s = await make();
    expect(await s.consume([item('a', 1, 2), item('b', 1, 1)])).toEqual({ ok: true });
    // b is full: nothing is consumed, a included.
    expect(await s.consume([item('a', 1, 2), item('b', 1, 1)])).toEqual({ ok: false, index: 1, used: 1 });
    expect(await s.read(['a', 'b', 'never'])).toEqual([1, 1, 0]);
    expect(await s.consume([item('a', 1, 2)])).toEqual({ ok: true });
    const r = await s.consume([item('a', 1, 2)]);
    expect(r).toEqual({ ok: false, index: 0, used: 2 });
    expect(await s.consume([])).toEqual({ ok: true });
  });

  it('counts fractional amounts (USD budgets) exactly up to the limit', async () => {
    const s = await make();
    for (let i = 0; i < 3; i++) expect((await s.consume([item('usd', 0.1, 0.3)])).ok).toBe(true);
    const r = await s.consume([item('usd', 0.1, 0.3)]);
    expect(r.ok).toBe(false);
    if (!r.ok && 'used' in r) expect(r.used).toBeCloseTo(0.3, 12);
    expect((await s.read(['usd']))[0]).toBeCloseTo(0.3, 12);
    // A smaller amount that still fits is admitted.
    expect((await s.consume([item('usd', 0, 0.3)])).ok).toBe(true);
  });

  it('adjust settles a reservation (down or up) and ignores zero deltas', async () => {
    const s = await make();
    await s.consume([item('budget', 0.5, 1), item('tokens', 100, 1000)]);
    await s.adjust([
      { key: 'budget', delta: -0.2, ttlMs: 60_000 },
      { key: 'tokens', delta: 0, ttlMs: 60_000 },
    ]);
    const [budget, tokens] = await s.read(['budget', 'tokens']);
    expect(budget).toBeCloseTo(0.3, 12);
    expect(tokens).toBe(100);
    // Settling above the estimate may pass the limit; the next admission sees it.
    await s.adjust([{ key: 'budget', delta: 0.8, ttlMs: 60_000 }]);
    expect((await s.read(['budget']))[0]).toBeCloseTo(1.1, 12);
    const r = await s.consume([item('budget', 0.01, 1)]);
    expect(r.ok).toBe(false);
    expect(s.view().spend('budget')).toBeCloseTo(1.1, 12);
  });

  it('a budget counter the store does not have is reported missing, never admitted from 0; seed creates it only where absent', async () => {
    const s = await make();
    const w = { scope: 'key' as const, id: 'k1', since: 0 };
    const budget = { ...item('budget:key:k1', 0.1, 0.3), budget: w };
    // Nothing consumed, the bucket included, until the budget was rebuilt.
    expect(await s.consume([item('bucket:b', 1, 10), budget])).toEqual({ ok: false, missing: [1] });
    expect(await s.read(['bucket:b', 'budget:key:k1'])).toEqual([0, 0]);
    // A settlement for a lost budget does not recreate it.
    await s.adjust([{ key: 'budget:key:k1', delta: -0.05, ttlMs: 60_000, ifPresent: true }]);
    expect((await s.consume([budget])).ok).toBe(false);
    await s.seed([{ key: 'budget:key:k1', value: 0.25, ttlMs: 60_000, readAt: 0 }]);
    // A second seed (another instance, later) does not overwrite the first.
    await s.seed([{ key: 'budget:key:k1', value: 0, ttlMs: 60_000, readAt: 0 }]);
    expect((await s.read(['budget:key:k1']))[0]).toBeCloseTo(0.25, 12);
    expect(await s.consume([item('bucket:b', 1, 10), budget])).toMatchObject({ ok: false, index: 1 });
    await s.seed([{ key: 'budget:key:k2', value: 0, ttlMs: 60_000, readAt: 0 }]);
    expect(
      await s.consume([
        item('bucket:b', 1, 10),
        { ...item('budget:key:k2', 0.1, 0.3), budget: { ...w, id: 'k2' } },
      ]),
    ).toEqual({ ok: true });
    await s.adjust([{ key: 'budget:key:k2', delta: 0.05, ttlMs: 60_000, ifPresent: true }]);
    expect((await s.read(['bucket:b', 'budget:key:k2']))[1]).toBeCloseTo(0.15, 12);
  });

  it('counters expire with their window', async () => {
    const s = await make();
    expect((await s.consume([item('w', 5, 5, 300)])).ok).toBe(true);
    expect((await s.consume([item('w', 1, 5, 300)])).ok).toBe(false);
    await new Promise((r) => setTimeout(r, 450));
    expect(await s.read(['w'])).toEqual([0]);
    expect(s.view().counter('w')).toBe(0);
    expect((await s.consume([item('w', 5, 5, 300)])).ok).toBe(true);
  });

  it('the view shows its own admissions and events at once', async () => {
    const s = await make();
    await s.consume([item('bucket:x', 3, 10), item('budget:y', 0.25, 1)]);
    const v = s.view();
    expect(v.counter('bucket:x')).toBe(3);
    expect(v.spend('budget:y')).toBeCloseTo(0.25, 12);
    const open: CircuitState = { phase: 'open', failures: 5, openedAt: 1000 };
    s.apply([
      { type: 'cooldown', target: 'p1', until: Date.now() + 60_000 },
      { type: 'cooldown', target: 'p1', until: Date.now() + 1000 },
      opened('p1|m1', open.openedAt),
      { type: 'latency', target: 'p1|m1', value: 123.5 },
      { type: 'cursor', alias: 'chat', value: 7 },
      { type: 'weights', alias: 'chat', value: { 'a/x': 2, 'b/y': -2 } },
    ]);
    // A shorter cooldown never shortens a longer one.
    expect(v.cooldownUntil('p1')).toBeGreaterThan(Date.now() + 50_000);
    expect(v.cooldownUntil('p2')).toBe(0);
    expect(v.circuit('p1|m1')).toEqual(open);
    expect(v.circuit('p2|m1')).toBeUndefined();
    expect(v.latency('p1|m1')).toBe(123.5);
    expect(v.latency('p2|m1')).toBeUndefined();
    expect(v.cursor('chat')).toBe(7);
    expect(v.cursor('other')).toBe(0);
    expect(v.weights('chat')).toEqual({ 'a/x': 2, 'b/y': -2 });
    s.inFlight('p1|m1', 1);
    s.inFlight('p1|m1', 1);
    expect(v.inFlight('p1|m1')).toBe(2);
    s.inFlight('p1|m1', -1);
    s.inFlight('p1|m1', -1);
    expect(v.inFlight('p1|m1')).toBe(0);
  });

  it('a success ends the run of failures the store holds, even reported on a view that predates them', async () => {
    const s = await make();
    const attempt = { providerId: 'p', modelRegistryId: 'm', key: { id: 'k' } };
    const now = Date.now();
    s.apply(Array.from({ length: 4 }, () => opened('p|m', now)).map((e) => ({ ...e, change: fail1(now) })));
    expect(s.view().circuit('p|m')).toMatchObject({ phase: 'closed', failures: 4 });
    // The success was seen on a view without those failures (a shared store's mirror before its sync).
    s.apply(eventsAfterSuccess(attempt, { latencyMs: 10 }, EMPTY_STATE));
    s.apply([{ type: 'circuit', target: 'p|m', change: fail1(now) }]);
    expect(s.view().circuit('p|m')).toEqual({ phase: 'closed', failures: 1, openedAt: 0 });
  });

  it('claimProbe: one probe per open period, claimed by the first; the claim expires with the open time', async () => {
    const s = await make();
    const openMs = 30_000;
    const now = Date.now();
    // Nothing to claim on a circuit that is not open: the request goes, nothing changes.
    expect(await s.claimProbe('p|unknown', now, openMs)).toBe(true);
    expect(s.view().circuit('p|unknown')).toBeUndefined();
    // Open, the open time not over: no probe yet.
    s.apply([opened('p|recent', now - 1000)]);
    expect(await s.claimProbe('p|recent', now, openMs)).toBe(false);
    expect(s.view().circuit('p|recent')).toMatchObject({ phase: 'open', openedAt: now - 1000 });
    // Its open time over: of several claims at once, one wins, and the circuit is half-open from its time.
    s.apply([opened('p|m', now - 60_000)]);
    const claims = await Promise.all(Array.from({ length: 5 }, () => s.claimProbe('p|m', now, openMs)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(s.view().circuit('p|m')).toEqual({ phase: 'half-open', failures: 5, openedAt: now });
    expect(await s.claimProbe('p|m', now + openMs - 1, openMs)).toBe(false);
    // A probe whose outcome never came (its instance died): the claim expires with the open time.
    expect(await s.claimProbe('p|m', now + openMs, openMs)).toBe(true);
    expect(s.view().circuit('p|m')).toEqual({ phase: 'half-open', failures: 5, openedAt: now + openMs });
    // The probe answered: closed, and the next request needs no claim.
    s.apply([{ type: 'circuit', target: 'p|m', change: { kind: 'success' } }]);
    expect(await s.claimProbe('p|m', now + openMs, openMs)).toBe(true);
    expect(s.view().circuit('p|m')).toEqual({ phase: 'closed', failures: 0, openedAt: 0 });
  });

  it('releaseProbe: a probe that ended without a verdict gives its claim back; a later verdict or claim is kept', async () => {
    const s = await make();
    const openMs = 30_000;
    const now = Date.now();
    s.apply([opened('p|m', now - 60_000)]);
    expect(await s.claimProbe('p|m', now, openMs)).toBe(true);
    expect(await s.claimProbe('p|m', now + 1, openMs)).toBe(false);
    // Given back: open with its open time over, and the next request claims the probe at once.
    await s.releaseProbe('p|m', now, openMs);
    expect(s.view().circuit('p|m')).toMatchObject({ phase: 'open', failures: 5 });
    expect(await s.claimProbe('p|m', now + 1, openMs)).toBe(true);
    // The first claim's release, late: the second claim stands.
    await s.releaseProbe('p|m', now, openMs);
    expect(await s.claimProbe('p|m', now + 2, openMs)).toBe(false);
    // A verdict came (the probe failed: reopened): a release after it changes nothing.
    s.apply([{ type: 'circuit', target: 'p|m', change: fail1(now + 1) }]);
    await s.releaseProbe('p|m', now + 1, openMs);
    expect(await s.claimProbe('p|m', now + 2, openMs)).toBe(false);
    expect(s.view().circuit('p|m')).toMatchObject({ phase: 'open', failures: 6 });
  });

  it("a bucket's sliding window: its earlier slots count toward the limit (read, never written), and a refusal says what each held", async () => {
    const s = await make();
    const window = { key: 'w:3', earlier: ['w:0', 'w:1', 'w:2'] };
    const slot = (key: string, amount: number) => item(key, amount, 100);
    expect(await s.consume([slot('w:0', 4), slot('w:2', 3)])).toEqual({ ok: true });
    const rpm = { ...item('w:3', 1, 10), window };
    for (let i = 0; i < 3; i++) expect(await s.consume([rpm])).toEqual({ ok: true });
    // 4 + 0 + 3 in the earlier slots, 3 in the current one: the window is full.
    expect(await s.consume([rpm, item('other', 1, 10)])).toEqual({
      ok: false,
      index: 0,
      used: 10,
      earlier: [4, 0, 3],
    });
    expect(await s.read(['w:0', 'w:1', 'w:2', 'w:3', 'other'])).toEqual([4, 0, 3, 3, 0]);
    // The window moves on: what left it no longer counts.
    const next = { ...item('w:4', 1, 10), window: { key: 'w:4', earlier: ['w:1', 'w:2', 'w:3'] } };
    for (let i = 0; i < 4; i++) expect(await s.consume([next])).toEqual({ ok: true });
    expect(await s.consume([next])).toMatchObject({ ok: false, used: 10, earlier: [0, 3, 3] });
  });

  it('concurrent admissions never exceed the limit', async () => {
    const s = await make();
    const results = await Promise.all(
      Array.from({ length: 250 }, () => s.consume([item('rpm', 1, 100), item('tpm', 10, 100_000)])),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    expect(await s.read(['rpm', 'tpm'])).toEqual([100, 1000]);
  });
});

describe('RedisStateStore: several instances on one Redis', () => {
  const prefixes = new Map<RedisStateStore, string>();
  const shared = async (n: number, opts: Partial<RedisStateStoreOptions> = {}) => {
    const prefix = testPrefix();
    cleanups.push(() => dropPrefix(prefix));
    const stores: RedisStateStore[] = [];
    for (let i = 0; i < n; i++) stores.push(await redisStore(prefix, opts));
    for (const s of stores) prefixes.set(s, prefix);
    return stores;
  };
  /** One more instance on the prefix of `other`, with its own options. */
  const sharedWith = async (other: RedisStateStore, opts: Partial<RedisStateStoreOptions>) => [
    await redisStore(prefixes.get(other)!, opts),
  ];

  it('admits exactly up to the limit between instances under concurrency', async () => {
    const stores = await shared(3);
    const results = await Promise.all(
      Array.from({ length: 300 }, (_, i) =>
        stores[i % 3]!.consume([item('rpm', 1, 100), item('usd', 0.01, 10)]),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(100);
    for (const s of stores) {
      const [rpm, usd] = await s.read(['rpm', 'usd']);
      expect(rpm).toBe(100);
      expect(usd).toBeCloseTo(1, 9);
    }
    // Settling on one instance is seen by the others' admissions.
    await stores[0]!.adjust([{ key: 'rpm', delta: -1, ttlMs: 60_000 }]);
    expect((await stores[1]!.consume([item('rpm', 1, 100)])).ok).toBe(true);
    expect((await stores[2]!.consume([item('rpm', 1, 100)])).ok).toBe(false);
  });

  it("a sliding window's limit holds between instances: all count the same slots in one step", async () => {
    const stores = await shared(3);
    await stores[0]!.consume([item('s:0', 40, 1000), item('s:1', 20, 1000)]);
    const window = { key: 's:2', earlier: ['s:0', 's:1'] };
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => stores[i % 3]!.consume([{ ...item('s:2', 1, 100), window }])),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(40);
    for (const r of results.filter((x) => !x.ok)) expect(r).toMatchObject({ used: 100, earlier: [40, 20] });
    for (const s of stores) expect(await s.read(['s:0', 's:1', 's:2'])).toEqual([40, 20, 40]);
  });

  it("another instance's cooldowns, circuits, latency, cursors and weights reach the view within a sync", async () => {
    const [a, b] = await shared(2);
    const until = Date.now() + 60_000;
    const circuit: CircuitState = { phase: 'open', failures: 5, openedAt: 42 };
    a!.apply([
      { type: 'cooldown', target: 'prov', until },
      { type: 'cooldown', target: 'expired', until: Date.now() - 1 },
      opened('prov|m', circuit.openedAt),
      { type: 'latency', target: 'prov|m', value: 250 },
      { type: 'cursor', alias: 'chat', value: 3 },
      { type: 'weights', alias: 'chat', value: { x: 1 } },
    ]);
    const v = b!.view();
    const ms = await eventually(() => {
      expect(v.cooldownUntil('prov')).toBe(until);
      expect(v.circuit('prov|m')).toEqual(circuit);
      expect(v.latency('prov|m')).toBe(250);
      expect(v.cursor('chat')).toBe(3);
      expect(v.weights('chat')).toEqual({ x: 1 });
    }, 1000);
    expect(ms).toBeLessThan(1000);
    expect(v.cooldownUntil('expired')).toBe(0);
    // A longer cooldown from b wins on a too; a shorter one from a does not shorten it on b.
    b!.apply([{ type: 'cooldown', target: 'prov', until: until + 5000 }]);
    a!.apply([{ type: 'cooldown', target: 'prov', until: until - 5000 }]);
    await eventually(() => expect(a!.view().cooldownUntil('prov')).toBe(until + 5000));
    await new Promise((r) => setTimeout(r, 200));
    expect(v.cooldownUntil('prov')).toBe(until + 5000);
  });

  it("an admin's reset on one instance ends the cooldowns and circuits on every instance within a sync", async () => {
    const [a, b] = await shared(2);
    const until = Date.now() + 60_000;
    const circuit: CircuitState = { phase: 'open', failures: 5, openedAt: 42 };
    a!.apply([{ type: 'cooldown', target: 'prov', until }, opened('prov|m', circuit.openedAt)]);
    // b's own cooldown of another target, reset on a too.
    b!.apply([{ type: 'cooldown', target: 'endpoint:prov|https://eu', until }]);
    await eventually(() => {
      expect(b!.view().cooldownUntil('prov')).toBe(until);
      expect(b!.view().circuit('prov|m')).toEqual(circuit);
      expect(a!.view().cooldownUntil('endpoint:prov|https://eu')).toBe(until);
    });
    await a!.clear(['prov', 'prov|m', 'endpoint:prov|https://eu'], []);
    await eventually(() => {
      expect(b!.view().cooldownUntil('prov')).toBe(0);
      expect(b!.view().circuit('prov|m')).toBeUndefined();
      expect(b!.view().cooldownUntil('endpoint:prov|https://eu')).toBe(0);
    }, 1000);
    // A cooldown set after the reset still spreads.
    b!.apply([{ type: 'cooldown', target: 'prov', until: until + 1 }]);
    await eventually(() => expect(a!.view().cooldownUntil('prov')).toBe(until + 1));
  });

  it('a sync read before its own event reached Redis does not drop the event from the view', async () => {
    const [a] = await shared(1, { syncIntervalMs: 60_000 });
    const until = Date.now() + 60_000;
    const circuit: CircuitState = { phase: 'open', failures: 5, openedAt: 42 };
    a!.apply([{ type: 'cooldown', target: 'prov', until }, opened('prov|m', circuit.openedAt)]);
    // The write is scheduled for later in this turn of the event loop; this read goes to Redis first.
    await a!.sync();
    expect(a!.view().cooldownUntil('prov')).toBe(until);
    expect(a!.view().circuit('prov|m')).toEqual(circuit);
    await a!.sync();
    expect(a!.view().cooldownUntil('prov')).toBe(until);
    expect(a!.view().circuit('prov|m')).toEqual(circuit);
  });

  // Each instance derives a circuit event from its own view, which lags the others' by up to a sync: what
  // happened (a failure, a success, a probe) must add up in the shared state, not overwrite it.
  describe('one circuit, outcomes on several instances', () => {
    const settings = { failureThreshold: 5, openMs: 30_000 };
    const attempt = { providerId: 'prov', modelRegistryId: 'm', key: { id: 'k' } };
    const target = 'prov|m';
    const failure = classify(
      { status: 503, kind: 'overloaded', retryAfterMs: null, afterFirstByte: false },
      { retries: 2, maxRetries: 2, policyFallback: false, rng: mulberry32(1) },
    );
    const fail = (s: StateStore, now = Date.now()) =>
      s.apply(eventsAfterFailure(attempt, failure, now, settings));
    const succeed = (s: StateStore) => s.apply(eventsAfterSuccess(attempt, { latencyMs: 10 }, s.view()));
    /** Let queued events reach Redis (they are written once per tick). */
    const written = () => new Promise((r) => setTimeout(r, 30));

    it('failures add up: 3 on each of two instances open a circuit whose threshold is 5', async () => {
      const [a, b] = await shared(2, { syncIntervalMs: 60_000 });
      for (let i = 0; i < 3; i++) {
        fail(a!);
        fail(b!);
        await written();
      }
      await a!.sync();
      await b!.sync();
      for (const s of [a!, b!])
        expect(s.view().circuit(target)).toMatchObject({ phase: 'open', failures: 6 });
    });

    it('a success on one instance ends the run of failures another instance counted before it', async () => {
      const [a, b] = await shared(2, { syncIntervalMs: 60_000 });
      for (let i = 0; i < 4; i++) fail(a!);
      await written();
      await b!.sync();
      succeed(b!); // b saw a's 4 failures: its success closes the circuit
      await written();
      fail(a!); // a has not seen the success: one failure after it, not the fifth in a row
      await written();
      await a!.sync();
      await b!.sync();
      for (const s of [a!, b!])
        expect(s.view().circuit(target)).toEqual({ phase: 'closed', failures: 1, openedAt: 0 });
    });

    it("a success on an instance whose view has not seen another instance's failures ends them too", async () => {
      const [a, b] = await shared(2, { syncIntervalMs: 60_000 });
      for (let i = 0; i < 4; i++) fail(a!);
      await written();
      expect(b!.view().circuit(target)).toBeUndefined(); // b has not synced since
      succeed(b!);
      await written();
      fail(a!); // the first failure of a new run, not the fifth in a row
      await written();
      for (let i = 0; i < 2; i++) for (const s of [a!, b!]) await s.sync();
      for (const s of [a!, b!])
        expect(s.view().circuit(target)).toEqual({ phase: 'closed', failures: 1, openedAt: 0 });
    });

    it('the half-open probe is claimed by one instance; the others see it in flight, and it expires with the open time', async () => {
      const [a, b, c] = await shared(3, { syncIntervalMs: 60_000 });
      const t0 = Date.now() - 60_000;
      for (let i = 0; i < 5; i++) fail(a!, t0);
      await written();
      for (const s of [a!, b!, c!]) await s.sync();
      for (const s of [a!, b!, c!]) expect(s.view().circuit(target)).toMatchObject({ phase: 'open' });
      // Every instance planned the probe (each saw the open time end); several requests on each claim it at once.
      const now = Date.now();
      const claims = await Promise.all(
        [a!, b!, c!, a!, b!, c!].map((s) => s.claimProbe(target, now, settings.openMs)),
      );
      expect(claims.filter(Boolean)).toHaveLength(1);
      // Each claimant's view shows the probe in flight at once, so its next plans skip the target.
      for (const s of [a!, b!, c!]) expect(s.view().circuit(target)).toMatchObject({ phase: 'half-open' });
      // The instance that sent it vanished without an outcome: once the open time passed, another probe goes.
      expect(await b!.claimProbe(target, now + settings.openMs - 500, settings.openMs)).toBe(false);
      expect(await b!.claimProbe(target, now + settings.openMs + 500, settings.openMs)).toBe(true);
      expect(await c!.claimProbe(target, now + settings.openMs + 500, settings.openMs)).toBe(false);
    });

    it('a probe marked after another instance closed the circuit does not reopen it', async () => {
      const [a, b] = await shared(2, { syncIntervalMs: 60_000 });
      const t0 = Date.now() - 60_000;
      for (let i = 0; i < 5; i++) fail(a!, t0);
      await written();
      await b!.sync();
      expect(b!.view().circuit(target)).toMatchObject({ phase: 'open' });
      succeed(a!); // a's probe answered: closed
      await written();
      b!.apply(probeEvents({ ...attempt, probe: true }, b!.view(), Date.now())); // b still sees it open
      await written();
      await a!.sync();
      await b!.sync();
      for (const s of [a!, b!]) expect(s.view().circuit(target)?.phase ?? 'closed').toBe('closed');
    });

    // The shared circuit follows core's rule (circuitApply, as the in-memory store applies it), whether the
    // changes reach Redis one write each or kept together in one.
    const f = (failures: number, at: number, threshold = 3): CircuitChange => ({
      kind: 'failure',
      failures,
      at,
      threshold,
    });
    const p = (at: number): CircuitChange => ({ kind: 'probe', at });
    const ok: CircuitChange = { kind: 'success' };
    it.each<[string, CircuitChange[]]>([
      ['failures below the threshold', [f(1, 10), f(1, 20)]],
      ['failures up to the threshold open it', [f(1, 10), f(1, 20), f(1, 30)]],
      ['several at once past it', [f(5, 10)]],
      ['failures while open keep it open from the later one', [f(3, 10), f(1, 40), f(1, 30)]],
      ['a probe, then a success', [f(3, 10), p(50), ok]],
      ['a probe, then a failure', [f(3, 10), p(50), f(1, 60)]],
      ['a stale probe restarts half-open', [f(3, 10), p(50), p(90)]],
      ['a probe of a closed circuit', [f(1, 10), p(50)]],
      ['a probe of an unknown circuit', [p(50)]],
      ['a success ends the run', [f(2, 10), ok, f(1, 20)]],
      ['a threshold changed meanwhile', [f(2, 10), f(1, 20, 5), f(2, 30, 5)]],
    ])('%s: as core applies them', async (_name, changes) => {
      const memory = new MemoryStateStore();
      memory.apply(changes.map((change) => ({ type: 'circuit', target, change })));
      const [a, b, c] = await shared(3, { syncIntervalMs: 60_000 });
      for (const change of changes) {
        a!.apply([{ type: 'circuit', target, change }]);
        await written();
      }
      b!.apply(changes.map((change) => ({ type: 'circuit', target: 'other', change })));
      await written();
      await c!.sync();
      expect(c!.view().circuit(target)).toEqual(memory.view().circuit(target));
      expect(c!.view().circuit('other')).toEqual(memory.view().circuit(target));
    });
  });

  // Instances' clocks differ (b's here is 30 s ahead): a cooldown or an open circuit must end at the same moment on
  // every instance, each reading it on its own clock.
  describe('instances whose clocks differ', () => {
    const SKEW = 30_000;
    const ahead = () => Date.now() + SKEW;
    const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(250);

    it("another instance's cooldown ends at the same moment on this instance's clock", async () => {
      const [a] = await shared(1);
      const [b] = await sharedWith(a!, { now: ahead });
      const until = Date.now() + 60_000;
      a!.apply([{ type: 'cooldown', target: 'prov', until }]);
      await eventually(() => expect(b!.view().cooldownUntil('prov')).toBeGreaterThan(0), 1000);
      near(b!.view().cooldownUntil('prov'), until + SKEW);
      // And the other way: b's 10 s cooldown (on its clock) lasts 10 s on a.
      b!.apply([{ type: 'cooldown', target: 'model', until: ahead() + 10_000 }]);
      await eventually(() => expect(a!.view().cooldownUntil('model')).toBeGreaterThan(0), 1000);
      near(a!.view().cooldownUntil('model'), Date.now() + 10_000);
    });

    it("an instance whose clock is ahead does not end the others' cooldowns early", async () => {
      const [a] = await shared(1);
      const until = Date.now() + 20_000; // already over on b's clock, 20 s to go in fact
      a!.apply([{ type: 'cooldown', target: 'prov', until }]);
      await a!.sync();
      const [b] = await sharedWith(a!, { now: ahead });
      await b!.sync();
      near(b!.view().cooldownUntil('prov'), until + SKEW);
      await a!.sync();
      expect(a!.view().cooldownUntil('prov')).toBe(until);
    });

    it("another instance's open circuit stays open for the open time on this instance's clock", async () => {
      const [a] = await shared(1);
      const [b] = await sharedWith(a!, { now: ahead });
      const at = Date.now();
      a!.apply([opened('prov|m', at)]);
      await eventually(() => expect(b!.view().circuit('prov|m')).toBeDefined(), 1000);
      near(b!.view().circuit('prov|m')!.openedAt, at + SKEW);
      // And the other way: opened by b now (on its clock), opened now on a's.
      b!.apply([opened('prov|n', ahead())]);
      await eventually(() => expect(a!.view().circuit('prov|n')).toBeDefined(), 1000);
      near(a!.view().circuit('prov|n')!.openedAt, Date.now());
    });
  });

  it('counters the engine reads are refreshed from the other instances', async () => {
    const [a, b] = await shared(2);
    expect(b!.view().counter('bucket:k')).toBe(0); // b's engine reads it: b now watches it
    await a!.consume([item('bucket:k', 7, 100)]);
    await eventually(() => expect(b!.view().counter('bucket:k')).toBe(7), 1000);
  });

  // A budget counter rebuilt from the database is a new generation: it holds the recorded spend and its
  // rebuilder's outstanding spend. Every other instance adds its own once, and its writes tied to the lost
  // generation (settlements of reservations it made there) leave the new one alone.
  describe('budget counters rebuilt on another instance', () => {
    const budget = (key: string, amount: number, limit: number) => ({
      ...item(key, amount, limit),
      budget: { scope: 'key' as const, id: key, since: 0 },
    });
    /** A fixed outstanding spend per counter, and the `since` each question came with. */
    const ledgerOf = (owed: Record<string, number>) => {
      const asked: number[] = [];
      return {
        asked,
        outstanding: (key: string, since: number) => {
          asked.push(since);
          return owed[key] ?? 0;
        },
        reserve: () => {},
      };
    };

    it("a rebuild elsewhere gets this instance's outstanding spend once, learned from a settlement", async () => {
      const [a, b] = await shared(2);
      await a!.seed([{ key: 'budget:g', value: 0, ttlMs: 60_000, readAt: Date.now() }]);
      expect(await a!.consume([budget('budget:g', 4, 100)])).toEqual({ ok: true });
      // Redis loses its data; b rebuilds from a database that holds none of a's spend.
      await b!.clear([], ['budget:g']);
      const readAt = Date.now();
      await b!.seed([{ key: 'budget:g', value: 10, ttlMs: 60_000, readAt }]);
      const ledger = ledgerOf({ 'budget:g': 3 });
      a!.useLedger(ledger);
      // a's reservation settles at 3 (its estimate was 4): tied to the lost counter, the delta is skipped, and
      // a adds its outstanding spend (that settled 3) to the new one instead.
      await a!.adjust([{ key: 'budget:g', delta: -1, ttlMs: 60_000, ifPresent: true }]);
      await eventually(async () => expect(await b!.read(['budget:g'])).toEqual([13]), 1000);
      // Records it wrote up to 1 s before the rebuild's read (on Redis's clock) may be missing from it.
      expect(ledger.asked).toEqual([readAt - 1000]);
      // Learned once: later settlements in the new generation count as usual.
      expect(await a!.consume([budget('budget:g', 2, 100)])).toEqual({ ok: true });
      await a!.adjust([{ key: 'budget:g', delta: -1, ttlMs: 60_000, ifPresent: true }]);
      await a!.sync();
      expect(await b!.read(['budget:g'])).toEqual([14]);
      expect(ledger.asked).toHaveLength(1);
    });

    it("a rebuild on an instance whose clock is 30 s ahead is read on this instance's clock", async () => {
      const prefix = testPrefix();
      cleanups.push(() => dropPrefix(prefix));
      const a = await redisStore(prefix);
      const ahead = await redisStore(prefix, { now: () => Date.now() + 30_000 });
      await a.seed([{ key: 'budget:s', value: 0, ttlMs: 60_000, readAt: Date.now() }]);
      expect(a.view().spend('budget:s')).toBe(0);
      await ahead.clear([], ['budget:s']);
      const readAt = Date.now();
      await ahead.seed([{ key: 'budget:s', value: 1, ttlMs: 60_000, readAt: readAt + 30_000 }]);
      const ledger = ledgerOf({ 'budget:s': 0.5 });
      a.useLedger(ledger);
      await eventually(async () => expect(await a.read(['budget:s'])).toEqual([1.5]), 1000);
      // Not 29 s later (which would miss what a wrote since), nor 31 s earlier: its read, less the 1 s margin.
      expect(Math.abs(ledger.asked[0]! - (readAt - 1000))).toBeLessThan(300);
    });

    it('an instance that only watches the counter learns of the rebuild from its sync', async () => {
      const [a, b] = await shared(2);
      await a!.seed([{ key: 'budget:w', value: 0, ttlMs: 60_000, readAt: Date.now() }]);
      expect(a!.view().spend('budget:w')).toBe(0); // a's engine reads it: a watches it
      await b!.clear([], ['budget:w']);
      await b!.seed([{ key: 'budget:w', value: 1, ttlMs: 60_000, readAt: Date.now() }]);
      a!.useLedger(ledgerOf({ 'budget:w': 0.25 }));
      await eventually(async () => expect(await b!.read(['budget:w'])).toEqual([1.25]), 1000);
    });

    it("its own rebuild holds its outstanding spend since its own read, and another's rebuild is not joined twice", async () => {
      const [a, b] = await shared(2);
      const la = ledgerOf({ 'budget:o': 2 });
      const lb = ledgerOf({ 'budget:o': 5 });
      a!.useLedger(la);
      b!.useLedger(lb);
      const readAt = Date.now();
      await a!.seed([{ key: 'budget:o', value: 1, ttlMs: 60_000, readAt }]);
      expect(la.asked).toEqual([readAt]);
      // b rebuilds at once too: a's counter stands (SET NX), and b adds its own to it.
      await b!.seed([{ key: 'budget:o', value: 1, ttlMs: 60_000, readAt }]);
      await eventually(async () => expect(await a!.read(['budget:o'])).toEqual([8]), 1000);
      await a!.sync();
      await b!.sync();
      expect(await a!.read(['budget:o'])).toEqual([8]);
    });
  });

  it('in-flight counts add up across instances, and a vanished instance stops counting', async () => {
    const [a, b, c] = await shared(3, { syncIntervalMs: 50 });
    a!.inFlight('t', 1);
    a!.inFlight('t', 1);
    c!.inFlight('t', 1);
    b!.inFlight('t', 1);
    await eventually(() => expect(b!.view().inFlight('t')).toBe(4), 1000);
    // c stops without closing cleanly (its key and heartbeat expire after a few sync intervals).
    c!.redis.disconnect();
    await eventually(() => expect(b!.view().inFlight('t')).toBe(3), 5000);
    a!.inFlight('t', -1);
    await eventually(() => expect(b!.view().inFlight('t')).toBe(2), 1000);
  });

  it('fails open onto local limits while Redis is unreachable and writes the local counts back when it returns', async () => {
    const proxy = await startRedisProxy();
    cleanups.push(() => proxy.close());
    const prefix = testPrefix();
    cleanups.push(() => dropPrefix(prefix));
    const failOpen: string[] = [];
    const availability: boolean[] = [];
    const s = await redisStore(prefix, {
      url: proxy.url,
      maxReconnectDelayMs: 100,
      onFailOpen: (op) => failOpen.push(op),
      onAvailability: (up) => availability.push(up),
    });
    const direct = await redisStore(prefix); // another instance that still reaches Redis
    for (let i = 0; i < 4; i++) expect((await s.consume([item('rpm', 1, 10)])).ok).toBe(true);
    expect(failOpen).toEqual([]);

    await proxy.cut();
    // The local limit starts from the last shared count (4 of 10): six more, then refused.
    const local = [];
    for (let i = 0; i < 8; i++) local.push(await s.consume([item('rpm', 1, 10)]));
    expect(local.filter((r) => r.ok)).toHaveLength(6);
    expect(local[7]).toEqual({ ok: false, index: 0, used: 10 });
    expect(s.shared).toBe(false);
    expect(failOpen.filter((o) => o === 'consume')).toHaveLength(8);
    expect(availability).toContain(false);
    await s.adjust([{ key: 'tokens', delta: 50, ttlMs: 60_000 }]);
    expect(await s.read(['rpm', 'tokens'])).toEqual([10, 50]);
    // Redis itself only counted the shared admissions meanwhile.
    expect(await direct.read(['rpm', 'tokens'])).toEqual([4, 0]);

    await proxy.restore();
    await eventually(() => expect(s.shared).toBe(true), 5000);
    expect(availability.at(-1)).toBe(true);
    // The six local admissions and the settlement were written back: counting resumes from 10.
    expect(await direct.read(['rpm', 'tokens'])).toEqual([10, 50]);
    expect(await s.consume([item('rpm', 1, 12)])).toEqual({ ok: true });
    expect(await direct.read(['rpm'])).toEqual([11]);
  });

  it('does not write back local counts whose window ended during the outage', async () => {
    const proxy = await startRedisProxy();
    cleanups.push(() => proxy.close());
    const prefix = testPrefix();
    cleanups.push(() => dropPrefix(prefix));
    const s = await redisStore(prefix, { url: proxy.url, maxReconnectDelayMs: 100 });
    await proxy.cut();
    expect((await s.consume([item('short', 1, 10, 200), item('long', 1, 10, 60_000)])).ok).toBe(true);
    expect(s.shared).toBe(false);
    await new Promise((r) => setTimeout(r, 300));
    await proxy.restore();
    await eventually(() => expect(s.shared).toBe(true), 5000);
    const direct = await redisStore(prefix);
    expect(await direct.read(['short', 'long'])).toEqual([0, 1]);
    expect(await direct.redis.pttl(`${prefix}c:long`)).toBeGreaterThan(58_000);
    expect(await direct.redis.exists(`${prefix}c:short`)).toBe(0);
  });

  /**
   * One store behind a proxy that can hold Redis's replies (or the store's requests) back past its 150 ms
   * command timeout, and another instance that reaches Redis directly; the scripts are loaded by one healthy call
   * of each kind first, so every command under a delay is the write itself.
   */
  const slowStore = async () => {
    const proxy = await startRedisProxy();
    cleanups.push(() => proxy.close());
    const prefix = testPrefix();
    cleanups.push(() => dropPrefix(prefix));
    const s = await redisStore(prefix, { url: proxy.url, commandTimeoutMs: 150, maxReconnectDelayMs: 100 });
    const direct = await redisStore(prefix);
    expect((await s.consume([item('warm-up', 1, 10)])).ok).toBe(true);
    await s.adjust([{ key: 'warm-up', delta: -1, ttlMs: 60_000 }]);
    return { proxy, s, direct };
  };
  const budgetItem = (key: string, amount: number, limit: number) => ({
    ...item(key, amount, limit),
    budget: { scope: 'key' as const, id: key, since: 0 },
  });

  it('a reservation whose answer came after the timeout counts once, and so does its refund', async () => {
    const { proxy, s, direct } = await slowStore();
    await direct.seed([{ key: 'budget:a', value: 0, ttlMs: 60_000, readAt: 0 }]);
    await s.seed([{ key: 'budget:a', value: 0, ttlMs: 60_000, readAt: 0 }]);
    proxy.setDelay(400);
    // Redis runs it at once; only its answer is late, so the store fails open and admits it locally.
    expect(await s.consume([budgetItem('budget:a', 1, 10)])).toEqual({ ok: true });
    expect(s.shared).toBe(false);
    expect(s.view().spend('budget:a')).toBe(1);
    proxy.setDelay(0);
    await eventually(() => expect(s.shared).toBe(true), 5000);
    expect(await direct.read(['budget:a'])).toEqual([1]);
    // Its refund brings the budget back to where it was, not below.
    await s.adjust([{ key: 'budget:a', delta: -1, ttlMs: 60_000, ifPresent: true }]);
    expect(await direct.read(['budget:a'])).toEqual([0]);
    expect(await s.consume([item('rpm', 1, 10)])).toEqual({ ok: true });
    expect(await direct.read(['rpm'])).toEqual([1]);
  });

  it('a settlement whose answer came after the timeout counts once', async () => {
    const { proxy, s, direct } = await slowStore();
    await s.seed([{ key: 'budget:b', value: 5, ttlMs: 60_000, readAt: 0 }]);
    expect(s.view().spend('budget:b')).toBe(5);
    proxy.setDelay(400);
    await s.adjust([{ key: 'budget:b', delta: -1, ttlMs: 60_000, ifPresent: true }]);
    expect(s.shared).toBe(false);
    proxy.setDelay(0);
    await eventually(() => expect(s.shared).toBe(true), 5000);
    expect(await direct.read(['budget:b'])).toEqual([4]);
  });

  it('a reservation Redis ran but the store refused locally after the timeout is released again', async () => {
    const { proxy, s, direct } = await slowStore();
    // Another instance rebuilt the budget: Redis has it, this instance's mirror does not.
    await direct.seed([{ key: 'budget:c', value: 2, ttlMs: 60_000, readAt: 0 }]);
    proxy.setDelay(400);
    // Redis admits it; the store, answering from its mirror, asks for the budget to be rebuilt first.
    expect(await s.consume([budgetItem('budget:c', 1, 10), item('rpm', 1, 10)])).toEqual({
      ok: false,
      missing: [0],
    });
    proxy.setDelay(0);
    await eventually(() => expect(s.shared).toBe(true), 5000);
    expect(await direct.read(['budget:c', 'rpm'])).toEqual([2, 0]);
  });

  it('circuit failures whose write was answered after the timeout count once', async () => {
    const { proxy, s, direct } = await slowStore();
    const failure: CircuitChange = { kind: 'failure', failures: 1, at: Date.now(), threshold: 5 };
    // An event write first, so that the next one is sent as it is (its script already loaded).
    s.apply([{ type: 'latency', target: 'warm-up', value: 1 }]);
    await eventually(async () => {
      await direct.sync();
      expect(direct.view().latency('warm-up')).toBe(1);
    }, 1000);
    proxy.setDelay(400);
    // Redis makes the write at once; only its answer is late, so the store fails open and writes it again later.
    s.apply([
      { type: 'circuit', target: 'prov|m', change: failure },
      { type: 'circuit', target: 'prov|m', change: failure },
    ]);
    await eventually(() => expect(s.shared).toBe(false), 2000);
    proxy.setDelay(0);
    await eventually(() => expect(s.shared).toBe(true), 5000);
    await direct.sync();
    expect(direct.view().circuit('prov|m')).toEqual({ phase: 'closed', failures: 2, openedAt: 0 });
    // Written once more, still counted once; the next failure adds to them.
    await s.sync();
    s.apply([{ type: 'circuit', target: 'prov|m', change: failure }]);
    await eventually(async () => {
      await direct.sync();
      expect(direct.view().circuit('prov|m')).toEqual({ phase: 'closed', failures: 3, openedAt: 0 });
    }, 1000);
  });

  it('circuit failures whose write never reached Redis are made once it is back', async () => {
    const { proxy, s, direct } = await slowStore();
    const failure: CircuitChange = { kind: 'failure', failures: 2, at: Date.now(), threshold: 5 };
    proxy.setDelay(60_000, 'requests');
    s.apply([{ type: 'circuit', target: 'prov|m', change: failure }]);
    await eventually(() => expect(s.shared).toBe(false), 2000);
    // The held commands are lost with the connection: Redis never ran them.
    await proxy.cut();
    proxy.setDelay(0, 'requests');
    await direct.sync();
    expect(direct.view().circuit('prov|m')).toBeUndefined();
    await proxy.restore();
    await eventually(() => expect(s.shared).toBe(true), 5000);
    await direct.sync();
    expect(direct.view().circuit('prov|m')).toEqual({ phase: 'closed', failures: 2, openedAt: 0 });
  });

  it('Redis keeps the ids of only the writes an instance may still make again', async () => {
    const prefix = testPrefix();
    cleanups.push(() => dropPrefix(prefix));
    const s = await redisStore(prefix);
    for (let i = 0; i < 20; i++) {
      expect((await s.consume([item('rpm', 1, 100)])).ok).toBe(true);
      await s.adjust([{ key: 'rpm', delta: -1, ttlMs: 60_000 }]);
    }
    const batch = await Promise.all(Array.from({ length: 20 }, () => s.consume([item('rpm', 1, 100)])));
    expect(batch.every((r) => r.ok)).toBe(true);
    await s.adjust([{ key: 'rpm', delta: -20, ttlMs: 60_000 }]);
    const [setKey, ...others] = await s.redis.keys(`${prefix}ops:*`);
    expect(others).toEqual([]);
    // Every earlier write was answered: only the last one's id is left, and the set expires if left alone.
    expect(await s.redis.zcard(setKey!)).toBe(1);
    expect(await s.redis.pttl(setKey!)).toBeGreaterThan(0);
    expect(await s.read(['rpm'])).toEqual([0]);
  });

  it('a write that timed out before it reached Redis is written back once', async () => {
    const { proxy, s, direct } = await slowStore();
    proxy.setDelay(60_000, 'requests');
    expect(await s.consume([item('rpm', 1, 10)])).toEqual({ ok: true });
    await s.adjust([{ key: 'tokens', delta: 50, ttlMs: 60_000 }]);
    // The held commands are lost with the connection: Redis never ran them.
    await proxy.cut();
    proxy.setDelay(0, 'requests');
    expect(await direct.read(['rpm', 'tokens'])).toEqual([0, 0]);
    await proxy.restore();
    await eventually(() => expect(s.shared).toBe(true), 5000);
    expect(await direct.read(['rpm', 'tokens'])).toEqual([1, 50]);
  });

  it('starts failing open when Redis is unreachable at start, and shares once it is', async () => {
    const proxy = await startRedisProxy();
    cleanups.push(() => proxy.close());
    await proxy.cut();
    const prefix = testPrefix();
    cleanups.push(() => dropPrefix(prefix));
    const s = new RedisStateStore({
      url: proxy.url,
      prefix,
      logger,
      syncIntervalMs: 50,
      maxReconnectDelayMs: 100,
    });
    cleanups.push(() => s.close());
    expect(await s.start(300)).toBe(false);
    expect((await s.consume([item('rpm', 1, 5)])).ok).toBe(true);
    await proxy.restore();
    await eventually(() => expect(s.shared).toBe(true), 5000);
    const direct = await redisStore(prefix);
    expect(await direct.read(['rpm'])).toEqual([1]);
  });
});
