import { describe, expect, it } from 'vitest';
import {
  admissionItems,
  budgetStatus,
  checkItems,
  rolloverCarry,
  settlementDeltas,
  type AdmissionInput,
} from './limits.js';
import { budgetKey, bucketKey } from './state.js';
import type { BucketConfig, BudgetConfig } from './types.js';

const NOW = Date.UTC(2026, 10, 22, 12, 30, 15);
const rpm: BucketConfig = {
  name: 'rpm',
  unit: 'requests',
  limit: 60,
  window: { unit: 'minute', size: 1 },
  models: 'all',
};
const tpm: BucketConfig = {
  name: 'tpm',
  unit: 'tokens',
  limit: 10_000,
  window: { unit: 'minute', size: 1 },
  models: ['gpt-x'],
};
const other: BucketConfig = {
  name: 'other',
  unit: 'requests',
  limit: 1,
  window: { unit: 'hour', size: 1 },
  models: ['p/else'],
};
const week: BudgetConfig = { scope: 'user', id: 'u1', limitUsd: 10, period: 'week' };
const month: BudgetConfig = { scope: 'org', id: 'o1', limitUsd: 100, period: 'month', carryOverUsd: 20 };

function input(over: Partial<AdmissionInput> = {}): AdmissionInput {
  return {
    attempt: {
      ref: 'p/gpt-x',
      providerId: 'p1',
      modelId: 'gpt-x',
      reservedCostUsd: 0.25,
      key: { source: 'provider' },
    },
    provider: { buckets: [rpm, tpm, other] },
    model: { maxOutputTokens: 4096 },
    caller: { buckets: [{ scope: 'key', id: 'k1', bucket: rpm }], budgets: [week, month] },
    request: { endpoint: 'chat', promptTokens: 300, maxTokens: 200 },
    now: NOW,
    ...over,
  };
}

describe('admission items', () => {
  it('reserves the provider buckets that count the model, the caller buckets and every budget', () => {
    const items = admissionItems(input());
    expect(items.map((i) => [i.key, i.amount, i.limit, i.unit])).toEqual([
      [bucketKey('provider', 'p1', rpm, NOW), 1, 60, 'requests'],
      [bucketKey('provider', 'p1', tpm, NOW), 500, 10_000, 'tokens'],
      [bucketKey('key', 'k1', rpm, NOW), 1, 60, 'requests'],
      [budgetKey(week, NOW), 0.25, 10, 'usd'],
      [budgetKey(month, NOW), 0.25, 120, 'usd'],
    ]);
    // A sliding minute: what it counts now (this slot, 12:30:12–12:30:18) has left the window at 12:31:18.
    expect(items[0]!.resetsAt).toBe(Date.UTC(2026, 10, 22, 12, 31, 18));
    expect(items[3]!.resetsAt).toBe(Date.UTC(2026, 10, 23));
    expect(items[4]!.resetsAt).toBe(Date.UTC(2026, 11, 1));
    expect(items.every((i) => i.ttlMs > 0)).toBe(true);
  });
  it.each([
    ['user weekly cap', week, Date.UTC(2026, 10, 16)],
    ['org monthly cap with rollover', month, Date.UTC(2026, 10, 1)],
    ['key lifetime budget', { scope: 'key', id: 'k1', limitUsd: 1, period: 'lifetime' } as BudgetConfig, 0],
    [
      'key daily budget',
      { scope: 'key', id: 'k1', limitUsd: 1, period: 'day' } as BudgetConfig,
      Date.UTC(2026, 10, 22),
    ],
  ])(
    'a %s names the recorded spend it mirrors (scope, id, period start) so a lost counter can be rebuilt',
    (_n, b, since) => {
      const items = admissionItems(input({ caller: { buckets: [], budgets: [b] } }));
      expect(items.filter((i) => i.unit === 'usd').map((i) => i.budget)).toEqual([
        { scope: b.scope, id: b.id, since },
      ]);
      expect(items.filter((i) => i.unit !== 'usd').every((i) => i.budget === undefined)).toBe(true);
    },
  );
  it('a fallback attempt does not count the request again, but reserves its tokens on the caller’s token buckets', () => {
    // The first attempt's token reservation was given back when it failed: without this, a fallback's answer never
    // reached the key's tokens-per-minute counter.
    const caller = {
      buckets: [
        { scope: 'key' as const, id: 'k1', bucket: rpm },
        { scope: 'key' as const, id: 'k1', bucket: tpm },
      ],
      budgets: [],
    };
    const items = admissionItems(input({ caller, callerCharged: true })).filter((i) =>
      i.key.startsWith('bucket:key:'),
    );
    expect(items.map((i) => i.unit)).toEqual(['tokens']);
    expect(items[0]!.amount).toBe(300 + 200);
  });
  it('a BYOK attempt reserves no budget', () => {
    const items = admissionItems(input({ attempt: { ...input().attempt, key: { source: 'byok' } } }));
    expect(items.some((i) => i.unit === 'usd')).toBe(false);
  });
  it('without max_tokens the token reservation is the model’s whole output (it was 512: bursts ran past the limit)', () => {
    const items = admissionItems(
      input({ request: { endpoint: 'chat', promptTokens: 300, maxTokens: null } }),
    );
    expect(items.find((i) => i.unit === 'tokens')!.amount).toBe(300 + 4096);
  });
  it.each(['embeddings', 'count_tokens'] as const)(
    '%s writes no output: only its prompt is reserved against token buckets',
    (endpoint) => {
      const items = admissionItems(input({ request: { endpoint, promptTokens: 300, maxTokens: null } }));
      expect(items.find((i) => i.unit === 'tokens')!.amount).toBe(300);
    },
  );
  it('a request for several answers (n) reserves the output tokens of each', () => {
    const items = admissionItems(
      input({ request: { endpoint: 'chat', promptTokens: 300, maxTokens: 200, choices: 8 } }),
    );
    expect(items.find((i) => i.unit === 'tokens')!.amount).toBe(300 + 8 * 200);
  });
});

