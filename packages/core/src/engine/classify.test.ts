import { describe, expect, it } from 'vitest';
import { backoffMs, classify, type AttemptOutcome, type ClassifyOptions } from './classify.js';
import { mulberry32 } from './rng.js';

const opts = (over: Partial<ClassifyOptions> = {}): ClassifyOptions => ({
  retries: 0,
  maxRetries: 2,
  policyFallback: false,
  rng: mulberry32(3),
  ...over,
});
const o = (over: Partial<AttemptOutcome>): AttemptOutcome => ({
  status: 500,
  kind: 'server',
  retryAfterMs: null,
  afterFirstByte: false,
  ...over,
});

describe("after the first byte: stop; only the provider's own failures count toward the circuit", () => {
  // [kind, counts toward the circuit]
  it.each([
    ['network', true],
    ['timeout', true],
    ['server', true],
    ['overloaded', true],
    ['unknown', true],
    ['policy', false],
    ['context_window', false],
    ['bad_request', false],
    ['auth', false],
    ['billing', false],
    ['rate_limit', false],
    ['model_not_found', false],
    ['request_too_large', false],
  ] as const)('%s: circuit %s', (kind, counts) => {
    const c = classify(
      { status: 200, kind, retryAfterMs: null, afterFirstByte: true },
      { retries: 0, maxRetries: 2, policyFallback: true, rng: () => 0 },
    );
    expect(c.action).toBe('stop');
    expect(c.circuitFailure).toBe(counts);
    expect(c.cooldown).toBeNull();
  });
});

