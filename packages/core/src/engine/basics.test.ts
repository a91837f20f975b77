import { describe, expect, it } from 'vitest';
import { CLOSED, circuitAdmits, circuitAfter, circuitProbing } from './circuit.js';
import {
  byokSaved,
  costOf,
  DEFAULT_OUTPUT_CAP,
  estimateCost,
  heldOutputCap,
  outputCap,
  promptPriceFactor,
  reservedCost,
  reservedOutputTokens,
  reservedPromptTokens,
  UNKNOWN_CONVERSATION_TOKENS,
  writesOutput,
} from './cost.js';
import { ewma } from './state.js';
import { periodEnd, periodStart, windowEnd, windowStart } from './windows.js';

const T = Date.UTC(2026, 10, 22, 12, 34, 56, 789); // a Sunday

describe('bucket windows (fixed, UTC-aligned)', () => {
  it.each([
    ['second', 1, Date.UTC(2026, 10, 22, 12, 34, 56), Date.UTC(2026, 10, 22, 12, 34, 57)],
    ['minute', 1, Date.UTC(2026, 10, 22, 12, 34), Date.UTC(2026, 10, 22, 12, 35)],
    ['minute', 5, Date.UTC(2026, 10, 22, 12, 30), Date.UTC(2026, 10, 22, 12, 35)],
    ['hour', 1, Date.UTC(2026, 10, 22, 12), Date.UTC(2026, 10, 22, 13)],
    ['day', 1, Date.UTC(2026, 10, 22), Date.UTC(2026, 10, 23)],
    ['week', 1, Date.UTC(2026, 10, 16), Date.UTC(2026, 10, 23)],
    ['month', 1, Date.UTC(2026, 10, 1), Date.UTC(2026, 11, 1)],
    ['month', 3, Date.UTC(2026, 9, 1), Date.UTC(2027, 0, 1)],
  ] as const)('%s × %d', (unit, size, start, end) => {
    expect(windowStart(T, unit, size)).toBe(start);
    expect(windowEnd(T, unit, size)).toBe(end);
  });

  it('weeks start on Monday 00:00 UTC', () => {
    expect(new Date(windowStart(T, 'week')).getUTCDay()).toBe(1);
    expect(windowStart(Date.UTC(2026, 10, 23), 'week')).toBe(Date.UTC(2026, 10, 23));
  });

  it('budget periods: lifetime never resets', () => {
    expect(periodStart(T, 'lifetime')).toBe(0);
    expect(periodEnd(T, 'lifetime')).toBeNull();
    expect(periodStart(T, 'week')).toBe(Date.UTC(2026, 10, 16));
  });
});