describe('check and settle', () => {
  const items = admissionItems(input());
  it('names the first counter that would go over', () => {
    expect(checkItems(items, [59, 9_000, 0, 0, 0])).toEqual({ ok: true });
    expect(checkItems(items, [60, 0, 0, 0, 0])).toEqual({ ok: false, index: 0, used: 60 });
    expect(checkItems(items, [0, 9_600, 0, 0, 0])).toEqual({ ok: false, index: 1, used: 9_600 });
    expect(checkItems(items, [0, 0, 0, 9.8, 0])).toEqual({ ok: false, index: 3, used: 9.8 });
    // The same rule read through a function (the stores read their counters lazily, stopping at the first miss).
    expect(checkItems(items, (i) => [0, 0, 0, 9.8, 0][i]!)).toEqual({ ok: false, index: 3, used: 9.8 });
  });
  it.each([
    ['float sums that land on the limit fit', 0.1 + 0.2, 0, 0.3, true],
    ['exactly at the limit fits', 0.2, 0.1, 0.3, true],
    ['one cent over does not', 0.3, 0.01, 0.3, false],
    ['an empty counter over a zero budget', 0, 0.0001, 0, false],
  ])('%s', (_n, used, amount, limit, ok) => {
    expect(checkItems([{ amount, limit }], [used]).ok).toBe(ok);
  });
  it('settles tokens and money to the real figures; refunds a failed attempt; requests stay counted', () => {
    expect(settlementDeltas(items, { tokens: 420, costUsd: 0.1 }).map((d) => [d.key, d.delta])).toEqual([
      [items[1]!.key, -80],
      [items[3]!.key, 0.1 - 0.25],
      [items[4]!.key, 0.1 - 0.25],
    ]);
    expect(settlementDeltas(items, null).map((d) => d.delta)).toEqual([-500, -0.25, -0.25]);
    // Budget corrections never recreate a counter that was lost (it is rebuilt from the database instead).
    expect(settlementDeltas(items, null).map((d) => d.ifPresent ?? false)).toEqual([false, true, true]);
  });
  it.each([
    // [what the figures are, actual, expected deltas of the tokens bucket and the two budgets]
    [
      'negative tokens and cost: at most the reservation comes back',
      { tokens: -100_000, costUsd: -5 },
      [-500, -0.25, -0.25],
    ],
    ['NaN: the reservation stands', { tokens: NaN, costUsd: NaN }, []],
    ['infinite: the reservation stands', { tokens: Infinity, costUsd: Infinity }, []],
    ['minus infinity: counted as 0', { tokens: -Infinity, costUsd: -Infinity }, [-500, -0.25, -0.25]],
    ['NaN tokens beside a good cost', { tokens: NaN, costUsd: 0.1 }, [0.1 - 0.25, 0.1 - 0.25]],
  ])('settling with %s', (_what, actual, expected) => {
    const deltas = settlementDeltas(items, actual).map((d) => d.delta);
    expect(deltas).toEqual(expected);
    for (const d of deltas) expect(Number.isFinite(d)).toBe(true);
  });
  it('a reservation that is not a number is never settled with a NaN delta', () => {
    const bad = items.map((i) => (i.unit === 'requests' ? i : { ...i, amount: NaN }));
    expect(settlementDeltas(bad, { tokens: 420, costUsd: 0.1 })).toEqual([]);
  });
});

describe('budgets and rollover', () => {
  it('status: cap includes the carried-over rollover', () => {
    expect(budgetStatus(month, 110, NOW)).toEqual({
      capUsd: 120,
      spentUsd: 110,
      remainingUsd: 10,
      exhausted: false,
      resetsAt: Date.UTC(2026, 11, 1),
    });
    expect(budgetStatus(week, 10, NOW)).toMatchObject({
      remainingUsd: 0,
      exhausted: true,
      resetsAt: Date.UTC(2026, 10, 23),
    });
  });
  it('carries what was left unspent into the next period, at most one period cap, never a debt', () => {
    expect(rolloverCarry(100, 0, 70)).toBe(30);
    expect(rolloverCarry(100, 50, 20)).toBe(100);
    expect(rolloverCarry(100, 20, 110)).toBe(10);
    expect(rolloverCarry(100, 0, 150)).toBe(0);
  });
});