describe('classification table', () => {
  it.each([
    [
      '429 with a long Retry-After: cool down for it and fall back',
      o({ status: 429, kind: 'rate_limit', retryAfterMs: 20_000 }),
      'fallback',
      { scope: 'model', ms: 20_000 },
    ],
    [
      '429 without Retry-After: 30 s cooldown',
      o({ status: 429, kind: 'rate_limit' }),
      'fallback',
      { scope: 'model', ms: 30_000 },
    ],
    [
      '402 billing: provider cooldown 1 h',
      o({ status: 402, kind: 'billing' }),
      'fallback',
      { scope: 'provider', ms: 3_600_000 },
    ],
    [
      '401 auth: key cooldown 5 min',
      o({ status: 401, kind: 'auth' }),
      'fallback',
      { scope: 'key', ms: 300_000 },
    ],
    ['403 auth', o({ status: 403, kind: 'auth' }), 'fallback', { scope: 'key', ms: 300_000 }],
    ['policy block: stop', o({ status: 400, kind: 'policy' }), 'stop', null],
    [
      '404 model not found: model cooldown 1 h',
      o({ status: 404, kind: 'model_not_found' }),
      'fallback',
      { scope: 'model', ms: 3_600_000 },
    ],
    ['400 context window: fall back', o({ status: 400, kind: 'context_window' }), 'fallback', null],
    [
      '429 request too large for the per-minute token limit: fall back, no cooldown',
      o({ status: 429, kind: 'request_too_large', retryAfterMs: 20_000 }),
      'fallback',
      null,
    ],
    ['413 context window', o({ status: 413, kind: 'context_window' }), 'fallback', null],
    [
      '413 request body too large (Anthropic request_too_large): fall back, no cooldown',
      o({ status: 413, kind: 'request_too_large' }),
      'fallback',
      null,
    ],
    ['422 other client error: stop', o({ status: 422, kind: 'bad_request' }), 'stop', null],
    ['400 other client error: stop', o({ status: 400, kind: 'bad_request' }), 'stop', null],
    ['408: retry', o({ status: 408, kind: 'bad_request' }), 'retry', null],
    ['409: retry', o({ status: 409, kind: 'unknown' }), 'retry', null],
    ['500: retry', o({ status: 500, kind: 'server' }), 'retry', null],
    ['503 overloaded: retry', o({ status: 503, kind: 'overloaded' }), 'retry', null],
    ['network: retry', o({ status: 0, kind: 'network' }), 'retry', null],
    [
      'our first-byte timeout: fall back, never the same target again',
      o({ status: 0, kind: 'timeout' }),
      'fallback',
      null,
    ],
    [
      'stream cut after the first byte: stop',
      o({ status: 0, kind: 'network', afterFirstByte: true }),
      'stop',
      null,
    ],
    [
      'stream cut before the first byte: fall back',
      o({ status: 200, kind: 'network', streamCut: true }),
      'fallback',
      null,
    ],
    ['404 without a model message: fall back', o({ status: 404, kind: 'not_found' }), 'fallback', null],
    ['unknown 404: fall back', o({ status: 404, kind: 'unknown' }), 'fallback', null],
    ['unknown 418: stop', o({ status: 418, kind: 'unknown' }), 'stop', null],
    ['unknown 502: retry', o({ status: 502, kind: 'unknown' }), 'retry', null],
    ['504 timeout: retry', o({ status: 504, kind: 'timeout' }), 'retry', null],
  ] as const)('%s', (_name, outcome, action, cooldown) => {
    const c = classify(outcome, opts());
    expect(c.action).toBe(action);
    expect(c.cooldown).toEqual(cooldown);
  });

  it.each([
    [
      'our timeout at the target’s own limit',
      'provider',
      o({ status: 0, kind: 'timeout' }),
      'fallback',
      true,
    ],
    [
      'our timeout at a limit the request’s deadline cut short: not the target’s failure',
      'provider',
      o({ status: 0, kind: 'timeout', deadlineCut: true }),
      'fallback',
      false,
    ],
    [
      'the same on a caller’s own key',
      'byok',
      o({ status: 0, kind: 'timeout', deadlineCut: true }),
      'fallback',
      false,
    ],
    [
      'an upstream’s own 504 is its answer, whatever the deadline',
      'provider',
      o({ status: 504, kind: 'timeout', deadlineCut: true }),
      'retry',
      true,
    ],
    [
      'a network failure is not a timeout',
      'provider',
      o({ status: 0, kind: 'network', deadlineCut: true }),
      'retry',
      true,
    ],
  ] as const)('%s (%s key)', (_name, keySource, outcome, action, circuit) => {
    const c = classify(outcome, opts({ keySource }));
    expect(c.action).toBe(action);
    expect(c.circuitFailure).toBe(circuit);
    expect(c.cooldown).toBeNull();
  });

  // Whose key paid the attempt: what a caller's own key (BYOK, org) met is a fact about that key.
  it.each([
    [
      '429 on the provider key: the model',
      'provider',
      o({ status: 429, kind: 'rate_limit' }),
      { scope: 'model', ms: 30_000 },
    ],
    [
      '429 on a BYOK key: that key',
      'byok',
      o({ status: 429, kind: 'rate_limit' }),
      { scope: 'key', ms: 30_000 },
    ],
    [
      '402 on the provider key: the provider',
      'provider',
      o({ status: 402, kind: 'billing' }),
      { scope: 'provider', ms: 3_600_000 },
    ],
    [
      '402 on an org key: that key',
      'org',
      o({ status: 402, kind: 'billing' }),
      { scope: 'key', ms: 3_600_000 },
    ],
    [
      '404 model not found on the provider key: the model',
      'provider',
      o({ status: 404, kind: 'model_not_found' }),
      { scope: 'model', ms: 3_600_000 },
    ],
    [
      '404 model not found on a BYOK key (no access): that key × model only',
      'byok',
      o({ status: 404, kind: 'model_not_found' }),
      { scope: 'key-model', ms: 3_600_000 },
    ],
    [
      '404 model not found on an org key: that key × model only',
      'org',
      o({ status: 404, kind: 'model_not_found' }),
      { scope: 'key-model', ms: 3_600_000 },
    ],
  ] as const)('%s', (_name, keySource, outcome, cooldown) => {
    const c = classify(outcome, opts({ keySource }));
    expect(c.action).toBe('fallback');
    expect(c.cooldown).toEqual(cooldown);
    expect(c.circuitFailure).toBe(false);
  });

  it('a short Retry-After on 429 waits that long and retries once, then falls back', () => {
    const first = classify(o({ status: 429, kind: 'rate_limit', retryAfterMs: 800 }), opts());
    expect(first).toMatchObject({ action: 'retry', delayMs: 800 });
    expect(
      classify(o({ status: 429, kind: 'rate_limit', retryAfterMs: 800 }), opts({ retries: 1 })).action,
    ).toBe('fallback');
  });

  it('transient failures retry up to maxRetries, then fall back; they count toward the circuit', () => {
    expect(classify(o({}), opts({ retries: 1 })).action).toBe('retry');
    const last = classify(o({}), opts({ retries: 2 }));
    expect(last.action).toBe('fallback');
    expect(last.circuitFailure).toBe(true);
    expect(classify(o({ status: 401, kind: 'auth' }), opts()).circuitFailure).toBe(false);
  });

  it("a 409 conflict retries, then falls back, and never counts toward the circuit (a caller's request provokes it)", () => {
    for (const kind of ['bad_request', 'unknown'] as const) {
      expect(classify(o({ status: 409, kind }), opts({ retries: 1 })).action).toBe('retry');
      const last = classify(o({ status: 409, kind }), opts({ retries: 2 }));
      expect(last).toMatchObject({ action: 'fallback', circuitFailure: false, cooldown: null });
    }
    // 408 (the upstream gave up reading what the gateway sent) still counts.
    expect(classify(o({ status: 408, kind: 'bad_request' }), opts({ retries: 2 })).circuitFailure).toBe(true);
  });

  it('policy blocks fall back only when enabled', () => {
    expect(classify(o({ status: 400, kind: 'policy' }), opts({ policyFallback: true })).action).toBe(
      'fallback',
    );
  });

  it('context-window failures ask for a larger window', () => {
    expect(classify(o({ status: 400, kind: 'context_window' }), opts()).needLargerContext).toBe(true);
  });

  it('backoff is jittered exponential and capped', () => {
    const rng = () => 0.999;
    expect(backoffMs(0, rng, 250, 4000)).toBe(249);
    expect(backoffMs(2, rng, 250, 4000)).toBe(999);
    expect(backoffMs(10, rng, 250, 4000)).toBe(3996);
    expect(backoffMs(3, () => 0)).toBe(0);
  });

  it('a stream cut before the first byte falls back at once (no retry) and counts toward the circuit', () => {
    const c = classify(o({ status: 200, kind: 'network', streamCut: true }), opts({ retries: 0 }));
    expect(c).toMatchObject({ action: 'fallback', circuitFailure: true, delayMs: 0 });
  });

  it('retry delays grow with the retry count and never exceed the cap', () => {
    const rng = mulberry32(11);
    for (let retries = 0; retries < 8; retries++) {
      for (let i = 0; i < 50; i++) {
        const d = classify(
          o({}),
          opts({ retries: 0, maxRetries: 10, rng, baseBackoffMs: 100, maxBackoffMs: 1000 }),
        ).delayMs;
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThan(100);
        const later = classify(
          o({}),
          opts({ retries, maxRetries: 10, rng, baseBackoffMs: 100, maxBackoffMs: 1000 }),
        ).delayMs;
        expect(later).toBeLessThan(Math.min(1000, 100 * 2 ** retries));
      }
    }
  });

  it('rate limits, billing, auth and context errors do not count toward the circuit', () => {
    for (const kind of [
      'rate_limit',
      'billing',
      'auth',
      'context_window',
      'request_too_large',
      'policy',
      'model_not_found',
      'bad_request',
    ] as const) {
      expect(classify(o({ status: 400, kind }), opts()).circuitFailure).toBe(false);
    }
  });
});

