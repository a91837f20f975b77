import { describe, expect, it } from 'vitest';
import {
  cacheEntryFresh,
  cacheHitItems,
  cachePolicy,
  cacheScope,
  canonicalJson,
  normalisedRequest,
  parseCacheHeader,
  type CacheHeader,
  type CachePolicyInput,
} from './cache.js';
import type { BucketConfig, Caller } from './types.js';

describe('parseCacheHeader', () => {
  it.each<[string | string[] | undefined, CacheHeader['kind'], number?]>([
    [undefined, 'absent'],
    ['no-store', 'no-store'],
    [' No-Store ', 'no-store'],
    ['60', 'ttl', 60],
    ['1', 'ttl', 1],
    ['99999999', 'ttl', 99999999],
    ['0', 'invalid'],
    ['-5', 'invalid'],
    ['1.5', 'invalid'],
    ['', 'invalid'],
    ['100000000', 'invalid'],
    ['60s', 'invalid'],
    ['hit', 'invalid'],
    [['60', '60'], 'invalid'],
  ])('%j → %s', (value, kind, seconds) => {
    const h = parseCacheHeader(value);
    expect(h.kind).toBe(kind);
    if (h.kind === 'ttl') expect(h.seconds).toBe(seconds);
    if (h.kind === 'invalid') expect(h.message).toMatch(/x-switchyard-cache/);
  });
});

describe('cachePolicy', () => {
  const base: CachePolicyInput = {
    endpoint: 'chat',
    header: { kind: 'absent' },
    aliasTtlSeconds: null,
    keyTtlSeconds: null,
    maxTtlSeconds: 3600,
  };
  it.each<[string, Partial<CachePolicyInput>, ReturnType<typeof cachePolicy>]>([
    ['nothing configured: off', {}, { mode: 'off' }],
    ['alias on', { aliasTtlSeconds: 60 }, { mode: 'use', ttlSeconds: 60, source: 'alias', capped: false }],
    ['key on', { keyTtlSeconds: 30 }, { mode: 'use', ttlSeconds: 30, source: 'key', capped: false }],
    [
      'alias wins over key',
      { aliasTtlSeconds: 60, keyTtlSeconds: 30 },
      { mode: 'use', ttlSeconds: 60, source: 'alias', capped: false },
    ],
    [
      'header wins over alias (shorter)',
      { header: { kind: 'ttl', seconds: 5 }, aliasTtlSeconds: 60 },
      { mode: 'use', ttlSeconds: 5, source: 'header', capped: false },
    ],
    [
      'header alone turns it on, capped at the max',
      { header: { kind: 'ttl', seconds: 99999 } },
      { mode: 'use', ttlSeconds: 3600, source: 'header', capped: true },
    ],
    [
      'alias above the max is capped',
      { aliasTtlSeconds: 7200 },
      { mode: 'use', ttlSeconds: 3600, source: 'alias', capped: true },
    ],
    [
      'no-store wins over everything',
      { header: { kind: 'no-store' }, aliasTtlSeconds: 60, keyTtlSeconds: 60 },
      { mode: 'bypass', reason: 'x-switchyard-cache: no-store' },
    ],
    ['count_tokens is never cached', { endpoint: 'count_tokens', aliasTtlSeconds: 60 }, { mode: 'off' }],
    [
      'embeddings are cached',
      { endpoint: 'embeddings', keyTtlSeconds: 10 },
      { mode: 'use', ttlSeconds: 10, source: 'key', capped: false },
    ],
  ])('%s', (_name, over, want) => {
    expect(cachePolicy({ ...base, ...over })).toEqual(want);
  });
});

