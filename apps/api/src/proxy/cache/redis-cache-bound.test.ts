// The Redis response cache store stays within CACHE_MAX_BYTES (the database store's sweep does the same there): each
// write evicts the oldest entries above the bound in one script, so two instances writing at once never push it
// over, the index's byte total matches what Redis holds, and every key the cache writes expires. Real Redis
// (REDIS_TEST_URL), two gateway instances on one database, the real HTTP mock upstream.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInstance, type Instance } from '../../test/instance.js';
import { createProxyEnv, type ProxyEnv } from '../../test/proxy-env.js';
import { dropPrefix, eventually, REDIS_TEST_URL, testPrefix } from '../../test/redis.js';
import { RedisResponseCache } from './store.js';

/** Every key under the prefix: its type, size (strings) and TTL (ms; -1 = none). */
async function keysUnder(r: Redis, prefix: string) {
  const out: { key: string; type: string; bytes: number; pttl: number }[] = [];
  let cursor = '0';
  do {
    const [next, ks] = await r.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
    cursor = next;
    for (const key of ks) {
      const type = await r.type(key);
      out.push({ key, type, bytes: type === 'string' ? await r.strlen(key) : 0, pttl: await r.pttl(key) });
    }
  } while (cursor !== '0');
  return out;
}

const entriesOf = (all: Awaited<ReturnType<typeof keysUnder>>, prefix: string) =>
  all.filter((k) => k.key.startsWith(`${prefix}cache:`));

describe('the Redis response cache store is bounded by CACHE_MAX_BYTES', () => {
  const prefix = testPrefix();
  const r1 = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
  const r2 = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
  afterAll(async () => {
    await dropPrefix(prefix);
    await r1.quit();
    await r2.quit();
  });

  it('two writers at once: the total never passes the bound, the oldest go first, and every key expires', async () => {
    const max = 10_000;
    const a = new RedisResponseCache(r1, prefix, max);
    const b = new RedisResponseCache(r2, prefix, max);
    const value = (i: number) => Buffer.alloc(400 + (i % 7) * 50, i % 256);
    // 120 entries of 400 to 700 bytes (about 66 KB), written concurrently by two connections.
    await Promise.all(Array.from({ length: 120 }, (_, i) => (i % 2 ? a : b).set(`k${i}`, value(i), 600_000)));
    // Then ten more, one after another: the newest are kept.
    for (let i = 120; i < 130; i++) await (i % 2 ? a : b).set(`k${i}`, value(i), 600_000);
    const all = await keysUnder(r1, prefix);
    const entries = entriesOf(all, prefix);
    const held = entries.reduce((s, e) => s + e.bytes, 0);
    expect(held).toBeLessThanOrEqual(max);
    expect(held).toBeGreaterThan(max - 1000);
    for (let i = 120; i < 130; i++) expect(await r1.exists(`${prefix}cache:k${i}`), `k${i}`).toBe(1);
    expect(await r1.exists(`${prefix}cache:k0`)).toBe(0);
    // The index counts exactly what is held.
    expect(Number(await r1.hget(`${prefix}cache-index:sizes`, 'total'))).toBe(held);
    expect(await r1.zcard(`${prefix}cache-index:order`)).toBe(entries.length);
    // Nothing the cache wrote lives forever.
    for (const k of all) expect(k.pttl, k.key).toBeGreaterThan(0);
    // A value larger than the bound is not stored, and takes nothing from what is.
    expect(await a.store('huge', Buffer.alloc(max + 1), 600_000)).toBe(-1);
    expect(await r1.exists(`${prefix}cache:huge`)).toBe(0);
    expect(Number(await r1.hget(`${prefix}cache-index:sizes`, 'total'))).toBe(held);
    // Storing a key again replaces its bytes in the total (not counted twice).
    await a.set('k129', Buffer.alloc(100), 600_000);
    const again = entriesOf(await keysUnder(r1, prefix), prefix).reduce((s, e) => s + e.bytes, 0);
    expect(Number(await r1.hget(`${prefix}cache-index:sizes`, 'total'))).toBe(again);
  });

  it('entries Redis expired leave the total at the next write', async () => {
    const p = testPrefix();
    const c = new RedisResponseCache(r1, p, 10_000);
    try {
      for (let i = 0; i < 5; i++) await c.set(`short${i}`, Buffer.alloc(1000), 50);
      await c.set('long', Buffer.alloc(1000), 600_000);
      await eventually(async () => expect(await r1.exists(`${p}cache:short4`)).toBe(0), 5000);
      await c.set('long2', Buffer.alloc(1000), 600_000);
      expect(Number(await r1.hget(`${p}cache-index:sizes`, 'total'))).toBe(2000);
      expect(await r1.zcard(`${p}cache-index:order`)).toBe(2);
      expect(await r1.zcard(`${p}cache-index:expiry`)).toBe(2);
    } finally {
      await dropPrefix(p);
    }
  });
});

describe('two gateway instances sharing one Redis cache', () => {
  const prefix = testPrefix();
  let a: ProxyEnv;
  let b: Instance;
  const redis = new Redis(REDIS_TEST_URL, { maxRetriesPerRequest: 1 });
  const env = {
    REDIS_URL: REDIS_TEST_URL,
    REDIS_KEY_PREFIX: prefix,
    REDIS_COMMAND_TIMEOUT_MS: '5000',
    CACHE_MAX_BYTES: '6kb',
  };

  beforeAll(async () => {
    a = await createProxyEnv({ env });
    b = await startInstance(a, { ...env, GATEWAY_MASTER_KEY: 'unused-master-key-0123456789abcdef' });
  }, 180_000);
  afterAll(async () => {
    await b?.close();
    await a?.close();
    await dropPrefix(prefix);
    await redis.quit();
  });

  const ask = async (base: string, q: string) => {
    const res = await fetch(`${base}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${a.userKey}`,
        'content-type': 'application/json',
        'x-switchyard-cache': '600',
      },
      body: JSON.stringify({ model: 'up-openai/gpt-test', messages: [{ role: 'user', content: q }] }),
    });
    await res.text();
    expect(res.status).toBe(200);
    return res.headers.get('x-switchyard-cache');
  };
  const settle = async () => {
    await Promise.all([...a.t.app.responseCache.runtime.writes, ...b.app.responseCache.runtime.writes]);
    a.t.app.responseCache.runtime.front?.clear();
    b.app.responseCache.runtime.front?.clear();
  };

  it('stores answers from both instances within CACHE_MAX_BYTES, evicting the oldest, each with a TTL', async () => {
    const qs = Array.from({ length: 16 }, (_, i) => `bounded question ${i} ${Math.random()}`);
    for (const [i, q] of qs.entries()) {
      expect(await ask(i % 2 ? b.url : a.url, q)).toBe('miss');
      await settle();
    }
    const all = await keysUnder(redis, prefix);
    const entries = entriesOf(all, prefix);
    const held = entries.reduce((s, e) => s + e.bytes, 0);
    expect(entries.length).toBeGreaterThan(1);
    expect(entries.length).toBeLessThan(qs.length);
    expect(held).toBeLessThanOrEqual(6 * 1024);
    for (const k of all.filter((k) => k.key.includes('cache'))) expect(k.pttl, k.key).toBeGreaterThan(0);
    // The newest answer is served to the other instance; the oldest was evicted, and is asked upstream again.
    a.up.reset();
    expect(await ask(a.url, qs.at(-1)!)).toBe('hit');
    expect(await ask(b.url, qs[0]!)).toBe('miss');
    expect(a.up.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