describe('cooldown timings from the routing settings', () => {
  const cooldowns = { rateLimitMs: 1_000, billingMs: 2_000, authMs: 3_000, modelNotFoundMs: 4_000 };
  it.each([
    ['429 without Retry-After', o({ status: 429, kind: 'rate_limit' }), { scope: 'model', ms: 1_000 }],
    [
      '429 with Retry-After keeps it',
      o({ status: 429, kind: 'rate_limit', retryAfterMs: 9_000 }),
      { scope: 'model', ms: 9_000 },
    ],
    ['402 billing', o({ status: 402, kind: 'billing' }), { scope: 'provider', ms: 2_000 }],
    ['401 auth', o({ status: 401, kind: 'auth' }), { scope: 'key', ms: 3_000 }],
    ['invalid header', o({ status: 0, kind: 'invalid_header' }), { scope: 'key', ms: 3_000 }],
    ['404 model', o({ status: 404, kind: 'model_not_found' }), { scope: 'model', ms: 4_000 }],
  ])('%s', (_label, outcome, cooldown) => {
    expect(classify(outcome, opts({ cooldowns })).cooldown).toEqual(cooldown);
  });
  it('a cooldown of 0 still falls back', () => {
    const c = classify(
      o({ status: 402, kind: 'billing' }),
      opts({ cooldowns: { ...cooldowns, billingMs: 0 } }),
    );
    expect(c).toMatchObject({ action: 'fallback', cooldown: { scope: 'provider', ms: 0 } });
  });
});
