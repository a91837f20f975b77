/**
 * Rate-limit windows slide: a bucket of N per window admits at most N in any span of the window's length, not N per
 * fixed calendar window (which let a client have 2N across a boundary: N at 0:59, N more at 1:00). Told through the
 * engine's check (plan) and core's admission, as a store applies them; month windows stay calendar months.
 */
import { describe, expect, it } from 'vitest';
import { admissionItems } from './limits.js';
import { plan } from './plan.js';
import { mulberry32 } from './rng.js';
import type { StateView } from './state.js';
import type { BucketConfig } from './types.js';
import { rateLimitPhrase, windowPhrase } from './windows.js';
import { caller, config, model, provider, request, stateWith } from './fixtures.test-util.js';

const MIN = Date.UTC(2026, 10, 22, 12, 30); // a minute boundary (and a multiple of every slot below a week's)
const S = 1000;

const bucket = (over: Partial<BucketConfig> = {}): BucketConfig => ({
  name: 'rpm',
  unit: 'requests',
  limit: 10,
  window: { unit: 'minute', size: 1 },
  models: 'all',
  ...over,
});

/**
 * A gateway in miniature: one provider, one model, a caller with `b` as its key bucket; `send(t)` plans the request
 * at `t` (the engine's check) and, when admitted, reserves what core's admission reserves (the store's part).
 */
function gateway(b: BucketConfig, req = request()) {
  const counters = new Map<string, number>();
  const view: StateView = stateWith({ counter: (k) => counters.get(k) ?? 0 });
  const p = provider({ id: 'a' });
  const m = model({ id: 'm', providerId: 'a' });
  const cfg = config({ providers: [p], models: [m] });
  const who = caller({ buckets: [{ scope: 'key', id: 'k1', bucket: b }] });
  const admitted: number[] = [];
  const send = (t: number) => {
    const r = plan({ config: cfg, request: req, caller: who, state: view, now: t, rng: mulberry32(1) });
    if (!r.ok) return r.error;
    const a = r.attempts[0]!;
    for (const it of admissionItems({ attempt: a, provider: p, model: m, caller: who, request: req, now: t }))
      counters.set(it.key, (counters.get(it.key) ?? 0) + it.amount);
    admitted.push(t);
    return null;
  };
  /** `n` requests at `t`: how many were admitted. */
  const burst = (t: number, n: number) => {
    let ok = 0;
    for (let i = 0; i < n; i++) if (send(t) === null) ok++;
    return ok;
  };
  return { send, burst, admitted, counters };
}