describe('cost', () => {
  const prices = { priceIn: 3, priceOut: 15, priceCachedIn: 0.3 };
  it('prices input, cached input and output per 1M tokens', () => {
    expect(costOf(prices, { inputTokens: 1_000_000, outputTokens: 0, cachedTokens: 0 })).toBe(3);
    expect(costOf(prices, { inputTokens: 1000, outputTokens: 500, cachedTokens: 400 })).toBeCloseTo(
      (600 * 3 + 400 * 0.3 + 500 * 15) / 1e6,
      12,
    );
  });
  it.each([
    // [what was written, usage, expected cost] at $3 in, $15 out, $0.30 cached
    ['nothing', { inputTokens: 1000, outputTokens: 0, cachedTokens: 0 }, 3000 / 1e6],
    [
      '5-minute writes at 1.25×',
      { inputTokens: 1000, outputTokens: 0, cachedTokens: 0, cacheWriteTokens: 800 },
      (200 * 3 + 800 * 3.75) / 1e6,
    ],
    [
      '1-hour writes at 2×',
      { inputTokens: 1000, outputTokens: 0, cachedTokens: 0, cacheWriteLongTokens: 800 },
      (200 * 3 + 800 * 6) / 1e6,
    ],
    [
      'both, beside cache reads',
      {
        inputTokens: 1000,
        outputTokens: 10,
        cachedTokens: 400,
        cacheWriteTokens: 300,
        cacheWriteLongTokens: 200,
      },
      (100 * 3 + 300 * 3.75 + 200 * 6 + 400 * 0.3 + 10 * 15) / 1e6,
    ],
    [
      'writes beyond the uncached prompt: at most it, 1-hour first',
      {
        inputTokens: 1000,
        outputTokens: 0,
        cachedTokens: 600,
        cacheWriteTokens: 900,
        cacheWriteLongTokens: 300,
      },
      (300 * 6 + 100 * 3.75 + 600 * 0.3) / 1e6,
    ],
    [
      'a bad write figure counts as none',
      {
        inputTokens: 1000,
        outputTokens: 0,
        cachedTokens: 0,
        cacheWriteTokens: NaN,
        cacheWriteLongTokens: -5,
      },
      3000 / 1e6,
    ],
    [
      '3 web searches at $0.01 each',
      { inputTokens: 1000, outputTokens: 0, cachedTokens: 0, webSearches: 3 },
      3000 / 1e6 + 0.03,
    ],
    [
      'a bad search count counts as none',
      { inputTokens: 1000, outputTokens: 0, cachedTokens: 0, webSearches: -2 },
      3000 / 1e6,
    ],
  ])('cache writes and searches: %s', (_what, usage, expected) => {
    expect(costOf(prices, usage)).toBeCloseTo(expected, 12);
  });
  it.each([
    // [model, cacheWrite, factor]
    [{ modelId: 'claude-sonnet-4-5' }, undefined, 1],
    [{ modelId: 'claude-sonnet-4-5' }, 'short', 1.25],
    [{ modelId: 'anthropic.claude-opus-4-7-v1:0' }, 'long', 2],
    [{ modelId: 'prod-deployment', baseModel: 'claude-haiku-4-5' }, 'short', 1.25],
    [{ modelId: 'gpt-4o' }, 'long', 1],
    [{}, 'short', 1],
  ] as const)('the prompt price factor of %o asked %s: %d', (model, cacheWrite, factor) => {
    expect(promptPriceFactor(model, { cacheWrite })).toBe(factor);
  });
  it.each([
    // [prompt tokens, expected cost] at $3 / $15 / $0.30, ×2 / ×1.5 / ×2 above 200,000 prompt tokens
    [200_000, (200_000 * 3 + 1_000 * 15) / 1e6],
    [200_001, (200_001 * 6 + 1_000 * 22.5) / 1e6],
  ])('long context: a prompt of %d tokens', (input, expected) => {
    const long = { ...prices, longContext: { above: 200_000, input: 2, output: 1.5, cachedIn: 2 } };
    expect(costOf(long, { inputTokens: input, outputTokens: 1_000, cachedTokens: 0 })).toBeCloseTo(
      expected,
      12,
    );
  });
  it('long context: cached and written tokens at the long prices too; reserved above the threshold', () => {
    const long = { ...prices, longContext: { above: 200_000, input: 2, output: 1.5, cachedIn: 2 } };
    expect(
      costOf(long, {
        inputTokens: 300_000,
        outputTokens: 0,
        cachedTokens: 100_000,
        cacheWriteTokens: 100_000,
      }),
    ).toBeCloseTo((100_000 * 6 + 100_000 * 6 * 1.25 + 100_000 * 0.6) / 1e6, 12);
    const m = { ...long, maxOutputTokens: null, defaultMaxTokens: null, contextWindow: 1_000_000 };
    expect(reservedCost(m, { endpoint: 'chat', promptTokens: 150_000, maxTokens: 1_000 })).toBeCloseTo(
      (150_000 * 3 + 1_000 * 15) / 1e6,
      12,
    );
    expect(reservedCost(m, { endpoint: 'chat', promptTokens: 250_000, maxTokens: 1_000 })).toBeCloseTo(
      (250_000 * 6 + 1_000 * 22.5) / 1e6,
      12,
    );
  });
  it('reserves the web searches a request allows on Claude only', () => {
    const m = { ...prices, maxOutputTokens: null, defaultMaxTokens: null, contextWindow: 200_000 };
    const req = { endpoint: 'chat' as const, promptTokens: 1000, maxTokens: 100, webSearches: 5 };
    const tokens = (1000 * 3 + 100 * 15) / 1e6;
    expect(reservedCost({ ...m, modelId: 'claude-sonnet-4-5' }, req)).toBeCloseTo(tokens + 0.05, 12);
    expect(reservedCost({ ...m, modelId: 'gpt-4o' }, req)).toBeCloseTo(tokens, 12);
  });
  it('uses the input price for cached tokens when the model has no cached price', () => {
    expect(
      costOf({ ...prices, priceCachedIn: null }, { inputTokens: 100, outputTokens: 0, cachedTokens: 100 }),
    ).toBeCloseTo(300 / 1e6, 12);
  });
  it.each([
    // [what is wrong, usage, expected cost: the good figures priced, the bad ones as 0]
    ['an output that is NaN', { inputTokens: 100, outputTokens: NaN, cachedTokens: 0 }, 300 / 1e6],
    ['a negative output', { inputTokens: 100, outputTokens: -100_000, cachedTokens: 0 }, 300 / 1e6],
    ['an infinite output', { inputTokens: 100, outputTokens: Infinity, cachedTokens: 0 }, 300 / 1e6],
    ['an input that is NaN', { inputTokens: NaN, outputTokens: 10, cachedTokens: 5 }, 150 / 1e6],
    ['a negative input', { inputTokens: -1000, outputTokens: 10, cachedTokens: 0 }, 150 / 1e6],
    ['a cached count that is NaN', { inputTokens: 100, outputTokens: 0, cachedTokens: NaN }, 300 / 1e6],
    ['a negative cached count', { inputTokens: 100, outputTokens: 0, cachedTokens: -50 }, 300 / 1e6],
    ['more cached than input', { inputTokens: 100, outputTokens: 0, cachedTokens: 1e9 }, 30 / 1e6],
    ['nothing readable', { inputTokens: NaN, outputTokens: -Infinity, cachedTokens: NaN }, 0],
  ])('a usage with %s never costs NaN, a negative or an infinite amount', (_what, usage, expected) => {
    const cost = costOf(prices, usage);
    expect(Number.isFinite(cost)).toBe(true);
    expect(cost).toBeCloseTo(expected, 12);
  });
  it.each([
    ['NaN', NaN],
    ['negative', -3],
    ['infinite', Infinity],
  ])('a price that is %s is priced as 0, never NaN, negative or infinite', (_what, bad) => {
    const u = { inputTokens: 1000, outputTokens: 1000, cachedTokens: 500 };
    expect(costOf({ priceIn: bad, priceOut: 15, priceCachedIn: null }, u)).toBeCloseTo(15_000 / 1e6, 12);
    expect(costOf({ priceIn: 3, priceOut: bad, priceCachedIn: 0.3 }, u)).toBeCloseTo(1650 / 1e6, 12);
    expect(costOf({ priceIn: 3, priceOut: 15, priceCachedIn: bad }, u)).toBeCloseTo(16_500 / 1e6, 12);
  });
  it('BYOK saves the full price; other keys save nothing', () => {
    const u = { inputTokens: 100, outputTokens: 100, cachedTokens: 0 };
    expect(byokSaved(prices, u, 'byok')).toBeCloseTo(costOf(prices, u), 12);
    expect(byokSaved(prices, u, 'provider')).toBe(0);
  });
  it('estimates with max_tokens, else min(512, model max output)', () => {
    expect(estimateCost({ ...prices, maxOutputTokens: 100 }, 1000, null)).toBeCloseTo(
      (1000 * 3 + 100 * 15) / 1e6,
      12,
    );
    expect(estimateCost({ ...prices, maxOutputTokens: null }, 0, 10)).toBeCloseTo(150 / 1e6, 12);
  });
  it.each([
    // [max_tokens, model max output, choices, expected output tokens]
    [10, null, 1, 10],
    [10, null, 4, 40],
    [null, 100, 3, 300],
    [null, null, 2, 1024],
    [10, null, 0, 10],
  ] as const)(
    'max_tokens %s, model max %s, %s choices: each choice may run to its max',
    (max, modelMax, n, out) => {
      expect(estimateCost({ ...prices, maxOutputTokens: modelMax }, 0, max, n)).toBeCloseTo(
        (out * 15) / 1e6,
        12,
      );
    },
  );
});

