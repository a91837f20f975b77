import { describe, expect, it } from 'vitest';
import {
  bucketConfigsFrom,
  createAliasBody,
  dryRunBody,
  traceBody,
  fallbackChainBody,
  rateLimitBucketBody,
  routingRulesBody,
  updateAliasBody,
  updatePowerLevelBody,
} from './index.js';

describe('alias bodies', () => {
  it('accepts a weighted alias with defaults filled in', () => {
    const b = createAliasBody.parse({
      name: 'chat.default',
      targets: [{ ref: 'openai/gpt-4o-mini' }, { ref: 'groq/llama-3.1-8b', weight: 3 }],
    });
    expect(b).toMatchObject({
      strategy: 'quota-aware',
      orgId: null,
      fallbacks: [],
      enabled: true,
      targets: [{ weight: 1 }, { weight: 3 }],
    });
  });
  it.each([
    ['no targets', { name: 'a', targets: [] }],
    ['a power level name', { name: 'auto', targets: [{ ref: 'x/y' }] }],
    ['spaces in the name', { name: 'my alias', targets: [{ ref: 'x/y' }] }],
    ['a duplicate target', { name: 'a', targets: [{ ref: 'x/y' }, { ref: 'x/y' }] }],
    ['only zero weights', { name: 'a', targets: [{ ref: 'x/y', weight: 0 }] }],
    ['an unknown strategy', { name: 'a', strategy: 'fastest', targets: [{ ref: 'x/y' }] }],
    ['a ref starting with /', { name: 'a', targets: [{ ref: '/y' }] }],
  ])('rejects %s', (_n, body) => {
    expect(createAliasBody.safeParse(body).success).toBe(false);
  });
  it('update is partial', () => {
    expect(updateAliasBody.parse({ strategy: 'latency' })).toEqual({ strategy: 'latency' });
  });
});

describe('fallback chains, rules, power levels', () => {
  it('a chain may not fall back to itself or list a target twice', () => {
    expect(fallbackChainBody.safeParse({ modelRef: 'a/x', targets: ['b/y'] }).success).toBe(true);
    expect(fallbackChainBody.safeParse({ modelRef: 'a/x', targets: ['a/x'] }).success).toBe(false);
    expect(fallbackChainBody.safeParse({ modelRef: 'a/x', targets: ['b/y', 'b/y'] }).success).toBe(false);
  });
  it('routing rules take cost, balanced or quality and a bounded attempt cap', () => {
    expect(routingRulesBody.parse({ strategy: 'cost' })).toEqual({ strategy: 'cost' });
    expect(routingRulesBody.safeParse({ strategy: 'cheapest' }).success).toBe(false);
    expect(routingRulesBody.safeParse({ strategy: 'cost', maxAttempts: 0 }).success).toBe(false);
  });
  it('a power level update needs something to change', () => {
    expect(updatePowerLevelBody.parse({ tier: 'eco', modelRefs: ['a/x'] })).toEqual({
      tier: 'eco',
      modelRefs: ['a/x'],
    });
    expect(updatePowerLevelBody.safeParse({}).success).toBe(false);
  });
  it('a dry run defaults to a small chat request', () => {
    expect(dryRunBody.parse({ model: 'auto' })).toMatchObject({
      endpoint: 'chat',
      promptTokens: 100,
      maxTokens: null,
      needs: [],
    });
  });
  it('a trace names a model or a logged request, and leaves unset fields unset (a replay keeps its own)', () => {
    expect(traceBody.safeParse({}).error?.issues[0]).toMatchObject({
      path: ['model'],
      message: 'is required (or give a requestId)',
    });
    expect(traceBody.parse({ requestId: ' req_1 ' })).toEqual({ requestId: 'req_1' });
    expect(traceBody.parse({ requestId: 'r', maxTokens: null, needs: [] })).toEqual({
      requestId: 'r',
      maxTokens: null,
      needs: [],
    });
    expect(traceBody.parse({ model: 'auto' })).toEqual({ model: 'auto' });
    expect(traceBody.safeParse({ requestId: '' }).success).toBe(false);
    expect(traceBody.safeParse({ requestId: 'r', asOperator: 'yes' }).success).toBe(false);
  });
});

describe('rate-limit buckets', () => {
  it('needs requests or tokens and a known window unit', () => {
    expect(rateLimitBucketBody.safeParse({ name: 'rpm', window: { unit: 'minute' } }).success).toBe(false);
    expect(
      rateLimitBucketBody.safeParse({ name: 'rpm', requests: 5, window: { unit: 'fortnight' } }).success,
    ).toBe(false);
    expect(
      rateLimitBucketBody.safeParse({ name: 'rpm', requests: -1, window: { unit: 'minute' } }).success,
    ).toBe(false);
  });
  it('splits into one engine bucket per unit', () => {
    const b = rateLimitBucketBody.parse({
      name: 'daily',
      requests: 1000,
      tokens: 2_000_000,
      window: { unit: 'day', size: 1 },
      models: ['gpt-4o'],
    });
    expect(bucketConfigsFrom(b)).toEqual([
      { name: 'daily', unit: 'requests', limit: 1000, window: { unit: 'day', size: 1 }, models: ['gpt-4o'] },
      {
        name: 'daily:tokens',
        unit: 'tokens',
        limit: 2_000_000,
        window: { unit: 'day', size: 1 },
        models: ['gpt-4o'],
      },
    ]);
    expect(
      bucketConfigsFrom(rateLimitBucketBody.parse({ name: 'tpm', tokens: 5, window: { unit: 'minute' } })),
    ).toEqual([
      { name: 'tpm', unit: 'tokens', limit: 5, window: { unit: 'minute', size: 1 }, models: 'all' },
    ]);
  });
});
