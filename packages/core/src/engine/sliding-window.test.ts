/**
 * The sliding window's rules, one table each: slot lengths, a bucket's counters, what a window counts, when it has room
 * again and when it is clear, and the admission items that carry it.
 */
import { describe, expect, it } from 'vitest';
import {
  admissionItems,
  checkItems,
  itemUsed,
  refusedUntil,
  windowClearsAt,
  windowFreeAt,
  windowUsed,
} from './limits.js';
import { bucketCounters, bucketKey } from './state.js';
import type { BucketConfig, WindowUnit } from './types.js';
import { slotLength } from './windows.js';
import { provider } from './fixtures.test-util.js';

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

describe('slotLength', () => {
  it.each([
    ['second', 1, 100],
    ['minute', 1, 6_000],
    ['minute', 5, 30_000],
    ['hour', 1, 360_000],
    ['day', 1, 8_640_000],
    ['week', 1, 60_480_000],
    ['month', 1, 0],
    ['month', 3, 0],
  ] as const)('%s × %d → %d ms', (unit: WindowUnit, size, ms) => {
    expect(slotLength(unit, size)).toBe(ms);
  });
});

describe('bucketCounters', () => {
  it('a sliding window: the current slot and the ten before it, oldest first; it ends when the current slot leaves', () => {
    const now = MIN + 61 * S + 500;
    const c = bucketCounters('key', 'k1', bucket(), now);
    const start = MIN + 60 * S;
    expect(c).toMatchObject({ key: `bucket:key:k1:rpm:${start}`, start, slotMs: 6000, end: start + 66 * S });
    expect(c.earlier).toEqual(
      Array.from({ length: 10 }, (_, i) => `bucket:key:k1:rpm:${start - (10 - i) * 6000}`),
    );
    expect(bucketKey('key', 'k1', bucket(), now)).toBe(c.key);
    // The same slot, the same strings (nothing built per request); the next slot, new ones.
    expect(bucketCounters('key', 'k1', bucket(), now + 4000)).toBe(c);
    expect(bucketCounters('key', 'k1', bucket(), now + 4500).start).toBe(start + 6000);
  });
  it('a month window: one counter for the calendar month, nothing earlier', () => {
    const c = bucketCounters('byok', 'u1', bucket({ window: { unit: 'month', size: 1 } }), MIN);
    expect(c).toEqual({
      key: `bucket:byok:u1:rpm:${Date.UTC(2026, 10, 1)}`,
      earlier: [],
      start: Date.UTC(2026, 10, 1),
      slotMs: 0,
      end: Date.UTC(2026, 11, 1),
    });
  });
  it('two buckets of one name but other windows do not share counters', () => {
    const a = bucketCounters('provider', 'p', bucket({ window: { unit: 'month', size: 1 } }), MIN);
    const b = bucketCounters('provider', 'p', bucket({ window: { unit: 'month', size: 2 } }), MIN);
    expect(b.end).not.toBe(a.end);
    const m = bucketCounters('provider', 'p', bucket(), MIN);
    expect(m.slotMs).toBe(6000);
  });
});