describe('reservations: the most a request may produce and cost', () => {
  const prices = { priceIn: 3, priceOut: 15, priceCachedIn: null };
  it.each([
    // [max_tokens, model max output, choices, reserved output tokens]
    [10, null, 1, 10],
    [10, 64_000, 4, 40],
    // No max_tokens: the model's whole output (a request reserved 512 could run to it).
    [null, 64_000, 1, 64_000],
    [null, 100, 3, 300],
    // The registry knows no max output: the default cap (what the Anthropic translation sends).
    [null, null, 1, DEFAULT_OUTPUT_CAP],
    [null, null, 2, 2 * DEFAULT_OUTPUT_CAP],
    [null, 0, 1, DEFAULT_OUTPUT_CAP],
    [null, 1.5, 1, DEFAULT_OUTPUT_CAP],
    [null, -5, 1, DEFAULT_OUTPUT_CAP],
    [10, null, 0, 10],
  ] as const)(
    'max_tokens %s, model max %s, %s choices: reserves %s output tokens',
    (max, modelMax, n, out) => {
      const req = { endpoint: 'chat' as const, promptTokens: 1000, maxTokens: max, choices: n };
      expect(reservedOutputTokens({ maxOutputTokens: modelMax }, req)).toBe(out);
      expect(reservedCost({ ...prices, maxOutputTokens: modelMax }, req)).toBeCloseTo(
        (1000 * 3 + out * 15) / 1e6,
        12,
      );
    },
  );
  it.each(['chat', 'messages', 'responses', 'embeddings', 'count_tokens'] as const)(
    '%s: output is reserved only where the endpoint writes some',
    (endpoint) => {
      const out = reservedOutputTokens({ maxOutputTokens: 8192 }, { endpoint, maxTokens: null });
      expect(out).toBe(writesOutput(endpoint) ? 8192 : 0);
      expect(writesOutput(endpoint)).toBe(endpoint !== 'embeddings' && endpoint !== 'count_tokens');
    },
  );
  it('the output cap is the request’s own, else the model’s max, else the default', () => {
    expect(outputCap({ maxOutputTokens: 8192 }, 100)).toBe(100);
    expect(outputCap({ maxOutputTokens: 8192 }, null)).toBe(8192);
    expect(outputCap({ maxOutputTokens: null }, null)).toBe(4096);
    // A model's default cap is what the gateway sends: what a request without its own is reserved.
    expect(outputCap({ maxOutputTokens: 8192, defaultMaxTokens: 100 }, null)).toBe(100);
    expect(outputCap({ maxOutputTokens: null, defaultMaxTokens: 20_000 }, null)).toBe(20_000);
    expect(outputCap({ maxOutputTokens: null, defaultMaxTokens: 20_000 }, 50)).toBe(50);
  });
  it.each([
    // [endpoint, max_tokens, units reserved, model max, cap sent upstream]
    ['chat', null, ['usd'], null, DEFAULT_OUTPUT_CAP],
    ['responses', null, ['requests', 'tokens'], null, DEFAULT_OUTPUT_CAP],
    ['chat', null, ['usd'], 0, DEFAULT_OUTPUT_CAP],
    // A registered max output bounds the model already: nothing is added.
    ['responses', null, ['requests', 'tokens'], 8192, null],
    ['messages', null, ['usd'], 64_000, null],
    ['chat', null, ['usd'], DEFAULT_OUTPUT_CAP, null],
    // Nothing reserved by tokens or cost: the request goes as the client sent it.
    ['chat', null, ['requests'], null, null],
    ['chat', null, [], null, null],
    // The client's own cap is what was reserved: nothing to add.
    ['chat', 500, ['usd'], null, null],
    ['embeddings', null, ['tokens'], null, null],
    ['count_tokens', null, ['tokens'], null, null],
  ] as const)(
    '%s with max_tokens %s, reserving %j: the upstream is held to %s',
    (endpoint, max, units, modelMax, cap) => {
      const items = units.map((unit) => ({ unit }));
      expect(heldOutputCap({ endpoint, maxTokens: max }, { maxOutputTokens: modelMax }, items)).toBe(cap);
      // A model's default cap is sent as it is (it was what was reserved): nothing more to hold.
      const withDefault = { maxOutputTokens: modelMax, defaultMaxTokens: 300 };
      expect(heldOutputCap({ endpoint, maxTokens: max }, withDefault, items)).toBeNull();
    },
  );
  it('ranking by cost still uses the typical output, not the reservation', () => {
    const m = { ...prices, maxOutputTokens: 64_000 };
    expect(estimateCost(m, 0, null)).toBeCloseTo((512 * 15) / 1e6, 12);
    expect(reservedCost(m, { endpoint: 'chat', promptTokens: 0, maxTokens: null })).toBeCloseTo(
      (64_000 * 15) / 1e6,
      12,
    );
  });
});