describe('normalisedRequest', () => {
  it('ignores key order, delivery and caller fields; keeps what changes the answer', () => {
    const a = normalisedRequest({
      model: 'chat.default',
      stream_options: { include_usage: true },
      user: 'u1',
      metadata: { x: 1 },
      messages: [{ role: 'user', content: 'hi' }],
      temperature: 0,
    });
    const b = normalisedRequest({
      temperature: 0,
      messages: [{ content: 'hi', role: 'user' }],
      model: 'other',
    });
    expect(a).toBe(b);
    expect(normalisedRequest({ messages: [{ role: 'user', content: 'hi' }], temperature: 1 })).not.toBe(b);
    expect(
      normalisedRequest({ messages: [{ role: 'user', content: 'hi' }], temperature: 0, tools: [] }),
    ).not.toBe(b);
    // Whether the provider keeps the answer decides whether its id can be named later.
    expect(normalisedRequest({ input: 'hi', store: false })).not.toBe(
      normalisedRequest({ input: 'hi', store: true }),
    );
  });
  it.each<[string, Record<string, unknown>, Record<string, unknown>, boolean]>([
    ['Responses: no store is store: true (the API keeps it by default)', {}, { store: true }, true],
    ['Responses: store: false is never store: true', { store: false }, { store: true }, false],
    ['Responses: store: false is never no store', { store: false }, {}, false],
  ])('%s', (_name, a, b, same) => {
    const key = (extra: Record<string, unknown>) => normalisedRequest({ input: 'hi', ...extra }, 'responses');
    expect(key(a) === key(b)).toBe(same);
  });
  it("keeps a stream's stream_options: include_usage changes the bytes a stream is replayed with", () => {
    const ask = (extra: Record<string, unknown>) =>
      normalisedRequest({ stream: true, messages: [{ role: 'user', content: 'hi' }], ...extra });
    expect(ask({ stream_options: { include_usage: true } })).not.toBe(ask({}));
    expect(ask({ stream_options: { include_usage: true } })).toBe(
      ask({ stream_options: { include_usage: true } }),
    );
  });
  it('canonical JSON sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [2, { d: 1, c: 2 }], a: null, u: undefined })).toBe(
      '{"a":null,"b":[2,{"c":2,"d":1}]}',
    );
  });
});

describe('cacheScope', () => {
  it.each([
    [{ orgId: 'o1', keyId: 'k1' }, 'org:o1'],
    [{ orgId: null, keyId: 'k1' }, 'key:k1'],
    [{ orgId: null, keyId: null }, 'master'],
  ])('%j → %s', (c, want) => expect(cacheScope(c)).toBe(want));

  // An organization that narrows who shares its answers: each user (an org-owned key has none: that key), each key.
  it.each([
    [{ orgId: 'o1', keyId: 'k1', userId: 'u1' }, 'organization', 'org:o1'],
    [{ orgId: 'o1', keyId: 'k1', userId: 'u1' }, 'user', 'org:o1:user:u1'],
    [{ orgId: 'o1', keyId: 'k1', userId: null }, 'user', 'org:o1:key:k1'],
    [{ orgId: 'o1', keyId: 'k1', userId: 'u1' }, 'key', 'org:o1:key:k1'],
    [{ orgId: 'o1', keyId: null, userId: null }, 'key', 'org:o1:master'],
    [{ orgId: null, keyId: 'k1', userId: 'u1' }, 'user', 'key:k1'],
  ] as const)('%j, scope %s → %s', (c, scope, want) => expect(cacheScope(c, scope)).toBe(want));
});

describe('cacheHitItems', () => {
  const NOW = Date.UTC(2026, 11, 6, 1, 0, 30);
  const rpm: BucketConfig = {
    name: 'rpm',
    unit: 'requests',
    limit: 5,
    window: { unit: 'minute', size: 1 },
    models: 'all',
  };
  const tpm: BucketConfig = { ...rpm, name: 'tpm', unit: 'tokens', limit: 1000 };
  const caller = {
    keyId: 'k1',
    userId: 'u1',
    orgId: null,
    appId: null,
    powerLevel: null,
    allowedModels: [],
    byok: {},
    orgKeys: {},
    buckets: [
      { scope: 'key', id: 'k1', bucket: rpm },
      { scope: 'key', id: 'k1', bucket: tpm },
      { scope: 'byok', id: 'u1', bucket: rpm },
    ],
    budgets: [{ scope: 'key', id: 'k1', limitUsd: 1, period: 'day' }],
  } as unknown as Caller;
  it('takes one request on the key RPM bucket only (no tokens, no budget, no BYOK count)', () => {
    const items = cacheHitItems(caller, { ref: 'p/m', modelId: 'm' }, NOW);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ amount: 1, limit: 5, unit: 'requests', label: 'key bucket rpm' });
    // Its window slides: what it counts now (this slot, 1:00:30–1:00:36) has left it at 1:01:36.
    expect(items[0]!.resetsAt).toBe(Date.UTC(2026, 11, 6, 1, 1, 36));
  });
});

describe('cacheEntryFresh', () => {
  it.each([
    [0, 60, 59_999, true],
    [0, 60, 60_000, false],
    [0, 5, 10_000, false],
    [100_000, 60, 0, false],
  ])('stored at %d, ttl %ds, now %d → %s', (at, ttl, now, want) =>
    expect(cacheEntryFresh(at, ttl, now)).toBe(want),
  );
});