describe('a bucket admits at most its limit in any span of its window', () => {
  it.each([
    // [what, bucket, bursts [at, how many] → admitted of each]
    [
      'N at 0:59, N more at 1:00 (across the minute boundary): the second burst is refused',
      bucket(),
      [
        [59 * S, 10, 10],
        [60 * S, 10, 0],
      ],
    ],
    [
      'N at the very end of a minute, then more near the end of the next: refused while those N are in the span',
      bucket(),
      [
        [59.9 * S, 10, 10],
        [118 * S, 9, 0],
      ],
    ],
    [
      'capacity comes back once the burst has left the window (its slot: at most one slot later)',
      bucket(),
      [
        [0, 10, 10],
        [60 * S, 10, 0],
        [65.9 * S, 10, 0],
        [66 * S, 10, 10],
      ],
    ],
    [
      'what left the window frees only its own share',
      bucket(),
      [
        [0, 5, 5],
        [30 * S, 5, 5],
        [66 * S, 10, 5],
        [96 * S, 10, 5],
      ],
    ],
    [
      'requests spread over the window fill it, none more',
      bucket({ limit: 4 }),
      [
        [0, 1, 1],
        [15 * S, 1, 1],
        [30 * S, 1, 1],
        [45 * S, 1, 1],
        [60 * S, 1, 0],
        [66 * S, 1, 1],
        [75 * S, 1, 0],
        [84 * S, 1, 1],
      ],
    ],
    [
      'a tokens-per-minute bucket: 200 tokens reserved per request (100 prompt + 100 max_tokens)',
      bucket({ name: 'tpm', unit: 'tokens', limit: 1000 }),
      [
        [59 * S, 10, 5],
        [61 * S, 10, 0],
        [126 * S, 10, 5],
      ],
    ],
    [
      'a per-second bucket slides in tenths of a second',
      bucket({ window: { unit: 'second', size: 1 }, limit: 3 }),
      [
        [0.95 * S, 3, 3],
        [1.05 * S, 3, 0],
        [1.99 * S, 3, 0],
        [2 * S, 3, 3],
      ],
    ],
    [
      'an hourly bucket: N at 12:59, more at 13:01 refused; room again once 12:54–13:00 has left (14:00)',
      bucket({ window: { unit: 'hour', size: 1 }, limit: 100 }),
      [
        [29 * 60 * S, 100, 100],
        [31 * 60 * S, 100, 0],
        [89 * 60 * S, 100, 0],
        [90 * 60 * S, 100, 100],
      ],
    ],
    [
      'a five-minute bucket: its window is five minutes long',
      bucket({ window: { unit: 'minute', size: 5 }, limit: 2 }),
      [
        [299 * S, 2, 2],
        [301 * S, 2, 0],
        [4 * 60 * S + 299 * S, 2, 0],
        [330 * S + 300 * S, 2, 2],
      ],
    ],
  ] as const)('%s', (_what, b, bursts) => {
    const g = gateway(b);
    expect(bursts.map(([at, n]) => g.burst(MIN + at, n))).toEqual(bursts.map(([, , want]) => want));
  });

  it('property: over random traffic no window-length span holds more than the limit, and a refusal only ever comes when the last window and one slot held the limit', () => {
    const rng = mulberry32(7);
    for (const [unit, len] of [
      ['second', S],
      ['minute', 60 * S],
      ['hour', 3600 * S],
    ] as const) {
      const limit = 1 + Math.floor(rng() * 20);
      const g = gateway(bucket({ limit, window: { unit, size: 1 } }));
      let t = MIN;
      const refused: number[] = [];
      for (let i = 0; i < 1500; i++) {
        t += Math.floor(rng() * rng() * len * 0.2);
        if (g.send(t) !== null) refused.push(t);
      }
      const inSpan = (from: number, to: number) => g.admitted.filter((x) => x > from && x <= to).length;
      for (const at of g.admitted) expect(inSpan(at - len, at)).toBeLessThanOrEqual(limit);
      for (const at of refused) expect(inSpan(at - len - len / 10, at)).toBeGreaterThanOrEqual(limit);
      expect(refused.length).toBeGreaterThan(0);
    }
  });

  it('the refusal says when the request fits again, and it does fit then (not a moment earlier)', () => {
    const g = gateway(bucket({ limit: 3 }));
    expect(g.burst(MIN + 10 * S, 2)).toBe(2);
    expect(g.burst(MIN + 40 * S, 1)).toBe(1);
    const refusal = g.send(MIN + 61 * S);
    // The two at 0:10 sit in the slot [0:06, 0:12): it leaves the window at 1:12.
    expect(refusal).toMatchObject({ code: 'rate_limited', resetsAt: MIN + 72 * S, retryAfterMs: 11 * S });
    expect(g.send(MIN + 72 * S - 1)).not.toBeNull();
    expect(g.send(MIN + 72 * S)).toBeNull();
  });

  it('a month window stays a calendar month (a monthly quota resets on the 1st, 00:00 UTC)', () => {
    const g = gateway(bucket({ window: { unit: 'month', size: 1 }, limit: 2 }));
    expect(g.burst(Date.UTC(2026, 10, 30, 23, 59), 2)).toBe(2);
    expect(g.burst(Date.UTC(2026, 10, 30, 23, 59, 30), 1)).toBe(0);
    expect(g.burst(Date.UTC(2026, 11, 1), 2)).toBe(2);
  });
});

describe('a refusal names the window', () => {
  it.each([
    [{ unit: 'second', size: 1 }, 'second'],
    [{ unit: 'minute', size: 1 }, 'minute'],
    [{ unit: 'minute', size: 15 }, '15 minutes'],
    [{ unit: 'hour', size: 1 }, 'hour'],
    [{ unit: 'day', size: 2 }, '2 days'],
    [{ unit: 'week', size: 1 }, 'week'],
    [{ unit: 'month', size: 1 }, 'calendar month'],
    [{ unit: 'month', size: 3 }, '3 calendar months'],
    [{ unit: 'minute', size: 0 }, 'minute'],
  ] as const)('%o is "%s"', (w, text) => {
    expect(windowPhrase(w)).toBe(text);
  });

  it("a bucket's 429 says what it allows and per what: never 'per window'", () => {
    const g = gateway(bucket({ limit: 10, window: { unit: 'minute', size: 15 } }));
    expect(g.burst(MIN, 10)).toBe(10);
    const refused = g.send(MIN + 7 * S);
    const r = { ok: false as const, error: refused! };
    expect(!r.ok && r.error.code).toBe('rate_limited');
    expect(!r.ok && r.error.message).toContain('10/10 requests per 15 minutes');
    expect(!r.ok && r.error.message).not.toContain('per window');
    expect(rateLimitPhrase(20000, 'tokens', { unit: 'minute', size: 5 })).toBe('20000 tokens per 5 minutes');
  });
});