describe('window rules', () => {
  const c = bucketCounters('key', 'k9', bucket(), MIN);
  const values = (earlier: number[], current: number) => {
    const m = new Map<string, number>(c.earlier.map((k, i) => [k, earlier[i] ?? 0]));
    m.set(c.key, current);
    return (k: string) => m.get(k) ?? 0;
  };

  it.each([
    ['nothing used', [], 0, 0],
    ['the current slot only', [], 3, 3],
    ['every slot', [1, 1, 1, 1, 1, 1, 1, 1, 1, 1], 1, 11],
    ['the oldest slot still counts', [7], 0, 7],
  ])('windowUsed: %s', (_w, earlier, current, want) => {
    expect(windowUsed(c, values(earlier, current))).toBe(want);
    expect(itemUsed({ key: c.key, window: c }, values(earlier, current))).toBe(want);
    // Without a window (a budget), only its one counter.
    expect(itemUsed({ key: c.key }, values(earlier, current))).toBe(current);
  });

  it.each([
    // [what, earlier slots, current, need, limit → free at (offset from MIN) or null]
    ['fits now', [2], 1, 1, 10, 0],
    ['the oldest slot leaving frees enough', [5, 0, 3], 2, 1, 10, 6 * S],
    ['several slots must leave', [2, 2, 2, 2], 2, 4, 10, 12 * S],
    ['only the current slot leaving frees enough', [], 10, 1, 10, 66 * S],
    [
      'what the earlier slots free is not enough: the current slot must leave',
      [0, 0, 0, 0, 0, 0, 0, 0, 0, 4],
      6,
      5,
      10,
      66 * S,
    ],
    ['the newest earlier slot leaving', [0, 0, 0, 0, 0, 0, 0, 0, 0, 4], 6, 4, 10, 60 * S],
    ['more than the whole limit: never', [], 0, 11, 10, null],
  ] as const)('windowFreeAt: %s', (_w, earlier, current, need, limit, want) => {
    const used = earlier.reduce<number>((a, b) => a + b, current);
    const at = windowFreeAt(c, used, (j) => earlier[j] ?? 0, need, limit, MIN);
    expect(at === null ? null : at - MIN).toBe(want);
  });

  it('windowFreeAt: a month window frees at its end', () => {
    const m = bucketCounters('byok', 'u1', bucket({ window: { unit: 'month', size: 1 } }), MIN);
    expect(windowFreeAt(m, 10, () => 0, 1, 10, MIN)).toBe(Date.UTC(2026, 11, 1));
  });

  it.each([
    ['nothing counted', [], 0, null],
    ['the current slot holds some: when it leaves', [1], 1, 66 * S],
    ['the newest slot holding anything', [1, 0, 2, 0], 0, 18 * S],
    ['the oldest only', [1], 0, 6 * S],
  ] as const)('windowClearsAt: %s', (_w, earlier, current, want) => {
    const at = windowClearsAt(c, current, (j) => earlier[j] ?? 0);
    expect(at === null ? null : at - MIN).toBe(want);
  });

  it('admission items carry the window; a check counts the whole window, all or nothing', () => {
    const b = bucket({ limit: 3 });
    const p = provider({ id: 'p1', buckets: [b] });
    const items = admissionItems({
      attempt: {
        ref: 'p1/m',
        providerId: 'p1',
        modelId: 'm',
        reservedCostUsd: 0,
        key: { source: 'provider' },
      },
      provider: p,
      model: { maxOutputTokens: 100 },
      caller: { buckets: [], budgets: [] },
      request: { endpoint: 'chat', promptTokens: 1, maxTokens: 1 },
      now: MIN + 7 * S,
    });
    const w = bucketCounters('provider', 'p1', b, MIN + 7 * S);
    expect(items).toEqual([
      {
        key: w.key,
        amount: 1,
        limit: 3,
        ttlMs: w.end - (MIN + 7 * S) + 1000,
        label: 'provider bucket rpm',
        unit: 'requests',
        resetsAt: w.end,
        window: w,
        per: b.window,
      },
    ]);
    const get = (k: string) => (k === w.earlier[0] ? 3 : 0);
    expect(checkItems(items, (i) => itemUsed(items[i]!, get))).toEqual({ ok: false, index: 0, used: 3 });
    expect(checkItems(items, (i) => itemUsed(items[i]!, () => 0))).toEqual({ ok: true });
  });

  it.each([
    // [what, item, refusal → until (offset from MIN) or null]
    [
      'a bucket: when its window has room (the store said what each slot held)',
      'minute',
      1,
      10,
      [0, 4],
      10,
      12 * S,
    ],
    [
      'a bucket whose slots the store did not say: never early (as if all were in the current slot)',
      'minute',
      1,
      10,
      undefined,
      10,
      66 * S,
    ],
    ['a bucket the request can never fit: no wait helps', 'minute', 11, 10, [], 0, null],
    ['a month window: when the month ends', 'month', 1, 10, undefined, 10, Date.UTC(2026, 11, 1) - MIN],
  ] as const)('refusedUntil: %s', (_w, unit, amount, limit, earlier, used, want) => {
    const window = bucketCounters('key', 'k8', bucket({ window: { unit, size: 1 } }), MIN);
    const item = { amount, limit, resetsAt: window.end, window };
    const at = refusedUntil(item, { used, earlier }, MIN);
    expect(at === null ? null : at - MIN).toBe(want);
  });
  it.each([
    ['a budget period: when it resets', Date.UTC(2026, 11, 1)],
    ['a lifetime budget: never', null],
  ])('refusedUntil: %s', (_w, resetsAt) => {
    expect(refusedUntil({ amount: 1, limit: 1, resetsAt }, { used: 1 }, MIN)).toBe(resetsAt);
  });
});