describe('the prompt a budget reserves for a request continuing a stored conversation', () => {
  // A Responses `previous_response_id` turn is billed the whole conversation as input, which its body does not hold.
  it.each([
    // own prompt, prior (undefined: continues none; null: unknown to the gateway), context window, reserved
    [100, undefined, 8_000, 100],
    [100, 5_100, 8_000, 5_200],
    [100, 5_100, null, 5_200],
    [100, 9_000, 8_000, 8_000], // the provider bills no more input than the model's window
    [9_000, 500, 8_000, 9_000], // never less than the request's own estimate
    [100, null, 8_000, 8_000], // unknown: the whole window
    [100, null, null, UNKNOWN_CONVERSATION_TOKENS],
    [100, -5, 8_000, 100],
  ] as const)('own %i, prior %s, window %s → %i', (own, prior, window, reserved) => {
    expect(reservedPromptTokens({ contextWindow: window }, { promptTokens: own, priorTokens: prior })).toBe(
      reserved,
    );
  });
  it('budgets reserve it at the input price', () => {
    const m = { priceIn: 3, priceOut: 15, priceCachedIn: null, maxOutputTokens: 1_000, contextWindow: 8_000 };
    const req = { endpoint: 'responses' as const, promptTokens: 100, maxTokens: 10 };
    expect(reservedCost(m, { ...req, priorTokens: 5_100 })).toBeCloseTo((5_200 * 3 + 10 * 15) / 1e6, 12);
    expect(reservedCost(m, req)).toBeCloseTo((100 * 3 + 10 * 15) / 1e6, 12);
  });
});

