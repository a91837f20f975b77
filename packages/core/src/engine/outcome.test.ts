import { describe, expect, it } from 'vitest';
import { classify } from './classify.js';
import { plan } from './plan.js';
import { mulberry32 } from './rng.js';
import { keyModelTarget, modelTarget } from './state.js';
import { eventsAfterFailure, eventsAfterSuccess, probeEvents } from './outcome.js';
import { caller, config, memoryState, model, provider, request } from './fixtures.test-util.js';

const circuit = { failureThreshold: 3, openMs: 30_000 };
const attempt = { providerId: 'a', modelRegistryId: 'm', key: { id: 'k-a' } };
const opts = { retries: 0, maxRetries: 2, policyFallback: false, rng: mulberry32(1) };

describe('events after an attempt', () => {
  it.each([
    [
      '429 → the provider × model cools down for Retry-After',
      { status: 429, kind: 'rate_limit' as const, retryAfterMs: 10_000 },
      modelTarget('a', 'm'),
      1000 + 10_000,
    ],
    [
      '402 → the provider cools down',
      { status: 402, kind: 'billing' as const, retryAfterMs: null },
      'a',
      1000 + 3_600_000,
    ],
    [
      '401 → the key cools down',
      { status: 401, kind: 'auth' as const, retryAfterMs: null },
      'k-a',
      1000 + 300_000,
    ],
  ])('%s', (_n, o, target, until) => {
    const c = classify({ ...o, afterFirstByte: false }, opts);
    expect(eventsAfterFailure(attempt, c, 1000, circuit)).toEqual([{ type: 'cooldown', target, until }]);
  });

  it('a retry does not touch the circuit; the final failure does', () => {
    const retry = classify({ status: 500, kind: 'server', retryAfterMs: null, afterFirstByte: false }, opts);
    expect(eventsAfterFailure(attempt, retry, 0, circuit)).toEqual([]);
    const final = classify(
      { status: 500, kind: 'server', retryAfterMs: null, afterFirstByte: false },
      { ...opts, retries: 2 },
    );
    expect(eventsAfterFailure(attempt, final, 0, circuit)).toEqual([
      {
        type: 'circuit',
        target: modelTarget('a', 'm'),
        change: { kind: 'failure', failures: 1, at: 0, threshold: 3 },
      },
    ]);
  });

  it("success moves the latency EWMA (TTFT first) and ends the circuit's failures, whatever the view shows", () => {
    const store = memoryState();
    store.apply([
      { type: 'latency', target: modelTarget('a', 'm'), value: 100 },
      {
        type: 'circuit',
        target: modelTarget('a', 'm'),
        change: { kind: 'failure', failures: 3, at: 5, threshold: 3 },
      },
      { type: 'circuit', target: modelTarget('a', 'm'), change: { kind: 'probe', at: 5 } },
    ]);
    expect(store.view.circuit(modelTarget('a', 'm'))).toEqual({
      phase: 'half-open',
      failures: 3,
      openedAt: 5,
    });
    expect(eventsAfterSuccess(attempt, { latencyMs: 900, ttftMs: 200 }, store.view)).toEqual([
      { type: 'latency', target: modelTarget('a', 'm'), value: 120 },
      { type: 'circuit', target: modelTarget('a', 'm'), change: { kind: 'success' } },
    ]);
    // A view that shows no failures (a shared store's mirror that has not seen another instance's yet) still ends
    // whatever run of failures the store holds.
    expect(eventsAfterSuccess(attempt, { latencyMs: 900 }, memoryState().view)).toEqual([
      { type: 'latency', target: modelTarget('a', 'm'), value: 900 },
      { type: 'circuit', target: modelTarget('a', 'm'), change: { kind: 'success' } },
    ]);
  });
});

describe('circuit breaker through plan(): closed → open after N failures → half-open probe → closed', () => {
  it('follows the whole cycle', () => {
    const cfg = config({
      circuit,
      providers: [provider({ id: 'a' }), provider({ id: 'b' })],
      models: [model({ id: 'm', providerId: 'a' }), model({ id: 'm', providerId: 'b' })],
    });
    const store = memoryState();
    const first = (now: number) => {
      const r = plan({
        request: request({ model: 'm' }),
        caller: caller(),
        config: cfg,
        state: store.view,
        now,
        rng: mulberry32(1),
      });
      if (!r.ok) throw new Error('no route');
      return r.attempts[0]!;
    };
    const fail = { status: 503, kind: 'overloaded' as const, retryAfterMs: null, afterFirstByte: false };
    let now = 1_000;
    for (let i = 0; i < 3; i++) {
      const a = first(now);
      expect(a.providerId).toBe('a');
      store.apply(eventsAfterFailure(a, classify(fail, { ...opts, retries: 2 }), now, circuit));
    }
    // Open: a is skipped, b serves.
    expect(first(now + 1).providerId).toBe('b');
    // After openMs one probe goes to a …
    now += 30_001;
    const probe = first(now);
    expect(probe).toMatchObject({ providerId: 'a', probe: true });
    store.apply(probeEvents(probe, store.view, now));
    // … and while it is in flight nobody else is sent there.
    expect(first(now + 5).providerId).toBe('b');
    store.apply(eventsAfterSuccess(probe, { latencyMs: 50 }, store.view));
    expect(first(now + 20)).toMatchObject({ providerId: 'a', probe: false });
  });
});

describe("isolation: a caller's own key or request never touches shared state", () => {
  const byok = { providerId: 'a', modelRegistryId: 'm', key: { id: 'byok-u1' } };
  const org = { providerId: 'a', modelRegistryId: 'm', key: { id: 'orgkey-o1' } };
  const own = { providerId: 'a', modelRegistryId: 'm', key: { id: 'provider:a' } };
  const shared = new Set(['a', modelTarget('a', 'm')]);
  it.each([
    [
      'BYOK 401',
      byok,
      'byok',
      { status: 401, kind: 'auth' as const },
      [{ type: 'cooldown', target: 'byok-u1', until: 1000 + 300_000 }],
    ],
    [
      'BYOK 403',
      byok,
      'byok',
      { status: 403, kind: 'auth' as const },
      [{ type: 'cooldown', target: 'byok-u1', until: 1000 + 300_000 }],
    ],
    [
      'org key 401',
      org,
      'org',
      { status: 401, kind: 'auth' as const },
      [{ type: 'cooldown', target: 'orgkey-o1', until: 1000 + 300_000 }],
    ],
    [
      'BYOK 402 billing: that key, not the provider',
      byok,
      'byok',
      { status: 402, kind: 'billing' as const },
      [{ type: 'cooldown', target: 'byok-u1', until: 1000 + 3_600_000 }],
    ],
    [
      'org key out of quota: that key',
      org,
      'org',
      { status: 429, kind: 'billing' as const },
      [{ type: 'cooldown', target: 'orgkey-o1', until: 1000 + 3_600_000 }],
    ],
    [
      'BYOK 429: that key, not the provider × model',
      byok,
      'byok',
      { status: 429, kind: 'rate_limit' as const, retryAfterMs: 60_000 },
      [{ type: 'cooldown', target: 'byok-u1', until: 1000 + 60_000 }],
    ],
    [
      'BYOK key that cannot be sent in a header',
      byok,
      'byok',
      { status: 0, kind: 'invalid_header' as const },
      [{ type: 'cooldown', target: 'byok-u1', until: 1000 + 300_000 }],
    ],
    [
      'org key that cannot be sent in a header',
      org,
      'org',
      { status: 0, kind: 'invalid_header' as const },
      [{ type: 'cooldown', target: 'orgkey-o1', until: 1000 + 300_000 }],
    ],
    [
      'BYOK 404 model not found (the key may not use it): that key × that model, not the model',
      byok,
      'byok',
      { status: 404, kind: 'model_not_found' as const },
      [{ type: 'cooldown', target: keyModelTarget('byok-u1', 'm'), until: 1000 + 3_600_000 }],
    ],
    [
      'org key 404 model not found: that key × that model',
      org,
      'org',
      { status: 404, kind: 'model_not_found' as const },
      [{ type: 'cooldown', target: keyModelTarget('orgkey-o1', 'm'), until: 1000 + 3_600_000 }],
    ],
    ['BYOK 400 shape error: nothing', byok, 'byok', { status: 400, kind: 'bad_request' as const }, []],
    [
      'BYOK request too large for the per-minute token limit: nothing',
      byok,
      'byok',
      { status: 429, kind: 'request_too_large' as const, retryAfterMs: 20_000 },
      [],
    ],
    [
      'provider key request too large for the per-minute token limit: nothing',
      own,
      'provider',
      { status: 429, kind: 'request_too_large' as const, retryAfterMs: 20_000 },
      [],
    ],
    ['BYOK 422: nothing', byok, 'byok', { status: 422, kind: 'bad_request' as const }, []],
    ['BYOK policy block: nothing', byok, 'byok', { status: 400, kind: 'policy' as const }, []],
    ['provider key policy block: nothing', own, 'provider', { status: 400, kind: 'policy' as const }, []],
    ['provider key 400: nothing', own, 'provider', { status: 400, kind: 'bad_request' as const }, []],
    [
      'provider key that cannot be sent: that key only',
      own,
      'provider',
      { status: 0, kind: 'invalid_header' as const },
      [{ type: 'cooldown', target: 'provider:a', until: 1000 + 300_000 }],
    ],
  ] as const)('%s', (_n, a, keySource, out, events) => {
    const store = memoryState();
    // Five in a row (the default threshold): the circuit must stay closed and nothing shared may cool down.
    for (let i = 0; i < 5; i++) {
      const c = classify(
        { retryAfterMs: null, ...out, afterFirstByte: false },
        { ...opts, retries: 2, keySource },
      );
      const ev = eventsAfterFailure(a, c, 1000, { failureThreshold: 5, openMs: 30_000 });
      expect(ev).toEqual(events);
      expect(c.circuitFailure).toBe(false);
      store.apply(ev);
    }
    for (const t of shared) {
      expect(store.view.cooldownUntil(t)).toBe(0);
      expect(store.view.circuit(t)).toBeUndefined();
    }
  });

  it("the provider's own key: billing still cools the provider, a 429 or a missing model the provider × model, network failures count toward the circuit", () => {
    const o = { afterFirstByte: false, retryAfterMs: null };
    expect(
      eventsAfterFailure(
        own,
        classify({ ...o, status: 402, kind: 'billing' }, { ...opts, keySource: 'provider' }),
        0,
        circuit,
      ),
    ).toEqual([{ type: 'cooldown', target: 'a', until: 3_600_000 }]);
    expect(
      eventsAfterFailure(
        own,
        classify({ ...o, status: 429, kind: 'rate_limit' }, { ...opts, keySource: 'provider' }),
        0,
        circuit,
      ),
    ).toEqual([{ type: 'cooldown', target: modelTarget('a', 'm'), until: 30_000 }]);
    expect(
      eventsAfterFailure(
        own,
        classify({ ...o, status: 404, kind: 'model_not_found' }, { ...opts, keySource: 'provider' }),
        0,
        circuit,
      ),
    ).toEqual([{ type: 'cooldown', target: modelTarget('a', 'm'), until: 3_600_000 }]);
    expect(
      classify({ ...o, status: 0, kind: 'network' }, { ...opts, retries: 2, keySource: 'byok' })
        .circuitFailure,
    ).toBe(true);
  });
});