describe('circuit breaker', () => {
  const s = { failureThreshold: 3, openMs: 1000 };
  it('opens after N consecutive failures, probes after openMs, closes on success', () => {
    let st = CLOSED;
    st = circuitAfter(st, false, 0, s);
    st = circuitAfter(st, false, 0, s);
    expect(st.phase).toBe('closed');
    st = circuitAfter(st, false, 10, s);
    expect(st).toMatchObject({ phase: 'open', openedAt: 10 });
    expect(circuitAdmits(st, 500, s)).toEqual({ admit: false, probe: false });
    expect(circuitAdmits(st, 1010, s)).toEqual({ admit: true, probe: true });
    const probing = circuitProbing(st, 1010);
    expect(circuitAdmits(probing, 1020, s).admit).toBe(false);
    expect(circuitAfter(probing, true, 1100, s)).toEqual(CLOSED);
    expect(circuitAfter(probing, false, 1100, s)).toMatchObject({ phase: 'open', openedAt: 1100 });
  });
  it('a success resets the failure count', () => {
    const st = circuitAfter(circuitAfter(CLOSED, false, 0, s), true, 0, s);
    expect(st.failures).toBe(0);
  });
});

describe('latency EWMA', () => {
  it('starts at the first sample and moves 20 % toward each new one', () => {
    expect(ewma(undefined, 100)).toBe(100);
    expect(ewma(100, 200)).toBe(120);
  });
});
